"""Excel and CSV exports: the workbook of a quartier, batches of quartiers, and any table view.

Public API (no Streamlit; pages and the CLI call these):

- `fiche_workbook_bytes(cur, code)` / `write_fiche_workbook(data, target)` and `fiche_filename(...)`:
  the workbook a funding application needs — Synthèse (identity, key indicators with changes and
  the six references, « Texte pour un dossier »), one sheet per domain (full series of the quartier
  and its references, one native line chart per indicator), Sources et définitions, Avertissements.
- `select_quartiers(cur, ...)`: the quartiers of a commune, an EPCI, a département, or all of them.
- `write_zip`, `write_directory`, `write_combined_workbook`, `export_to_path`: batches, with a
  progress callback and bounded memory (one quartier at a time; the combined workbook streams its
  rows with XlsxWriter's `constant_memory`).
- `table_to_xlsx(title, frame, chart=ChartSpec(...))` and `table_to_csv(frame)`: what a table view
  (Comparer, Évolution…) shows, as a workbook with a native chart, or as a CSV French Excel opens.

Rules every writer here follows:
- Text that comes from data is written with `write_string`, never `write`; text starting with
  `=`, `+`, `-`, `@`, a tab or a carriage return also gets Excel's "quote prefix" so that editing
  the cell keeps it text. Chart titles that come from data are cell references, never literal
  strings (XlsxWriter reads a literal starting with `=` as a formula); series names are our own
  words. In CSV such text is prefixed with an apostrophe.
- Secret cells are the string `s`, never a number; charts point at numeric ranges where a secret
  cell is empty (Excel would plot the text `s` as zero).
- Number formats use Excel's US notation (`#,##0.0`, `0.0%`); French Excel and LibreOffice display
  them as `1 234,5` and `12,5 %`. Percentages are stored as fractions (46 % → 0.46); changes of
  rates are stored in points.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

import dq_core
from dq_core import fmt
from dq_core.errors import DQError
from dq_core.explore.fiche import Fiche, IndicatorLine, Point, assemble_fiche, observations_by_territory
from dq_core.explore.texts import DEMO_NOTE, DossierText, citation, dossier_text
from dq_core.store import db
from dq_core.store.catalogue import Indicator, domain_labels, load_indicators
from dq_core.store.territories import REFERENCE_KEYS, REFERENCE_LABELS, VINTAGE_LABELS, Quartier, get_quartier

APP_NAME = "Data & Quartiers"
DEMO_BANNER = "Données fictives de démonstration — territoires et chiffres inventés, à ne pas citer."
DEMO_WORDS = "Données fictives de démonstration"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
ZIP_MIME = "application/zip"

Progress = Callable[[int, int, str], None]      # (done, total, what is being written)

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
# Chart legends: short names of our own (the table's header row names the territories).
SERIES_NAMES = {"quartier": "Quartier", "commune": "Commune", "epci": "EPCI", "departement": "Département",
                "region": "Région", "france": "France", "quartiers": "Ensemble des quartiers"}
ASSESSMENT_WORDS = {"better": "▲ plus favorable", "worse": "▼ moins favorable", "close": "≈ proche",
                    "higher": "▲ supérieur", "lower": "▼ inférieur"}
TREND_WORDS = {"better": "▲ amélioration", "worse": "▼ dégradation", "stable": "≈ stable",
               "higher": "▲ hausse", "lower": "▼ baisse"}
KIND_LABELS = {"count": "effectif", "rate": "taux", "ratio": "rapport", "mean": "moyenne",
               "median": "médiane", "index": "indice"}
DIRECTION_LABELS = {"higher_better": "plus c'est haut, mieux c'est",
                    "higher_worse": "plus c'est haut, moins c'est favorable", "neutral": "neutre"}

# Synthèse / quartier sheet: the table of indicators.
FICHE_COLUMNS = [
    ("Domaine", 22), ("Indicateur", 40), ("Unité", 11), ("Période", 14), ("Valeur", 11),
    ("Évolution depuis la valeur précédente", 13), ("Depuis", 9), ("Évolution sur 5 ans", 12),
    ("Depuis", 9), ("Tendance", 15),
    *((REFERENCE_LABELS[k], 12) for k in REFERENCE_KEYS),
    ("Par rapport à la commune", 17),
]
COL_VALUE, COL_PREV, COL_5Y, COL_TREND, COL_REF0 = 4, 5, 7, 9, 10
COL_ASSESS = COL_REF0 + len(REFERENCE_KEYS)
HEADER_ROW = 3                      # rows 0-2: title, information line, demo banner
FIRST_ROW = HEADER_ROW + 1

# Domain sheets: period, quartier, six references, remarks; then the chart, then hidden chart data.
SERIES_KEYS = ("quartier", *REFERENCE_KEYS)
COL_REMARK = 1 + len(SERIES_KEYS)
COL_CHART = COL_REMARK + 2
COL_CHART_DATA = 24
CHART_WIDTH, CHART_HEIGHT, CHART_ROWS = 620, 300, 15
REMARK_WIDTH = 34


# --------------------------------------------------------------------------------------------
# What a quartier's workbook needs: its fiche, the full series of its references, its text.

@dataclass
class QuartierExport:
    fiche: Fiche
    reference_series: dict[str, dict[str, list[Point]]]   # reference key -> indicator -> points
    text: DossierText
    workspace_name: str = ""

    @property
    def quartier(self) -> Quartier:
        return self.fiche.quartier

    def series(self, key: str, indicator_id: str) -> list[Point]:
        """The points of the quartier (`key` "quartier") or of one of its references."""
        if key == "quartier":
            if not hasattr(self, "_own"):
                self._own = {ln.indicator.id: ln.series for ln in self.fiche.lines()}
            return self._own.get(indicator_id, [])
        return self.reference_series.get(key, {}).get(indicator_id, [])


class FicheLoader:
    """Loads quartiers one after the other for export, reading the catalogue once and keeping
    the observations of the most recently used reference territories (a batch of quartiers shares
    its département, région, France…): one query per quartier for its own figures."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, cache_size: int = 256):
        self.cur = cur
        self.indicators = load_indicators(cur)
        self.labels = domain_labels(cur)
        self.demo = db.is_demo(cur)
        self.workspace_name = db.get_meta(cur, "workspace_name") or "Ma base"
        self.cache_size = cache_size
        self._references: OrderedDict[str, dict[str, list[Point]]] = OrderedDict()

    def load(self, code: str) -> QuartierExport:
        quartier = get_quartier(self.cur, code)
        ref_codes = [t.code for t in quartier.references.values()]
        missing = [c for c in dict.fromkeys(ref_codes) if c not in self._references]
        fetched = observations_by_territory(self.cur, [quartier.code, *missing])
        for c in missing:
            self._references[c] = fetched[c]
        observations = {quartier.code: fetched[quartier.code]}
        for c in ref_codes:
            self._references.move_to_end(c)
            observations[c] = self._references[c]
        while len(self._references) > self.cache_size:
            self._references.popitem(last=False)
        fiche = assemble_fiche(quartier, self.indicators, self.labels, observations, self.demo)
        series = {key: observations[t.code] for key, t in quartier.references.items()}
        return QuartierExport(fiche, series, dossier_text(fiche), self.workspace_name)


def load_export(cur: duckdb.DuckDBPyConnection, code: str) -> QuartierExport:
    return FicheLoader(cur).load(code)


# --------------------------------------------------------------------------------------------
# Small helpers: safe text, names, formats.

