"""Enedis « consommation annuelle résidentielle par adresse »: each address located with the workspace's
address base (`addresses.match`), placed in its quartier, and only the quartier's yearly totals stored.

Per quartier and year: `conso_elec_adresse_logement` (MWh per dwelling: numerator MWh, denominator
dwellings) and `couverture_conso_elec_adresse` (the dwellings the file covers against the quartier's
households, from the denominator of a stored share of households — which one is said in its note). Secrecy: a quartier total
of fewer than 10 dwellings (workspace setting `energie_seuil_secret`) is stored as secret. Enedis only
publishes addresses of 10 dwellings or more, each of them public, so a quartier total of one address
reveals nothing Enedis has not published: the rule counts dwellings, not addresses.
The addresses themselves are never stored.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from dq_core import fmt, french
from dq_core.addresses.locate import quartier_of
from dq_core.addresses.match import EXACT, STREET, match_addresses
from dq_core.addresses.normalise import ParsedAddress, repetition, street_key
from dq_core.errors import DQError
from dq_core.files.kinds.base import OBSERVATION_COLUMNS, FileKind, NotRecognised, Reading, Sample
from dq_core.files.read.numbers import numbers
from dq_core.files.read.text import normalise_text
from dq_core.store import db

SECRET_MIN = 10
SECRET_META = "energie_seuil_secret"
CONSUMPTION, COVERAGE = "conso_elec_adresse_logement", "couverture_conso_elec_adresse"
COMMUNE_MEAN = "conso_elec_logement"          # the commune's own average, published on every row
PRODUCT = "Enedis, consommation annuelle résidentielle par adresse"
# Column roles → their names (normalised) in the labelled export, the older one and the API's.
COLUMNS = {
    "year": ("annee",),
    "number": ("numero_de_voie",),
    "rep": ("indice_de_repetition",),
    "street_type": ("type_de_voie",),
    "street": ("libelle_de_voie",),
    "commune_code": ("code_commune", "code_insee_de_la_commune"),
    "commune_name": ("nom_commune", "nom_de_la_commune"),
    "segment": ("segment_de_client",),
    "dwellings": ("nombre_de_logements",),
    "mwh": ("consommation_annuelle_totale_de_l_adresse_mwh",),
    "commune_mean": ("consommation_annuelle_moyenne_de_la_commune_mwh",),
}
REQUIRED = ("year", "street", "commune_code", "dwellings", "mwh")
# What the coverage is measured against: the denominator of a share of all households, in this order.
HOUSEHOLD_DENOMINATORS = ("ménages", "résidences principales", "ménages fiscaux")


def _roles(header: list[str]) -> dict[str, str]:
    by_norm = {normalise_text(h): h for h in header}
    found = {}
    for role, names in COLUMNS.items():
        name = next((by_norm[n] for n in names if n in by_norm), None)
        if name is not None:
            found[role] = name
    return found


def _recognise(sample: Sample) -> bool:
    return (sample.container == "csv" and bool(sample.head_tables)
            and all(r in _roles(sample.head_tables[0].header) for r in REQUIRED))


def _read(sample: Sample) -> Reading:
    if not _recognise(sample) or not sample.tables:
        raise NotRecognised("Ce n'est pas un fichier Enedis de consommation par adresse.")
    raw = sample.tables[0].frame
    roles = _roles(list(raw.columns))

    def text(role: str) -> pd.Series:
        return raw[roles[role]].astype("string").fillna("").str.strip() if role in roles else \
            pd.Series("", index=raw.index, dtype="string")

    frame = pd.DataFrame({
        "year": pd.to_numeric(text("year"), errors="coerce"),
        "number": pd.to_numeric(text("number"), errors="coerce").astype("Int64"),
        "rep": text("rep").map(repetition),
        "street": (text("street_type") + " " + text("street")).str.strip(),
        "commune_code": text("commune_code").str.zfill(5),
        "segment": text("segment").str.upper(),
        "dwellings": numbers(text("dwellings")),
        "mwh": numbers(text("mwh")),
        "commune_mean": numbers(text("commune_mean")),
    })
    skipped = []
    other = frame["segment"].ne("") & frame["segment"].ne("RESIDENTIEL")
    unreadable = ~other & (frame["year"].isna() | frame["dwellings"].isna() | frame["mwh"].isna()
                           | (frame["dwellings"] <= 0) | (frame["mwh"] < 0) | frame["street"].eq(""))
    if other.any():
        skipped.append(f"{french.count(int(other.sum()), 'adresse')} hors segment résidentiel")
    if unreadable.any():
        skipped.append(f"{french.count(int(unreadable.sum()), 'ligne')} sans année, voie, nombre de logements "
                       "ou consommation lisible")
    frame = frame[~other & ~unreadable].reset_index(drop=True)
    if frame.empty:
        raise DQError("Fichier Enedis de consommation par adresse sans aucune ligne lisible (année, voie, nombre "
                      "de logements et consommation en MWh).")
    frame["year"] = frame["year"].astype(int)
    years = sorted(frame["year"].unique())
    label = f"{PRODUCT} ({', '.join(str(y) for y in years)})"
    return Reading(label, to_locate=frame, skipped=skipped, indicators=[CONSUMPTION, COVERAGE, COMMUNE_MEAN])


def secret_threshold(cur: duckdb.DuckDBPyConnection) -> int:
    value = db.get_meta(cur, SECRET_META)
    return int(value) if value and value.isdigit() and int(value) > 0 else SECRET_MIN


def _place(cur: duckdb.DuckDBPyConnection, reading: Reading) -> Reading:
    """Locate every address, keep the quartiers' totals (observations) and say what was set aside."""
    rows = reading.to_locate
    indexed = _indexed_communes(cur)
    missing = sorted(set(rows["commune_code"]) - set(indexed))
    if len(missing) == rows["commune_code"].nunique():
        raise DQError("Les adresses de ce fichier Enedis se localisent avec la Base Adresse Nationale, qui n'est "
                      "pas indexée pour leurs communes : indexez d'abord le fichier adresses-DD.csv.gz "
                      f"{_departements_phrase(missing)} (sur adresse.data.gouv.fr), avec `python -m dq_core "
                      "index-adresses` ou la page « Adresses », puis importez de nouveau ce fichier.")
    vintage = _vintage(cur)
    known = rows["commune_code"].isin(indexed).to_numpy()
    parsed = [ParsedAddress(None if pd.isna(n) else int(n), r, street_key(s), indexed.get(c, (None, ""))[0],
                            indexed.get(c, (None, ""))[1])
              for n, r, s, c in zip(rows["number"], rows["rep"], rows["street"], rows["commune_code"], strict=True)]
    points = match_addresses(cur, parsed)
    found = points["quality"].isin([EXACT, STREET]).to_numpy() & known
    lon = np.where(found, points["lon"].to_numpy(float), np.nan)
    lat = np.where(found, points["lat"].to_numpy(float), np.nan)
    located = rows.assign(quartier=quartier_of(cur, lon, lat, vintage), found=found,
                          street_only=(points["quality"] == STREET).to_numpy() & found)
    totals = _totals(located[located["quartier"].notna()])
    if totals.empty:
        raise DQError(f"Aucune adresse de ce fichier Enedis n'est dans un quartier prioritaire de la géographie "
                      f"{vintage} ({_counts_phrase(located)}) : rien n'est importé.")
    threshold = secret_threshold(cur)
    households = _households(cur, list(totals["quartier"].unique()))
    observations = pd.concat([_observations(totals, households, threshold), _commune_means(cur, rows)],
                             ignore_index=True)
    detail = _detail(located, totals, households, threshold, missing, reading.skipped)
    return Reading(reading.label, observations=observations, indicators=reading.indicators, detail=detail)


