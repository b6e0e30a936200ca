"""The energy workbook (targeting list, alerts, price scenario, methods) and the French tables of the page
« Énergie », read back from a small energy workspace with a planted anomaly and a secret residence."""

from __future__ import annotations

import io
import shutil
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dq_core.energy import alerts, display, prices
from dq_core.energy.view import quartier_energy
from dq_core.export import energy_workbook
from dq_core.store import db
from tests.energy_page_fixtures import PLANTED, PLANTED_FROM, QUARTIER, build_energy_workspace

DAY = date(2026, 3, 12)
MERGED_NAMES = ("Les Trois Maisons", "Résidence des Lilas")      # 6 dwellings, and the one merged to protect it
INJECTION = '=HYPERLINK("http://exemple.invalid","clic")'


@pytest.fixture(scope="module")
def energy_template(tmp_path_factory):
    return build_energy_workspace(tmp_path_factory.mktemp("energy") / "energie.duckdb")


@pytest.fixture
def cur(energy_template, tmp_path):
    con = db.connect(shutil.copyfile(energy_template, tmp_path / "energie.duckdb"))
    yield con.cursor()
    con.close()


@pytest.fixture(scope="module")
def quartier_book(energy_template):
    """The workbook of Les Tilleuls with prices 20 % higher, and its quartier's alerts (read only)."""
    con = db.connect(energy_template)
    try:
        cursor = con.cursor()
        data = energy_workbook.energy_workbook(cursor, QUARTIER, 20, exported_on=DAY)
        return _book(data), quartier_energy(cursor, QUARTIER).alerts
    finally:
        con.close()


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws) -> list[dict]:
    """The table of a sheet (header on row 4) as dicts, up to its first empty row."""
    header = [c.value for c in ws[4]]
    out = []
    for r in range(5, ws.max_row + 1):
        values = [ws.cell(r, c + 1).value for c in range(len(header))]
        if values[0] is None:
            break
        out.append({h: v for h, v in zip(header, values, strict=True) if h})
    return out


def _all_text(book: openpyxl.Workbook) -> str:
    return " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                    if c.value is not None)


def test_the_quartier_workbook_ranks_the_planted_residence_first_with_its_reasons(quartier_book):
    book, _ = quartier_book
    assert book.sheetnames == ["Ciblage", "Alertes", "Scénario de prix", "Méthodes et sources"]
    ciblage = book["Ciblage"]
    assert ciblage["A1"].value == "Liste de ciblage — Les Tilleuls (QNX0101M)"
    assert ciblage["A3"].value.startswith("Données fictives de démonstration")
    rows = _rows(ciblage)
    assert [r["Résidence"] for r in rows] == ["Résidence du Parc", "Autres résidences"]
    first = rows[0]
    assert first["Rang"] == 1 and first["DPE"] == "F"
    assert "étiquette énergétique (DPE) F : 15 points" in first["Raisons"]
    assert "en hausse de" in first["Raisons"]          # the planted ×1.8 shows in the corrected change
    # Every figure beside its source: residences, degree days, the quartier's monthly figures.
    text = _all_text(book)
    for source in ("Source : Degrés-jours : Degrés-jours de test.", "Source : Enedis, Consommation mensuelle",
                   "Source : Consommations mensuelles : de janvier 2020 à décembre 2024.",
                   "Source : Revenus : Filosofi 2021", "Source : Correction climatique : degrés-jours de la zone"):
        assert source in text, source
    # Print-ready: A4, readable scale, the header row repeated on every page.
    for ws in book.worksheets:
        assert ws.page_setup.paperSize == 9 and (ws.page_setup.scale or 100) >= 85, ws.title
        assert ws.print_title_rows == "$4:$4", ws.title


def test_alerts_are_newest_first_and_carry_their_figures(quartier_book):
    book, found = quartier_book
    rows = _rows(book["Alertes"])
    assert [r["Mois"] for r in rows][:3] == ["décembre 2024", "novembre 2024", "octobre 2024"]
    assert {r["Nom"] for r in rows} == {"Résidence du Parc"}
    assert len(rows) == len(found)
    first = found[0]
    assert rows[0]["Corrigée du climat (kWh par logement)"] == pytest.approx(first.value, abs=0.5)
    assert rows[0]["Écart à la normale (%)"] == pytest.approx(first.change_pct, abs=0.5)
    assert rows[0]["Écart robuste z"] == pytest.approx(first.score, abs=0.05)


def test_no_residence_under_the_threshold_reaches_the_workbook(cur):
    for scope in (QUARTIER, None):
        text = _all_text(_book(energy_workbook.energy_workbook(cur, scope, exported_on=DAY)))
        for name in MERGED_NAMES:
            assert name not in text, (scope, name)
        assert "Autres résidences" in text
    assert "Consommations des résidences : de janvier 2020 à décembre 2024." in text     # all quartiers: years too


