"""French formatting of figures, changes and periods."""

from datetime import date

from dq_core import fmt


def test_numbers_the_french_way():
    assert fmt.number(1234.5) == "1\u202f234,5"
    assert fmt.number(-0.04) == "0,0"                      # no "-0,0"
    assert fmt.number(-12.25, 2) == "−12,25"
    assert fmt.number(3, 0, sign=True) == "+3"
    assert fmt.number(None) == "–"


def test_values_units_and_secret():
    assert fmt.value(47.3, "%") == "47,3\u00a0%"
    assert fmt.value(3486, "habitants", 0) == "3\u202f486\u00a0habitants"
    assert fmt.value(12.0, "%", secret=True) == "s"
    assert fmt.cell(3486, "habitants", 0) == "3\u202f486"
    assert fmt.unit_note("habitants") == "en habitants" and fmt.unit_note("%") is None


def test_changes_in_points_for_rates():
    assert fmt.change(1.23, "%") == "+1,2\u00a0pt"
    assert fmt.change(-2.5, "%") == "−2,5\u00a0pts"
    assert fmt.change(500, "€", 0) == "+500\u00a0€"
    assert fmt.ascii_sign(fmt.change(-2.5, "%")).startswith("-2,5")


def test_periods_and_dates():
    assert fmt.period("2021") == "2021"
    assert fmt.period("2024-03") == "mars 2024"
    assert fmt.period("2023-T1") == "1er trimestre 2023"
    assert fmt.date_fr(date(2026, 11, 29)) == "29 novembre 2026"
