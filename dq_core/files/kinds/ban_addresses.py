"""The national address base (Base Adresse Nationale): `adresses-DD.csv.gz` as published, current
23-column layout and the older 16-column one, recognised by their header.

Read into the normalised address table: commune code, postcode, commune key, number, repetition,
street name and key, longitude and latitude. Public addresses only: the base holds no person.
"""

from __future__ import annotations

import io

import pandas as pd

from dq_core import fmt
from dq_core.addresses.normalise import commune_key, repetition, street_key
from dq_core.errors import DQError
from dq_core.files.kinds.base import FileKind, NotRecognised, Reading, Sample

CURRENT = ["id", "id_fantoir", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune"]
LEGACY = ["id", "nom_voie", "id_fantoir", "numero", "rep", "code_insee", "code_post"]
ADDRESS_COLUMNS = ["code_insee", "code_postal", "commune", "commune_key", "numero", "rep", "nom_voie",
                   "street_key", "lon", "lat"]


def _header(sample: Sample) -> list[str]:
    tables = sample.head_tables
    return [h.strip().lower() for h in tables[0].header] if tables else []


def _layout(header: list[str]) -> str | None:
    if header[:len(CURRENT)] == CURRENT and {"lon", "lat"} <= set(header):
        return "current"
    if header[:len(LEGACY)] == LEGACY and {"lon", "lat", "nom_commune"} <= set(header):
        return "legacy"
    return None


def _recognise(sample: Sample) -> bool:
    return sample.container == "csv" and _layout(_header(sample)) is not None


def _read(sample: Sample) -> Reading:
    layout = _layout(_header(sample))
    if layout is None:
        raise NotRecognised("Ce n'est pas un fichier de la Base Adresse Nationale.")
    try:
        raw = pd.read_csv(io.StringIO(sample.text), sep=";", dtype=str, keep_default_na=False,
                          on_bad_lines="skip")
    except (ValueError, pd.errors.ParserError) as exc:
        raise DQError("Fichier de la Base Adresse Nationale illisible (lignes mal formées) : téléchargez-le à "
                      "nouveau.") from exc
    raw.columns = [c.strip().lower() for c in raw.columns]
    postcode = raw["code_postal" if layout == "current" else "code_post"]
    frame = pd.DataFrame({
        "code_insee": raw["code_insee"].str.strip().str.zfill(5),
        "code_postal": postcode.str.strip().str.zfill(5).where(postcode.str.strip() != "", None),
        "commune": raw["nom_commune"].str.strip(),
        "numero": pd.to_numeric(raw["numero"], errors="coerce"),
        "rep": raw["rep"].map(repetition),
        "nom_voie": raw["nom_voie"].str.strip(),
        "lon": pd.to_numeric(raw["lon"], errors="coerce"),
        "lat": pd.to_numeric(raw["lat"], errors="coerce"),
    })
    # A line cut short (the producer once published one) has no position: dropped, and counted.
    frame = frame[frame["lon"].between(-180, 180) & frame["lat"].between(-90, 90) & frame["nom_voie"].ne("")]
    if frame.empty:
        raise DQError("Aucune adresse avec une position dans ce fichier de la Base Adresse Nationale.")
    # Keys per distinct name: a département has ~10,000 streets for ~500,000 addresses.
    frame["street_key"] = frame["nom_voie"].map({n: street_key(n) for n in frame["nom_voie"].unique()})
    frame["commune_key"] = frame["commune"].map({n: commune_key(n) for n in frame["commune"].unique()})
    frame["numero"] = frame["numero"].astype("Int64")
    skipped = len(raw) - len(frame)
    communes = frame["code_insee"].nunique()
    label = ("Base Adresse Nationale" + (" (ancien format)" if layout == "legacy" else "")
             + f" — {fmt.number(len(frame), 0)} adresses, {fmt.number(communes, 0)} communes")
    if skipped:
        label += f" ; {fmt.number(skipped, 0)} lignes sans position ignorées"
    return Reading(label, addresses=frame[ADDRESS_COLUMNS].reset_index(drop=True))


KIND = FileKind("ban_adresses", "fichier de la Base Adresse Nationale (adresses-DD.csv.gz)", _recognise, _read)
