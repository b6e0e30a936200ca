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
        check_refused_file(page, url, tmp_path)
        assert page.outside_requests == []
    con = db.connect(path)
    assert con.execute("SELECT territory, value, is_secret FROM observation WHERE period = '2024' "
                       "ORDER BY territory").fetchall() == [("QNX0101M", 3200.0, False), ("QNX0103N", None, True)]
    con.close()


def check_refused_file(page, url: str, tmp_path) -> None:
    """A refused file: its problems fit the page width (long messages wrap) and its lines download."""
    bad = tmp_path / "erreurs.csv"
    bad.write_bytes(csv_bytes(HEADER, "QNX0109M;pop_totale;2024;3 200", "QNX0101M;pop_totale;2023;douze"))
    page.goto(f"{url}/importer")                      # a fresh page: the file imported above is gone
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    page.get_by_text("erreurs.csv —").wait_for(timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Vérifier seulement").click()
    page.get_by_text("Fichier refusé").wait_for(timeout=30_000)
    wait_for_app(page)
    shot(page, "4-refuse")
    table = page.locator("[data-testid='stTable']").first
    widths = table.evaluate("t => [t.scrollWidth, t.clientWidth, t.closest('[data-testid=\"stMain\"]').clientWidth]")
    assert widths[0] <= widths[1] + 1 and widths[1] <= widths[2], widths         # no sideways scrolling
    assert "Codes proches" in table.inner_text()                                  # the long message, shown whole
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger les 2 lignes refusées, à corriger (Excel)").click()
    assert download.value.suggested_filename == "lignes-refusees_erreurs.xlsx"
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert [sheet.cell(row, 3).value for row in (4, 5)] == ["QNX0109M", "QNX0101M"]
