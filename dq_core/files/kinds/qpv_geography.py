"""Readers for QPV geographies (2015 and 2024): GeoJSON, shapefiles (loose or zipped), ANCT lists.

Each reader turns bytes into a `QuartierFrame`: one row per quartier with its code, name, vintage,
communes (codes and/or names, main commune first) and, for geometries, a GeoJSON geometry in WGS84
lon/lat with a point inside it for labels (`shapes.point_inside`, never a centroid).
"""

from __future__ import annotations

import io
import json
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import shapely.errors

from dq_core import lambert
from dq_core.errors import DQError
from dq_core.files.kinds.base import FileKind, NotRecognised, Reading, Sample
from dq_core.files.read.codes import QP2015_CODE, QP2024_CODE, pad_code, split_multi
from dq_core.files.read.tables import Table
from dq_core.shapes import point_inside

CODE_KEYS = ("code_qp", "codeqp", "code_qpv", "code")
NAME_KEYS = ("lib_qp", "nom_qp", "libqp", "label", "nom", "lib", "name")
COMMUNE_CODE_KEYS = ("insee_com", "code_insee", "code_commune", "insee_com_list", "insee", "codgeo_com",
                     "code_com", "codes_insee")
COMMUNE_NAME_KEYS = ("lib_com", "nom_commune", "commune_qp", "communes", "nom_com", "commune")
COLUMNS = ["code", "name", "vintage", "commune_codes", "commune_names", "geometry", "lon", "lat"]
COORD_DECIMALS = 5            # ~1 m: enough for a quartier map, and half the text


@dataclass
class QuartierFrame:
    frame: pd.DataFrame               # COLUMNS
    label: str                        # what the file is, in French, for the import report
    has_geometry: bool


def vintage_of(code: str) -> int | None:
    if QP2015_CODE.match(code):
        return 2015
    if QP2024_CODE.match(code):
        return 2024
    return None


def _pick(keys: dict[str, str], wanted: tuple[str, ...]) -> str | None:
    return next((keys[k] for k in wanted if k in keys), None)


def _key_map(names) -> dict[str, str]:
    return {str(n).strip().lower(): n for n in names}


def _rows_from_records(records: list[tuple[dict, dict | None]]) -> pd.DataFrame:
    """(properties, WGS84 geometry or None) → rows; records without a QPV code are left out."""
    if not records:
        return pd.DataFrame(columns=COLUMNS)
    keys = _key_map({k for props, _ in records for k in props})
    code_key = _pick(keys, CODE_KEYS)
    if code_key is None:
        raise DQError("Aucune colonne de code de quartier (CODE_QP, code_qp…) dans les attributs.")
    name_key, ccode_key, cname_key = (_pick(keys, k) for k in (NAME_KEYS, COMMUNE_CODE_KEYS, COMMUNE_NAME_KEYS))
    rows = []
    for props, geometry in records:
        code = str(props.get(code_key) or "").strip().upper()
        vintage = vintage_of(code)
        if vintage is None:
            continue
        try:
            lon, lat = point_inside(geometry) or (None, None)
        except (shapely.errors.ShapelyError, ValueError, TypeError) as exc:
            raise DQError(f"Contour mal formé pour le quartier {code} (type de géométrie inconnu, anneau non fermé ou "
                          "coordonnée manquante) : le fichier n'est pas importé. Vérifiez-le dans un logiciel de "
                          "cartographie (QGIS : « Vérifier la validité »).") from exc
        rows.append({
            "code": code, "name": str(props.get(name_key) or code).strip() if name_key else code,
            "vintage": vintage,
            "commune_codes": [pad_code(c) for c in split_multi(props.get(ccode_key))] if ccode_key else [],
            "commune_names": split_multi(props.get(cname_key)) if cname_key else [],
            "geometry": json.dumps(geometry, separators=(",", ":")) if geometry else None,
            "lon": lon, "lat": lat})
    return pd.DataFrame(rows, columns=COLUMNS)


def read_geojson(data: bytes | str) -> QuartierFrame:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DQError("Fichier GeoJSON illisible (JSON invalide).") from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DQError("Ce JSON n'est pas une collection d'entités GeoJSON (« features » absent).")
    crs = json.dumps(doc.get("crs") or {})
    lambert93 = "2154" in crs or "lambert" in crs.lower()
    records = []
    for number, feature in enumerate(features, start=1):
        try:
            geometry = feature.get("geometry")
            if geometry and lambert93:
                geometry = _map_coordinates(geometry, lambert.to_wgs84)
            records.append((feature.get("properties") or {}, _checked(geometry)))
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            raise DQError(f"Entité n° {number} du GeoJSON mal formée (ce n'est pas une entité avec des attributs et "
                          "une géométrie aux coordonnées numériques) : le fichier n'est pas importé.") from exc
    frame = _rows_from_records(records)
    if frame.empty:
        raise DQError("Aucune entité avec un code de quartier (QP… ou QN…) dans ce GeoJSON.")
    return QuartierFrame(frame, _label(frame, "contours GeoJSON"), True)


