"""Every page of the demo in Chromium, with its menus opened: no English word reaches the user."""

from pathlib import Path

import pytest

from tests.browser.english import COLLECT_JS, english_in
from tests.browser.harness import app_server, chromium_page, page_problems, require_browser, wait_for_app
from tests.factories import build_tiny_workspace

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "accueil")


def _english(page, where: str, found: dict) -> None:
    for word, texts in english_in(page.evaluate(COLLECT_JS)).items():
        found.setdefault(f"{where} · {word}", texts[:2])


def _choose_two_matches_with_enter(page, found: dict) -> None:
    """Évolution: a text matching two quartiers, then Enter, adds the first one only."""
    others = page.locator(".st-key-evo_quartiers input")
    others.click()
    page.keyboard.type("Bourg-Test")
    page.locator("[role='option']").nth(1).wait_for()
    _english(page, "evolution (liste ouverte)", found)
    options = page.locator("[role='option']").all_inner_texts()
    assert len(options) == 2 and all("Bourg-Test" in o for o in options), options
    page.keyboard.press("Enter")
    wait_for_app(page)
    chosen = page.locator(".st-key-evo_quartiers [data-testid='stMultiSelectTagsContainer']").inner_text()
    first, second = (o.split(" — ")[0] for o in options)
    assert first in chosen and second not in chosen, (chosen, options)


def _choose_a_file_and_type_a_new_partner(page, upload: Path, found: dict) -> None:
    assert page.get_by_text("Parcourir…").count() >= 1 and page.get_by_text("Mo par fichier").count() >= 1
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(upload))
    page.get_by_text("valeurs.csv").first.wait_for()
    wait_for_app(page)
    page.get_by_role("combobox", name="Partenaire (facultatif)").click()
    page.keyboard.type("Mission locale du Val")
    page.get_by_text("Mission locale du Val").first.wait_for()
    _english(page, "importer (nouveau partenaire)", found)
    page.keyboard.press("Escape")


def test_every_page_and_its_menus_speak_french(tmp_path):
    require_browser()
    db = build_tiny_workspace(tmp_path / "essai.duckdb")
    upload = tmp_path / "valeurs.csv"
    upload.write_text("code_territoire;indicateur;periode;valeur\nQNX0101M;pop_totale;2022;3100\n", encoding="utf-8")
    found: dict[str, list[str]] = {}
    with app_server(db) as url, chromium_page() as page:
        page.goto(f"{url}/?quartier=QNX0101M")
        wait_for_app(page)
        for path in ["accueil", *PAGES]:
            if path != "accueil":      # through the menu, as a person does (one session, no reload)
                page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").click()
                page.wait_for_url(f"**/{path}*")
                wait_for_app(page)
            assert page_problems(page) == [], path
            tables = page.locator("[data-testid='stDataFrame']")
            if tables.count():
                tables.first.hover()                           # its toolbar
            if path == "evolution":
                _choose_two_matches_with_enter(page, found)
            if path == "importer":
                _choose_a_file_and_type_a_new_partner(page, upload, found)
            _english(page, path, found)
        assert page.outside_requests == []
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
