"""A landlord's or distributor's consumption file per residence (a building or group of buildings): one
row per residence, energy and month (or day), with the residence's dwellings, heating, DPE class and
where it is (a quartier code, coordinates or an address). Brought by partners: imported through the
Importer (`files.energy_import`), with its template (`partner.residence_template`).

The residence's address or coordinates only serve to find its quartier and commune: they are not kept.
A residence of one dwelling would be one household's consumption: such rows are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dq_core import fmt, french
from dq_core.errors import DQError
from dq_core.files.kinds.base import FileKind, NotRecognised, Reading, Sample
from dq_core.files.read.numbers import parse_number
from dq_core.files.read.periods import parse_period
from dq_core.files.read.raw import read_raw
from dq_core.files.read.text import normalise_text
from dq_core.files.read.xlsx import open_workbook, sheet_rows
from dq_core.files.report import ERROR, WARNING, Problem
from dq_core.store import db

# Role → accepted column names (normalised); the first is the template's.
ROLES: dict[str, tuple[str, ...]] = {
    "id": ("id_residence", "identifiant_residence", "code_residence", "residence_id"),
    "name": ("nom_residence", "nom", "residence", "libelle_residence"),
    "landlord": ("bailleur", "proprietaire", "gestionnaire"),
    "address": ("adresse", "adresse_residence"),
    "postcode": ("code_postal", "cp"),
    "commune": ("commune", "ville"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng"),
    "quartier": ("code_quartier", "code_qp", "code_qpv", "quartier"),
    "dwellings": ("logements", "nombre_de_logements", "nb_logements"),
    "heating": ("chauffage", "type_de_chauffage", "mode_de_chauffage"),
    "dpe": ("dpe", "classe_dpe", "etiquette_dpe"),
    "energy": ("energie", "type_d_energie"),
    "period": ("periode", "mois", "jour", "date"),
    "kwh": ("kwh", "consommation_kwh", "conso_kwh", "consommation"),
    "points": ("points_livraison", "points_de_livraison", "pdl", "nb_pdl", "compteurs"),
    "estimated": ("estime", "estimation", "statut"),
}
REQUIRED = ("id", "dwellings", "energy", "period", "kwh")
TEMPLATE_COLUMNS = [names[0] for names in ROLES.values()]
HEATING = {"electrique_individuel": "electrique_individuel", "electrique": "electrique_individuel",
           "individuel_electrique": "electrique_individuel", "elec": "electrique_individuel",
           "gaz_individuel": "gaz_individuel", "individuel_gaz": "gaz_individuel", "gaz": "gaz_individuel",
           "collectif": "collectif", "chauffage_collectif": "collectif", "reseau_de_chaleur": "collectif",
           "chaufferie_collective": "collectif"}
ENERGY = {"electricite": "electricite", "elec": "electricite", "electrique": "electricite",
          "gaz": "gaz", "gaz_naturel": "gaz", "chaleur": "chaleur", "reseau_de_chaleur": "chaleur",
          "chauffage_urbain": "chaleur"}
ENERGY_LABELS = {"electricite": "électricité", "gaz": "gaz", "chaleur": "chaleur"}
ESTIMATED = {"estime", "estimation", "e", "oui", "o", "1", "vrai", "true", "x"}
SHOWN = 8
MIN_DWELLINGS = 2            # one dwelling: one household's consumption, refused


def _roles(header: list[str]) -> dict[str, str]:
    by_norm = {normalise_text(h): h for h in header if h}
    found = {}
    for role, names in ROLES.items():
        name = next((by_norm[n] for n in names if n in by_norm), None)
        if name is not None and name not in found.values():
            found[role] = name
    return found


def _known(cell: str) -> bool:
    return any(normalise_text(cell) in names for names in ROLES.values())


def _head_rows(sample: Sample) -> list[list[str]]:
    if sample.container == "xlsx":
        rows = []
        with open_workbook(sample.source) as book:
            for sheet in book.worksheets:
                for _, row in zip(range(30), sheet_rows(sheet), strict=False):
                    rows.append([c or "" for c in row])
        return rows
    return [t.header for t in sample.head_tables]


def _recognise(sample: Sample) -> bool:
    if sample.container not in ("csv", "xlsx") or sample.is_json:
        return False
    try:
        rows = _head_rows(sample)
    except DQError:
        return False
    return any(all(r in _roles(row) for r in REQUIRED) for row in rows)


@dataclass
class Parsed:
    """A residence file read: residences (with where they are, to place), consumption rows, problems."""
    residences: pd.DataFrame
    energy_use: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    sheet: str | None = None


def read_table(sample: Sample) -> tuple[pd.DataFrame, dict[str, str], str | None]:
    """The file's rows as text, with their file line (`line`), and which column plays which role."""
    con = db.open_duckdb()
    try:
        cur = con.cursor()
        raw = read_raw(cur, sample.source, sample.container, _known)
        frame = cur.execute("SELECT * FROM dq_raw ORDER BY line").df()
    finally:
        con.close()
    frame.columns = ["line", *raw.headers]
    return frame, _roles(raw.headers), raw.sheet


