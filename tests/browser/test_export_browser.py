"""Downloads in a real browser: the fiche's workbook (generated on click) and a batch zip."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.factories import build_tiny_workspace

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    require_browser()
    return build_tiny_workspace(tmp_path_factory.mktemp("export-browser") / "tiny.duckdb")


def test_fiche_workbook_and_batch_zip_download(tiny_db):
    with app_server(tiny_db) as url, chromium_page() as page:
        page.goto(f"{url}/fiche?quartier=QNX0101M")
        wait_for_app(page)
        with page.expect_download(timeout=30_000) as info:
            page.get_by_role("button", name="Télécharger la fiche (Excel)").click()
        download = info.value
        assert download.suggested_filename.startswith("fiche_les-tilleuls-QNX0101M_")
        data = Path(download.path()).read_bytes()
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb["Synthèse"]["A1"].value == "Fiche quartier — Les Tilleuls (QNX0101M)"

        page.get_by_text("Texte pour un dossier").click()
        code = page.locator("[data-testid='stCode']").first.inner_text()
        assert "vivent sous le seuil de pauvreté" in code and "Filosofi 2021" in code
        assert page_problems(page) == []

        page.goto(f"{url}/exporter?quartier=QNX0101M")
        wait_for_app(page)
        page.get_by_text("Tous les quartiers").click()
        wait_for_app(page)
        page.get_by_role("button", name="Préparer l'export").click()
        page.get_by_text("Export prêt").wait_for(timeout=30_000)
        with page.expect_download(timeout=30_000) as info:
            page.get_by_role("button", name="Télécharger fiches_tous-les-quartiers").click()
        with zipfile.ZipFile(info.value.path()) as zf:
            assert len([n for n in zf.namelist() if n.endswith(".xlsx")]) == 3
        assert page_problems(page) == []
        page.screenshot(path=str(Path(tiny_db).parent / "exporter.png"), full_page=True)