def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def slug(text: str, max_length: int = 40) -> str:
    """`Les Tilleuls – Nord` → `les-tilleuls-nord`: safe in a file name on every system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:max_length].rstrip("-") or "quartier"


def fiche_filename(quartier: Quartier, exported_on: date | None = None) -> str:
    """`fiche_les-tilleuls-QNX0101M_2026-03-12.xlsx` (name and code: names repeat across communes)."""
    code = re.sub(r"[^A-Za-z0-9]+", "", quartier.code) or "code"
    day = (exported_on or date.today()).isoformat()
    return f"fiche_{slug(quartier.name)}-{code}_{day}.xlsx"


def batch_filename(label: str, exported_on: date | None = None, suffix: str = ".zip") -> str:
    return f"fiches_{slug(label)}_{(exported_on or date.today()).isoformat()}{suffix}"


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


def stored(value: float, unit: str) -> float:
    """The number written in a cell: percentages as fractions so that `0.0%` shows them right."""
    return value / 100 if unit == "%" else value


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes once wrapped in a column `width` characters wide (Calibri 10)."""
    per_line = max(int(width * 1.15), 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _hf(text: str) -> str:
    """Text for a print header/footer: `&` is a control character there."""
    return text.replace("&", "&&")[:120]


class _Book:
    """An XlsxWriter workbook with the project's formats and safe writers."""

    def __init__(self, target: str | Path | BinaryIO, *, constant_memory: bool = False):
        options: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False, "nan_inf_to_errors": True}
        if constant_memory:
            options["constant_memory"] = True
        elif not isinstance(target, str | Path):
            options["in_memory"] = True
        self.wb: Workbook = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target),
                                                options)
        self.sheet_names: set[str] = set()
        self._formats: dict[tuple, Any] = {}

    def fmt(self, **props) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format({"font_name": "Calibri", "font_size": 10,
                                                     "valign": "vcenter", **props})
        return self._formats[key]

    def add_sheet(self, name: str) -> Worksheet:
        return self.wb.add_worksheet(sheet_name(name, self.sheet_names))

    # Writers -------------------------------------------------------------------------------
    def text(self, ws: Worksheet, row: int, col: int, value: object, **props) -> None:
        """Text from anywhere (data included): a string cell, never a formula."""
        value = "" if value is None else str(value)
        if is_formula_like(value):
            props = {**props, "quote_prefix": True}
        ws.write_string(row, col, value, self.fmt(**props) if props else None)

    def number(self, ws: Worksheet, row: int, col: int, value: float | None, num_format: str,
               **props) -> None:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_blank(row, col, None, self.fmt(**props) if props else None)
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

    def page_setup(self, ws: Worksheet, title: str, demo: bool, repeat_row: int | None = HEADER_ROW
                   ) -> None:
        ws.set_landscape()
        ws.set_paper(9)                        # A4
        ws.fit_to_pages(1, 0)                  # every column on the page width, as many pages as needed
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
        if repeat_row is not None:
            ws.repeat_rows(repeat_row)
        header = f'&L&"-,Bold"{_hf(DEMO_WORDS)}' if demo else ""
        ws.set_header(header)
        ws.set_footer(f"&L{_hf(APP_NAME + ' — ' + title)}&RPage &P / &N")

    def header_row(self, ws: Worksheet, row: int, columns: Sequence[tuple[str, float]],
                   first_col: int = 0, left: int = 2) -> None:
        """Column headers (the first `left` ones aligned left, like their text), with widths."""
        lines = max(_lines(label, width) for label, width in columns)
        ws.set_row(row, 13 * min(lines, 5) + 4)
        for i, (label, width) in enumerate(columns):
            ws.set_column(first_col + i, first_col + i, width)
            self.text(ws, row, first_col + i, label, bold=True, text_wrap=True, valign="bottom",
                      bottom=2, bg_color="#f2f5f8", align="left" if i < left else "center")

    @staticmethod
    def fit_row(ws: Worksheet, row: int, cells: Iterable[tuple[str, float]]) -> None:
        """Give a row holding wrapped text the height of its longest cell (LibreOffice does not
        resize rows by itself when it opens a file; Excel does, but an explicit height is safe)."""
        lines = max((_lines(text, width) for text, width in cells), default=1)
        if lines > 1:
            ws.set_row(row, 13 * lines + 2)

    def close(self) -> None:
        self.wb.close()


def _properties(title: str, subject: str, exported_on: date) -> dict:
    return {"title": title, "subject": subject, "author": APP_NAME, "company": APP_NAME,
            "category": "Politique de la ville", "keywords": "QPV, quartiers prioritaires, indicateurs",
            "comments": f"Généré par {APP_NAME} {dq_core.__version__} le {fmt.date_fr(exported_on)}.",
            "created": datetime.combine(exported_on, datetime.now().time())}


# --------------------------------------------------------------------------------------------
# The workbook of one quartier.

def fiche_workbook_bytes(cur: duckdb.DuckDBPyConnection, code: str, *,
                         exported_on: date | None = None) -> bytes:
    """The quartier's workbook, as bytes (for a download button)."""
    buffer = io.BytesIO()
    write_fiche_workbook(load_export(cur, code), buffer, exported_on=exported_on)
    return buffer.getvalue()


def write_fiche_workbook(data: QuartierExport, target: str | Path | BinaryIO, *,
                         exported_on: date | None = None) -> None:
    """Write the workbook of one quartier to a path or a binary file object."""
    day = exported_on or date.today()
    fiche, q = data.fiche, data.quartier
    book = _Book(target)
    book.wb.set_properties(_properties(
        f"Fiche quartier {q.name} ({q.code})",
        "Indicateurs du quartier prioritaire, évolutions et territoires de référence", day))
    synthese = book.add_sheet("Synthèse")
    _write_synthese(book, synthese, data, day)
    for _, label, lines in fiche.domains:
        _write_domain_sheet(book, book.add_sheet(label), data, label, lines, day)
    _write_sources_sheet(book, book.add_sheet("Sources et définitions"),
                         [_source_row(line, label) for _, label, lines in fiche.domains for line in lines],
                         fiche.demo, day, f"{q.name} ({q.code})")
    _write_warnings_sheet(book, book.add_sheet("Avertissements"), _warnings(data), fiche.demo,
                          f"{q.name} ({q.code})")
    synthese.activate()
    book.close()


def _place(q: Quartier) -> str:
    refs = q.references
    parts = [q.commune_names or "commune non renseignée"]
    parts += [refs[k].name for k in ("epci", "departement") if k in refs]
    return " · ".join(parts)


def _write_synthese(book: _Book, ws: Worksheet, data: QuartierExport, day: date) -> None:
    fiche, q = data.fiche, data.quartier
    title = f"Fiche quartier — {q.name} ({q.code})"
    book.title_rows(ws, title, f"{_place(q)} — export du {day:%d/%m/%Y}", fiche.demo)
    book.header_row(ws, HEADER_ROW, _fiche_headers(q))
    ws.freeze_panes(FIRST_ROW, 2)
    row = FIRST_ROW
    for label, line in key_lines(fiche):
        _fiche_row(book, ws, row, label, line, comments=True)
        row += 1
    last_table_row = row - 1
    row += 1
    row = _identity_block(book, ws, row, data, day)
    row = _text_block(book, ws, row + 1, data.text)
    _legend(book, ws, row + 1)
    book.page_setup(ws, title, fiche.demo)
    ws.print_area(0, 0, max(row + 4, last_table_row), COL_ASSESS)


def key_lines(fiche: Fiche) -> list[tuple[str, IndicatorLine]]:
    """The Synthèse's indicators: every key indicator, and the first indicator with a value of a
    domain that has none, so that every domain is represented."""
    chosen = []
    for _, label, lines in fiche.domains:
        key = [line for line in lines if line.indicator.is_key]
        if not key:
            key = [next((line for line in lines if line.latest is not None), lines[0])]
        chosen += [(label, line) for line in key]
    return chosen


