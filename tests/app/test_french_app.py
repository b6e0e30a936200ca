"""French on the pages themselves: the catalogue's texts, and multiselects that add only what is clicked."""

import pytest

from tests.apptest import open_app


def test_the_catalogue_shows_no_nan_and_identifiers_as_written(tiny_db, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(tiny_db))
    at = open_app("pages/catalogue.py")
    assert not at.exception
    texts = [m.value for m in at.main.markdown] + [c.value for c in at.main.caption]
    joined = "\n".join(texts)
    assert "nan" not in joined.lower().split() and "Précaution** : nan" not in joined
    assert "`pop_totale`" in joined and "pop\\_totale" not in joined


@pytest.mark.parametrize("page", ["pages/evolution.py", "pages/comparer.py"])
def test_no_multiselect_offers_select_all_or_select_matches(tiny_db, monkeypatch, page):
    """« Select 2 matches » comes first in the list: Enter would add every match, not the one seen."""
    monkeypatch.setenv("DQ_DB", str(tiny_db))
    at = open_app(page, quartier="QNX0101M")
    assert not at.exception
    assert at.multiselect and all(m.proto.select_all == 0 for m in at.multiselect)
