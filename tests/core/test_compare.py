"""Comparer: the table of all quartiers, rank and percentile, distribution, similar quartiers."""

import numpy as np
import pandas as pd
import pytest

from dq_core.errors import DQError
from dq_core.explore.compare import (
    Filters,
    apply_filters,
    build_comparison,
    build_distribution,
    comparison_table,
    default_similarity_indicators,
    filter_options,
    nearest,
    quartier_places,
    rank_of,
    similar_quartiers,
    similarity_table,
    validate_filters,
)
from dq_core.store import db
from dq_core.store.catalogue import load_indicators
from tests.compare_factory import INDICATORS, QUARTIERS, latest_figures


@pytest.fixture
def cur(compare_db):
    con = db.connect(compare_db)
    yield con.cursor()
    con.close()


def test_places_know_every_quartier_and_where_it_lies(cur):
    places = quartier_places(cur)
    frame = places.frame.set_index("code")
    assert len(frame) == len(QUARTIERS)
    assert frame.loc["QC10", "commune"] == "Zêta-les-Bains, Epsilon"       # main commune first
    assert frame.loc["QC10", ["epci", "departement", "region"]].tolist() == ["Agglo Trois", "Département Trois",
                                                                            "Région Sud-Test"]
    assert {"C5", "C6", "E3", "D3", "R2", "FR"} <= set(frame.loc["QC10", "zone"])


def test_filters_narrow_the_quartiers_and_each_other(cur):
    places = quartier_places(cur)
    assert set(apply_filters(places, Filters(commune="C5"))["code"]) == {"QC07", "QC08", "QC10"}
    assert set(apply_filters(places, Filters(region="R1", vintage=2015))["code"]) == {"QP01"}
    options = filter_options(places, Filters(region="R2"))
    assert [c for c, _ in options["departement"]] == ["D3"]
    assert [c for c, _ in options["commune"]] == ["C5", "C6"]
    assert [c for c, _ in options["region"]] == ["R1", "R2"]               # the level itself is not narrowed
    assert options["vintage"] == [("2015", "Géographie prioritaire 2015"), ("2024", "Géographie prioritaire 2024")]
    kept, messages = validate_filters(places, Filters(region="D1", commune="C1", vintage=1999))
    assert kept == Filters(commune="C1") and len(messages) == 2


def test_the_table_compares_quartiers_at_the_same_period(cur):
    comparison = build_comparison(cur, ["taux_pauvrete", "revenu_median_uc"], Filters(vintage=2024), "QC03")
    assert comparison.periods == {"taux_pauvrete": "2021", "revenu_median_uc": "2021"}
    table = comparison_table(comparison).set_index("Code")
    column = "Taux de pauvreté (seuil à 60 %) (2021, %)"
    assert table.loc["QC03", column] == pytest.approx(latest_figures()["QC03"]["taux_pauvrete"])
    assert table.loc["QC11", column] == "s"                                  # secret, never a number
    assert table.loc["QC12", "Revenu disponible médian par UC (2021, €)"] is None
    assert list(table.columns[:4]) == ["Quartier", "Commune", "EPCI", "Département"]
    assert len(table) == 12


def test_rank_and_percentile_of_the_selected_quartier(cur):
    comparison = build_comparison(cur, ["taux_pauvrete"], Filters(vintage=2024), "QC03")
    values = {code: f["taux_pauvrete"] for code, f in latest_figures().items()
              if code.startswith("QC") and code != "QC11"}
    own = values["QC03"]
    rank = comparison.ranks["taux_pauvrete"]
    assert rank.out_of == 11                                                # the secret quartier is not ranked
    assert rank.rank == 1 + sum(v > own for v in values.values())
    assert rank.lower_share == pytest.approx(100 * sum(v < own for v in values.values()) / 10)
    assert rank.favourable_share == pytest.approx(100 * sum(v > own for v in values.values()) / 10)
    assert "sur 11 quartiers" in rank.sentence(comparison.indicators[0])


def test_rank_helper_handles_ties_and_directions():
    values = pd.Series({"a": 10.0, "b": 20.0, "c": 20.0, "d": 30.0, "e": np.nan})
    rank = rank_of(values, "b", "higher_better")
    assert (rank.rank, rank.out_of, rank.lower_share, rank.favourable_share) == (2, 4, pytest.approx(100 / 3),
                                                                                 pytest.approx(100 / 3))
    assert rank_of(values, "e", "neutral") is None
    assert rank_of(values, "a", "neutral").favourable_share is None


def test_a_quartier_outside_the_filters_has_no_rank(cur):
    comparison = build_comparison(cur, ["taux_pauvrete"], Filters(region="R2"), "QC03")
    assert comparison.ranks["taux_pauvrete"] is None and not comparison.selected_in_view
    assert any("filtres" in n for n in comparison.notes)


def test_secret_quartier_has_no_rank(cur):
    assert build_comparison(cur, ["taux_pauvrete"], Filters(), "QC11").ranks["taux_pauvrete"] is None


def test_the_reason_a_quartier_has_no_rank(cur):
    assert build_comparison(cur, ["taux_pauvrete"], Filters(), "QC11").no_rank_reason("taux_pauvrete") == \
        "secret statistique"
    missing = build_comparison(cur, ["taux_chomage", "taux_pauvrete"], Filters(), "QC12")
    assert missing.no_rank_reason("taux_chomage") == "pas de valeur à cette période"
    assert missing.no_rank_reason("taux_pauvrete") is None                  # ranked
    outside = build_comparison(cur, ["taux_pauvrete"], Filters(region="R2"), "QC03")
    assert outside.no_rank_reason("taux_pauvrete") == "pas dans la sélection"


