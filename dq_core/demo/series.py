"""From atoms to territories: each indicator's values, presence and secret over its periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from dq_core.demo.model import AtomFigures
from dq_core.demo.populations import C_REST, D_REST, E_REST, F_REST, Atoms, Layout, Q, add_shares
from dq_core.demo.scale import COVERAGE, FISCAL, GAP_SHARE, MONTHS, REF, REF_YEAR, SKIPPED_YEARS, YEARS, Scale
from dq_core.demo.structure import Structure
from dq_core.store import catalogue
from dq_core.store.catalogue import DEMO_CATALOGUE, Indicator


def aggregate(x: np.ndarray, st: Structure, lay: Layout) -> np.ndarray:
    """(A, P) atom figures -> (T, P) territory figures; the ensemble's row (last) is left at zero."""
    quartiers = x[:lay.nq]
    communes = x[lay.start(C_REST):lay.start(E_REST)] + add_shares(quartiers, st, lay.nc)
    epci = x[lay.start(E_REST):lay.start(D_REST)].copy()
    np.add.at(epci, st.commune_epci, communes)
    depts = x[lay.start(D_REST):lay.start(F_REST)].copy()
    np.add.at(depts, st.epci_dept, epci)
    regions = np.zeros((lay.nr,) + x.shape[1:])
    np.add.at(regions, st.dept_region, depts)
    france = x[-1:] + regions.sum(axis=0, keepdims=True)
    return np.concatenate([quartiers, communes, epci, depts, regions, france, np.zeros_like(france)])


def _months_frame() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year index (in YEARS), month number and length factor of every month of 2018-2025."""
    year_idx = np.repeat(np.arange(2018, 2026) - YEARS[0], 12)
    month = np.tile(np.arange(1, 13), 8)
    days = np.array([(date(y + (m == 12), m % 12 + 1, 1) - date(y, m, 1)).days
                     for y in range(2018, 2026) for m in range(1, 13)]) / 30.44
    return year_idx, month, days


def monthly_figures(at: Atoms, fig: AtomFigures,
                    rng: np.random.Generator) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Monthly MWh and delivery points per atom: the annual totals spread over a seasonal profile; and the
    common winter anomaly of each month of 2018-2025 (colder > 0), which the demo's degree days follow."""
    year_idx, month, days = _months_frame()
    season = np.cos(2 * np.pi * (month - 1) / 12)        # +1 in January, -1 in July
    weather = rng.normal(0, 0.07, len(month)) * (season > 0)   # cold or mild winter months, for all
    size = np.where(at.kind == Q, np.minimum(1.5, np.sqrt(2000 / at.pop[:, REF])), 0.1)
    out = {}
    for ind_id, annual, amplitude, sensitivity in (
            ("conso_elec_mensuelle", "conso_elec_logement", 0.23, 0.3),     # winter 1.6 x summer
            ("conso_gaz_mensuelle", "conso_gaz_logement", 0.6, 1.0)):       # winter 4 x summer
        weights = (days * (1 + amplitude * season) * (1 + sensitivity * weather))[None, :]
        weights = weights * (1 + rng.normal(0, 0.02, (len(at.kind), len(month))) * size[:, None])
        per_year = weights.reshape(len(at.kind), 8, 12).sum(axis=2)
        totals = fig.num[annual][:, year_idx]
        values = totals * weights / per_year[:, year_idx - year_idx[0]]
        out[ind_id] = (values[:, :len(MONTHS)], fig.den[annual][:, year_idx][:, :len(MONTHS)])
    return out, weather


@dataclass
class Series:
    """One indicator for every territory: (T, P) arrays over its periods."""
    ind: Indicator
    periods: np.ndarray           # (P,) global period ids
    years: np.ndarray             # (P,) calendar year of each period
    value: np.ndarray
    num: np.ndarray | None
    den: np.ndarray | None
    present: np.ndarray
    secret: np.ndarray


