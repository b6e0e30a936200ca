"""Energy burden (ONPE definitions): estimated yearly bill per dwelling against the quartier's income
distribution, with the share of households likely above the effort thresholds and its uncertainty."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import numpy as np

from dq_core import fmt
from dq_core.energy import settings

METHOD_TEXT = (
    "Précarité énergétique (définitions de l'Observatoire national de la précarité énergétique, ONPE). "
    "Taux d'effort énergétique = dépenses d'énergie du logement / revenu disponible du ménage. TEE_3D : "
    "ménages des trois premiers déciles de revenu par unité de consommation (déciles de la France) dont "
    f"le taux d'effort dépasse {fmt.number(settings.EFFORT_TEE_3D * 100, 0)} % "
    f"({fmt.number(settings.EFFORT_FIRST_DEFINITION * 100, 0)} % dans sa première définition). BRDE : "
    "dépenses d'énergie supérieures à la médiane et revenu, après dépenses de logement, inférieur à 60 % "
    "de la médiane. Ce que l'application estime : la facture annuelle moyenne par logement = consommation "
    "mesurée des 12 derniers mois × prix du tableau des prix (prix du kWh et abonnement en vigueur au "
    "dernier mois, toutes taxes comprises) ; la distribution des revenus du quartier, supposée "
    "log-normale, à partir des chiffres Filosofi du quartier (revenu médian par unité de consommation, "
    "rapport interdécile D9/D1 et, pour la fourchette, taux de pauvreté au seuil de 60 % de la médiane "
    f"de la France) ; {fmt.number(settings.UC_PER_HOUSEHOLD, 1)} unité de consommation par ménage ; "
    "des factures de ménages dispersées autour de la moyenne (écart-type logarithmique "
    f"{fmt.number(settings.BILL_LOG_SD, 2)}). La part des ménages au-dessus d'un seuil est la probabilité "
    "qu'un ménage du quartier y soit, multipliée par le nombre de logements : une estimation, jamais un "
    "compte de ménages identifiés. Sa fourchette vient des deux mesures de la dispersion des revenus "
    "(rapport interdécile, taux de pauvreté) et d'une dispersion des factures de "
    f"{fmt.number(settings.BILL_LOG_SD_RANGE[0], 2)} à {fmt.number(settings.BILL_LOG_SD_RANGE[1], 2)}. "
    "Les résidences reçoivent la distribution des revenus de leur quartier (les locataires d'un bailleur "
    "social ont souvent des revenus plus bas : l'estimation est alors prudente). Le BRDE n'est pas estimé : "
    "l'application ne connaît pas les dépenses de logement des ménages.")

_Z90 = 1.2815515655446004       # D9 = median × exp(+z σ), D1 = median × exp(−z σ)
_Z30 = -0.5244005127080407      # third decile


@dataclass(frozen=True)
class Estimate:
    """A central estimate with its range (shares between 0 and 1, or dwellings)."""
    central: float
    low: float
    high: float

    def scaled(self, factor: float) -> Estimate:
        return Estimate(self.central * factor, self.low * factor, self.high * factor)

    def text(self, percent: bool = True, decimals: int = 0) -> str:
        k = 100 if percent else 1
        unit = " %" if percent else ""
        return (f"{fmt.number(self.central * k, decimals)}{unit} (entre {fmt.number(self.low * k, decimals)} "
                f"et {fmt.number(self.high * k, decimals)}{unit})")


@dataclass(frozen=True)
class Income:
    """A quartier's income distribution per consumption unit (log-normal), from its Filosofi figures."""
    territory: str
    year: str
    median: float                          # € per consumption unit and year
    sigma: float                           # central spread (from D9/D1, else from the poverty rate)
    sigmas: tuple[float, ...]              # every spread the figures give, for the range
    national_median: float | None
    national_d3: float | None              # third decile of France, for TEE_3D
    source: str

    @property
    def household_median(self) -> float:
        return self.median * settings.UC_PER_HOUSEHOLD


