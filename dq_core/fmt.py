"""French formatting of numbers, values with units, periods and changes, for screens and texts."""

from __future__ import annotations

import math

NBSP = "\u00a0"        # before units and '%'
NNBSP = "\u202f"       # thousands separator, as in French typography
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]
SECRET_MARK = "s"


def number(x: float | int | None, decimals: int = 1, *, sign: bool = False) -> str:
    """`1234.5` → `1 234,5` (narrow no-break space for thousands, comma for decimals)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{abs(x):,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    if x < 0 and text.strip("0,\u202f") != "":
        text = "−" + text
    elif sign and x > 0:
        text = "+" + text
    return text


def value(x: float | None, unit: str, decimals: int = 1, *, secret: bool = False) -> str:
    """A figure with its unit, the French way: `47,3 %`, `12 500 €`, `3 486 habitants`."""
    if secret:
        return SECRET_MARK
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = number(x, decimals)
    if unit in ("", "ratio"):
        return text
    return f"{text}{NBSP}{unit}"


# Units short enough to follow every figure in a table; longer ones go in the column or row label.
SHORT_UNITS = {"%", "€", "€/m²", "km", "MWh"}


def cell(x: float | None, unit: str, decimals: int = 1, *, secret: bool = False) -> str:
    """A figure for a table cell: with its unit when short (`47,3 %`), the bare number otherwise."""
    return value(x, unit if unit in SHORT_UNITS else "", decimals, secret=secret)


def unit_note(unit: str) -> str | None:
    """What a row label says when its cells carry no unit: `en habitants`."""
    if unit in SHORT_UNITS or unit in ("", "ratio"):
        return None
    return f"en {unit}"


def ascii_sign(text: str) -> str:
    """Streamlit's metric arrows only read an ASCII minus."""
    return text.replace("−", "-")


def change(delta: float | None, unit: str, decimals: int = 1) -> str:
    """A signed change: points for rates (`+1,2 pt`), the unit otherwise."""
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "–"
    if unit == "%":
        pts = "pt" if abs(round(delta, decimals)) < 2 else "pts"
        return f"{number(delta, decimals, sign=True)}{NBSP}{pts}"
    return value(delta, unit, decimals).replace(number(delta, decimals), number(delta, decimals, sign=True), 1)


def period(code: str) -> str:
    """`2021` → `2021`; `2024-03` → `mars 2024`; `2023-T2` → `2e trimestre 2023`."""
    if len(code) == 7 and code[4] == "-" and code[5:].isdigit():
        return f"{MONTHS[int(code[5:]) - 1]} {code[:4]}"
    if len(code) == 7 and code[5] == "T":
        quarter = code[6]
        return f"{quarter}{'er' if quarter == '1' else 'e'} trimestre {code[:4]}"
    return code


def date_fr(d) -> str:
    """A date as `29 novembre 2026`."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
