"""The fiche of a quartier: every indicator's latest value, its changes and the six references.

A fiche reads one query whatever the number of indicators: the quartier's series and one row per
reference territory and indicator. The catalogue, the quartier's communes, ancestors and ensemble, and
the 2015 predecessors of a 2024 quartier come from the workspace's snapshot (`store.snapshot`), read
once per data version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from dq_core.explore.sources import citation
from dq_core.store.catalogue import Indicator
from dq_core.store.reference import FRANCE_METRO_CODE, FRANCE_METRO_NAME
from dq_core.store.snapshot import VERSION_SQL, SharedSeries, Snapshot, last_snapshot, snapshot, snapshot_at
from dq_core.store.territories import REFERENCE_KEYS, Quartier

if TYPE_CHECKING:
    from dq_core.store.geography import Lineage, SeriesLink

POPULATION_INDICATOR = "pop_totale"
# Gaps smaller than this share of the reference value are read as "close" rather than better/worse.
SIMILAR_TOLERANCE = 0.03


class Point(NamedTuple):
    """One period of a series (a tuple: a fiche builds thousands of them per request)."""
    period: str
    period_start: date
    value: float | None
    secret: bool = False
    provisional: bool = False
    is_break: bool = False
    note: str | None = None
    source: str | None = None            # the product and edition cited (official files), see texts.citation


@dataclass(frozen=True)
class ReferenceValue:
    code: str
    name: str                    # the territory's name: « France métropolitaine » where it stands in for France
    period: str | None
    value: float | None
    secret: bool = False
    note: str | None = None
    source: str | None = None

    @property
    def is_metropole(self) -> bool:
        return self.code == FRANCE_METRO_CODE

    @property
    def same_period(self) -> bool:
        return self.period is not None


@dataclass
class IndicatorLine:
    indicator: Indicator
    series: list[Point]                      # the quartier's series, oldest first
    latest: Point | None                     # latest period with a value or a secret cell
    previous: Point | None = None            # the period before the latest that has a value
    change_previous: float | None = None
    five_years_ago: Point | None = None
    change_5y: float | None = None
    break_in_5y: bool = False                # a break lies between five years ago and now
    references: dict[str, ReferenceValue | None] = field(default_factory=dict)
    link: SeriesLink | None = None           # a 2024 quartier's series continuing its 2015 predecessor(s)

    @property
    def latest_from_predecessor(self) -> bool:
        """True when the latest value is the figure of the 2015 quartier(s), not the 2024 quartier's."""
        return self.link is not None and self.latest is not None and self.link.covers(self.latest.period)

    @property
    def has_value(self) -> bool:
        return self.latest is not None and self.latest.value is not None

    @property
    def citation(self) -> str:
        """How the latest figure is cited (its source's edition and its data year)."""
        latest = self.latest
        return citation(self.indicator, latest.period if latest else None, latest.source if latest else None)

    def trend(self) -> str | None:
        """'better', 'worse' or 'stable' over five years (or since the previous value)."""
        delta = self.change_5y if self.change_5y is not None else self.change_previous
        base = self.five_years_ago if self.change_5y is not None else self.previous
        if delta is None or base is None or base.value in (None, 0):
            return None
        return _assess(delta, abs(base.value), self.indicator.direction)

    def gap_with(self, key: str = "commune") -> str | None:
        """'better', 'worse' or 'close' compared with a reference, by the indicator's direction."""
        ref = self.references.get(key)
        if self.indicator.kind == "count":      # a quartier's count is smaller than its commune's by nature
            return None
        if not self.has_value or ref is None or ref.value in (None, 0):
            return None
        return _assess(self.latest.value - ref.value, abs(ref.value), self.indicator.direction,
                       stable="close")


def _assess(delta: float, scale: float, direction: str, stable: str = "stable") -> str | None:
    if abs(delta) <= SIMILAR_TOLERANCE * scale:
        return stable
    if direction == "neutral":
        return "higher" if delta > 0 else "lower"
    up_is_good = direction == "higher_better"
    return "better" if (delta > 0) == up_is_good else "worse"


