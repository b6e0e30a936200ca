"""Caf allocataires per IRIS (`data_CAF_2020_IRIS.csv`): counts summed to the reference territories.

The IRIS files cover only the communes cut into IRIS (about 10 000 inhabitants or more), so a sum is
written for a territory only when the file holds **all** of it: a commune whose every part is there
(Paris's arrondissements, all the former communes of a commune nouvelle), and an EPCI, a département,
a région or France only when every one of its inhabited communes is complete in the file. A cell left
blank by the Caf (small count) is not counted: such a sum is stored as an estimate, a lower bound, with
a note; a share is computed only when both its terms are exact. The file says nothing of its year: it is
taken from the file name (`…_2020_…`), as INSEE names these files.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from dq_core import flags, fmt, french
from dq_core.errors import DQError
from dq_core.files.kinds.base import OBSERVATION_COLUMNS, FileKind, NotRecognised, Reading, Sample
from dq_core.files.kinds.insee_catalogue import DEMO_COLUMNS, REVN_COLUMNS
from dq_core.files.kinds.insee_references import parse_columns, whole_tables
from dq_core.files.read.tables import Table
from dq_core.store import reference

MARKERS = {"CODGEO", "A", "PERCOU", "AI", "AM"}
IRIS_CODE = re.compile(r"^[0-9][0-9AB][0-9]{7}$")
_CAF_REVN = ("A", "APRES50", "APRES100", "ARSA", "ARSAS", "APPA", "AAAH")
COLUMNS = {**{c: i for c, i in DEMO_COLUMNS.items() if not c.startswith(("TX_", "IND_", "POP_"))},
           **{c: REVN_COLUMNS[c] for c in _CAF_REVN}}
SHARES = {"part_alloc_dependants": ("allocataires_dependants_50", "allocataires_caf")}
LEVELS = ("commune", "epci", "departement", "region", "france")
SOURCE = "Cnaf, allocataires par IRIS diffusés par l'Insee, sommés par l'application"
NOTE_ESTIMATE = ("Somme calculée par l'application des IRIS publiés : {n} case(s) d'IRIS non diffusée(s) par la "
                 "Caf (petits effectifs) n'y sont pas comptées, la valeur est un minimum.")
NOTE_ALL_BLANK = flags.NOTE_PRODUCER_BLANK.replace("l'Insee", "la Caf")
NOTE_SUM = "Somme calculée par l'application des IRIS publiés par la Caf."
NOTE_SHARE = "Part calculée par l'application à partir des effectifs sommés."


def year_of(name: str) -> int:
    years = [int(y) for y in re.findall(r"(?<!\d)(20[0-9]{2})(?!\d)", name)]
    if not years:
        raise DQError("Année introuvable : un fichier Caf par IRIS ne dit pas son année dans ses colonnes. "
                      "Renommez-le en y mettant l'année des données (par exemple data_CAF_2020_IRIS.csv).")
    return max(years)


def is_caf_iris(table: Table) -> bool:
    upper = {h.strip().upper() for h in table.header}
    if not MARKERS <= upper:
        return False
    code = next(h for h in table.header if h.strip().upper() == "CODGEO")
    codes = table.frame[code].astype("string").str.strip().dropna()
    return len(codes) > 0 and codes.str.match(IRIS_CODE.pattern).mean() > 0.9


# --- which territories the file holds whole ---------------------------------------------------------

def complete_communes(file_communes: pd.Series) -> tuple[pd.Series, int]:
    """Current commune of each file commune (None when it is incomplete or unknown), and how many current
    communes were left out as incomplete."""
    present = set(file_communes.astype(object).unique())
    current = {c: reference.commune_from_code(c) for c in present}
    required = _required_parts()
    by_current: dict[str, set[str]] = {}
    for code, commune in current.items():
        if commune:
            by_current.setdefault(commune, set()).add(code)
    # A commune found under its own code only is taken whole; one found through its parts (arrondissements,
    # former communes) only when every part the COG knows is there.
    complete = {c for c, found in by_current.items() if found == {c} or required.get(c, set()) <= found}
    mapped = file_communes.map(lambda c: current[c] if current[c] in complete else None)
    return mapped, len(by_current) - len(complete)


@lru_cache(maxsize=1)
def _required_parts() -> dict[str, set[str]]:
    """Per current commune, the codes of its arrondissements and communes déléguées."""
    cog = reference.load_reference().frame
    parts = cog[cog["level"].isin(["arrondissement", "deleguee"]) & cog["commune"].notna()]
    return parts.astype({"code": object, "commune": object}).groupby("commune")["code"].agg(set).to_dict()


def complete_above(communes: set[str]) -> dict[str, set[str]]:
    """Per level above the commune, the workspace codes of the territories all of whose inhabited
    communes are in `communes`."""
    cog = reference.load_reference().frame
    current = cog[(cog["level"] == "commune") & (cog["population"].fillna(0) > 0)].assign(france="FR")
    current = current.assign(inside=current["code"].isin(communes))
    out: dict[str, set[str]] = {}
    for level in ("epci", "departement", "region", "france"):
        whole = current.dropna(subset=[level]).groupby(level)["inside"].all()
        codes = whole[whole].index
        out[level] = {reference.FRANCE_CODE if level == "france" else reference.territory_code(level, c)
                      for c in codes}
    return out


# --- reading ---------------------------------------------------------------------------------------

def read_caf_iris(name: str, table: Table) -> Reading:
    year = year_of(name)
    upper = {h.strip().upper(): h for h in table.header}
    frame = table.frame
    iris = frame[upper["CODGEO"]].astype("string").str.strip()
    valid = iris.str.match(IRIS_CODE.pattern).fillna(False).to_numpy()
    if not valid.any():
        raise DQError("Aucun code IRIS (9 caractères) dans la colonne CODGEO.")
    mapped = {upper[c]: ind for c, ind in COLUMNS.items() if c in upper}
    values = parse_columns(frame, list(mapped)).rename(columns=mapped)[valid]
    commune, incomplete = complete_communes(iris[valid].str[:5])
    values = values[commune.notna().to_numpy()]
    commune = commune.dropna().to_numpy()
    if not len(commune):
        raise DQError("Aucune commune actuelle n'est entière dans ce fichier : rien à sommer.")
    sums, blanks = _sum_by(values, commune)
    cog = reference.load_reference().frame
    parents = cog[(cog["level"] == "commune") & cog["code"].isin(sums.index)].set_index("code")
    above = complete_above(set(sums.index))
    all_sums, all_blanks = [sums], [blanks]
    for level in ("epci", "departement", "region", "france"):
        keys = (pd.Series("FRANCE", index=parents.index) if level == "france"
                else parents[level].map(lambda c, lv=level: reference.territory_code(lv, c) if isinstance(c, str)
                                        else None))
        keys = keys.reindex(sums.index)
        inside = keys.isin(above[level]).to_numpy()
        if inside.any():
            s, b = _sum_by(sums[inside], keys[inside].to_numpy(), blanks[inside])
            all_sums.append(s)
            all_blanks.append(b)
    sums, blanks = pd.concat(all_sums), pd.concat(all_blanks)
    observations = _observations(sums, blanks, year)
    counts = {level: len(s) for level, s in zip(LEVELS, all_sums, strict=False)}
    unused = [h for h in table.header if h.strip().upper() not in COLUMNS
              and h.strip().upper() not in {"CODGEO", "LIBGEO", "DEPCOM", "LIBCOM", "EPCI", "UU", "REG", "NOTE"}]
    return Reading(f"Cnaf, allocataires par IRIS au 31 décembre {year}, sommés par territoire",
                   observations=observations, indicators=sorted(observations["indicator"].unique()),
                   detail=_detail(year, counts, incomplete, unused))


def _sum_by(values: pd.DataFrame, keys, blanks: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per key: the sum of published cells, and how many blank cells it leaves out."""
    grouped = values.groupby(keys)
    sums = grouped.sum(min_count=1)
    if blanks is None:
        counted = values.isna().groupby(keys).sum()
    else:
        counted = blanks.groupby(keys).sum()
    return sums, counted


