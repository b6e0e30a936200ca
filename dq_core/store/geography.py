"""The two QPV geographies (2015, 2024) and the link between them.

The final letter of a 2024 code says how the quartier changed: N new, M perimeter modified,
I unchanged (C: Mayotte, one quartier per commune, meaning not documented). A 2024 quartier's history
before 2024 lives in its 2015 predecessor(s), and only where ANCT's correspondence table says so —
never derived from codes or names. `linked_series` follows a 2024 quartier back through them, with
the break marked where the perimeter changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from dq_core import flags, fmt
from dq_core.explore.aggregate import Member, aggregate
from dq_core.explore.fiche import Point
from dq_core.files.read.codes import QP2024_CODE
from dq_core.store.catalogue import ADDITIVE_KINDS, Indicator, load_indicators

STATUS_LABELS = {"N": "nouveau quartier en 2024", "M": "périmètre modifié en 2024",
                 "I": "périmètre inchangé en 2024", "C": "quartier de Mayotte (géographie 2025)"}


@dataclass(frozen=True)
class PerimeterNotice:
    status: str            # N, M, I, C
    text: str              # French, for the fiche
    caution: bool          # comparisons with 2015 figures need care


def perimeter_status(code: str) -> str | None:
    """N, M, I or C for a 2024 code (`QNdddnnX`; fictional demo codes `QN…X` too), else None."""
    code = code.strip().upper()
    if QP2024_CODE.match(code) or (code.startswith("QN") and len(code) == 8 and code[-1] in STATUS_LABELS):
        return code[-1]
    return None


def perimeter_notice(code: str, predecessors: list[tuple[str, str]] | None = None) -> PerimeterNotice | None:
    """What the fiche says about a 2024 quartier's perimeter; None for a 2015 quartier.

    `predecessors`: (code, name) of its 2015 quartier(s) from the correspondence, when known.
    """
    status = perimeter_status(code)
    if status is None:
        return None
    names = ", ".join(f"{name} ({c})" if name != c else c for c, name in predecessors or [])
    if status == "M":
        text = "Périmètre modifié en 2024 : comparer avec prudence avec les chiffres de la géographie 2015"
        text += f" (quartier 2015 : {names})." if names else "."
        return PerimeterNotice("M", text, True)
    if status == "N":
        return PerimeterNotice("N", "Nouveau quartier prioritaire en 2024 : pas de chiffres dans la "
                                    "géographie 2015.", False)
    if status == "I":
        text = "Périmètre inchangé en 2024"
        text += f" : les chiffres de la géographie 2015 restent comparables ({names})." if names else "."
        return PerimeterNotice("I", text, False)
    return PerimeterNotice(status, STATUS_LABELS.get(status, "géographie 2024").capitalize() + ".", True)


def predecessors(cur: duckdb.DuckDBPyConnection, code: str) -> list[tuple[str, str]]:
    """(code, name) of the 2015 quartiers the correspondence gives for a 2024 quartier, in code order."""
    return [(c, n or c) for c, n in cur.execute(
        "SELECT c.qp2015, t.name FROM correspondence c LEFT JOIN territory t ON t.code = c.qp2015 "
        "WHERE c.qp2024 = ? ORDER BY c.qp2015", [code.strip().upper()]).fetchall()]


def predecessors_by_quartier(cur: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """`predecessors` of every 2024 quartier the correspondence lists, in one read."""
    found: dict[str, list[tuple[str, str]]] = {}
    for qp2024, c, n in cur.execute(
            "SELECT c.qp2024, c.qp2015, t.name FROM correspondence c LEFT JOIN territory t ON t.code = c.qp2015 "
            "ORDER BY c.qp2024, c.qp2015").fetchall():
        found.setdefault(qp2024, []).append((c, n or c))
    return found


def successors(cur: duckdb.DuckDBPyConnection, code: str) -> list[tuple[str, str]]:
    return [(c, n or c) for c, n in cur.execute(
        "SELECT c.qp2024, t.name FROM correspondence c LEFT JOIN territory t ON t.code = c.qp2024 "
        "WHERE c.qp2015 = ? ORDER BY c.qp2024", [code.strip().upper()]).fetchall()]


def quartier_notice(cur: duckdb.DuckDBPyConnection, code: str) -> PerimeterNotice | None:
    return perimeter_notice(code, predecessors(cur, code))


@dataclass(frozen=True)
class SeriesLink:
    """How one indicator's series of a 2024 quartier continues that of its 2015 predecessor(s)."""
    status: str                          # N, M, I, C: the letter of the 2024 code
    predecessors: tuple[str, ...]        # 2015 codes, from ANCT's correspondence
    periods: frozenset[str]              # periods whose figure is the predecessors'
    until: str | None                    # the last of them (None: the predecessors have none)
    refused: str | None = None           # why merged predecessors give no figure (a median…)

    @property
    def territories(self) -> str:
        """`quartier 2015 QP044013`, `quartiers 2015 QP044005 et QP044006`."""
        if len(self.predecessors) == 1:
            return f"quartier 2015 {self.predecessors[0]}"
        return f"quartiers 2015 {_and(self.predecessors)}"

    @property
    def whose(self) -> str:
        """`du quartier 2015 QP044013`, `des quartiers 2015 QP044005 et QP044006`."""
        return ("du " if len(self.predecessors) == 1 else "des ") + self.territories

    @property
    def text(self) -> str:
        """« Périmètre modifié en 2024 : série du quartier 2015 QP044013 jusqu'en 2019 »."""
        what = STATUS_LABELS.get(self.status, "géographie 2024").capitalize()
        merged = " (effectifs additionnés, taux recalculés)" if len(self.predecessors) > 1 else ""
        if self.until is None:
            return f"{what} : pas de valeur {self.whose}{merged}"
        return f"{what} : série {self.whose}{merged} jusqu'{_en(self.until)}"

    def covers(self, period: str) -> bool:
        return period in self.periods


