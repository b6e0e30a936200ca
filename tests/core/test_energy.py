"""dq_core.energy with planted values: climate correction, alerts, burden, bills, scenario, targeting,
secrecy and prices (small in-memory workspaces from tests/energy_fixtures.py)."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dq_core import privacy
from dq_core.energy import (
    alerts,
    bills,
    burden,
    climate,
    engine,
    portfolio,
    prices,
    scenario,
    secrecy,
    settings,
    targeting,
)
from dq_core.energy.view import quartier_energy
from dq_core.errors import DQError
from dq_core.files import history
from tests.energy_fixtures import Planted, days_in, dju_of, energy_workspace, months

A = Planted("RA", 40, base_per_day=6.0, per_dju=2.5)
B = Planted("RB", 25, base_per_day=5.0, per_dju=0.8, heating="gaz_individuel", dpe="G")
SMALL = Planted("RS", 6, base_per_day=7.0, per_dju=3.0)


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# --- climate ------------------------------------------------------------------------------------

def test_fit_recovers_a_planted_thermosensitivity():
    ms = months()
    y = [6.0 * days_in(m) + 2.5 * dju_of(m) for m in ms]
    thermo = climate.fit(y, [dju_of(m) for m in ms], [days_in(m) for m in ms])
    assert thermo.per_dju == pytest.approx(2.5, rel=1e-9)
    assert thermo.base_per_day == pytest.approx(6.0, rel=1e-9)
    assert thermo.applied and thermo.r2 == pytest.approx(1.0)
    noisy = np.array(y) * np.random.default_rng(1).lognormal(0, 0.03, len(y))
    assert climate.fit(noisy, [dju_of(m) for m in ms], [days_in(m) for m in ms]).per_dju == pytest.approx(2.5, rel=0.05)


def test_fit_is_not_applied_when_the_weather_explains_nothing():
    ms = months()
    flat = [5.0 * days_in(m) * (1 + 0.2 * ((i * 7) % 3 - 1)) for i, m in enumerate(ms)]
    thermo = climate.fit(flat, [dju_of(m) for m in ms], [days_in(m) for m in ms])
    assert not thermo.applied and thermo.correction == 0
    assert "Pas de correction climatique" in thermo.method


def test_view_recovers_each_residence_thermosensitivity_and_corrects_to_the_reference_year():
    con = energy_workspace([A, B])
    v = quartier_energy(con.cursor(), "Q1")
    by_code = {s.code: s for s in v.series}
    assert by_code["RA"].thermo.per_dju == pytest.approx(2.5, rel=1e-6)
    assert by_code["RB"].thermo.per_dju == pytest.approx(0.8, rel=1e-6)
    assert by_code["Q1"].thermo.per_dju == pytest.approx(1.5, rel=1e-6)
    assert v.zone == "R1" and v.climate_note is None
    # Corrected = what the month would have used with the reference (average) DJU of that calendar month.
    reference = {mo: np.mean([dju_of(m) for m in months() if m.month == mo]) for mo in range(1, 13)}
    cold = next(p for p in by_code["RA"].points if p.month == date(2021, 1, 1))
    assert cold.raw == pytest.approx(6.0 * 31 + 2.5 * dju_of(date(2021, 1, 1)))
    assert cold.corrected == pytest.approx(6.0 * 31 + 2.5 * reference[1], rel=1e-6)
    assert cold.dju_reference == pytest.approx(reference[1])


def test_a_chosen_reference_year_is_used():
    con = energy_workspace([A])
    cur = con.cursor()
    cur.execute("INSERT INTO meta VALUES (?, '2022')", [settings.REFERENCE_META_KEY]).fetchall()
    v = quartier_energy(cur, "Q1")
    point = next(p for p in v.series_of("residence")[0].points if p.month == date(2021, 2, 1))
    assert point.dju_reference == pytest.approx(dju_of(date(2022, 2, 1)))
    assert v.reference_label == "année 2022"


def test_without_degree_days_the_region_is_named_and_figures_stay_raw():
    con = energy_workspace([A], with_dju=False)
    v = quartier_energy(con.cursor(), "Q1")
    assert v.zone is None
    assert v.climate_note.startswith("Pas de degrés-jours pour la région Région Test")
    point = v.series_of("residence")[0].points[0]
    assert point.corrected == pytest.approx(point.raw) and point.dju is None


# --- alerts -------------------------------------------------------------------------------------

def test_no_alert_on_normal_seasonal_variation_and_a_cold_winter():
    con = energy_workspace([A, B])
    assert alerts.scan(con.cursor()) == []
    assert quartier_energy(con.cursor(), "Q1").alerts == ()


def test_alert_fires_on_a_planted_anomaly_newest_first_with_its_reason():
    jump = {("RA", m): 1.5 for m in months() if m >= date(2023, 6, 1)}
    spike = {("RB", date(2022, 12, 1)): 2.0}
    con = energy_workspace([A, B], factors={**jump, **spike})
    found = alerts.scan(con.cursor())
    assert {(a.code, a.month) for a in found} >= {("RA", date(2023, 6, 1)), ("RB", date(2022, 12, 1))}
    assert {a.code for a in found} == {"RA", "RB"}                     # the quartier itself stays quiet
    assert [a.month for a in found] == sorted((a.month for a in found), reverse=True)
    ra = next(a for a in found if a.code == "RA" and a.month == date(2023, 6, 1))
    assert ra.change_pct == pytest.approx(50, abs=3) and ra.score > settings.ALERT_Z
    assert "hausse de 5" in ra.reason and "Résidence RA" in ra.reason and "juin 2023" in ra.reason.lower()
    assert alerts.for_quartier(con.cursor(), "Q1") == found
    assert list(quartier_energy(con.cursor(), "Q1").alerts) == sorted(found, key=lambda a: (a.month, abs(a.score)),
                                                                      reverse=True)


def test_a_small_change_is_not_an_alert_even_on_a_flat_series():
    con = energy_workspace([A], factors={("RA", date(2023, 3, 1)): 1.10})
    assert alerts.scan(con.cursor()) == []


# --- burden, bills, scenario --------------------------------------------------------------------

def test_share_above_matches_the_hand_computed_normal_probability():
    bill, median, sigma, sd, t = 1500.0, 10_000.0, 0.4, 0.35, 0.08
    hand = _phi((math.log(bill) - sd ** 2 / 2 - math.log(median * 1.5) - math.log(t)) / math.sqrt(sigma ** 2 + sd ** 2))
    assert float(burden.share_above(bill, median, sigma, t, sd)) == pytest.approx(hand, abs=1e-6)
    for x in (-3, -1, 0, 0.5, 2.5):
        assert float(burden.normal_cdf(x)) == pytest.approx(_phi(x), abs=1e-7)


def test_tee_3d_is_bounded_by_the_share_above_and_by_the_poor_households():
    bill, median, sigma = 1800.0, 12_000.0, 0.45
    above = float(burden.share_above(bill, median, sigma, 0.08))
    assert float(burden.share_tee_3d(bill, median, sigma, d3=1e9)) == pytest.approx(above, abs=0.005)
    assert float(burden.share_tee_3d(bill, median, sigma, d3=1.0)) == 0
    poor = _phi((math.log(15_000) - math.log(median)) / sigma)
    assert float(burden.share_tee_3d(bill, median, sigma, d3=15_000)) <= min(above, poor) + 1e-9


def test_income_distribution_from_filosofi():
    con = energy_workspace([A], income=(15_000, 3.0, 40.0))
    income = burden.incomes(con.cursor(), ["Q1"])["Q1"]
    assert income.median == 15_000 and income.year == "2021"
    assert income.sigma == pytest.approx(math.log(3.0) / (2 * 1.2815515655), rel=1e-6)
    z = burden._probit(np.array([0.40]))[0]
    assert income.sigmas[1] == pytest.approx((math.log(0.6 * 22_000) - math.log(15_000)) / z, rel=1e-6)
    # A poverty rate that contradicts the median (the line above the median, yet fewer than half poor) is not used.
    assert len(burden.incomes(energy_workspace([A]).cursor(), ["Q1"])["Q1"].sigmas) == 1
    assert income.national_d3 == pytest.approx(22_000 * math.exp(-0.5244005 * math.log(3.4) / (2 * 1.2815515655)),
                                               rel=1e-6)


def test_yearly_bill_is_twelve_months_times_the_price_in_force_plus_subscription():
    points = [(m, 100.0) for m in months()]
    kwh, last = bills.yearly_kwh(points)
    assert (kwh, last) == (1200.0, date(2023, 12, 1))
    assert bills.yearly_kwh(points[:-13] + points[-11:])[0] is None          # a missing month: no yearly figure
    table = [prices.Price("electricite", date(2020, 1, 1), 0.10, 100.0), prices.Price("electricite", date(2023, 8, 1),
                                                                                      0.20, 120.0)]
    b = bills.bill({"electricite": 1200.0}, table, last)
    assert b.total == pytest.approx(1200 * 0.20 + 120)
    assert b.period == "12 mois de janvier 2023 à décembre 2023"
    assert bills.bill({"gaz": 500.0}, table, last).total is None


def test_residence_burden_in_the_view_is_consumption_times_price_against_income():
    con = energy_workspace([A])
    line = quartier_energy(con.cursor(), "Q1").residences[0]
    kwh = sum(6.0 * days_in(m) + 2.5 * dju_of(m) for m in months() if m.year == 2023)
    assert line.kwh_year == pytest.approx(kwh)
    assert line.burden.bill == pytest.approx(kwh * 0.20 + 150)
    assert line.burden.effort_median == pytest.approx(line.burden.bill / (13_000 * 1.5))
    share = line.burden.above[0.08]
    assert share.low <= share.central <= share.high
    assert share.central == pytest.approx(float(burden.share_above(line.burden.bill, 13_000, line.burden.income.sigma,
                                                                   0.08)))


def test_scenario_matches_the_hand_computed_case():
    con = energy_workspace([A, B])
    cur = con.cursor()
    sc = scenario.scenario(cur, 15)
    line = next(x for x in sc.lines if x.code == "RA")
    assert line.bill_after == pytest.approx(line.bill_before * 1.15)
    sigma = math.log(3.0) / (2 * 1.2815515655)
    before = float(burden.share_above(line.bill_before, 13_000, sigma, 0.08))
    after = float(burden.share_above(line.bill_before * 1.15, 13_000, sigma, 0.08))
    assert line.crossing[0.08].central == pytest.approx(40 * (after - before), rel=1e-6)
    assert line.crossing[0.08].low <= line.crossing[0.08].central <= line.crossing[0.08].high
    residences = sc.lines_of("residence")
    assert sc.average_bill_before == pytest.approx(
        sum(x.bill_before * x.dwellings for x in residences) / sum(x.dwellings for x in residences))
    assert sc.average_growth == pytest.approx(sc.average_bill_before * 0.15)
    assert scenario.scenario(cur, 0).crossing_residences[0.08].central == pytest.approx(0)
    with pytest.raises(DQError, match="entre −90 et 500"):
        scenario.scenario(cur, 900)


def test_targeting_ranks_with_reasons():
    rise = {("RB", m): 1.3 for m in months() if m.year == 2023}
    con = energy_workspace([A, B], factors=rise)
    found = targeting.targeting(con.cursor())
    assert [t.rank for t in found] == [1, 2]
    rb = next(t for t in found if t.code == "RB")
    assert any("DPE) G : 25 points" in r for r in rb.reasons)
    assert rb.change_pct == pytest.approx(30, abs=2)          # the fit sees the rise too: a little less
    assert any(f"en hausse de {round(rb.change_pct)} % sur un an : 25 points" in r for r in rb.reasons)
    assert rb.score == pytest.approx(sum(float(r.rsplit(": ", 1)[1].split()[0].replace(",", ".")) for r in rb.reasons),
                                     abs=1.5)
    assert found[0].score >= found[1].score


# --- secrecy ------------------------------------------------------------------------------------

def test_small_residences_are_merged_and_never_shown_alone():
    con = energy_workspace([A, B, SMALL], factors={("RS", m): 3.0 for m in months() if m.year == 2023})
    cur = con.cursor()
    v = quartier_energy(cur, "Q1")
    shown = {s.code for s in v.series if s.kind == "residence"}
    assert "RS" not in shown and all(r.code != "RS" for r in v.residences)
    autres = v.series_of("autres")[0]
    # 6 dwellings alone are too few: the next smallest residence (RB, 25) joins the group.
    assert autres.dwellings == 31 and "RB" not in shown
    assert all(a.code not in ("RS", "RB") for a in alerts.scan(cur))
    assert all(t.code not in ("RS", "RB") for t in targeting.targeting(cur))
    assert all(x.code not in ("RS", "RB") for x in scenario.scenario(cur, 10).lines)


def test_a_group_too_small_even_with_everything_is_masked():
    con = energy_workspace([SMALL])
    v = quartier_energy(con.cursor(), "Q1")
    autres = v.series_of("autres")[0]
    assert autres.is_masked and all(p.raw is None and p.is_secret for p in autres.points)
    assert v.frame().query("kind == 'autres'")["is_secret"].all()


def test_the_threshold_is_configurable_per_workspace():
    con = energy_workspace([A, B])
    cur = con.cursor()
    assert {s.code for s in quartier_energy(cur, "Q1").series_of("residence")} == {"RA", "RB"}
    cur.execute("INSERT INTO meta VALUES (?, '30')", [settings.SECRET_META_KEY]).fetchall()
    v = quartier_energy(cur, "Q1")
    # RB (25 dwellings) is under 30; alone in its group it would be recovered: RA (40) joins it.
    assert v.series_of("residence") == [] and v.series_of("autres")[0].dwellings == 65 and v.secret_min == 30


def _relations(dwellings: dict[str, int], g: secrecy.Grouping, outside: int):
    """Cells of a quartier's table: every residence, « autres », what lies outside the residences, the quartier."""
    values = {**{r: float(d) for r, d in dwellings.items()}, "outside": float(outside) if outside else None,
              "autres": float(g.merged_dwellings) if g.merged else None,
              "Q": float(sum(dwellings.values()) + outside)}
    relations = [privacy.Relation("Q", (*dwellings, "outside"))]
    if g.merged:
        relations.append(privacy.Relation("autres", g.merged))
    hidden = set(g.merged) | ({"outside"} if outside else set()) | ({"autres"} if g.group_masked else set())
    return values, relations, hidden


