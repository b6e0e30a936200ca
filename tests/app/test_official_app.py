"""The « Données officielles » page, the workspace chooser and the fiche's perimeter notice (AppTest)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.apptest import open_app, shown
from tests.core.test_official_readers import MALAKOFF_DEMO_2022, demo_csv
from tests.factories import build_tiny_workspace

ROOT = Path(__file__).resolve().parents[2]


def start(db_path, page: str | None = None, quartier: str | None = None) -> AppTest:
    return open_app(page, **({"quartier": quartier} if quartier else {}))


def test_import_a_folder_into_the_users_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(build_tiny_workspace(tmp_path / "mine.duckdb", demo=False)))
    folder = tmp_path / "telechargements"
    folder.mkdir()
    (folder / "DEMO_2022.csv").write_bytes(demo_csv(MALAKOFF_DEMO_2022))
    (folder / "lisez-moi.txt").write_text("notes")
    at = start(None, "pages/officiel.py")
    assert not at.exception and not at.error
    at.main.text_input[0].input(str(folder)).run()
    at.main.button[0].click().run()
    assert not at.exception, at.exception
    assert "1 fichier importé, 1 ignoré." == at.success[0].value
    report = at.main.dataframe[0].value
    assert set(report["Résultat"]) == {"importé", "ignoré"}
    assert any("QP044013" in label for label in at.sidebar.selectbox(key="quartier").options)
    # The same folder again: nothing to do.
    at.main.text_input[0].input(str(folder)).run()
    at.main.button[0].click().run()
    assert "0 fichier importé, 1 déjà importé, 1 ignoré." == at.info[0].value


def test_the_demo_asks_for_a_workspace_of_ones_own_and_keeps_it_across_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(build_tiny_workspace(tmp_path / "demo.duckdb", demo=True)))
    at = start(None, "pages/officiel.py")
    assert any("démonstration" in i.value for i in at.main.info)
    at.main.text_input[0].input("Ma ville")          # a form: typed and submitted in the same run
    at.main.button[0].click().run()
    assert not at.exception, at.exception
    created = tmp_path / "workspaces" / "ma-ville.duckdb"
    assert created.exists() and at.session_state["workspace"] == str(created)
    assert at.sidebar.selectbox(key="workspace_choice").value == str(created)
    assert not any("fictives" in i.value for i in at.info)
    at.switch_page("pages/catalogue.py").run()
    assert at.session_state["workspace"] == str(created)
    assert at.sidebar.selectbox(key="workspace_choice").value == str(created)


def test_switching_workspace_from_the_sidebar(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(build_tiny_workspace(tmp_path / "demo.duckdb", demo=True)))
    other = build_tiny_workspace(tmp_path / "workspaces" / "autre.duckdb", demo=False)
    at = start(None)
    chooser = at.sidebar.selectbox(key="workspace_choice")
    assert "Test (autre.duckdb)" in chooser.options         # two workspaces named alike: told apart
    chooser.select(str(other)).run()
    assert not at.exception
    assert at.session_state["workspace"] == str(other)
    assert not any("fictives" in i.value for i in at.info)


def test_fiche_says_when_a_2024_perimeter_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(build_tiny_workspace(tmp_path / "tiny.duckdb")))
    at = start(None, "pages/fiche.py", quartier="QNX0101M")
    assert any("Périmètre modifié en 2024 : comparer avec prudence" in shown(i.value)
               for i in at.main.info)
    at = start(None, "pages/fiche.py", quartier="QNX0103N")
    assert any("Nouveau quartier prioritaire en 2024" in shown(c.value) for c in at.main.caption)
