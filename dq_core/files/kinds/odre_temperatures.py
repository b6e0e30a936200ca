"""ODRE « température quotidienne régionale » (RTE, from Météo-France): daily regional means → monthly
heating degree days (base 18 °C, « méthode Météo ») per region, the climate zone of the quartiers in it
(zone = the region's territory code, `REG53` for Bretagne).

The `ID` column (`2016-01-01T00:00:00-53`) ends with the region's code, not a UTC offset; the date is
read from its first ten characters (the `Date` column has a two-digit year). Rows come unsorted.
"""

from __future__ import annotations

import pandas as pd

from dq_core.errors import DQError
from dq_core.files.kinds import dju
from dq_core.files.kinds.base import FileKind, NotRecognised, Reading, Sample
from dq_core.files.read.numbers import numbers
from dq_core.files.read.text import normalise_text
from dq_core.store.reference import territory_code

SOURCE = "ODRE (RTE, Météo-France), température quotidienne régionale ; degrés-jours calculés par l'application"
COLUMNS = {"id": "id", "region_code": "code_insee_region", "region": "region", "tmin": "tmin_c",
           "tmax": "tmax_c", "tmean": "tmoy_c"}


def _zone(region: str) -> str:
    """The region's territory code in a workspace (`REG53`): a quartier's climate zone is found by following
    its territory links up to its region."""
    return territory_code("region", region)


def _roles(header: list[str]) -> dict[str, str]:
    by_norm = {normalise_text(h): h for h in header}
    return {role: by_norm[name] for role, name in COLUMNS.items() if name in by_norm}


def _recognise(sample: Sample) -> bool:
    if sample.container != "csv" or not sample.head_tables:
        return False
    roles = _roles(sample.head_tables[0].header)
    return {"id", "region_code", "tmean"} <= roles.keys() or {"id", "region_code", "tmin", "tmax"} <= roles.keys()


def _read(sample: Sample) -> Reading:
    if not _recognise(sample) or not sample.tables:
        raise NotRecognised("Ce n'est pas un fichier ODRE de températures quotidiennes régionales.")
    raw = sample.tables[0].frame
    roles = _roles(list(raw.columns))
    ident = raw[roles["id"]].astype("string").str.strip()
    tmean = numbers(raw[roles["tmean"]]) if "tmean" in roles else pd.Series(float("nan"), index=raw.index)
    if "tmin" in roles and "tmax" in roles:          # a missing mean is the mean of the day's extremes
        tmean = tmean.fillna((numbers(raw[roles["tmin"]]) + numbers(raw[roles["tmax"]])) / 2)
    daily = pd.DataFrame({
        "zone": raw[roles["region_code"]].astype("string").str.strip().str.zfill(2).map(_zone),
        "zone_name": raw[roles["region"]].astype("string").str.strip() if "region" in roles else None,
        "day": pd.to_datetime(ident.str[:10], format="%Y-%m-%d", errors="coerce"),
        "tmean": tmean})
    unreadable = daily["day"].isna() | daily["tmean"].isna() | daily["zone"].isna()
    daily = daily[~unreadable]
    if daily.empty:
        raise DQError("Fichier de températures quotidiennes sans aucun jour lisible (date dans la colonne « ID », "
                      "température moyenne « TMoy (°C) »).")
    if not daily["tmean"].between(-40, 50).all():
        raise DQError("Températures hors de l'intervalle −40 °C à 50 °C dans ce fichier : ce ne sont pas des "
                      "températures quotidiennes en degrés Celsius. Rien n'est importé.")
    monthly = dju.monthly_from_daily(daily, SOURCE)
    detail = dju.describe(monthly, "région")
    if unreadable.any():
        detail += f" ; {int(unreadable.sum())} lignes sans date ou température lisible, ignorées"
    return Reading("ODRE, températures quotidiennes régionales → degrés-jours mensuels", degree_days=monthly,
                   detail=detail)


KIND = FileKind("odre_temperatures", "fichier ODRE de températures quotidiennes régionales", _recognise, _read)