def reference_header(q: Quartier, key: str) -> str:
    """`Commune : Villeneuve` — or only the name when it already says what it is (`France`)."""
    label, territory = REFERENCE_LABELS[key], q.references.get(key)
    if territory is None:
        return f"{label} (non disponible)"
    if territory.name.lower().startswith(label.lower()):
        return territory.name
    return f"{label} : {territory.name}"


def _fiche_headers(q: Quartier) -> list[tuple[str, float]]:
    headers = list(FICHE_COLUMNS)
    for i, key in enumerate(REFERENCE_KEYS):
        headers[COL_REF0 + i] = (reference_header(q, key), FICHE_COLUMNS[COL_REF0 + i][1])
    return headers


def _fiche_row(book: _Book, ws: Worksheet, row: int, domain_label: str, line: IndicatorLine, *,
               comments: bool) -> None:
    """One indicator: latest value, changes, trend, the six references, assessment."""
    ind, latest = line.indicator, line.latest
    book.fit_row(ws, row, [(ind.label, FICHE_COLUMNS[1][1])])
    book.text(ws, row, 0, domain_label, font_color="#555555", valign="top")
    book.text(ws, row, 1, ind.label, text_wrap=True, valign="top")
    book.text(ws, row, 2, ind.unit, valign="top")
    value_format = number_format(ind.unit, ind.decimals)
    if latest is None:
        book.missing(ws, row, COL_VALUE)
    else:
        book.text(ws, row, 3, fmt.period(latest.period) + (" (provisoire)" if latest.provisional else ""),
                  valign="top")
        if latest.secret:
            book.secret(ws, row, COL_VALUE, bold=True)
        elif latest.value is None:
            book.missing(ws, row, COL_VALUE)
        else:
            book.number(ws, row, COL_VALUE, stored(latest.value, ind.unit), value_format, bold=True)
    _change_cells(book, ws, row, COL_PREV, line.change_previous, line.previous,
                  broken=line.previous is not None and line.change_previous is None
                  and latest is not None and latest.value is not None, unit=ind.unit,
                  decimals=ind.decimals)
    _change_cells(book, ws, row, COL_5Y, line.change_5y, line.five_years_ago,
                  broken=line.break_in_5y, unit=ind.unit, decimals=ind.decimals)
    trend = line.trend()
    _assessment_cell(book, ws, row, COL_TREND, trend, TREND_WORDS)
    for i, key in enumerate(REFERENCE_KEYS):
        col = COL_REF0 + i
        ref = line.references.get(key)
        if ref is None or (ref.value is None and not ref.secret):
            book.missing(ws, row, col)
            continue
        if ref.secret:
            book.secret(ws, row, col)
        else:
            book.number(ws, row, col, stored(ref.value, ind.unit), value_format)
        if comments and latest is not None and ref.period != latest.period:
            ws.write_comment(row, col, f"Valeur de {fmt.period(ref.period)} (pas de valeur pour "
                             f"{fmt.period(latest.period)}).", {"author": APP_NAME})
    # A count is not compared with the commune's (a part is always smaller than its whole).
    gap = line.gap_with("commune") if ind.kind != "count" else None
    _assessment_cell(book, ws, row, COL_ASSESS, gap, ASSESSMENT_WORDS)


def _change_cells(book: _Book, ws: Worksheet, row: int, col: int, delta: float | None,
                  since: Point | None, *, broken: bool, unit: str, decimals: int) -> None:
    if broken:
        book.text(ws, row, col, "non comparable", italic=True, font_color="#777777", align="right")
    elif delta is None:
        book.missing(ws, row, col)
    else:
        book.number(ws, row, col, delta, change_format(unit, decimals))
    if since is not None and (delta is not None or broken):
        book.text(ws, row, col + 1, fmt.period(since.period), font_color="#555555")


def _assessment_cell(book: _Book, ws: Worksheet, row: int, col: int, assessment: str | None,
                     words: dict[str, str]) -> None:
    if assessment is None:
        book.missing(ws, row, col)
        return
    colours = {"better": (BLUE, BETTER_FILL), "worse": (ORANGE, WORSE_FILL)}.get(assessment)
    if colours:
        book.text(ws, row, col, words[assessment], font_color=colours[0], bg_color=colours[1], bold=True)
    else:
        book.text(ws, row, col, words[assessment])


def _identity_block(book: _Book, ws: Worksheet, row: int, data: QuartierExport, day: date) -> int:
    fiche, q = data.fiche, data.quartier
    refs = q.references
    book.text(ws, row, 0, "Identité du quartier", bold=True, font_size=12, font_color=BLUE)
    row += 1
    label = {"bold": True, "valign": "top"}
    pairs: list[tuple[str, object]] = [
        ("Quartier", q.name), ("Code", q.code),
        ("Géographie prioritaire", VINTAGE_LABELS.get(q.vintage, "non précisée")),
        ("Communes" if len(q.communes) > 1 else "Commune", q.commune_names or "–"),
    ]
    pairs += [(REFERENCE_LABELS[k], refs[k].name if k in refs else "–")
              for k in ("epci", "departement", "region")]
    for name, value in pairs:
        book.text(ws, row, 0, name, **label)
        book.text(ws, row, 1, value)
        row += 1
    book.text(ws, row, 0, "Population", **label)
    pop = fiche.population
    if pop is not None and pop.value is not None:
        book.number(ws, row, 1, pop.value, '#,##0" habitants"', align="left")
        book.text(ws, row, 2, f"({fmt.period(pop.period)})")
    else:
        book.text(ws, row, 1, "non disponible")
    row += 1
    book.text(ws, row, 0, "Date de l'export", **label)
    ws.write_datetime(row, 1, datetime.combine(day, datetime.min.time()),
                      book.fmt(num_format="dd/mm/yyyy", align="left"))
    row += 1
    book.text(ws, row, 0, "Base de données", **label)
    demo_word = fiche.demo and "monstration" not in data.workspace_name.lower()
    book.text(ws, row, 1, data.workspace_name + (" (démonstration)" if demo_word else ""))
    row += 1
    book.text(ws, row, 0, "Produit par", **label)
    book.text(ws, row, 1, f"{APP_NAME} {dq_core.__version__}")
    return row + 1


def _text_block(book: _Book, ws: Worksheet, row: int, text: DossierText) -> int:
    """« Texte pour un dossier », one paragraph per row, wrapped over the table's width."""
    book.text(ws, row, 0, "Texte pour un dossier", bold=True, font_size=12, font_color=BLUE)
    book.text(ws, row + 1, 0, "Phrases à copier dans un dossier de financement ou un bilan ; "
              "chiffres, sources et années sont ceux de cette fiche.", italic=True, font_color="#555555")
    row += 2
    paragraphs = [s.text for s in text.sentences]
    if text.notes:
        paragraphs.append("À noter : " + " ".join(text.notes))
    if text.demo:
        paragraphs.insert(0, DEMO_NOTE)
    wrap = book.fmt(text_wrap=True, valign="top")
    # A merged cell does not grow by itself: size each row for its text.
    per_line = int(sum(width for _, width in FICHE_COLUMNS) * 1.1)
    for paragraph in paragraphs:
        lines = max(1, math.ceil(len(paragraph) / per_line))
        ws.set_row(row, 15 * lines + 3)
        if is_formula_like(paragraph):
            wrap = book.fmt(text_wrap=True, valign="top", quote_prefix=True)
        ws.merge_range(row, 0, row, COL_ASSESS, "", wrap)
        ws.write_string(row, 0, paragraph, wrap)
        row += 1
    return row


