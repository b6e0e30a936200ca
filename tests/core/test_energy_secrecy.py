"""Secrecy decided energy by energy: a residence or « Autres résidences » line is judged on the dwellings
(delivery points) that have the energy shown, not on all its dwellings, and the quartier's figure minus
the lines shown never gives back a masked one."""

from __future__ import annotations

import pandas as pd

from dq_core.energy import alerts, scenario, targeting
from dq_core.energy.view import quartier_energy
from tests.energy_fixtures import Planted, days_in, dju_of, energy_workspace, months

RA = Planted("RA", 40, base_per_day=6.0, per_dju=2.5)
RB = Planted("RB", 25, base_per_day=5.0, per_dju=0.8, heating="gaz_individuel")   # gas on 3 points only
RS = Planted("RS", 6, base_per_day=7.0, per_dju=3.0, heating="gaz_individuel")    # gas on its 6 dwellings
RT = Planted("RT", 8, base_per_day=6.5, per_dju=2.0)
GAS_POINTS = {"RB": 3, "RS": 6}
OUTSIDE_GAS_POINTS = 20          # gas points of the quartier outside these residences


def _gas_kwh(rid: str, m) -> float:
    per_point = 4.0 * days_in(m) + (6.0 if rid == "RS" else 5.0) * dju_of(m)
    anomaly = 3.0 if m.year == 2023 and m.month >= 6 else 1.0          # planted: the rule would fire on it
    return GAS_POINTS[rid] * per_point * anomaly


def _workspace():
    con = energy_workspace([RA, RB, RS, RT])
    cur = con.cursor()
    batch = cur.execute("SELECT max(id) FROM import_batch").fetchall()[0][0]
    rows = [{"residence": rid, "energy": "gaz", "period": m.strftime("%Y-%m"), "period_start": m,
             "kwh": _gas_kwh(rid, m), "delivery_points": points, "is_estimated": False, "batch_id": batch}
            for rid, points in GAS_POINTS.items() for m in months()]
    cur.register("gas_rows", pd.DataFrame(rows))
    cur.execute("INSERT INTO energy_use BY NAME SELECT * FROM gas_rows").fetchall()
    cur.execute("""INSERT INTO indicator (id, label, domain, unit, kind, direction, producer, dataset, definition,
                   periodicity, batch_id) VALUES ('conso_gaz_mensuelle', 'Consommation de gaz', 'energie', 'MWh',
                   'count', 'neutral', 'Test', 'Jeu de test', 'Test', 'monthly', ?)""", [batch])
    total_points = sum(GAS_POINTS.values()) + OUTSIDE_GAS_POINTS
    quartier = [{"territory": "Q1", "indicator": "conso_gaz_mensuelle", "period": m.strftime("%Y-%m"),
                 "period_start": m, "denominator": total_points, "batch_id": batch,
                 "value": (sum(_gas_kwh(r, m) for r in GAS_POINTS)
                           + OUTSIDE_GAS_POINTS * (4.0 * days_in(m) + 5.0 * dju_of(m))) / 1000} for m in months()]
    cur.register("gas_quartier", pd.DataFrame(quartier))
    cur.execute("INSERT INTO observation BY NAME SELECT * FROM gas_quartier").fetchall()
    return cur


def test_a_line_is_masked_on_the_dwellings_that_have_the_energy():
    cur = _workspace()
    elec = quartier_energy(cur, "Q1", "electricite")
    # Electricity: RS (6) and RT (8) together make 14 dwellings, shown as « Autres résidences ».
    assert {s.code for s in elec.series_of("residence")} == {"RA", "RB"}
    assert not elec.series_of("autres")[0].is_masked and elec.series_of("autres")[0].dwellings == 14

    gas = quartier_energy(cur, "Q1", "gaz")
    # Gas: only RS (6 dwellings) and RB (3 gas points) have it: 9 < 10, the group is masked « s », and RB,
    # shown for electricity, is not shown alone for gas.
    assert gas.series_of("residence") == [] and gas.residences == ()
    autres = gas.series_of("autres")[0]
    assert autres.is_masked and autres.dwellings is None
    assert all(p.raw is None and p.corrected is None and p.is_secret for p in autres.points)
    assert gas.frame().query("kind == 'autres'")["is_secret"].all()


def test_the_quartier_minus_the_shown_gas_lines_reveals_no_masked_residence():
    cur = _workspace()
    gas = quartier_energy(cur, "Q1", "gaz")
    quartier = gas.series_of("quartier")[0]
    shown = [s for s in gas.series if s.kind in ("residence", "autres") and not s.is_masked]
    for p in quartier.points:
        rest = p.raw * quartier.dwellings - sum(
            q.raw * s.dwellings for s in shown for q in s.points if q.month == p.month and q.raw is not None)
        for rid in GAS_POINTS:
            assert abs(rest - _gas_kwh(rid, p.month)) > 1.0
        assert abs(rest - sum(_gas_kwh(r, p.month) for r in GAS_POINTS)) > 1.0
    for s in shown:         # nor is any shown line a masked residence's own figure
        for q in s.points:
            assert all(abs(q.raw - _gas_kwh(r, q.month) / n) > 1e-6 for r, n in GAS_POINTS.items())


def test_no_alert_or_ranking_reveals_a_line_masked_for_its_energy():
    cur = _workspace()
    found = alerts.scan(cur)
    assert not any(a.energy == "gaz" and a.code in GAS_POINTS for a in found)
    assert not any(a.energy == "gaz" and a.scope == "residence" for a in quartier_energy(cur, "Q1", "gaz").alerts)
    assert all(t.code not in ("RS", "RT") for t in targeting.targeting(cur))
    # The « Autres résidences » group is masked for gas: it is not ranked as a whole either.
    assert all(x.scope != "autres" for x in scenario.scenario(cur, 10).lines)
