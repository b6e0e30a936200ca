"""What an energy computation covers — every residence and quartier, or one quartier with its residences
and references — and the secrecy grouping of its residences, applied before any figure is computed."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from dq_core.energy import engine, secrecy, settings
from dq_core.energy.engine import Panel, Request
from dq_core.energy.secrecy import Grouping

# A quartier's delivery points at its latest electricity month: its number of dwellings beside its residences.
_LATEST_POINTS = """
SELECT territory, arg_max(denominator, period_start) FROM observation
WHERE indicator = 'conso_elec_mensuelle' AND NOT is_secret AND denominator IS NOT NULL{and_filter}
GROUP BY territory"""


@dataclass
class Scope:
    request: Request
    groupings: dict[str, Grouping] = field(default_factory=dict)   # by quartier (or commune) code
    threshold: int = settings.SECRET_MIN

    @property
    def merged(self) -> list[str]:
        return [r for g in self.groupings.values() for r in g.merged]


def everything(cur: duckdb.DuckDBPyConnection) -> Scope:
    """All residences and all quartiers (the alert scan, the scenario, the targeting list)."""
    threshold = settings.secret_min(cur)
    rows = cur.execute("SELECT id, coalesce(quartier, 'commune:' || coalesce(commune, '')), dwellings "
                       "FROM residence WHERE dwellings > 0").fetchall()
    groups: dict[str, dict[str, int]] = {}
    for rid, group, dwellings in rows:
        groups.setdefault(group, {})[rid] = dwellings
    points = dict(cur.execute(_LATEST_POINTS.format(
        and_filter=" AND territory IN (SELECT DISTINCT quartier FROM residence)")).fetchall())
    groupings = {g: secrecy.group_residences(d, threshold, points.get(g)) for g, d in groups.items()}
    quartiers = [r[0] for r in cur.execute("SELECT code FROM territory WHERE level = 'quartier' ORDER BY code")
                 .fetchall()]
    request = Request("true", "true", quartiers, "true", {}, {g: list(x.merged) for g, x in groupings.items()
                                                             if x.merged}, settings.reference_year(cur))
    return Scope(request, groupings, threshold)


def quartier(cur: duckdb.DuckDBPyConnection, code: str, references: list[str] | None = None) -> Scope:
    """One quartier, its residences and the given reference territories (commune, ensemble…)."""
    threshold = settings.secret_min(cur)
    dwellings = dict(cur.execute("SELECT id, dwellings FROM residence WHERE quartier = ? AND dwellings > 0",
                                 [code]).fetchall())
    points = cur.execute(_LATEST_POINTS.format(and_filter=" AND territory = ?"), [code]).fetchall()
    grouping = secrecy.group_residences(dwellings, threshold, points[0][1] if points else None)
    territories = [code, *(references or [])]
    params = {"code": code}
    params.update({f"r{i}": rid for i, rid in enumerate(dwellings)})
    params.update({f"t{i}": t for i, t in enumerate(territories)})
    # Constant lists (not a join alone): DuckDB then skips the row groups of other residences and territories.
    ids = ", ".join(f"$r{i}" for i in range(len(dwellings))) or "NULL"
    terr = ", ".join(f"$t{i}" for i in range(len(territories)))
    request = Request("r.quartier = $code", f"e.residence IN ({ids})", territories, f"o.territory IN ({terr})",
                      params, {code: list(grouping.merged)} if grouping.merged else {}, settings.reference_year(cur))
    return Scope(request, {code: grouping}, threshold)


def panel(cur: duckdb.DuckDBPyConnection, scope: Scope) -> Panel:
    """The computed panel (fit, correction, scores) of every series of `scope`."""
    return engine.compute(engine.load(cur, scope.request))