def _legend(book: _Book, ws: Worksheet, row: int) -> None:
    notes = [
        "Lecture : s = secret statistique (valeur non diffusée) ; – = pas de donnée ; les évolutions des "
        "taux sont en points (pt).",
        "▲ plus favorable / ▼ moins favorable selon le sens de chaque indicateur (bleu = plus "
        "favorable, orange = moins favorable) ; « proche » = écart de moins de 3 %.",
        "Références : une case commentée (triangle rouge) donne une valeur d'une autre période que "
        "celle du quartier.",
    ]
    for i, note in enumerate(notes):
        book.text(ws, row + i, 0, note, italic=True, font_color="#555555")


# Domain sheets ---------------------------------------------------------------------------------

def _series_headers(q: Quartier) -> list[tuple[str, float]]:
    headers: list[tuple[str, float]] = [("Période", 14), (f"Quartier : {q.name}", 14)]
    headers += [(reference_header(q, key), 13) for key in REFERENCE_KEYS]
    headers.append(("Remarques (quartier)", REMARK_WIDTH))
    return headers


def _write_domain_sheet(book: _Book, ws: Worksheet, data: QuartierExport, label: str,
                        lines: list[IndicatorLine], day: date) -> None:
    q = data.quartier
    title = f"{label} — {q.name} ({q.code})"
    book.title_rows(ws, title, "Séries complètes du quartier et de ses territoires de référence ; "
                    "un graphique par indicateur. s = secret statistique.", data.fiche.demo)
    book.header_row(ws, HEADER_ROW, _series_headers(q))
    ws.freeze_panes(FIRST_ROW, 1)
    ws.set_column(COL_REMARK + 1, COL_REMARK + 1, 2)
    ws.set_column(COL_CHART_DATA, COL_CHART_DATA + len(SERIES_KEYS) - 1, 10, None, {"hidden": True})
    row = FIRST_ROW
    for line in lines:
        row = _series_block(book, ws, row, data, line)
    book.page_setup(ws, title, data.fiche.demo)


def _series_block(book: _Book, ws: Worksheet, row: int, data: QuartierExport,
                  line: IndicatorLine) -> int:
    """One indicator: a title row, a source row, one row per period, and its line chart."""
    ind = line.indicator
    title_row = row
    band = {"bold": True, "bg_color": "#e8eef5", "top": 1}
    book.text(ws, row, 0, ind.label, **band)
    for col in range(1, COL_REMARK + 1):
        ws.write_blank(row, col, None, book.fmt(**band))
    unit = "en %" if ind.unit == "%" else (f"en {ind.unit}" if ind.unit not in ("", "ratio") else "rapport")
    book.text(ws, row + 1, 0, f"{unit} — Source : {ind.producer}, {ind.dataset}", italic=True,
              font_color="#555555")
    row += 2
    series = {key: {p.period: p for p in data.series(key, ind.id)} for key in SERIES_KEYS}
    periods = sorted({(p.period_start, p.period) for points in series.values() for p in points.values()})
    if not periods:
        book.text(ws, row, 0, "Pas de donnée pour ce quartier ni pour ses territoires de référence.",
                  italic=True, font_color="#777777")
        return row + 2
    value_format = number_format(ind.unit, ind.decimals)
    points = [(period, [series[key].get(period) for key in SERIES_KEYS]) for _, period in periods]
    has_number = {key: any(p[j] is not None and p[j].value is not None and not p[j].secret
                           for _, p in points) for j, key in enumerate(SERIES_KEYS)}
    has_secret = {key: any(p[j] is not None and p[j].secret for _, p in points)
                  for j, key in enumerate(SERIES_KEYS)}
    first = row
    monthly = all(is_month(period) for _, period in periods)
    # The hot loop of an export: formats looked up once, cells written directly.
    plain_value = book.fmt(num_format=value_format)
    bold_value = book.fmt(num_format=value_format, bold=True)
    secret_format = book.fmt(align="right", italic=True)
    month_format = book.fmt(num_format="mmmm yyyy", align="left")
    period_format = book.fmt()
    percent = ind.unit == "%"
    for (start, period), (_, row_points) in zip(periods, points, strict=True):
        if monthly:
            # Real dates: French Excel shows "janvier 2018", and the chart gets a date axis.
            ws.write_datetime(row, 0, datetime(start.year, start.month, start.day), month_format)
        else:
            ws.write_string(row, 0, fmt.period(period), period_format)   # a validated period code
        for j, point in enumerate(row_points):
            if point is None:
                continue
            if point.secret:
                ws.write_string(row, 1 + j, fmt.SECRET_MARK, secret_format)
            elif point.value is not None:
                number = point.value / 100 if percent else point.value
                ws.write_number(row, 1 + j, number, bold_value if j == 0 else plain_value)
                if has_secret[SERIES_KEYS[j]]:
                    # The chart reads numbers only: its hidden copy leaves the secret cells empty.
                    ws.write_number(row, COL_CHART_DATA + j, number)
        remark = _remark(row_points[0])
        if remark:
            book.fit_row(ws, row, [(remark, REMARK_WIDTH)])
            book.text(ws, row, COL_REMARK, remark, font_color="#555555", text_wrap=True)
        row += 1
    last = row - 1
    # A count of the commune or of France dwarfs the quartier's: counts chart the quartier alone.
    drawn = [key for key in SERIES_KEYS if has_number[key] and (ind.kind != "count" or key == "quartier")]
    if drawn:
        chart = _line_chart(book, ws, ind, title_row, first, last, drawn, has_secret, monthly=monthly)
        ws.insert_chart(title_row, COL_CHART, chart, {"x_offset": 4, "y_offset": 2,
                                                      "object_position": 1})
    return max(row, title_row + CHART_ROWS + 1) + 1


def is_month(period: str) -> bool:
    return len(period) == 7 and period[4] == "-" and period[5:].isdigit()


def _remark(point: Point | None) -> str:
    if point is None:
        return ""
    parts = []
    if point.is_break:
        parts.append("rupture de série : non comparable avec la période précédente")
    if point.provisional:
        parts.append("provisoire")
    if point.secret:
        parts.append("secret statistique")
    if point.note:
        parts.append(point.note)
    return " ; ".join(parts)


def _line_chart(book: _Book, ws: Worksheet, ind: Indicator, title_row: int, first: int, last: int,
                drawn: list[str], has_secret: dict[str, bool], *, monthly: bool):
    chart = book.wb.add_chart({"type": "line"})
    first_series = True
    for j, key in enumerate(SERIES_KEYS):
        if key not in drawn:
            continue
        col = COL_CHART_DATA + j if has_secret[key] else 1 + j
        style = SERIES_STYLES[key]
        line = {"color": style["color"], "width": style["width"]}
        if "dash_type" in style:
            line["dash_type"] = style["dash_type"]
        series = {
            "name": SERIES_NAMES[key],                       # our own words, never data
            "values": [ws.name, first, col, last, col],
            "line": line,
        }
        if first_series:
            # The category axis comes from the first series; repeating it on every series only
            # repeats the cached labels in the file.
            series["categories"] = [ws.name, first, 0, last, 0]
            first_series = False
        if key == "quartier" and not monthly:
            series["marker"] = {"type": "circle", "size": 5, "fill": {"color": style["color"]},
                                "border": {"color": style["color"]}}
        chart.add_series(series)
    chart.set_title({"name": [ws.name, title_row, 0], "name_font": {"size": 10, "bold": True}})
    axis_format = "0%" if ind.unit == "%" else ("#,##0.0" if ind.decimals else "#,##0")
    chart.set_y_axis({"num_format": axis_format, "num_font": {"size": 8},
                      "major_gridlines": {"visible": True, "line": {"color": "#dddddd"}}})
    x_axis: dict[str, Any] = {"num_font": {"size": 8}}
    if monthly:
        x_axis.update({"date_axis": True, "num_format": "yyyy", "major_unit": 1, "major_unit_type": "years"})
    chart.set_x_axis(x_axis)
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.show_blanks_as("gap")
    if any(has_secret.values()):
        chart.show_hidden_data()              # the numeric copies live in hidden columns
    chart.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
    return chart


