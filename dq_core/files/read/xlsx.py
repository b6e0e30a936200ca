"""Excel workbooks (.xlsx): opened read-only with one set of French messages, cells as the text a CSV would hold."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from dq_core.errors import DQError
from dq_core.files.read.numbers import number_to_text
from dq_core.files.read.source import KIND_MESSAGES, FileSource


@contextmanager
def open_workbook(source: FileSource):
    """The workbook, read-only with computed values; a damaged file is a DQError in French."""
    import openpyxl

    with source.open() as f:                  # read-only workbooks read their file until closed
        try:
            workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
            raise DQError(KIND_MESSAGES["broken_xlsx"]) from exc
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors on damaged files
            raise DQError("Ce classeur Excel n'a pas pu être lu (" + exc.__class__.__name__ + "). "
                          "Enregistrez-le à nouveau depuis Excel ou LibreOffice, ou envoyez-le en CSV.") from exc
        try:
            yield workbook
        finally:
            workbook.close()


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
