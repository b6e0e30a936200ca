"""Évolution: gaps stay gaps, breaks and provisional values are marked, secret cells listed, base 100."""

import math

import pytest

from dq_core.errors import DQError
from dq_core.explore.evolution import (
    build_evolution,
    consecutive,
    default_base,
    evolution_table,
    index_base100,
    period_ordinal,
    periods_of,
    segment_ids,
)
from dq_core.explore.groups import create_group
from tests.factories import TILLEULS_POOR


def test_period_codes_and_what_follows_what():
    assert period_ordinal("2021") == ("A", 2021)
    assert period_ordinal("2023-04")[0] == "M" and period_ordinal("2023-T2")[0] == "T"
    assert consecutive("2020", "2021") and not consecutive("2019", "2021")
    assert consecutive("2023-12", "2024-01") and not consecutive("2023-11", "2024-01")
    assert consecutive("2023-T4", "2024-T1") and not consecutive("2023-T2", "2023-T4")
    assert period_ordinal("édition 2022") is None and consecutive("x", "y")


def test_missing_periods_and_missing_values_split_the_line_never_interpolated():
    periods = ["2016", "2017", "2019", "2020", "2021", "2022"]
    values = [1.0, 2.0, 3.0, None, 5.0, 6.0]
    assert segment_ids(periods, values, [False] * 6) == [0, 0, 1, None, 2, 2]


def test_a_break_in_series_starts_a_new_segment():
    periods = ["2016", "2017", "2018", "2019"]
    assert segment_ids(periods, [1.0, 2.0, 3.0, 4.0], [False, False, True, False]) == [0, 0, 1, 1]


def test_base_100_indexing():
    indices, problem = index_base100(["2016", "2017", "2018"], [40.0, 42.0, None], [False] * 3, "2016")
    assert indices == [100.0, 105.0, None] and problem is None
    assert index_base100(["2016", "2017"], [None, 3.0], [False, False], "2016")[1] == "pas de valeur en 2016"
    assert index_base100(["2016", "2017"], [0.0, 3.0], [False, False], "2016")[1] == "valeur nulle en 2016"
    assert index_base100(["2017"], [3.0], [False], "2016")[1] == "pas de donnée en 2016"


def test_base_100_does_not_cross_a_break_in_series():
    indices, problem = index_base100(["2016", "2017", "2018", "2019"], [10.0, 12.0, 30.0, 33.0],
                                     [False, False, True, False], "2018")
    assert indices[:2] == [None, None] and indices[2:] == [100.0, pytest.approx(110.0)]
    assert "rupture de série" in problem


def test_default_base_is_the_first_common_period_after_the_last_break():
    series = {"a": [("2016", 1.0), ("2017", 2.0), ("2018", 3.0)], "b": [("2016", None), ("2017", 5.0), ("2018", 6.0)]}
    assert default_base(series) == "2017"
    assert default_base(series, {"2018"}) == "2018"
    assert default_base({"a": [("2016", None)]}) is None


def test_quartiers_references_and_their_labels(cur):
    evo = build_evolution(cur, ["taux_pauvrete"], ["QNX0101M", "QNX0102I"], ["commune", "france", "epci"])
    labels = [t.label for t in evo.territories]
    # Both quartiers share their main commune: it appears once.
    assert labels == ["Les Tilleuls", "Le Plateau", "Commune : Villeneuve-Test",
                      "Agglomération (EPCI) : Agglo Test", "France : France (référence fictive)"]
    tilleuls = evo.series("taux_pauvrete").query("territory == 'QNX0101M'")
    assert list(tilleuls["value"]) == pytest.approx([100 * n / d for n, d in TILLEULS_POOR.values()])
    assert "Pas de donnée pour Agglomération (EPCI) : Agglo Test." in evo.notes_for("taux_pauvrete")


def test_gap_break_and_provisional_value_are_marked(cur):
    evo = build_evolution(cur, ["demandeurs_emploi_abc"], ["QNX0101M"])
    series = evo.series("demandeurs_emploi_abc").set_index("period")
    assert list(series.index) == ["2016", "2017", "2018", "2019", "2021"]          # 2020 is not invented
    assert series.loc["2019", "status"] == "break" and series.loc["2019", "status_label"] == "rupture de série"
    assert series.loc["2021", "status"] == "provisional" and series.loc["2021", "provisional"]
    segments = list(series["segment"])
    assert segments[0] == segments[1] == segments[2]
    assert len({segments[2], segments[3], segments[4]}) == 3                       # break, then gap


def test_secret_cells_are_off_the_line_and_listed(cur):
    evo = build_evolution(cur, ["taux_pauvrete"], ["QNX0103N", "QNX0101M"])
    secret = evo.series("taux_pauvrete").query("territory == 'QNX0103N'")
    assert list(secret["shown"]) == ["s"] and secret["plot_value"].isna().all() and secret["segment"].isna().all()
    assert [(c.territory, c.period) for c in evo.secret_for("taux_pauvrete")] == [("Petit Quartier", "2021")]
    table = evolution_table(evo, "taux_pauvrete")
    assert table.loc[table["Période"] == "2021", "Petit Quartier"].item() == "s"
    assert table.loc[table["Période"] == "2016", "Les Tilleuls"].item() == pytest.approx(40.0)