# Sources et définitions, Avertissements ---------------------------------------------------------

SOURCE_COLUMNS = [("Domaine", 14), ("Indicateur", 30), ("Producteur", 16), ("Source (jeu de données)", 24),
                  ("Périodes disponibles", 13), ("Dernière période", 10), ("Définition", 44),
                  ("Unité", 9), ("Nature", 9), ("Sens de lecture", 15), ("Secret statistique", 30),
                  ("Précautions", 30), ("Comment citer", 34), ("Identifiant", 22)]


def _source_row(line: IndicatorLine, domain_label: str) -> list[str]:
    known = [p for p in line.series if p.value is not None or p.secret]
    periods = f"{fmt.period(known[0].period)} – {fmt.period(known[-1].period)}" if known else "aucune"
    return source_row(line.indicator, domain_label, periods, known[-1].period if known else None)


def source_row(ind: Indicator, domain_label: str, periods: str, last: str | None) -> list[str]:
    cite = (f"Source : {citation(ind, last)} ; traitement {APP_NAME}" if last
            else f"Source : {ind.producer}, {ind.dataset} ; traitement {APP_NAME}")
    return [domain_label, ind.label, ind.producer, ind.dataset, periods,
            fmt.period(last) if last else "–", ind.definition, ind.unit, KIND_LABELS.get(ind.kind, ind.kind),
            DIRECTION_LABELS.get(ind.direction, ind.direction), ind.secret_rule or "Pas de seuil de secret.",
            ind.caveat or "", cite, ind.id]


def _write_sources_sheet(book: _Book, ws: Worksheet, rows: list[list[str]], demo: bool, day: date,
                         subject: str) -> None:
    title = f"Sources et définitions — {subject}"
    book.title_rows(ws, title, "Comment citer : « Source : producteur, jeu de données et période ; "
                    f"traitement {APP_NAME}, export du {day:%d/%m/%Y} » (colonne « Comment citer »).",
                    demo)
    book.header_row(ws, HEADER_ROW, SOURCE_COLUMNS, left=len(SOURCE_COLUMNS))
    ws.freeze_panes(FIRST_ROW, 2)
    wrap = {"text_wrap": True, "valign": "top"}
    widths = [width for _, width in SOURCE_COLUMNS]
    for i, values in enumerate(rows):
        row = FIRST_ROW + i
        book.fit_row(ws, row, zip(values, widths, strict=True))
        for col, value in enumerate(values):
            book.text(ws, row, col, value, **wrap)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), len(SOURCE_COLUMNS) - 1)
    book.page_setup(ws, title, demo)


WARNING_COLUMNS = [("Type", 18), ("Indicateur", 40), ("Territoire", 30), ("Périodes", 16), ("Détail", 70)]
WARNING_ORDER = ("Données fictives", "Secret statistique", "Rupture de série", "Valeur provisoire",
                 "Note", "Précaution")


def _warnings(data: QuartierExport, *, references: bool = True) -> list[tuple[str, str, str, str, str]]:
    """Every secret cell, provisional value, break, note and caveat behind the workbook's figures
    (those of the quartier, and of its references unless `references` is False); the periods of one
    kind of warning on one series are grouped on one row (`2015 à 2024`)."""
    fiche, q = data.fiche, data.quartier
    names = {"quartier": f"Quartier : {q.name}"}
    names.update({k: reference_header(q, k) for k in q.references})
    groups: dict[tuple[int, int, int, str], list[tuple[int, str]]] = {}
    for i, line in enumerate(fiche.lines()):
        ind = line.indicator
        for t, key in enumerate(SERIES_KEYS):
            if key != "quartier" and (not references or key not in q.references):
                continue
            for position, p in enumerate(data.series(key, ind.id)):
                for kind, detail in _point_warnings(p):
                    groups.setdefault((WARNING_ORDER.index(kind), i, t, detail), []).append(
                        (position, p.period))
        if ind.caveat:
            groups[(WARNING_ORDER.index("Précaution"), i, len(SERIES_KEYS), ind.caveat)] = []
    lines = fiche.lines()
    # The same warning on the same periods for several territories (a break in a national source)
    # is one row.
    merged: dict[tuple[int, int, str, str], list[int]] = {}
    for (kind, i, t, detail), periods in sorted(groups.items()):
        merged.setdefault((kind, i, period_runs(periods), detail), []).append(t)
    shown = [k for k in SERIES_KEYS if k == "quartier" or (references and k in q.references)]
    result = []
    for (kind, i, periods, detail), territories in sorted(merged.items(), key=lambda m: (m[0][:2], m[1])):
        keys = [SERIES_KEYS[t] for t in territories if t < len(SERIES_KEYS)]
        if len(keys) > 2 and len(keys) == len(shown):
            territory = "Le quartier et tous ses territoires de référence"
        else:
            territory = " ; ".join(names[k] for k in keys)
        result.append((WARNING_ORDER[kind], lines[i].indicator.label, territory, periods, detail))
    if fiche.demo:
        result.insert(0, ("Données fictives", "", "", "", DEMO_BANNER))
    return result


def period_runs(periods: list[tuple[int, str]]) -> str:
    """`2015 à 2024`, `2016, 2018`: consecutive periods of a series as ranges."""
    runs: list[list[tuple[int, str]]] = []
    for position, period in periods:
        if runs and position == runs[-1][-1][0] + 1:
            runs[-1].append((position, period))
        else:
            runs.append([(position, period)])
    parts = []
    for run in runs:
        first, last = fmt.period(run[0][1]), fmt.period(run[-1][1])
        parts.append(first if len(run) == 1 else
                     f"{first}, {last}" if len(run) == 2 else f"{first} à {last}")
    return ", ".join(parts)


def _point_warnings(p: Point) -> list[tuple[str, str]]:
    found = []
    if p.secret:
        found.append(("Secret statistique", "valeur non diffusée (moins de 11 personnes ou ménages, "
                      "ou secret secondaire)"))
    if p.is_break:
        found.append(("Rupture de série", p.note or "non comparable avec la période précédente"))
    elif p.note:
        found.append(("Note", p.note))
    if p.provisional:
        found.append(("Valeur provisoire", "susceptible d'être révisée par le producteur"))
    return found


def _write_warnings_sheet(book: _Book, ws: Worksheet, rows: Iterable[tuple[str, ...]], demo: bool,
                          subject: str, *, say_when_empty: bool = True) -> int:
    title = f"Avertissements — {subject}"
    book.title_rows(ws, title, "s = secret statistique : la valeur n'est jamais diffusée, ni à "
                    "l'écran ni dans les exports. Une rupture de série interdit de comparer avec la "
                    "période précédente.", demo)
    book.header_row(ws, HEADER_ROW, WARNING_COLUMNS, left=len(WARNING_COLUMNS))
    ws.freeze_panes(FIRST_ROW, 0)
    row = FIRST_ROW
    for values in rows:
        _warning_row(book, ws, row, values)
        row += 1
    if row == FIRST_ROW and say_when_empty:
        book.text(ws, row, 0, "Aucun avertissement.", italic=True)
        row += 1
    book.page_setup(ws, title, demo)
    return row