def _indexed_communes(cur) -> dict[str, tuple[str | None, str]]:
    """Commune code → (a postcode, commune key) of the communes the address base holds."""
    return {code: (postcode, key) for code, postcode, key in cur.execute(
        "SELECT code_insee, min(code_postal), any_value(commune_key) FROM address GROUP BY code_insee").fetchall()}


def _vintage(cur) -> int:
    row = cur.execute("SELECT max(vintage) FROM territory WHERE level = 'quartier' AND geometry IS NOT NULL "
                      "AND vintage IS NOT NULL").fetchone()
    if not row or row[0] is None:
        raise DQError("Aucun contour de quartier dans cet espace de travail : importez d'abord les contours "
                      "officiels des quartiers (page « Données officielles »), puis ce fichier Enedis.")
    return int(row[0])


def _departements_phrase(communes: list[str], article: bool = True) -> str:
    """« du département 29 », « des départements 29, 35 » (without article: « département 29 »)."""
    deps = sorted({c[:3] if c.startswith("97") else c[:2] for c in communes})
    shown = ", ".join(deps[:8]) + (" …" if len(deps) > 8 else "")
    word = "département" if len(deps) == 1 else "départements"
    return f"{('du ' if len(deps) == 1 else 'des ') if article else ''}{word} {shown}"


