"""Real browser: a 2024 quartier's fiche shows its 2015 predecessor's figures with the perimeter note, and
a new quartier's empty fiche says which file would fill it (workspace written by code, official layouts)."""

import pytest

from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.linked_fixtures import build_linked_db

pytestmark = pytest.mark.browser


def _main_text(page) -> str:
    return " ".join(page.locator("[data-testid='stMain']").inner_text().replace("\u202f", " ")
                    .replace("\u00a0", " ").split())


def test_a_2024_fiche_shows_figures_and_the_perimeter_note(tmp_path):
    require_browser()
    path = build_linked_db(tmp_path / "relies.duckdb", with_2024=False)
    with app_server(path) as url, chromium_page() as page:
        page.goto(f"{url}/fiche?quartier=QN04413M")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text().strip() == "Malakoff"
        page.get_by_text("Taux de pauvreté").first.wait_for()
        text = _main_text(page)
        assert "Périmètre modifié en 2024 : série du quartier 2015 QP044013 jusqu'en 2022." in text
        assert "Population : 3 486 habitants (2013, quartier 2015 QP044013)" in text
        value = page.locator("table.dq-fiche tr", has_text="Taux de pauvreté").locator("td.value")
        assert " ".join(value.inner_text().replace("\u00a0", " ").split()) == "47,3 % 2018 · quartier 2015 QP044013"
        assert page_problems(page) == [] and page.outside_requests == []
        page.goto(f"{url}/fiche?quartier=QN04914N")
        wait_for_app(page)
        page.get_by_text("Pas de chiffre pour ce quartier").first.wait_for()
        assert "insee.fr/fr/statistiques/8186144" in _main_text(page)
        assert page_problems(page) == []
