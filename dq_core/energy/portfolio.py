"""Every residence shown, every « Autres résidences » group and every quartier with its yearly bill,
income distribution and corrected change: what the price scenario and the targeting list rank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from dq_core.energy import bills, burden, prices, scope, secrecy, settings, sql
from dq_core.energy.burden import Income

_FINAL = """
SELECT y.scope, y.key, y.energy, y.last_month, y.units, y.kwh_12, y.months_12, y.corr_12, y.corr_months_12,
       y.corr_prev, y.corr_months_prev
FROM yearly_sums y WHERE y.scope IN ('residence', 'autres', 'quartier')
"""


@dataclass(frozen=True)
class Unit:
    """A residence (or group of small residences, or a quartier) with what the rankings need."""
    scope: str                              # 'residence' | 'autres' | 'quartier'
    code: str
    name: str
    quartier: str | None
    quartier_name: str | None
    landlord: str | None
    dwellings: float
    heating: str | None
    dpe: str | None
    kwh: dict[str, float]                   # kWh per dwelling over the last 12 months, by energy
    bill: bills.Bill
    income: Income | None
    change_pct: float | None                # corrected consumption, last 12 months against the 12 before
    note: str | None = None

    @property
    def last_month(self) -> date | None:
        return self.bill.last_month


def units(cur: duckdb.DuckDBPyConnection) -> list[Unit]:
    """All units, in a stable order (quartier, then scope, then name)."""
    sc = scope.everything(cur)
    rows = scope.run(cur, _FINAL, sc, extra=(sql.YEARLY,))
    table = prices.read_prices(cur)
    names = dict(cur.execute("SELECT code, name FROM territory WHERE level = 'quartier'").fetchall())
    res = {r[0]: r[1:] for r in cur.execute(
        "SELECT id, name, landlord, quartier, dwellings, heating, dpe FROM residence").fetchall()}
    by_key: dict[tuple[str, str], dict[str, tuple]] = {}
    for row in rows:
        by_key.setdefault((row[0], row[1]), {})[row[2]] = row
    codes = sorted({k for s, k in by_key if s == "quartier"} | {r[2] for r in res.values() if r[2]})
    incomes = burden.incomes(cur, codes)
    out = []
    for (kind, key), energies in by_key.items():
        unit = _unit(kind, key, energies, res, names, sc, table, incomes)
        if unit is not None:
            out.append(unit)
    return sorted(out, key=lambda u: (u.quartier or "", ["quartier", "residence", "autres"].index(u.scope), u.name))


def _unit(kind, key, energies, res, names, sc, table, incomes) -> Unit | None:
    kwh, change_num, change_den, last, dwellings = {}, 0.0, 0.0, None, 0.0
    for energy, (_, _, _, last_month, n_units, kwh_12, months_12, corr_12, corr_n, corr_prev, prev_n) in energies.items():
        if kwh_12 is not None and months_12 == 12:
            kwh[energy] = kwh_12
            last = max(last, last_month) if last else last_month
        if corr_12 is not None and corr_prev and corr_n == 12 and prev_n == 12:
            change_num, change_den = change_num + corr_12, change_den + corr_prev
        dwellings = max(dwellings, float(n_units or 0))
    change = 100 * (change_num / change_den - 1) if change_den > 0 else None
    if kind == "residence":
        name, landlord, quartier, n, heating, dpe = res[key]
        subs = {"gaz": 0.0, "chaleur": 0.0} if heating == "collectif" else None
        return Unit(kind, key, name, quartier, names.get(quartier), landlord, float(n), heating, dpe, kwh,
                    bills.bill(kwh, table, last, subs), incomes.get(quartier), change)
    if kind == "autres":
        grouping = sc.groupings.get(key)
        if grouping is None or grouping.group_masked:
            return None
        return Unit(kind, f"{key}:autres", secrecy.AUTRES_LABEL, key, names.get(key), None, float(grouping.merged_dwellings),
                    None, None, kwh, bills.bill(kwh, table, last), incomes.get(key),
                    change, grouping.note)
    elec, gas = energies.get("electricite"), energies.get("gaz")
    subs = None
    if "gaz" in kwh and elec is not None and gas is not None and elec[4]:
        share = float(gas[4] or 0) / float(elec[4])
        kwh["gaz"] *= share
        subs = {"electricite": 1.0, "gaz": share}
    return Unit(kind, key, names.get(key, key), key, names.get(key, key), None,
                float(elec[4]) if elec is not None and elec[4] else dwellings, None, None, kwh,
                bills.bill(kwh, table, last, subs), incomes.get(key), change)


def threshold_labels() -> dict[float, str]:
    return {t: f"{round(t * 100)} %" for t in settings.EFFORT_THRESHOLDS}