def _warning_row(book: _Book, ws: Worksheet, row: int, values: Sequence[str]) -> None:
    colour = {"Données fictives": "#b00020", "Secret statistique": ORANGE}.get(values[0], "#1f2933")
    book.fit_row(ws, row, zip(values, (width for _, width in WARNING_COLUMNS), strict=True))
    for col, value in enumerate(values):
        props: dict[str, Any] = {"valign": "top", "text_wrap": True}
        if col == 0:
            props.update(bold=True, font_color=colour)
        book.text(ws, row, col, value, **props)


# --------------------------------------------------------------------------------------------
# Choosing quartiers for a batch.

_LEVEL_NAMES = {"commune": "Commune", "epci": "EPCI", "departement": "Département"}

_MEMBERS_SQL = """
WITH RECURSIVE ancestor(quartier, code, depth) AS (
    SELECT code, code, 0 FROM territory WHERE level = 'quartier'
    UNION ALL
    SELECT a.quartier, l.parent, a.depth + 1
    FROM territory_link l JOIN ancestor a ON l.child = a.code
    WHERE a.depth < 6
)
SELECT DISTINCT a.quartier FROM ancestor a WHERE a.code = ?
"""


def select_quartiers(cur: duckdb.DuckDBPyConnection, codes: Sequence[str] = (), *,
                     all_quartiers: bool = False, commune: str | None = None, epci: str | None = None,
                     departement: str | None = None) -> list[str]:
    """The quartier codes of one selection, in the order of the quartier list (commune, name).

    A quartier on several communes belongs to each of them. Raises DQError (French) for an empty or
    ambiguous selection, an unknown code, or a territory without quartier.
    """
    from dq_core.store.territories import list_quartiers

    chosen = [name for name, given in (("codes", bool(codes)), ("all", all_quartiers),
                                       ("commune", commune), ("epci", epci),
                                       ("departement", departement)) if given]
    if not chosen:
        raise DQError("Indiquez les quartiers à exporter : un ou plusieurs codes, ou --all, "
                      "--commune CODE, --epci CODE, --departement CODE.")
    if len(chosen) > 1:
        raise DQError("Choisissez une seule sélection : des codes de quartier, ou --all, ou "
                      "--commune, ou --epci, ou --departement.")
    ordered = [q.code for q in list_quartiers(cur)]
    if all_quartiers:
        if not ordered:
            raise DQError("Cette base ne contient aucun quartier.")
        return ordered
    if codes:
        wanted = [c.strip().upper() for c in codes]
        unknown = [c for c in wanted if c not in set(ordered)]
        if unknown:
            raise DQError(f"Quartier{'s' if len(unknown) > 1 else ''} inconnu{'s' if len(unknown) > 1 else ''}"
                          f" : {', '.join('« ' + c + ' »' for c in unknown)}. Tapez `python -m dq_core "
                          "quartiers` pour la liste des codes.")
        return list(dict.fromkeys(wanted))
    level, code = next((lvl, c) for lvl, c in (("commune", commune), ("epci", epci),
                                               ("departement", departement)) if c)
    code = code.strip().upper()
    row = cur.execute("SELECT name FROM territory WHERE upper(code) = ? AND level = ?",
                      [code, level]).fetchone()
    if row is None:
        hint = {"commune": "le code Insee de la commune (5 caractères)",
                "epci": "le numéro SIREN de l'EPCI (9 chiffres)",
                "departement": "le numéro du département"}[level]
        raise DQError(f"{_LEVEL_NAMES[level]} {'inconnue' if level == 'commune' else 'inconnu'} : "
                      f"« {code} ». Vérifiez {hint}.")
    real = cur.execute("SELECT code FROM territory WHERE upper(code) = ? AND level = ?",
                       [code, level]).fetchone()[0]
    members = {r[0] for r in cur.execute(_MEMBERS_SQL, [real]).fetchall()}
    result = [c for c in ordered if c in members]
    if not result:
        raise DQError(f"Aucun quartier prioritaire dans {row[0]} ({real}).")
    return result


def selection_label(cur: duckdb.DuckDBPyConnection, codes: Sequence[str] = (), *,
                    all_quartiers: bool = False, commune: str | None = None, epci: str | None = None,
                    departement: str | None = None) -> str:
    """Words for a selection, for titles and file names: `Villeneuve (X0101)`, `tous les quartiers`."""
    if all_quartiers:
        return "tous les quartiers"
    code = commune or epci or departement
    if code:
        row = cur.execute("SELECT name, code FROM territory WHERE upper(code) = ?",
                          [code.strip().upper()]).fetchone()
        return f"{row[0]} ({row[1]})" if row else code
    return f"{len(codes)} quartiers" if len(codes) != 1 else codes[0]


def batch_scopes(cur: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, int]]]:
    """For the Exporter page: {level: [(code, name, number of quartiers)]} for commune, epci,
    departement — only territories that hold at least one quartier."""
    rows = cur.execute("""
        WITH RECURSIVE ancestor(quartier, code, depth) AS (
            SELECT code, code, 0 FROM territory WHERE level = 'quartier'
            UNION ALL
            SELECT a.quartier, l.parent, a.depth + 1
            FROM territory_link l JOIN ancestor a ON l.child = a.code WHERE a.depth < 6)
        SELECT t.level, t.code, t.name, count(DISTINCT a.quartier)
        FROM ancestor a JOIN territory t ON t.code = a.code
        WHERE t.level IN ('commune', 'epci', 'departement')
        GROUP BY ALL ORDER BY t.level, t.name, t.code""").fetchall()
    scopes: dict[str, list[tuple[str, str, int]]] = {"commune": [], "epci": [], "departement": []}
    for level, code, name, count in rows:
        scopes[level].append((code, name, count))
    return scopes


# --------------------------------------------------------------------------------------------
# Batches.

def _each(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], progress: Progress | None):
    loader = FicheLoader(cur)
    total = len(codes)
    for i, code in enumerate(codes):
        data = loader.load(code)
        yield data
        if progress:
            progress(i + 1, total, f"{data.quartier.name} ({data.quartier.code})")


def write_zip(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], target: str | Path | BinaryIO, *,
              progress: Progress | None = None, exported_on: date | None = None) -> list[str]:
    """A zip holding one workbook per quartier, written one at a time (memory: one workbook).
    Returns the file names inside the zip."""
    day = exported_on or date.today()
    names: list[str] = []
    demo = False
    # Workbooks are already deflated: storing them is as small and much faster.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zf:
        for data in _each(cur, codes, progress):
            demo = data.fiche.demo
            buffer = io.BytesIO()
            write_fiche_workbook(data, buffer, exported_on=day)
            name = fiche_filename(data.quartier, day)
            names.append(name)
            zf.writestr(zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0)),
                        buffer.getvalue())
        readme = [f"{APP_NAME} — export du {day:%d/%m/%Y}", "",
                  f"{len(names)} fiche(s) quartier au format Excel (.xlsx).", ""]
        if demo:
            readme[1:1] = ["", DEMO_BANNER]
        zf.writestr(zipfile.ZipInfo("LISEZMOI.txt", date_time=(day.year, day.month, day.day, 0, 0, 0)),
                    ("\r\n".join(readme + names) + "\r\n").encode("utf-8-sig"))
    return names


def write_directory(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], directory: str | Path, *,
                    progress: Progress | None = None, exported_on: date | None = None) -> list[Path]:
    """One workbook per quartier in `directory` (created if needed)."""
    day = exported_on or date.today()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for data in _each(cur, codes, progress):
        path = directory / fiche_filename(data.quartier, day)
        write_fiche_workbook(data, path, exported_on=day)
        paths.append(path)
    return paths


OVERVIEW_FIXED = [("Code", 11), ("Quartier", 28), ("Commune(s)", 24), ("EPCI", 22), ("Département", 16),
                  ("Population", 11), ("Année", 8)]


