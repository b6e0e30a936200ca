"""Heating degree days (DJU, base 18 °C) shared by the degree-day kinds: daily mean temperatures → monthly
DJU by the « Météo » method, and the French account of a series read.

A month with missing days keeps the sum over its observed days and says so (`days_observed` <
`days_in_month`): it is flagged, never silently scaled up or passed off as complete.
"""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd

from dq_core import fmt, french

BASE = 18.0
METHOD_METEO, METHOD_COSTIC = "meteo", "costic"
COLUMNS = ["zone", "zone_name", "month", "dju", "days_observed", "days_in_month", "method", "source"]


def days_in(month: pd.Timestamp) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def monthly_from_daily(daily: pd.DataFrame, source: str) -> pd.DataFrame:
    """`daily`: zone, zone_name, day (datetime), tmean (°C) → one row per zone and month (`COLUMNS`).
    DJU of a day = max(0, 18 − daily mean) (« méthode Météo »); a day listed twice counts once."""
    frame = daily.dropna(subset=["day", "tmean"]).drop_duplicates(["zone", "day"])
    frame = frame.assign(month=frame["day"].dt.to_period("M").dt.to_timestamp(),
                         dju=np.maximum(0.0, BASE - frame["tmean"].astype(float)))
    monthly = (frame.groupby(["zone", "month"])
               .agg(zone_name=("zone_name", "first"), dju=("dju", "sum"), days_observed=("dju", "size"))
               .reset_index())
    monthly["dju"] = monthly["dju"].round(1)
    monthly["days_in_month"] = [days_in(m) for m in monthly["month"]]
    monthly["month"] = monthly["month"].dt.date
    return monthly.assign(method=METHOD_METEO, source=source)[COLUMNS]


STATION_NOTE = ("série d'une station météo, gardée sous son nom : les calculs par quartier prennent les "
                "degrés-jours de la région du quartier (fichier ODRE des températures régionales)")


def month_label(month) -> str:
    return fmt.period(f"{month.year}-{month.month:02d}")


def describe(monthly: pd.DataFrame, zone_word: str = "zone") -> str:
    """« 2 régions (Bretagne, Pays de la Loire), janvier 2016 à novembre 2025, 238 mois ; 4 mois incomplets
    (jours manquants), signalés »."""
    zones = monthly.drop_duplicates("zone")
    names = [n or z for z, n in zip(zones["zone"], zones["zone_name"], strict=True)]
    first, last = min(monthly["month"]), max(monthly["month"])
    text = (f"{french.count(len(names), zone_word)} ({', '.join(names[:6])}{' …' if len(names) > 6 else ''}), "
            f"{month_label(first)} à {month_label(last)}, {french.count(len(monthly), 'mois', 'mois')} de "
            "degrés-jours (base 18 °C)")
    incomplete = int((monthly["days_observed"] < monthly["days_in_month"]).sum())
    if incomplete:
        text += (f" ; {french.count(incomplete, 'mois incomplet', 'mois incomplets')} (jours manquants) : "
                 "degrés-jours des seuls jours observés, signalés comme incomplets")
    return text
