"""One workbook for many quartiers: Vue d'ensemble, Sources, Avertissements, then a sheet per quartier."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

import duckdb
from xlsxwriter.worksheet import Worksheet

from dq_core import fmt
from dq_core.export.book import FIRST_ROW, HEADER_ROW, Book, properties
from dq_core.export.fiche_table import FICHE_COLUMNS, fiche_headers, fiche_row, place
from dq_core.export.formats import BLUE, DEMO_BANNER, number_format, stored
from dq_core.export.loader import FicheLoader, Progress, QuartierExport
from dq_core.export.notes_sheets import (
    quartier_warnings,
    source_row,
    warning_row,
    write_sources_sheet,
    write_warnings_sheet,
)
from dq_core.store.catalogue import Indicator

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
    book = Book(target, constant_memory=True)
    book.wb.set_properties(properties(f"Fiches quartiers — {subject}",
                                      "Indicateurs des quartiers prioritaires", day))
    key_indicators = [i for i in loader.indicators if i.is_key and i.id != "pop_totale"]
    overview = book.add_sheet("Vue d'ensemble")
    sources = book.add_sheet("Sources et définitions")
    warnings = book.add_sheet("Avertissements")
    _start_overview(book, overview, subject, key_indicators, demo, day)
    write_sources_sheet(book, sources, _catalogue_sources(cur, loader), demo, day, subject)
    # Avertissements: header and caveats now, each quartier's warnings as it is written.
    warn_row = write_warnings_sheet(book, warnings, _catalogue_warnings(loader), demo, subject,
                                    say_when_empty=False)
    total = len(codes)
    for i, code in enumerate(codes):
        data = loader.load(code)
        q = data.quartier
        ws = book.add_sheet(q.code)
        _write_quartier_sheet(book, ws, data, day)
        _release(ws)
        _overview_row(book, overview, FIRST_ROW + i, data, ws.name, key_indicators)
        warn_row = _quartier_warning_rows(book, warnings, warn_row, data)
        if progress:
            progress(i + 1, total, f"{q.name} ({q.code})")
    if warn_row == FIRST_ROW:
        book.text(warnings, warn_row, 0, "Aucun avertissement.", italic=True)
    overview.activate()
    book.close()


def _start_overview(book: Book, overview: Worksheet, subject: str, key_indicators: list[Indicator],
                    demo: bool, day: date) -> None:
    """Vue d'ensemble: header now, one row per quartier as they are written."""
    ov_title = f"Vue d'ensemble — {subject}"
    book.title_rows(overview, ov_title, f"Dernière valeur de chaque indicateur clé ; le détail de "
                    f"chaque quartier est dans sa feuille (lien en colonne A). Export du {day:%d/%m/%Y}.",
                    demo)
    headers = OVERVIEW_FIXED + [(f"{i.label} ({'%' if i.unit == '%' else i.unit})", 14)
                                for i in key_indicators]
    book.header_row(overview, HEADER_ROW, headers, left=5)
    overview.freeze_panes(FIRST_ROW, 2)
    book.page_setup(overview, ov_title, demo, [width for _, width in headers], key_columns=2)


def _catalogue_sources(cur: duckdb.DuckDBPyConnection, loader: FicheLoader) -> list[list[str]]:
    """Sources of every indicator of the catalogue, periods over the whole workspace."""
    periods = dict((r[0], (r[1], r[2])) for r in cur.execute(
        "SELECT indicator, min(period), max(period) FROM observation GROUP BY indicator").fetchall())
    rows = []
    for ind in loader.indicators:
        first, last = periods.get(ind.id, (None, None))
        span = f"{fmt.period(first)} – {fmt.period(last)}" if first else "aucune"
        rows.append(source_row(ind, loader.labels.get(ind.domain, ind.domain), span, last))
    return rows


def _catalogue_warnings(loader: FicheLoader) -> list[tuple[str, str, str, str, str]]:
    """The warnings written once for the whole workbook: demo data, each indicator's caveat."""
    head = [("Données fictives", "", "", "", DEMO_BANNER)] if loader.demo else []
    head += [("Précaution", i.label, "", "", i.caveat) for i in loader.indicators if i.caveat]
    return head


def _quartier_warning_rows(book: Book, warnings: Worksheet, row: int, data: QuartierExport) -> int:
    """A quartier's own warnings (the workbook's head already holds demo data and caveats)."""
    for values in quartier_warnings(data, references=False):
        if values[0] in ("Données fictives", "Précaution"):
            continue
        warning_row(book, warnings, row, values)
        row += 1
    return row


def _release(ws: Worksheet) -> None:
    """Close the temporary file of a finished sheet (constant_memory keeps one open per sheet,
    which would exhaust file handles with 1,600 sheets; XlsxWriter reopens it when saving)."""
    ws._opt_close()


def _write_quartier_sheet(book: Book, ws: Worksheet, data: QuartierExport, day: date) -> None:
    fiche, q = data.fiche, data.quartier
    title = f"{q.name} ({q.code})"
    pop = fiche.population
    pop_text = (f"{fmt.value(pop.value, 'habitants', 0)} ({fmt.period(pop.period)})"
                if pop is not None and pop.value is not None else "population non disponible")
    book.title_rows(ws, title, f"{place(q)} — {pop_text} — export du {day:%d/%m/%Y}", fiche.demo)
    book.header_row(ws, HEADER_ROW, fiche_headers(q))
    ws.freeze_panes(FIRST_ROW, 2)
    row = FIRST_ROW
    for _, label, lines in fiche.domains:
        for line in lines:
            fiche_row(book, ws, row, label, line, comments=False)
            row += 1
    book.page_setup(ws, title, fiche.demo, [width for _, width in FICHE_COLUMNS], key_columns=2)


def _overview_row(book: Book, ws: Worksheet, row: int, data: QuartierExport, target_sheet: str,
                  key_indicators: list[Indicator]) -> None:
    fiche, q = data.fiche, data.quartier
    refs = q.references
    quoted = target_sheet.replace("'", "''")
    ws.write_url(row, 0, f"internal:'{quoted}'!A1", book.fmt(font_color=BLUE, underline=1),
                 string=q.code, tip=f"Ouvrir la feuille du quartier {q.code}")
    places = [q.name, q.commune_names, refs["epci"].name if "epci" in refs else "–",
              refs["departement"].name if "departement" in refs else "–"]
    # Long names wrap in their column (they would run over the next one) and the row grows.
    book.fit_row(ws, row, zip(places, (width for _, width in OVERVIEW_FIXED[1:5]), strict=True))
    for col, text in enumerate(places, start=1):
        book.text(ws, row, col, text, text_wrap=True)
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
            book.number(ws, row, j, stored(latest.value, ind.unit, ind.decimals), number_format(ind.unit, ind.decimals))
