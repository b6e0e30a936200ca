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
