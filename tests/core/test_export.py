"""Excel and CSV exports, read back with openpyxl: sheets, numbers, secrecy, charts, safety."""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import column_index_from_string, range_boundaries

from dq_core import export
from dq_core.errors import DQError
from dq_core.explore.fiche import build_fiche
from dq_core.explore.texts import dossier_text
from dq_core.store import db, territories
from tests.factories import build_tiny_workspace

DAY = date(2026, 3, 12)
INJECTIONS = ['=HYPERLINK("http://exemple.invalid","clic")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
              "\tTab", "\rRetour"]


def workbook(data: bytes | Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)


def fiche_book(cur, code: str = "QNX0101M") -> openpyxl.Workbook:
    return workbook(export.fiche_workbook_bytes(cur, code, exported_on=DAY))


def row_of(ws, text: str, col: int = 2) -> int:
    """Row number (1-based) whose column `col` holds `text`."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == text)


def test_fiche_workbook_has_its_sheets_and_identity(cur):
    wb = fiche_book(cur)
    assert wb.sheetnames == ["Synthèse", "Démographie", "Revenus et pauvreté", "Emploi",
                             "Sources et définitions", "Avertissements"]
    ws = wb["Synthèse"]
    assert ws["A1"].value == "Fiche quartier — Les Tilleuls (QNX0101M)"
    identity = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert identity["Code"] == "QNX0101M"
    assert identity["Commune"] == "Villeneuve-Test"
    assert identity["Agglomération (EPCI)"] == "Agglo Test"
    assert identity["Département"] == "Département Test"
    assert identity["Géographie prioritaire"] == "géographie prioritaire 2024"
    assert identity["Population"] == 3050
    assert identity["Date de l'export"].date() == DAY
    assert wb.properties.title == "Fiche quartier Les Tilleuls (QNX0101M)"
    assert wb.properties.creator == "Data & Quartiers"


def test_synthese_key_cells_hold_the_fiche_numbers(cur):
    ws = fiche_book(cur)["Synthèse"]
    header = [c.value for c in ws[4]]
    assert header[:5] == ["Domaine", "Indicateur", "Unité", "Période", "Valeur"]
    assert header[10:16] == ["Commune : Villeneuve-Test", "Agglomération (EPCI) : Agglo Test",
                             "Département Test", "Région Test", "France (référence fictive)",
                             "Ensemble des quartiers"]
    r = row_of(ws, "Taux de pauvreté (seuil à 60 %)")
    cell = ws.cell(r, 5)
    assert cell.value == pytest.approx(0.46) and cell.number_format == "0.0%"
    assert ws.cell(r, 4).value == "2021"
    assert ws.cell(r, 8).value == pytest.approx(6.0)           # five-year change, in points
    assert "pt" in ws.cell(r, 8).number_format
    assert ws.cell(r, 9).value == "2016"
    assert ws.cell(r, 11).value == pytest.approx(0.189)        # commune
    assert ws.cell(r, 12).value == "–"                         # nothing for the EPCI: said, not hidden
    assert ws.cell(r, 15).value == pytest.approx(0.145)        # France
    assert ws.cell(r, 10).value == "▼ dégradation"
    assert ws.cell(r, 17).value == "▼ moins favorable"
    assert ws.cell(r, 17).fill.fgColor.rgb.endswith("FBE6D6")
    pop = row_of(ws, "Population municipale")
    assert ws.cell(pop, 5).value == 3050 and ws.cell(pop, 5).number_format == "#,##0"
    jobs = row_of(ws, "Demandeurs d'emploi ABC")                # emploi has no key indicator: shown anyway
    assert ws.cell(jobs, 4).value == "2021 (provisoire)"
    assert ws.cell(jobs, 8).value == "non comparable"           # break in the five years
    assert ws.freeze_panes == "C5"


def test_synthese_carries_the_dossier_text(cur):
    ws = fiche_book(cur)["Synthèse"]
    start = row_of(ws, "Texte pour un dossier", col=1)
    texts = [ws.cell(r, 1).value for r in range(start + 2, ws.max_row + 1)]
    expected = dossier_text(build_fiche(cur, "QNX0101M"))
    for sentence in expected.sentences:
        assert sentence.text in texts
    merged = [str(m) for m in ws.merged_cells.ranges]
    assert any(m.startswith(f"A{start + 3}:") for m in merged)


def test_secret_cells_hold_s_and_never_a_number(cur):
    wb = fiche_book(cur, "QNX0103N")
    ws = wb["Synthèse"]
    r = row_of(ws, "Taux de pauvreté (seuil à 60 %)")
    assert ws.cell(r, 5).value == "s"
    ws = wb["Revenus et pauvreté"]
    r = row_of(ws, "2021", col=1)
    assert ws.cell(r, 2).value == "s"
    warnings = wb["Avertissements"]
    rows = [[c.value for c in row] for row in warnings.iter_rows(min_row=5)]
    assert ["Secret statistique", "Taux de pauvreté (seuil à 60 %)", "Quartier : Petit Quartier", "2021"] \
        in [row[:4] for row in rows]


def _chart_refs(chart):
    """(name, values, categories) of each series: names are our own words; the categories (the
    periods) are given on the first series, which sets the axis (years cache as numbers, months as text)."""
    refs = []
    for s in chart.series:
        name = s.tx.v if s.tx.v is not None else s.tx.strRef.f
        categories = (s.cat.strRef or s.cat.numRef).f if s.cat is not None else None
        refs.append((name, s.val.numRef.f, categories))
    return refs


def _cells(ws, ref: str) -> list:
    min_col, min_row, max_col, max_row = range_boundaries(ref.split("!")[1].replace("$", ""))
    return [ws.cell(r, c).value for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def test_domain_sheet_series_and_native_charts(cur):
    ws = fiche_book(cur)["Revenus et pauvreté"]
    assert ws.freeze_panes == "B5"
    assert len(ws._charts) == 2
    poverty = next(c for c in ws._charts if _cells(ws, c.title.tx.strRef.f) == ["Taux de pauvreté (seuil à 60 %)"])
    refs = _chart_refs(poverty)
    assert [name for name, _, _ in refs] == ["Quartier", "Commune", "France"]
    assert refs[1][2] is None and refs[2][2] is None
    name, values, categories = refs[0]
    assert _cells(ws, categories) == ["2016", "2017", "2018", "2019", "2020", "2021"]
    # Stored as shown (one decimal of a percentage): 1300 / 3100 = 41.9 %.
    assert _cells(ws, values) == [0.40, 0.41, 0.42, 0.419, 0.429, 0.46]
    assert ws.cell(int(re.search(r"\$(\d+):", values).group(1)), 2).number_format == "0.0%"
    assert _cells(ws, refs[1][1]) == pytest.approx([0.189] * 6)


def test_chart_skips_secret_cells_through_a_hidden_numeric_copy(tiny_db):
    con = db.connect(tiny_db)
    cur = con.cursor()
    cur.execute("UPDATE observation SET is_secret = true, value = NULL WHERE territory = 'QNX0101M' "
                "AND indicator = 'taux_pauvrete' AND period = '2018'")
    ws = fiche_book(cur)["Revenus et pauvreté"]
    con.close()
    r2018 = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "2018"][1]
    assert ws.cell(r2018, 2).value == "s"
    poverty = ws._charts[1]
    _, values, _ = _chart_refs(poverty)[0]
    column = re.search(r"!\$([A-Z]+)\$", values).group(1)
    assert column_index_from_string(column) > 20                      # the hidden copy
    assert ws.column_dimensions[column].hidden
    assert _cells(ws, values) == pytest.approx([0.40, 0.41, None, 0.419, 0.429, 0.46], nan_ok=True)
    assert "s" not in _cells(ws, values)


def test_number_formats_print_setup_and_demo_banner_on_every_sheet(cur):
    wb = fiche_book(cur)
    for ws in wb.worksheets:
        top = " ".join(str(ws.cell(r, 1).value) for r in range(1, 4))
        assert "Données fictives de démonstration" in top, ws.title
        assert ws.page_setup.paperSize == 9, ws.title               # A4; scale: test_export_paper.py
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title   # never shrunk to one page wide
        assert "Données fictives" in ws.oddHeader.left.text, ws.title
        assert ws.freeze_panes, ws.title
    emploi = wb["Emploi"]
    r = row_of(emploi, "2019", col=1)
    assert emploi.cell(r, 2).value == 300 and emploi.cell(r, 2).number_format == "#,##0"
    assert "rupture de série" in emploi.cell(r, 9).value and "Changement de méthode." in emploi.cell(r, 9).value


def test_user_workspace_has_no_demo_banner(tmp_path):
    path = build_tiny_workspace(tmp_path / "mine.duckdb", demo=False)
    con = db.connect(path)
    wb = fiche_book(con.cursor())
    con.close()
    for ws in wb.worksheets:
        assert not any("fictives" in str(c.value) for row in ws.iter_rows(max_row=8) for c in row), ws.title


def test_sources_and_warnings_sheets(cur):
    wb = fiche_book(cur)
    sources = wb["Sources et définitions"]
    header = [c.value for c in sources[4]]
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in sources.iter_rows(min_row=5, values_only=True)}
    assert len(rows) == 4
    poverty = rows["Taux de pauvreté (seuil à 60 %)"]
    assert poverty["Domaine"] == "Revenus et pauvreté"
    assert poverty["Producteur"] == "Insee – DGFiP" and poverty["Définition"] == "Part des habitants pauvres."
    assert poverty["Périodes disponibles"] == "2016 – 2021" and poverty["Unité"] == "%"
    assert poverty["Comment citer"] == "Source : Insee – DGFiP, Filosofi 2021 ; traitement Data & Quartiers"
    assert poverty["Secret statistique"].startswith("Effectif inférieur à 11")
    warnings = [r[:5] for r in wb["Avertissements"].iter_rows(min_row=5, values_only=True)]
    assert warnings[0][0] == "Données fictives"
    assert ("Rupture de série", "Demandeurs d'emploi ABC", "Quartier : Les Tilleuls", "2019",
            "Changement de méthode.") in warnings
    assert ("Valeur provisoire", "Demandeurs d'emploi ABC", "Quartier : Les Tilleuls", "2021",
            "susceptible d'être révisée par le producteur") in warnings


def _poison(cur) -> None:
    """Text fields of imported data that a spreadsheet would take for formulas."""
    cur.execute("UPDATE territory SET name = ? WHERE code = 'QNX0101M'", [INJECTIONS[0]])
    cur.execute("UPDATE territory SET name = ? WHERE code = 'X0101'", [INJECTIONS[1]])
    cur.execute("UPDATE indicator SET label = ?, producer = ?, dataset = ?, definition = ? "
                "WHERE id = 'taux_pauvrete'", INJECTIONS[2:6])
    cur.execute("UPDATE observation SET note = ? WHERE territory = 'QNX0101M' AND indicator = "
                "'demandeurs_emploi_abc' AND period = '2019'", [INJECTIONS[0]])


def _assert_no_formula(data: bytes) -> int:
    """No formula anywhere: openpyxl sees none, and no sheet XML holds an <f> element."""
    wb = workbook(data)
    found = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    found += 1
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", zf.read(name)), name
    return found


def test_imported_text_never_becomes_a_formula(cur):
    _poison(cur)
    data = export.fiche_workbook_bytes(cur, "QNX0101M", exported_on=DAY)
    assert _assert_no_formula(data) >= 6
    wb = workbook(data)
    assert wb["Synthèse"]["A1"].value == f"Fiche quartier — {INJECTIONS[0]} (QNX0101M)"
    identity = {r[0]: r[1] for r in wb["Synthèse"].iter_rows(values_only=True)}
    assert identity["Quartier"] == INJECTIONS[0]
    poverty = wb["Revenus et pauvreté"]
    assert poverty.cell(row_of(poverty, "-2+3", col=1), 1).data_type == "s"
    buffer = io.BytesIO()
    export.write_combined_workbook(cur, ["QNX0101M", "QNX0102I"], buffer, exported_on=DAY)
    assert _assert_no_formula(buffer.getvalue()) >= 4


def test_file_names_are_safe_and_dated(cur):
    q = build_fiche(cur, "QNX0101M").quartier
    assert export.fiche_filename(q, DAY) == "fiche_les-tilleuls-QNX0101M_2026-03-12.xlsx"
    # From the demo, the name says so, like every other export.
    assert export.fiche_filename(q, DAY, demo=True) == \
        "fiche_les-tilleuls-QNX0101M_2026-03-12_donnees-fictives.xlsx"
    assert export.batch_filename("Villeneuve", DAY, demo=True) == "fiches_villeneuve_2026-03-12_donnees-fictives.zip"
    _poison(cur)
    q = build_fiche(cur, "QNX0101M").quartier
    name = export.fiche_filename(q, DAY)
    assert re.fullmatch(r"fiche_[a-z0-9-]+-QNX0101M_2026-03-12\.xlsx", name), name
    assert export.slug("Cité des Fleurs / Nord – Est") == "cite-des-fleurs-nord-est"
    assert export.sheet_name("Revenus: [2021]?", set()) == "Revenus- -2021--"


def test_select_quartiers(cur):
    assert territories.select_quartiers(cur, all_quartiers=True) == ["QNX0103N", "QNX0102I", "QNX0101M"]
    assert set(territories.select_quartiers(cur, commune="x0102")) == {"QNX0102I", "QNX0103N"}
    assert territories.select_quartiers(cur, commune="X0101") == ["QNX0102I", "QNX0101M"]
    assert len(territories.select_quartiers(cur, epci="XE001")) == 3
    assert len(territories.select_quartiers(cur, departement="X01")) == 3
    assert territories.select_quartiers(cur, ["qnx0101m", "QNX0101M"]) == ["QNX0101M"]
    with pytest.raises(DQError, match="Commune inconnue : « 99999 »"):
        territories.select_quartiers(cur, commune="99999")
    with pytest.raises(DQError, match="Quartiers inconnus : « QP1 », « QP2 »"):
        territories.select_quartiers(cur, ["QP1", "QNX0101M", "QP2"])
    with pytest.raises(DQError, match="une seule sélection"):
        territories.select_quartiers(cur, ["QNX0101M"], commune="X0101")
    with pytest.raises(DQError, match="Indiquez les quartiers"):
        territories.select_quartiers(cur)
    cur.execute("INSERT INTO territory (code, level, name) VALUES ('X0199', 'commune', 'Sans-Quartier')")
    with pytest.raises(DQError, match="Aucun quartier prioritaire dans Sans-Quartier"):
        territories.select_quartiers(cur, commune="X0199")
    scopes = export.batch_scopes(cur)
    assert ("X0102", "Bourg-Test", 2) in scopes["commune"]
    assert scopes["epci"] == [("XE001", "Agglo Test", 3)]


def test_zip_holds_one_readable_workbook_per_quartier(cur, tmp_path):
    calls = []
    target = tmp_path / "fiches.zip"
    names = export.write_zip(cur, ["QNX0101M", "QNX0102I", "QNX0103N"], target,
                             progress=lambda done, total, what: calls.append((done, total, what)),
                             exported_on=DAY)
    assert calls[-1] == (3, 3, "Petit Quartier (QNX0103N)") and len(calls) == 3
    with zipfile.ZipFile(target) as zf:
        assert sorted(zf.namelist()) == sorted([*names, "LISEZMOI.txt"])
        assert "fiche_le-plateau-QNX0102I_2026-03-12_donnees-fictives.xlsx" in names
        for name in names:
            wb = workbook(zf.read(name))
            assert wb.sheetnames[0] == "Synthèse"
        assert "Données fictives" in zf.read("LISEZMOI.txt").decode("utf-8-sig")


def test_combined_workbook_has_an_overview_and_a_sheet_per_quartier(cur, tmp_path):
    target = tmp_path / "tous.xlsx"
    fds = []

    def progress(done, total, what):
        if sys.platform.startswith("linux"):
            fds.append(len(os.listdir("/proc/self/fd")))
    codes = territories.select_quartiers(cur, all_quartiers=True)
    export.write_combined_workbook(cur, codes, target, progress=progress, exported_on=DAY)
    if fds:
        assert fds[-1] == fds[0]                       # finished sheets release their temp files
    wb = workbook(target)
    assert wb.sheetnames == ["Vue d'ensemble", "Sources et définitions", "Avertissements", *codes]
    overview = wb["Vue d'ensemble"]
    header = [c.value for c in overview[4]]
    assert header[:7] == ["Code", "Quartier", "Commune(s)", "EPCI", "Département", "Population", "Année"]
    rows = {r[0].value: r for r in overview.iter_rows(min_row=5)}
    tilleuls = rows["QNX0101M"]
    assert tilleuls[0].hyperlink.location == "'QNX0101M'!A1"
    assert tilleuls[5].value == 3050
    poverty_col = header.index("Taux de pauvreté (seuil à 60 %) (%)")
    assert tilleuls[poverty_col].value == pytest.approx(0.46)
    assert tilleuls[poverty_col].number_format == "0.0%"
    assert rows["QNX0103N"][poverty_col].value == "s"
    assert rows["QNX0102I"][2].value == "Villeneuve-Test, Bourg-Test"
    sheet = wb["QNX0101M"]
    r = row_of(sheet, "Revenu disponible médian par UC")
    assert sheet.cell(r, 5).value == 12500 and sheet.cell(r, 11).value == 21000
    warnings = [r[:4] for r in wb["Avertissements"].iter_rows(min_row=5, values_only=True)]
    assert ("Secret statistique", "Taux de pauvreté (seuil à 60 %)", "Quartier : Petit Quartier", "2021") \
        in warnings
    assert len(wb["Sources et définitions"]["A"]) >= 8


def test_export_to_path_picks_the_format_from_the_suffix(cur, tmp_path):
    one = export.export_to_path(cur, ["QNX0101M"], tmp_path / "une.xlsx", exported_on=DAY)
    assert workbook(one[0]).sheetnames[0] == "Synthèse"
    several = export.export_to_path(cur, ["QNX0101M", "QNX0102I"], tmp_path / "deux.xlsx", exported_on=DAY)
    assert workbook(several[0]).sheetnames[0] == "Vue d'ensemble"
    folder = export.export_to_path(cur, ["QNX0101M", "QNX0102I"], tmp_path / "dossier", exported_on=DAY)
    assert sorted(p.name for p in folder) == ["fiche_le-plateau-QNX0102I_2026-03-12_donnees-fictives.xlsx",
                                               "fiche_les-tilleuls-QNX0101M_2026-03-12_donnees-fictives.xlsx"]
    with pytest.raises(DQError, match="Format « .csv » non pris en charge"):
        export.export_to_path(cur, ["QNX0101M"], tmp_path / "x.csv")
    with pytest.raises(DQError, match="n'existe pas"):
        export.export_to_path(cur, ["QNX0101M"], tmp_path / "absent" / "x.xlsx")


def test_table_to_xlsx_with_chart_secret_and_safe_text():
    frame = pd.DataFrame({
        "Année": ["2019", "2020", "2021"],
        "Les Tilleuls": [40.0, "s", 46.0],
        "Villeneuve-Test": [18.9, 19.0, 18.9],
        "Remarque": [INJECTIONS[0], None, "provisoire"],
    })
    data = export.table_to_xlsx("Taux de pauvreté (%)", frame,
                                chart=export.ChartSpec("line", values=["Les Tilleuls", "Villeneuve-Test"]),
                                units={"Les Tilleuls": "%", "Villeneuve-Test": "%"},
                                sources=["Source : Insee – DGFiP, Filosofi 2021"], demo=True, exported_on=DAY)
    _assert_no_formula(data)
    wb = workbook(data)
    ws = wb.active
    assert ws["A1"].value == "Taux de pauvreté (%)"
    assert ws["A3"].value.startswith("Données fictives")
    assert [c.value for c in ws[4]][:5] == ["Année", "Les Tilleuls", "Villeneuve-Test", "Remarque", None]
    assert ws["B5"].value == pytest.approx(0.40) and ws["B5"].number_format == "0.0%"
    assert ws["B6"].value == "s"
    assert ws["D5"].value == INJECTIONS[0] and ws["D5"].quotePrefix
    assert ws["A9"].value == "Source : Insee – DGFiP, Filosofi 2021"
    chart = ws._charts[0]
    refs = _chart_refs(chart)
    assert [n for n, _, _ in refs] == ["Les Tilleuls", "Villeneuve-Test"]          # literal text
    assert refs[1][2] == refs[0][2]
    assert _cells(ws, refs[0][1]) == pytest.approx([0.40, None, 0.46], nan_ok=True)   # hidden copy
    assert _cells(ws, refs[1][1]) == pytest.approx([0.189, 0.19, 0.189])
    assert _cells(ws, refs[0][2]) == ["2019", "2020", "2021"]
    assert ws.freeze_panes == "B5"


def test_table_to_csv_is_what_french_excel_opens():
    frame = pd.DataFrame({"Quartier": ["Les Tilleuls", INJECTIONS[1], "Cité « Nord »; Est"],
                          "Taux (%)": [46.04, 18.9, None], "Habitants": [3050, 12, 7],
                          "Date": pd.to_datetime(["2026-03-12", "2026-01-01", "2025-12-31"])})
    data = export.table_to_csv(frame, decimals={"Taux (%)": 1})
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Quartier;Taux (%);Habitants;Date"
    assert lines[1] == "Les Tilleuls;46,0;3050;12/03/2026"
    assert lines[2] == "'+cmd|' /C calc'!A0;18,9;12;01/01/2026"
    assert lines[3] == '"Cité « Nord »; Est";;7;31/12/2025'
    plain = export.table_to_csv(pd.DataFrame({"x": [0.1 + 0.2, 1e-7, 1234567.5]}))
    assert plain.decode("utf-8-sig").split("\r\n")[1:4] == ["0,3", "0,0000001", "1234567,5"]


def _add_monthly_energy(cur) -> None:
    from dq_core.store import catalogue
    from dq_core.store.catalogue import Indicator

    catalogue.save_indicators(cur, [Indicator(
        "conso_elec_mensuelle", "Consommation d'électricité résidentielle", "energie", "MWh", "count",
        "neutral", "Enedis", "Consommation mensuelle agrégée par maille", "Électricité du mois.",
        periodicity="monthly", decimals=0)])
    rows = []
    for territory, base in (("QNX0101M", 150.0), ("X0101", 2000.0)):
        for m in range(24):
            year, month = 2023 + m // 12, m % 12 + 1
            secret = territory == "QNX0101M" and m == 5
            rows.append((territory, f"{year}-{month:02d}", date(year, month, 1), None if secret else base + m,
                         secret))
    frame = pd.DataFrame(rows, columns=["territory", "period", "period_start", "value", "is_secret"])
    cur.register("incoming", frame)
    cur.execute("INSERT INTO observation (territory, indicator, period, period_start, value, is_secret, "
                "batch_id) SELECT territory, 'conso_elec_mensuelle', period, period_start, value, is_secret, 1 "
                "FROM incoming")
    cur.unregister("incoming")


def test_monthly_counts_get_dates_and_a_chart_of_the_quartier_alone(cur):
    _add_monthly_energy(cur)
    ws = fiche_book(cur)["Énergie"]
    first = row_of(ws, "Consommation d'électricité résidentielle", col=1) + 2
    cell = ws.cell(first, 1)
    assert cell.value.date() == date(2023, 1, 1) and cell.number_format == "mmmm yyyy"
    assert ws.cell(first, 2).value == 150 and ws.cell(first, 3).value == 2000
    assert ws.cell(first + 5, 2).value == "s"
    (chart,) = ws._charts
    refs = _chart_refs(chart)
    assert [name for name, _, _ in refs] == ["Quartier"]           # a count: the commune's would dwarf it
    assert _cells(ws, refs[0][1])[4:7] == [154, None, 156]         # the secret month is a gap
    assert type(chart.x_axis).__name__ == "DateAxis"
