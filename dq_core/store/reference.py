"""Communes, EPCI, départements, régions and France from the reference file shipped with the app.

`data/reference/cog.parquet` is built by `scripts/build_reference.py` from the npm package
`@etalab/decoupage-administratif` (INSEE's official geographic code, DGCL's EPCI, INSEE's legal
populations). Everything here works offline.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from dq_core.store import db
from dq_core.store.db import PROJECT_DIR

REFERENCE_DIR = PROJECT_DIR / "data" / "reference"
COG_PATH = REFERENCE_DIR / "cog.parquet"
FRANCE_CODE = "FRANCE"
# INSEE publishes some reference files for France métropolitaine only: a territory of its own, shown
# under its name wherever it stands in for France.
FRANCE_METRO_CODE = "FRANCEMETRO"
FRANCE_METRO_NAME = "France métropolitaine"
LEVEL_PREFIX = {"departement": "DEP", "region": "REG"}


def territory_code(level: str, code: str) -> str:
    """Codes are unique across levels in a workspace: département 44 is `DEP44`, région 52 `REG52`."""
    return f"{LEVEL_PREFIX[level]}{code}" if level in LEVEL_PREFIX else code


def normalise_name(name: str) -> str:
    """`Saint-Herblain` / `SAINT HERBLAIN` / `St-Herblain` → `SAINT HERBLAIN` (for matching only)."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().upper()
    text = re.sub(r"[^A-Z0-9]+", " ", text).strip()
    text = re.sub(r"^ST ", "SAINT ", text).replace(" ST ", " SAINT ")
    text = re.sub(r"^STE ", "SAINTE ", text).replace(" STE ", " SAINTE ")
    return re.sub(r"\bARRONDISSEMENT\b", "", text).strip()


@dataclass(frozen=True)
class Reference:
    frame: pd.DataFrame           # code, level, name, commune, epci, departement, region, zone, population
    provenance: dict

    @property
    def population_period(self) -> str:
        return str(self.provenance.get("population_year", ""))


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    con = db.open_duckdb()
    try:
        frame = con.execute("SELECT * FROM read_parquet(?)", [str(COG_PATH)]).df()
    finally:
        con.close()
    provenance = json.loads((REFERENCE_DIR / "cog.json").read_text(encoding="utf-8"))
    return Reference(frame, provenance)


@lru_cache(maxsize=1)
def _indexes() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """(any known code → current commune code, (département, normalised name) → current commune code)."""
    frame = load_reference().frame
    communal = frame[frame["commune"].notna()]
    by_code = dict(zip(communal["code"], communal["commune"], strict=True))
    by_name: dict[tuple[str, str], str] = {}
    # Current communes first, so that a former commune never shadows a current one of the same name.
    for level in ("commune", "arrondissement", "deleguee", "associee"):
        rows = communal[communal["level"] == level]
        for dep, name, commune in zip(rows["departement"], rows["name"], rows["commune"], strict=True):
            by_name.setdefault((str(dep), normalise_name(name)), commune)
    return by_code, by_name


def commune_from_code(code: str) -> str | None:
    """The current commune of a code (arrondissements and former communes map to their commune)."""
    return _indexes()[0].get(code)


def departement_of_quartier(code: str) -> str:
    """`QP044013` → `44`, `QP02A001` → `2A`, `QP974049` → `974`, `QN03502M` → `35`."""
    dep = code[2:5]
    return dep if dep.startswith("97") else dep[1:]


@lru_cache(maxsize=65536)
def commune_from_name(name: str, departement: str) -> str | None:
    """By name within the département; a commune renamed since ("Oissel" → "Oissel-sur-Seine") is
    found when exactly one current commune of the département starts with the old name."""
    by_name = _indexes()[1]
    key = normalise_name(name)
    found = by_name.get((departement, key))
    if found or not key:
        return found
    candidates = {c for (dep, n), c in by_name.items() if dep == departement and n.startswith(key + " ")}
    return candidates.pop() if len(candidates) == 1 else None


def resolve_communes(codes: list[str] | None, names: list[str] | None, departement: str) -> list[str]:
    """Current commune codes of a quartier, in the order given (main commune first), without repeats."""
    out: list[str] = []
    for code in codes or []:
        commune = commune_from_code(code)
        if commune and commune not in out:
            out.append(commune)
    if not out:
        for name in names or []:
            commune = commune_from_name(name, departement)
            if commune and commune not in out:
                out.append(commune)
    return out


def reference_territories(communes: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Territories, links and populations of the given communes and everything above them.

    Returns (territory rows: code, level, name; link rows: child, parent, rank; population rows:
    territory, value) — the commune's parents are its EPCI and its département (rank 1 each, the way
    `territories.get_quartier` walks up), the département's its région, the région's France.
    """
    ref = load_reference()
    frame = ref.frame
    current = frame[(frame["level"] == "commune") & frame["code"].isin(communes)]
    epcis = frame[(frame["level"] == "epci") & frame["code"].isin(current["epci"].dropna())]
    deps = frame[(frame["level"] == "departement") & frame["code"].isin(current["departement"])]
    regs = frame[(frame["level"] == "region") & frame["code"].isin(deps["region"])]
    france = frame[frame["level"] == "france"]
    parts = []
    for rows in (current, epcis, deps, regs, france):
        parts.append(pd.DataFrame({"code": [territory_code(lvl, c) for lvl, c in zip(rows["level"], rows["code"],
                                                                                     strict=True)],
                                   "level": rows["level"].to_numpy(), "name": rows["name"].to_numpy(),
                                   "population": rows["population"].to_numpy()}))
    territories = pd.concat(parts, ignore_index=True)
    links = []
    for code, epci, dep in zip(current["code"], current["epci"], current["departement"], strict=True):
        if isinstance(epci, str):
            links.append((code, epci, 1))
        links.append((code, territory_code("departement", dep), 1))
    for code, region in zip(deps["code"], deps["region"], strict=True):
        links.append((territory_code("departement", code), territory_code("region", region), 1))
    for code in regs["code"]:
        links.append((territory_code("region", code), FRANCE_CODE, 1))
    link_frame = pd.DataFrame(links, columns=["child", "parent", "rank"])
    populations = territories[territories["population"].notna()][["code", "population"]]
    populations = populations.rename(columns={"code": "territory", "population": "value"})
    return territories[["code", "level", "name"]], link_frame, populations