@dataclass(frozen=True)
class LinkedPoint:
    territory: str         # the quartier the figure belongs to (the 2024 quartier or a 2015 predecessor)
    point: Point


@dataclass(frozen=True)
class LinkedSeries:
    code: str
    indicator: str
    earlier: list[LinkedPoint]          # the predecessors' points, oldest first
    own: list[Point]                    # then the quartier's own (its first marked as a break where needed)
    predecessors: list[tuple[str, str]]
    break_period: str | None            # first period after the geography change, marked as a break
    notice: PerimeterNotice | None
    link: SeriesLink | None = None      # None when there is no predecessor to follow

    @property
    def points(self) -> list[LinkedPoint]:
        """Every point with the quartier it belongs to, oldest first."""
        return self.earlier + [LinkedPoint(self.code, p) for p in self.own]

    @property
    def series(self) -> list[Point]:
        return [p.point for p in self.earlier] + self.own


def linked_series(cur: duckdb.DuckDBPyConnection, code: str, indicator_id: str) -> LinkedSeries:
    """The quartier's own series, preceded — for a 2024 quartier the correspondence links to 2015
    quartiers — by its predecessor's figures for the periods before its own first one.

    One predecessor: its figures as they are. Several (merged quartiers): counts are summed and
    rates recomputed from numerators and denominators (`aggregate`); medians cannot be, and a secret
    member makes the sum secret. The first point of the 2024 quartier's own series is marked as a
    break when the perimeter changed (M) or several quartiers were merged; with an unchanged
    perimeter (I) the series continues without a break.
    """
    code = code.strip().upper()
    found = linked_observations(cur, code, load_indicators(cur), [indicator_id])
    if indicator_id in found:
        return found[indicator_id]
    preds = predecessors(cur, code) if perimeter_status(code) else []
    return LinkedSeries(code, indicator_id, [], [], preds, None, perimeter_notice(code, preds))


_LINKED_ROWS_SQL = """
SELECT territory, indicator, period, period_start, value, numerator, denominator, is_secret, is_provisional,
       is_break, note, source
FROM observation
WHERE territory = ANY(?::VARCHAR[]) AND (?::VARCHAR[] IS NULL OR indicator = ANY(?::VARCHAR[]))
ORDER BY indicator, period_start, territory
"""


