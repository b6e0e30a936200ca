"""Aggregating one indicator over several territories: sums, rates from sums, never averaged medians."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dq_core.store.catalogue import ADDITIVE_KINDS, RATIO_KINDS, Indicator


@dataclass(frozen=True)
class Member:
    """One territory's cell for the period being aggregated."""
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    secret: bool = False


@dataclass(frozen=True)
class Aggregate:
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str   # 'ok', 'non_agregeable', 'secret' (a member is secret), 'incomplet' (a member is missing)

    @property
    def label(self) -> str | None:
        """Why there is no value, in French, or None when there is one."""
        return {
            "non_agregeable": "non agrégeable",
            "secret": "secret statistique (au moins un quartier est couvert par le secret)",
            "incomplet": "donnée manquante pour au moins un quartier",
        }.get(self.status)


def aggregate(indicator: Indicator, members: Iterable[Member]) -> Aggregate:
    """The group's value: counts are summed; rates, ratios and means are recomputed as
    scale × Σ numerators / Σ denominators; medians and indices are refused (never averaged).

    A secret member makes the group value secret too: publishing the total would let anyone
    recover the secret cell by subtracting the other members.
    """
    members = list(members)
    if indicator.kind in ADDITIVE_KINDS:
        return _sum_counts(members)
    if indicator.kind in RATIO_KINDS and indicator.scale is not None:
        return _ratio_of_sums(members, indicator.scale)
    return Aggregate(None, None, None, "non_agregeable")


def _sum_counts(members: list[Member]) -> Aggregate:
    if any(m.secret for m in members):
        return Aggregate(None, None, None, "secret")
    if not members or any(m.value is None for m in members):
        return Aggregate(None, None, None, "incomplet")
    return Aggregate(sum(m.value for m in members), None, None, "ok")


def _ratio_of_sums(members: list[Member], scale: float) -> Aggregate:
    if any(m.secret for m in members):
        return Aggregate(None, None, None, "secret")
    if not members or any(m.numerator is None or m.denominator is None for m in members):
        return Aggregate(None, None, None, "incomplet")
    numerator = sum(m.numerator for m in members)
    denominator = sum(m.denominator for m in members)
    if denominator == 0:
        return Aggregate(None, numerator, denominator, "incomplet")
    return Aggregate(scale * numerator / denominator, numerator, denominator, "ok")
