"""« Texte pour un dossier »: how a gap is said, checked against hand-judged cases, both ways."""

from __future__ import annotations

import pytest

from dq_core.explore.fiche import Point
from dq_core.explore.texts import break_note, gap

# (quartier, reference, unit, words when the quartier is the first, words when the two swap), as a
# reader would judge them: rates in points, ratios only far from 0 and 100 %, or for counts per head.
HAND_JUDGED = [
    (73.6, 82.6, "%", "nettement en dessous", "nettement au-dessus"),      # 9 points, near 100 %: no ratio
    (16.8, 14.5, "%", "un peu au-dessus", "un peu en dessous"),            # 2,3 points
    (40.0, 18.9, "%", "environ le double", "environ la moitié"),
    (46.0, 18.9, "%", "environ 2,5 fois", "environ les deux cinquièmes"),
    (50.2, 50.0, "%", "du même ordre que", "du même ordre que"),
    (88.0, 95.0, "%", "nettement en dessous", "nettement au-dessus"),
    (92.0, 46.0, "%", "nettement au-dessus", "nettement en dessous"),      # not « le double » near 100 %
    (1.2, 0.6, "%", "un peu au-dessus", "un peu en dessous"),              # not « le double » near 0 %
    (30.0, 28.5, "%", "un peu au-dessus", "un peu en dessous"),
    (33.0, 30.0, "%", "nettement au-dessus", "nettement en dessous"),      # 3 points
    (12.0, 4.0, "pour 10 000 habitants", "environ le triple", "environ le tiers"),
    (12_500, 21_000, "€", "environ les deux tiers", "environ une fois et demie"),
    (21.0, 20.0, "pour 1 000 habitants", "un peu au-dessus", "un peu en dessous"),
]


@pytest.mark.parametrize("value, reference, unit, words, mirror", HAND_JUDGED)
def test_gap_words_match_a_readers_judgement_both_ways(value, reference, unit, words, mirror):
    assert gap(value, reference, unit).words == words
    assert gap(reference, value, unit).words == mirror


def test_rates_state_their_gap_in_points_and_others_do_not():
    assert gap(73.6, 82.6, "%").points == "écart de 9,0\u00a0points"
    assert gap(30.0, 29.0, "%").points == "écart de 1,0\u00a0point"
    assert gap(12_500, 21_000, "€").points is None


@pytest.mark.parametrize("reference", [20.0, 55.0, 80.0])
def test_rate_thresholds_are_the_same_at_every_level(reference):
    """Without a ratio, the words depend on the gap in points only, whatever the level of the rates."""
    for tenths in range(-95, 96, 5):
        delta = tenths / 10
        said = gap(reference + delta, reference, "%")
        if said.words.startswith("environ"):
            continue                         # a large ratio between two mid-range rates
        if abs(delta) < 1:
            assert said.words == "du même ordre que", delta
        elif abs(delta) < 3:
            assert said.words.startswith("un peu"), delta
        else:
            assert said.words.startswith("nettement"), delta


def test_no_comparison_with_a_zero_or_negative_figure():
    assert gap(5.0, 0.0, "€") is None and gap(-3.0, 2.0, "habitants") is None


class _Line:
    def __init__(self, series, indicator_label="Bénéficiaires de la C2S"):
        self.series = series
        self.five_years_ago, self.latest = series[0], series[-1]
        self.indicator = type("I", (), {"label": indicator_label})()


def _p(year, brk=False, note=None):
    from datetime import date
    return Point(str(year), date(year, 1, 1), 10.0, is_break=brk, note=note)


def test_a_break_is_named_by_its_year_and_meaning():
    note = "La Complémentaire santé solidaire remplace la CMU-C en novembre 2019 : série non comparable avant 2020."
    line = _Line([_p(2017), _p(2018), _p(2019), _p(2020, True, note), _p(2021), _p(2022)])
    assert break_note(line) == ("Bénéficiaires de la C2S : série non comparable avant et après 2020 (La "
                                "Complémentaire santé solidaire remplace la CMU-C en novembre 2019 : série "
                                "non comparable avant 2020) ; l'évolution sur cinq ans n'est pas commentée.")
    line = _Line([_p(2016), _p(2017), _p(2018, True), _p(2019), _p(2020), _p(2021)], "Demandeurs d'emploi")
    assert break_note(line) == ("Demandeurs d'emploi : la définition change en 2018 : série non comparable "
                                "avant et après ; l'évolution sur cinq ans n'est pas commentée.")