def linked_observations(cur: duckdb.DuckDBPyConnection, code: str, indicators: list[Indicator],
                        indicator_ids: list[str] | None = None,
                        preds: list[tuple[str, str]] | None = None,
                        rows: list[tuple] | None = None) -> dict[str, LinkedSeries]:
    """`linked_series` for every indicator (or `indicator_ids`) of a quartier that has a figure, its
    own or its predecessors': one read of the observations of the quartier and its predecessors
    (`rows`, in the layout and order of `_LINKED_ROWS_SQL`, when the caller has read them already)."""
    code = code.strip().upper()
    if preds is None:
        preds = predecessors(cur, code) if perimeter_status(code) else []
    codes = [code, *(c for c, _ in preds)]
    own: dict[str, list[Point]] = {}
    earlier: dict[str, list[tuple]] = {}
    if rows is None:
        rows = cur.execute(_LINKED_ROWS_SQL, [codes, indicator_ids, indicator_ids]).fetchall()
    for row in rows:
        if row[0] == code:
            own.setdefault(row[1], []).append(Point(row[2], row[3], row[4], *row[7:]))
        else:
            earlier.setdefault(row[1], []).append(row)
    catalogue = {i.id: i for i in indicators}
    notice = perimeter_notice(code, preds)              # one per quartier, shared by its series
    return {ind: link_series(code, preds, own.get(ind, []), earlier.get(ind, []), catalogue.get(ind), notice)
            for ind in dict.fromkeys([*own, *earlier])}


def link_series(code: str, preds: list[tuple[str, str]], own: list[Point], predecessor_rows: list[tuple],
                indicator: Indicator | None, notice: PerimeterNotice | None = None) -> LinkedSeries:
    """Pure part of `linked_observations` for one indicator. `predecessor_rows`: (territory, indicator,
    period, period_start, value, numerator, denominator, is_secret, is_provisional, is_break, note,
    source) of the predecessors, oldest first; `notice`: `perimeter_notice(code, preds)` when known."""
    indicator_id = indicator.id if indicator else (predecessor_rows[0][1] if predecessor_rows else "")
    status = perimeter_status(code)
    notice = notice or perimeter_notice(code, preds)
    if not preds:
        return LinkedSeries(code, indicator_id, [], own, [], None, notice)
    first_own = own[0].period_start if own else None
    rows = [r for r in predecessor_rows if first_own is None or r[3] < first_own]
    codes = [c for c, _ in preds]
    earlier, refused = _predecessor_points(codes, rows, indicator) if rows else ([], None)
    breaks = status != "I" or len(preds) > 1
    break_period = None
    if own and earlier and breaks:
        first = own[0]
        own = [first._replace(is_break=True, note=_join(
            first.note, "Changement de géographie prioritaire (2015 → 2024) : "
                        "série non comparable avec les valeurs précédentes.")), *own[1:]]
        break_period = first.period
    if not own and earlier and breaks:
        break_period = "2024"
    link = SeriesLink(status or "", tuple(codes), frozenset(p.point.period for p in earlier),
                      earlier[-1].point.period if earlier else None, refused)
    return LinkedSeries(code, indicator_id, earlier, own, preds, break_period, notice, link)


