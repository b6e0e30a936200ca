"""Shared words, colours, safe text, file and sheet names, and Excel number formats of the exports."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from dq_core.store.territories import Quartier

APP_NAME = "Data & Quartiers"
DEMO_BANNER = "Données fictives de démonstration — territoires et chiffres inventés, à ne pas citer."
DEMO_WORDS = "Données fictives de démonstration"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
ZIP_MIME = "application/zip"

# Text that a spreadsheet would read as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BLUE, ORANGE = "#1a5a96", "#a63f00"
BETTER_FILL, WORSE_FILL = "#e3eef8", "#fbe6d6"
SERIES_STYLES = {          # one colour per territory, the quartier drawn thicker
    "quartier": {"color": BLUE, "width": 2.5},
    "commune": {"color": ORANGE, "width": 1.75},
    "epci": {"color": "#5b8c3a", "width": 1.25, "dash_type": "dash"},
    "departement": {"color": "#8c6bb1", "width": 1.25, "dash_type": "dash"},
    "region": {"color": "#9a9a9a", "width": 1.25, "dash_type": "round_dot"},
    "france": {"color": "#333333", "width": 1.25, "dash_type": "long_dash"},
    "quartiers": {"color": "#d08c00", "width": 1.25, "dash_type": "round_dot"},
}


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def slug(text: str, max_length: int = 40) -> str:
    """`Les Tilleuls – Nord` → `les-tilleuls-nord`: safe in a file name on every system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:max_length].rstrip("-") or "quartier"


DEMO_SUFFIX = "_donnees-fictives"    # every file exported from the demo says so in its name


def fiche_filename(quartier: Quartier, exported_on: date | None = None, *, demo: bool = False) -> str:
    """`fiche_les-tilleuls-QNX0101M_2026-03-12.xlsx` (name and code: names repeat across communes)."""
    code = re.sub(r"[^A-Za-z0-9]+", "", quartier.code) or "code"
    day = (exported_on or date.today()).isoformat()
    return f"fiche_{slug(quartier.name)}-{code}_{day}{DEMO_SUFFIX if demo else ''}.xlsx"


def batch_filename(label: str, exported_on: date | None = None, suffix: str = ".zip", *,
                   demo: bool = False) -> str:
    day = (exported_on or date.today()).isoformat()
    return f"fiches_{slug(label)}_{day}{DEMO_SUFFIX if demo else ''}{suffix}"


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("' ") or "Feuille"
    base = base[:31]
    candidate, i = base, 2
    while candidate.lower() in taken:
        suffix = f" ({i})"
        candidate, i = base[:31 - len(suffix)] + suffix, i + 1
    taken.add(candidate.lower())
    return candidate


def number_format(unit: str, decimals: int) -> str:
    """Excel (US notation) format of a value: `0.0%` for rates stored as fractions, else `#,##0.0`."""
    dec = "." + "0" * decimals if decimals > 0 else ""
    if unit == "%":
        return f"0{dec}%"
    return f"#,##0{dec}"


def change_format(unit: str, decimals: int) -> str:
    """Signed changes; rates change in points."""
    dec = "." + "0" * decimals if decimals > 0 else ""
    if unit == "%":
        return f'+0{dec}" pt";-0{dec}" pt";0{dec}" pt"'
    return f"+#,##0{dec};-#,##0{dec};0{dec}"


def stored(value: float, unit: str, decimals: int) -> float:
    """The number written in a cell: rounded to what the cell shows (no `0.4320000000000001` in the
    formula bar), percentages as fractions so that `0.0%` shows them right."""
    if unit == "%":
        return round(value / 100, decimals + 2)
    return round(value, decimals)