def level_index(lay: Layout) -> np.ndarray:
    return np.repeat(np.arange(7), [lay.nq, lay.nc, lay.ne, lay.nd, lay.nr, 1, 1])


def _coverage(ind_id: str) -> np.ndarray:
    first, last = COVERAGE[ind_id]
    skipped = SKIPPED_YEARS.get(ind_id, set())
    return np.array([first <= y <= last and y not in skipped for y in YEARS])


def _secret(ind: Indicator, value: np.ndarray, num: np.ndarray | None, den: np.ndarray | None,
            present: np.ndarray) -> np.ndarray:
    """Cells under the threshold: counts below it, or ratios whose numerator is below it."""
    thr = ind.secret_threshold
    if thr is None or ind.kind in catalogue.NON_AGGREGABLE_KINDS:
        return np.zeros_like(present)
    if ind.kind == "count":
        small = value < thr
        if den is not None:
            small |= den < thr              # energy: fewer than 11 delivery points
        return present & small
    return present & (num < thr)


def _finish_ratio(ind: Indicator, num: np.ndarray, den: np.ndarray, present: np.ndarray, nq: int,
                  withheld: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill the ensemble from the quartiers' published rows; return (value, secret)."""
    secret = _secret(ind, num, num, den, present) | (present & withheld)
    shown = present[:nq] & ~secret[:nq]
    num[-1] = np.where(shown, num[:nq], 0).sum(axis=0)
    den[-1] = np.where(shown, den[:nq], 0).sum(axis=0)
    present[-1] = present[-1] & (den[-1] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = ind.scale * num / den
    secret = _secret(ind, num, num, den, present) | (present & withheld)
    return value, secret


def _finish_count(ind: Indicator, value: np.ndarray, den: np.ndarray | None, present: np.ndarray,
                  nq: int) -> np.ndarray:
    secret = _secret(ind, value, None, den, present)
    shown = present[:nq] & ~secret[:nq]
    value[-1] = np.where(shown, value[:nq], 0).sum(axis=0)
    if den is not None:
        den[-1] = np.where(shown, den[:nq], 0).sum(axis=0)
    present[-1] = present[-1] & shown.any(axis=0)
    return _secret(ind, value, None, den, present)


def _gaps(lay: Layout, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Randomly missing cells of quartiers and communes: real series have holes."""
    holes = np.zeros(shape, dtype=bool)
    holes[:lay.nq + lay.nc] = rng.random((lay.nq + lay.nc, shape[1])) < GAP_SHARE
    return holes


def annual_series(fig: AtomFigures, at: Atoms, st: Structure, lay: Layout, fiscal_secret: np.ndarray,
                   rng: np.random.Generator) -> list[Series]:
    out: list[Series] = []
    computed: dict[str, np.ndarray] = {}
    urban = _territory_urban(at, st, lay)
    periods = np.arange(len(YEARS))
    for ind in DEMO_CATALOGUE:
        if ind.periodicity != "annual":
            continue
        cover = np.broadcast_to(_coverage(ind.id), (lay.territories, len(YEARS))).copy()
        if ind.kind in catalogue.NON_AGGREGABLE_KINDS:
            value = _territory_median(ind.id, computed, urban, level_index(lay), rng)
            present = cover & ~_gaps(lay, cover.shape, rng)
            secret = present & fiscal_secret if ind.id in FISCAL else np.zeros_like(present)
            out.append(Series(ind, periods, YEARS, value, None, None, present, secret))
            continue
        num = np.rint(aggregate(fig.num[ind.id], st, lay))
        if ind.kind == "count":
            secret = _finish_count(ind, num, None, cover, lay.nq)
            out.append(Series(ind, periods, YEARS, num, None, None, cover, secret))
            continue
        den = np.rint(aggregate(fig.den[ind.id], st, lay))
        present = cover & ~_gaps(lay, cover.shape, rng)
        present[:-1] &= den[:-1] > 0
        withheld = fiscal_secret if ind.id in FISCAL else np.zeros_like(present)
        value, secret = _finish_ratio(ind, num, den, present, lay.nq, withheld)
        computed[ind.id] = value
        out.append(Series(ind, periods, YEARS, value, num, den, present, secret))
    return out


# Median income per consumption unit against the poverty rate (REF_YEAR euros).
_MEDIAN_XP = [3, 8, 11, 14.5, 19, 30, 45, 60]
_MEDIAN_FP = [28000, 25000, 23000, 21800, 19600, 15300, 13000, 11100]


def _territory_urban(at: Atoms, st: Structure, lay: Layout) -> np.ndarray:
    """Population-weighted urban density of every territory (the ensemble: of all quartiers)."""
    pop = at.pop[:, REF:REF + 1]
    weighted = aggregate(at.u[:, None] * pop, st, lay)[:, 0]
    total = aggregate(pop, st, lay)[:, 0]
    weighted[-1], total[-1] = weighted[:lay.nq].sum(), total[:lay.nq].sum()
    return weighted / total


def _territory_median(ind_id: str, computed: dict[str, np.ndarray], urban: np.ndarray, levels: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """Medians and indices are made for each territory (never averaged from smaller ones)."""
    t = (YEARS - REF_YEAR)[None, :]
    n = len(urban)
    if ind_id == "revenu_median_uc":
        poverty = computed["taux_pauvrete"]
        base = np.interp(poverty[:, REF], _MEDIAN_XP, _MEDIAN_FP) * np.exp(rng.normal(0, 0.015, n))
        base[levels == 0] = np.clip(base[levels == 0], 11_000, 15_500)
        drift = 1 - 0.008 * (poverty - poverty[:, REF:REF + 1])
        return np.round(base[:, None] * 1.015 ** t * drift, -1)
    if ind_id == "rapport_interdecile":
        base = np.select([levels == 0, levels == 1, levels == 5, levels == 6],
                         [np.clip(rng.normal(2.9, 0.22, n), 2.3, 3.8), 3.0 + 0.9 * urban + rng.normal(0, 0.15, n),
                          np.full(n, 3.4), 3.0 + rng.normal(0, 0.03, n)],
                         3.1 + 0.5 * urban + rng.normal(0, 0.1, n))
        return np.round(base[:, None] + 0.01 * t + rng.normal(0, 0.03, (n, len(YEARS))), 1)
    base = 3.5 + 9 * (1 - urban) + rng.normal(0, 0.6, n) * (levels != 5)
    noise = rng.normal(0, 0.1, (n, len(YEARS)))
    return np.round(np.clip(base[:, None] + 0.06 * t + noise, 2, 30), 1)


def monthly_series(monthly: dict[str, tuple[np.ndarray, np.ndarray]], st: Structure,
                    lay: Layout) -> list[Series]:
    out = []
    periods = len(YEARS) + np.arange(len(MONTHS))
    years = np.array([y for y, _ in MONTHS])
    for ind in DEMO_CATALOGUE:
        if ind.periodicity != "monthly":
            continue
        values, dwellings = monthly[ind.id]
        value = np.rint(aggregate(values, st, lay))
        den = np.rint(aggregate(dwellings, st, lay))
        present = np.ones(value.shape, dtype=bool)
        present[:-1] = den[:-1] > 0              # no gas network: no row at all
        secret = _finish_count(ind, value, den, present, lay.nq)
        out.append(Series(ind, periods, years, value, None, den, present, secret))
    return out


def filosofi_withheld(sc: Scale, at: Atoms, lay: Layout, rng: np.random.Generator) -> np.ndarray:
    """(T, Y) Filosofi cells withheld: the smallest quartiers, three years out of eight."""
    mask = np.zeros((lay.territories, len(YEARS)), dtype=bool)
    first, last = COVERAGE["taux_pauvrete"]
    filosofi = np.flatnonzero((YEARS >= first) & (YEARS <= last))
    for q in np.argsort(at.pop[:lay.nq, REF], kind="stable")[:sc.fiscal_secret]:
        mask[q, rng.choice(filosofi, 3, replace=False)] = True
    return mask