def _observations(sums: pd.DataFrame, blanks: pd.DataFrame, year: int) -> pd.DataFrame:
    parts = []
    for indicator in sums.columns:
        value = sums[indicator].to_numpy(dtype=float)
        missing = blanks[indicator].to_numpy(dtype=int)
        secret = np.isnan(value)
        estimated = ~secret & (missing > 0)
        note = np.where(secret, NOTE_ALL_BLANK, np.where(
            estimated, [NOTE_ESTIMATE.format(n=fmt.number(n, 0)) for n in missing], NOTE_SUM))
        parts.append(_frame(sums.index.to_numpy(), indicator, year, value, None, None, secret, estimated, note))
    for share, (num_id, den_id) in SHARES.items():
        if num_id not in sums or den_id not in sums:
            continue
        num, den = sums[num_id].to_numpy(dtype=float), sums[den_id].to_numpy(dtype=float)
        exact = (blanks[num_id].to_numpy() == 0) & (blanks[den_id].to_numpy() == 0) & (den > 0) & ~np.isnan(num)
        if exact.any():
            parts.append(_frame(sums.index.to_numpy()[exact], share, year, (100 * num / den)[exact].round(1),
                                num[exact], den[exact], np.zeros(int(exact.sum()), bool),
                                np.zeros(int(exact.sum()), bool), np.full(int(exact.sum()), NOTE_SHARE)))
    return pd.concat(parts, ignore_index=True)[OBSERVATION_COLUMNS]


