"""Reading the bytes people download: decoding, French numbers, CSV and Excel tables as text."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

import pandas as pd

from dq_core.errors import DQError

# Cells meaning "no figure": empty (INSEE thematic files), or the codes of other INSEE products.
MISSING_CODES = {"", "s", "nd", "ns", "so", "n.d.", "nc", "-", "–"}
_SPACES = re.compile(r"[\s\u00a0\u202f]")
QP2015_CODE = re.compile(r"^QP[0-9AB]{3}\d{3}$")
QP2024_CODE = re.compile(r"^QN[0-9AB]{3}\d{2}[A-Z]$")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what French public files are written in."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_number(text: object) -> float | None:
    """`3 486` → 3486.0, `47,3` → 47.3, `-10,1` → -10.1; empty or a secrecy code → None."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return None if text != text else float(text)
    cleaned = _SPACES.sub("", str(text)).replace(",", ".")
    if cleaned.lower() in MISSING_CODES:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def numbers(column: pd.Series) -> pd.Series:
    """Vectorised parse_number over a column of text."""
    text = column.astype("string")
    for space in ("\u202f", "\u00a0", " "):
        text = text.str.replace(space, "", regex=False)
    text = text.str.replace(",", ".", regex=False)
    text = text.where(~text.str.lower().isin(MISSING_CODES))
    parsed = pd.to_numeric(text, errors="coerce")
    return pd.Series(parsed.to_numpy(dtype=float, na_value=float("nan")), index=column.index)


def pad_code(code: object, width: int = 5) -> str:
    """INSEE codes lose their leading zeros in some files: `1053` → `01053` (Corsica `2A004` kept)."""
    text = str(code).strip().strip('"').upper()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.zfill(width) if text.isdigit() else text


def split_multi(cell: object) -> list[str]:
    """`"44109; 44162"` → ['44109', '44162']; names separated by `;` or `,` too."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    if isinstance(cell, (list, tuple)):
        return [str(part).strip() for part in cell if str(part).strip()]
    return [part.strip() for part in re.split(r"[;,|]", str(cell)) if part.strip()]


class NotRecognised(DQError):
    """The file is none of the supported official formats: skipped (not an error), with the reason."""


@dataclass
class Table:
    """A table read as text: its header (stripped) and its rows; `title` is what stood above the header."""
    header: list[str]
    frame: pd.DataFrame
    title: str = ""
    sheet: str | None = None


def sniff_delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get) if max(counts.values()) else ";"


def read_csv_text(text: str) -> Table:
    """A delimited table with every cell kept as text; empty trailing columns dropped."""
    lines = text.splitlines()
    if not lines:
        raise DQError("Le fichier est vide.")
    delimiter = sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise DQError("Le fichier est vide.")
    return _table(rows[0], rows[1:])


def _table(header_row: list, rows: list[list], title: str = "", sheet: str | None = None) -> Table:
    header = [str(h).strip() if h is not None else "" for h in header_row]
    keep = [i for i, h in enumerate(header) if h]
    names = _unique([header[i] for i in keep])
    body = [[_cell(row[i]) if i < len(row) else "" for i in keep] for row in rows]
    frame = pd.DataFrame(body, columns=names, dtype="string")
    return Table(names, frame, title, sheet)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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


def is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_xlsx_tables(data: bytes, scan_rows: int = 30) -> list[Table]:
    """Every sheet whose header row (found by its `CODGEO`/`QP`… cell, never at a fixed row) exists."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file problem
        raise DQError(f"Classeur Excel illisible ({exc.__class__.__name__}).") from exc
    tables = []
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()          # some producers write a wrong A1:A1 dimension
            rows = sheet.iter_rows(values_only=True)
            above: list[str] = []
            for _ in range(scan_rows):
                row = next(rows, None)
                if row is None:
                    break
                cells = [str(c).strip().upper() if c is not None else "" for c in row]
                if HEADER_MARKERS & set(cells):
                    tables.append(_table(list(row), [list(r) for r in rows], " ".join(above), sheet.title))
                    break
                above.extend(str(c) for c in row if c not in (None, ""))
    finally:
        workbook.close()
    return tables
