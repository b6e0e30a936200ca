"""Climate correction: thermosensitivity of each residence or quartier fitted on its own months, and its
consumption brought back to the degree days of a reference year (the same model in SQL, `energy.sql`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from dq_core import fmt
from dq_core.energy import settings

METHOD_TEXT = (
    "Correction climatique. Pour chaque résidence et chaque quartier, et pour chaque énergie, la "
    "consommation mensuelle par logement est expliquée par deux termes estimés sur ses propres mois : une "
    "consommation de base par jour (eau chaude, cuisson, appareils) et une thermosensibilité, en kWh par "
    "degré-jour unifié (DJU, base 18 °C, méthode « Météo ») : consommation du mois ≈ base × jours du mois + "
    "thermosensibilité × DJU du mois (régression linéaire par jour, mois complets seulement). La "
    "consommation corrigée est la consommation mesurée + thermosensibilité × (DJU du même mois de l'année "
    "de référence − DJU du mois) : ce qu'elle aurait été avec le climat de référence. L'année de référence "
    "est, par défaut, l'année moyenne des degrés-jours de la région du quartier sur les années "
    "disponibles. Les degrés-jours sont ceux de la région du quartier ; sans degrés-jours pour cette "
    "région, aucune zone voisine n'est supposée et seules les consommations mesurées sont montrées. Sans "
    f"au moins {settings.FIT_MIN_MONTHS} mois, ou si le climat explique moins de "
    f"{round(settings.FIT_MIN_R2 * 100)} % des variations (r² < {fmt.number(settings.FIT_MIN_R2, 1)}), "
    "aucune correction n'est appliquée et la série corrigée est la série mesurée.")


@dataclass(frozen=True)
class Thermo:
    """What the climate explains in one series (kWh per dwelling)."""
    base_per_day: float | None          # kWh per dwelling and day, independent of the weather
    per_dju: float | None               # thermosensitivity: kWh per dwelling and degree day (fitted)
    r2: float | None
    months_used: int
    applied: bool                        # False: too few months, weak fit or negative slope: not corrected
    first_month: date | None = None
    last_month: date | None = None

    @property
    def correction(self) -> float:
        """The slope used to correct (0 when the fit is not applied)."""
        return self.per_dju if self.applied and self.per_dju else 0.0

    @property
    def method(self) -> str:
        """One French sentence for the table and the CLI."""
        if self.months_used == 0 or self.per_dju is None:
            return "Pas de correction climatique : pas de mois avec degrés-jours."
        span = ""
        if self.first_month and self.last_month:
            span = f", {fmt.period(self.first_month.strftime('%Y-%m'))} – {fmt.period(self.last_month.strftime('%Y-%m'))}"
        fitted = (f"{fmt.number(self.per_dju, 2)} kWh par logement et par DJU, base "
                  f"{fmt.number(self.base_per_day, 1)} kWh par jour (r² = {fmt.number(self.r2, 2)}, "
                  f"{self.months_used} mois{span})")
        if self.applied:
            return f"Thermosensibilité estimée : {fitted}."
        return f"Pas de correction climatique : consommation peu liée au climat ({fitted})."


def thermo_from(slope, intercept, r2, months_used, first_month=None, last_month=None) -> Thermo:
    """A Thermo from one fitted row (SQL or numpy), applying the acceptance rule of settings."""
    n = int(months_used or 0)
    slope = None if slope is None or np.isnan(slope) else float(slope)
    intercept = None if intercept is None or np.isnan(intercept) else float(intercept)
    r2 = None if r2 is None or np.isnan(r2) else float(r2)
    applied = (slope is not None and slope > 0 and n >= settings.FIT_MIN_MONTHS
               and r2 is not None and r2 >= settings.FIT_MIN_R2)
    return Thermo(intercept, slope, r2, n, applied, first_month, last_month)


def fit(kwh_per_dwelling, dju, days=None) -> Thermo:
    """Fit monthly kWh per dwelling = base × days + per_dju × DJU (per-day least squares, months with both)."""
    y = np.asarray(kwh_per_dwelling, dtype=float)
    x = np.asarray(dju, dtype=float)
    d = np.full_like(y, 30.4375) if days is None else np.asarray(days, dtype=float)
    ok = ~(np.isnan(y) | np.isnan(x))
    if ok.sum() < 2:
        return thermo_from(None, None, None, int(ok.sum()))
    yd, xd = y[ok] / d[ok], x[ok] / d[ok]
    vx = np.var(xd)
    if vx == 0:
        return thermo_from(None, None, None, int(ok.sum()))
    slope = np.cov(xd, yd, bias=True)[0, 1] / vx
    intercept = yd.mean() - slope * xd.mean()
    vy = np.var(yd)
    r2 = 1.0 if vy == 0 else float(np.corrcoef(xd, yd)[0, 1] ** 2)
    return thermo_from(slope, intercept, r2, int(ok.sum()))


def correct(kwh_per_dwelling, dju, dju_reference, thermo: Thermo) -> np.ndarray:
    """Consumption brought to the reference DJU: y + slope × (DJU_ref − DJU); NaN where DJU is missing."""
    y = np.asarray(kwh_per_dwelling, dtype=float)
    if thermo.correction == 0:
        return y.copy()
    return y + thermo.correction * (np.asarray(dju_reference, dtype=float) - np.asarray(dju, dtype=float))
