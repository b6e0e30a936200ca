"""A user's list of addresses (beneficiaries, members…): recognised by an address or coordinates column,
read into a table that stays in memory. Personal data: it is located (`addresses.locate`), never
imported — the official and partner ways in refuse it and point to the page « Adresses »."""

from __future__ import annotations

import pandas as pd

from dq_core.addresses.locate import Columns
from dq_core.addresses.normalise import plain
from dq_core.errors import DQError
from dq_core.files.kinds.base import FileKind, Sample
from dq_core.files.read.source import FileSource

# Header words (plain, upper case) for each role, the most specific first.
ROLE_NAMES = {
    "address": ["ADRESSE COMPLETE", "ADRESSE", "ADRESSE 1", "ADRESSE1", "ADDRESS", "ADR", "LIBELLE ADRESSE"],
    "number": ["NUMERO", "NUM", "N", "NO", "NUMERO VOIE", "NUMERO DE VOIE"],
    "street": ["VOIE", "RUE", "NOM VOIE", "LIBELLE VOIE", "LIBELLE DE VOIE", "STREET"],
    "postcode": ["CODE POSTAL", "CP", "CODE POSTE", "POSTCODE", "CODE_POSTAL"],
    "commune": ["COMMUNE", "VILLE", "CITY", "NOM COMMUNE", "LOCALITE"],
    "lat": ["LATITUDE", "LAT", "Y WGS84"],
    "lon": ["LONGITUDE", "LON", "LNG", "LONG", "X WGS84"],
    "x": ["X", "X LAMBERT", "X L93", "COORDONNEE X"],
    "y": ["Y", "Y LAMBERT", "Y L93", "COORDONNEE Y"],
}


def guess_columns(header: list[str]) -> Columns:
    """The columns a user most likely means, from their names (the page lets them change it)."""
    by_plain = {plain(h): h for h in header}
    found = {role: next((by_plain[n] for n in names if n in by_plain), None) for role, names in ROLE_NAMES.items()}
    if found["lat"] and found["lon"]:
        return Columns(lat=found["lat"], lon=found["lon"])
    if found["x"] and found["y"] and not (found["address"] or found["street"]):
        return Columns(x=found["x"], y=found["y"])
    if found["address"]:
        return Columns(address=found["address"], postcode=found["postcode"], commune=found["commune"])
    return Columns(number=found["number"], street=found["street"], postcode=found["postcode"],
                   commune=found["commune"])


def _recognise(sample: Sample) -> bool:
    if not sample.head_tables:
        return False
    columns = guess_columns(sample.head_tables[0].header)
    return bool(columns.by_coordinates or columns.address or columns.street)


def read_addresses(source: FileSource) -> pd.DataFrame:
    """The user's table, every cell as text (a postcode keeps its leading zero)."""
    sample = Sample(source)
    if sample.container not in ("csv", "xlsx"):
        raise DQError("Ce fichier n'est pas un tableau CSV ou Excel (.xlsx) d'adresses.")
    tables = sample.tables
    if not tables or tables[0].frame.empty:
        raise DQError("Aucune ligne d'adresse dans ce fichier.")
    return tables[0].frame


KIND = FileKind("liste_adresses", "liste d'adresses (à localiser depuis la page « Adresses »)", _recognise,
                personal=True)
