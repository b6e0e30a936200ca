"""What an energy computation covers — every residence and quartier, or one quartier with its residences
and references — and the secrecy grouping of its residences, energy by energy, applied before any figure
is computed."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from dq_core.energy import engine, secrecy, settings
from dq_core.energy.engine import Panel, Request
from dq_core.energy.secrecy import Grouping

# A quartier's delivery points at its latest month, per energy: what its figure covers beside its residences.
_LATEST_POINTS = """
SELECT territory, CASE indicator WHEN 'conso_elec_mensuelle' THEN 'electricite' ELSE 'gaz' END,
       arg_max(denominator, period_start) FROM observation
WHERE indicator IN ('conso_elec_mensuelle', 'conso_gaz_mensuelle') AND NOT is_secret AND denominator IS NOT NULL
{and_filter} GROUP BY ALL"""

# Per residence and energy it has: the dwellings that energy covers. Delivery points at the latest month
# when fewer than the dwellings (some dwellings without gas), except a collective heating's shared meter.
_ENERGY_UNITS = """
SELECT r.id, coalesce(r.quartier, 'commune:' || coalesce(r.commune, '')), e.energy,
       CASE WHEN any_value(r.heating) = 'collectif' AND e.energy <> 'electricite' THEN max(r.dwellings)
            ELSE least(max(r.dwellings), coalesce(arg_max(e.delivery_points, e.period_start), max(r.dwellings))) END
FROM residence r JOIN energy_use e ON e.residence = r.id
WHERE r.dwellings > 0 AND e.kwh IS NOT NULL{and_filter} GROUP BY 1, 2, 3"""


@dataclass
class Scope:
    request: Request
    groupings: dict[tuple[str, str], Grouping] = field(default_factory=dict)   # by (quartier or commune, energy)
    threshold: int = settings.SECRET_MIN

    def grouping(self, group: str, energy: str) -> Grouping:
        """The secrecy decision of one quartier's residences for one energy (empty when none has it)."""
        return self.groupings.get((group, energy)) or secrecy.group_residences({}, self.threshold)


def _groupings(units_rows: list[tuple], points_rows: list[tuple], threshold: int) -> dict[tuple[str, str], Grouping]:
    """Secrecy decided energy by energy: on the dwellings having that energy, beside the quartier's own
    delivery points of that energy (so that quartier − shown residences cannot reveal a masked one)."""
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for rid, group, energy, units in units_rows:
        groups.setdefault((group, energy), {})[rid] = int(units)
    points = {(t, e): n for t, e, n in points_rows}
    return {k: secrecy.group_residences(d, threshold, points.get(k)) for k, d in groups.items()}


def _merged(groupings: dict[tuple[str, str], Grouping]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for (group, energy), g in groupings.items():
        if g.merged:
            out.setdefault(group, {})[energy] = list(g.merged)
    return out


def everything(cur: duckdb.DuckDBPyConnection) -> Scope:
    """All residences and all quartiers (the alert scan, the scenario, the targeting list)."""
    threshold = settings.secret_min(cur)
    units = cur.execute(_ENERGY_UNITS.format(and_filter="")).fetchall()
    points = cur.execute(_LATEST_POINTS.format(
        and_filter=" AND territory IN (SELECT DISTINCT quartier FROM residence)")).fetchall()
    groupings = _groupings(units, points, threshold)
    quartiers = [r[0] for r in cur.execute("SELECT code FROM territory WHERE level = 'quartier' ORDER BY code")
                 .fetchall()]
    request = Request("true", "true", quartiers, "true", {}, _merged(groupings), settings.reference_year(cur))
    return Scope(request, groupings, threshold)


def quartier(cur: duckdb.DuckDBPyConnection, code: str, references: list[str] | None = None) -> Scope:
    """One quartier, its residences and the given reference territories (commune, ensemble…)."""
    threshold = settings.secret_min(cur)
    dwellings = dict(cur.execute("SELECT id, dwellings FROM residence WHERE quartier = ? AND dwellings > 0",
                                 [code]).fetchall())
    units = cur.execute(_ENERGY_UNITS.format(and_filter=" AND r.quartier = ?"), [code]).fetchall()
    points = cur.execute(_LATEST_POINTS.format(and_filter=" AND territory = ?"), [code]).fetchall()
    groupings = _groupings(units, points, threshold)
    territories = [code, *(references or [])]
    params = {"code": code}
    params.update({f"r{i}": rid for i, rid in enumerate(dwellings)})
    params.update({f"t{i}": t for i, t in enumerate(territories)})
    # Constant lists (not a join alone): DuckDB then skips the row groups of other residences and territories.
    ids = ", ".join(f"$r{i}" for i in range(len(dwellings))) or "NULL"
    terr = ", ".join(f"$t{i}" for i in range(len(territories)))
    request = Request("r.quartier = $code", f"e.residence IN ({ids})", territories, f"o.territory IN ({terr})",
                      params, _merged(groupings), settings.reference_year(cur))
    return Scope(request, groupings, threshold)


def panel(cur: duckdb.DuckDBPyConnection, scope: Scope) -> Panel:
    """The computed panel (fit, correction, scores) of every series of `scope`."""
    return engine.compute(engine.load(cur, scope.request))