def _totals(inside: pd.DataFrame) -> pd.DataFrame:
    return (inside.groupby(["quartier", "year"])
            .agg(addresses=("mwh", "size"), dwellings=("dwellings", "sum"), mwh=("mwh", "sum"))
            .reset_index())


def _households(cur, quartiers: list[str]) -> pd.DataFrame:
    """Each quartier's households: the newest denominator of a share of households (census households
    first, then principal residences, then tax households), with where it comes from."""
    rows = cur.execute("""
        SELECT o.territory AS quartier, o.denominator AS households, o.period, i.label
        FROM observation o JOIN indicator i ON i.id = o.indicator
        WHERE i.denominator_label IN (SELECT unnest(?::VARCHAR[])) AND o.denominator > 0 AND NOT o.is_secret
          AND o.indicator <> ?
          AND o.territory IN (SELECT unnest(?::VARCHAR[]))
        QUALIFY row_number() OVER (PARTITION BY o.territory ORDER BY
                                   list_position(?::VARCHAR[], i.denominator_label), o.period DESC, o.indicator) = 1""",
                       [list(HOUSEHOLD_DENOMINATORS), COVERAGE, quartiers, list(HOUSEHOLD_DENOMINATORS)]).df()
    return rows.set_index("quartier") if not rows.empty else rows


def _observations(totals: pd.DataFrame, households: pd.DataFrame, threshold: int) -> pd.DataFrame:
    secret = totals["dwellings"] < threshold
    note = (f"Secret statistique appliqué par l'application : moins de {threshold} logements couverts, "
            "valeur masquée.")
    base = pd.DataFrame({
        "territory": totals["quartier"], "period": totals["year"].astype(str),
        "period_start": [date(int(y), 1, 1) for y in totals["year"]], "is_secret": secret,
        "is_provisional": False, "is_estimated": False, "is_break": False,
        "edition": str(int(totals["year"].max())),
        "source": [f"{PRODUCT}, {y}" for y in totals["year"]]})
    consumption = base.assign(
        indicator=CONSUMPTION, value=(totals["mwh"] / totals["dwellings"]).where(~secret),
        numerator=totals["mwh"].where(~secret), denominator=totals["dwellings"].where(~secret),
        note=[note if s else f"{french.count(int(a), 'adresse')} publiée{'s' if a > 1 else ''} par Enedis."
              for s, a in zip(secret, totals["addresses"], strict=True)])
    frames = [consumption]
    if not households.empty:
        known = totals["quartier"].isin(households.index).to_numpy()
        counts = households.reindex(totals["quartier"])
        coverage = base.assign(
            indicator=COVERAGE, numerator=totals["dwellings"].where(~secret).to_numpy(),
            denominator=counts["households"].to_numpy(),
            note=[note if s else f"Ménages : dénominateur de « {lbl} », {fmt.period(p)}."
                  for s, lbl, p in zip(secret, counts["label"], counts["period"], strict=True)])
        coverage["value"] = 100.0 * coverage["numerator"] / coverage["denominator"]
        coverage.loc[secret.to_numpy(), "denominator"] = None
        frames.append(coverage[known])
    return pd.concat(frames, ignore_index=True)[OBSERVATION_COLUMNS]


