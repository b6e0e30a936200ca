"""Read a CSV or XLSX file into a temporary DuckDB table of text cells, with file line numbers.

The result, `dq_raw(line, c0, c1, …)`, is the same whatever the file looked like: title lines above
the header and notes below it are set aside, blank lines skipped, every cell kept as text (numbers
and codes are parsed later, with a message when they cannot be). A clean CSV (no quotes, no blank
lines) is read by DuckDB at full speed with exact line numbers; any other goes through Python's csv
module in batches — both stream, so a file larger than memory is fine.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from dq_core.files.read.periods import parse_period
from dq_core.files.read.source import FileSource
from dq_core.files.read.text import TextFile, csv_error, normalise_text, scan_from, sniff_delimiter, to_utf8
from dq_core.files.read.xlsx import formulas_without_value, open_workbook, sheet_rows, visible_sheets
from dq_core.files.sql import first as _first
from dq_core.store import db

BATCH_ROWS = 200_000
HEADER_SEARCH_ROWS = 30
# Sheets of a workbook that are not data: the indicator declarations, and the template's help sheets.
INDICATOR_SHEETS = ("indicateurs", "nouveaux_indicateurs", "indicateurs_nouveaux", "declarations")
HELP_SHEETS = ("catalogue", "territoires", "mode_d_emploi", "notice", "lisez_moi", "aide", "notes")


@dataclass
class RawTable:
    """`dq_raw` in the cursor: column `c{i}` holds the file column `headers[i]`."""
    headers: list[str]
    rows: int
    header_line: int                        # file line of the header (1-based)
    notes: list[tuple[int, str]] = field(default_factory=list)   # (line, text) set aside below the data
    extra_columns: int = 0                  # rows with more cells than the header (non-empty)
    extra_lines: list[int] = field(default_factory=list)
    open_quote_lines: list[int] = field(default_factory=list)   # a quote opened and never closed
    truncated_line: int | None = None       # the last line stops mid-row (file cut short?)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    declarations: list[dict] | None = None  # rows of an "indicateurs" sheet, if any
    declarations_sheet: str | None = None
    formula_cells: list[str] = field(default_factory=list)   # formulas without a computed value (xlsx)
    formula_count: int = 0


def read_raw(cur: duckdb.DuckDBPyConnection, source: FileSource, kind: str,
             known: KnownCell) -> RawTable:
    """Fill `dq_raw` from a CSV or XLSX source (kind from `sources.sniff_kind`)."""
    if kind == "xlsx":
        return _read_xlsx(cur, source, known)
    text = to_utf8(source)
    try:
        return _read_csv(cur, text, known)
    finally:
        text.cleanup()


def read_rows(source: FileSource, kind: str, known: KnownCell) -> tuple[list[str], list[dict]]:
    """A small table (a companion file of indicator declarations) as header + list of row dicts."""
    con = db.open_duckdb()
    try:
        cur = con.cursor()
        raw = read_raw(cur, source, kind, known)
        rows = cur.execute("SELECT * FROM dq_raw ORDER BY line").fetchall()
    finally:
        con.close()
    return raw.headers, [{"_line": r[0], **{h: r[i + 1] for i, h in enumerate(raw.headers)}} for r in rows]


# --- header detection -------------------------------------------------------------------------

# Says whether a cell looks like a column name of the file's kind (a role, a period, an indicator).
KnownCell = Callable[[str], bool]


def find_header(rows: list[list[str]], known: KnownCell) -> int:
    """Index of the header row: the first row naming known columns, periods or indicators, below
    any title lines; else the first row as wide as the table."""
    def filled(row):
        return [c for c in row if c is not None and str(c).strip()]
    widths = [len(filled(r)) for r in rows]
    widest = max(widths, default=0)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = filled(row)
        if len(cells) < 2:
            continue
        named = any(known(str(c)) or parse_period(c) is not None for c in cells)
        if named and not all(parse_period(c) for c in cells):
            return i
    for i, width in enumerate(widths[:HEADER_SEARCH_ROWS]):
        if width >= max(2, widest * 0.6):
            return i
    return 0


def _headers(cells: list[str]) -> list[str]:
    """Column names as written; blanks and repeats get a name the user can find (`colonne 5`)."""
    names: list[str] = []
    for i, cell in enumerate(cells):
        name = str(cell).strip() if cell is not None else ""
        name = re.sub(r"\s+", " ", name) or f"colonne {i + 1}"
        while name in names:
            name = f"{name} ({i + 1})"
        names.append(name)
    return names


# --- CSV --------------------------------------------------------------------------------------

def _read_csv(cur: duckdb.DuckDBPyConnection, text: TextFile, known: KnownCell) -> RawTable:
    delimiter = sniff_delimiter(text.sample)
    sample_lines = text.sample.splitlines()[:HEADER_SEARCH_ROWS + 5]
    sample_rows = list(csv.reader(sample_lines, delimiter=delimiter))
    header_index = find_header(sample_rows, known)
    headers = _headers(sample_rows[header_index]) if sample_rows else []
    while len(headers) > 1 and headers[-1] == f"colonne {len(headers)}":
        headers.pop()                                   # a trailing ';' on the header line
    if not headers:
        headers = ["colonne 1"]
    header_chars = sum(len(line) for line in text.sample.splitlines(keepends=True)[:header_index + 1])
    quote, blank = scan_from(text.path, header_chars, text.sample)
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))}
    raw = RawTable(headers, 0, header_index + 1, encoding=text.encoding, delimiter=delimiter)
    _create_raw(cur, len(headers))
    fast = not quote and not blank
    if fast:
        try:
            cur.execute(
                f"""INSERT INTO dq_raw SELECT {header_index + 1} + row_number() OVER () AS line, *
                    FROM read_csv(?, delim=?, quote='', escape='', header=false, skip=?,
                                  auto_detect=false, null_padding=true, columns=?)""",
                [str(text.path), delimiter, header_index + 1, columns])
        except duckdb.Error:
            cur.execute("DELETE FROM dq_raw")
            fast = False
    if not fast:
        _read_csv_python(cur, text, delimiter, header_index, raw)
    tail = _last_line(text.path)
    if tail is not None and raw.headers:
        cells = next(csv.reader([tail], delimiter=delimiter), [])
        if 0 < len(cells) < len(raw.headers):
            raw.truncated_line = _first(cur.execute("SELECT max(line) FROM dq_raw"))[0]
    _set_aside_notes(cur, raw)
    return raw


def _last_line(path) -> str | None:
    """The file's last line when the file does not end with a line break, else None."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 65536))
        tail = f.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return None
    return tail.splitlines()[-1].decode("utf-8", errors="replace")


