"""The workbook of one quartier: Synthèse, domain sheets with charts, Sources et définitions, Avertissements."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import duckdb
from xlsxwriter.worksheet import Worksheet

import dq_core
from dq_core import fmt
from dq_core.explore.fiche import Fiche, IndicatorLine
from dq_core.explore.texts import DEMO_NOTE, DossierText
from dq_core.export.book import FIRST_ROW, HEADER_ROW, Book, properties
from dq_core.export.fiche_table import COL_ASSESS, COL_TREND, FICHE_COLUMNS, fiche_headers, fiche_row, place
from dq_core.export.formats import APP_NAME, BLUE, is_formula_like
from dq_core.export.loader import QuartierExport, load_export
from dq_core.export.notes_sheets import (
    line_source_row,
    quartier_warnings,
    write_sources_sheet,
    write_warnings_sheet,
)
from dq_core.export.series_sheets import write_domain_sheet
from dq_core.store.territories import REFERENCE_LABELS, VINTAGE_LABELS


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
    book = Book(target)
    book.wb.set_properties(properties(
        f"Fiche quartier {q.name} ({q.code})",
        "Indicateurs du quartier prioritaire, évolutions et territoires de référence", day))
    synthese = book.add_sheet("Synthèse")
    _write_synthese(book, synthese, data, day)
    for _, label, lines in fiche.domains:
        write_domain_sheet(book, book.add_sheet(label), data, label, lines, day)
    write_sources_sheet(book, book.add_sheet("Sources et définitions"),
                        [line_source_row(line, label) for _, label, lines in fiche.domains for line in lines],
                        fiche.demo, day, f"{q.name} ({q.code})")
    write_warnings_sheet(book, book.add_sheet("Avertissements"), quartier_warnings(data), fiche.demo,
                         f"{q.name} ({q.code})")
    synthese.activate()
    book.close()


def _write_synthese(book: Book, ws: Worksheet, data: QuartierExport, day: date) -> None:
    fiche, q = data.fiche, data.quartier
    title = f"Fiche quartier — {q.name} ({q.code})"
    book.title_rows(ws, title, f"{place(q)} — export du {day:%d/%m/%Y}", fiche.demo)
    book.header_row(ws, HEADER_ROW, fiche_headers(q))
    ws.freeze_panes(FIRST_ROW, 2)
    row = FIRST_ROW
    for label, line in key_lines(fiche):
        fiche_row(book, ws, row, label, line, comments=True)
        row += 1
    last_table_row = row - 1
    row += 1
    row = _identity_block(book, ws, row, data, day)
    row = _text_block(book, ws, row + 1, data.text)
    _legend(book, ws, row + 1)
    book.page_setup(ws, title, fiche.demo, [width for _, width in FICHE_COLUMNS], key_columns=2)
    ws.print_area(0, 0, max(row + 4, last_table_row), COL_ASSESS)


TEXT_BLOCK_END = COL_TREND           # the dossier text spans the columns printed on the first page


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


def _identity_block(book: Book, ws: Worksheet, row: int, data: QuartierExport, day: date) -> int:
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


def _text_block(book: Book, ws: Worksheet, row: int, text: DossierText) -> int:
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
    # The block is as wide as the first printed page (the table's first columns), and a merged cell
    # does not grow by itself: each row is sized for its text.
    last_col = TEXT_BLOCK_END
    width = sum(w for _, w in FICHE_COLUMNS[:last_col + 1])
    for paragraph in paragraphs:
        book.fit_row(ws, row, [(paragraph, width)])
        if is_formula_like(paragraph):
            wrap = book.fmt(text_wrap=True, valign="top", quote_prefix=True)
        ws.merge_range(row, 0, row, last_col, "", wrap)
        ws.write_string(row, 0, paragraph, wrap)
        row += 1
    return row


def _legend(book: Book, ws: Worksheet, row: int) -> None:
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
