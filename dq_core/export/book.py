"""`Book`: an XlsxWriter workbook with the project's cell formats, safe writers and sheet furniture."""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

import dq_core
from dq_core import fmt
from dq_core.export.formats import APP_NAME, BLUE, DEMO_BANNER, DEMO_WORDS, is_formula_like, sheet_name
from dq_core.export.paper import BASE_FONT, BOTTOM_MARGIN, SIDE_MARGIN, TOP_MARGIN, plan, printed_columns

MAX_ROW = 1_048_575
HEADER_ROW = 3                      # rows 0-2: title, information line, demo banner
FIRST_ROW = HEADER_ROW + 1


DEFAULT_ROW_POINTS = 15.0
LINE_POINTS = 13.5                  # height of one line of Calibri 10, with LibreOffice's spacing


@functools.lru_cache(maxsize=8192)
def lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes once wrapped, word by word, in a column `width` characters wide
    (Calibri 10; a little fewer characters a line in bold, to be safe). Remembered: a batch wraps
    the same labels, definitions and warnings for every quartier."""
    per_line = max(int(width * (1.1 if bold else 1.25)), 1)
    return sum(max(1, len(textwrap.wrap(part, per_line)))
               for part in str(text).split("\n"))


def _hf(text: str) -> str:
    """Text for a print header/footer: `&` is a control character there."""
    return text.replace("&", "&&")[:120]


class Book:
    """An XlsxWriter workbook with the project's formats and safe writers."""

    def __init__(self, target: str | Path | BinaryIO, *, constant_memory: bool = False):
        options: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False, "nan_inf_to_errors": True}
        if constant_memory:
            options["constant_memory"] = True
        else:
            # The sheets' XML in memory, not in temporary files, even for a path: a workbook is a few
            # megabytes at most, and the disk writes cost more than the XML itself.
            options["in_memory"] = True
        self.wb: Workbook = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target),
                                                options)
        self.sheet_names: set[str] = set()
        self._formats: dict[tuple, Any] = {}

    def fmt(self, **props) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            # Top-aligned: in a row that grows for a wrapped label, every value stays on its first line.
            self._formats[key] = self.wb.add_format({"font_name": "Calibri", "font_size": BASE_FONT,
                                                     "valign": "top", **props})
        return self._formats[key]

    def add_sheet(self, name: str) -> Worksheet:
        return self.wb.add_worksheet(sheet_name(name, self.sheet_names))

    # Writers -------------------------------------------------------------------------------
    def text(self, ws: Worksheet, row: int, col: int, value: object, **props) -> None:
        """Text from anywhere (data included): a string cell, never a formula."""
        value = "" if value is None else str(value)
        if is_formula_like(value):
            props = {**props, "quote_prefix": True}
        ws.write_string(row, col, value, self.fmt(**props))

    def number(self, ws: Worksheet, row: int, col: int, value: float | None, num_format: str,
               **props) -> None:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_blank(row, col, None, self.fmt(**props))
        else:
            ws.write_number(row, col, value, self.fmt(num_format=num_format, **props))

    def secret(self, ws: Worksheet, row: int, col: int, **props) -> None:
        ws.write_string(row, col, fmt.SECRET_MARK, self.fmt(align="right", italic=True, **props))

    def missing(self, ws: Worksheet, row: int, col: int, **props) -> None:
        ws.write_string(row, col, "–", self.fmt(align="right", font_color="#777777", **props))

    # Sheet furniture ------------------------------------------------------------------------
    def title_rows(self, ws: Worksheet, title: str, info: str, demo: bool) -> None:
        """Rows 0-2 of every sheet: title, information line, demo banner."""
        ws.set_row(0, 22)
        self.text(ws, 0, 0, title, bold=True, font_size=14, font_color=BLUE)
        self.text(ws, 1, 0, info, italic=True, font_color="#555555")
        if demo:
            self.text(ws, 2, 0, DEMO_BANNER, bold=True, font_color="#b00020")

    def page_setup(self, ws: Worksheet, title: str, demo: bool, widths: Sequence[float], *,
                   key_columns: int = 0, min_points: float = 0.0, repeat_row: int | None = HEADER_ROW
                   ) -> None:
        """A4 at a readable scale (`paper.plan`): portrait when it fits, a wide table split between
        whole columns with its `key_columns` repeated on every page; the header row on every page."""
        layout = plan(widths, key_columns=key_columns, min_points=min_points)
        if layout.landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_paper(9)                        # A4
        ws.set_print_scale(layout.scale)
        if layout.breaks:
            ws.set_v_pagebreaks(list(layout.breaks))
            ws.repeat_columns(0, layout.key_columns - 1)
        ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=TOP_MARGIN, bottom=BOTTOM_MARGIN)
        if repeat_row is not None:
            ws.repeat_rows(repeat_row)
        # Only the table's columns (and what its charts cover) print: a long note running past
        # them would otherwise add a page holding its last words.
        ws.print_area(0, 0, MAX_ROW, printed_columns(widths, min_points) - 1)
        header = f'&L&"-,Bold"{_hf(DEMO_WORDS)}' if demo else ""
        ws.set_header(header)
        ws.set_footer(f"&L{_hf(APP_NAME + ' — ' + title)}&RPage &P / &N")

    def header_row(self, ws: Worksheet, row: int, columns: Sequence[tuple[str, float]],
                   first_col: int = 0, left: int = 2) -> float:
        """Column headers (the first `left` ones aligned left, like their text), with widths; returns
        the row's height in points (every line of a wrapped header shown)."""
        count = max(lines(label, width, bold=True) for label, width in columns)
        height = LINE_POINTS * count + 4
        ws.set_row(row, height)
        for i, (label, width) in enumerate(columns):
            ws.set_column(first_col + i, first_col + i, width)
            self.text(ws, row, first_col + i, label, bold=True, text_wrap=True, valign="bottom",
                      bottom=2, bg_color="#f2f5f8", align="left" if i < left else "center")
        return height

    @staticmethod
    def fit_row(ws: Worksheet, row: int, cells: Iterable[tuple[str, float]]) -> float:
        """Give a row holding wrapped text the height of its longest cell (LibreOffice does not
        resize rows by itself when it opens a file; Excel does, but an explicit height is safe).
        Returns the row's height in points."""
        count = max((lines(text, width) for text, width in cells), default=1)
        if count > 1:
            ws.set_row(row, LINE_POINTS * count + 3)
            return LINE_POINTS * count + 3
        return DEFAULT_ROW_POINTS

    def close(self) -> None:
        self.wb.close()


def properties(title: str, subject: str, exported_on: date) -> dict:
    return {"title": title, "subject": subject, "author": APP_NAME, "company": APP_NAME,
            "category": "Politique de la ville", "keywords": "QPV, quartiers prioritaires, indicateurs",
            "comments": f"Généré par {APP_NAME} {dq_core.__version__} le {fmt.date_fr(exported_on)}.",
            "created": datetime.combine(exported_on, datetime.now().time())}
