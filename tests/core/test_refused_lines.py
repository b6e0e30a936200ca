"""A refused file's lines come back as a workbook to correct: every refused line, as found, with its
problems; nothing is stored (the import stays all-or-nothing)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dq_core.files import FileSource, ImportOptions, import_file
from dq_core.files.refused import LINE, PROBLEM, refused_file_name, refused_workbook
from dq_core.store import db
from tests.factories import build_tiny_workspace
from tests.import_files import HEADER, Text, csv_bytes, xlsx_bytes


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    con = db.connect(build_tiny_workspace(tmp_path_factory.mktemp("refused") / "tiny.duckdb", demo=False))
    yield con
    con.close()


def imported(con, name: str, content: bytes):
    with con.cursor() as cur:
        return import_file(cur, FileSource.from_bytes(name, content), ImportOptions(mode="replace"))


def test_every_refused_line_is_listed_with_its_problems_and_good_lines_are_not(workspace):
    # 300 lines with the same unknown code: the report lists the problem once, the worklist has all 300.
    unknown = [f"QNX9999Z;pop_totale;{2000 + i % 20};{i}" for i in range(300)]
    content = csv_bytes(HEADER, "QNX0101M;pop_totale;2024;3 200", "QNX0101M;pop_totale;2023;douze",
                        "QNX0102I;pop_inconnue;2024;5", *unknown, "QNX0103N;pop_totale;2024;7")
    report = imported(workspace, "bailleur.csv", content)
    assert report.errors and report.batch_id is None
    lines = report.refused_lines
    assert list(lines.columns) == [LINE, PROBLEM, "code_territoire", "indicateur", "periode", "valeur"]
    assert len(lines) == 302 and lines.attrs["total"] == 302
    assert 2 not in set(lines[LINE]) and 305 not in set(lines[LINE])        # the good lines are not there
    by_line = lines.set_index(LINE)
    assert by_line.loc[3, "valeur"] == "douze" and "nombre" in by_line.loc[3, PROBLEM].lower()
    assert "indicateur inconnu" in by_line.loc[4, PROBLEM]
    assert by_line.loc[5, "code_territoire"] == "QNX9999Z"
    assert "code de territoire inconnu" in by_line.loc[304, PROBLEM]
    assert not workspace.execute("SELECT count(*) FROM observation WHERE territory = 'QNX0101M' "
                                 "AND period = '2024' AND value = 3200").fetchone()[0]


def test_a_line_with_two_problems_says_both(workspace):
    report = imported(workspace, "deux.csv", csv_bytes(HEADER, "QNX9999Z;pop_totale;2024;beaucoup"))
    (problems,) = report.refused_lines[PROBLEM]
    assert "code de territoire inconnu" in problems and " ; " in problems


def test_a_valid_file_has_no_refused_lines(workspace):
    report = imported(workspace, "bon.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2019;3 000"))
    assert report.ok and report.refused_lines is None


def test_the_workbook_keeps_each_cell_as_found_and_never_a_formula(workspace):
    content = xlsx_bytes({"donnees": [["code_territoire", "indicateur", "periode", "valeur"],
                                      [Text("=HYPERLINK(\"x\")"), "pop_totale", "2024", "-3,5 abc"],
                                      ["QNX0101M", "pop_totale", "2024", "12"]]})
    report = imported(workspace, "partenaire.xlsx", content)
    assert not report.ok
    data = refused_workbook(report.refused_lines, "partenaire.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert "partenaire.xlsx" in sheet["A1"].value
    assert [c.value for c in sheet[3]][:3] == [LINE, PROBLEM, "code_territoire"]
    cells = {c.column_letter: c for c in sheet[4]}
    assert cells["A"].value == 2
    assert cells["C"].value == '=HYPERLINK("x")' and cells["C"].data_type == "s"
    assert cells["F"].value == "-3,5 abc"
    assert sheet.max_row == 4                     # the good line is not in the worklist


def test_the_workbook_is_named_after_the_file():
    assert refused_file_name("Bailleur 2024.csv") == "lignes-refusees_bailleur-2024.xlsx"
