"""Periods as people write them: `2023`, `2023-T2`, `T2 2023`, `2023-04`, `04/2023`, `avril 2023`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from dq_core.files.read.text import normalise_text

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12,
    "dec": 12,
}
_MIN_YEAR, _MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class Period:
    code: str          # '2023', '2023-T2', '2023-04'
    start: date


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
