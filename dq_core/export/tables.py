"""Any table view as a workbook with a native chart (`table_to_xlsx`) or as a CSV French Excel opens."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from xlsxwriter.worksheet import Worksheet

from dq_core import fmt
from dq_core.export.book import FIRST_ROW, HEADER_ROW, Book, lines, properties
from dq_core.export.formats import APP_NAME, SERIES_STYLES, is_formula_like, number_format, stored
from dq_core.export.paper import PrintPlan, page_height_points, plan

CHART_WIDTH, CHART_HEIGHT = 640, 300          # pixels


@dataclass(frozen=True)
class ChartSpec:
    """A native Excel chart drawn from columns of the exported table.

    kind: "line" (evolution), "column" (vertical bars) or "bar" (horizontal bars, comparisons).
    categories: the column holding the x-axis labels (default: the first column).
    values: the columns drawn as series (default: every numeric column).
    title / y_title: chart and value-axis titles (default: the table's title, none).
    zero_based: the value axis starts at zero (counts: a small drift must not look like a cliff).
    """
    kind: str = "line"
    categories: str | None = None
    values: Sequence[str] | None = None
    title: str | None = None
    y_title: str | None = None
    zero_based: bool = False


@dataclass(frozen=True)
class TableSheet:
    """One sheet of `tables_to_xlsx`: a table as shown, its chart, units, decimals, notes and sources
    (see `table_to_xlsx` for what each holds)."""
    name: str
    title: str
    frame: Any
    chart: ChartSpec | None = None
    units: dict[str, str] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)
    notes: Sequence[str] = ()
    sources: Sequence[str] = ()
    widths: dict[str, float] = field(default_factory=dict)     # column → width in characters (else fitted)


def table_to_xlsx(title: str, frame, chart: ChartSpec | None = None, *,
                  units: dict[str, str] | None = None, decimals: dict[str, int] | None = None,
                  notes: Sequence[str] = (), sources: Sequence[str] = (), demo: bool = False,
                  sheet: str = "Tableau", exported_on: date | None = None) -> bytes:
    """A workbook holding one table view (and optionally its chart), as bytes.

    frame: a pandas DataFrame as shown (columns = headers; reset the index first if it matters).
      Numeric cells are numbers; a cell holding the string "s" is a secret cell and stays "s";
      None/NaN are empty; dates become Excel dates; any other text is written as text.
    units: {column: unit} with the catalogue's units; "%" columns hold percentages (46.0) and are
      stored as fractions with a `0.0%` format. decimals: {column: decimals} (default 1).
    notes, sources: lines written under the table (e.g. "Source : Insee, Filosofi 2021").
    demo: adds the "Données fictives de démonstration" banner and print header.
    """
    return tables_to_xlsx(title, [TableSheet(sheet, title, frame, chart, units or {}, decimals or {},
                                             notes, sources)], demo=demo, exported_on=exported_on)


def tables_to_xlsx(title: str, sheets: Sequence[TableSheet], *, demo: bool = False,
                   exported_on: date | None = None) -> bytes:
    """A workbook with one sheet per table view (each with its own chart), as bytes."""
    day = exported_on or date.today()
    buffer = io.BytesIO()
    book = Book(buffer)
    book.wb.set_properties(properties(title, "Tableau exporté de " + APP_NAME, day))
    for spec in sheets:
        _table_sheet(book, spec, demo, day)
    if not sheets:
        book.title_rows(book.add_sheet("Tableau"), title, f"Export du {day:%d/%m/%Y} — {APP_NAME}", demo)
    book.close()
    return buffer.getvalue()


def _table_sheet(book: Book, spec: TableSheet, demo: bool, day: date) -> None:
    import pandas as pd

    frame, title, units, decimals = spec.frame, spec.title, spec.units, spec.decimals
    ws = book.add_sheet(spec.name)
    book.title_rows(ws, title, f"Export du {day:%d/%m/%Y} — {APP_NAME}", demo)
    columns = [str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) or _mostly_numbers(frame[c]) for c in frame.columns]
    widths = [spec.widths.get(c, w) for c, w in zip(columns, _column_widths(frame, columns, numeric), strict=True)]
    header_height = book.header_row(ws, HEADER_ROW, list(zip(columns, widths, strict=True)))
    ws.freeze_panes(FIRST_ROW, 1)
    secret_cols: set[int] = set()
    height = 0.0                        # of the data rows, in points
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        # Long text wraps in its column (never runs past the page edge) and its row grows.
        long_text = [(v, widths[j]) for j, v in enumerate(values) if isinstance(v, str) and lines(v, widths[j]) > 1]
        height += book.fit_row(ws, FIRST_ROW + i, long_text)
        for j, value in enumerate(values):
            col = columns[j]
            if _table_cell(book, ws, FIRST_ROW + i, j, value, units.get(col, ""), decimals.get(col, 1),
                           widths[j]):
                secret_cols.add(j)
    last = FIRST_ROW + len(frame) - 1
    if len(frame):
        ws.autofilter(HEADER_ROW, 0, last, len(columns) - 1)
    row = max(last, HEADER_ROW) + 2
    charted = spec.chart is not None and len(frame)
    min_points = CHART_WIDTH * 0.75 if charted else 0
    layout = plan(widths, key_columns=1, min_points=min_points)
    row, notes_height = _notes(book, ws, row, [*spec.sources, *spec.notes], widths, layout)
    height += notes_height
    if charted:
        above = 60 + header_height + height + 30
        if above + CHART_HEIGHT * 0.75 > page_height_points(layout):
            ws.set_h_pagebreaks([row + 1])  # the chart on a page of its own rather than cut
        _table_chart(book, ws, frame, columns, numeric, secret_cols, spec.chart, units, decimals, last,
                     row + 1)
    book.page_setup(ws, title, demo, widths, key_columns=1, min_points=min_points)


def _notes(book: Book, ws: Worksheet, row: int, notes: Sequence[str], widths: list[float],
           layout: PrintPlan) -> tuple[int, float]:
    """Sources and notes under the table, each wrapped in a block as wide as the first printed page
    (a long line would run past the page edge). Returns the row after the last and their height."""
    last_col = (layout.breaks[0] if layout.breaks else len(widths)) - 1
    width, height = sum(widths[:last_col + 1]), 0.0
    for line in notes:
        height += book.fit_row(ws, row, [(line, width)])
        if last_col > 0:
            ws.merge_range(row, 0, row, last_col, "", book.fmt(italic=True, font_color="#555555", text_wrap=True))
        book.text(ws, row, 0, line, italic=True, font_color="#555555", text_wrap=True)
        row += 1
    return row, height


def _column_widths(frame, columns: list[str], numeric: list[bool]) -> list[float]:
    """Headers' widths; a text column as wide as its longest value (within reason)."""
    # Headers wrap: numbers need no wide column (paper width is what a split table costs).
    widths = [min(max(len(c) * 0.9, 10), 16 if numeric[j] else 30) for j, c in enumerate(columns)]
    for j, col in enumerate(frame.columns):
        if not numeric[j]:
            longest = max((len(str(v)) for v in frame[col].head(500) if v is not None), default=0)
            widths[j] = min(max(widths[j], longest + 2), 36)
    return widths


def _table_cell(book: Book, ws: Worksheet, row: int, col: int, value, unit: str, decimals: int,
                width: float) -> bool:
    """One cell of a table view, written by its type (text longer than `width` wraps); True if it is
    a secret cell."""
    if isinstance(value, str) and value == fmt.SECRET_MARK:
        book.secret(ws, row, col)
        return True
    if _is_missing(value):
        return False
    if isinstance(value, bool):
        book.text(ws, row, col, "oui" if value else "non")
    elif isinstance(value, int | float) or _is_number(value):
        book.number(ws, row, col, stored(float(value), unit, decimals), number_format(unit, decimals))
    elif isinstance(value, datetime | date) or hasattr(value, "to_pydatetime"):
        stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
        if not isinstance(stamp, datetime):
            stamp = datetime.combine(stamp, datetime.min.time())
        ws.write_datetime(row, col, stamp, book.fmt(num_format="dd/mm/yyyy"))
    elif lines(str(value), width) > 1:
        book.text(ws, row, col, value, text_wrap=True)
    else:
        book.text(ws, row, col, value)
    return False


def _table_chart(book: Book, ws: Worksheet, frame, columns: list[str], numeric: list[bool],
                 secret_cols: set[int], spec: ChartSpec, units: dict[str, str], decimals: dict[str, int],
                 last: int, at_row: int
                 ) -> None:
    """The chart under the table and its notes (beside it, the sheet would print too small)."""
    if spec.kind not in ("line", "column", "bar"):
        raise ValueError(f"unknown chart kind {spec.kind!r}")
    cat = columns.index(spec.categories) if spec.categories else 0
    value_cols = ([columns.index(c) for c in spec.values] if spec.values
                  else [j for j, is_num in enumerate(numeric) if is_num and j != cat])
    chart = book.wb.add_chart({"type": spec.kind})
    helper = len(columns) + 12            # numeric copies of columns holding secret cells
    for n, j in enumerate(value_cols):
        col = j
        if j in secret_cols:
            col = helper + n
            _numeric_copy(ws, frame, j, col, units.get(columns[j], ""), decimals.get(columns[j], 1))
        style = list(SERIES_STYLES.values())[n % len(SERIES_STYLES)]
        series = {"name": _literal(columns[j]), "categories": [ws.name, FIRST_ROW, cat, last, cat],
                  "values": [ws.name, FIRST_ROW, col, last, col]}
        if spec.kind == "line":
            series["line"] = {"color": style["color"], "width": style["width"]}
        else:
            series["fill"] = {"color": style["color"]}
        chart.add_series(series)
    first_unit = units.get(columns[value_cols[0]], "") if value_cols else ""
    _dress_table_chart(chart, ws, spec, first_unit, hidden=any(j in secret_cols for j in value_cols))
    ws.insert_chart(at_row, 0, chart, {"x_offset": 4, "object_position": 1})


def _numeric_copy(ws: Worksheet, frame, j: int, col: int, unit: str, decimals: int) -> None:
    """Column `j`'s numbers in hidden column `col`, secret cells left empty (Excel would plot "s" as 0)."""
    for i, value in enumerate(frame.iloc[:, j]):
        if not (isinstance(value, str) or _is_missing(value)):
            ws.write_number(FIRST_ROW + i, col, stored(float(value), unit, decimals))
    ws.set_column(col, col, None, None, {"hidden": True})


def _dress_table_chart(chart, ws: Worksheet, spec: ChartSpec, unit: str, *, hidden: bool) -> None:
    """Title, value axis, legend and size of a table view's chart."""
    if spec.title:
        chart.set_title({"name": _literal(spec.title), "name_font": {"size": 11}})
    else:
        chart.set_title({"name": [ws.name, 0, 0], "name_font": {"size": 11}})
    axis = {"num_format": "0%" if unit == "%" else "#,##0.##",
            "major_gridlines": {"visible": True, "line": {"color": "#dddddd"}}}
    if spec.y_title:
        axis["name"] = _literal(spec.y_title)
    if spec.zero_based:
        axis["min"] = 0
    (chart.set_x_axis if spec.kind == "bar" else chart.set_y_axis)(axis)
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    if hidden:
        chart.show_hidden_data()
    chart.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})


