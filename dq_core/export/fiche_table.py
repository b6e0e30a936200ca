"""A quartier's table of indicators — value, changes, trend, six references — for Synthèse and batch sheets."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from dq_core import fmt
from dq_core.explore.fiche import IndicatorLine, Point
from dq_core.export.book import Book
from dq_core.export.formats import (
    APP_NAME,
    BETTER_FILL,
    BLUE,
    ORANGE,
    WORSE_FILL,
    change_format,
    number_format,
    stored,
)
from dq_core.store.territories import REFERENCE_KEYS, REFERENCE_LABELS, Quartier

ASSESSMENT_WORDS = {"better": "▲ plus favorable", "worse": "▼ moins favorable", "close": "≈ proche",
                    "higher": "▲ supérieur", "lower": "▼ inférieur"}
TREND_WORDS = {"better": "▲ amélioration", "worse": "▼ dégradation", "stable": "≈ stable",
               "higher": "▲ hausse", "lower": "▼ baisse"}

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


def place(q: Quartier) -> str:
    """Where the quartier is, in words: its commune(s), EPCI and département."""
    refs = q.references
    parts = [q.commune_names or "commune non renseignée"]
    parts += [refs[k].name for k in ("epci", "departement") if k in refs]
    return " · ".join(parts)


def reference_header(q: Quartier, key: str) -> str:
    """`Commune : Villeneuve` — or only the name when it already says what it is (`France`)."""
    label, territory = REFERENCE_LABELS[key], q.references.get(key)
    if territory is None:
        return f"{label} (non disponible)"
    if territory.name.lower().startswith(label.lower()):
        return territory.name
    return f"{label} : {territory.name}"


def fiche_headers(q: Quartier) -> list[tuple[str, float]]:
    headers = list(FICHE_COLUMNS)
    for i, key in enumerate(REFERENCE_KEYS):
        headers[COL_REF0 + i] = (reference_header(q, key), FICHE_COLUMNS[COL_REF0 + i][1])
    return headers


def fiche_row(book: Book, ws: Worksheet, row: int, domain_label: str, line: IndicatorLine, *,
              comments: bool) -> None:
    """One indicator: latest value, changes, trend, the six references, assessment."""
    ind, latest = line.indicator, line.latest
    book.fit_row(ws, row, [(ind.label, FICHE_COLUMNS[1][1])])
    book.text(ws, row, 0, domain_label, font_color="#555555", valign="top")
    book.text(ws, row, 1, ind.label, text_wrap=True, valign="top")
    book.text(ws, row, 2, ind.unit, valign="top")
    _latest_cells(book, ws, row, line)
    _change_cells(book, ws, row, COL_PREV, line.change_previous, line.previous,
                  broken=line.previous is not None and line.change_previous is None
                  and latest is not None and latest.value is not None, unit=ind.unit,
                  decimals=ind.decimals)
    _change_cells(book, ws, row, COL_5Y, line.change_5y, line.five_years_ago,
                  broken=line.break_in_5y, unit=ind.unit, decimals=ind.decimals)
    trend = line.trend()
    _assessment_cell(book, ws, row, COL_TREND, trend, TREND_WORDS)
    _reference_cells(book, ws, row, line, comments=comments)
    # A count is not compared with the commune's (a part is always smaller than its whole).
    gap = line.gap_with("commune") if ind.kind != "count" else None
    _assessment_cell(book, ws, row, COL_ASSESS, gap, ASSESSMENT_WORDS)


def _latest_cells(book: Book, ws: Worksheet, row: int, line: IndicatorLine) -> None:
    """The latest period (said provisional) and its value, in bold."""
    ind, latest = line.indicator, line.latest
    if latest is None:
        book.missing(ws, row, COL_VALUE)
        return
    book.text(ws, row, 3, fmt.period(latest.period) + (" (provisoire)" if latest.provisional else ""),
              valign="top")
    if latest.secret:
        book.secret(ws, row, COL_VALUE, bold=True)
    elif latest.value is None:
        book.missing(ws, row, COL_VALUE)
    else:
        book.number(ws, row, COL_VALUE, stored(latest.value, ind.unit, ind.decimals),
                    number_format(ind.unit, ind.decimals), bold=True)


def _reference_cells(book: Book, ws: Worksheet, row: int, line: IndicatorLine, *, comments: bool) -> None:
    """The six references' values; with `comments`, a note on those of another period."""
    ind, latest = line.indicator, line.latest
    value_format = number_format(ind.unit, ind.decimals)
    for i, key in enumerate(REFERENCE_KEYS):
        col = COL_REF0 + i
        ref = line.references.get(key)
        if ref is None or (ref.value is None and not ref.secret):
            book.missing(ws, row, col)
            continue
        other_period = latest is not None and ref.period != latest.period
        if ref.secret:
            book.secret(ws, row, col)
        else:
            # Another year, or France métropolitaine, is said in the cell itself (the number stays a number).
            said = [fmt.period(ref.period)] if other_period else []
            said += ["métropole"] if ref.is_metropole else []
            suffix = f'" ({", ".join(said)})"' if said else ""
            book.number(ws, row, col, stored(ref.value, ind.unit, ind.decimals), value_format + suffix)
        if comments and (other_period or ref.is_metropole):
            words = []
            if other_period:
                words.append(f"Valeur de {fmt.period(ref.period)} (pas de valeur pour {fmt.period(latest.period)}).")
            if ref.is_metropole:
                words.append("France métropolitaine : l'Insee ne publie pas ce chiffre pour la France entière.")
            ws.write_comment(row, col, " ".join(words), {"author": APP_NAME})


def _change_cells(book: Book, ws: Worksheet, row: int, col: int, delta: float | None,
                  since: Point | None, *, broken: bool, unit: str, decimals: int) -> None:
    if broken:
        book.text(ws, row, col, "non comparable", italic=True, font_color="#777777", align="right")
    elif delta is None:
        book.missing(ws, row, col)
    else:
        book.number(ws, row, col, round(delta, decimals), change_format(unit, decimals))
    if since is not None and (delta is not None or broken):
        book.text(ws, row, col + 1, fmt.period(since.period), font_color="#555555")


def _assessment_cell(book: Book, ws: Worksheet, row: int, col: int, assessment: str | None,
                     words: dict[str, str]) -> None:
    if assessment is None:
        book.missing(ws, row, col)
        return
    colours = {"better": (BLUE, BETTER_FILL), "worse": (ORANGE, WORSE_FILL)}.get(assessment)
    if colours:
        book.text(ws, row, col, words[assessment], font_color=colours[0], bg_color=colours[1], bold=True)
    else:
        book.text(ws, row, col, words[assessment])
