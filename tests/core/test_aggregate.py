"""Aggregation over several territories: counts add, rates from sums, medians refused."""

import pytest

from dq_core.explore.aggregate import Member, aggregate
from tests.factories import TINY_INDICATORS

COUNT, RATE, MEDIAN, _ = TINY_INDICATORS


def test_counts_add_up():
    assert aggregate(COUNT, [Member(1000), Member(2500)]).value == 3500


def test_rates_are_recomputed_from_numerators_and_denominators_not_averaged():
    result = aggregate(RATE, [Member(50.0, 50, 100), Member(10.0, 100, 1000)])
    assert result.value == pytest.approx(100 * 150 / 1100)       # 13.6 %, not the mean 30 %
    assert (result.numerator, result.denominator) == (150, 1100)


def test_medians_are_never_averaged():
    result = aggregate(MEDIAN, [Member(12000.0), Member(14000.0)])
    assert result.value is None and result.status == "non_agregeable"
    assert result.label == "non agrégeable"


def test_a_secret_member_makes_the_group_secret():
    result = aggregate(RATE, [Member(50.0, 50, 100), Member(None, secret=True)])
    assert result.value is None and result.status == "secret"


def test_a_missing_member_is_reported_not_ignored():
    assert aggregate(COUNT, [Member(10), Member(None)]).status == "incomplet"
