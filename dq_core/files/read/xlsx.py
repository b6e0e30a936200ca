"""Excel workbooks (.xlsx): opened read-only with one set of French messages, cells as the text a CSV would hold."""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from xml.etree import ElementTree

from dq_core.errors import DQError, unexpected
from dq_core.files.read.numbers import number_to_text
from dq_core.files.read.source import KIND_MESSAGES, FileSource


@contextmanager
def open_workbook(source: FileSource):
    """The workbook, read-only with computed values; a damaged file is a DQError in French."""
    import openpyxl

    with source.open() as f:                  # read-only workbooks read their file until closed
        try:
            with warnings.catch_warnings():     # « no default style »: said by openpyxl on the console, harmless
                warnings.simplefilter("ignore", UserWarning)
                workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
            raise DQError(KIND_MESSAGES["broken_xlsx"]) from exc
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors on damaged files
            raise DQError(f"Ce classeur Excel n'a pas pu être lu ({unexpected(exc)}). "
                          "Enregistrez-le à nouveau depuis Excel ou LibreOffice, ou envoyez-le en CSV.") from exc
        try:
            yield workbook
        finally:
            workbook.close()


def visible_sheets(workbook) -> list:
    """The sheets a reader may take data from: a hidden sheet (an old version, a working copy) is never taken
    for the data the user sees, unless every sheet is hidden."""
    return [s for s in workbook.worksheets if s.sheet_state == "visible"] or list(workbook.worksheets)


def sheet_rows(sheet) -> Iterator[list[str | None]]:
    """Each row of a sheet as text cells (None for an empty cell)."""
    sheet.reset_dimensions()          # some producers write a wrong A1:A1 dimension
    for row in sheet.iter_rows():
        yield [cell_text(getattr(cell, "value", None), getattr(cell, "number_format", None)) for cell in row]


def cell_text(value, number_format: str | None = None) -> str | None:
    """A spreadsheet cell as the text the readers parse (numbers written back exactly; a cell
    formatted as a percentage, which Excel stores as 0.125, is read as `12,5 %`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        if number_format and "%" in number_format:
            return number_to_text(round(value * 100, 10)) + " %"
        return number_to_text(value)
    if isinstance(value, datetime | date):
        return f"{value.year}-{value.month:02d}" if value.day == 1 else value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.isoformat()
    return str(value).strip()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def formulas_without_value(source: FileSource, sheet, shown: int = 8) -> tuple[list[str], int]:
    """(first cells, count) of the sheet's formulas that hold no computed value — a workbook written by a
    program and never opened in a spreadsheet. Read with computed values they look empty: they are named
    rather than dropped as empty rows."""
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return [], 0
    cells, count = [], 0
    with source.open() as f, zipfile.ZipFile(f) as archive:
        if path not in archive.namelist() or not _has_formula(archive, path):
            return [], 0
        with archive.open(path) as xml:
            for _, element in ElementTree.iterparse(xml):
                if element.tag != _MAIN + "c":
                    continue
                value = element.find(_MAIN + "v")
                if element.find(_MAIN + "f") is not None and (value is None or not (value.text or "").strip()):
                    count += 1
                    if len(cells) < shown:
                        cells.append(element.get("r") or "?")
                element.clear()
    return cells, count


def _has_formula(archive: zipfile.ZipFile, path: str) -> bool:
    """A quick byte scan first: most sheets hold no formula, and parsing their XML again would cost."""
    tail = b""
    with archive.open(path) as member:
        while chunk := member.read(1 << 20):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False
