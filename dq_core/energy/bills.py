"""Yearly bills per dwelling: the last 12 months of consumption of a series × the prices in force."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dq_core import fmt, french
from dq_core.energy import prices as price_table
from dq_core.energy.prices import Price


@dataclass(frozen=True)
class Bill:
    total: float | None                     # € per dwelling and year
    by_energy: dict[str, float]
    kwh_by_energy: dict[str, float]         # kWh per dwelling over the 12 months
    last_month: date | None
    notes: tuple[str, ...] = ()

    @property
    def period(self) -> str | None:
        if self.last_month is None:
            return None
        first = date(self.last_month.year - 1 + (self.last_month.month == 12), self.last_month.month % 12 + 1, 1)
        return (f"12 mois {french.of(fmt.period(first.strftime('%Y-%m')))} à "
                f"{fmt.period(self.last_month.strftime('%Y-%m'))}")


def yearly_kwh(points: Iterable[tuple[date, float | None]]) -> tuple[float | None, date | None]:
    """kWh of the 12 months ending at the series' last month, None unless all 12 are measured."""
    values = {m: y for m, y in points if y is not None}
    if not values:
        return None, None
    last = max(values)
    months = [date(last.year - (last.month - k <= 0), (last.month - k - 1) % 12 + 1, 1) for k in range(12)]
    if not all(m in values for m in months):
        return None, last
    return sum(values[m] for m in months), last


class PriceBook:
    """The price table with the price in force per energy and day looked up once (many bills share them)."""

    def __init__(self, prices: Iterable[Price]):
        self.prices = list(prices)
        self._cache: dict[tuple[str, date], Price | None] = {}

    def on(self, energy: str, day: date) -> Price | None:
        key = (energy, day)
        if key not in self._cache:
            self._cache[key] = price_table.price_on(self.prices, energy, day)
        return self._cache[key]


def bill(kwh: dict[str, float], prices: list[Price] | PriceBook, last_month: date | None,
         subscriptions: dict[str, float] | None = None) -> Bill:
    """€ per dwelling for `kwh` (per energy, per dwelling and year) at the prices in force on `last_month`.

    `subscriptions` gives how many individual subscriptions each energy has per dwelling (1 for an
    individual contract, 0 for a collective boiler, a share for a quartier).
    """
    book = prices if isinstance(prices, PriceBook) else PriceBook(prices)
    by_energy, notes = {}, []
    for energy, amount in kwh.items():
        price = book.on(energy, last_month or date.today())
        if price is None:
            notes.append(f"Pas de prix pour l'énergie « {energy} » : elle n'est pas comptée dans la facture.")
            continue
        subs = 1.0 if subscriptions is None else subscriptions.get(energy, 1.0)
        by_energy[energy] = amount * price.eur_per_kwh + subs * (price.eur_per_year or 0.0)
    total = sum(by_energy.values()) if by_energy else None
    return Bill(total, by_energy, dict(kwh), last_month, tuple(notes))
