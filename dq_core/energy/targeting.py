"""The targeting list: residences ranked by a transparent score — energy burden, rising consumption and
poor DPE class — each with the reasons of its points."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from dq_core import fmt
from dq_core.energy import burden, portfolio, settings
from dq_core.energy.portfolio import Unit

BURDEN_POINTS = 50          # × share of households above 8 %
RISE_POINTS = 25            # 1 point per % of corrected rise, up to 25
RISE_FROM = 5.0             # below +5 % a change is ordinary
DPE_POINTS = {"E": 5, "F": 15, "G": 25}

SCORE_TEXT = (
    "Score de ciblage (sur 100), transparent : jusqu'à {b} points pour la précarité énergétique ({b} × la "
    "part estimée des ménages au-dessus de 8 % de taux d'effort), jusqu'à {r} points pour une consommation "
    "corrigée du climat en hausse (1 point par % de hausse des 12 derniers mois sur les 12 précédents, à "
    "partir de +{f} %), et des points pour une mauvaise étiquette énergétique (DPE E : {e}, F : {fp}, G : "
    "{g}). Chaque ligne dit d'où viennent ses points. Les résidences de moins de {n} logements n'y "
    "figurent pas seules : elles sont regroupées dans « Autres résidences » de leur quartier.")


@dataclass(frozen=True)
class Target:
    rank: int
    scope: str                       # 'residence' | 'autres'
    code: str
    name: str
    landlord: str | None
    quartier: str | None
    quartier_name: str | None
    dwellings: float
    heating: str | None
    dpe: str | None
    score: float
    share_above: float | None        # estimated share of households above 8 % (central)
    bill: float | None               # € per dwelling and year
    change_pct: float | None
    reasons: tuple[str, ...]
    last_month: str | None = None    # 'YYYY-MM' of the data


def score_text(cur: duckdb.DuckDBPyConnection | None = None) -> str:
    n = settings.secret_min(cur) if cur is not None else settings.SECRET_MIN
    return SCORE_TEXT.format(b=BURDEN_POINTS, r=RISE_POINTS, f=fmt.number(RISE_FROM, 0), e=DPE_POINTS["E"],
                             fp=DPE_POINTS["F"], g=DPE_POINTS["G"], n=n)


def _shares(units: list[Unit]) -> list[float | None]:
    """Share of households above 8 % for every unit at once (None without a bill or an income)."""
    ok = [i for i, u in enumerate(units) if u.bill.total and u.income is not None]
    out: list[float | None] = [None] * len(units)
    if ok:
        values = burden.share_above(np.array([units[i].bill.total for i in ok]),
                                    np.array([units[i].income.median for i in ok]),
                                    np.array([units[i].income.sigma for i in ok]), settings.EFFORT_TEE_3D)
        for i, v in zip(ok, values.tolist(), strict=True):
            out[i] = v
    return out


def score(unit: Unit, share: float | None = None) -> tuple[float, float | None, tuple[str, ...]]:
    """(score, share above 8 %, reasons) of one unit (`share`: already computed for it)."""
    points, reasons = 0.0, []
    if share is None and unit.bill.total and unit.income is not None:
        share = _shares([unit])[0]
    if share is not None:
        p = BURDEN_POINTS * share
        points += p
        reasons.append(f"précarité : environ {fmt.number(share * 100, 0)} % des ménages au-dessus de 8 % de taux "
                       f"d'effort (facture estimée {fmt.number(unit.bill.total, 0)} € par an, revenus "
                       f"{unit.income.source.split(' (')[0]}) : {fmt.number(p, 0)} points")
    if unit.change_pct is not None and unit.change_pct >= RISE_FROM:
        p = min(RISE_POINTS, unit.change_pct)
        points += p
        reasons.append(f"consommation corrigée du climat en hausse de {fmt.number(unit.change_pct, 0)} % sur "
                       f"un an : {fmt.number(p, 0)} points")
    if unit.dpe in DPE_POINTS:
        points += DPE_POINTS[unit.dpe]
        reasons.append(f"étiquette énergétique (DPE) {unit.dpe} : {DPE_POINTS[unit.dpe]} points")
    return points, share, tuple(reasons)


def targeting(cur: duckdb.DuckDBPyConnection, units: list[Unit] | None = None,
              quartier: str | None = None) -> list[Target]:
    """Residences (and groups of small ones) by decreasing score; optionally those of one quartier."""
    units = portfolio.units(cur) if units is None else units
    chosen = [u for u in units if u.scope != "quartier" and (quartier is None or u.quartier == quartier)]
    scored = []
    for u, share in zip(chosen, _shares(chosen), strict=True):
        points, share, reasons = score(u, share)
        scored.append((u, points, share, reasons))
    scored.sort(key=lambda x: (-x[1], x[0].name, x[0].code))
    return [Target(i + 1, u.scope, u.code, u.name, u.landlord, u.quartier, u.quartier_name, u.dwellings, u.heating,
                   u.dpe, round(points, 1), share, u.bill.total, u.change_pct, reasons,
                   u.last_month.strftime("%Y-%m") if u.last_month else None)
            for i, (u, points, share, reasons) in enumerate(scored)]