def test_base_100_view_and_its_table(cur):
    evo = build_evolution(cur, ["taux_pauvrete", "demandeurs_emploi_abc"], ["QNX0101M"], ["commune"], base100=True)
    assert evo.bases == {"taux_pauvrete": "2016", "demandeurs_emploi_abc": "2019"}   # after the 2019 break
    pov = evo.series("taux_pauvrete").set_index(["territory", "period"])
    assert pov.loc[("QNX0101M", "2021"), "index"] == pytest.approx(115.0)
    assert pov.loc[("X0101", "2021"), "index"] == pytest.approx(100.0)
    table = evolution_table(evo, "taux_pauvrete")
    assert table.attrs["unit"] == "indice base 100 en 2016" and table.attrs["decimals"] == 1
    jobs = evo.series("demandeurs_emploi_abc").set_index("period")
    assert math.isnan(jobs.loc["2016", "index"]) and jobs.loc["2019", "index"] == 100.0
    chosen = build_evolution(cur, ["taux_pauvrete"], ["QNX0101M"], base100=True, base_period="2018")
    assert chosen.bases["taux_pauvrete"] == "2018"
    assert periods_of(chosen) == [str(y) for y in range(2016, 2022)]


def test_the_table_lists_remarks_and_keeps_numbers_as_numbers(cur):
    table = evolution_table(build_evolution(cur, ["demandeurs_emploi_abc"], ["QNX0101M"]), "demandeurs_emploi_abc")
    assert list(table.columns) == ["Période", "Les Tilleuls", "Remarques"]
    row = table.set_index("Période")
    assert row.loc["2017", "Les Tilleuls"] == 390.0 and isinstance(row.loc["2017", "Les Tilleuls"], float)
    assert row.loc["2019", "Remarques"] == "rupture de série : Les Tilleuls"
    assert row.loc["2021", "Remarques"] == "provisoire : Les Tilleuls"


def test_a_group_is_drawn_like_a_territory_with_its_rules(cur):
    group = create_group(cur, "Deux quartiers", ["QNX0101M", "QNX0102I"])
    evo = build_evolution(cur, ["taux_pauvrete", "revenu_median_uc"], ["QNX0101M"], groups=[group.code])
    pov = evo.series("taux_pauvrete").query("role == 'groupe'").set_index("period")
    assert pov.loc["2021", "value"] == pytest.approx(100 * (1380 + 800) / (3000 + 2000))
    assert pov.loc["2021", "label"] == "Groupe : Deux quartiers"
    median = evo.series("revenu_median_uc").query("role == 'groupe'")
    assert (median["status"] == "non_agregeable").all() and median["plot_value"].isna().all()
    assert any("non agrégeable" in n for n in evo.notes_for("revenu_median_uc"))
    table = evolution_table(evo, "revenu_median_uc")
    assert table["Remarques"].iloc[0] == "non agrégeable : Groupe : Deux quartiers"


def test_a_group_with_a_secret_member_is_secret_for_that_period(cur):
    group = create_group(cur, "Avec secret", ["QNX0101M", "QNX0103N"])
    evo = build_evolution(cur, ["taux_pauvrete"], ["QNX0101M"], groups=[group.code])
    assert [(c.territory, c.period) for c in evo.secret_for("taux_pauvrete")] == [("Groupe : Avec secret", "2021")]


def test_unknown_codes_are_french_errors(cur):
    with pytest.raises(DQError, match="Indicateur inconnu"):
        build_evolution(cur, ["nope"], ["QNX0101M"])
    with pytest.raises(DQError, match="Quartier inconnu"):
        build_evolution(cur, ["taux_pauvrete"], ["QX"])
    with pytest.raises(DQError, match="Référence inconnue"):
        build_evolution(cur, ["taux_pauvrete"], ["QNX0101M"], ["lune"])
    with pytest.raises(DQError, match="Groupe inconnu"):
        build_evolution(cur, ["taux_pauvrete"], ["QNX0101M"], groups=["GRP9999"])


def test_no_indicator_gives_an_empty_view(cur):
    evo = build_evolution(cur, [], ["QNX0101M"])
    assert evo.indicators == [] and evo.points.empty


def test_a_group_rate_without_numerators_is_not_averaged(cur):
    cur.execute("UPDATE observation SET numerator = NULL, denominator = NULL WHERE indicator = 'taux_pauvrete' "
                "AND territory = 'QNX0102I'")
    group = create_group(cur, "Sans effectifs", ["QNX0101M", "QNX0102I"])
    evo = build_evolution(cur, ["taux_pauvrete"], ["QNX0101M"], groups=[group.code])
    cells = evo.series("taux_pauvrete").query("role == 'groupe'")
    assert (cells["status"] == "sans_effectifs").all() and cells["plot_value"].isna().all()
    assert any("numérateurs et dénominateurs" in n for n in evo.notes_for("taux_pauvrete"))
    assert "non recalculable" in evolution_table(evo, "taux_pauvrete")["Remarques"].iloc[0]
