"""Every residence shown, every « Autres résidences » group and every quartier with its yearly bill,
income distribution and corrected change: what the price scenario and the targeting list rank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np

from dq_core.energy import bills, burden, engine, prices, scope, secrecy, settings
from dq_core.energy.burden import Income


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
    panel = scope.panel(cur, sc)
    info = panel.series
    last = panel.last_column
    measured = np.where(panel.complete, panel.y, np.nan)
    kwh_12 = engine.twelve_months(measured, last)
    corr_12 = engine.twelve_months(panel.corrected, last)
    corr_prev = engine.twelve_months(panel.corrected, last - 12)
    table = bills.PriceBook(prices.read_prices(cur))
    names = dict(cur.execute("SELECT code, name FROM territory WHERE level = 'quartier'").fetchall())
    res = {r[0]: r[1:] for r in cur.execute(
        "SELECT id, name, landlord, quartier, dwellings, heating, dpe FROM residence").fetchall()}
    by_key: dict[tuple[str, str], dict[str, tuple]] = {}
    rows = zip(info["scope"].tolist(), info["key"].tolist(), info["energy"].tolist(), info["units"].tolist(),
               last.tolist(), kwh_12.tolist(), corr_12.tolist(), corr_prev.tolist(), strict=True)
    for kind, key, energy, size, end, k12, c12, cprev in rows:
        if kind in ("residence", "autres", "quartier") and end >= 0:
            by_key.setdefault((kind, key), {})[energy] = (panel.months[end], size, k12, c12, cprev)
    codes = sorted({k for s, k in by_key if s == "quartier"} | {r[2] for r in res.values() if r[2]})
    incomes = burden.incomes(cur, codes)
    out = [u for (kind, key), energies in by_key.items()
           if (u := _unit(kind, key, energies, res, names, sc, table, incomes)) is not None]
    return sorted(out, key=lambda u: (u.quartier or "", ["quartier", "residence", "autres"].index(u.scope), u.name))


def _unit(kind, key, energies, res, names, sc, table, incomes) -> Unit | None:
    kwh, change_num, change_den, last, dwellings = {}, 0.0, 0.0, None, 0.0
    for energy, (last_month, n_units, kwh_12, corr_12, corr_prev) in energies.items():
        if kwh_12 == kwh_12:                       # not NaN
            kwh[energy] = float(kwh_12)
            last = max(last, last_month) if last else last_month
        if corr_12 == corr_12 and corr_prev == corr_prev and corr_prev > 0:
            change_num, change_den = change_num + corr_12, change_den + corr_prev
        dwellings = max(dwellings, float(n_units or 0))
    change = 100 * (change_num / change_den - 1) if change_den > 0 else None
    if kind == "residence":
        name, landlord, quartier, n, heating, dpe = res[key]
        subs = {"gaz": 0.0, "chaleur": 0.0} if heating == "collectif" else None
        return Unit(kind, key, name, quartier, names.get(quartier), landlord, float(n), heating, dpe, kwh,
                    bills.bill(kwh, table, last, subs), incomes.get(quartier), change)
    if kind == "autres":
        # Secrecy is decided per energy: the group is shown only when none of its energies is masked.
        groupings = [sc.groupings.get((key, energy)) for energy in energies]
        if not groupings or any(g is None or g.group_masked for g in groupings):
            return None
        return Unit(kind, f"{key}:autres", secrecy.AUTRES_LABEL, key, names.get(key), None,
                    float(max(g.merged_dwellings for g in groupings)), None, None, kwh, bills.bill(kwh, table, last),
                    incomes.get(key), change, groupings[0].note)
    elec, gas = energies.get("electricite"), energies.get("gaz")
    subs = None
    if "gaz" in kwh and elec is not None and gas is not None and elec[1]:
        share = float(gas[1] or 0) / float(elec[1])
        kwh["gaz"] *= share
        subs = {"electricite": 1.0, "gaz": share}
    return Unit(kind, key, names.get(key, key), key, names.get(key, key), None,
                float(elec[1]) if elec is not None and elec[1] else dwellings, None, None, kwh,
                bills.bill(kwh, table, last, subs), incomes.get(key), change)


def threshold_labels() -> dict[float, str]:
    return {t: f"{round(t * 100)} %" for t in settings.EFFORT_THRESHOLDS}
