"""Structural checks of an official file once read, before anything is written: what would otherwise be
stored wrong without a word is refused in French, naming the cell or the quartier.

    reading = checked(kind, sample, kind.read(sample))      # `official.read_file` calls it for every kind

- every table: no value under no column name (a header with one name missing shifts every value to
  the next indicator);
- INSEE thematic bases: every number cell reads as a number or as a "no figure" code (`neuf cent` is not
  secret), and a quartier listed twice carries the same values;
- the 2024 ↔ 2015 correspondence: one status per 2024 quartier, a link listed twice alike kept once (said);
- geographies: a quartier listed twice is the same quartier; every contour is valid (repaired when the
  repair is unambiguous) and lies inside France — metropole, Corse or one of the overseas départements.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import shapely

from dq_core.errors import DQError
from dq_core.files.kinds import insee_thematic
from dq_core.files.kinds.base import FileKind, NotRecognised, Reading, Sample
from dq_core.files.kinds.correspondence import STATUS_WORDS
from dq_core.files.kinds.insee_catalogue import THEME_COLUMNS
from dq_core.files.read.numbers import MISSING_TOKENS, SECRET_TOKENS, numbers
from dq_core.files.read.tables import Table
from dq_core.shapes import point_inside

SHOWN = 5                     # cells or quartiers named in a message
# Where a quartier prioritaire can be (lon_min, lat_min, lon_max, lat_max, in WGS84), with a margin.
FRANCE_BOXES = {
    "France métropolitaine et Corse": (-6.5, 41.0, 10.0, 51.5),
    "Guadeloupe": (-62.0, 15.7, -60.8, 16.7),
    "Martinique": (-61.4, 14.3, -60.7, 15.0),
    "Guyane": (-54.8, 1.9, -51.4, 6.0),
    "La Réunion": (55.1, -21.5, 56.0, -20.7),
    "Mayotte": (44.9, -13.2, 45.4, -12.5),
    "Saint-Martin": (-63.2, 17.8, -62.9, 18.2),
}
REPAIR_TOLERANCE = 0.01       # a repair may change the drawn area by 1 % at most


def checked(kind: FileKind, sample: Sample, reading: Reading) -> Reading:
    """The reading, with contours repaired where that is safe; DQError (in French) for anything else."""
    if kind.tabular and sample.container in ("csv", "xlsx") and not sample.is_json:
        for table in sample.tables:
            aligned(table)
    if kind is insee_thematic.KIND:
        table, theme = _thematic_table(sample)
        readable_numbers(table, theme)
        same_values_for_each_quartier(table, theme)
    if reading.correspondence is not None:
        reading = unique_links(reading)
    if reading.quartiers is not None and reading.authoritative:
        distinct_quartiers(reading.quartiers)
        if reading.has_geometry:
            reading = replace(reading, quartiers=contours_in_france(reading.quartiers))
    return reading


def aligned(table: Table) -> None:
    """Refuse a table with values under no column name: its header lacks a name, values would shift."""
    if not table.stray_lines:
        return
    lines = ", ".join(str(n) for n in table.stray_lines[:SHOWN])
    more = f" (et {len(table.stray_lines) - SHOWN} autres)" if len(table.stray_lines) > SHOWN else ""
    raise _refusal(f"{_where(table)}des valeurs sans nom de colonne, ligne{'s' if len(table.stray_lines) > 1 else ''} "
                  f"{lines}{more} : l'en-tête a moins de noms que les lignes n'ont de valeurs (un nom de colonne "
                  "manque ?). Chaque valeur serait rangée sous l'indicateur voisin : le fichier n'est pas importé. "
                  "Rétablissez l'en-tête d'origine.")


def readable_numbers(table: Table, theme: str) -> None:
    """Refuse a number cell that is neither a number nor a code for "no figure" (never stored as secret)."""
    codes = _codes(table)
    bad = []
    for column in _value_columns(table, theme):
        text = table.frame[column].astype("string").str.strip()
        unreadable = numbers(table.frame[column]).isna() & text.notna() & (text != "") \
            & ~text.str.lower().isin(MISSING_TOKENS | SECRET_TOKENS)
        bad += [(column, codes.iloc[i], text.iloc[i]) for i in np.flatnonzero(unreadable.to_numpy())[:SHOWN]]
        if len(bad) >= SHOWN:
            break
    if bad:
        cells = " ; ".join(f"« {c} » du quartier {code} : « {_clip(v)} »" for c, code, v in bad[:SHOWN])
        raise _refusal(f"{_where(table)}cellule{'s' if len(bad) > 1 else ''} qui ne se lisent pas comme des nombres "
                      f"— {cells}. Une case sans chiffre doit être vide (ou s, nd, ns, so) : le fichier n'est pas "
                      "importé, corrigez ces cellules.")


def same_values_for_each_quartier(table: Table, theme: str) -> None:
    """Refuse a quartier listed twice with different values (which one would be kept is arbitrary)."""
    codes = _codes(table)
    twice = codes[codes.duplicated(keep=False) & codes.str.match(r"^Q[PN]", na=False)]
    if twice.empty:
        return
    values = table.frame.loc[twice.index, _value_columns(table, theme)].fillna("").assign(_code=twice)
    differing = [code for code, rows in values.groupby("_code") if len(rows.drop_duplicates()) > 1]
    if differing:
        raise _refusal(f"{_where(table)}{_quartiers(differing)} figure{'nt' if len(differing) > 1 else ''} deux fois "
                      "avec des valeurs différentes : impossible de savoir lesquelles sont les bonnes. Le fichier "
                      "n'est pas importé ; gardez une seule ligne par quartier.")


def unique_links(reading: Reading) -> Reading:
    """A correspondence table: refuse a 2024 quartier given two statuses (a link listed twice as « modifié »
    and « inchangé »: which one is right is unknown); a link listed twice alike is kept once, and said."""
    pairs = reading.correspondence
    statuses = pairs.groupby("qp2024")["status"].unique()
    contradicted = statuses[statuses.map(len) > 1]
    if not contradicted.empty:
        code = contradicted.index[0]
        said = " puis ".join(f"« {STATUS_WORDS.get(status, status)} »" for status in contradicted.iloc[0])
        rows = pairs[pairs["qp2024"] == code]
        twice = rows[rows.duplicated("qp2015", keep=False)]["qp2015"]
        what = (f"Le lien {_link(code, twice.iloc[0])} figure deux fois" if len(twice) else
                f"Le quartier 2024 {code} figure sur plusieurs lignes")
        others = f" (et {len(contradicted) - 1} autre{'s' if len(contradicted) > 2 else ''} quartier{'s' if len(contradicted) > 2 else ''})" \
            if len(contradicted) > 1 else ""
        raise DQError(f"{what}, avec deux statuts : {said}{others}. Impossible de savoir lequel est le bon : la "
                      "table de correspondance n'est pas importée ; gardez une seule ligne par lien.")
    doubles = pairs[pairs.duplicated(keep="first")]
    if doubles.empty:
        return reading
    links = [_link(a, b) for a, b in zip(doubles["qp2024"], doubles["qp2015"], strict=True)]
    shown = ", ".join(links[:SHOWN]) + (f" et {len(links) - SHOWN} autres" if len(links) > SHOWN else "")
    n = len(links)
    note = (f"{n} lien{'s' if n > 1 else ''} en double dans le fichier, identique{'s' if n > 1 else ''}, "
            f"gardé{'s' if n > 1 else ''} une fois : {shown}")
    return replace(reading, correspondence=pairs.drop_duplicates(ignore_index=True), detail=note)


def _link(qp2024: str, qp2015: str | None) -> str:
    return f"{qp2024} → {qp2015}" if isinstance(qp2015, str) else f"{qp2024} (sans quartier 2015)"


def distinct_quartiers(quartiers: pd.DataFrame) -> None:
    """Refuse a geography listing one quartier twice with a different name or contour."""
    twice = quartiers[quartiers["code"].duplicated(keep=False)]
    if twice.empty:
        return
    columns = [c for c in ("name", "geometry") if c in twice]
    differing = [code for code, rows in twice.groupby("code")
                 if len(rows[columns].astype("string").fillna("").drop_duplicates()) > 1]
    if differing:
        raise _refusal(f"{_quartiers(differing)} figure{'nt' if len(differing) > 1 else ''} deux fois, avec des noms ou "
                      "des contours différents : le fichier n'est pas importé (un seul contour par quartier).")


def contours_in_france(quartiers: pd.DataFrame) -> pd.DataFrame:
    """Contours checked: inside France, valid or safely repaired (their label point recomputed)."""
    has = quartiers["geometry"].notna().to_numpy()
    if not has.any():
        return quartiers
    codes = quartiers["code"].to_numpy()[has]
    try:
        shapes = shapely.from_geojson(quartiers["geometry"].to_numpy()[has])
    except shapely.errors.ShapelyError as exc:
        raise DQError("Contour mal formé (type de géométrie inconnu, anneau non fermé ou coordonnée manquante) : "
                      "le fichier n'est pas importé. Vérifiez-le dans un logiciel de cartographie (QGIS : "
                      "« Vérifier la validité »).") from exc
    outside = [c for c, box in zip(codes, shapely.bounds(shapes), strict=True) if not _in_france(box)]
    if outside:
        raise DQError(f"Contour hors de France pour {_quartiers(outside)} : coordonnées aberrantes, ou un "
                      "polygone qui couvre le monde entier. Le fichier n'est pas importé (il placerait dans "
                      "ces quartiers des lieux qui n'y sont pas).")
    valid = shapely.is_valid(shapes)
    empty = codes[shapely.is_empty(shapes) | (valid & (shapely.area(shapes) == 0))]
    if len(empty):
        raise DQError(f"Contour vide ou sans surface pour {_quartiers(empty)} : le fichier n'est pas importé.")
    invalid = np.flatnonzero(~valid)
    if not len(invalid):
        return quartiers
    out = quartiers.copy()
    rows = np.flatnonzero(has)
    refused = []
    for i in invalid:
        repaired = _repaired(shapes[i])
        if repaired is None:
            refused.append(codes[i])
            continue
        geometry = json.loads(shapely.to_geojson(repaired))
        lon, lat = point_inside(geometry) or (None, None)
        row = out.index[rows[i]]
        out.loc[row, ["geometry", "lon", "lat"]] = [json.dumps(geometry, separators=(",", ":")), lon, lat]
    if refused:
        raise DQError(f"Contour qui se recoupe lui-même pour {_quartiers(refused)}, sans réparation sûre (la "
                      "réparation changerait sa surface) : le fichier n'est pas importé. "
                      "Corrigez ces contours dans un logiciel de cartographie (QGIS : « Réparer les géométries »).")
    return out


def _repaired(shape) -> shapely.Geometry | None:
    """The polygonal part of `make_valid`, when it keeps the area the rings enclose as drawn: a ring
    touching itself after rounding is repaired; a figure-eight (whose two lobes cancel out in the
    drawn area, and which no repair can read for sure) is not."""
    made = shapely.make_valid(shape)
    polygons = [g for g in getattr(made, "geoms", [made]) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        return None
    made = shapely.union_all(polygons)
    if made.area == 0 or abs(made.area - shape.area) > REPAIR_TOLERANCE * made.area:
        return None
    if shape.geom_type == "MultiPolygon" and made.geom_type == "Polygon":
        made = shapely.MultiPolygon([made])            # the file's own type, as the other contours
    return made


def _in_france(bounds) -> bool:
    lon_min, lat_min, lon_max, lat_max = bounds
    return any(x0 <= lon_min and lon_max <= x1 and y0 <= lat_min and lat_max <= y1
               for x0, y0, x1, y1 in FRANCE_BOXES.values())


def _thematic_table(sample: Sample) -> tuple[Table, str]:
    """The table and theme a thematic base was read from (as `insee_thematic` picks them)."""
    for table in sample.tables:
        try:
            theme = insee_thematic.theme_of(table)
        except NotRecognised:
            continue
        if theme:
            return table, theme
    raise DQError("Aucune base thématique de l'Insee dans ce fichier.")


def _value_columns(table: Table, theme: str) -> list[str]:
    mapping = THEME_COLUMNS[theme]
    return [h for h in table.header if h.strip().upper() in mapping]


def _codes(table: Table) -> pd.Series:
    columns = {h.strip().upper(): h for h in table.header}
    column = next((columns[c] for c in insee_thematic.CODE_COLUMNS if c in columns), None)
    if column is None:
        return pd.Series([""] * len(table.frame), index=table.frame.index, dtype="string")
    return table.frame[column].astype("string").str.strip().str.strip('"').str.upper()


def _quartiers(codes) -> str:
    codes = list(dict.fromkeys(codes))
    shown = ", ".join(codes[:SHOWN]) + (f" et {len(codes) - SHOWN} autres" if len(codes) > SHOWN else "")
    return f"le{'s' if len(codes) > 1 else ''} quartier{'s' if len(codes) > 1 else ''} {shown}"


def _refusal(message: str) -> DQError:
    return DQError(message[:1].upper() + message[1:])


def _where(table: Table) -> str:
    return f"Feuille « {table.sheet} » : " if table.sheet else ""


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
