"""The export buttons in the app (AppTest): the fiche's workbook and the Exporter page."""

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(tiny_db, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(tiny_db))

    def start(page: str, quartier: str = "QNX0101M") -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["quartier"] = quartier
        at.run()
        return at.switch_page(page).run()
    return start


@pytest.fixture
def deferred(monkeypatch):
    """The generators handed to download buttons (AppTest does not expose the file itself)."""
    captured = []
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, *args, **kwargs):
        captured.append((data_callable, kwargs.get("file_name") or (args[2] if len(args) > 2 else None)))
        return original(self, data_callable, *args, **kwargs)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured


def test_fiche_download_button_generates_the_workbook(app, deferred):
    at = app("pages/fiche.py")
    assert not at.exception
    button = at.get("download_button")[0]
    assert button.label == "Télécharger la fiche (Excel)"
    generate, file_name = deferred[-1]
    assert file_name.startswith("fiche_les-tilleuls-QNX0101M_") and file_name.endswith(".xlsx")
    data = generate()
    assert data[:2] == b"PK" and len(data) > 5000
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "Synthèse"
    assert wb["Synthèse"]["A1"].value == "Fiche quartier — Les Tilleuls (QNX0101M)"


def test_fiche_shows_the_dossier_text_to_copy(app):
    at = app("pages/fiche.py")
    code = at.code[0].value
    assert "46,0\u00a0% des habitants du quartier vivent sous le seuil de pauvreté" in code
    assert "(source : Insee – DGFiP, Filosofi 2021)." in code
    assert at.expander[0].label == "Texte pour un dossier"


def test_exporter_page_prepares_a_combined_workbook_of_all_quartiers(app):
    at = app("pages/exporter.py")
    assert not at.exception and not at.error
    at.radio(key="export_scope").set_value("all")
    at.radio(key="export_kind").set_value("combined").run()
    assert "3 quartiers à exporter" in at.caption[0].value
    at.button[0].click().run()
    assert not at.exception
    assert "Export prêt : 3 quartiers" in at.success[0].value
    download = at.get("download_button")[0]
    assert download.label.startswith("Télécharger fiches_tous-les-quartiers_") and download.label.endswith(".xlsx")


def test_exporter_page_by_commune(app):
    at = app("pages/exporter.py")
    at.radio(key="export_scope").set_value("commune").run()
    assert at.selectbox(key="export_commune").value == "X0101"       # the chosen quartier's commune
    at.selectbox(key="export_commune").select("X0102").run()
    assert "2 quartiers à exporter" in at.caption[0].value
    at.button[0].click().run()
    assert not at.exception
    assert at.get("download_button")[0].label.endswith(".zip")
