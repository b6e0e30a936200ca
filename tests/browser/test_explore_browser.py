"""Real-browser tests of the Carte and Évolution pages, with every address but 127.0.0.1 blocked."""

import math

import pytest

from dq_core.explore import maps
from dq_core.store import db
from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.compare_factory import build_compare_workspace
from tests.factories import build_tiny_workspace

pytestmark = pytest.mark.browser
DECK = "[data-testid='stDeckGlJsonChart']"


@pytest.fixture(scope="module")
def compare_db(tmp_path_factory):
    require_browser()
    return build_compare_workspace(tmp_path_factory.mktemp("browser-map") / "compare.duckdb")


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    require_browser()
    return build_tiny_workspace(tmp_path_factory.mktemp("browser-evo") / "tiny.duckdb")


def _pixel(box: dict, view: dict, lon: float, lat: float) -> tuple[float, float]:
    """Where a point lands on the deck canvas (Web Mercator, 512 px world at zoom 0)."""
    scale = 512 * 2 ** view["zoom"]

    def merc(y):
        return math.log(math.tan(math.pi / 4 + math.radians(y) / 2))

    x = box["x"] + box["width"] / 2 + (lon - view["longitude"]) * scale / 360
    y = box["y"] + box["height"] / 2 - (merc(lat) - merc(view["latitude"])) * scale / (2 * math.pi)
    return x, y


def _centre_of(db_path, code: str) -> tuple[float, float]:
    con = db.connect(db_path)
    try:
        bounds = maps.load_geometries(con.cursor(), "quartier").bounds
        choro_bounds = maps.build_choropleth(con.cursor(), "taux_pauvrete", vintage=2024).bounds
    finally:
        con.close()
    west, south, east, north = bounds[code]
    return (west + east) / 2, (south + north) / 2, maps.view_for(choro_bounds)


def test_the_map_draws_offline_shows_a_tooltip_and_a_click_selects_the_quartier(compare_db):
    lon, lat, view = _centre_of(compare_db, "QC07")
    with app_server(compare_db) as url, chromium_page() as page:
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{url}/carte?quartier=QC03")
        wait_for_app(page)
        page.wait_for_selector(f"{DECK} canvas", timeout=30_000)
        page.wait_for_timeout(1500)                            # let deck.gl draw its first frame
        assert page_problems(page) == []
        assert page.outside_requests == []                     # no basemap, no font, no tile: nothing
        assert not [e for e in errors if "deck" in e.lower() or "webgl" in e.lower()]
        # Something was drawn: the quartiers' colours are on the canvas.
        shot = page.locator(DECK).screenshot()
        assert _distinct_colours(shot) >= 5

        box = page.locator(DECK).bounding_box()
        x, y = _pixel(box, view, lon, lat)
        page.mouse.move(x, y)
        tooltip = page.locator(".deck-tooltip")
        tooltip.wait_for(state="visible", timeout=10_000)
        assert "Les Jumeaux B" in tooltip.inner_text() and "Epsilon" in tooltip.inner_text()
        assert "%" in tooltip.inner_text() and "2021" in tooltip.inner_text()

        page.mouse.click(x, y)
        page.wait_for_function("location.search.includes('quartier=QC07')", timeout=20_000)
        wait_for_app(page)
        assert "Les Jumeaux B" in page.locator(".st-key-quartier input").input_value()
        assert page.get_by_text("Ouvrir la fiche des Jumeaux B").count() == 1
        assert page_problems(page) == []
        assert page.outside_requests == []


def _distinct_colours(png: bytes) -> int:
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("RGB").resize((200, 160))
    return len({c for n, c in image.getcolors(200 * 160) if n >= 20})


def test_a_deep_link_to_evolution_with_two_quartiers_shows_both_lines(tiny_db):
    path = "/evolution?quartier=QNX0101M&quartiers=QNX0102I&indicateurs=taux_pauvrete"
    with app_server(tiny_db) as url, chromium_page() as page:
        page.goto(url + path)
        wait_for_app(page)
        chart = page.locator("[data-testid='stVegaLiteChart'] svg").first
        chart.wait_for(timeout=30_000)
        assert page_problems(page) == []
        legend = " ".join(chart.locator("g.role-legend text").evaluate_all("els => els.map(e => e.textContent)"))
        assert "Les Tilleuls" in legend and "Le Plateau" in legend
        strokes = {path.get_attribute("stroke")
                   for path in chart.locator("g.mark-line path").all()}
        assert len(strokes - {None, "none", "transparent"}) >= 2   # one line per quartier, two colours
        assert "46,0" in page.locator("table.dq-data").first.inner_text()
        assert "quartiers=QNX0102I" in page.url
        assert page.outside_requests == []