def test_the_scenario_sheet_holds_the_scenario_of_the_chosen_rise(quartier_book):
    ws = quartier_book[0]["Scénario de prix"]
    assert ws["A1"].value == "Scénario : prix de l'énergie en hausse de 20 % — Les Tilleuls (QNX0101M)"
    rows = {r["Nom"]: r for r in _rows(ws)}
    parc = rows["Résidence du Parc"]
    assert parc["Facture après la hausse (€ par an)"] == pytest.approx(1.2 * parc["Facture actuelle (€ par an)"], abs=1)
    assert parc["Logements franchissant 8 %"] >= 0
    assert parc["Logements franchissant 8 % (bas)"] <= parc["Logements franchissant 8 %"] <= \
        parc["Logements franchissant 8 % (haut)"]
    assert "Les Tilleuls" in rows                                # the quartier's own line
    assert parc["Revenus (Filosofi)"] == "2021"


def test_the_methods_sheet_states_every_rule(quartier_book):
    ws = quartier_book[0]["Méthodes et sources"]
    assert round(ws.column_dimensions["B"].width) == 59          # a readable column, printed on one page wide
    rows = _rows(ws)
    subjects = [r["Sujet"] for r in rows if r["Sujet"]]
    assert subjects == ["Correction climatique", "Règle des alertes", "Précarité énergétique", "Scénario de prix",
                        "Score de ciblage", "Secret statistique", "Prix de l'énergie"]
    text = " ".join(r["Explication"] for r in rows)
    assert "thermosensibilité" in text and "TEE_3D" in text and "jamais un compte de ménages" in text
    assert "moins de 10 logements" in text
    assert text.count("€ par kWh") == len(prices.DEFAULT_PRICES)     # one row per price, with its source


def test_text_from_the_data_is_never_a_formula(cur):
    cur.execute("UPDATE residence SET landlord = ? WHERE id = ?", [INJECTION, PLANTED])
    db.bump_data_version(cur)
    book = openpyxl.load_workbook(io.BytesIO(energy_workbook.energy_workbook(cur, QUARTIER, exported_on=DAY)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == INJECTION]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_persisting_anomaly_reads_once_with_its_duration(cur):
    runs = display.alert_runs(alerts.for_quartier(cur, QUARTIER))
    assert len(runs) == 1
    run = runs[0]
    assert run.latest.code == PLANTED and run.first == PLANTED_FROM and run.months == 3
    assert run.text.endswith("En alerte 3 mois depuis octobre 2024 (liste complète dans le classeur).")


def test_residence_table_shows_the_group_not_the_small_residences(cur):
    table = display.residence_table(quartier_energy(cur, QUARTIER))
    assert list(table["Résidence"]) == ["Résidence du Parc", "Autres résidences"]
    assert table.loc[1, "Logements"] == 36 and table.loc[0, "Alerte"] == "oui"


def test_the_edited_price_table_comes_back_as_prices():
    table = list(prices.DEFAULT_PRICES)
    frame = display.price_frame(table)
    frame.loc[len(frame)] = [None] * len(frame.columns)            # an empty row the editor added
    assert display.prices_from_frame(frame) == table
    frame.loc[0, "eur_per_kwh"] = 0.3
    assert display.prices_from_frame(frame)[0].eur_per_kwh == 0.3
    assert isinstance(frame, pd.DataFrame)


def test_file_name_says_scope_day_and_demo():
    assert energy_workbook.filename("Les Tilleuls-QNX0101M", demo=True, exported_on=DAY) == \
        "energie_les-tilleuls-qnx0101m_2026-03-12_donnees-fictives.xlsx"


def test_the_command_line_writes_the_same_workbook(energy_template, tmp_path, capsys):
    from dq_core.cli.main import main

    path = shutil.copyfile(energy_template, tmp_path / "energie.duckdb")
    out = tmp_path / "ciblage.xlsx"
    assert main(["energie-export", QUARTIER, "--hausse", "20", "--out", str(out), "--db", str(path)]) == 0
    assert "Classeur du quartier QNX0101M écrit" in capsys.readouterr().out
    book = _book(out.read_bytes())
    assert book.sheetnames == ["Ciblage", "Alertes", "Scénario de prix", "Méthodes et sources"]
    assert "hausse de 20 %" in book["Scénario de prix"]["A1"].value
    assert main(["energie-export", "--out", str(tmp_path / "x.csv"), "--db", str(path)]) == 1
    assert "fichier .xlsx" in capsys.readouterr().err