def parse(sample: Sample) -> Parsed:
    frame, roles, sheet = read_table(sample)
    missing = [ROLES[r][0] for r in REQUIRED if r not in roles]
    if missing:
        raise DQError(f"Colonnes attendues introuvables : {', '.join(missing)} (voir le modèle des résidences).")
    problems: list[Problem] = []

    def text(role: str) -> pd.Series:
        if role not in roles:
            return pd.Series("", index=frame.index, dtype="string")
        return frame[roles[role]].astype("string").fillna("").str.strip()

    def flag(kind: str, message: str, mask, role: str, severity: str = ERROR) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            values = text(role)[mask]
            problems.append(Problem(kind, message, severity=severity, lines=tuple(int(x) for x in frame["line"][mask][:SHOWN]),
                                    column=roles.get(role), value=str(values.iloc[0]), count=int(mask.sum()),
                                    sheet=sheet))

    ids = text("id")
    flag("residence_sans_identifiant", "identifiant de résidence manquant.", ids.eq(""), "id")
    energy = text("energy").map(lambda v: ENERGY.get(normalise_text(v)))
    flag("energie_inconnue", "énergie inconnue : « électricité », « gaz » ou « chaleur » attendue.",
         energy.isna(), "energy")
    periods = _periods(text("period"))
    flag("periode_illisible", "période illisible : un mois (« 2023-04 », « avril 2023 ») ou un jour "
         "(« 2023-04-17 », « 17/04/2023 ») attendu.", periods["period"].isna(), "period")
    kwh_text = text("kwh")
    kwh = kwh_text.map(lambda v: parse_number(v) if v else None).astype("Float64")
    flag("kwh_illisible", "consommation illisible : un nombre de kWh est attendu.",
         kwh.isna() & kwh_text.ne(""), "kwh")
    flag("kwh_negatif", "une consommation ne peut pas être négative.", (kwh < 0).fillna(False), "kwh")
    flag("kwh_vide", "consommation vide : enregistrée comme « non mesurée ».", kwh_text.eq(""), "kwh",
         severity=WARNING)
    points_text = text("points")
    points = points_text.map(lambda v: parse_number(v) if v else None).astype("Float64")
    flag("points_illisibles", "nombre de points de livraison illisible.",
         points.isna() & points_text.ne(""), "points")
    use = pd.DataFrame({"residence": ids, "energy": energy, "period": periods["period"],
                        "period_start": periods["start"], "kwh": kwh.astype(float),
                        "delivery_points": points.round().astype("Int64"),
                        "is_estimated": text("estimated").map(normalise_text).isin(ESTIMATED)})
    duplicated = use.duplicated(["residence", "energy", "period"], keep="first") & use["period"].notna()
    flag("ligne_en_double", "même résidence, énergie et période qu'une ligne précédente.", duplicated, "period")
    residences = _residences(frame, text, flag)
    return Parsed(residences, use[ids.ne("") & energy.notna() & periods["period"].notna()].reset_index(drop=True),
                  problems, len(frame), sheet)


def _periods(values: pd.Series) -> pd.DataFrame:
    """Months (`2023-04`) or days (`2023-04-17`); a file with days has all its periods read as days (an
    Excel date on the 1st of a month is read `2023-04` by the cell reader)."""
    days = [_day(str(v)) for v in values]
    by_day = any(d is not None and d.day != 1 for d in days)
    out = []
    for value, day in zip(values, days, strict=True):
        if by_day:
            month = parse_period(value) if day is None else None
            if day is None and month is not None and len(month.code) == 7:
                day = month.start
            out.append((day.isoformat(), day) if day else (None, None))
            continue
        period = parse_period(value) if day is None or day.day == 1 else None
        if period is None and day is not None and day.day == 1:
            period = parse_period(f"{day.year}-{day.month:02d}")
        ok = period is not None and len(period.code) == 7
        out.append((period.code, period.start) if ok else (None, None))
    return pd.DataFrame(out, columns=["period", "start"], index=values.index)


