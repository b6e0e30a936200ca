"""Small energy files in the producers' layouts (FORMATS-energy-addresses.md §2–3), written by code: Enedis per
address around the tiny workspace's address base (tests/addresses_fixtures.py), ODRE daily regional
temperatures, an « Export DJU » block, Météo-France daily and monthly files, a residence file."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "energy"      # ../shared beside the project

ENEDIS_HEADER = ("Année;Code IRIS;Nom IRIS;Numéro de voie;Indice de répétition;Type de voie;Libellé de voie;Code Commune;"
                 "Nom Commune;Segment de client;Nombre de logements;Consommation annuelle totale de l'adresse (MWh);"
                 "Consommation annuelle moyenne par logement de l'adresse (MWh);Consommation annuelle moyenne de la "
                 "commune (MWh);Adresse;Code EPCI;Code Département;Code Région;Tri des adresses")
# (number, repetition, type, street, commune code, dwellings, MWh): odd numbers of Rue de la Paix lie in Les
# Tilleuls (QNX0101M), 8 B avenue du Général de Gaulle in Le Plateau (QNX0102I), 4 rue de la Paix outside.
ENEDIS_ROWS = [(1, "", "RUE", "DE LA PAIX", "X0101", 20, 40.0), (3, "", "RUE", "DE LA PAIX", "X0101", 30, 45.0),
               (4, "", "RUE", "DE LA PAIX", "X0101", 12, 30.0), (8, "B", "AVENUE", "DU GENERAL DE GAULLE", "X0101", 15, 30.0),
               (12, "", "RUE", "INCONNUE", "X0101", 15, 30.0), (4, "", "RUE", "ALAIN LE GRAND", "29019", 20, 29.436)]


def enedis_csv(rows=None, year: int = 2019, segment: str = "RESIDENTIEL") -> bytes:
    lines = [ENEDIS_HEADER]
    for i, (n, rep, kind, street, commune, dwellings, mwh) in enumerate(rows or ENEDIS_ROWS, start=1):
        address = " ".join(str(p) for p in (n, rep, kind, street) if p)
        lines.append(f"{year};{commune}0101;Centre;{n};{rep};{kind};{street};{commune};Villeneuve-Test;{segment};"
                     f"{dwellings};{mwh};{_mean(mwh, dwellings)};3.1;{address};;;;{i}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def odre_csv(temperatures: dict[tuple[str, str], dict[date, float]]) -> bytes:
    """{(region code, name): {day: mean}} → the ODRE file (BOM, `ID` = ISO date + region code, unsorted)."""
    lines = ["ID;Date;Code INSEE région;Région;TMin (°C);TMax (°C);TMoy (°C)"]
    for (code, name), days in temperatures.items():
        for day, mean in sorted(days.items(), reverse=True):
            lines.append(f"{day.isoformat()}T00:00:00-{code};{day:%d/%m/%y};{code};{name};{mean - 4};{mean + 4};{mean}")
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def month_days(year: int, month: int, skip: int = 0) -> list[date]:
    n = calendar.monthrange(year, month)[1]
    return [date(year, month, 1) + timedelta(days=d) for d in range(n - skip)]


def dju_export_csv(station: str = "RENNES-ST JACQUES", usage: str = "Chauffage", base: str = "18°C",
                   end: str = "06/15/21") -> bytes:
    """The calculator's block as re-saved by a spreadsheet: Windows-1252, CRLF, decimal commas in quotes, the
    end date in US order, months after the end date at 0."""
    rows = [f"Export DJU 28/03/2022{',' * 13}", "," * 13, f"Station météo,,{station}{',' * 11}",
            f"Usage,,{usage}{',' * 11}", f"Méthode de calcul,,Météo{',' * 11}",
            f"Température de référence,,{base}{',' * 11}", f"Date de début,,01/01/20{',' * 11}",
            f"Date de fin,,{end}{',' * 11}", "," * 13, f"Résultats{',' * 13}", "," * 13,
            ",JAN,FÉV,MAR,AVR,MAI,JUN,JUI,AOÛ,SEP,OCT,NOV,DÉC,Total",
            '2021,"396,7","302,8",271,"228,3","138,3","1,4",0,0,0,0,0,0,"1338,2"',
            '2020,339,"249,6","268,6","81,4","65,7","20,6","0,9","4,5","34,3","157,5","227,2","336,8","1785,9"']
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


MENSQ_HEADER = ("NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMM;RR;QRR;NBRR;RR_ME;RRAB;QRRAB;RRABDAT;TX;QTX;NBTX;TN;QTN;NBTN;"
                "TM;QTM;NBTM")


def mensq_csv() -> bytes:
    return (MENSQ_HEADER + "\n35281001;RENNES-ST JACQUES;48.068833;-1.734;36;202001;83.5;1;31;;13.9;1;20;"
            "10.1;1;31;3.2;1;31;6.7;1;31\n").encode("utf-8")


DAILY_HEADER = "NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMMJJ;RR;QRR;TN;QTN;HTN;QHTN;TX;QTX;HTX;QHTX;TM;QTM;TNTXM;QTNTXM"


def daily_csv(days: dict[date, tuple[float, float]], station: str = " 35281001") -> bytes:
    """Météo-France's daily `Q_` layout: {day: (TN, TX)}; TNTXM = (TN + TX) / 2 (the station number with the
    leading space some files carry)."""
    lines = [DAILY_HEADER]
    for day, (tn, tx) in sorted(days.items()):
        mean = (tn + tx) / 2 if tn != "" else ""
        tm = mean + 0.3 if tn != "" else ""           # the mean of hourly readings: not the Météo method's
        lines.append(f"{station};RENNES-ST JACQUES;48.068833;-1.734;36;{day:%Y%m%d};0.0;1;{tn};1;;;{tx};1;;;"
                     f"{tm};1;{mean};1")
    return ("\n".join(lines) + "\n").encode("utf-8")


RESIDENCE_HEADER = ("id_residence;nom_residence;bailleur;adresse;code_postal;commune;latitude;longitude;code_quartier;"
                    "logements;chauffage;dpe;energie;periode;kwh;points_livraison;estime")


def residences_csv(*rows: str, header: str = RESIDENCE_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def residence_rows(rid: str = "R1", where: str = ";;;;;QNX0101M", dwellings: int = 40, months=range(1, 13),
                   year: int = 2023, energy: str = "électricité", kwh=lambda m: 9000 - 400 * m,
                   heating: str = "électrique individuel", dpe: str = "E") -> list[str]:
    """`where` fills adresse;code_postal;commune;latitude;longitude;code_quartier."""
    return [f"{rid};Résidence {rid};Habitat Test;{where};{dwellings};{heating};{dpe};{energy};{year}-{m:02d};"
            f"{kwh(m)};{dwellings};" for m in months]


def shared_file(*parts: str) -> Path:
    """A real sample from ../shared/data/energy, or skip the test when the folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"échantillon réel absent : {path}")
    return path



def _mean(mwh, dwellings) -> str:
    try:
        return str(round(float(mwh) / float(dwellings), 3))
    except ValueError:
        return ""
