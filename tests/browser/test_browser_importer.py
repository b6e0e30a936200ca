"""Real-browser upload on the Importer page: Chromium sends a file, the page checks and imports it."""

import os
from pathlib import Path

import pytest

from dq_core.store import db
from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.factories import build_tiny_workspace
from tests.import_files import HEADER, csv_bytes

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DQ_SCREENSHOTS")     # a folder: save what the browser showed, to look at it


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_upload_check_and_import_in_chromium(tmp_path):
    require_browser()
    path = build_tiny_workspace(tmp_path / "browser.duckdb", demo=False)
    upload = tmp_path / "bailleur.csv"
    upload.write_bytes(csv_bytes("Patrimoine du bailleur — 2024", "", HEADER, "QNX0101M;pop_totale;2024;3 200",
                                 "QNX0103N;pop_totale;2024;7", encoding="cp1252"))
    with app_server(path) as url, chromium_page() as page:
        page.goto(f"{url}/importer")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text().strip() == "Importer des données"
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
        page.get_by_text("1. Le fichier").wait_for(timeout=30_000)
        wait_for_app(page)
        shot(page, "1-fichier")
        page.get_by_role("button", name="Vérifier seulement").click()
        page.get_by_text("Fichier valide").wait_for(timeout=30_000)
        wait_for_app(page)
        shot(page, "2-verifie")
        assert page_problems(page) == []
        page.get_by_role("button", name="Importer", exact=True).click()
        page.get_by_text("Import n° 2 enregistré").wait_for(timeout=30_000)
        wait_for_app(page)
        shot(page, "3-importe")
        assert page.get_by_text("bailleur.csv").count() >= 1
        assert page.outside_requests == []
    con = db.connect(path)
    assert con.execute("SELECT territory, value, is_secret FROM observation WHERE period = '2024' "
                       "ORDER BY territory").fetchall() == [("QNX0101M", 3200.0, False), ("QNX0103N", None, True)]
    con.close()
