"""How many of my addresses lie in a quartier prioritaire: a user's list → points → quartiers → counts.

Everything stays in memory: the per-address result is handed back to the caller (the page offers it as
a download, the CLI writes it where the user says) and never reaches the workspace or the app's folders.
Only the aggregated summary is meant to be shared; its small counts follow the app's secrecy rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd
import shapely

from dq_core import lambert
from dq_core.addresses.match import EXACT, NOT_FOUND, has_address_base, match_addresses
from dq_core.addresses.normalise import ParsedAddress, commune_key, parse_line, parse_street
from dq_core.errors import DQError
from dq_core.privacy import DEFAULT_THRESHOLD

BORDER = 1e-7                      # degrees (~1 cm)
RESULT_COLUMNS = ["code_quartier", "nom_quartier", "qualite", "score", "longitude", "latitude"]


@dataclass(frozen=True)
class Columns:
    """Which columns of the user's file hold the address (one way among three)."""
    address: str | None = None                  # one column with the whole address (or number + street)
    number: str | None = None
    street: str | None = None
    postcode: str | None = None
    commune: str | None = None
    lat: str | None = None                      # WGS84 degrees
    lon: str | None = None
    x: str | None = None                        # Lambert-93 metres
    y: str | None = None

    @property
    def by_coordinates(self) -> bool:
        return bool((self.lat and self.lon) or (self.x and self.y))

    def used(self) -> list[str]:
        return [c for c in (self.address, self.number, self.street, self.postcode, self.commune,
                            self.lat, self.lon, self.x, self.y) if c]


@dataclass
class Located:
    rows: pd.DataFrame                          # the user's rows + RESULT_COLUMNS (in memory only)
    vintage: int
    by_quartier: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_commune: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def located(self) -> int:
        return int(self.rows["latitude"].notna().sum())

    @property
    def in_qpv(self) -> int:
        return int(self.rows["code_quartier"].notna().sum())

    @property
    def unmatched(self) -> pd.DataFrame:
        """The rows without a point, for the user to correct while the page is open."""
        return self.rows[self.rows["latitude"].isna()]

    def quality_counts(self) -> dict[str, int]:
        return {q: int(n) for q, n in self.rows["qualite"].value_counts().items()}


def locate(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame, columns: Columns, vintage: int = 2024) -> Located:
    """Locate every row of `frame` and assign it to its quartier of the `vintage` geography."""
    missing = [c for c in columns.used() if c not in frame.columns]
    if missing:
        raise DQError(f"Colonne absente du fichier : {', '.join(missing)}.")
    if not columns.used():
        raise DQError("Indiquez la colonne de l'adresse (ou les colonnes numéro, voie, code postal, commune, "
                      "ou les coordonnées).")
    rows = frame.reset_index(drop=True).copy()
    if columns.by_coordinates:
        points = _points_from_coordinates(rows, columns)
    else:
        if not has_address_base(cur):
            raise DQError("Aucune base d'adresses dans cet espace de travail : indexez d'abord le fichier de la "
                          "Base Adresse Nationale de votre département (adresses-DD.csv.gz, sur "
                          "adresse.data.gouv.fr), avec `python -m dq_core index-adresses` ou la page « Adresses ».")
        points = match_addresses(cur, parsed_addresses(rows, columns, known_communes(cur)))
    quartiers = quartier_of(cur, points["lon"].to_numpy(float), points["lat"].to_numpy(float), vintage)
    names = _quartier_names(cur, vintage)
    rows["code_quartier"] = quartiers
    rows["nom_quartier"] = [names.get(q) if q else None for q in quartiers]
    rows["qualite"] = points["quality"].to_numpy()
    rows["score"] = points["score"].to_numpy()
    rows["longitude"] = points["lon"].round(6).to_numpy()
    rows["latitude"] = points["lat"].round(6).to_numpy()
    for column in ("code_quartier", "nom_quartier"):
        rows[column] = rows[column].astype(object).where(rows[column].notna(), None)
    located = Located(rows, vintage)
    located.by_quartier = _by_quartier(cur, rows, vintage)
    located.by_commune = _by_commune(cur, rows, points.get("code_insee"), vintage)
    return located


def known_communes(cur) -> list[str]:
    """The communes the address base knows (keys), longest first: to find one at the end of an address."""
    keys = [r[0] for r in cur.execute("SELECT DISTINCT commune_key FROM address WHERE commune_key <> ''").fetchall()]
    return sorted(keys, key=len, reverse=True)


def parsed_addresses(rows: pd.DataFrame, columns: Columns, communes: list[str]) -> list[ParsedAddress]:
    """Each row's address: from its columns when the file splits it, else parsed from the one column."""
    def cells(column: str | None) -> list[str]:
        return rows[column].fillna("").astype(str).tolist() if column else [""] * len(rows)

    out = []
    street_parts = [columns.address] if columns.address else [columns.number, columns.street]
    streets = [" ".join(p for p in values if p.strip()) for values in zip(*map(cells, street_parts), strict=True)]
    for street, postcode, commune in zip(streets, cells(columns.postcode), cells(columns.commune), strict=True):
        parsed = parse_line(street)
        if postcode.strip() or commune.strip():
            number, rep, key = parse_street(street)
            code = re.sub(r"\D", "", postcode)
            parsed = ParsedAddress(number, rep, key, code.zfill(5) if code else parsed.postcode,
                                   commune_key(commune) or parsed.commune)
        out.append(_commune_at_the_end(parsed, communes))
    return out