def write_combined_workbook(cur: duckdb.DuckDBPyConnection, codes: Sequence[str],
                            target: str | Path | BinaryIO, *, progress: Progress | None = None,
                            exported_on: date | None = None, title: str | None = None) -> None:
    """One workbook: « Vue d'ensemble » (one row per quartier, key indicators), Sources et
    définitions, Avertissements, then one sheet per quartier (named by its code) with every
    indicator, its changes and its references.

    Rows stream to disk (XlsxWriter `constant_memory`), so memory does not grow with the number of
    quartiers; each quartier sheet is closed as soon as it is written.
    """
    day = exported_on or date.today()
    loader = FicheLoader(cur)
    demo = loader.demo
    subject = title or f"{len(codes)} quartiers"
    book = _Book(target, constant_memory=True)
    book.wb.set_properties(_properties(f"Fiches quartiers — {subject}",
                                       "Indicateurs des quartiers prioritaires", day))
    key_indicators = [i for i in loader.indicators if i.is_key and i.id != "pop_totale"]
    overview = book.add_sheet("Vue d'ensemble")
    sources = book.add_sheet("Sources et définitions")
    warnings = book.add_sheet("Avertissements")

    # Vue d'ensemble: header now, one row per quartier as they are written.
    ov_title = f"Vue d'ensemble — {subject}"
    book.title_rows(overview, ov_title, f"Dernière valeur de chaque indicateur clé ; le détail de "
                    f"chaque quartier est dans sa feuille (lien en colonne A). Export du {day:%d/%m/%Y}.",
                    demo)
    headers = OVERVIEW_FIXED + [(f"{i.label} ({'%' if i.unit == '%' else i.unit})", 14)
                                for i in key_indicators]
    book.header_row(overview, HEADER_ROW, headers, left=5)
    overview.freeze_panes(FIRST_ROW, 2)
    book.page_setup(overview, ov_title, demo)

    # Sources: from the catalogue, periods over the whole workspace.
    periods = dict((r[0], (r[1], r[2])) for r in cur.execute(
        "SELECT indicator, min(period), max(period) FROM observation GROUP BY indicator").fetchall())
    rows = []
    for ind in loader.indicators:
        first, last = periods.get(ind.id, (None, None))
        span = f"{fmt.period(first)} – {fmt.period(last)}" if first else "aucune"
        rows.append(source_row(ind, loader.labels.get(ind.domain, ind.domain), span, last))
    _write_sources_sheet(book, sources, rows, demo, day, subject)

    # Avertissements: header and caveats now, each quartier's warnings as it is written.
    head = [("Données fictives", "", "", "", DEMO_BANNER)] if demo else []
    head += [("Précaution", i.label, "", "", i.caveat) for i in loader.indicators if i.caveat]
    warn_row = _write_warnings_sheet(book, warnings, head, demo, subject, say_when_empty=False)

    total = len(codes)
    for i, code in enumerate(codes):
        data = loader.load(code)
        q = data.quartier
        ws = book.add_sheet(q.code)
        _write_quartier_sheet(book, ws, data, day)
        _release(ws)
        _overview_row(book, overview, FIRST_ROW + i, data, ws.name, key_indicators)
        for values in _warnings(data, references=False):
            if values[0] in ("Données fictives", "Précaution"):
                continue
            _warning_row(book, warnings, warn_row, values)
            warn_row += 1
        if progress:
            progress(i + 1, total, f"{q.name} ({q.code})")
    if warn_row == FIRST_ROW:
        book.text(warnings, warn_row, 0, "Aucun avertissement.", italic=True)
    overview.activate()
    book.close()


def _release(ws: Worksheet) -> None:
    """Close the temporary file of a finished sheet (constant_memory keeps one open per sheet,
    which would exhaust file handles with 1,600 sheets; XlsxWriter reopens it when saving)."""
    ws._opt_close()


def _write_quartier_sheet(book: _Book, ws: Worksheet, data: QuartierExport, day: date) -> None:
    fiche, q = data.fiche, data.quartier
    title = f"{q.name} ({q.code})"
    pop = fiche.population
    pop_text = (f"{fmt.value(pop.value, 'habitants', 0)} ({fmt.period(pop.period)})"
                if pop is not None and pop.value is not None else "population non disponible")
    book.title_rows(ws, title, f"{_place(q)} — {pop_text} — export du {day:%d/%m/%Y}", fiche.demo)
    book.header_row(ws, HEADER_ROW, _fiche_headers(q))
    ws.freeze_panes(FIRST_ROW, 2)
    row = FIRST_ROW
    for _, label, lines in fiche.domains:
        for line in lines:
            _fiche_row(book, ws, row, label, line, comments=False)
            row += 1
    book.page_setup(ws, title, fiche.demo)


def _overview_row(book: _Book, ws: Worksheet, row: int, data: QuartierExport, target_sheet: str,
                  key_indicators: list[Indicator]) -> None:
    fiche, q = data.fiche, data.quartier
    refs = q.references
    quoted = target_sheet.replace("'", "''")
    ws.write_url(row, 0, f"internal:'{quoted}'!A1", book.fmt(font_color=BLUE, underline=1),
                 string=q.code, tip=f"Ouvrir la feuille du quartier {q.code}")
    book.text(ws, row, 1, q.name)
    book.text(ws, row, 2, q.commune_names)
    book.text(ws, row, 3, refs["epci"].name if "epci" in refs else "–")
    book.text(ws, row, 4, refs["departement"].name if "departement" in refs else "–")
    pop = fiche.population
    if pop is not None and pop.value is not None:
        book.number(ws, row, 5, pop.value, "#,##0")
        book.text(ws, row, 6, fmt.period(pop.period))
    else:
        book.missing(ws, row, 5)
    lines = {line.indicator.id: line for line in fiche.lines()}
    for j, ind in enumerate(key_indicators, start=len(OVERVIEW_FIXED)):
        line = lines.get(ind.id)
        latest = line.latest if line else None
        if latest is None or (latest.value is None and not latest.secret):
            book.missing(ws, row, j)
        elif latest.secret:
            book.secret(ws, row, j)
        else:
            book.number(ws, row, j, stored(latest.value, ind.unit), number_format(ind.unit, ind.decimals))


BATCH_KINDS = {
    "zip": "Un classeur par quartier, réunis dans un fichier zip",
    "combined": "Un seul classeur : une vue d'ensemble et une feuille par quartier",
}


def batch_bytes(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], kind: str, label: str, *,
                progress: Progress | None = None, exported_on: date | None = None
                ) -> tuple[bytes, str, str]:
    """A batch in memory, for a download button: (content, file name, MIME type).
    `kind` is "zip" (one workbook per quartier) or "combined" (one workbook, a sheet per quartier)."""
    if not codes:
        raise DQError("Aucun quartier à exporter.")
    day = exported_on or date.today()
    buffer = io.BytesIO()
    if kind == "zip":
        write_zip(cur, codes, buffer, progress=progress, exported_on=day)
        return buffer.getvalue(), batch_filename(label, day, ".zip"), ZIP_MIME
    if kind == "combined":
        write_combined_workbook(cur, codes, buffer, progress=progress, exported_on=day, title=label)
        return buffer.getvalue(), batch_filename(label, day, ".xlsx"), XLSX_MIME
    raise ValueError(f"unknown batch kind {kind!r}")


