"""Small tables read whole, as text: a CSV's rows, or each sheet of a workbook below its header row."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass, field

import pandas as pd

from dq_core.errors import DQError
from dq_core.files.read.source import SAMPLE, FileSource
from dq_core.files.read.text import csv_error, sniff_delimiter
from dq_core.files.read.xlsx import open_workbook, sheet_rows, visible_sheets


@dataclass
class Table:
    """A table read as text: its header (stripped) and its rows; `title` is what stood above the header."""
    header: list[str]
    frame: pd.DataFrame
    title: str = ""
    sheet: str | None = None
    stray_lines: list[int] = field(default_factory=list)   # lines with values under no column name


def read_csv_text(text: str) -> Table:
    """A delimited table with every cell kept as text; empty trailing columns dropped."""
    lines = text.splitlines()
    if not lines:
        raise DQError("Le fichier est vide.")
    delimiter = sniff_delimiter(text[:SAMPLE])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    rows, lines = [], []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(reader.line_num)
    except csv.Error as exc:
        raise csv_error(exc, reader.line_num) from exc
    if not rows:
        raise DQError("Le fichier est vide.")
    return _table(rows[0], rows[1:], lines=lines[1:])


def _table(header_row: list, rows: list[list], title: str = "", sheet: str | None = None,
           lines: list[int] | None = None, first_line: int = 2) -> Table:
    """`lines`: the file line of each row (else rows follow each other from `first_line`)."""
    header = [str(h).strip() if h is not None else "" for h in header_row]
    keep = [i for i, h in enumerate(header) if h]
    names = _unique([header[i] for i in keep])
    body = [[_cell(row[i]) if i < len(row) else "" for i in keep] for row in rows]
    frame = pd.DataFrame(body, columns=names, dtype="string")
    unnamed = [i for i, h in enumerate(header) if not h]
    stray = [lines[k] if lines else first_line + k for k, row in enumerate(rows)
             if any(_cell(c) for c in row[len(header):]) or any(_cell(row[i]) for i in unnamed if i < len(row))]
    return Table(names, frame, title, sheet, stray)


def _cell(value: object) -> str:
    return "" if value is None else str(value).strip()


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}_{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


HEADER_MARKERS = {"CODGEO", "CODE_QP", "QP", "IRIS", "QP2024", "CODEQP", "CODE_QPV"}


def read_xlsx_tables(source: FileSource, scan_rows: int = 30, max_rows: int | None = None) -> list[Table]:
    """Every visible sheet (`xlsx.visible_sheets`) whose header row (found by its `CODGEO`/`QP`… cell, never at a
    fixed row) exists; `max_rows`: only that many rows below the header (to recognise a file without reading it whole)."""
    tables = []
    with open_workbook(source) as workbook:
        for sheet in visible_sheets(workbook):
            rows = sheet_rows(sheet)
            above: list[str] = []
            for number in range(1, scan_rows + 1):
                row = next(rows, None)
                if row is None:
                    break
                if HEADER_MARKERS & {(c or "").upper() for c in row}:
                    body = list(rows if max_rows is None else itertools.islice(rows, max_rows))
                    tables.append(_table(row, body, " ".join(above), sheet.title, first_line=number + 1))
                    break
                above.extend(c for c in row if c)
    return tables
