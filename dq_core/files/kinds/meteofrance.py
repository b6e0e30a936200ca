"""Météo-France climatology files: the daily `Q_<dd>_…_RR-T-Vent.csv(.gz)` read into monthly degree days per
station; the monthly `MENSQ_<dd>_…` refused with the reason.

Degree days need each day's temperature: a month's mean (TM of MENSQ) hides the cold days of a mild
month, and « 18 − moyenne du mois » × jours under-counts them (by 10 to 20 % in spring and autumn). So
MENSQ is not turned into degree days; the daily file of the same département is.
The daily mean of the « méthode Météo » is (TN + TX) / 2 — Météo-France's own `TNTXM` column.
"""

from __future__ import annotations

import io

import pandas as pd

from dq_core.errors import DQError
from dq_core.files.kinds import dju
from dq_core.files.kinds.base import FileKind, NotRecognised, Reading, Sample

DAILY_KEYS = ["NUM_POSTE", "NOM_USUEL", "AAAAMMJJ"]
MONTHLY_KEYS = ["NUM_POSTE", "NOM_USUEL", "LAT", "LON", "ALTI", "AAAAMM"]
SOURCE = "Météo-France, données climatologiques de base quotidiennes ; degrés-jours calculés par l'application"


def _header(sample: Sample) -> list[str]:
    tables = sample.head_tables
    return [h.strip().upper() for h in tables[0].header] if tables else []


def _is_daily(sample: Sample) -> bool:
    header = _header(sample)
    return (sample.container == "csv" and set(DAILY_KEYS) <= set(header)
            and ({"TNTXM"} <= set(header) or {"TN", "TX"} <= set(header)))


def _is_monthly(sample: Sample) -> bool:
    return sample.container == "csv" and _header(sample)[:len(MONTHLY_KEYS)] == MONTHLY_KEYS


def _read_daily(sample: Sample) -> Reading:
    if not _is_daily(sample):
        raise NotRecognised("Ce n'est pas un fichier quotidien de Météo-France.")
    header = _header(sample)
    wanted = [c for c in DAILY_KEYS + ["TN", "TX", "TNTXM"] if c in header]
    try:
        raw = pd.read_csv(io.BytesIO(sample.source.read()), sep=";", dtype=str, keep_default_na=False,
                          usecols=lambda c: c.strip().upper() in wanted, encoding_errors="replace")
    except (ValueError, pd.errors.ParserError) as exc:
        raise DQError(f"Fichier quotidien de Météo-France illisible ({exc.__class__.__name__}).") from exc
    raw.columns = [c.strip().upper() for c in raw.columns]

    def number(column: str) -> pd.Series:
        if column not in raw:
            return pd.Series(float("nan"), index=raw.index)
        return pd.to_numeric(raw[column].str.strip().str.replace(",", ".", regex=False), errors="coerce")

    tmean = number("TNTXM").fillna((number("TN") + number("TX")) / 2)
    daily = pd.DataFrame({"zone": raw["NUM_POSTE"].str.strip().str.zfill(8), "zone_name": raw["NOM_USUEL"].str.strip(),
                          "day": pd.to_datetime(raw["AAAAMMJJ"].str.strip(), format="%Y%m%d", errors="coerce"),
                          "tmean": tmean})
    daily = daily.dropna(subset=["day", "tmean"])
    if daily.empty:
        raise DQError("Fichier quotidien de Météo-France sans aucune température (TN et TX, ou TNTXM) : il ne "
                      "permet pas de calculer des degrés-jours.")
    monthly = dju.monthly_from_daily(daily, SOURCE)
    return Reading("Météo-France, températures quotidiennes par station → degrés-jours mensuels",
                   degree_days=monthly, detail=dju.describe(monthly, "station") + " ; " + dju.STATION_NOTE)


def _refuse_monthly(sample: Sample) -> Reading:
    raise DQError("Fichier mensuel MENSQ de Météo-France : une température moyenne par mois ne suffit pas pour "
                  "calculer des degrés-jours exacts (il faut la température de chaque jour : un mois doux peut "
                  "compter des jours froids). Importez plutôt le fichier quotidien du même département, "
                  "« Q_<département>_…_RR-T-Vent.csv.gz » (données climatologiques de base quotidiennes, sur "
                  "meteo.data.gouv.fr), ou le fichier ODRE des températures quotidiennes régionales.")


DAILY = FileKind("meteofrance_quotidien", "fichier quotidien de Météo-France (températures par station)",
                 _is_daily, _read_daily)
MONTHLY = FileKind("meteofrance_mensq", "fichier mensuel MENSQ de Météo-France", _is_monthly, _refuse_monthly)