def _checked(geometry: dict | None) -> dict | None:
    """Round coordinates; reproject from Lambert-93 when the numbers say so despite the file."""
    if not geometry or "coordinates" not in geometry:
        return None
    first = _first_position(geometry["coordinates"])
    if first and abs(first[0]) > 180 and lambert.looks_like_lambert93(first[0], first[1]):
        geometry = _map_coordinates(geometry, lambert.to_wgs84)
    elif first and (abs(first[0]) > 180 or abs(first[1]) > 90):
        raise DQError("Coordonnées dans une projection non reconnue : enregistrez le fichier en WGS84 "
                      "(longitude/latitude) ou en Lambert-93.")
    return _map_coordinates(geometry, lambda x, y: (x, y))


def _first_position(coords):
    # Lists in GeoJSON, tuples from a shapefile (pyshp).
    while isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (list, tuple)):
        coords = coords[0]
    return coords if isinstance(coords, (list, tuple)) and len(coords) >= 2 else None


def _map_coordinates(geometry: dict, transform) -> dict:
    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):                 # one position
            return walk([coords])[0]
        if coords and coords[0] and isinstance(coords[0][0], (int, float)):  # a ring: one array call
            xy = np.asarray(coords, dtype=float)
            x, y = transform(xy[:, 0], xy[:, 1])
            return np.round(np.column_stack([x, y]), COORD_DECIMALS).tolist()
        return [walk(c) for c in coords]
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


# --- shapefiles ---------------------------------------------------------------------------------

def read_shapefile(parts: dict[str, bytes]) -> QuartierFrame:
    """`parts`: extension ('.shp', '.dbf', '.shx', '.prj', '.cpg') → bytes of one shapefile set."""
    import shapefile  # pyshp

    if ".shp" not in parts or ".dbf" not in parts:
        raise DQError("Jeu de fichiers shapefile incomplet : il faut au moins le .shp et le .dbf.")
    prj = parts.get(".prj", b"").decode("latin-1").lower()
    lambert93 = "lambert" in prj and ("93" in prj or "rgf" in prj or "2154" in prj)
    if prj and "projcs" in prj and not lambert93:
        raise DQError("Projection du shapefile non prise en charge (seuls WGS84 et Lambert-93 le sont).")
    encoding = parts.get(".cpg", b"").decode("ascii", "ignore").strip().lower() or "utf-8"
    # pyshp's remarks on odd headers and rings are English warnings for the terminal: the checks say it in French.
    shapefile.VERBOSE = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        records = _shapefile_records(parts, encoding, lambert93)
    frame = _rows_from_records(records)
    if frame.empty:
        raise DQError("Aucun quartier (code QP… ou QN…) dans les attributs de ce shapefile.")
    return QuartierFrame(frame, _label(frame, "contours shapefile"), True)


def _shapefile_records(parts: dict[str, bytes], encoding: str, lambert93: bool) -> list[tuple[dict, dict | None]]:
    """(attributes, WGS84 geometry) of each shape, read in the `.cpg`'s encoding, else in Windows-1252."""
    import shapefile  # pyshp

    for attempt in (encoding, "cp1252"):
        try:
            with shapefile.Reader(shp=io.BytesIO(parts[".shp"]), dbf=io.BytesIO(parts[".dbf"]),
                                  shx=io.BytesIO(parts[".shx"]) if ".shx" in parts else None,
                                  encoding=_python_encoding(attempt)) as reader:
                fields = [f[0] for f in reader.fields[1:]]
                records = []
                for shape_record in reader.iterShapeRecords():
                    props = dict(zip(fields, shape_record.record, strict=False))
                    geometry = shape_record.shape.__geo_interface__ if shape_record.shape.points else None
                    if geometry and lambert93:
                        geometry = _map_coordinates(geometry, lambert.to_wgs84)
                    records.append((props, _checked(geometry)))
            return records
        except (UnicodeDecodeError, LookupError):       # wrong or unknown encoding in the .cpg
            continue
        except shapefile.ShapefileException as exc:
            raise DQError("Shapefile illisible : ses fichiers .shp, .shx ou .dbf sont abîmés ou ne vont pas "
                          "ensemble. Téléchargez à nouveau l'archive de l'ANCT.") from exc
    return []