@dataclass
class Fiche:
    quartier: Quartier
    demo: bool
    population: Point | None
    domains: list[tuple[str, str, list[IndicatorLine]]]   # (domain id, French label, lines)
    lineage: Lineage | None = None          # a 2024 quartier: its perimeter and where its figures come from

    def lines(self) -> list[IndicatorLine]:
        return [line for _, _, lines in self.domains for line in lines]

    def headline(self, count: int = 4) -> list[IndicatorLine]:
        """The first key indicators that have a value: the figures quoted first."""
        key = [line for line in self.lines() if line.indicator.is_key and line.has_value
               and line.indicator.id != POPULATION_INDICATOR]
        return key[:count]

    def population_origin(self) -> str | None:
        """`quartier 2015 QP044013` when a 2024 quartier's population is its predecessor's figure."""
        line = next((ln for ln in self.lines() if ln.indicator.id == POPULATION_INDICATOR), None)
        if self.population is None or line is None or line.link is None \
                or not line.link.covers(self.population.period):
            return None
        return line.link.territories

    def line(self, indicator_id: str) -> IndicatorLine:
        return next(line for line in self.lines() if line.indicator.id == indicator_id)


_OBSERVATIONS_SQL = """
SELECT territory, indicator, period, period_start, value, is_secret, is_provisional, is_break, note, source
FROM observation
WHERE territory = ANY(?::VARCHAR[])
ORDER BY territory, indicator, period_start
"""


def observations_by_territory(cur: duckdb.DuckDBPyConnection, codes: list[str]
                              ) -> dict[str, dict[str, list[Point]]]:
    """{territory: {indicator: [Point, ...] oldest first}} for the given territories."""
    result: dict[str, dict[str, list[Point]]] = {code: {} for code in codes}
    for row in cur.execute(_OBSERVATIONS_SQL, [codes]).fetchall():
        result[row[0]].setdefault(row[1], []).append(Point._make(row[2:]))
    return result


# One scan for the whole fiche: every row of the quartier (and of its 2015 predecessors, with the numerators
# and denominators merging them needs), of its commune and EPCI, and of the shared references not kept
# yet (`Snapshot.shared_series`); then the data version. A single pipeline, unsorted: on a busy machine,
# choosing each reference's row and sorting in Python costs less than joins, windows and sorts in the query.
_FICHE_ROWS_SQL = f"""
SELECT territory, indicator, period, period_start, value, numerator, denominator, is_secret, is_provisional,
       is_break, note, source
FROM observation WHERE territory = ANY($codes::VARCHAR[])
UNION ALL
SELECT NULL, NULL, {VERSION_SQL}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
"""
# References read in full and kept (`Snapshot.shared_series`): many quartiers share them.
SHARED_REFERENCES = ("departement", "region", "france", "quartiers")


def build_fiche(cur: duckdb.DuckDBPyConnection, code: str) -> Fiche:
    """Everything the fiche of quartier `code` shows, computed once.

    The catalogue and the quartier's references come from the workspace's snapshot (read once per data
    version), and so do the series of the references many quartiers share; the rest in one scan, which
    also reads the data version: the quartier's rows and its commune's and EPCI's, of which only the row
    each reference shows becomes a point.
    """
    # Imported here: geography builds on this module's Point.
    from dq_core.store import geography

    snap = last_snapshot(cur) or snapshot(cur)
    read = _FicheRows.read(cur, snap, code)
    if read.version != snap.version:           # the data changed since: read again at the new version
        snap = snapshot_at(cur, read.version)
        read = _FicheRows.read(cur, snap, code)
    quartier = read.quartier
    links = lineage = None
    if read.preds is not None:
        found = geography.linked_quartier(cur, quartier.code, snap.indicators, read.preds, read.own)
        series, links, lineage = found.series, found.links, found.lineage
    else:
        series = {}
        for r in read.own:
            series.setdefault(r[1], []).append(Point(r[2], r[3], r[4], r[7], r[8], r[9], r[10], r[11]))
    latest = {ind: points[-1].period for ind, points in series.items()}
    observations = {quartier.code: series}
    for c, rows in read.chosen.items():
        observations[c] = {ind: [Point(r[2], r[3], r[4], r[7], r[8], r[9], r[10], r[11])]
                           for ind, r in shown_rows(rows, latest).items()}
    for c, entry in read.shared.items():
        observations[c] = {ind: [by_period.get(latest.get(ind)) or points[-1]]
                           for ind, (points, by_period) in entry.items()}
    return assemble_fiche(quartier, snap.indicators, snap.labels, observations, snap.demo, links, lineage)


