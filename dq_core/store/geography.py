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

from dq_core.explore.aggregate import Member, aggregate
from dq_core.explore.fiche import Point
from dq_core.files.read.codes import QP2024_CODE
from dq_core.store.catalogue import Indicator, load_indicators

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


def successors(cur: duckdb.DuckDBPyConnection, code: str) -> list[tuple[str, str]]:
    return [(c, n or c) for c, n in cur.execute(
        "SELECT c.qp2024, t.name FROM correspondence c LEFT JOIN territory t ON t.code = c.qp2024 "
        "WHERE c.qp2015 = ? ORDER BY c.qp2024", [code.strip().upper()]).fetchall()]


def quartier_notice(cur: duckdb.DuckDBPyConnection, code: str) -> PerimeterNotice | None:
    return perimeter_notice(code, predecessors(cur, code))


@dataclass(frozen=True)
class LinkedPoint:
    territory: str         # the quartier the figure belongs to (the 2024 quartier or a 2015 predecessor)
    point: Point


@dataclass(frozen=True)
class LinkedSeries:
    code: str
    indicator: str
    points: list[LinkedPoint]           # oldest first
    predecessors: list[tuple[str, str]]
    break_period: str | None            # first period after the geography change, marked as a break
    notice: PerimeterNotice | None

    @property
    def series(self) -> list[Point]:
        return [p.point for p in self.points]


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
    own = _series(cur, code, indicator_id)
    preds = predecessors(cur, code) if perimeter_status(code) else []
    notice = perimeter_notice(code, preds)
    if not preds:
        return LinkedSeries(code, indicator_id, [LinkedPoint(code, p) for p in own], [], None, notice)
    first_own = own[0].period_start if own else None
    indicator = next((i for i in load_indicators(cur) if i.id == indicator_id), None)
    earlier = _predecessor_points(cur, [c for c, _ in preds], indicator_id, indicator, first_own)
    breaks = perimeter_status(code) != "I" or len(preds) > 1
    points = list(earlier)
    break_period = None
    for i, point in enumerate(own):
        if i == 0 and earlier and breaks:
            point = point._replace(is_break=True, note=_join(
                point.note, "Changement de géographie prioritaire (2015 → 2024) : "
                            "série non comparable avec les valeurs précédentes."))
            break_period = point.period
        points.append(LinkedPoint(code, point))
    if not own and earlier and breaks:
        break_period = "2024"
    return LinkedSeries(code, indicator_id, points, preds, break_period, notice)


def _series(cur, code: str, indicator_id: str) -> list[Point]:
    return [Point(*row) for row in cur.execute(
        "SELECT period, period_start, value, is_secret, is_provisional, is_break, note, source FROM observation "
        "WHERE territory = ? AND indicator = ? ORDER BY period_start", [code, indicator_id]).fetchall()]


def _predecessor_points(cur, codes: list[str], indicator_id: str, indicator: Indicator | None,
                        before) -> list[LinkedPoint]:
    rows = cur.execute(
        "SELECT territory, period, period_start, value, numerator, denominator, is_secret, is_provisional, "
        "is_break, note, source FROM observation WHERE territory IN (SELECT unnest(?::VARCHAR[])) AND indicator = ? "
        "AND (?::DATE IS NULL OR period_start < ?::DATE) ORDER BY period_start, territory",
        [codes, indicator_id, before, before]).fetchall()
    if len(codes) == 1:
        return [LinkedPoint(r[0], Point(r[1], r[2], r[3], r[6], r[7], r[8],
                                        _join(r[9], f"Valeur du quartier 2015 {r[0]}."), r[10]))
                for r in rows]
    by_period: dict[tuple, dict[str, tuple]] = {}
    for r in rows:
        by_period.setdefault((r[1], r[2]), {})[r[0]] = r
    out = []
    label = "+".join(codes)
    for (period, start), members in by_period.items():
        if indicator is None or len(members) < len(codes):
            continue                     # a missing member: no figure for the merged perimeter
        result = aggregate(indicator, [Member(r[3], r[4], r[5], r[6]) for r in members.values()])
        if result.status == "non_agregeable":
            continue
        sources = {r[10] for r in members.values()}
        out.append(LinkedPoint(label, Point(period, start, result.value, result.status == "secret", False,
                                            False, f"Somme des quartiers 2015 {', '.join(codes)}.",
                                            sources.pop() if len(sources) == 1 else None)))
    return out


def _join(note: str | None, extra: str) -> str:
    return f"{note} {extra}" if note else extra