@dataclass(frozen=True)
class Burden:
    """Burden figures of one quartier or residence."""
    bill: float | None                     # € per dwelling and year (mean), None when no price or no year
    bill_by_energy: dict[str, float] = field(default_factory=dict)
    income: Income | None = None
    effort_median: float | None = None     # bill / income of the median household
    above: dict[float, Estimate] = field(default_factory=dict)     # threshold -> share of households
    tee_3d: Estimate | None = None         # share of households: first three deciles and above 8 %
    period: str | None = None              # « 12 mois d'octobre 2024 à septembre 2025 »
    notes: tuple[str, ...] = ()


def normal_cdf(x):
    """Φ(x) for arrays (Abramowitz & Stegun 7.1.26, error below 1e-7)."""
    x = np.asarray(x, dtype=float)
    z = np.abs(x) / math.sqrt(2)
    t = 1 / (1 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1 - poly * np.exp(-z * z)
    return 0.5 * (1 + np.sign(x) * erf)


def share_above(bill, median_income, sigma, threshold: float, bill_sd: float = settings.BILL_LOG_SD):
    """Share of households whose bill / income exceeds `threshold` (arrays broadcast).

    ln(income) ~ N(ln(median × UC), σ²), ln(bill) ~ N(ln(mean bill) − bill_sd²/2, bill_sd²), independent:
    ln(effort) is normal, so the share is one Φ.
    """
    bill = np.asarray(bill, dtype=float)
    log_bill = np.log(bill) - bill_sd ** 2 / 2
    log_income = np.log(np.asarray(median_income, dtype=float) * settings.UC_PER_HOUSEHOLD)
    spread = np.sqrt(np.asarray(sigma, dtype=float) ** 2 + bill_sd ** 2)
    return normal_cdf((log_bill - log_income - math.log(threshold)) / spread)


_QUANTILES = (np.arange(400) + 0.5) / 400


_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
      -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
      -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
      4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)


def _probit(p) -> np.ndarray:
    """Inverse of Φ (Acklam's rational approximation, relative error below 1.2e-9), vectorised."""
    p = np.asarray(p, dtype=float)
    q = np.where(p < 0.5, p, 1 - p)
    low = q < 0.02425
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sqrt(-2 * np.log(np.where(low, q, 0.5)))
        tail = (((((_C[0] * r + _C[1]) * r + _C[2]) * r + _C[3]) * r + _C[4]) * r + _C[5]) / \
            ((((_D[0] * r + _D[1]) * r + _D[2]) * r + _D[3]) * r + 1)
        t = q - 0.5
        u = t * t
        centre = (((((_A[0] * u + _A[1]) * u + _A[2]) * u + _A[3]) * u + _A[4]) * u + _A[5]) * t / \
            (((((_B[0] * u + _B[1]) * u + _B[2]) * u + _B[3]) * u + _B[4]) * u + 1)
    x = np.where(low, tail, centre)            # the quantile of q (≤ 0.5): negative
    return np.where(p < 0.5, x, -x)


_Z_GRID = _probit(_QUANTILES)


def share_tee_3d(bill, median_income, sigma, d3: float, threshold: float = settings.EFFORT_TEE_3D,
                 bill_sd: float = settings.BILL_LOG_SD):
    """Share of households with an income per UC below France's third decile and an effort above 8 %."""
    shape = np.shape(bill)
    bill = np.atleast_1d(np.asarray(bill, dtype=float))
    mu = np.log(np.broadcast_to(np.asarray(median_income, dtype=float), bill.shape))
    sig = np.broadcast_to(np.asarray(sigma, dtype=float), bill.shape)
    log_income_uc = mu[:, None] + sig[:, None] * _Z_GRID[None, :]             # (N, G) households
    poor = log_income_uc < math.log(d3)
    log_bill = np.log(bill)[:, None] - bill_sd ** 2 / 2
    needed = math.log(threshold) + log_income_uc + math.log(settings.UC_PER_HOUSEHOLD)
    p_above = 1 - normal_cdf((needed - log_bill) / bill_sd)
    return np.where(poor, p_above, 0).mean(axis=1).reshape(shape)


