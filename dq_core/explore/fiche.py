"""The fiche of a quartier: every indicator's latest value, its changes and the six references.

A fiche takes six small queries whatever the number of indicators: the quartier with its ancestors,
communes and ensemble; the catalogue; its domains; the workspace kind; the quartier's series; and
one row per reference territory and indicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import duckdb

from dq_core.explore.sources import citation
from dq_core.store import db
from dq_core.store.catalogue import Indicator, domain_labels, load_indicators
from dq_core.store.reference import FRANCE_METRO_CODE, FRANCE_METRO_NAME
from dq_core.store.territories import REFERENCE_KEYS, Quartier, get_quartier

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

    def lines(self) -> list[IndicatorLine]:
        return [line for _, _, lines in self.domains for line in lines]

    def headline(self, count: int = 4) -> list[IndicatorLine]:
        """The first key indicators that have a value: the figures quoted first."""
        key = [line for line in self.lines() if line.indicator.is_key and line.has_value
               and line.indicator.id != POPULATION_INDICATOR]
        return key[:count]

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


# For each reference and indicator, only the row the fiche shows: the one at the quartier's latest
# period when the reference has it, else the reference's own latest.
_REFERENCE_ROWS_SQL = """
WITH latest AS (SELECT unnest(?::VARCHAR[]) AS indicator, unnest(?::VARCHAR[]) AS period)
SELECT o.territory, o.indicator, o.period, o.period_start, o.value, o.is_secret, o.is_provisional,
       o.is_break, o.note, o.source
FROM observation o LEFT JOIN latest l ON l.indicator = o.indicator
WHERE o.territory = ANY(?::VARCHAR[])
QUALIFY row_number() OVER (PARTITION BY o.territory, o.indicator
                           ORDER BY o.period = l.period DESC NULLS LAST, o.period_start DESC) = 1
"""


def build_fiche(cur: duckdb.DuckDBPyConnection, code: str) -> Fiche:
    """Everything the fiche of quartier `code` shows, computed once.

    Two reads of the observations: the quartier's whole series, then one row per reference and
    indicator (the reference's full series is not needed here, and fetching it would triple the
    rows crossing into Python).
    """
    quartier = get_quartier(cur, code)
    indicators = load_indicators(cur)
    labels = domain_labels(cur)
    observations = observations_by_territory(cur, [quartier.code])
    latest = {ind: series[-1].period for ind, series in observations[quartier.code].items()}
    references = [t.code for t in quartier.references.values()] + metropole_codes(quartier)
    for code_ in references:
        observations[code_] = {}
    for row in cur.execute(_REFERENCE_ROWS_SQL, [list(latest), list(latest.values()), references]).fetchall():
        observations[row[0]][row[1]] = [Point._make(row[2:])]
    return assemble_fiche(quartier, indicators, labels, observations, db.is_demo(cur))


def assemble_fiche(quartier: Quartier, indicators: list[Indicator], labels: dict[str, str],
                   observations: dict[str, dict[str, list[Point]]], demo: bool) -> Fiche:
    """Pure computation of the fiche from already fetched observations (shared with benchmarks)."""
    own = observations.get(quartier.code, {})
    domains: dict[str, list[IndicatorLine]] = {d: [] for d in labels}
    for indicator in indicators:
        line = indicator_line(indicator, own.get(indicator.id, []))
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
                 [(d, labels.get(d, d), lines) for d, lines in domains.items() if lines])


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