def _python_encoding(name: str) -> str:
    return {"1252": "cp1252", "ansi 1252": "cp1252", "utf8": "utf-8", "utf-8": "utf-8"}.get(name, name)


def shapefile_sets(members: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Group archive members by shapefile stem: {'SHP/QP2024': {'.shp': …, '.dbf': …}}."""
    sets: dict[str, dict[str, bytes]] = {}
    for name, data in members.items():
        path = PurePosixPath(name)
        ext = path.suffix.lower()
        if ext in (".shp", ".dbf", ".shx", ".prj", ".cpg"):
            sets.setdefault(str(path.with_suffix("")), {})[ext] = data
    return {stem: parts for stem, parts in sets.items() if ".shp" in parts}


def preferred_shapefile(sets: dict[str, dict[str, bytes]]) -> dict[str, bytes]:
    """ANCT's zip holds one set per projection: prefer the WGS84 whole-France one."""
    def score(stem: str) -> tuple:
        s = stem.lower()
        return ("wgs84" in s or "4326" in s, "france" in s or "metropole" in s, "outre" in s, -len(s))
    return sets[max(sets, key=score)]


# --- lists (CSV/Excel) --------------------------------------------------------------------------

def read_list(table: Table) -> QuartierFrame:
    """A list of quartiers (ANCT's `listeqp2024-cog2024.csv` and the like): codes, names, communes."""
    keys = _key_map(table.header)
    code_key = _pick(keys, CODE_KEYS)
    if code_key is None:
        raise DQError("Aucune colonne de code de quartier dans cette liste.")
    name_key, ccode_key, cname_key = (_pick(keys, k) for k in (NAME_KEYS, COMMUNE_CODE_KEYS, COMMUNE_NAME_KEYS))
    records = [({code_key: row[code_key],
                 **({name_key: row[name_key]} if name_key else {}),
                 **({ccode_key: row[ccode_key]} if ccode_key else {}),
                 **({cname_key: row[cname_key]} if cname_key else {})}, None)
               for row in table.frame.to_dict("records")]
    frame = _rows_from_records(records)
    if frame.empty:
        raise DQError("Aucun code de quartier (QP… ou QN…) dans cette liste.")
    return QuartierFrame(frame, _label(frame, "liste des quartiers"), False)


def looks_like_list(table: Table) -> bool:
    keys = _key_map(table.header)
    code_key = _pick(keys, CODE_KEYS)
    if code_key is None or _pick(keys, NAME_KEYS) is None:
        return False
    sample = table.frame[code_key].head(50).astype(str).str.strip().str.upper()
    return bool(sample.map(lambda c: vintage_of(c) is not None).mean() > 0.8)


def _label(frame: pd.DataFrame, what: str) -> str:
    vintages = sorted(frame["vintage"].dropna().unique())
    geo = " et ".join(f"géographie {int(v)}" for v in vintages)
    return f"Quartiers prioritaires, {what} ({geo})"


# --- the kinds --------------------------------------------------------------------------------------

def _reading(quartiers: QuartierFrame) -> Reading:
    return Reading(quartiers.label, quartiers=quartiers.frame, authoritative=True,
                   has_geometry=quartiers.has_geometry)


def _is_geojson(sample: Sample) -> bool:
    head = sample.source.head(5000).decode("utf-8", errors="ignore") if sample.is_json else ""
    return '"FeatureCollection"' in head


def _read_geojson(sample: Sample) -> Reading:
    if '"features"' not in sample.text[:200_000]:
        raise NotRecognised("Fichier JSON qui n'est pas une collection GeoJSON de quartiers.")
    return _reading(read_geojson(sample.text))


def _read_list(sample: Sample) -> Reading:
    return _reading(read_list(next(t for t in sample.tables if looks_like_list(t))))


GEOJSON = FileKind("qpv_contours_geojson", "contours des quartiers (GeoJSON)", _is_geojson, _read_geojson)
SHAPEFILE = FileKind("qpv_contours_shapefile", "contours des quartiers (shapefile)",
                     lambda sample: sample.container == "shapefile",
                     lambda sample: _reading(read_shapefile(sample.source.parts)))
LIST = FileKind("qpv_liste", "liste des quartiers (ANCT, code officiel géographique)",
                lambda sample: any(looks_like_list(t) for t in sample.head_tables), _read_list)