def test_secondary_suppression_cannot_be_undone_by_subtraction():
    rng = random.Random(14)
    for _ in range(400):
        n = rng.randint(1, 6)
        dwellings = {f"R{i}": rng.choice([2, 4, 6, 9, 10, 12, 15, 40, 80]) for i in range(n)}
        outside = rng.choice([0, 0, 3, 7, 50])
        g = secrecy.group_residences(dwellings, 10, sum(dwellings.values()) + outside)
        assert all(dwellings[r] >= 10 for r in g.shown)
        assert g.group_masked or not g.merged or g.merged_dwellings >= 10
        values, relations, hidden = _relations(dwellings, g, outside)
        leaked = privacy.recoverable_cells(values, hidden, relations)
        # What a subtraction gives must never be fewer than 10 dwellings (a residence, or the rest of the quartier).
        assert not {c for c in leaked if values[c] < 10}, (dwellings, outside, g, leaked)


def test_grouping_cases():
    assert secrecy.group_residences({"a": 40, "b": 12}, 10) == secrecy.Grouping(("a", "b"), (), 0, False, 10)
    g = secrecy.group_residences({"a": 40, "b": 12, "c": 4}, 10)
    assert g.merged == ("c", "b") and g.merged_dwellings == 16 and not g.group_masked
    g = secrecy.group_residences({"a": 40, "b": 12}, 10, quartier_dwellings=57)     # 5 dwellings outside
    assert g.merged == ("b",) and g.group_masked
    assert secrecy.group_residences({"a": 3, "b": 4}, 10).group_masked
    for combo in itertools.product([3, 12], repeat=3):
        g = secrecy.group_residences(dict(zip("xyz", combo, strict=True)), 10)
        assert not g.merged or g.group_masked or g.merged_dwellings >= 10


