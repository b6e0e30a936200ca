"""Real-browser tests: Debian's Chromium against the app started on 127.0.0.1."""

from pathlib import Path

import pytest

from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.factories import build_tiny_workspace

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PAGE_URLS = ["/"] + sorted(f"/{p.stem}" for p in (ROOT / "pages").glob("*.py") if p.stem != "accueil")


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    require_browser()
    return build_tiny_workspace(tmp_path_factory.mktemp("browser") / "tiny.duckdb")


@pytest.mark.parametrize("path", PAGE_URLS)
def test_deep_link_as_first_request_after_start(tiny_db, path):
    """`st.navigation` next to a `pages/` folder breaks exactly this unless app.py takes over."""
    with app_server(tiny_db) as url, chromium_page() as page:
        page.goto(f"{url}{path}?quartier=QNX0102I")
        wait_for_app(page)
        # Under load the hand-over rerun through app.py can start after a first quiet moment: wait for
        # its navigation (without the guard it never comes, and this times out).
        page.locator("[data-testid='stSidebarNav']").get_by_text("Fiche quartier").wait_for(timeout=20_000)
        wait_for_app(page)
        assert page_problems(page) == []
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Fiche quartier" in nav and "app" not in nav.split()
        assert "Le Plateau" in page.locator(".st-key-quartier input").input_value()
        assert "quartier=QNX0102I" in page.url
        if path == "/fiche":
            assert page.locator("h1").first.inner_text().strip() == "Le Plateau"
        assert page.outside_requests == []


def test_fiche_shows_the_quartier_and_a_known_figure_then_follows_the_choice(tiny_db):
    with app_server(tiny_db) as url, chromium_page() as page:
        page.goto(f"{url}/fiche?quartier=QNX0101M")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text().strip() == "Les Tilleuls"
        page.get_by_text("46,0\u00a0%").first.wait_for()   # st.html blocks may render after the run ends
        assert page.get_by_text("46,0\u00a0%").count() >= 1
        assert page.get_by_text("Données fictives de démonstration").count() == 1
        page.locator(".st-key-quartier input").click()
        page.keyboard.press("Control+A")
        page.keyboard.type("Plateau")
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('h1') && "
                               "document.querySelector('h1').innerText.includes('Le Plateau')")
        wait_for_app(page)
        assert "quartier=QNX0102I" in page.url
        assert page_problems(page) == []
