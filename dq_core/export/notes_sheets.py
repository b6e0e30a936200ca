"""The « Sources et définitions » and « Avertissements » sheets of the quartier workbooks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from xlsxwriter.worksheet import Worksheet

from dq_core import flags, fmt
from dq_core.explore.fiche import IndicatorLine, Point
from dq_core.explore.texts import citation
from dq_core.export.book import FIRST_ROW, HEADER_ROW, Book
from dq_core.export.fiche_table import reference_header
from dq_core.export.formats import APP_NAME, DEMO_BANNER, ORANGE
from dq_core.export.loader import SERIES_KEYS, QuartierExport
from dq_core.store.catalogue import Indicator

KIND_LABELS = {"count": "effectif", "rate": "taux", "ratio": "rapport", "mean": "moyenne",
               "median": "médiane", "index": "indice"}
DIRECTION_LABELS = {"higher_better": "plus c'est haut, mieux c'est",
                    "higher_worse": "plus c'est haut, moins c'est favorable", "neutral": "neutre"}
# Printed on two landscape pages, Domaine and Indicateur repeated on the second (paper.plan).
SOURCE_COLUMNS = [("Domaine", 12), ("Indicateur", 28), ("Producteur", 14), ("Source (jeu de données)", 20),
                  ("Périodes disponibles", 12), ("Dernière période", 10), ("Définition", 38),
                  ("Unité", 9), ("Nature", 9), ("Sens de lecture", 13), ("Secret statistique", 26),
                  ("Précautions", 28), ("Comment citer", 32), ("Identifiant", 16)]


def line_source_row(line: IndicatorLine, domain_label: str) -> list[str]:
    known = [p for p in line.series if p.value is not None or p.secret]
    periods = f"{fmt.period(known[0].period)} – {fmt.period(known[-1].period)}" if known else "aucune"
    last = known[-1] if known else None
    return source_row(line.indicator, domain_label, periods, last.period if last else None,
                      last.source if last else None)


def source_row(ind: Indicator, domain_label: str, periods: str, last: str | None,
               source: str | None = None) -> list[str]:
    cite = (f"Source : {citation(ind, last, source)} ; traitement {APP_NAME}" if last
            else f"Source : {ind.producer}, {ind.dataset} ; traitement {APP_NAME}")
    return [domain_label, ind.label, ind.producer, ind.dataset, periods,
            fmt.period(last) if last else "–", ind.definition, ind.unit, KIND_LABELS.get(ind.kind, ind.kind),
            DIRECTION_LABELS.get(ind.direction, ind.direction), ind.secret_rule or "Pas de seuil de secret.",
            ind.caveat or "", cite, ind.id]


def write_sources_sheet(book: Book, ws: Worksheet, rows: list[list[str]], demo: bool, day: date,
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
    book.page_setup(ws, title, demo, widths, key_columns=2)


WARNING_COLUMNS = [("Type", 18), ("Indicateur", 40), ("Territoire", 28), ("Périodes", 16), ("Détail", 56)]
WARNING_ORDER = ("Données fictives", "Secret statistique", "Rupture de série", "Valeur provisoire",
                 "Note", "Précaution")


def quartier_warnings(data: QuartierExport, *, references: bool = True
                      ) -> list[tuple[str, str, str, str, str]]:
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
        # The stored note says whose secret it is (the producer's blank or the app's own rule).
        found.append(("Secret statistique", flags.secret_explanation(p.note)))
    if p.is_break:
        found.append(("Rupture de série", p.note or "non comparable avec la période précédente"))
    elif p.note and not p.secret:
        found.append(("Note", p.note))
    if p.provisional:
        found.append(("Valeur provisoire", "susceptible d'être révisée par le producteur"))
    return found


def write_warnings_sheet(book: Book, ws: Worksheet, rows: Iterable[tuple[str, ...]], demo: bool,
                         subject: str, *, say_when_empty: bool = True) -> int:
    title = f"Avertissements — {subject}"
    # One line that prints within the page (flags.SHEET_LEGEND, longer, is for the screen).
    book.title_rows(ws, title, "s : valeur non diffusée, par le producteur ou par l'application (colonne "
                    "« Détail ») ; « – » : pas de donnée ; une rupture de série interdit de comparer avec "
                    "la période précédente.", demo)
    book.header_row(ws, HEADER_ROW, WARNING_COLUMNS, left=len(WARNING_COLUMNS))
    ws.freeze_panes(FIRST_ROW, 0)
    row = FIRST_ROW
    for values in rows:
        warning_row(book, ws, row, values)
        row += 1
    if row == FIRST_ROW and say_when_empty:
        book.text(ws, row, 0, "Aucun avertissement.", italic=True)
        row += 1
    book.page_setup(ws, title, demo, [width for _, width in WARNING_COLUMNS], key_columns=2)
    return row


def warning_row(book: Book, ws: Worksheet, row: int, values: Sequence[str]) -> None:
    colour = {"Données fictives": "#b00020", "Secret statistique": ORANGE}.get(values[0], "#1f2933")
    book.fit_row(ws, row, zip(values, (width for _, width in WARNING_COLUMNS), strict=True))
    for col, value in enumerate(values):
        props: dict[str, Any] = {"valign": "top", "text_wrap": True}
        if col == 0:
            props.update(bold=True, font_color=colour)
        book.text(ws, row, col, value, **props)