def _commune_at_the_end(parsed: ParsedAddress, communes: list[str]) -> ParsedAddress:
    """`3 r de la paix villeneuve test` (no postcode): the commune is the end of the street text."""
    if parsed.postcode or parsed.commune:
        return parsed
    for key in communes:
        if parsed.street.endswith(" " + key):
            return replace(parsed, street=parsed.street[:-len(key) - 1], commune=key)
    return parsed


def _points_from_coordinates(rows: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    def numbers(column: str) -> np.ndarray:
        text = rows[column].astype("string").str.replace(",", ".", regex=False).str.replace(" ", "", regex=False)
        return pd.to_numeric(text, errors="coerce").to_numpy(float)

    if columns.lat and columns.lon:
        lon, lat = numbers(columns.lon), numbers(columns.lat)
    else:
        lon, lat = lambert.to_wgs84(numbers(columns.x), numbers(columns.y))
    valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    return pd.DataFrame({"code_insee": None, "quality": np.where(valid, EXACT, NOT_FOUND),
                         "score": np.where(valid, 1.0, 0.0), "lon": np.where(valid, lon, np.nan),
                         "lat": np.where(valid, lat, np.nan)})


def quartier_of(cur, lon: np.ndarray, lat: np.ndarray, vintage: int) -> list[str | None]:
    """Point in polygon: each point's quartier of that geography (a point on a shared border: the first)."""
    shapes = cur.execute("SELECT code, geometry FROM territory WHERE level = 'quartier' AND vintage = ? "
                         "AND geometry IS NOT NULL ORDER BY code", [vintage]).fetchall()
    out: list[str | None] = [None] * len(lon)
    if not shapes:
        raise DQError(f"Aucun contour de quartier de la géographie {vintage} dans cet espace de travail : "
                      "importez les contours officiels (page « Données officielles »).")
    polygons = shapely.make_valid(shapely.from_geojson([g for _, g in shapes]))
    points = shapely.points(np.nan_to_num(lon, nan=0.0), np.nan_to_num(lat, nan=0.0))
    known = np.isfinite(lon) & np.isfinite(lat)
    # Within about a centimetre: a point on a border (or a hair outside, by rounding) belongs to it.
    point_index, shape_index = shapely.STRtree(polygons).query(points, predicate="dwithin", distance=BORDER)
    for p, s in sorted(zip(point_index.tolist(), shape_index.tolist(), strict=True)):
        if known[p] and out[p] is None:
            out[p] = shapes[s][0]
    return out


def _quartier_names(cur, vintage: int) -> dict[str, str]:
    return dict(cur.execute("SELECT code, name FROM territory WHERE level = 'quartier' AND vintage = ?",
                            [vintage]).fetchall())


def _by_quartier(cur, rows: pd.DataFrame, vintage: int) -> pd.DataFrame:
    located = max(int(rows["latitude"].notna().sum()), 1)
    inside = rows[rows["code_quartier"].notna()]
    counts = inside.groupby(["code_quartier", "nom_quartier"]).size().rename("adresses").reset_index()
    counts["part"] = (100.0 * counts["adresses"] / located).round(1)
    return counts.sort_values(["adresses", "code_quartier"], ascending=[False, True]).reset_index(drop=True)


def _by_commune(cur, rows: pd.DataFrame, code_insee, vintage: int) -> pd.DataFrame:
    """Per commune: addresses located there, and those in a quartier prioritaire."""
    main_commune = dict(cur.execute(
        "SELECT child, parent FROM territory_link l JOIN territory q ON q.code = l.child "
        "WHERE q.level = 'quartier' AND l.rank = 1").fetchall())
    names = dict(cur.execute("SELECT code, name FROM territory WHERE level = 'commune'").fetchall())
    names.update(dict(cur.execute("SELECT DISTINCT code_insee, commune FROM address").fetchall()))
    commune = pd.Series(code_insee if code_insee is not None else [None] * len(rows), dtype=object)
    commune = commune.where(commune.notna(), rows["code_quartier"].map(main_commune))
    frame = pd.DataFrame({"code_commune": commune, "located": rows["latitude"].notna(),
                          "in_qpv": rows["code_quartier"].notna()})
    frame = frame[frame["located"]]
    grouped = frame.groupby("code_commune", dropna=False).agg(adresses=("located", "size"),
                                                              dans_un_qpv=("in_qpv", "sum")).reset_index()
    grouped["commune"] = grouped["code_commune"].map(names).fillna("Commune non déterminée")
    grouped["part_qpv"] = (100.0 * grouped["dans_un_qpv"] / grouped["adresses"]).round(1)
    return grouped[["code_commune", "commune", "adresses", "dans_un_qpv", "part_qpv"]].sort_values(
        "adresses", ascending=False).reset_index(drop=True)


def shared_summary(located: Located, threshold: int = DEFAULT_THRESHOLD) -> dict[str, pd.DataFrame]:
    """The tables meant to leave the laptop: counts below the secrecy threshold, and their shares, as 's'."""
    def mask(frame: pd.DataFrame, counts: list[str], shares: list[str]) -> pd.DataFrame:
        out = frame.astype(object).copy()
        for count in counts:
            small = frame[count] < threshold
            out.loc[small, count] = "s"
            for share in shares:
                out.loc[small, share] = "s"
        return out

    return {"quartiers": mask(located.by_quartier, ["adresses"], ["part"]),
            "communes": mask(located.by_commune, ["adresses", "dans_un_qpv"], ["part_qpv"])}
