"""Real browser: a workspace made of real official files shows real quartiers, figures and notices."""

import pytest

from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.store import db
from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.official_fixtures import QPV2024, REGIONAL, require_official

pytestmark = [pytest.mark.browser, pytest.mark.official]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    require_browser()
    require_official()
    path = tmp_path_factory.mktemp("real") / "reel.duckdb"
    con = db.connect(path)
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
        db.set_meta(cur, "workspace_name", "Bretagne et Pays de la Loire")
    files = [REGIONAL / "DEMO_2022_BRE_PDL.csv", REGIONAL / "REVN_2022_BRE_PDL.csv",
             QPV2024 / "qpv2024_bretagne_pdl_official_layout_DERIVED.geojson"]
    report = import_sources(cur, [FileSource(p.name, path=p) for p in files])
    assert len(report.imported) == 3
    con.close()
    return path


def test_real_fiche_and_2024_notice(real_db):
    with app_server(real_db) as url, chromium_page() as page:
        page.goto(f"{url}/fiche?quartier=QP044013")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text().strip() == "Malakoff"
        page.locator(".dq-head").first.wait_for()            # the header and tables are st.html blocks
        page.get_by_text("Taux de pauvreté").first.wait_for()
        text = " ".join(page.locator("[data-testid='stMain']").inner_text().replace("\u202f", " ")
                        .replace("\u00a0", " ").split())
        assert "Population : 3 486 habitants (2018)" in text and "47,3 %" in text
        assert page.get_by_text("Données fictives de démonstration").count() == 0
        assert page_problems(page) == []
        page.goto(f"{url}/fiche?quartier=QN04413M")
        wait_for_app(page)
        page.get_by_text("Périmètre modifié en 2024").first.wait_for()
        assert page.get_by_text("Périmètre modifié en 2024 : comparer avec prudence").count() == 1
        assert page_problems(page) == [] and page.outside_requests == []