def test_distribution_with_the_quartier_and_its_references(cur):
    comparison = build_comparison(cur, ["taux_pauvrete"], Filters(vintage=2024), "QC03")
    dist = build_distribution(cur, comparison, "taux_pauvrete")
    known = [f["taux_pauvrete"] for c, f in latest_figures().items() if c.startswith("QC") and c != "QC11"]
    assert dist.stats["n"] == 11 and dist.stats["median"] == pytest.approx(np.median(known))
    assert dist.secret_count == 1 and dist.missing_count == 0
    assert dist.selected["value"] == pytest.approx(latest_figures()["QC03"]["taux_pauvrete"])
    refs = {r["key"]: r["value"] for r in dist.references}
    assert refs == {"commune": 22.0, "epci": 21.0, "departement": 17.0, "region": 16.5, "france": 14.5,
                    "quartiers": 43.0}
    assert "11 quartiers (2021) : médiane" in dist.summary()


def test_unknown_indicator_is_a_french_error(cur):
    with pytest.raises(DQError, match="Indicateur inconnu"):
        build_comparison(cur, ["nope"])


KEY = ["pop_totale", "taux_pauvrete", "taux_chomage", "part_logements_sociaux", "revenu_median_uc"]


def test_a_quartier_is_its_own_nearest_neighbour(cur):
    for code in ("QC01", "QC05", "QC09"):
        similarity = similar_quartiers(cur, code, KEY, k=3, include_self=True)
        assert similarity.neighbours[0].code == code and similarity.neighbours[0].distance == 0


def test_a_planted_twin_is_found_first(cur):
    similarity = similar_quartiers(cur, "QC03", KEY, k=5)
    first = similarity.neighbours[0]
    assert first.code == "QC07" and first.name == "Les Jumeaux B"
    assert first.distance < 0.1 < similarity.neighbours[1].distance
    assert similar_quartiers(cur, "QC07", KEY).neighbours[0].code == "QC03"
    assert [n.distance for n in similarity.neighbours] == sorted(n.distance for n in similarity.neighbours)
    assert len(first.closest) == 3 and first.differences == ()             # nothing differs much


def test_what_differs_is_said_with_both_values(cur):
    similarity = similar_quartiers(cur, "QC03", KEY, k=8)
    far = similarity.neighbours[-1]
    assert far.differences and all(f.gap >= 0.5 for f in far.differences)
    text = far.differences[0].text()
    assert " contre " in text and text.startswith(far.differences[0].indicator.label)


def test_missing_values_are_left_out_not_filled(cur):
    similarity = similar_quartiers(cur, "QC12", KEY, k=4)                  # no unemployment, no median income
    assert [i.id for i in similarity.indicators] == ["pop_totale", "taux_pauvrete", "part_logements_sociaux"]
    assert len(similarity.notes) == 2 and all("pas de valeur pour ce quartier" in n for n in similarity.notes)
    assert all(n.compared == 3 for n in similarity.neighbours)
    # The secret cell of QC11 is not used: QC11 is compared on its other indicators only.
    qc11 = [n for n in similar_quartiers(cur, "QC03", KEY, k=13).neighbours if n.code == "QC11"][0]
    assert qc11.compared == 4


def test_filters_restrict_the_candidates(cur):
    similarity = similar_quartiers(cur, "QC03", KEY, k=10, filters=Filters(region="R1", vintage=2024))
    assert {n.code for n in similarity.neighbours} <= {"QC01", "QC02", "QC04", "QC05", "QC06", "QC11", "QC12"}


def test_similarity_on_a_planted_matrix():
    catalogue = {i.id: i for i in INDICATORS}
    indicators = [catalogue["taux_pauvrete"], catalogue["taux_chomage"], catalogue["pop_totale"]]
    matrix = pd.DataFrame({"taux_pauvrete": [40, 41, 10, 60, np.nan], "taux_chomage": [20, 20.5, 5, 30, 21],
                           "pop_totale": [3000, 3100, 200, 9000, 2900]}, index=["a", "twin", "b", "c", "d"])
    labels = pd.DataFrame({"name": list("ATBCD"), "commune": "X"}, index=matrix.index)
    result = nearest("a", matrix, indicators, labels, k=4)
    assert [n.code for n in result.neighbours][:2] == ["twin", "d"]         # d is compared on 2 of 3
    assert result.neighbours[1].compared == 2
    assert nearest("a", matrix, indicators, labels, k=1, include_self=True).neighbours[0].code == "a"
    flat = matrix.assign(taux_chomage=5.0)
    assert any("même valeur" in n for n in nearest("a", flat, indicators, labels, k=2).notes)


def test_similarity_table_for_screen_and_export(cur):
    table = similarity_table(similar_quartiers(cur, "QC03", KEY, k=3))
    assert list(table.columns[:6]) == ["Quartier", "Code", "Commune", "Écart moyen (écarts-types)", "Proche sur",
                                       "Diffère surtout sur"]
    assert len(table) == 3 and table["Code"].iloc[0] == "QC07"
    assert "Taux de pauvreté (seuil à 60 %)" in table.columns


def test_default_similarity_indicators_are_the_key_annual_ones(cur):
    assert sorted(default_similarity_indicators(load_indicators(cur))) == sorted(KEY)
