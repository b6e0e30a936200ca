"""What an energy query covers — every residence and quartier, or one quartier with its residences and
references — and the secrecy grouping of its residences, applied before any figure is computed."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from dq_core.energy import secrecy, settings, sql
from dq_core.energy.secrecy import Grouping


@dataclass
class Scope:
    res_filter: str                              # WHERE clause on `residence r`
    terr_filter: str                             # WHERE clause on `observation o`
    params: dict
    groupings: dict[str, Grouping] = field(default_factory=dict)   # by quartier (or commune) code
    threshold: int = settings.SECRET_MIN

    @property
    def merged(self) -> list[str]:
        return [r for g in self.groupings.values() for r in g.merged]


# A quartier's delivery points at its latest electricity month: its number of dwellings beside its residences.
_LATEST_POINTS = """
SELECT territory, arg_max(denominator, period_start) FROM observation
WHERE indicator = 'conso_elec_mensuelle' AND NOT is_secret AND denominator IS NOT NULL{and_filter}
GROUP BY territory"""


def everything(cur: duckdb.DuckDBPyConnection) -> Scope:
    """All residences and all quartiers (the alert scan, the scenario, the targeting list)."""
    threshold = settings.secret_min(cur)
    rows = cur.execute("SELECT id, coalesce(quartier, 'commune:' || coalesce(commune, '')), dwellings "
                       "FROM residence WHERE dwellings > 0").fetchall()
    groups: dict[str, dict[str, int]] = {}
    for rid, group, dwellings in rows:
        groups.setdefault(group, {})[rid] = dwellings
    points = dict(cur.execute(_LATEST_POINTS.format(
        and_filter=" AND territory IN (SELECT DISTINCT quartier FROM residence)"))
                  .fetchall())
    groupings = {g: secrecy.group_residences(d, threshold, points.get(g)) for g, d in groups.items()}
    return Scope("true", "t.level = 'quartier'", {"ref_year": settings.reference_year(cur)}, groupings, threshold)


def quartier(cur: duckdb.DuckDBPyConnection, code: str, references: list[str] | None = None) -> Scope:
    """One quartier, its residences and the given reference territories (commune, ensemble…)."""
    threshold = settings.secret_min(cur)
    dwellings = dict(cur.execute("SELECT id, dwellings FROM residence WHERE quartier = ? AND dwellings > 0",
                                 [code]).fetchall())
    points = cur.execute(_LATEST_POINTS.format(and_filter=" AND territory = ?"), [code]).fetchall()
    grouping = secrecy.group_residences(dwellings, threshold, points[0][1] if points else None)
    params = {"code": code, "refs": [code, *(references or [])], "ref_year": settings.reference_year(cur)}
    return Scope("r.quartier = $code", "o.territory IN (SELECT unnest($refs))", params, {code: grouping},
                 threshold)


def run(cur: duckdb.DuckDBPyConnection, final: str, scope: Scope, *, residences: bool = True,
        territories: bool = True, extra: tuple[str, ...] = ()) -> list[tuple]:
    """Run the energy query for `scope` and the final SELECT `final` (after the `extra` CTEs); return its rows."""
    text = sql.query(_ctes(scope, residences, territories), final, residences=residences, territories=territories,
                     extra=extra)
    params = {k: v for k, v in scope.params.items() if f"${k}" in text}
    cur.register("merged_residences", pd.DataFrame({"id": pd.Series(scope.merged, dtype="string")}))
    try:
        return cur.execute(text, params).fetchall()
    finally:
        cur.unregister("merged_residences")


def _ctes(scope: Scope, residences: bool, territories: bool) -> list[str]:
    ctes = sql.residence_ctes(scope.res_filter) if residences else []
    if territories:
        ctes.append(sql.territory_cte(scope.terr_filter))
    return ctes
