"""The page « Énergie » in Chromium: its consumption chart draws the quartier and the residence in alert,
measured (dashed) and climate-corrected (solid), redraws when only the corrected figures are asked, and
the whole page speaks French."""

import pytest

from tests.browser.english import COLLECT_JS, english_in
from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.energy_page_fixtures import QUARTIER, build_energy_workspace

pytestmark = pytest.mark.browser
CHART = "[data-testid='stVegaLiteChart'] svg"


@pytest.fixture(scope="module")
def energy_db(tmp_path_factory):
    require_browser()
    return build_energy_workspace(tmp_path_factory.mktemp("browser-energy") / "energie.duckdb")


SOLID = ("", "1,0")            # Vega writes a solid line's dash [1, 0] as « 1,0 »


def _lines(chart) -> list[tuple[str, bool]]:
    """(colour, dashed) of every line drawn."""
    return [(p.get_attribute("stroke"), (p.get_attribute("stroke-dasharray") or "") not in SOLID)
            for p in chart.locator("g.mark-line path").all()]


def test_the_chart_draws_measured_and_corrected_lines_offline(energy_db):
    with app_server(energy_db) as url, chromium_page() as page:
        page.goto(f"{url}/energie?quartier={QUARTIER}")
        wait_for_app(page)
        chart = page.locator(CHART).first
        chart.wait_for(timeout=30_000)
        assert page_problems(page) == []
        legend = " ".join(chart.locator("g.role-legend text").evaluate_all("els => els.map(e => e.textContent)"))
        for word in ("Les Tilleuls", "Résidence du Parc", "corrigée du climat", "mesurée"):
            assert word in legend
        lines = _lines(chart)
        colours = {colour for colour, _ in lines} - {None, "none", "transparent"}
        assert len(colours) == 2 and len(lines) == 4          # two series × (measured, corrected)
        assert sum(1 for _, dashed in lines if dashed) == 2         # the measured ones dashed
        assert "kWh par logement" in chart.inner_html()         # French axis title
        assert "janv." in chart.inner_html()                    # French months on the time axis

        page.locator(".st-key-energie_mesure").get_by_text("corrigée", exact=True).click()
        page.wait_for_function("document.querySelector(\"[data-testid='stVegaLiteChart']\")"
                               ".querySelectorAll('g.mark-line path').length === 2", timeout=20_000)
        wait_for_app(page)
        assert not any(dashed for _, dashed in _lines(page.locator(CHART).first))
        assert page_problems(page) == []
        assert english_in(page.evaluate(COLLECT_JS)) == {}
        assert page.outside_requests == []
