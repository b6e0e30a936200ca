"""The fiche's computations: latest values, changes, references, secrecy."""

import pytest

from dq_core.errors import DQError
from dq_core.explore.fiche import build_fiche


def test_latest_value_changes_and_references(cur):
    fiche = build_fiche(cur, "QNX0101M")
    line = fiche.line("taux_pauvrete")
    assert line.latest.period == "2021"
    assert line.latest.value == pytest.approx(46.0)
    assert line.previous.period == "2020"
    assert line.change_previous == pytest.approx(46.0 - 100 * 1330 / 3100)
    assert line.five_years_ago.period == "2016"
    assert line.change_5y == pytest.approx(46.0 - 40.0)
    assert line.references["commune"].value == pytest.approx(18.9)
    assert line.references["commune"].name == "Villeneuve-Test"
    assert line.references["france"].value == pytest.approx(14.5)
    assert line.references["epci"].value is None          # nothing stored for the EPCI: said, not hidden
    assert line.gap_with("commune") == "worse"            # higher poverty is worse
    assert line.trend() == "worse"


def test_header_population_and_reference_territories(cur):
    fiche = build_fiche(cur, "qnx0101m")                   # codes are case-insensitive
    assert fiche.demo is True
    assert fiche.population.value == 3050 and fiche.population.period == "2021"
    refs = fiche.quartier.references
    assert [refs[k].code for k in ("commune", "epci", "departement", "region", "france", "quartiers")] \
        == ["X0101", "XE001", "X01", "XR01", "FRANCE", "ENSQP"]


def test_multi_commune_quartier_lists_both_communes_main_first(cur):
    fiche = build_fiche(cur, "QNX0102I")
    assert [c.name for c in fiche.quartier.communes] == ["Villeneuve-Test", "Bourg-Test"]
    assert fiche.quartier.references["commune"].code == "X0101"


def test_secret_cell_has_no_value_and_no_change(cur):
    line = build_fiche(cur, "QNX0103N").line("taux_pauvrete")
    assert line.latest.secret is True
    assert line.latest.value is None
    assert line.change_previous is None and line.change_5y is None


def test_break_in_series_blocks_the_five_year_change(cur):
    line = build_fiche(cur, "QNX0101M").line("demandeurs_emploi_abc")
    assert line.latest.period == "2021" and line.latest.provisional
    assert line.previous.period == "2019"                  # 2020 is missing
    assert line.change_previous == 10
    assert line.five_years_ago.period == "2016"
    assert line.break_in_5y is True and line.change_5y is None


def test_median_changes_are_differences_of_the_same_territory(cur):
    line = build_fiche(cur, "QNX0101M").line("revenu_median_uc")
    assert line.change_5y == 500
    assert line.gap_with("commune") == "worse"


def test_unknown_code_is_a_french_error(cur):
    with pytest.raises(DQError, match="Quartier inconnu"):
        build_fiche(cur, "QP999999")


def test_counts_are_not_judged_against_the_commune(cur):
    assert build_fiche(cur, "QNX0101M").line("pop_totale").gap_with("commune") is None