def _day(value: str) -> date | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?", value) or None
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _residences(frame: pd.DataFrame, text, flag) -> pd.DataFrame:
    """One row per residence: its first non-empty value of each attribute; a residence whose dwellings,
    heating or DPE differ from one line to another is refused (which line is right?)."""
    attrs = {role: text(role) for role in ("id", "name", "landlord", "address", "postcode", "commune", "lat",
                                          "lon", "quartier", "dwellings", "heating", "dpe")}
    table = pd.DataFrame(attrs).assign(line=frame["line"])
    table = table[table["id"].ne("")]
    for role in ("dwellings", "heating", "dpe", "quartier"):
        values = table[table[role].ne("")]
        varying = values.groupby("id")[role].transform("nunique") > 1
        flag("residence_incoherente", f"la même résidence a plusieurs valeurs dans la colonne « {ROLES[role][0]} ».",
             frame.index.isin(values.index[varying]), role)
    firsts = table.replace("", pd.NA).groupby("id", sort=False).first().reset_index()
    firsts = firsts.fillna("")
    dwellings = firsts["dwellings"].map(lambda v: parse_number(v) if v else None)
    lines = firsts["line"]

    def flag_residences(kind: str, message: str, mask, role: str) -> None:
        """Flag a residence's first line."""
        flag(kind, message, frame["line"].isin(set(lines[np.asarray(mask, dtype=bool)])), role)

    bad_dwellings = dwellings.isna() | ~dwellings.fillna(0).map(lambda v: float(v).is_integer() and v > 0)
    flag_residences("logements_illisibles", "nombre de logements manquant ou illisible (un entier positif).",
                    bad_dwellings, "dwellings")
    single = ~bad_dwellings & (dwellings.fillna(0) < MIN_DWELLINGS)
    flag_residences("logement_individuel", "résidence d'un seul logement : ce serait la consommation d'un "
                    "ménage. L'application n'accepte que des résidences de plusieurs logements.", single, "dwellings")
    heating = firsts["heating"].map(lambda v: HEATING.get(normalise_text(v)) if v else None)
    flag_residences("chauffage_inconnu", "chauffage inconnu : « électrique individuel », « gaz individuel » ou "
                    "« collectif » attendu.", heating.isna() & firsts["heating"].ne(""), "heating")
    dpe = firsts["dpe"].str.upper().str.strip()
    flag_residences("dpe_inconnu", "classe DPE inconnue : une lettre de A à G attendue (vide si inconnue).",
                    ~dpe.isin(list("ABCDEFG")) & dpe.ne(""), "dpe")
    return pd.DataFrame({
        "id": firsts["id"], "name": firsts["name"].where(firsts["name"].ne(""), firsts["id"]),
        "landlord": firsts["landlord"].replace("", None), "dwellings": dwellings.round().astype("Int64"),
        "heating": heating, "dpe": dpe.where(dpe.isin(list("ABCDEFG")), None),
        "address": firsts["address"], "postcode": firsts["postcode"], "commune_name": firsts["commune"],
        "lat": firsts["lat"], "lon": firsts["lon"], "quartier": firsts["quartier"].str.upper(), "line": lines})


def describe(residences: pd.DataFrame, energy_use: pd.DataFrame) -> str:
    """« 12 résidences (2 bailleurs, 1 480 logements) dans 4 quartiers ; 1 728 relevés mensuels, janvier 2015
    à décembre 2024 (électricité, gaz) »."""
    landlords = residences["landlord"].dropna().nunique()
    quartiers = residences["quartier"].dropna().nunique()
    text = (f"{french.count(len(residences), 'résidence')} ({french.count(landlords, 'bailleur')}, "
            f"{french.count(int(residences['dwellings'].sum()), 'logement')}) dans "
            f"{french.count(quartiers, 'quartier')}")
    if not energy_use.empty:
        daily = energy_use["period"].str.len().max() > 7
        first, last = energy_use["period_start"].min(), energy_use["period_start"].max()
        label = (lambda d: f"{d:%d/%m/%Y}") if daily else (lambda d: fmt.period(f"{d.year}-{d.month:02d}"))
        energies = ", ".join(label for code, label in ENERGY_LABELS.items() if code in set(energy_use["energy"]))
        text += (f" ; {french.count(len(energy_use), 'relevé journalier' if daily else 'relevé mensuel', 'relevés journaliers' if daily else 'relevés mensuels')}, "
                 f"{label(first)} à {label(last)} ({energies})")
    return text


def _read(sample: Sample) -> Reading:
    """For the registry's shared tests and `official.read_file`: the tables, or the first error."""
    if not _recognise(sample):
        raise NotRecognised("Ce n'est pas un fichier de consommation par résidence.")
    parsed = parse(sample)
    errors = [p for p in parsed.problems if p.severity == ERROR]
    if errors:
        raise DQError(f"Fichier de consommation par résidence refusé : {errors[0].text()}")
    return Reading("Consommation par résidence", residences=parsed.residences, energy_use=parsed.energy_use,
                   detail=describe(parsed.residences.assign(quartier=None), parsed.energy_use))


KIND = FileKind("residences_energie", "fichier de consommation d'énergie par résidence (bailleur, distributeur)",
                _recognise, _read, from_partners=True)
