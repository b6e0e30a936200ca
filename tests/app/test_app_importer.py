"""The Importer page through app.py (AppTest): upload, preview, errors, check, confirm, undo."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dq_core.store import db
from tests.energy_file_fixtures import residence_rows, residences_csv
from tests.factories import build_tiny_workspace
from tests.import_files import HEADER, csv_bytes

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/importer.py"


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    path = build_tiny_workspace(tmp_path / "app.duckdb", demo=False)
    monkeypatch.setenv("DQ_DB", str(path))
    return path


def open_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="import_files").set_value([(name, content, "text/csv")])
    at.run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest, column: str):
    """The dataframe shown with this column (AppTest does not expose dataframe keys)."""
    for element in [*at.dataframe, *at.table]:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with column {column!r}")


def stored_value(path, territory, indicator, period):
    st.cache_resource.clear()
    con = db.connect(path)
    rows = con.execute("SELECT value, is_secret FROM observation WHERE territory = ? AND indicator = ? "
                       "AND period = ?", [territory, indicator, period]).fetchall()
    con.close()
    return rows[0] if rows else None


def test_page_shows_format_rules_template_and_empty_history(workspace):
    at = open_page()
    assert at.title[0].value == "Importer des données"
    text = " ".join(m.value for m in at.markdown)
    assert "code_territoire" in text and "Secret statistique" in text
    assert [b.key for b in at.get("download_button")] == ["template_csv", "template_xlsx", "residence_template_csv",
                                                          "residence_template_xlsx"]
    assert any("Aucun import" in i.value for i in at.info)


def test_a_residence_file_is_imported_without_a_column_mapping(workspace):
    at = open_page()
    upload(at, "releves.csv", residences_csv(*residence_rows("R1")))
    assert not at.exception, at.exception
    assert at.subheader[0].value == "Consommation d'énergie par résidence"
    assert not [s for s in at.selectbox if s.key == "import_layout"]
    at.button(key="residence_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Import n°" in s.value and "1 résidence" in s.value for s in at.success), [s.value for s in at.success]
    con = db.connect(workspace)
    assert con.execute("SELECT count(*) FROM energy_use WHERE residence = 'R1'").fetchone()[0] == 12
    con.close()


def test_upload_check_then_import_then_undo(workspace):
    at = open_page()
    content = csv_bytes(HEADER, "QNX0101M;pop_totale;2024;3 200", "QNX0103N;pop_totale;2024;7")
    upload(at, "bailleur.csv", content)
    raw_preview = table(at, "indicateur")
    assert list(raw_preview.columns) == ["code_territoire", "indicateur", "periode", "valeur"]
    assert at.selectbox(key="import_layout").value == "long"

    at.button(key="import_check").click().run()
    assert not at.exception, at.exception
    assert any("Fichier valide" in s.value for s in at.success)
    preview = table(at, "Valeur")
    assert list(preview["Valeur"]) == ["3\u202f200", "s"]
    assert stored_value(workspace, "QNX0101M", "pop_totale", "2024") is None      # nothing stored yet

    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Import n° 2 enregistré" in s.value for s in at.success)
    history = table(at, "Fichier")
    assert list(history["Fichier"]) == ["bailleur.csv"] and list(history["État"]) == ["importé"]
    assert list(history["N°"]) == [2]                           # the number the success message gives
    assert stored_value(workspace, "QNX0101M", "pop_totale", "2024") == (3200, False)

    at.selectbox(key="undo_choice").select(2).run()
    at.button(key="undo_button").click().run()
    assert not at.exception, at.exception
    assert any("annulé" in s.value for s in at.success)
    assert list(table(at, "Fichier")["État"]) == ["annulé"]
    assert stored_value(workspace, "QNX0101M", "pop_totale", "2024") is None


def test_errors_are_all_listed_with_line_column_and_value(workspace):
    at = open_page()
    upload(at, "erreurs.csv", csv_bytes(HEADER, "QNX0109M;pop_totale;2024;3 200", "QNX0101M;pop_totale;2024;douze",
                                        "QNX0101M;taux_pauvrete;2024;**gras** <b>x</b>"))
    at.button(key="import_check").click().run()
    assert not at.exception
    assert any("Fichier refusé" in e.value for e in at.error)
    problems = table(at, "Valeur trouvée")
    assert "QNX0109M" in set(problems["Valeur trouvée"]) and "douze" in set(problems["Valeur trouvée"])
    assert "**gras** <b>x</b>" in set(problems["Valeur trouvée"])         # shown as text, as found
    assert set(problems["Où"]) >= {"ligne 2", "ligne 3", "ligne 4"}
    assert "code de territoire inconnu dans cette base. Codes proches : QNX0101M (Les Tilleuls), QNX0103N (Petit Quartier), QNX0102I (Le Plateau)." in set(problems["Problème"])


def test_conflicts_wait_for_an_explicit_choice(workspace):
    at = open_page()
    upload(at, "conflit.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2021;9 999"))
    at.button(key="import_confirm").click().run()
    assert any("choisissez de les remplacer ou de garder" in w.value for w in at.warning)
    assert stored_value(workspace, "QNX0101M", "pop_totale", "2021") == (3050, False)
    at.radio(key="import_mode").set_value("Remplacer par celles du fichier").run()
    at.button(key="import_confirm").click().run()
    # Before: « 1 valeur ajoutée, 1 remplacée » for the one value replaced.
    (verdict,) = [s.value for s in at.success if "enregistré" in s.value]
    assert "1 valeur remplacée" in verdict and "ajoutée" not in verdict, verdict
    assert stored_value(workspace, "QNX0101M", "pop_totale", "2021") == (9999, False)


def test_a_binary_file_is_refused_on_the_page(workspace):
    at = open_page()
    upload(at, "photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert any("Fichier refusé" in e.value for e in at.error)
    assert any("image" in message for message in table(at, "Problème")["Problème"])


def add_partner(path, name: str) -> None:
    """A known partner (AppTest cannot type a new option into a selectbox)."""
    from dq_core.files import set_partner_threshold

    con = db.connect(path)
    set_partner_threshold(con.cursor(), name, None)
    con.close()


def test_the_assistant_maps_a_partner_layout_and_remembers_it(workspace):
    add_partner(workspace, "Bailleur Exemple")
    at = open_page()
    at.selectbox(key="import_partner").set_value("Bailleur Exemple").run()
    content = csv_bytes("Quartier;Logements suivis", "QNX0101M;1 250", "QNX0102I;980")
    upload(at, "patrimoine.csv", content)
    at.selectbox(key="import_layout").select("wide_indicator").run()
    at.selectbox(key="import_role_wide_indicator_territory").select("Quartier").run()
    at.selectbox(key="import_value_wide_indicator_Logements suivis").select("demandeurs_emploi_abc").run()
    at.text_input(key="import_fixed_period").input("2024").run()
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert any("2 valeurs ajoutées" in s.value for s in at.success), [e.value for e in at.error]
    assert stored_value(workspace, "QNX0102I", "demandeurs_emploi_abc", "2024") == (980, False)
    # Next time, the same partner's file is recognised.
    at = open_page()
    at.selectbox(key="import_partner").set_value("Bailleur Exemple").run()
    upload(at, "patrimoine-2025.csv", csv_bytes("Quartier;Logements suivis", "QNX0101M;1 260"))
    assert at.selectbox(key="import_layout").value == "wide_indicator"
    assert "mémorisée" in " ".join(c.value for c in at.caption)


def test_partner_threshold_is_configurable_on_the_page(workspace):
    add_partner(workspace, "Asso")
    at = open_page()
    at.selectbox(key="import_partner").set_value("Asso").run()
    at.number_input(key="partner_threshold").set_value(5).run()
    at.button(key="partner_threshold_save").click().run()
    assert not at.exception
    upload(at, "petits.csv", csv_bytes(HEADER, "QNX0103N;pop_totale;2024;7"))
    at.button(key="import_confirm").click().run()
    assert stored_value(workspace, "QNX0103N", "pop_totale", "2024") == (7, False)
