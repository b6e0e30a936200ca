"""A shared link laden with Markdown, in Chromium: shown as text, and no request leaves 127.0.0.1."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from tests.browser.harness import app_server, chromium_page, require_browser, wait_for_app
from tests.factories import build_tiny_workspace
from ui.render.text import WORD_JOINER

pytestmark = pytest.mark.browser
PHISHING = "[Session expirée : reconnectez-vous](http://evil.example/login) ![](http://evil.example/pixel.gif)"
DIRECTIVES = ":red[Alerte] :material/warning: $$x^2$$"
LIVE = ("a[href*='evil'], img[src*='evil'], .katex, "          # a link, an image, maths, an icon from text
        "[data-testid='stMarkdownContainer'] [data-testid='stIconMaterial']")


def test_a_markdown_laden_link_renders_as_text_and_nothing_leaves_the_machine(tmp_path):
    require_browser()
    db_path = build_tiny_workspace(tmp_path / "tiny.duckdb")
    with app_server(db_path) as url, chromium_page() as page:
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))

        page.goto(f"{url}/fiche?quartier={quote(PHISHING)}")
        wait_for_app(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("n'existe pas dans cette base", exact=False).wait_for(timeout=20_000)
        assert PHISHING.upper() in sidebar.inner_text().replace(WORD_JOINER, "")
        assert sidebar.locator("[data-testid='stAlert'] a, [data-testid='stAlert'] img").count() == 0
        assert page.locator(LIVE).count() == 0

        started = time.perf_counter()
        page.goto(f"{url}/evolution?quartier=QNX0101M&indicateurs={quote(DIRECTIVES)}")
        wait_for_app(page)
        usual = time.perf_counter() - started         # a page with a short link, on this machine now
        notice = page.locator("[data-testid='stAlert']").filter(has_text="dans le lien")
        notice.wait_for(timeout=20_000)
        assert DIRECTIVES in notice.inner_text().replace(WORD_JOINER, "")
        assert notice.locator(LIVE + ", span[style*='color']").count() == 0

        started = time.perf_counter()
        page.goto(f"{url}/fiche?quartier=QNX0102I&indicateurs={'x' * 30_000}")
        wait_for_app(page)
        page.get_by_text("Lien trop long", exact=False).wait_for(timeout=10_000)
        # Before, 30 000 characters took 35 s to draw on an idle machine; now as long as a usual page.
        assert time.perf_counter() - started < max(10, 2 * usual)
        assert page.locator("h1").first.inner_text().strip() == "Le Plateau"

        # 100 KB: before, the web server's English "Invalid HTTP request received." or a frozen page.
        page.goto(f"{url}/fiche?quartier=QNX0102I&indicateurs={'x' * 100_000}")
        wait_for_app(page)
        page.get_by_text("Lien trop long", exact=False).wait_for(timeout=10_000)
        assert "Invalid HTTP" not in page.content()
        assert page.locator("h1").first.inner_text().strip() == "Le Plateau"

        # A link to no page: Streamlit's own « Page not found » dialog, said in French.
        page.goto(f"{url}/fichee?quartier=QNX0101M")
        wait_for_app(page)
        page.get_by_text("Page introuvable", exact=True).wait_for(timeout=10_000)
        assert "voici l'accueil" in page.inner_text("body") and "Page not found" not in page.inner_text("body")

        assert page.outside_requests == []
        assert [r for r in requests if not r.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))] == []