def _predecessor_points(codes: list[str], rows: list[tuple], indicator: Indicator | None
                        ) -> tuple[list[LinkedPoint], str | None]:
    """The predecessors' points, and why merged ones give none when they cannot be summed."""
    if len(codes) == 1:
        # Whose figure each point is lives in the link (`SeriesLink.periods`), said once per fiche and
        # sheet rather than repeated as a note on every point.
        return [LinkedPoint(r[0], Point(r[2], r[3], r[4], r[7], r[8], r[9], r[10], r[11])) for r in rows], None
    by_period: dict[tuple, dict[str, tuple]] = {}
    for r in rows:
        by_period.setdefault((r[2], r[3]), {})[r[0]] = r
    out = []
    label = "+".join(codes)
    refused = None
    for (period, start), members in by_period.items():
        if indicator is None or len(members) < len(codes):
            continue                     # a missing member: no figure for the merged perimeter
        result = aggregate(indicator, [Member(r[4], r[5], r[6], r[7]) for r in members.values()])
        if result.status == "non_agregeable":
            refused = (f"non agrégeable : {_kind_word(indicator)} de plusieurs quartiers 2015 ne s'additionne "
                       "pas et ne se moyenne pas, pas de valeur pour le périmètre réuni")
            continue
        if result.status == "incomplet" and indicator.kind not in ADDITIVE_KINDS:
            refused = ("non recalculable : le taux des quartiers 2015 réunis se calcule à partir de leurs "
                       "numérateurs et dénominateurs, absents des données (jamais en faisant la moyenne des taux)")
        sources = {r[11] for r in members.values()}
        notes = {r[10] for r in members.values()}       # a note all members share (the data year's) is kept
        note = (_merged_secret_note([r for r in members.values() if r[7]]) if result.status == "secret"
                else notes.pop() if len(notes) == 1 else None)
        out.append(LinkedPoint(label, Point(period, start, result.value, result.status == "secret", False,
                                            False, note, sources.pop() if len(sources) == 1 else None)))
    return out, refused


def _merged_secret_note(secret_members: list[tuple]) -> str:
    """Whose secret a sum over merged quartiers inherits: the producer's blank, else the app's rule."""
    producer = any(flags.blank_reason(True, r[10]) == flags.PRODUCER_BLANK for r in secret_members)
    return flags.NOTE_DERIVED_PRODUCER if producer else flags.NOTE_DERIVED_APPLICATION


def _kind_word(indicator: Indicator) -> str:
    return {"median": "une médiane", "index": "un indice"}.get(indicator.kind, "une valeur de ce type")


def _and(codes) -> str:
    codes = list(codes)
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} et {codes[-1]}"


def _en(period: str) -> str:
    """`en 2019`, `en mars 2024`, `au 2e trimestre 2023` (after `jusqu'`)."""
    text = fmt.period(period)
    return f"au {text}" if "trimestre" in text else f"en {text}"


def _join(note: str | None, extra: str) -> str:
    return f"{note} {extra}" if note else extra


# --- a 2024 quartier's fiche ------------------------------------------------------------------------

INSEE_2024_BASES = ("bases de l'Insee en géographie 2024 (population, revenus et pauvreté, demandeurs "
                    "d'emploi, Caf, scolarité… : insee.fr/fr/statistiques/8186144)")
CORRESPONDENCE_FILE = "la table de correspondance 2024 ↔ 2015 de l'ANCT (liste-correspondance-qp2024-qp2015.csv)"
INSEE_2015_BASES = "les bases thématiques de l'Insee en géographie 2015 (DEMO, IPRO, REVN)"


@dataclass(frozen=True)
class Lineage:
    """What a 2024 quartier's fiche says about where its figures come from."""
    notice: PerimeterNotice | None
    predecessors: list[tuple[str, str]]
    series_text: str | None      # « Périmètre modifié en 2024 : série du quartier 2015 QP044013 jusqu'en 2019. »
    empty_reason: str | None     # no figure at all: why, and which file would give some

    @property
    def text(self) -> str | None:
        """The one sentence the fiche shows under its title."""
        return self.series_text or (self.notice.text if self.notice else None)

    @property
    def caution(self) -> bool:
        return self.notice is not None and self.notice.caution


@dataclass(frozen=True)
class LinkedQuartier:
    series: dict[str, list[Point]]     # indicator → the linked series, oldest first
    links: dict[str, SeriesLink]
    lineage: Lineage