def _frame(territory, indicator, year, value, num, den, secret, estimated, note) -> pd.DataFrame:
    nothing = np.full(len(territory), np.nan)
    return pd.DataFrame({
        "territory": territory, "indicator": indicator, "period": str(year), "period_start": date(year, 1, 1),
        "value": np.where(secret, np.nan, value), "numerator": nothing if num is None else num,
        "denominator": nothing if den is None else den, "is_secret": secret, "is_provisional": False,
        "is_estimated": estimated, "is_break": False, "note": note, "edition": str(year), "source": SOURCE})


def _detail(year: int, counts: dict[str, int], incomplete: int, unused: list[str]) -> str:
    words = {"commune": "communes", "epci": "EPCI", "departement": "départements", "region": "régions",
             "france": "France"}
    kept = ", ".join(f"{fmt.number(n, 0)} {words[level]}" if level != "france" else "la France"
                     for level, n in counts.items() if n)
    text = (f"Caf {year} : sommes calculées pour {kept} ; seules les communes découpées en IRIS figurent dans "
            "ce fichier : un EPCI, un département, une région ou la France n'est calculé que si toutes ses "
            "communes y sont")
    if incomplete:
        text += (f" ; {french.count(incomplete, 'commune incomplète')} dans le fichier (commune nouvelle "
                 f"dont une partie manque) {french.agree(incomplete, 'écartée')}")
    if unused:
        text += f" ; colonnes sans indicateur dans le catalogue, non reprises : {', '.join(unused)}"
    return text


def _recognise(sample: Sample) -> bool:
    return any(is_caf_iris(t) for t in sample.head_tables)


def _read(sample: Sample) -> Reading:
    for table in whole_tables(sample):
        if is_caf_iris(table):
            return read_caf_iris(sample.source.name, table)
    raise NotRecognised("Aucun tableau Caf par IRIS dans ce fichier.")


KIND = FileKind("caf_iris", "fichier Caf des allocataires par IRIS (Insee)", _recognise, _read)
