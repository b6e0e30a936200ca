"""Every page runs through app.py (AppTest) for several quartiers, selected by the URL."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import open_app
from tests.factories import build_tiny_workspace

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture
def app(tiny_db, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(tiny_db))

    def start(quartier: str | None = None, page: str | None = None) -> AppTest:
        return open_app(page, timeout=30, **({"quartier": quartier} if quartier else {}))
    return start


def _texts(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.main.children.values()) + " ".join(
        m.value for m in at.markdown) + " ".join(t.value for t in at.title)


def test_home_says_what_is_open(app):
    at = app()
    assert not at.exception
    assert "Données fictives de démonstration" in " ".join(i.value for i in at.info)
    assert any("**démonstration**" in m.value for m in at.markdown)
    assert [m.value for m in at.metric][:2] == ["3", "2"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("quartier", ["QNX0101M", "QNX0102I", "QNX0103N"])
def test_every_page_runs_for_several_quartiers(app, page, quartier):
    at = app(quartier, page)
    assert not at.exception, at.exception
    assert at.session_state["quartier"] == quartier
    assert not at.error


def test_query_parameter_selects_the_quartier_on_the_fiche(app):
    at = app("QNX0102I", "pages/fiche.py")
    assert at.title[0].value == "Le Plateau"
    assert at.sidebar.selectbox[0].value == "QNX0102I"
    assert at.query_params["quartier"] == "QNX0102I"


def test_choosing_another_quartier_updates_the_fiche(app):
    at = app("QNX0102I", "pages/fiche.py")
    at.sidebar.selectbox[0].select("QNX0101M").run()
    assert at.title[0].value == "Les Tilleuls"
    assert any("46,0" in h.proto.body for h in at.get("html"))


def test_unknown_quartier_in_url_is_said_and_a_valid_one_shown(app):
    at = app("QP999999")
    assert not at.exception
    assert any("QP999999" in i.value for i in at.sidebar.info)
    assert at.query_params["quartier"] == at.session_state["quartier"] != "QP999999"


def test_missing_user_workspace_is_a_french_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(tmp_path / "absente.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert "n'existe pas" in at.error[0].value


def test_user_workspace_has_no_demo_notice(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(build_tiny_workspace(tmp_path / "mine.duckdb", demo=False)))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert not any("fictives" in i.value for i in at.info)
