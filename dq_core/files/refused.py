"""The lines of a refused file, as a workbook to correct: each line as found, with what is wrong with it.

Built from the work tables of the check (`dq_raw`, `dq_rows`) while they are still on the cursor.
A problem whose condition is a row test (`checks.CONDITIONS`) finds every line it concerns; any other
problem contributes the lines it lists. The import itself stays all-or-nothing: this is a worklist.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import PurePosixPath

import duckdb
import pandas as pd
import xlsxwriter

from dq_core.files.checks import CONDITIONS
from dq_core.files.report import Problem

LINE, PROBLEM = "Ligne du fichier", "Problème à corriger"
# Problems listed once per distinct value: the value column of `dq_rows` they are grouped by.
_GROUPED_BY = {"territoire_vide": "territory", "territoire_inconnu": "territory",
               "indicateur_vide": "indicator_raw", "indicateur_inconnu": "indicator_raw",
               "periode_vide": "period_raw", "periode_illisible": "period_raw"}
_FROM = ("FROM dq_rows r LEFT JOIN dq_ind i ON i.id = r.indicator LEFT JOIN territory t ON t.code = r.territory "
         "WHERE NOT r.skip AND r.line IS NOT NULL")


MAX_LINES = 200_000           # a workbook stays openable; the count says how many there are in all


def refused_lines(cur: duckdb.DuckDBPyConnection, errors: list[Problem], headers: list[str]) -> pd.DataFrame:
    """The file's lines that carry an error, as found (text), with the line number and the problems."""
    reasons: dict[int, list[str]] = defaultdict(list)
    for line, message in _line_messages(cur, errors):
        if message not in reasons[line]:
            reasons[line].append(message)
    if not reasons:
        return pd.DataFrame(columns=[LINE, PROBLEM, *headers])
    columns = ", ".join(f"c{i}" for i in range(len(headers)))
    cur.register("dq_refused_lines", pd.DataFrame({"line": sorted(reasons)[:MAX_LINES]}))
    try:
        rows = cur.execute(f"SELECT line, {columns} FROM dq_raw JOIN dq_refused_lines USING (line) "
                           "ORDER BY line").fetchall()
    finally:
        cur.unregister("dq_refused_lines")
    found = pd.DataFrame([(line, " ; ".join(reasons[line]), *cells) for line, *cells in rows],
                         columns=[LINE, PROBLEM, *headers])
    found.attrs["total"] = len(reasons)
    return found


def _line_messages(cur: duckdb.DuckDBPyConnection, errors: list[Problem]):
    """(line, message) for every line each error concerns: one query per row test, else its listed lines."""
    by_kind: dict[str, list[Problem]] = defaultdict(list)
    for problem in errors:
        if problem.kind in CONDITIONS:
            by_kind[problem.kind].append(problem)
        else:
            yield from ((line, problem.message) for line in problem.lines)
    for kind, problems in by_kind.items():
        generic = problems[0].message.split(" — et ", 1)[0]     # "… — et 12 autres lignes" is said per line
        column = _GROUPED_BY.get(kind)
        messages = {p.value: p.message for p in problems} if column else {}
        rows = cur.execute(f"SELECT r.line, {f'r.{column}' if column else 'NULL'} {_FROM} "
                           f"AND ({CONDITIONS[kind]})").fetchall()
        for line, value in rows:
            # a value beyond those listed one by one gets the problem's first sentence
            yield line, messages.get(value, generic.split(". ", 1)[0].rstrip(".") + ".") if column else generic


def refused_workbook(lines: pd.DataFrame, file_name: str) -> bytes:
    """The refused lines as an .xlsx: every cell written as text (exactly as found, never a formula)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Lignes refusées")
    head = book.add_format({"bold": True, "bg_color": "#DDE4EE", "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    plain = book.add_format({"valign": "top"})
    sheet.write_string(0, 0, f"Lignes refusées de « {file_name} » : corrigez-les dans votre fichier, puis "
                             "importez-le de nouveau (rien n'est enregistré tant qu'une ligne est refusée).")
    for col, name in enumerate(lines.columns):
        sheet.write_string(2, col, str(name), head)
    for row, values in enumerate(lines.itertuples(index=False, name=None), start=3):
        for col, value in enumerate(values):
            if col == 0:
                sheet.write_number(row, col, int(value), plain)
            elif value is not None and not pd.isna(value):
                sheet.write_string(row, col, str(value), wrap if col == 1 else plain)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, max(2, len(lines.columns) - 1), 16)
    sheet.freeze_panes(3, 2)
    book.close()
    return out.getvalue()


def refused_file_name(file_name: str) -> str:
    """`bailleur 2024.csv` → `lignes-refusees_bailleur-2024.xlsx`."""
    from dq_core.export.formats import slug

    return f"lignes-refusees_{slug(PurePosixPath(file_name).stem, 60)}.xlsx"