def shown_rows(rows: list[tuple], latest: dict[str, str]) -> dict[str, tuple]:
    """Per indicator, the row of a reference the fiche shows: the one at the quartier's latest period when
    the reference has it, else the reference's latest (as `reference_value` picks from a whole series)."""
    shown: dict[str, tuple] = {}
    for r in rows:
        kept = shown.get(r[1])
        if kept is None or (kept[2] != latest.get(r[1]) and (r[2] == latest.get(r[1]) or r[3] > kept[3])):
            shown[r[1]] = r
    return shown


@dataclass
class _FicheRows:
    """What `_FICHE_ROWS_SQL` read for a quartier, and the shared references' series."""
    quartier: Quartier
    preds: list[tuple[str, str]] | None      # a 2024 quartier's 2015 predecessors (None for a 2015 quartier)
    own: list[tuple]                         # its rows and its predecessors', by indicator, period, territory
    chosen: dict[str, list[tuple]]           # its commune's and EPCI's rows, unsorted
    shared: dict[str, dict[str, tuple]]      # département, région, France (métropolitaine), ensemble
                                             # (`SharedSeries.index`: indicator → (series, by period))
    version: str                             # the snapshot version of the data read

    @classmethod
    def read(cls, cur: duckdb.DuckDBPyConnection, snap: Snapshot, code: str) -> _FicheRows:
        from dq_core.store import geography

        quartier = snap.quartier(code)
        preds = snap.predecessors.get(quartier.code, []) if geography.perimeter_status(quartier.code) else None
        own_codes = {quartier.code, *(c for c, _ in preds or ())}
        shared_codes = [t.code for k, t in quartier.references.items() if k in SHARED_REFERENCES]
        shared_codes += metropole_codes(quartier)
        chosen: dict[str, list[tuple]] = {t.code: [] for k, t in quartier.references.items()
                                          if k not in SHARED_REFERENCES}
        shared = {c: snap.shared_series.get(c) for c in shared_codes}
        missing: dict[str, list[tuple]] = {c: [] for c, found in shared.items() if found is None}
        rows = cur.execute(_FICHE_ROWS_SQL, {"codes": [*own_codes, *chosen, *missing]}).fetchall()
        version = rows.pop()[2]
        own = []
        for r in rows:
            if r[0] in own_codes:
                own.append(r)
            else:
                # A code in two roles serves both.
                if r[0] in chosen:
                    chosen[r[0]].append(r)
                if r[0] in missing:
                    missing[r[0]].append(r)
        own.sort(key=_series_order)
        if missing:
            kept = {c: SharedSeries.index(_series(found)) for c, found in missing.items()}
            if version == snap.version:
                for c, entry in kept.items():
                    snap.shared_series.put(c, entry)
            shared.update(kept)
        return cls(quartier, preds, own, chosen, shared, version)


def _series_order(row: tuple) -> tuple:
    """Rows (territory, indicator, period, period_start, …) by indicator, period, then territory."""
    return row[1], row[3], row[0]


def _series(rows: list[tuple]) -> dict[str, list[Point]]:
    series: dict[str, list[Point]] = {}
    for r in sorted(rows, key=_series_order):
        series.setdefault(r[1], []).append(Point(r[2], r[3], r[4], r[7], r[8], r[9], r[10], r[11]))
    return series


