"""How a figure is cited: the product and edition it comes from, then the year its data describe."""

from __future__ import annotations

import re

from dq_core import fmt


def citation(indicator, period: str | None, source: str | None = None) -> str:
    """`Insee – DGFiP, Filosofi 2021`: producer, dataset without its trailing aside, data period.

    With the `source` of an official figure, the product and edition come first and the data year
    after: `Insee, Données par thématique QPV « Revenus », édition 2022 — Filosofi 2018`.
    """
    dataset = re.sub(r"\s*\([^()]*\)$", "", indicator.dataset).strip() or indicator.dataset
    when = f" {fmt.period(period)}" if period else ""
    if source:
        return f"{source} — {dataset}{when}"
    return f"{indicator.producer}, {dataset}{when}"


_EDITION = re.compile(r"^(?P<product>.*), édition (?P<edition>\d{4})$")


def source_line(indicator, sources) -> str:
    """One line for the sources of a series or a table: `Insee, Données par thématique QPV « Revenus »,
    éditions 2021 et 2022 — Filosofi`; the producer and dataset when no official source is stored."""
    distinct = sorted({s for s in sources if s})
    dataset = re.sub(r"\s*\([^()]*\)$", "", indicator.dataset).strip() or indicator.dataset
    if not distinct:
        return f"{indicator.producer}, {indicator.dataset}"
    matches = [_EDITION.match(s) for s in distinct]
    if all(matches) and len({m["product"] for m in matches}) == 1:
        editions = [m["edition"] for m in matches]
        word = "édition" if len(editions) == 1 else "éditions"
        listed = editions[0] if len(editions) == 1 else f"{', '.join(editions[:-1])} et {editions[-1]}"
        return f"{matches[0]['product']}, {word} {listed} — {dataset}"
    return " ; ".join(f"{s} — {dataset}" for s in distinct)


def stored_sources(cur, indicators, periods: dict[str, str | None]) -> dict[str, str]:
    """Indicator id → `source_line` of what is stored for it at the given period (one query)."""
    wanted = [(i.id, p) for i in indicators if (p := periods.get(i.id))]
    found: dict[str, set[str]] = {}
    if wanted:
        for indicator, source in cur.execute(
                "SELECT DISTINCT o.indicator, o.source FROM observation o "
                "JOIN (SELECT unnest(?::VARCHAR[]) AS indicator, unnest(?::VARCHAR[]) AS period) w "
                "USING (indicator, period) WHERE o.source IS NOT NULL",
                [[w[0] for w in wanted], [w[1] for w in wanted]]).fetchall():
            found.setdefault(indicator, set()).add(source)
    return {i.id: source_line(i, found.get(i.id, ())) for i in indicators}