def export_to_path(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], out: str | Path, *,
                   progress: Progress | None = None, exported_on: date | None = None,
                   title: str | None = None) -> list[Path]:
    """What the CLI does with `--out`: `.xlsx` → one workbook (the fiche for one quartier, the
    combined workbook for several), `.zip` → one workbook per quartier in a zip, anything else →
    a directory with one workbook per quartier. Returns the files written."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix in (".xls", ".xlsm", ".ods", ".csv"):
        raise DQError(f"Format « {out.suffix} » non pris en charge : indiquez un fichier .xlsx, un "
                      "fichier .zip ou un dossier.")
    if suffix in (".xlsx", ".zip") and not out.parent.exists():
        raise DQError(f"Le dossier « {out.parent} » n'existe pas : créez-le ou choisissez un autre "
                      "chemin.")
    if suffix not in (".xlsx", ".zip") and out.exists() and not out.is_dir():
        raise DQError(f"« {out} » est un fichier : pour un export par quartier, indiquez un dossier, "
                      "un fichier .zip ou un fichier .xlsx.")
    try:
        if suffix == ".xlsx":
            if len(codes) == 1:
                write_fiche_workbook(load_export(cur, codes[0]), out, exported_on=exported_on)
                if progress:
                    progress(1, 1, codes[0])
            else:
                write_combined_workbook(cur, codes, out, progress=progress, exported_on=exported_on,
                                        title=title)
            return [out]
        if suffix == ".zip":
            write_zip(cur, codes, out, progress=progress, exported_on=exported_on)
            return [out]
        return write_directory(cur, codes, out, progress=progress, exported_on=exported_on)
    except PermissionError as exc:
        raise DQError(f"Impossible d'écrire « {exc.filename or out} » : fichier ouvert dans un autre "
                      "programme (Excel ?) ou dossier protégé.") from exc
    except xlsxwriter.exceptions.FileCreateError as exc:
        raise DQError(f"Impossible d'écrire « {out} » : fichier ouvert dans un autre programme "
                      "(Excel ?) ou dossier protégé.") from exc


# --------------------------------------------------------------------------------------------
# Generic exports of a table view (Comparer, Évolution…).

@dataclass(frozen=True)
class ChartSpec:
    """A native Excel chart drawn from columns of the exported table.

    kind: "line" (evolution), "column" (vertical bars) or "bar" (horizontal bars, comparisons).
    categories: the column holding the x-axis labels (default: the first column).
    values: the columns drawn as series (default: every numeric column).
    title / y_title: chart and value-axis titles (default: the table's title, none).
    """
    kind: str = "line"
    categories: str | None = None
    values: Sequence[str] | None = None
    title: str | None = None
    y_title: str | None = None


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
    book = _Book(buffer)
    book.wb.set_properties(_properties(title, "Tableau exporté de " + APP_NAME, day))
    for spec in sheets:
        _table_sheet(book, spec, demo, day)
    if not sheets:
        book.title_rows(book.add_sheet("Tableau"), title, f"Export du {day:%d/%m/%Y} — {APP_NAME}", demo)
    book.close()
    return buffer.getvalue()


def _table_sheet(book: _Book, spec: TableSheet, demo: bool, day: date) -> None:
    import pandas as pd

    frame, title, units, decimals = spec.frame, spec.title, spec.units, spec.decimals
    ws = book.add_sheet(spec.name)
    book.title_rows(ws, title, f"Export du {day:%d/%m/%Y} — {APP_NAME}", demo)
    columns = [str(c) for c in frame.columns]
    widths = [min(max(len(c) * 0.9, 10), 40) for c in columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) or _mostly_numbers(frame[c]) for c in frame.columns]
    for j, col in enumerate(frame.columns):
        if not numeric[j]:
            longest = max((len(str(v)) for v in frame[col].head(500) if v is not None), default=0)
            widths[j] = min(max(widths[j], longest + 2), 50)
    book.header_row(ws, HEADER_ROW, list(zip(columns, widths, strict=True)))
    ws.freeze_panes(FIRST_ROW, 1)
    secret_cols: set[int] = set()
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        row = FIRST_ROW + i
        for j, value in enumerate(values):
            col = columns[j]
            unit, dec = units.get(col, ""), decimals.get(col, 1)
            if isinstance(value, str) and value == fmt.SECRET_MARK:
                book.secret(ws, row, j)
                secret_cols.add(j)
            elif _is_missing(value):
                continue
            elif isinstance(value, bool):
                book.text(ws, row, j, "oui" if value else "non")
            elif isinstance(value, int | float) or _is_number(value):
                book.number(ws, row, j, stored(float(value), unit), number_format(unit, dec))
            elif isinstance(value, datetime | date) or hasattr(value, "to_pydatetime"):
                stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
                if not isinstance(stamp, datetime):
                    stamp = datetime.combine(stamp, datetime.min.time())
                ws.write_datetime(row, j, stamp, book.fmt(num_format="dd/mm/yyyy"))
            else:
                book.text(ws, row, j, value)
    last = FIRST_ROW + len(frame) - 1
    if len(frame):
        ws.autofilter(HEADER_ROW, 0, last, len(columns) - 1)
    row = max(last, HEADER_ROW) + 2
    for line in [*spec.sources, *spec.notes]:
        book.text(ws, row, 0, line, italic=True, font_color="#555555")
        row += 1
    if spec.chart is not None and len(frame):
        _table_chart(book, ws, frame, columns, numeric, secret_cols, spec.chart, units, last)
    book.page_setup(ws, title, demo)


def _table_chart(book: _Book, ws: Worksheet, frame, columns: list[str], numeric: list[bool],
                 secret_cols: set[int], spec: ChartSpec, units: dict[str, str], last: int) -> None:
    if spec.kind not in ("line", "column", "bar"):
        raise ValueError(f"unknown chart kind {spec.kind!r}")
    cat = columns.index(spec.categories) if spec.categories else 0
    value_cols = ([columns.index(c) for c in spec.values] if spec.values
                  else [j for j, is_num in enumerate(numeric) if is_num and j != cat])
    chart = book.wb.add_chart({"type": spec.kind})
    helper = len(columns) + 12            # numeric copies of columns holding secret cells
    hidden = False
    for n, j in enumerate(value_cols):
        col = j
        if j in secret_cols:
            col = helper + n
            hidden = True
            unit = units.get(columns[j], "")
            for i, value in enumerate(frame.iloc[:, j]):
                if not (isinstance(value, str) or _is_missing(value)):
                    ws.write_number(FIRST_ROW + i, col, stored(float(value), unit))
            ws.set_column(col, col, None, None, {"hidden": True})
        style = list(SERIES_STYLES.values())[n % len(SERIES_STYLES)]
        series = {"name": [ws.name, HEADER_ROW, j], "categories": [ws.name, FIRST_ROW, cat, last, cat],
                  "values": [ws.name, FIRST_ROW, col, last, col]}
        if spec.kind == "line":
            series["line"] = {"color": style["color"], "width": style["width"]}
        else:
            series["fill"] = {"color": style["color"]}
        chart.add_series(series)
    if spec.title:
        chart.set_title({"name": _literal(spec.title), "name_font": {"size": 11}})
    else:
        chart.set_title({"name": [ws.name, 0, 0], "name_font": {"size": 11}})
    first_unit = units.get(columns[value_cols[0]], "") if value_cols else ""
    axis = {"num_format": "0%" if first_unit == "%" else "#,##0.##", "major_gridlines": {"visible": True, "line": {"color": "#dddddd"}}}
    if spec.y_title:
        axis["name"] = _literal(spec.y_title)
    (chart.set_x_axis if spec.kind == "bar" else chart.set_y_axis)(axis)
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    if hidden:
        chart.show_hidden_data()
    chart.set_size({"width": 640, "height": 340})
    ws.insert_chart(HEADER_ROW, len(columns) + 1, chart)


def _literal(text: str) -> str:
    """A chart title given as text: XlsxWriter reads a leading `=` as a formula reference."""
    return " " + text if text.startswith("=") else text


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