def linked_quartier(cur: duckdb.DuckDBPyConnection, code: str, indicators: list[Indicator]):
    """A 2024 quartier's series continued by its 2015 predecessor(s) (`geography.linked_quartier`), in
    one read of the observations; None for a 2015 quartier."""
    # Imported here: geography builds on this module's Point.
    from dq_core.store import geography

    return geography.linked_quartier(cur, code, indicators)


def assemble_fiche(quartier: Quartier, indicators: list[Indicator], labels: dict[str, str],
                   observations: dict[str, dict[str, list[Point]]], demo: bool,
                   links: dict[str, SeriesLink] | None = None, lineage: Lineage | None = None) -> Fiche:
    """Pure computation of the fiche from already fetched observations (shared with benchmarks).

    `links`, `lineage`: a 2024 quartier's series are its predecessors' continued (see `linked_quartier`).
    """
    own = observations.get(quartier.code, {})
    links = links or {}
    domains: dict[str, list[IndicatorLine]] = {d: [] for d in labels}
    for indicator in indicators:
        line = indicator_line(indicator, own.get(indicator.id, []))
        line.link = links.get(indicator.id)
        for key in REFERENCE_KEYS:
            territory = quartier.references.get(key)
            if territory is not None:
                code, name = territory.code, territory.name
                series = observations.get(code, {}).get(indicator.id, [])
                if not series and key == "france" and metropole_codes(quartier):
                    # INSEE's file for France métropolitaine, named as such, where France has no figure.
                    code, name = FRANCE_METRO_CODE, FRANCE_METRO_NAME
                    series = observations.get(code, {}).get(indicator.id, [])
                line.references[key] = reference_value(code, name, series, line.latest)
            else:
                line.references[key] = None
        domains.setdefault(indicator.domain, []).append(line)
    population_series = own.get(POPULATION_INDICATOR, [])
    population = next((p for p in reversed(population_series) if p.value is not None), None)
    return Fiche(quartier, demo, population,
                 [(d, labels.get(d, d), lines) for d, lines in domains.items() if lines], lineage)


def metropole_codes(quartier: Quartier) -> list[str]:
    """[France métropolitaine's code] for a quartier of metropolitan France (an overseas quartier is never
    compared with it), else []."""
    departement = quartier.references.get("departement")
    if "france" not in quartier.references or departement is None or departement.code.startswith("DEP97"):
        return []
    return [FRANCE_METRO_CODE]


def indicator_line(indicator: Indicator, series: list[Point]) -> IndicatorLine:
    """Latest value, previous value, value five years earlier and the changes between them."""
    line = IndicatorLine(indicator, series, series[-1] if series else None)
    latest = line.latest
    if latest is None or latest.value is None:
        return line
    earlier = [p for p in series[:-1] if p.value is not None]
    if earlier:
        line.previous = earlier[-1]
        if not _break_between(series, line.previous, latest):
            line.change_previous = latest.value - line.previous.value
    target = _years_before(latest.period_start, 5)
    line.five_years_ago = next((p for p in earlier if p.period_start == target), None)
    if line.five_years_ago is not None:
        line.break_in_5y = _break_between(series, line.five_years_ago, latest)
        if not line.break_in_5y:
            line.change_5y = latest.value - line.five_years_ago.value
    return line


def reference_value(code: str, name: str, series: list[Point], latest: Point | None
                    ) -> ReferenceValue:
    """The reference's value at the quartier's latest period, else its own latest value."""
    if not series:
        return ReferenceValue(code, name, None, None)
    chosen = None
    if latest is not None:
        chosen = next((p for p in series if p.period == latest.period), None)
    chosen = chosen or series[-1]
    return ReferenceValue(code, name, chosen.period, chosen.value, chosen.secret, chosen.note, chosen.source)


def _years_before(d: date, years: int) -> date:
    return d.replace(year=d.year - years)


def _break_between(series: list[Point], start: Point, end: Point) -> bool:
    return any(p.is_break for p in series if start.period_start < p.period_start <= end.period_start)
