"""File layouts and the mapping of a file's columns to what they mean, remembered per partner.

Four layouts are understood:
- `long`: one row per territory × indicator × period (`code_territoire; indicateur; periode; valeur`
  plus optional `numerateur; denominateur; statut`) — the documented format;
- `wide_period`: one column per period (`code_territoire; indicateur; 2021; 2022; 2023`), the
  indicator given by a column or fixed for the whole file;
- `wide_indicator`: one column per indicator (`code_territoire; periode; pop_totale; …`), the
  period given by a column or fixed for the whole file;
- `points`: one row per building or address with coordinates (`latitude; longitude` in WGS84 or
  `x; y` in Lambert-93) and one column per counted indicator; aggregated to quartiers.
A `Mapping` says which column plays which role; `guess_mapping` proposes one, the assistant (page or
CLI options) corrects it and `remember_mapping` stores it for the partner's next file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

import duckdb

from dq_core.files.read.periods import parse_period
from dq_core.files.read.text import normalise_text
from dq_core.files.sql import first as _first

LAYOUTS = ("long", "wide_period", "wide_indicator", "points")
# The roles a column can play in each layout, in the order the assistant asks for them.
LAYOUT_ROLES: dict[str, tuple[str, ...]] = {
    "long": ("territory", "indicator", "period", "value", "numerator", "denominator", "status"),
    "wide_period": ("territory", "indicator", "status"),
    "wide_indicator": ("territory", "period"),
    "points": ("lat", "lon", "x", "y", "period"),
}

# Column roles and the names people give them (normalised: lower case, no accents, '_').
ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "territory": ("code_territoire", "code_territoires", "territoire", "code", "code_qpv", "qpv",
                  "code_quartier", "quartier_code", "code_qp", "codgeo", "code_geo", "code_insee",
                  "code_commune", "depcom", "com", "insee", "code_zone", "zone"),
    "indicator": ("indicateur", "code_indicateur", "id_indicateur", "indicator", "variable", "id"),
    "period": ("periode", "annee", "an", "date", "mois", "trimestre", "millesime", "period", "year"),
    "value": ("valeur", "value", "val"),
    "numerator": ("numerateur", "num", "numerator"),
    "denominator": ("denominateur", "denom", "den", "denominator"),
    "status": ("statut", "status", "etat", "flag", "indicateur_qualite", "qualite"),
    "lat": ("lat", "latitude", "y_wgs84", "lat_wgs84"),
    "lon": ("lon", "lng", "long", "longitude", "x_wgs84", "lon_wgs84"),
    "x": ("x", "x_l93", "x_lambert93", "x_lambert_93", "coord_x", "xl93", "x_rgf93"),
    "y": ("y", "y_l93", "y_lambert93", "y_lambert_93", "coord_y", "yl93", "y_rgf93"),
}
ROLE_LABELS = {
    "territory": "Code du territoire", "indicator": "Indicateur", "period": "Période",
    "value": "Valeur", "numerator": "Numérateur", "denominator": "Dénominateur", "status": "Statut",
    "lat": "Latitude (WGS84)", "lon": "Longitude (WGS84)", "x": "X (Lambert-93)", "y": "Y (Lambert-93)",
}
LONG_COLUMNS = ("code_territoire", "indicateur", "periode", "valeur", "numerateur", "denominateur",
                "statut")


@dataclass
class Mapping:
    """Which file column plays which role, for one layout.

    `columns`: role → column name as written in the file; `fixed`: role → value for the whole file
    (an indicator id for `wide_period`, a period for `wide_indicator` or `points`); `value_columns`:
    column name → period (`wide_period`) or indicator id (`wide_indicator`, `points`).
    """
    layout: str
    columns: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)
    value_columns: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> Mapping:
        return cls(data.get("layout", "long"), dict(data.get("columns") or {}),
                   dict(data.get("fixed") or {}), dict(data.get("value_columns") or {}))

    @property
    def is_points(self) -> bool:
        return self.layout == "points"

    @property
    def crs(self) -> str:
        return "lambert93" if "x" in self.columns else "wgs84"


def header_signature(headers: list[str]) -> str:
    """What identifies a partner's file layout: its normalised column names, in order."""
    normalised = "|".join(normalise_text(h) for h in headers)
    return hashlib.sha1(normalised.encode()).hexdigest()[:16]


def _role_of(header: str) -> str | None:
    name = normalise_text(header)
    for role, names in ROLE_SYNONYMS.items():
        if name in names:
            return role
    return None


def indicator_of(header: str, indicators: dict[str, str]) -> str | None:
    """The indicator id a column header names (its id or its label), or None.

    `indicators` maps id → label."""
    name = normalise_text(header)
    by_id = {normalise_text(i): i for i in indicators}
    if name in by_id:
        return by_id[name]
    by_label = {normalise_text(label): i for i, label in indicators.items()}
    return by_label.get(name)


