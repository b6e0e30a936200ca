"""Every sheet of every export prints readable on A4, measured from the file's own print settings.

The measure does not trust `dq_core.export.paper`: it reads back what a spreadsheet reads (paper,
orientation, margins, scale or fit-to-page, column widths, print titles, column breaks, charts,
cell fonts) and computes the size at which the smallest text lands on paper.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import column_index_from_string

from dq_core import export
from dq_core.explore.compare import build_comparison, similar_quartiers
from dq_core.explore.evolution import build_evolution
from dq_core.export import views
from dq_core.store import db, territories

DAY = date(2026, 3, 12)
MIN_POINTS = 8.0
# LibreOffice prints a character of column width at ~5.57 pt, Excel at 5.25 pt: measure the wider.
POINTS_PER_CHARACTER = 5.57
A4 = (8.27, 11.69)
DEFAULT_WIDTH = 8.43


@dataclass
class Printed:
    sheet: str
    scale: float
    smallest_font: float
    pages_across: int

    @property
    def points(self) -> float:
        return self.smallest_font * self.scale


def _widths(ws) -> dict[int, float]:
    """Printed width in points of every column (hidden ones: 0)."""
    widths: dict[int, float] = {}
    for letter, dim in ws.column_dimensions.items():
        low = dim.min or column_index_from_string(letter)
        for col in range(low, (dim.max or low) + 1):
            widths[col] = 0.0 if dim.hidden else (dim.width or DEFAULT_WIDTH) * POINTS_PER_CHARACTER
    return widths


def _col_range(text: str) -> tuple[int, int]:
    first, last = re.sub(r"[$']", "", text.split("!")[-1]).split(":")
    return (column_index_from_string(re.sub(r"\d", "", first)),
            column_index_from_string(re.sub(r"\d", "", last)))


def _used_columns(ws) -> tuple[int, int, list[tuple[int, int, float]]]:
    """First and last printed columns (print area, else cells) and each chart's (first column,
    last column, width in points)."""
    charts = []
    for chart in ws._charts:
        anchor = chart.anchor
        first = anchor._from.col + 1
        last = anchor.to.col + 1 if hasattr(anchor, "to") else first
        charts.append((first, last, chart.width / 2.54 * 72))        # openpyxl: width in cm
    if getattr(ws, "printed_columns", None):
        first, last = ws.printed_columns
        return first, last, charts
    hidden = {c for c, w in _widths(ws).items() if w == 0.0}
    last = max((c.column for row in ws.iter_rows() for c in row
                if c.value not in (None, "") and c.column not in hidden), default=1)
    return 1, last, charts


def _smallest_font(ws, first: int, last: int) -> float:
    sizes = [c.font.sz or 11 for row in ws.iter_rows(min_col=first, max_col=last) for c in row
             if c.value not in (None, "")]
    return min(sizes, default=11)


def measure(ws) -> Printed:
    """How `ws` prints on A4: its scale, smallest font and pages across; fails on what cannot be
    read (another paper, fit-to-height, a chart or a merged block cut between pages)."""
    setup = ws.page_setup
    assert setup.paperSize in (9, "9"), f"{ws.title}: paper {setup.paperSize}, not A4"
    landscape = setup.orientation == "landscape"
    margins = ws.page_margins
    printable = ((A4[1] if landscape else A4[0]) - margins.left - margins.right) * 72
    widths = _widths(ws)
    first, last, charts = _used_columns(ws)
    width = {c: widths.get(c, DEFAULT_WIDTH * POINTS_PER_CHARACTER) for c in range(first, last + 1)}
    titles = _col_range(ws.print_title_cols) if ws.print_title_cols else None
    breaks = sorted(b.id + 1 for b in ws.col_breaks.brk if first < b.id + 1 <= last)
    starts = [first, *breaks]
    pages = [(a, b - 1) for a, b in zip(starts, [*breaks, last + 1], strict=True)]
    fit = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    if fit:
        assert not setup.fitToHeight, f"{ws.title}: fit to a number of pages tall cannot be measured"
        across = setup.fitToWidth if setup.fitToWidth is not None else 1
        total = sum(width.values())
        scale = min(1.0, printable * (across or 1) / total) if across else 1.0
    else:
        scale = (setup.scale or 100) / 100
    for a, b in pages:
        extra = sum(widths.get(c, 0.0) for c in range(titles[0], titles[1] + 1)) \
            if titles and a > titles[1] else 0.0
        page_width = extra + sum(width[c] for c in range(a, b + 1))
        assert page_width * scale <= printable + 1, (
            f"{ws.title}: columns {a}-{b} need {page_width * scale:.0f} pt, the page has {printable:.0f}")
        for c_first, _, c_width in charts:
            if a <= c_first <= b:
                before = sum(width.get(c, 0.0) for c in range(a, c_first))
                assert (before + c_width) * scale <= printable + 1, f"{ws.title}: a chart is cut"
    for c_first, _, c_width in charts:
        assert sum(width.get(c, 0.0) for c in range(c_first, last + 1)) >= c_width - 1, \
            f"{ws.title}: a chart runs past the print area"
    for merged in ws.merged_cells.ranges:
        assert not any(merged.min_col < s <= merged.max_col for s in breaks), \
            f"{ws.title}: merged cells {merged.coord} cut between two pages"
    return Printed(ws.title, scale, _smallest_font(ws, first, last), len(pages))


def _books(cur) -> dict[str, openpyxl.Workbook]:
    codes = territories.select_quartiers(cur, all_quartiers=True)
    files = {"fiche": export.fiche_workbook_bytes(cur, "QNX0101M", exported_on=DAY)}
    buffer = io.BytesIO()
    export.write_combined_workbook(cur, codes, buffer, exported_on=DAY)
    files["ensemble"] = buffer.getvalue()
    evo = build_evolution(cur, ["taux_pauvrete", "pop_totale"], ["QNX0101M"], ["commune", "france"])
    files["evolution"] = views.evolution_export(evo, demo=True).xlsx(DAY)
    comparison = build_comparison(cur, ["taux_pauvrete", "pop_totale", "demandeurs_emploi_abc"],
                                  selected="QNX0101M")
    files["comparer"] = views.comparison_export(comparison, "tous", demo=True).xlsx(DAY)
    files["similaires"] = views.similarity_export(similar_quartiers(cur, "QNX0101M"), "Les Tilleuls").xlsx(DAY)
    frame = pd.DataFrame({"Année": ["2020", "2021"], "Quartier": [40.0, "s"], "Commune": [18.9, 18.9]})
    files["tableau"] = export.table_to_xlsx("Taux de pauvreté", frame, chart=export.ChartSpec(),
                                            units={"Quartier": "%", "Commune": "%"}, exported_on=DAY)
    return {name: _load(content) for name, content in files.items()}


def _load(content: bytes) -> openpyxl.Workbook:
    """The workbook, each sheet's print area kept in `ws.printed_columns` (openpyxl drops a
    whole-column print area such as `'Feuille'!$A:$E` with a warning)."""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = zf.read("xl/workbook.xml").decode()
    areas = {int(i): area for i, area in re.findall(
        r'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)">([^<]+)<', names)}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Print area cannot be set")
        wb = openpyxl.load_workbook(io.BytesIO(content))
    for i, ws in enumerate(wb.worksheets):
        ws.printed_columns = _col_range(html.unescape(areas[i])) if i in areas else None
    return wb


@pytest.fixture(scope="module")
def books(tiny_template, tmp_path_factory):
    """Every kind of export, written once for the module (reading only)."""
    path = shutil.copyfile(tiny_template, tmp_path_factory.mktemp("paper") / "tiny.duckdb")
    con = db.connect(path)
    try:
        return _books(con.cursor())
    finally:
        con.close()


def test_every_sheet_of_every_export_prints_at_8_points_or_more(books):
    printed = [(name, measure(ws)) for name, wb in books.items() for ws in wb.worksheets]
    assert len(printed) >= 15
    too_small = [f"{name} › {p.sheet}: {p.points:.1f} pt" for name, p in printed if p.points < MIN_POINTS]
    assert not too_small, too_small
    synthese = next(p for name, p in printed if name == "fiche" and p.sheet == "Synthèse")
    assert synthese.pages_across == 2                 # split, its indicator columns repeated
    assert books["fiche"]["Synthèse"].print_title_cols == "$A:$B"
    assert books["fiche"]["Synthèse"].printed_columns == (1, 17)


def test_narrow_sheets_print_portrait(books):
    """Landscape only where needed: a two-column table prints upright."""
    assert books["tableau"]["Tableau"].page_setup.orientation == "portrait"
    assert books["fiche"]["Démographie"].page_setup.orientation == "landscape"


def test_fit_to_one_page_wide_is_measured_as_excel_does():
    """The measure itself: a sheet shrunk to one page wide is caught (the old Synthèse)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for col in range(1, 18):
        ws.cell(1, col, "texte")
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = 15
    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    printed = measure(ws)
    assert printed.points < MIN_POINTS


def _shown_decimals(number_format: str) -> int | None:
    """Decimals a number format shows (percent formats: two more on the stored fraction)."""
    if number_format in ("General", "@") or "yy" in number_format:
        return None
    first = number_format.split(";")[0]
    decimals = len(re.search(r"\.(0*)", first).group(1)) if "." in first else 0
    return decimals + 2 if "%" in first else decimals


def test_stored_values_are_rounded_to_what_is_shown(books):
    """No 0.4320000000000001 in the formula bar: a number holds the digits its format shows."""
    checked, wrong = 0, []
    for name, wb in books.items():
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, float) and not c.is_date:
                        decimals = _shown_decimals(c.number_format)
                        if decimals is None:
                            continue
                        checked += 1
                        if c.value != round(c.value, decimals):
                            wrong.append(f"{name} › {ws.title}!{c.coordinate} = {c.value!r}")
    assert checked > 40
    assert not wrong, wrong[:10]
