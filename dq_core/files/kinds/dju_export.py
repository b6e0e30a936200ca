"""The « Export DJU » file of the online degree-day calculators (CSV or xlsx): a block, not a table —
`Export DJU dd/mm/yyyy`, key/value lines (station, usage, method, base temperature, start and end dates),
then a grid of years (newest first) × months.

Traps read right: in the CSV re-save decimals are commas inside quotes and the end date may be in US
order (`06/15/21`); in the xlsx dates are cells; the months after the end date are 0, not empty, so the
series is cut at the end date (its last month, partial, is flagged incomplete).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pandas as pd

from dq_core.addresses.normalise import plain
from dq_core.errors import DQError
from dq_core.files.kinds import dju
from dq_core.files.kinds.base import FileKind, NotRecognised, Reading, Sample
from dq_core.files.read.numbers import parse_number
from dq_core.files.read.text import decode_head
from dq_core.files.read.xlsx import open_workbook, sheet_rows

MONTHS = ["JAN", "FEV", "MAR", "AVR", "MAI", "JUN", "JUI", "AOU", "SEP", "OCT", "NOV", "DEC"]
METHODS = {"METEO": dju.METHOD_METEO, "COSTIC": dju.METHOD_COSTIC, "PROFESSIONNELS": dju.METHOD_COSTIC,
           "PROFESSIONNEL": dju.METHOD_COSTIC}
KEYS = {"STATION METEO": "station", "USAGE": "usage", "METHODE DE CALCUL": "method",
        "TEMPERATURE DE REFERENCE": "base", "DATE DE DEBUT": "start", "DATE DE FIN": "end"}


def _rows(sample: Sample, limit: int | None = None) -> list[list[str]]:
    if sample.container == "xlsx":
        with open_workbook(sample.source) as book:
            rows = []
            for row in sheet_rows(book.worksheets[0]):
                rows.append([c or "" for c in row])
                if limit and len(rows) >= limit:
                    break
            return rows
    text = sample.text if limit is None else decode_head(sample.source.head(4096))
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))][: limit or None]


def _recognise(sample: Sample) -> bool:
    if sample.container not in ("csv", "xlsx"):
        return False
    try:
        rows = _rows(sample, limit=2)
    except DQError:
        return False
    return bool(rows) and bool(rows[0]) and plain(rows[0][0]).startswith("EXPORT DJU")


def _parse_date(text: str) -> date | None:
    """`01/01/09`, `15/06/2021`, `06/15/21` (US order, when the day cannot be a month), `2009-01`."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3] or 1))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", text)
    if not m:
        return None
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    year += 2000 if year < 100 else 0
    day, month = (b, a) if b > 12 >= a else (a, b)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _settings(rows: list[list[str]]) -> dict[str, str]:
    found = {}
    for row in rows:
        cells = [c for c in row if c]
        if len(cells) >= 2 and plain(cells[0]) in KEYS:
            found[KEYS[plain(cells[0])]] = cells[1]
    return found


def _grid(rows: list[list[str]]) -> list[tuple[int, list[float | None]]]:
    header = next((i for i, row in enumerate(rows) if [plain(c) for c in row[1:13]] == MONTHS), None)
    if header is None:
        raise DQError("Fichier « Export DJU » sans la grille des mois (JAN, FÉV… DÉC) : rien n'est importé.")
    years = []
    for row in rows[header + 1:]:
        if not row or not re.fullmatch(r"\d{4}", row[0].strip()):
            continue
        values = [parse_number(c) if c.strip() else None for c in (row[1:13] + [""] * 12)[:12]]
        years.append((int(row[0]), values))
    return years


def _read(sample: Sample) -> Reading:
    if not _recognise(sample):
        raise NotRecognised("Ce n'est pas un fichier « Export DJU ».")
    rows = _rows(sample)
    settings = _settings(rows)
    usage = plain(settings.get("usage", ""))
    if usage and usage != "CHAUFFAGE":
        raise DQError(f"Ce fichier « Export DJU » donne des degrés-jours de {settings['usage'].lower()} : "
                      "l'application corrige le chauffage, exportez les DJU « Chauffage ».")
    base = parse_number(re.sub(r"[^\d,.]", "", settings.get("base", "18")) or "18")
    if base != dju.BASE:
        raise DQError(f"Ce fichier « Export DJU » est en base {settings.get('base')} : l'application utilise la "
                      "base 18 °C. Exportez les DJU avec une température de référence de 18 °C.")
    method = METHODS.get(plain(settings.get("method", "METEO")).split(" ")[0])
    if method is None:
        raise DQError(f"Méthode de calcul « {settings.get('method')} » inconnue : « Météo » ou « COSTIC » attendue.")
    station = settings.get("station", "").strip()
    if not station:
        raise DQError("Fichier « Export DJU » sans « Station météo » : impossible de savoir où ces degrés-jours "
                      "ont été mesurés.")
    start, end = _parse_date(settings.get("start", "")), _parse_date(settings.get("end", ""))
    records = []
    for year, values in _grid(rows):
        for month, value in enumerate(values, start=1):
            first = date(year, month, 1)
            if value is None or (start and first < date(start.year, start.month, 1)) \
                    or (end and first > date(end.year, end.month, 1)):
                continue
            days = dju.days_in(pd.Timestamp(first))
            observed = days
            if end and (end.year, end.month) == (year, month):
                observed = end.day
            if start and (start.year, start.month) == (year, month):
                observed -= start.day - 1
            records.append((station.upper(), station, first, round(value, 1), observed, days, method,
                            f"Export DJU, station {station}" + (f", {settings.get('method')}" if settings.get('method') else "")))
    if not records:
        raise DQError("Fichier « Export DJU » sans aucun mois lisible entre sa date de début et sa date de fin.")
    monthly = pd.DataFrame(records, columns=dju.COLUMNS)
    detail = dju.describe(monthly, "station") + " ; " + dju.STATION_NOTE
    if end:
        detail += f" ; série arrêtée à la date de fin du fichier ({end:%d/%m/%Y}), les mois suivants (à 0) ignorés"
    return Reading(f"Export DJU, station {station}", degree_days=monthly, detail=detail)


KIND = FileKind("dju_export", "fichier « Export DJU » d'un calculateur de degrés-jours", _recognise, _read,
                tabular=False)