def _commune_means(cur, rows: pd.DataFrame) -> pd.DataFrame:
    """The average per residential point Enedis gives for each commune (a reference beside the quartiers), for
    the communes the workspace holds."""
    known = {r[0] for r in cur.execute("SELECT code FROM territory WHERE level = 'commune'").fetchall()}
    means = (rows[rows["commune_code"].isin(known) & rows["commune_mean"].notna()]
             .drop_duplicates(["commune_code", "year"]))
    return pd.DataFrame({
        "territory": means["commune_code"], "indicator": COMMUNE_MEAN, "period": means["year"].astype(str),
        "period_start": [date(int(y), 1, 1) for y in means["year"]], "value": means["commune_mean"],
        "numerator": None, "denominator": None, "is_secret": False, "is_provisional": False,
        "is_estimated": False, "is_break": False,
        "note": "Moyenne de la commune publiée par Enedis, sur tous ses points de livraison résidentiels "
                "(maisons comprises).", "edition": str(int(rows["year"].max())),
        "source": [f"{PRODUCT}, {y}" for y in means["year"]]})[OBSERVATION_COLUMNS]


def _counts_phrase(located: pd.DataFrame) -> str:
    total, found = len(located), int(located["found"].sum())
    inside = int(located["quartier"].notna().sum())
    return (f"{fmt.number(total, 0)} adresses, {fmt.number(found, 0)} localisées, "
            f"{fmt.number(inside, 0)} en quartier prioritaire")


def _detail(located, totals, households, threshold, missing, skipped) -> str:
    quartiers = totals["quartier"].nunique()
    parts = [f"{_counts_phrase(located)} ; {french.count(quartiers, 'quartier')}"]
    street_only = int((located["street_only"] & located["quartier"].notna()).sum())
    if street_only:
        parts.append(f"dont {fmt.number(street_only, 0)} placées au numéro le plus proche de la même voie")
    not_found = int((~located["found"] & located["commune_code"].isin(set(located["commune_code"]) - set(missing))).sum())
    if not_found:
        parts.append(f"{french.count(not_found, 'adresse')} introuvable{'s' if not_found > 1 else ''} dans la "
                     "Base Adresse Nationale, ignorée" + ("s" if not_found > 1 else ""))
    if missing:
        lost = int(located["commune_code"].isin(missing).sum())
        parts.append(f"{french.count(lost, 'adresse')} de {french.count(len(missing), 'commune')} dont les "
                     f"adresses ne sont pas indexées ({_departements_phrase(missing, article=False)}), ignorée"
                     + ("s" if lost > 1 else ""))
    parts.extend(f"{s}, ignorée{'s' if not s.startswith('1 ') else ''}" for s in skipped)
    secret = totals[totals["dwellings"] < threshold]["quartier"].nunique()
    if secret:
        parts.append(f"{french.count(secret, 'quartier')} sous le secret (moins de {threshold} logements)")
    covered = households.index.isin(totals["quartier"]).sum() if not households.empty else 0
    if covered < quartiers:
        parts.append(f"couverture non calculée pour {french.count(quartiers - covered, 'quartier')} (aucun nombre "
                     "de ménages du quartier dans la base, c'est-à-dire aucune part de ménages avec son dénominateur)")
    return " ; ".join(parts)


KIND = FileKind("enedis_adresses", "fichier Enedis de consommation résidentielle par adresse", _recognise, _read,
                place=_place)
