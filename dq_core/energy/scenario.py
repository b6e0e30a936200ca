"""Price scenario: if prices rise by X %, how many dwellings of which residences and quartiers cross the
effort thresholds, and by how much the average bill grows."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np

from dq_core import fmt
from dq_core.energy import burden, portfolio, settings
from dq_core.energy.burden import Estimate
from dq_core.energy.portfolio import Unit
from dq_core.errors import DQError

METHOD_TEXT = (
    "Scénario de prix. Tous les prix de l'énergie (prix du kWh et abonnement) augmentent du pourcentage "
    "choisi ; la consommation des 12 derniers mois est supposée inchangée. Pour chaque résidence et chaque "
    "quartier, la part des ménages au-dessus de chaque seuil de taux d'effort est estimée avant et après "
    "la hausse (même méthode que la précarité énergétique) ; la différence, multipliée par le nombre de "
    "logements, donne les logements qui franchiraient le seuil — une estimation avec sa fourchette, jamais "
    "une liste de ménages. Les résidences de moins de {n} logements sont regroupées dans « Autres "
    "résidences » de leur quartier (secret statistique).")


@dataclass(frozen=True)
class ScenarioLine:
    scope: str                               # 'residence' | 'autres' | 'quartier'
    code: str
    name: str
    quartier: str | None
    quartier_name: str | None
    landlord: str | None
    dwellings: float
    bill_before: float                       # € per dwelling and year
    bill_after: float
    above_before: dict[float, Estimate]      # threshold -> share of households
    above_after: dict[float, Estimate]
    crossing: dict[float, Estimate]          # threshold -> dwellings crossing it with the rise
    income_year: str | None = None


@dataclass(frozen=True)
class Scenario:
    rise_pct: float
    lines: tuple[ScenarioLine, ...]          # residences and groups, then quartiers; most crossings first
    crossing_residences: dict[float, Estimate]   # totals over the residences (and groups)
    crossing_quartiers: dict[float, Estimate]    # totals over the quartiers
    average_bill_before: float | None        # dwelling-weighted, over the residences
    average_bill_after: float | None
    notes: tuple[str, ...] = ()
    method: str = ""
    excluded: int = 0                        # units without a 12-month bill or an income
    prices_label: str = field(default="")

    @property
    def average_growth(self) -> float | None:
        if self.average_bill_before is None or self.average_bill_after is None:
            return None
        return self.average_bill_after - self.average_bill_before

    def lines_of(self, kind: str) -> list[ScenarioLine]:
        return [line for line in self.lines if line.scope == kind]


def _shares(bills: np.ndarray, medians: np.ndarray, sigmas: list[tuple[float, ...]], central: np.ndarray,
            threshold: float) -> np.ndarray:
    """(cases, units) shares above `threshold`: row 0 the central case, then each spread of incomes × each
    spread of bills (the same cases before and after a rise, so that differences pair up)."""
    cases = [burden.share_above(bills, medians, central, threshold)]
    widest = max(len(s) for s in sigmas)
    for i in range(widest):
        sig = np.array([s[min(i, len(s) - 1)] for s in sigmas])
        for sd in settings.BILL_LOG_SD_RANGE:
            cases.append(burden.share_above(bills, medians, sig, threshold, sd))
    return np.vstack(cases)


def _triple(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(central, low, high) of the cases."""
    return stack[0], stack.min(axis=0), stack.max(axis=0)


def scenario(cur: duckdb.DuckDBPyConnection, rise_pct: float, units: list[Unit] | None = None) -> Scenario:
    """The scenario for a price rise of `rise_pct` % (negative: a fall)."""
    if not -90 <= rise_pct <= 500:
        raise DQError(f"Hausse des prix de {fmt.number(rise_pct, 1)} % : choisissez une valeur entre −90 et 500 %.")
    units = portfolio.units(cur) if units is None else units
    ok = [u for u in units if u.bill.total and u.income is not None]
    factor = 1 + rise_pct / 100
    lines: list[ScenarioLine] = []
    if ok:
        before = np.array([u.bill.total for u in ok])
        after = before * factor
        medians = np.array([u.income.median for u in ok])
        sigmas = [u.income.sigmas for u in ok]
        central = np.array([u.income.sigma for u in ok])
        dwellings = np.array([u.dwellings for u in ok])
        per_threshold = {}
        for t in settings.EFFORT_THRESHOLDS:
            b = _shares(before, medians, sigmas, central, t)
            a = _shares(after, medians, sigmas, central, t)
            per_threshold[t] = (_triple(b), _triple(a), _triple(np.maximum(a - b, 0) * dwellings[None, :]))
        # Plain lists: indexing numpy arrays one value at a time is what makes 50,000 lines slow.
        listed = {t: [[a.tolist() for a in part] for part in v] for t, v in per_threshold.items()}
        before_list, after_list = before.tolist(), after.tolist()
        for i, u in enumerate(ok):
            est = {t: [Estimate(x[0][i], x[1][i], x[2][i]) for x in v] for t, v in listed.items()}
            lines.append(ScenarioLine(u.scope, u.code, u.name, u.quartier, u.quartier_name, u.landlord, u.dwellings,
                                      before_list[i], after_list[i], {t: e[0] for t, e in est.items()},
                                      {t: e[1] for t, e in est.items()}, {t: e[2] for t, e in est.items()},
                                      u.income.year))
    residences = [line for line in lines if line.scope != "quartier"]
    quartiers = [line for line in lines if line.scope == "quartier"]
    first = settings.EFFORT_TEE_3D
    residences.sort(key=lambda line: (-line.crossing[first].central, line.name))
    quartiers.sort(key=lambda line: (-line.crossing[first].central, line.name))
    weights = sum(line.dwellings for line in residences)
    avg_before = sum(line.bill_before * line.dwellings for line in residences) / weights if weights else None
    avg_after = sum(line.bill_after * line.dwellings for line in residences) / weights if weights else None
    notes = []
    if len(ok) < len(units):
        notes.append(f"{len(units) - len(ok)} résidence(s) ou quartier(s) sans 12 mois de consommation, sans prix "
                     "ou sans revenu médian : pas d'estimation.")
    threshold = settings.secret_min(cur)
    return Scenario(rise_pct, tuple(residences + quartiers), _total(residences), _total(quartiers), avg_before,
                    avg_after, tuple(notes), METHOD_TEXT.format(n=threshold), len(units) - len(ok))


def _total(lines: list[ScenarioLine]) -> dict[float, Estimate]:
    return {t: Estimate(sum(line.crossing[t].central for line in lines), sum(line.crossing[t].low for line in lines),
                        sum(line.crossing[t].high for line in lines)) for t in settings.EFFORT_THRESHOLDS}
