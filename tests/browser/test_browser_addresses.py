"""Real-browser use of the page « Adresses »: a list of addresses dropped in Chromium gives counts per
quartier, and nothing of the list reaches the workspace."""

import os
from pathlib import Path

import pytest

from dq_core.addresses.index import index_files
from dq_core.files.read.source import FileSource
from dq_core.store import db
from tests.addresses_fixtures import MESSY, ban_gz
from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.factories import build_tiny_workspace

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DQ_SCREENSHOTS")


def test_a_list_of_addresses_is_counted_per_quartier_in_chromium(tmp_path):
    require_browser()
    path = build_tiny_workspace(tmp_path / "browser.duckdb", demo=False)
    con = db.connect(path)
    index_files(con.cursor(), [FileSource.from_bytes("adresses-99.csv.gz", ban_gz())])
    con.close()
    upload = tmp_path / "beneficiaires.csv"
    upload.write_text("nom;adresse\n" + "\n".join(f"Personne {i};{m[0]}" for i, m in enumerate(MESSY)),
                      encoding="utf-8")
    with app_server(path) as url, chromium_page() as page:
        page.goto(f"{url}/adresses")
        wait_for_app(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").last.set_input_files(str(upload))
        page.get_by_text("Par quartier").wait_for(timeout=30_000)
        wait_for_app(page)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / "adresses.png"), full_page=True)
        page.get_by_test_id("stMetricValue").nth(2).wait_for(timeout=30_000)
        values = [" ".join(t.split()) for t in page.get_by_test_id("stMetricValue").all_inner_texts()]
        assert values == ["10", "8", "6 (75,0 %)"], values               # 6 of the 8 addresses located
        assert page_problems(page) == [] and page.outside_requests == []
    con = db.connect(path)
    dump = " ".join(str(v) for table in ("observation", "import_batch", "territory", "meta")
                    for row in con.execute(f"SELECT * FROM {table}").fetchall() for v in row)
    con.close()
    assert "Personne" not in dump and "beneficiaires" not in dump
