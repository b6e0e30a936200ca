"""A first real workspace (AppTest): the demo stays fictional, an empty workspace says what to do next,
a workspace has one name everywhere, the official page says what to download."""

from __future__ import annotations

import pytest

from dq_core.files.official_guide import DOWNLOADS
from dq_core.store import workspace
from tests.apptest import open_app
from tests.factories import build_tiny_workspace
from tests.import_files import HEADER, csv_bytes
from ui.first_steps import EMPTY_MESSAGE

IMPORTER = "pages/importer.py"


def links(at) -> list[str]:
    return [e.proto.label for e in at.get("page_link")]


def upload(at, name: str, content: bytes):
    at.file_uploader(key="import_files").set_value([(name, content, "text/csv")]).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def empty_workspace(tmp_path, monkeypatch):
    path = workspace.create_workspace("Contrat de ville de Rennes", tmp_path / "workspaces")
    monkeypatch.setenv("DQ_DB", str(path))
    return path


def test_an_empty_workspace_says_what_to_do_next_and_links_to_the_imports(empty_workspace):
    at = open_app()
    for page in ("pages/accueil.py", "pages/fiche.py", "pages/evolution.py", "pages/comparer.py", "pages/carte.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert any(i.value == EMPTY_MESSAGE for i in at.main.info), (page, [i.value for i in at.main.info])
        assert not any("menu de gauche" in i.value for i in at.info)
        shown = links(at)
        assert sum(label.startswith("Données officielles") for label in shown) == 2, (page, shown)  # page, sidebar
        assert sum(label.startswith("Importer le fichier") for label in shown) == 2, (page, shown)
    chooser = at.sidebar.selectbox(key="workspace_choice")            # one name, the same everywhere
    assert chooser.format_func(chooser.value) == "Contrat de ville de Rennes"
    assert any("**Contrat de ville de Rennes**" in c.value for c in at.sidebar.caption)
    at.switch_page("pages/accueil.py").run()
    assert any("« Contrat de ville de Rennes »" in m.value for m in at.main.markdown)


def test_a_folder_with_nothing_recognised_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(build_tiny_workspace(tmp_path / "mine.duckdb", demo=False)))
    folder = tmp_path / "telechargements"
    folder.mkdir()
    for name in ("notes.txt", "budget.csv", "photo.json"):
        (folder / name).write_text("rien à voir\n1;2\n")
    at = open_app("pages/officiel.py")
    codes = [c.value for c in at.main.code]
    assert {d.page for d in DOWNLOADS} <= set(codes)                  # the producers' pages, as text
    at.main.text_input[0].input(str(folder)).run()
    at.main.button[0].click().run()
    assert not at.exception and not at.success
    assert at.warning[0].value.startswith("0 fichier importé, 3 ignorés.")


def test_the_demo_warns_before_a_partner_import_and_offers_a_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(build_tiny_workspace(tmp_path / "demo.duckdb", demo=True)))
    at = open_app(IMPORTER)
    assert any("démonstration" in i.value and "le restent" in i.value for i in at.main.info)
    upload(at, "bailleur.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2024;3 200"))
    assert at.button(key="import_confirm").disabled
    at.button(key="import_check").click().run()
    assert any("Fichier valide" in s.value for s in at.success)        # checking is fine in the demo
    at.text_input(key="create_for_partner_import_name").input("Bailleur de Rennes")
    at.button(key="FormSubmitter:create_for_partner_import-Créer mon espace de travail et l'ouvrir").click().run()
    assert not at.exception, at.exception
    created = tmp_path / "workspaces" / "bailleur-de-rennes.duckdb"
    assert at.session_state["workspace"] == str(created)
    assert not any("le restent" in i.value for i in at.main.info) and not at.button(key="import_confirm").disabled   # the file is still there
