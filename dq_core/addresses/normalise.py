"""French address text → comparable keys: `8 bis av. du Gal de Gaulle` and `8B AVENUE GENERAL DE GAULLE`
give the same number, repetition and street key.

The abbreviations are La Poste's and AFNOR's usual ones (those the BAN's `nom_afnor` and addok's French
plugin use). Keys keep every significant word in order, without accents, articles or punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Street types and titles, as people and La Poste abbreviate them.
ABBREVIATIONS = {
    "AV": "AVENUE", "AVE": "AVENUE", "AVN": "AVENUE", "BD": "BOULEVARD", "BLD": "BOULEVARD", "BLVD": "BOULEVARD",
    "BVD": "BOULEVARD", "R": "RUE", "RTE": "ROUTE", "CHE": "CHEMIN", "CH": "CHEMIN", "CHEM": "CHEMIN",
    "IMP": "IMPASSE", "ALL": "ALLEE", "AL": "ALLEE", "PL": "PLACE", "PLA": "PLACE", "SQ": "SQUARE",
    "CRS": "COURS", "QU": "QUAI", "QUA": "QUAI", "FG": "FAUBOURG", "FBG": "FAUBOURG", "PROM": "PROMENADE",
    "PRM": "PROMENADE", "RES": "RESIDENCE", "RPT": "ROND POINT", "RDPT": "ROND POINT", "LOT": "LOTISSEMENT",
    "HAM": "HAMEAU", "HLE": "HALLE", "PAS": "PASSAGE", "PASS": "PASSAGE", "SEN": "SENTIER", "SENT": "SENTIER",
    "TRA": "TRAVERSE", "VC": "VOIE COMMUNALE", "ZA": "ZONE ARTISANALE", "ZI": "ZONE INDUSTRIELLE",
    "ZAC": "ZONE D AMENAGEMENT CONCERTE", "CITE": "CITE", "CTRE": "CENTRE", "ESP": "ESPLANADE", "GR": "GRANDE",
    "GRDE": "GRANDE", "PT": "PETIT", "PTE": "PETITE", "MTE": "MONTEE", "PKG": "PARKING", "PRV": "PARVIS",
    "ST": "SAINT", "STE": "SAINTE", "STS": "SAINTS", "DR": "DOCTEUR", "GAL": "GENERAL", "GEN": "GENERAL",
    "GL": "GENERAL", "MAL": "MARECHAL", "MAR": "MARECHAL", "PDT": "PRESIDENT", "PRES": "PRESIDENT",
    "PR": "PROFESSEUR", "PROF": "PROFESSEUR", "CDT": "COMMANDANT", "CMDT": "COMMANDANT", "CAP": "CAPITAINE",
    "CPT": "CAPITAINE", "LT": "LIEUTENANT", "COL": "COLONEL", "ADJ": "ADJUDANT", "SGT": "SERGENT",
    "MGR": "MONSEIGNEUR", "ABBE": "ABBE", "N": "NOTRE", "ND": "NOTRE DAME", "CHU": "CENTRE HOSPITALIER",
}
# Words that carry no meaning for matching (articles, prepositions, apostrophe fragments).
STOP_WORDS = {"DE", "DU", "DES", "LA", "LE", "LES", "L", "D", "ET", "A", "AU", "AUX", "EN", "SUR", "SOUS"}
REPETITIONS = {"BIS": "B", "TER": "T", "QUATER": "Q", "QUINQUIES": "C", "B": "B", "T": "T", "Q": "Q", "C": "C",
               "A": "A", "D": "D", "E": "E", "F": "F"}
# "CEDEX 9", "BP 12", "CS 30001": postal routing, not part of the street.
_ROUTING = re.compile(r"\b(CEDEX( \d+)?|BP \d+|CS \d+|TSA \d+)\b")
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_NUMBER = re.compile(r"^(\d{1,5})\s*(BIS|TER|QUATER|QUINQUIES|[A-F])?\b")


def plain(text: object) -> str:
    """Upper case, no accents, every run of non-alphanumerics one space (`L'Épine-Blanche` → `L EPINE BLANCHE`)."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().upper()
    s = s.replace("Œ", "OE").replace("Æ", "AE")
    return re.sub(r"[^A-Z0-9]+", " ", s).strip()


def street_key(text: object) -> str:
    """The key two spellings of one street share: abbreviations expanded, articles dropped."""
    words = []
    for word in plain(text).split():
        words.extend(ABBREVIATIONS.get(word, word).split())
    return " ".join(w for w in words if w not in STOP_WORDS)


def commune_key(text: object) -> str:
    """`St-Jacques-de-la-Lande` / `SAINT JACQUES DE LA LANDE CEDEX` → one key."""
    text = _ROUTING.sub(" ", plain(text))
    text = re.sub(r"\b\d+(E|ER|EME)?\b", " ", text)           # arrondissement numbers, postcodes
    return street_key(text)


def repetition(text: object) -> str:
    """`bis` / `B` / `b` → `B`; empty when none."""
    return REPETITIONS.get(plain(text), plain(text)[:1]) if plain(text) else ""


@dataclass(frozen=True)
class ParsedAddress:
    number: int | None
    repetition: str
    street: str                      # street key
    postcode: str | None
    commune: str                     # commune key


def parse_line(text: object) -> ParsedAddress:
    """One free-text address: `8 bis rue de la Paix, 35000 Rennes Cedex` → number, repetition, street,
    postcode, commune (everything after the postcode is the commune)."""
    s = _ROUTING.sub(" ", plain(text))
    postcode = None
    commune = ""
    match = _POSTCODE.search(s)
    if match and match.start() > 0:
        postcode = match.group(1)
        commune = s[match.end():].strip()
        s = s[:match.start()].strip()
    number, rep, street = parse_street(s)
    return ParsedAddress(number, rep, street, postcode, commune_key(commune))


def parse_street(text: object) -> tuple[int | None, str, str]:
    """`8B RUE DE LA PAIX` → (8, 'B', 'RUE PAIX'); a leading `8-10` keeps the first number."""
    s = plain(text)
    s = re.sub(r"^(\d+)\s+(\d+)\s+", r"\1 ", s)                  # "8-10 rue…" → "8 rue…"
    match = _NUMBER.match(s)
    if not match:
        return None, "", street_key(s)
    number = int(match.group(1))
    rep = REPETITIONS.get(match.group(2) or "", "")
    rest = s[match.end():].strip()
    # "8 B RUE…": a lone letter after the number is a repetition only if a street follows.
    return number, rep, street_key(rest)
