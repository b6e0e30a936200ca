"""A small energy workspace written by code: the tiny workspace plus residences, their monthly electricity,
the quartier's own monthly figures, degree days and prices — with one planted anomaly and one residence
small enough to be secret.

Les Tilleuls (QNX0101M, region XR01) holds three residences:
- R-GRAND « Résidence du Parc » (60 dwellings, electric heating, DPE F): its electricity jumps ×1.8 over the
  last three months (PLANTED_FROM on) — the alert and the targeting list must find it;
- R-MOYEN « Résidence des Lilas » (30 dwellings, DPE C): ordinary;
- R-PETIT « Les Trois Maisons » (6 dwellings): below the secrecy threshold (10) — never shown alone.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict
from datetime import date
from pathlib import Path

import numpy as np

from dq_core.energy import prices
from dq_core.store import catalogue, db
from tests.factories import build_tiny_workspace, insert_observations

QUARTIER = "QNX0101M"
FIRST, LAST = date(2020, 1, 1), date(2024, 12, 1)
PLANTED = "R-GRAND"
PLANTED_FROM = date(2024, 10, 1)
SMALL = "R-PETIT"
NORMAL_DJU = [340, 300, 260, 190, 110, 40, 10, 12, 45, 140, 250, 320]
# id, name, landlord, dwellings, heating, dpe, base kWh/day, kWh per DJU (per dwelling)
RESIDENCES = [
    ("R-GRAND", "Résidence du Parc", "Habitat Test", 60, "electrique_individuel", "F", 6.0, 1.4),
    ("R-MOYEN", "Résidence des Lilas", "Habitat Test", 30, "electrique_individuel", "C", 5.0, 0.6),
    ("R-PETIT", "Les Trois Maisons", "Logis Test", 6, "electrique_individuel", "E", 5.5, 1.0),
]


def months() -> list[date]:
    return [date(y, m, 1) for y in range(FIRST.year, LAST.year + 1) for m in range(1, 13)]


def _days(month: date) -> int:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (following - month).days


def degree_days() -> dict[date, float]:
    rng = np.random.default_rng(7)
    return {m: NORMAL_DJU[m.month - 1] * (1 + rng.normal(0, 0.08)) for m in months()}


def build_energy_workspace(path: str | Path, *, demo: bool = True) -> Path:
    """The tiny workspace with the energy data above; returns the path."""
    build_tiny_workspace(path, demo=demo)
    con = db.connect(path)
    cur = con.cursor()
    rng = np.random.default_rng(11)
    dju = degree_days()
    with db.transaction(cur):
        batch = db.new_batch(cur, "demo", file_name="energy_page_fixtures.py")
        energy_indicator = next(i for i in catalogue.DEMO_CATALOGUE if i.id == "conso_elec_mensuelle")
        catalogue.save_indicators(cur, [catalogue.Indicator(**asdict(energy_indicator))], batch)
        for rid, name, landlord, dwellings, heating, dpe, _, _ in RESIDENCES:
            cur.execute("INSERT INTO residence VALUES (?, ?, ?, ?, 'X0101', ?, ?, ?, ?)",
                        [rid, name, landlord, QUARTIER, dwellings, heating, dpe, batch])
        uses, quartier_kwh = [], {m: 0.0 for m in months()}
        for rid, _, _, dwellings, _, _, base, slope in RESIDENCES:
            for m in months():
                per_dwelling = (base * _days(m) + slope * dju[m]) * (1 + rng.normal(0, 0.02))
                if rid == PLANTED and m >= PLANTED_FROM:
                    per_dwelling *= 1.8
                kwh = per_dwelling * dwellings
                quartier_kwh[m] += kwh
                uses.append((rid, "electricite", m.strftime("%Y-%m"), m, kwh, dwellings, False, batch))
        cur.executemany("INSERT INTO energy_use VALUES (?, ?, ?, ?, ?, ?, ?, ?)", uses)
        cur.executemany("INSERT INTO degree_days VALUES ('XR01', 'Région Test', ?, ?, ?, ?, 'meteo', ?, ?)",
                        [(m, v, _days(m), _days(m), "Degrés-jours de test", batch) for m, v in dju.items()])
        prices.write_prices(cur, prices.DEFAULT_PRICES, batch)
        # The quartier's own monthly figure: its residences plus 400 other dwellings (MWh, delivery points).
        points = sum(r[3] for r in RESIDENCES) + 400
        rows = []
        for m in months():
            mwh = (quartier_kwh[m] + 400 * (5.0 * _days(m) + 0.9 * dju[m])) / 1000
            rows.append({"territory": QUARTIER, "indicator": "conso_elec_mensuelle", "period": m.strftime("%Y-%m"),
                         "period_start": m, "value": mwh, "numerator": None, "denominator": points,
                         "is_secret": False, "is_provisional": False, "is_estimated": False, "is_break": False,
                         "note": None, "edition": None})
        insert_observations(cur, rows, batch)
        db.bump_data_version(cur)
    con.close()
    return Path(path)


def copy_of(template: Path, target: Path) -> Path:
    return Path(shutil.copyfile(template, target))
