"""The Exporter page's duration estimate: words that grow with the batch and depend on its kind."""

from dq_core import export


def test_a_small_batch_takes_a_few_seconds():
    assert export.estimated_duration(1, "zip") == "quelques secondes"
    assert export.estimated_duration(49, "zip") == "quelques secondes"
    assert export.estimated_duration(199, "combined") == "quelques secondes"


def test_under_a_minute():
    assert export.estimated_duration(50, "zip") == "moins d'une minute"
    assert export.estimated_duration(299, "zip") == "moins d'une minute"
    assert export.estimated_duration(200, "combined") == "moins d'une minute"


def test_minutes_are_rounded_and_plural_from_a_minute_and_a_half():
    assert export.estimated_duration(300, "zip") == "environ 1 minute"
    assert export.estimated_duration(450, "zip") == "environ 2 minutes"
    assert export.estimated_duration(1600, "zip") == "environ 5 minutes"
    assert export.estimated_duration(1600, "combined") == "environ 1 minute"


def test_a_zip_costs_more_than_one_workbook():
    assert export.estimated_duration(1000, "zip") != export.estimated_duration(1000, "combined")