# --- prices -------------------------------------------------------------------------------------

def test_replacing_prices_is_one_undoable_batch(tmp_path):
    from tests.factories import user_workspace

    con, cur = user_workspace(tmp_path / "user.duckdb")
    first = prices.replace_prices(cur, prices.DEFAULT_PRICES)
    assert prices.read_prices(cur) == sorted(prices.DEFAULT_PRICES, key=lambda p: (p.energy, p.valid_from))
    new = [prices.Price("electricite", date(2026, 2, 1), 0.21, 190.0, "hausse", "test")]
    second = prices.replace_prices(cur, new)
    assert second != first and prices.read_prices(cur) == new
    entry = next(e for e in history.import_history(cur) if e.id == second)
    assert entry.undoable and entry.rows == 1
    history.undo_import(cur, second)
    assert prices.read_prices(cur) == sorted(prices.DEFAULT_PRICES, key=lambda p: (p.energy, p.valid_from))
    con.close()


@pytest.mark.parametrize(("row", "message"), [
    (prices.Price("fioul", date(2025, 1, 1), 0.1, None), "énergie « fioul » inconnue"),
    (prices.Price("gaz", date(2025, 1, 1), -1.0, None), "nombre positif"),
    (prices.Price("gaz", date(2025, 1, 1), 0.1, -5.0), "abonnement annuel"),
])
def test_a_bad_price_table_is_refused_in_french(row, message):
    con = energy_workspace([A])
    cur = con.cursor()
    before = prices.read_prices(cur)
    with pytest.raises(DQError, match=message):
        prices.replace_prices(cur, [row])
    assert prices.read_prices(cur) == before