def linked_quartier(cur: duckdb.DuckDBPyConnection, code: str, indicators: list[Indicator],
                    preds: list[tuple[str, str]] | None = None, rows: list[tuple] | None = None
                    ) -> LinkedQuartier | None:
    """Every linked series of a 2024 quartier and what its fiche says of them; None for a 2015 code.
    `preds`, `rows`: its predecessors and their observations with its own, when already read (see
    `linked_observations`)."""
    code = code.strip().upper()
    if perimeter_status(code) is None:
        return None
    if preds is None:
        preds = predecessors(cur, code)
    found = linked_observations(cur, code, indicators, preds=preds, rows=rows)
    links = {ind: s.link for ind, s in found.items() if s.link is not None}
    own = any(s.own for s in found.values())
    earlier = any(s.link.until for s in found.values() if s.link is not None)
    lineage = Lineage(perimeter_notice(code, preds), preds, _series_text(links, own),
                      None if own or earlier else _empty_reason(cur, code, preds))
    return LinkedQuartier({ind: s.series for ind, s in found.items() if s.earlier or s.own}, links, lineage)


def _series_text(links: dict[str, SeriesLink], own: bool) -> str | None:
    """The fiche's sentence on the series, up to the latest period taken from the predecessors."""
    covered = [link for link in links.values() if link.until]
    if not covered:
        return None
    last = max(covered, key=lambda link: (len(link.until) == 4, link.until))
    text = last.text + "."
    changed = last.status != "I" or len(last.predecessors) > 1
    if own:
        text += (" Les chiffres suivants sont ceux du quartier 2024" +
                 (" : rupture de série, comparer avec prudence." if changed else ", dans la continuité."))
    else:
        text += (" Aucune base de l'Insee en géographie 2024 n'est importée : les chiffres de cette fiche sont "
                 "ceux de la géographie 2015" + (", sur l'ancien périmètre" if changed else "") +
                 f" ; les {INSEE_2024_BASES} les prolongeraient.")
    return text


def _empty_reason(cur, code: str, preds: list[tuple[str, str]]) -> str:
    none_2024 = "aucune base en géographie 2024 n'est importée"
    if preds:
        return (f"Pas de chiffre pour ce quartier : son ou ses quartiers 2015 ({_and(c for c, _ in preds)}) n'ont "
                f"aucune valeur dans cet espace de travail, et {none_2024}. Importez {INSEE_2015_BASES} pour "
                f"sa série jusqu'en 2024, ou les {INSEE_2024_BASES}.")
    if perimeter_status(code) == "N":
        return ("Pas de chiffre pour ce quartier : nouveau quartier prioritaire en 2024, il n'a pas de quartier "
                f"2015 dont prolonger la série, et {none_2024}. Ses chiffres viendront des {INSEE_2024_BASES}.")
    # A new quartier has no row in the stored correspondence: any row at all says the table is loaded.
    if cur.execute("SELECT count(*) FROM correspondence").fetchone()[0]:
        return ("Pas de chiffre pour ce quartier : la table de correspondance de l'ANCT importée ne lui donne "
                f"aucun quartier 2015, et {none_2024}. Ses chiffres viendront des {INSEE_2024_BASES}.")
    return (f"Pas de chiffre pour ce quartier : {CORRESPONDENCE_FILE} n'est pas importée — elle le relierait à "
            f"son ou ses quartiers 2015 et à leurs séries — et {none_2024}. Importez cette table, ou "
            f"les {INSEE_2024_BASES}.")


# --- Comparer and the map: all quartiers at one period, one geography at a time ---------------------

def no_2024_figures_note(label: str, vintages, values, secret) -> str | None:
    """The note of a comparison or map whose 2024 quartiers have no figure of their own for an indicator
    (aligned arrays: geography vintage, value — NaN when absent —, secret flag), else None. Their 2015
    predecessors' figures are not put in their place: they describe other perimeters, at other periods."""
    in_2024 = np.asarray(vintages) == 2024
    if not in_2024.any() or (~np.isnan(np.asarray(values, float)[in_2024]) | np.asarray(secret, bool)[in_2024]).any():
        return None
    return (f"« {label} » : les quartiers de la géographie 2024 n'ont pas de chiffre propre (aucune base de "
            "l'Insee en géographie 2024 n'est importée pour cet indicateur) ; ils ne sont pas classés avec les "
            "chiffres de leurs quartiers 2015. La fiche et l'Évolution d'un quartier 2024 montrent la série de "
            "son ou ses quartiers 2015 lorsque la table de correspondance de l'ANCT les relie.")
