"""A small energy workspace written by code: one region with planted degree days, a quartier, its commune
and residences whose monthly consumption follows a planted base load and thermosensitivity exactly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from dq_core.energy import prices
from dq_core.store import db

FIRST_YEAR, LAST_YEAR = 2019, 2023
NORMAL = [330, 300, 260, 190, 110, 40, 12, 14, 45, 140, 250, 320]
COLD_WINTER = 2021                    # January-March and November-December 40 % colder that year


@dataclass(frozen=True)
class Planted:
    id: str
    dwellings: int
    base_per_day: float               # kWh per dwelling and day
    per_dju: float                    # kWh per dwelling and DJU
    heating: str = "electrique_individuel"
    dpe: str | None = "D"


def months(first=FIRST_YEAR, last=LAST_YEAR) -> list[date]:
    return [date(y, m, 1) for y in range(first, last + 1) for m in range(1, 13)]


def days_in(d: date) -> int:
    return (date(d.year + (d.month == 12), d.month % 12 + 1, 1) - d).days


def dju_of(d: date) -> float:
    cold = 1.4 if d.year == COLD_WINTER and d.month in (1, 2, 3, 11, 12) else 1.0
    wobble = 1 + 0.05 * (((d.year * 7 + d.month * 3) % 5) - 2)        # deterministic year-to-year change
    return round(NORMAL[d.month - 1] * cold * wobble, 1)


def energy_workspace(residences: list[Planted], *, factors: dict[tuple[str, date], float] | None = None,
                     quartier_points: int | None = 2000, with_dju: bool = True,
                     price_rows: tuple[prices.Price, ...] | None = None,
                     income: tuple[float, float, float] | None = (13_000, 3.0, 40.0)) -> duckdb.DuckDBPyConnection:
    """An in-memory workspace: region R1 ⊃ département D1 ⊃ commune C1 ⊃ quartier Q1, FRANCE and ENSQP.

    `factors[(residence, month)]` multiplies a residence's planted consumption (anomalies); the quartier's
    own monthly series (observation) is the planted model for `quartier_points` delivery points.
    """
    con = db.connect(":memory:")
    cur = con.cursor()
    batch = db.new_batch(cur, "demo", file_name="fixture énergie")
    for code, level, name in (("R1", "region", "Région Test"), ("D1", "departement", "Département Test"),
                              ("C1", "commune", "Commune Test"), ("Q1", "quartier", "Les Tilleuls"),
                              ("FRANCE", "france", "France"), ("ENSQP", "ensemble", "Ensemble des quartiers")):
        cur.execute("INSERT INTO territory (code, level, name, batch_id) VALUES (?, ?, ?, ?)", [code, level, name, batch])
    cur.executemany("INSERT INTO territory_link VALUES (?, ?, 1)", [("Q1", "C1"), ("C1", "D1"), ("D1", "R1"),
                                                                   ("R1", "FRANCE")])
    if with_dju:
        _insert(cur, "degree_days", [{"zone": "R1", "zone_name": "Région Test", "month": m, "dju": dju_of(m),
                                      "days_observed": days_in(m), "days_in_month": days_in(m), "method": "meteo",
                                      "source": "test", "batch_id": batch} for m in months()])
    factors = factors or {}
    _insert(cur, "residence", [{"id": r.id, "name": f"Résidence {r.id}", "landlord": "Bailleur Test",
                                "quartier": "Q1", "commune": "C1", "dwellings": r.dwellings, "heating": r.heating,
                                "dpe": r.dpe, "batch_id": batch} for r in residences])
    _insert(cur, "energy_use", [
        {"residence": r.id, "energy": "electricite", "period": m.strftime("%Y-%m"), "period_start": m,
         "kwh": r.dwellings * (r.base_per_day * days_in(m) + r.per_dju * dju_of(m)) * factors.get((r.id, m), 1.0),
         "delivery_points": r.dwellings, "is_estimated": False, "batch_id": batch}
        for r in residences for m in months()])
    if quartier_points:
        _insert_indicator(cur, batch)
        _insert(cur, "observation", [
            {"territory": "Q1", "indicator": "conso_elec_mensuelle", "period": m.strftime("%Y-%m"), "period_start": m,
             "value": quartier_points * (6 * days_in(m) + 1.5 * dju_of(m)) / 1000, "denominator": quartier_points,
             "batch_id": batch} for m in months()])
    if income:
        median, ratio, poverty = income
        rows = [("Q1", "revenu_median_uc", median), ("Q1", "rapport_interdecile", ratio),
                ("Q1", "taux_pauvrete", poverty), ("FRANCE", "revenu_median_uc", 22_000),
                ("FRANCE", "rapport_interdecile", 3.4)]
        cur.executemany("INSERT INTO observation (territory, indicator, period, period_start, value, batch_id) "
                        "VALUES (?, ?, '2021', DATE '2021-01-01', ?, ?)", [(*r, batch) for r in rows])
    prices.write_prices(cur, price_rows if price_rows is not None else (
        prices.Price("electricite", date(2019, 1, 1), 0.20, 150.0, "test", "test"),), batch)
    return con


def _insert(cur, table: str, rows: list[dict]) -> None:
    if rows:
        cur.register("fixture_rows", pd.DataFrame(rows))
        cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM fixture_rows")
        cur.unregister("fixture_rows")


def _insert_indicator(cur, batch: int) -> None:
    cur.execute("""INSERT INTO indicator (id, label, domain, unit, kind, direction, producer, dataset, definition,
                   periodicity, batch_id) VALUES ('conso_elec_mensuelle', 'Consommation d''électricité', 'energie',
                   'MWh', 'count', 'neutral', 'Test', 'Jeu de test', 'Test', 'monthly', ?)""", [batch])
