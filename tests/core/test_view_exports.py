"""Exports of the Évolution and Comparer views: the workbooks and CSV read back, and the pages'
download buttons (AppTest)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from streamlit.testing.v1 import AppTest

from dq_core.explore import compare
from dq_core.explore.evolution import build_evolution
from dq_core.explore.groups import create_group
from dq_core.export import views as view_export
from dq_core.store import db
from tests.apptest import open_app

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 3, 12)
INJECTION = '=HYPERLINK("http://exemple.invalid","clic")'


@pytest.fixture
def cur(tiny_db):
    con = db.connect(tiny_db)
    cursor = con.cursor()
    # A name from the data that a spreadsheet would read as a formula.
    cursor.execute("UPDATE territory SET name = ? WHERE code = 'QNX0102I'", [INJECTION])
    yield cursor
    con.close()


def book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def cells(ws, ref: str) -> list:
    min_col, min_row, max_col, max_row = range_boundaries(ref.split("!")[1].replace("$", ""))
    return [ws.cell(r, c).value for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def header(ws) -> list:
    return [c.value for c in ws[4] if c.value is not None]


def column(ws, name: str) -> int:
    return header(ws).index(name) + 1


def row_of(ws, text: str, col: int = 1) -> int:
    return next(r for r in range(5, ws.max_row + 1) if ws.cell(r, col).value == text)


def assert_no_formula(data: bytes) -> None:
    wb = book(data)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", zf.read(name)), name


def csv_lines(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    import csv
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --- Évolution ------------------------------------------------------------------------------------

def test_evolution_workbook_one_sheet_per_indicator_with_its_line_chart(cur):
    evo = build_evolution(cur, ["taux_pauvrete", "pop_totale"], ["QNX0101M", "QNX0103N"], ["commune"])
    export = view_export.evolution_export(evo, demo=True)
    data = export.xlsx(exported_on=DAY)
    assert_no_formula(data)
    wb = book(data)
    assert wb.sheetnames == ["Taux de pauvreté (seuil à 60 %)", "Population municipale"]
    ws = wb["Taux de pauvreté (seuil à 60 %)"]
    assert ws["A1"].value == "Taux de pauvreté (seuil à 60 %) (%)"
    assert ws["A3"].value.startswith("Données fictives")
    assert header(ws) == ["Période", "Les Tilleuls", "Petit Quartier", "Commune : Villeneuve-Test",
                          "Commune : Bourg-Test", "Remarques"]
    r2021 = row_of(ws, "2021")
    assert ws.cell(r2021, 2).value == pytest.approx(0.46) and ws.cell(r2021, 2).number_format == "0.0%"
    assert ws.cell(r2021, 3).value == "s"                               # secret stays "s"
    assert ws.cell(r2021, 4).value == pytest.approx(0.189)
    lines = [ws.cell(r, 1).value for r in range(r2021 + 1, ws.max_row + 1)]
    assert "Source : Insee – DGFiP, Filosofi." in lines
    chart = ws._charts[0]
    assert chart.tagname == "lineChart"
    refs = [(s.tx.v, s.val.numRef.f, (s.cat.strRef or s.cat.numRef).f) for s in chart.series]
    # Petit Quartier (only a secret cell) and Bourg-Test (no value) are not drawn; names are literal text.
    assert [name for name, _, _ in refs] == ["Les Tilleuls", "Commune : Villeneuve-Test"]
    assert cells(ws, refs[0][2]) == ["2016", "2017", "2018", "2019", "2020", "2021"]
    assert cells(ws, refs[0][1])[-1] == pytest.approx(0.46)
    assert all(not isinstance(v, str) for _, ref, _ in refs for v in cells(ws, ref))   # never plots "s"
    pop = wb["Population municipale"]
    assert pop.cell(row_of(pop, "2021"), 2).value == 3050 and pop.cell(row_of(pop, "2021"), 2).number_format == "#,##0"


def test_evolution_csv_stacks_the_indicators_with_decimal_comma(cur):
    evo = build_evolution(cur, ["taux_pauvrete", "pop_totale"], ["QNX0101M", "QNX0103N"], ["commune"])
    rows = csv_lines(view_export.evolution_export(evo).csv())
    assert rows[0] == ["Indicateur", "Unité", "Période", "Les Tilleuls", "Petit Quartier",
                       "Commune : Villeneuve-Test", "Commune : Bourg-Test", "Remarques"]
    poverty_2021 = next(r for r in rows if r[0].startswith("Taux") and r[2] == "2021")
    assert poverty_2021[1] == "%" and poverty_2021[3] == "46" and poverty_2021[4] == "s"
    assert poverty_2021[5] == "18,9"
    assert next(r for r in rows if r[0].startswith("Taux") and r[2] == "2017")[3] == "41"
    assert next(r for r in rows if r[0] == "Population municipale" and r[2] == "2021")[3] == "3050"


def test_evolution_base100_and_groups_and_injection(cur):
    group = create_group(cur, "Contrat de ville", ["QNX0101M", "QNX0102I"])
    evo = build_evolution(cur, ["taux_pauvrete"], ["QNX0101M", "QNX0102I"], [], [group.code], base100=True)
    data = view_export.evolution_export(evo).xlsx(exported_on=DAY)
    assert_no_formula(data)
    ws = book(data).active
    assert INJECTION in header(ws) and "Groupe : Contrat de ville" in header(ws)
    assert ws.cell(row_of(ws, "2016"), 2).value == pytest.approx(100.0)
    assert ws.cell(row_of(ws, "2016"), 2).number_format == "#,##0.0"         # an index, not a percentage
    notes = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert any(isinstance(n, str) and n.startswith("Base 100 : chaque série vaut 100 en 2016") for n in notes)
    rows = csv_lines(view_export.evolution_export(evo).csv())
    assert "'" + INJECTION in rows[0]                          # a formula-like header is made text
    assert rows[1][1] == "indice base 100 en 2016"


def test_file_names_say_view_quartier_day_and_demo():
    assert view_export.filename("evolution", "Les Tilleuls", "QNX0101M", "xlsx", exported_on=DAY) == \
        "evolution_les-tilleuls-QNX0101M_2026-03-12.xlsx"
    assert view_export.filename("comparaison", "Cité « Nord »", "QN/1", "csv", demo=True, exported_on=DAY) == \
        "comparaison_cite-nord-QN1_2026-03-12_donnees-fictives.csv"


# --- Comparer -------------------------------------------------------------------------------------

def test_comparison_workbook_bar_chart_and_csv(cur):
    comparison = compare.build_comparison(cur, ["taux_pauvrete", "pop_totale"], compare.Filters(), "QNX0101M")
    export = view_export.comparison_export(comparison, "toutes géographies", demo=False)
    data = export.xlsx(exported_on=DAY)
    assert_no_formula(data)
    ws = book(data)["Quartiers"]
    assert ws["A3"].value is None                                   # not the demo banner
    poverty = "Taux de pauvreté (seuil à 60 %) (2021, %)"
    assert header(ws)[:5] == ["Quartier", "Code", "Commune", "EPCI", "Département"] and poverty in header(ws)
    col = column(ws, poverty)
    assert ws.cell(row_of(ws, "QNX0101M", 2), col).value == pytest.approx(0.46)
    assert ws.cell(row_of(ws, "QNX0103N", 2), col).value == "s"
    injected = ws.cell(row_of(ws, "QNX0102I", 2), 1)
    assert injected.value == INJECTION and injected.quotePrefix
    chart = ws._charts[0]
    assert chart.tagname == "barChart"
    series = chart.series[0]
    assert series.tx.v == poverty                                    # literal text, not a reference
    assert cells(ws, series.cat.strRef.f)[:3] == [ws.cell(5, 1).value, ws.cell(6, 1).value, ws.cell(7, 1).value]
    assert not any(isinstance(v, str) for v in cells(ws, series.val.numRef.f))
    lines = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "Quartiers retenus : toutes géographies." in lines
    assert any(isinstance(v, str) and v.startswith("Source (Taux de pauvreté") for v in lines)
    rows = csv_lines(export.csv())
    own = next(r for r in rows if r[1] == "QNX0101M")
    assert own[rows[0].index(poverty)] == "46,0"
    assert next(r for r in rows if r[1] == "QNX0103N")[rows[0].index(poverty)] == "s"
    assert next(r for r in rows if r[1] == "QNX0102I")[0] == "'" + INJECTION


def test_comparison_of_many_quartiers_has_no_chart(compare_db):
    con = db.connect(compare_db)
    try:
        cursor = con.cursor()
        comparison = compare.build_comparison(cursor, ["taux_pauvrete"], compare.Filters(), "QC03")
        original = view_export.MAX_BAR_ROWS
        view_export.MAX_BAR_ROWS = 5
        try:
            ws = book(view_export.comparison_export(comparison).xlsx()).active
        finally:
            view_export.MAX_BAR_ROWS = original
        assert not ws._charts
        assert any(isinstance(c.value, str) and c.value.startswith("Pas de graphique") for c in ws["A"])
        similarity = compare.similar_quartiers(cursor, "QC03", None, 3)
        export = view_export.similarity_export(similarity, "Les Jumeaux A", demo=True)
        data = export.xlsx(exported_on=DAY)
        assert_no_formula(data)
        ws = book(data)["Quartiers similaires"]
        assert ws["A1"].value == "Quartiers similaires aux Jumeaux A (QC03)"
        assert ws["A3"].value.startswith("Données fictives")
        assert header(ws)[:4] == ["Quartier", "Code", "Commune", "Écart moyen (écarts-types)"]
        assert ws["B5"].value.startswith("QC") and isinstance(ws["D5"].value, float)
        assert len(csv_lines(export.csv())) == 1 + 3
    finally:
        con.close()


# --- the pages (AppTest) ----------------------------------------------------------------------------

def _open(tiny_db, monkeypatch, page: str, **params) -> AppTest:
    monkeypatch.setenv("DQ_DB", str(tiny_db))
    at = open_app(f"pages/{page}.py", **params)
    assert not at.exception, at.exception
    return at


def _buttons(at: AppTest) -> list:
    return at.get("download_button")


def test_evolution_page_has_the_two_download_buttons(tiny_db, monkeypatch):
    at = _open(tiny_db, monkeypatch, "evolution", quartier="QNX0101M", indicateurs="taux_pauvrete")
    assert not at.error
    buttons = _buttons(at)
    assert [b.proto.label for b in buttons] == ["Télécharger (Excel)", "Télécharger (CSV)"]
    assert all(b.proto.deferred_file_id and b.proto.ignore_rerun for b in buttons)   # built on click


def test_comparer_page_has_download_buttons_for_both_tables(tiny_db, monkeypatch):
    at = _open(tiny_db, monkeypatch, "comparer", quartier="QNX0101M")
    assert not at.error
    labels = [b.proto.label for b in _buttons(at)]
    assert labels[:2] == ["Télécharger (Excel)", "Télécharger (CSV)"]
    assert labels.count("Télécharger (Excel)") == 2               # the table, and the similar quartiers


def test_no_buttons_without_an_indicator(tiny_db, monkeypatch):
    at = _open(tiny_db, monkeypatch, "evolution", quartier="QNX0101M", indicateurs="")
    assert not _buttons(at)