def estimate(bill: float, income: Income) -> tuple[dict[float, Estimate], Estimate | None]:
    """Shares above each effort threshold, and TEE_3D, with their ranges."""
    above = {}
    sds = settings.BILL_LOG_SD_RANGE
    for t in settings.EFFORT_THRESHOLDS:
        central = float(share_above(bill, income.median, income.sigma, t))
        cases = [float(share_above(bill, income.median, s, t, sd)) for s in income.sigmas for sd in sds]
        above[t] = Estimate(central, min(cases + [central]), max(cases + [central]))
    tee = None
    if income.national_d3:
        central = float(share_tee_3d(bill, income.median, income.sigma, income.national_d3))
        cases = [float(share_tee_3d(bill, income.median, s, income.national_d3, bill_sd=sd))
                 for s in income.sigmas for sd in sds]
        tee = Estimate(central, min(cases + [central]), max(cases + [central]))
    return above, tee


_FILOSOFI = """
SELECT territory, indicator, period, value FROM observation
WHERE territory IN (SELECT unnest($codes)) AND indicator IN ('revenu_median_uc', 'rapport_interdecile', 'taux_pauvrete')
  AND value IS NOT NULL AND NOT is_secret AND length(period) = 4
"""


def incomes(cur: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, Income]:
    """The income distribution of each quartier that has a median income, from its latest Filosofi year."""
    rows = cur.execute(_FILOSOFI, {"codes": [*codes, "FRANCE"]}).fetchall()
    by: dict[str, dict[str, dict[str, float]]] = {}
    for territory, indicator, period, value in rows:
        by.setdefault(territory, {}).setdefault(indicator, {})[period] = float(value)
    france = by.get("FRANCE", {})
    out = {}
    for code in codes:
        figures = by.get(code, {})
        medians = figures.get("revenu_median_uc", {})
        if not medians:
            continue
        year = max(medians)
        out[code] = _income(code, year, figures, france)
    return out


def _latest(values: dict[str, float], year: str) -> float | None:
    """The value of `year`, else the latest one before it."""
    years = [y for y in values if y <= year]
    return values[max(years)] if years else None


def _income(code: str, year: str, figures: dict, france: dict) -> Income:
    median = figures["revenu_median_uc"][year]
    sigmas = []
    ratio = _latest(figures.get("rapport_interdecile", {}), year)
    if ratio and ratio > 1:
        sigmas.append(math.log(ratio) / (2 * _Z90))
    national = _latest(france.get("revenu_median_uc", {}), year)
    poverty = _latest(figures.get("taux_pauvrete", {}), year)
    if national and poverty and 0 < poverty < 100:
        z = float(_probit(np.array([poverty / 100]))[0])
        s = (math.log(0.6 * national) - math.log(median)) / z if abs(z) > 1e-6 else None
        if s is not None and 0.05 < s < 2:
            sigmas.append(s)
    if not sigmas:
        sigmas.append(0.45)                # France's own spread order of magnitude: stated in the notes
    d3 = None
    national_ratio = _latest(france.get("rapport_interdecile", {}), year)
    if national and national_ratio and national_ratio > 1:
        d3 = national * math.exp(_Z30 * math.log(national_ratio) / (2 * _Z90))
    source = f"Filosofi {year} (revenu médian par unité de consommation, rapport interdécile, taux de pauvreté)"
    return Income(code, year, median, sigmas[0], tuple(sigmas), national, d3, source)


def burden_of(bill: float | None, income: Income | None, bill_by_energy: dict[str, float] | None = None,
              period: str | None = None, notes: tuple[str, ...] = ()) -> Burden:
    """All burden figures for one bill and one income distribution."""
    if bill is None or bill <= 0 or income is None:
        extra = () if income is not None else ("Pas de revenu médian (Filosofi) pour ce quartier : le taux "
                                               "d'effort n'est pas estimé.",)
        return Burden(bill, bill_by_energy or {}, income, None, {}, None, period, notes + extra)
    above, tee = estimate(bill, income)
    extra = () if income.national_d3 else ("Pas de déciles de revenu de la France dans la base : TEE_3D "
                                           "n'est pas estimé.",)
    return Burden(bill, bill_by_energy or {}, income, bill / income.household_median, above, tee, period,
                  notes + extra)
