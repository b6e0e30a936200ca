"""Reading French numbers and periods as people write them (`1 234,5`, `12,5 %`, `T2 2023`, `avril 2023`).

Numbers are parsed in SQL (a file may hold millions of them, DuckDB does it in parallel); periods,
territory codes and indicator ids are parsed once per distinct value, in Python.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12,
    "dec": 12,
}
_MIN_YEAR, _MAX_YEAR = 1900, 2100

# Spaces people and spreadsheets put in numbers: space, no-break space, narrow no-break space, tab.
SPACES = " \t\u00a0\u202f\u2009"
MISSING_TOKENS = {"", "-", "–", "—", "nd", "n.d.", "n/d", "na", "nan", "null", "none", "ns"}
SECRET_TOKENS = {"s", "secret", "c", "confidentiel", "secret statistique"}


@dataclass(frozen=True)
class Period:
    code: str          # '2023', '2023-T2', '2023-04'
    start: date


def normalise_text(text: str) -> str:
    """Lower case, no accents, runs of other characters as one '_' (for matching column names)."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def parse_period(raw: object) -> Period | None:
    """`2023`, `2023-T2`, `T2 2023`, `2e trimestre 2023`, `2023-04`, `04/2023`, `avril 2023`, an
    Excel date (the first of a month) → a Period; anything else → None."""
    if raw is None:
        return None
    if isinstance(raw, datetime | date):
        return _month(raw.year, raw.month)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = normalise_text(str(raw)).replace("_", " ")
    if not text:
        return None
    if m := re.fullmatch(r"(\d{4})( 0)?", text):
        return _year(int(m.group(1)))
    if m := re.fullmatch(r"(\d{4}) ?t ?([1-4])", text) or re.fullmatch(r"(\d{4}) ?q ?([1-4])", text):
        return _quarter(int(m.group(1)), int(m.group(2)))
    if m := re.fullmatch(r"t ?([1-4]) ?(\d{4})", text) or re.fullmatch(
            r"([1-4]) ?(?:er|e|eme)? ?trim(?:estre)? ?(\d{4})", text):
        return _quarter(int(m.group(2)), int(m.group(1)))
    if m := re.fullmatch(r"(\d{4}) (\d{1,2})(?: 0?1)?(?: 00 00 00)?", text):
        return _month(int(m.group(1)), int(m.group(2)))          # 2023-04, 2023/04, 2023-04-01
    if m := re.fullmatch(r"(?:0?1 )?(\d{1,2}) (\d{4})", text):
        return _month(int(m.group(2)), int(m.group(1)))          # 04/2023, 01/04/2023
    if m := re.fullmatch(r"([a-z]+) ?(\d{4})", text):
        month = _MONTHS.get(m.group(1))
        return _month(int(m.group(2)), month) if month else None
    return None


def _year(year: int) -> Period | None:
    return Period(str(year), date(year, 1, 1)) if _MIN_YEAR <= year <= _MAX_YEAR else None


def _quarter(year: int, quarter: int) -> Period | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    return Period(f"{year}-T{quarter}", date(year, 3 * quarter - 2, 1))


def _month(year: int, month: int) -> Period | None:
    if not (_MIN_YEAR <= year <= _MAX_YEAR and 1 <= month <= 12):
        return None
    return Period(f"{year}-{month:02d}", date(year, month, 1))


_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_DOTTED_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?|[+-]?\d{1,3}(\.\d{3})+,\d+")


def parse_number(raw: object) -> float | None:
    """`1 234,5` / `1 234,5` / `12,5 %` / `1.234.567` / `3.5` → float; unreadable → None.

    The Python twin of the SQL macro `dq_number` (same rules; tests check they agree).
    """
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = "".join(ch for ch in str(raw).strip() if ch not in SPACES).rstrip("%")
    text = text.replace("\u2212", "-")
    if _DOTTED_THOUSANDS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _NUMBER.fullmatch(text):
        text = text.replace(",", ".")
    else:
        return None
    return float(text)


def number_to_text(value: float | int) -> str:
    """A number read from a spreadsheet cell, written so that `parse_number` reads it back exactly."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.15f}".rstrip("0")
    return text.replace(".", ",")


def install_macros(cur: duckdb.DuckDBPyConnection) -> None:
    """SQL twins of the Python parsers, as temporary macros of this cursor.

    `dq_clean(s)`: the text without spaces (any kind), final '%' and with '−' as '-';
    `dq_parse_clean(x)`: a DOUBLE or NULL from cleaned text; `dq_number(s)` = both;
    `dq_token(s)`: lower-case trimmed text for status words.
    """
    chain = "s"
    for ch in SPACES:
        chain = f"replace({chain}, '{ch}', '')"
    cur.execute(f"""CREATE OR REPLACE TEMP MACRO dq_clean(s) AS
        replace(rtrim({chain}, '%'), '\u2212', '-')""")
    # Nested CASEs: DuckDB evaluates a branch only on the rows that reach it (an AND would run the
    # regular expression on every row).
    cur.execute(r"""CREATE OR REPLACE TEMP MACRO dq_parse_clean(x) AS (
        CASE WHEN strpos(x, '.') > 0 AND strpos(x, '.') < length(x) - 2
             THEN CASE WHEN regexp_full_match(x, '[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?|[+-]?\d{1,3}(\.\d{3})+,\d+')
                       THEN TRY_CAST(replace(replace(x, '.', ''), ',', '.') AS DOUBLE)
                       WHEN regexp_full_match(x, '[+-]?(\d+([.,]\d*)?|[.,]\d+)')
                       THEN TRY_CAST(replace(x, ',', '.') AS DOUBLE) END
             WHEN regexp_full_match(x, '[+-]?(\d+([.,]\d*)?|[.,]\d+)')
             THEN TRY_CAST(replace(x, ',', '.') AS DOUBLE)
        END)""")
    # Most cells are plain numbers (`1234`, `12,5`): read them directly, clean the others.
    cur.execute(r"""CREATE OR REPLACE TEMP MACRO dq_number(s) AS (
        CASE WHEN regexp_full_match(s, '[+-]?[0-9]+([.,][0-9]+)?') THEN TRY_CAST(replace(s, ',', '.') AS DOUBLE)
             ELSE dq_parse_clean(dq_clean(s)) END)""")
    cur.execute("CREATE OR REPLACE TEMP MACRO dq_token(s) AS lower(trim(coalesce(s, '')))")