def guess_mapping(headers: list[str], indicators: dict[str, str]) -> Mapping:
    """The most likely layout and roles of a file's columns (the assistant starts from this)."""
    columns: dict[str, str] = {}
    for header in headers:
        role = _role_of(header)
        if role and role not in columns:
            columns[role] = header
    has_coordinates = ({"lat", "lon"} <= columns.keys()) or ({"x", "y"} <= columns.keys())
    roles = set(columns.values())
    periods = {h: parse_period(h) for h in headers if h not in roles}
    period_columns = {h: p.code for h, p in periods.items() if p is not None}
    indicator_columns = {h: ind for h in headers if h not in roles
                         if (ind := indicator_of(h, indicators)) is not None}
    if has_coordinates:
        if {"lat", "lon"} <= columns.keys():
            columns.pop("x", None)
            columns.pop("y", None)
        columns.pop("indicator", None)
        columns.pop("value", None)
        return Mapping("points", columns, {}, indicator_columns)
    if "indicator" in columns and "period" in columns and "value" in columns:
        return Mapping("long", {r: c for r, c in columns.items() if r not in ("lat", "lon", "x", "y")})
    if period_columns and len(period_columns) >= len(indicator_columns):
        keep = {r: c for r, c in columns.items() if r in ("territory", "indicator", "status")}
        return Mapping("wide_period", keep, {}, period_columns)
    if indicator_columns:
        keep = {r: c for r, c in columns.items() if r in ("territory", "period")}
        return Mapping("wide_indicator", keep, {}, indicator_columns)
    return Mapping("long", {r: c for r, c in columns.items() if r not in ("lat", "lon", "x", "y")})


def mapping_problems(mapping: Mapping, headers: list[str]) -> list[str]:
    """French sentences for what is missing or wrong in a mapping (empty list: usable)."""
    problems = []
    missing_headers = [c for c in [*mapping.columns.values(), *mapping.value_columns] if c not in headers]
    for column in missing_headers:
        problems.append(f"la colonne « {column} » n'existe pas dans le fichier")
    if "territory" not in mapping.columns and not mapping.is_points:
        problems.append("aucune colonne ne donne le code du territoire (attendue : « code_territoire »)")
    if mapping.layout == "long":
        for role, name in (("indicator", "indicateur"), ("period", "periode"), ("value", "valeur")):
            if role not in mapping.columns:
                problems.append(f"colonne « {name} » absente")
    elif mapping.layout == "wide_period":
        if "indicator" not in mapping.columns and not mapping.fixed.get("indicator"):
            problems.append("indiquez l'indicateur : une colonne « indicateur », ou un indicateur pour tout le fichier")
        if not mapping.value_columns:
            problems.append("aucune colonne de période (par exemple « 2022 », « 2023 ») n'a été trouvée")
    elif mapping.layout == "wide_indicator":
        if "period" not in mapping.columns and not mapping.fixed.get("period"):
            problems.append("indiquez la période : une colonne « periode », ou une période pour tout le fichier")
        if not mapping.value_columns:
            problems.append("aucune colonne ne correspond à un indicateur du catalogue")
    elif mapping.layout == "points":
        if not ({"lat", "lon"} <= mapping.columns.keys() or {"x", "y"} <= mapping.columns.keys()):
            problems.append("indiquez les coordonnées : « latitude » et « longitude » (WGS84) ou « x » et « y » (Lambert-93)")
        if "period" not in mapping.columns and not mapping.fixed.get("period"):
            problems.append("indiquez la période : une colonne « periode », ou une période pour tout le fichier")
        if not mapping.value_columns:
            problems.append("aucune colonne ne correspond à un indicateur à compter")
    else:
        problems.append(f"présentation inconnue : {mapping.layout}")
    return problems


def remember_mapping(cur: duckdb.DuckDBPyConnection, partner: str, headers: list[str],
                     mapping: Mapping) -> None:
    """Store a partner's mapping for files with these columns (their next file is mapped alike)."""
    cur.execute("INSERT OR REPLACE INTO import_mapping (partner, signature, mapping, updated_at) "
                "VALUES (?, ?, ?, current_timestamp)",
                [partner.strip(), header_signature(headers), mapping.to_json()])


def recall_mapping(cur: duckdb.DuckDBPyConnection, partner: str | None,
                   headers: list[str]) -> Mapping | None:
    """The mapping remembered for this partner and these columns, if any."""
    if not partner:
        return None
    row = _first(cur.execute("SELECT mapping FROM import_mapping WHERE partner = ? AND signature = ?",
                      [partner.strip(), header_signature(headers)]))
    return Mapping.from_dict(json.loads(row[0])) if row else None


def partners(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Partners known to the workspace (from remembered mappings, settings and past imports)."""
    rows = cur.execute("""
        SELECT partner FROM import_mapping UNION SELECT name FROM import_partner
        UNION SELECT partner FROM import_batch WHERE partner IS NOT NULL ORDER BY 1""").fetchall()
    return [r[0] for r in rows]


def partner_threshold(cur: duckdb.DuckDBPyConnection, partner: str | None) -> int | None:
    if not partner:
        return None
    row = _first(cur.execute("SELECT secret_threshold FROM import_partner WHERE name = ?",
                      [partner.strip()]))
    return row[0] if row else None


def set_partner_threshold(cur: duckdb.DuckDBPyConnection, partner: str, threshold: int | None) -> None:
    """Configure the secrecy threshold of one source (partner); None: each indicator's own."""
    cur.execute("INSERT OR REPLACE INTO import_partner (name, secret_threshold) VALUES (?, ?)",
                [partner.strip(), threshold])


_KNOWN_NAMES = {name for names in ROLE_SYNONYMS.values() for name in names} | {
    "libelle", "domaine", "unite", "nature", "sens", "source", "definition", "producteur"}


def header_cell_known(indicators: dict[str, str]):
    """What a partner file's header row holds: role names (`code_territoire`…) or indicators."""
    def known(cell: str) -> bool:
        return normalise_text(cell) in _KNOWN_NAMES or bool(indicator_of(cell, indicators))
    return known