def _read_csv_python(cur, text: TextFile, delimiter: str, header_index: int, raw: RawTable) -> None:
    with open(text.path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            _read_rows(cur, reader, header_index, raw)
        except csv.Error as exc:
            raise csv_error(exc, reader.line_num) from exc


def _read_rows(cur, reader, header_index: int, raw: RawTable) -> None:
    """The rows below the header into `dq_raw`, in batches, noting cells beyond the header and open quotes."""
    width = len(raw.headers)
    batch: list[list] = []
    line_before = 0
    pending_quote = None
    for index, row in enumerate(reader):
        first_line = line_before + 1
        line_before = reader.line_num
        if index <= header_index:
            continue
        if not any(cell.strip() for cell in row):
            continue
        # A field running over several lines up to the end of the file: a quote never closed.
        pending_quote = first_line if any("\n" in c or "\r" in c for c in row) else None
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                raw.extra_columns += 1
                if len(raw.extra_lines) < 8:
                    raw.extra_lines.append(first_line)
            row = row[:width]
        elif len(row) < width:
            row = row + [None] * (width - len(row))
        batch.append([first_line, *row])
        if len(batch) >= BATCH_ROWS:
            _append(cur, batch, width)
            batch = []
    if batch:
        _append(cur, batch, width)
    if pending_quote is not None:
        raw.open_quote_lines.append(pending_quote)


def _create_raw(cur, width: int) -> None:
    cols = ", ".join(f"c{i} VARCHAR" for i in range(width))
    cur.execute(f"CREATE OR REPLACE TEMP TABLE dq_raw (line BIGINT, {cols})")


def _append(cur, batch: list[list], width: int) -> None:
    frame = pd.DataFrame(batch, columns=["line", *(f"c{i}" for i in range(width))])
    for column in frame.columns[1:]:
        frame[column] = frame[column].astype("string")
    cur.register("dq_batch", frame)
    cur.execute("INSERT INTO dq_raw SELECT * FROM dq_batch")
    cur.unregister("dq_batch")


NOTES_WINDOW = 10_000     # notes sit below the table: only its last rows are examined


def _set_aside_notes(cur, raw: RawTable) -> None:
    """Drop rows with no value at all; set aside the rows below the data that hold one cell only
    (notes, sources)."""
    width = len(raw.headers)
    # List functions, not a chain of `+` or `||` over the columns: DuckDB refuses an expression deeper than
    # 1 000 levels, which a wide table (one column per month over decades) would reach.
    cells = f"[{', '.join(f'c{i}' for i in range(width))}]"
    filled = f"len(list_filter({cells}, lambda x: trim(coalesce(x, '')) <> ''))"
    empty_row = f"len(list_filter({cells}, lambda x: coalesce(x, '') <> '')) = 0"
    total, last_line, empty = _first(cur.execute(
        f"SELECT count(*), max(line), count(*) FILTER (WHERE {empty_row}) FROM dq_raw"))
    if empty:
        cur.execute(f"DELETE FROM dq_raw WHERE {empty_row} OR {filled} = 0")
    if width >= 2 and last_line is not None:
        tail = cur.execute(f"SELECT line, {filled} AS n, array_to_string({cells}, '') "
                           f"FROM dq_raw ORDER BY line DESC LIMIT {NOTES_WINDOW}").fetchall()
        notes = []
        for line, n, text in tail:
            if n >= 2:
                break
            if n == 1:
                notes.append((line, text))
        if notes and len(notes) < total:
            raw.notes = sorted(notes)
            cur.execute("DELETE FROM dq_raw WHERE line >= ?", [raw.notes[0][0]])
    raw.rows = _first(cur.execute("SELECT count(*) FROM dq_raw"))[0]


# --- XLSX -------------------------------------------------------------------------------------

def _read_xlsx(cur: duckdb.DuckDBPyConnection, source: FileSource, known: KnownCell) -> RawTable:
    with open_workbook(source) as workbook:
        raw = _read_workbook(cur, workbook, known)
        raw.formula_cells, raw.formula_count = formulas_without_value(source, workbook[raw.sheet])
        return raw


def _read_workbook(cur, workbook, known: KnownCell) -> RawTable:
    data_sheet, declaration_sheet = None, None
    visible = visible_sheets(workbook)
    for sheet in visible:
        name = normalise_text(sheet.title)
        if name in INDICATOR_SHEETS:
            declaration_sheet = declaration_sheet or sheet
        elif name not in HELP_SHEETS and data_sheet is None:
            data_sheet = sheet
    if data_sheet is None:
        data_sheet = visible[0]
    rows_iter = sheet_rows(data_sheet)
    head: list[list[str | None]] = []
    for row in rows_iter:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS + 5:
            break
    header_index = find_header(head, known) if head else 0
    headers = _headers(head[header_index]) if head else ["colonne 1"]
    while len(headers) > 1 and headers[-1] == f"colonne {len(headers)}":
        headers.pop()
    width = len(headers)
    raw = RawTable(headers, 0, header_index + 1, sheet=data_sheet.title)
    _create_raw(cur, width)
    batch: list[list] = []

    def take(line: int, row: list) -> None:
        nonlocal batch
        if not any(c is not None and str(c).strip() for c in row):
            return
        if len(row) > width and any(c is not None and str(c).strip() for c in row[width:]):
            raw.extra_columns += 1
            if len(raw.extra_lines) < 8:
                raw.extra_lines.append(line)
        row = (row + [None] * width)[:width]
        batch.append([line, *row])
        if len(batch) >= BATCH_ROWS:
            _append(cur, batch, width)
            batch = []

    for i, row in enumerate(head):
        if i > header_index:
            take(i + 1, row)
    for i, row in enumerate(rows_iter, start=len(head)):
        take(i + 1, row)
    if batch:
        _append(cur, batch, width)
    _set_aside_notes(cur, raw)
    if declaration_sheet is not None:
        rows = list(sheet_rows(declaration_sheet))
        if rows:
            index = find_header(rows, known)
            names = _headers(rows[index])
            raw.declarations = [{"_line": n + 1, **{h: (r[i] if i < len(r) else None) for i, h in enumerate(names)}}
                                for n, r in enumerate(rows) if n > index
                                and any(c is not None and str(c).strip() for c in r)]
            raw.declarations_sheet = declaration_sheet.title
    return raw
