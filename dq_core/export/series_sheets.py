"""A quartier workbook's domain sheets: the series of the quartier and its references, a native chart each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from xlsxwriter.worksheet import Worksheet

from dq_core import fmt
from dq_core.explore.fiche import IndicatorLine, Point
from dq_core.explore.sources import source_line
from dq_core.export.book import FIRST_ROW, HEADER_ROW, Book
from dq_core.export.fast_chart import add_line_chart
from dq_core.export.fiche_table import reference_header
from dq_core.export.formats import SERIES_STYLES, number_format, stored
from dq_core.export.loader import SERIES_KEYS, QuartierExport
from dq_core.store.catalogue import Indicator
from dq_core.store.territories import REFERENCE_KEYS, Quartier

COL_REMARK = 1 + len(SERIES_KEYS)
COL_CHART_DATA = 24
# The chart sits under its table (beside it, the sheet would print too small to read).
CHART_WIDTH, CHART_HEIGHT, CHART_ROWS = 620, 300, 15
REMARK_WIDTH = 34
# Chart legends: short names of our own (the table's header row names the territories).
SERIES_NAMES = {"quartier": "Quartier", "commune": "Commune", "epci": "EPCI", "departement": "Département",
                "region": "Région", "france": "France", "quartiers": "Ensemble des quartiers"}


def _series_headers(q: Quartier) -> list[tuple[str, float]]:
    headers: list[tuple[str, float]] = [("Période", 14), (f"Quartier : {q.name}", 14)]
    headers += [(reference_header(q, key), 13) for key in REFERENCE_KEYS]
    headers.append(("Remarques (quartier)", REMARK_WIDTH))
    return headers


def write_domain_sheet(book: Book, ws: Worksheet, data: QuartierExport, label: str,
                       lines: list[IndicatorLine], day: date) -> None:
    q = data.quartier
    title = f"{label} — {q.name} ({q.code})"
    book.title_rows(ws, title, "Séries complètes du quartier et de ses territoires de référence ; "
                    "un graphique par indicateur. s = secret statistique.", data.fiche.demo)
    headers = _series_headers(q)
    book.header_row(ws, HEADER_ROW, headers)
    ws.freeze_panes(FIRST_ROW, 1)
    ws.set_column(COL_CHART_DATA, COL_CHART_DATA + len(SERIES_KEYS) - 1, 10, None, {"hidden": True})
    row, starts = FIRST_ROW, []
    for line in lines:
        starts.append(row)
        row = _series_block(book, ws, row, data, line)
    # Printed, each indicator starts a page: a table and its chart are never cut apart.
    ws.set_h_pagebreaks(starts[1:1024])
    book.page_setup(ws, title, data.fiche.demo, [width for _, width in headers], key_columns=1,
                    min_points=CHART_WIDTH * 0.75)


def _series_block(book: Book, ws: Worksheet, row: int, data: QuartierExport,
                  line: IndicatorLine) -> int:
    """One indicator: a title row, a source row, one row per period, and its line chart."""
    ind = line.indicator
    title_row = row
    series = {key: {p.period: p for p in data.series(key, ind.id)} for key in SERIES_KEYS}
    france = line.references.get("france")
    metropole = " — colonne France : France métropolitaine" if france is not None and france.is_metropole else ""
    _block_title(book, ws, row, ind, source_line(ind, {p.source for p in series["quartier"].values()}) + metropole)
    row += 2
    periods = sorted({(p.period_start, p.period) for points in series.values() for p in points.values()})
    if not periods:
        book.text(ws, row, 0, "Pas de donnée pour ce quartier ni pour ses territoires de référence.",
                  italic=True, font_color="#777777")
        return row + 2
    points = [[series[key].get(period) for key in SERIES_KEYS] for _, period in periods]
    has_number = {key: any(p[j] is not None and p[j].value is not None and not p[j].secret
                           for p in points) for j, key in enumerate(SERIES_KEYS)}
    has_secret = {key: any(p[j] is not None and p[j].secret for p in points)
                  for j, key in enumerate(SERIES_KEYS)}
    first = row
    monthly = all(is_month(period) for _, period in periods)
    row = _series_rows(book, ws, row, ind, periods, points, has_secret, monthly=monthly)
    last = row - 1
    # A count of the commune or of France dwarfs the quartier's: counts chart the quartier alone.
    drawn = [key for key in SERIES_KEYS if has_number[key] and (ind.kind != "count" or key == "quartier")]
    if drawn:
        chart = _line_chart(book, ws, ind, title_row, first, last, drawn, has_secret, monthly=monthly)
        ws.insert_chart(row, 0, chart, {"x_offset": 4, "y_offset": 6, "object_position": 1})
        row += CHART_ROWS + 1
    return row + 1


def _block_title(book: Book, ws: Worksheet, row: int, ind: Indicator, source: str) -> None:
    """The indicator's band over the table's width, and its unit and source under it."""
    band = {"bold": True, "bg_color": "#e8eef5", "top": 1}
    book.text(ws, row, 0, ind.label, **band)
    for col in range(1, COL_REMARK + 1):
        ws.write_blank(row, col, None, book.fmt(**band))
    unit = "en %" if ind.unit == "%" else (f"en {ind.unit}" if ind.unit not in ("", "ratio") else "rapport")
    book.text(ws, row + 1, 0, f"{unit} — Source : {source}", italic=True,
              font_color="#555555")


def _series_rows(book: Book, ws: Worksheet, row: int, ind: Indicator, periods: list[tuple[date, str]],
                 points: list[list[Point | None]], has_secret: dict[str, bool], *, monthly: bool) -> int:
    """One row per period: the quartier's value (bold), its references', its remarks. Returns the
    row after the last."""
    value_format = number_format(ind.unit, ind.decimals)
    # The hot loop of an export: formats looked up once, cells written directly.
    plain_value = book.fmt(num_format=value_format)
    bold_value = book.fmt(num_format=value_format, bold=True)
    secret_format = book.fmt(align="right", italic=True)
    month_format = book.fmt(num_format="mmmm yyyy", align="left")
    period_format = book.fmt()
    for (start, period), row_points in zip(periods, points, strict=True):
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
                number = stored(point.value, ind.unit, ind.decimals)
                ws.write_number(row, 1 + j, number, bold_value if j == 0 else plain_value)
                if has_secret[SERIES_KEYS[j]]:
                    # The chart reads numbers only: its hidden copy leaves the secret cells empty.
                    ws.write_number(row, COL_CHART_DATA + j, number)
        remark = _remark(row_points[0])
        if remark:
            book.fit_row(ws, row, [(remark, REMARK_WIDTH)])
            book.text(ws, row, COL_REMARK, remark, font_color="#555555", text_wrap=True)
        row += 1
    return row


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


def _line_chart(book: Book, ws: Worksheet, ind: Indicator, title_row: int, first: int, last: int,
                drawn: list[str], has_secret: dict[str, bool], *, monthly: bool):
    chart = add_line_chart(book.wb)
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
    y_axis: dict[str, Any] = {"num_format": axis_format, "num_font": {"size": 9},
                              "major_gridlines": {"visible": True, "line": {"color": "#dddddd"}}}
    if ind.kind == "count":
        y_axis["min"] = 0                     # a 2 % drift of a count must not look like a cliff
    chart.set_y_axis(y_axis)
    x_axis: dict[str, Any] = {"num_font": {"size": 9}}
    if monthly:
        x_axis.update({"date_axis": True, "num_format": "yyyy", "major_unit": 1, "major_unit_type": "years"})
    chart.set_x_axis(x_axis)
    chart.set_legend({"position": "bottom", "font": {"size": 9}})
    chart.show_blanks_as("gap")
    if any(has_secret.values()):
        chart.show_hidden_data()              # the numeric copies live in hidden columns
    chart.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
    return chart