# XlsxWriter reads a chart name that looks like `…!A1` (with or without `=`) as a cell reference.
_REFERENCE_LIKE = re.compile(r"^=?[^!]+!\$?[A-Z]+\$?\d+")


def _literal(text: str) -> str:
    """A chart title or series name from data, kept a literal string: a leading `=` gets a space, and
    a `…!A1` pattern a word joiner (U+2060, invisible) after the `!`, so that it is never a reference."""
    text = " " + text if text.startswith("=") else text
    return text.replace("!", "!\u2060") if _REFERENCE_LIKE.match(text) else text


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)          # NaN, NaT, pd.NA
    except (TypeError, ValueError):
        return False


def _is_number(value) -> bool:
    return hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf"


def _mostly_numbers(series) -> bool:
    values = [v for v in series.head(200) if not _is_missing(v)]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return bool(values) and len(numbers) >= len(values) / 2


def table_to_csv(frame, *, decimals: dict[str, int] | None = None) -> bytes:
    """The table as a CSV that French Excel opens right: UTF-8 with BOM, `;` separator, decimal
    comma, dates as dd/mm/yyyy, no thousands separator. Text that a spreadsheet would read as a
    formula (starting with =, +, -, @, tab, CR) is prefixed with an apostrophe."""
    decimals = decimals or {}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    columns = [str(c) for c in frame.columns]
    writer.writerow([_csv_text(c) for c in columns])
    for values in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v, decimals.get(columns[j])) for j, v in enumerate(values)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(text: str) -> str:
    return "'" + text if is_formula_like(text) else text


def _csv_cell(value, dec: int | None) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int) or (_is_number(value) and value.dtype.kind in "iu"):
        return str(int(value))
    if isinstance(value, float) or _is_number(value):
        value = float(value)
        if not math.isfinite(value):
            return ""
        if dec is not None:
            text = f"{value:.{dec}f}"
        else:
            text = f"{value:.10f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if isinstance(value, datetime | date) or hasattr(value, "to_pydatetime"):
        return value.strftime("%d/%m/%Y")
    return _csv_text(str(value))