def test_method_texts_are_french_and_state_the_rules():
    assert "3,5" in alerts.RULE_TEXT and "20 %" in alerts.RULE_TEXT and "médiane" in alerts.RULE_TEXT
    assert "degré-jour" in climate.METHOD_TEXT and "r²" in climate.METHOD_TEXT
    assert "TEE_3D" in burden.METHOD_TEXT and "BRDE n'est pas estimé" in burden.METHOD_TEXT
    assert "jamais un compte" in burden.METHOD_TEXT
    assert "10 logements" in secrecy.SECRECY_TEXT.format(n=10)
    assert "50 points" in targeting.score_text() or "jusqu'à 50 points" in targeting.score_text()
    assert portfolio.threshold_labels() == {0.08: "8 %", 0.1: "10 %"}


def test_unknown_quartier_and_energy_are_refused_in_french():
    con = energy_workspace([A])
    with pytest.raises(DQError, match="Quartier inconnu"):
        quartier_energy(con.cursor(), "QX999")
    with pytest.raises(DQError, match="Énergie inconnue"):
        quartier_energy(con.cursor(), "Q1", "fioul")


def test_scenario_ranges_hold_their_central_estimate():
    con = energy_workspace([A, B])
    sc = scenario.scenario(con.cursor(), 25)
    for line in sc.lines:
        for est in (*line.crossing.values(), *line.above_before.values(), *line.above_after.values()):
            assert est.low <= est.central + 1e-9 and est.central <= est.high + 1e-9
    for total in (*sc.crossing_residences.values(), *sc.crossing_quartiers.values()):
        assert total.low <= total.central <= total.high


def test_price_text_is_french():
    p = prices.Price("electricite", date(2025, 8, 1), 0.1952, 185.64)
    assert p.text == "électricité : 0,1952 € par kWh + 185,64 € par an depuis le 1er août 2025"


def test_a_panel_without_any_month_computes_without_figures():
    info = pd.DataFrame({"scope": ["residence", "quartier"], "key": ["R1", "Q1"], "energy": ["gaz", "gaz"],
                         "zone": [None, None], "units": [12.0, float("nan")]})
    p = engine.compute(engine._empty(info))
    assert p.last_column.tolist() == [-1, -1]
    assert p.first_fit.tolist() == [-1, -1] and len(p.candidates) == 0
