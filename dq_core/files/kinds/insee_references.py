"""INSEE's Filosofi DISP files (`FILO2018_DISP_COM`, `_EPCI`, `_DEP`, `_REG`, `_METROPOLE`): reference figures.

They give the communes, EPCI, départements, régions and France métropolitaine the same income indicators
as the quartiers' thematic bases (same catalogue ids), at the data year written as a suffix of every
variable (`Q218` → 2018). The level is read from the codes (and, for two-character codes, from the
names: départements and régions share codes such as `11`, `44`, `93`). Only territories of the current
geography are kept: a former commune or a dissolved EPCI has no place in the workspace.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from dq_core import flags, fmt
from dq_core.errors import DQError
from dq_core.files.kinds.base import OBSERVATION_COLUMNS, FileKind, NotRecognised, Reading, Sample
from dq_core.files.read.numbers import numbers
from dq_core.files.read.source import SAMPLE
from dq_core.files.read.tables import Table
from dq_core.files.read.text import sniff_delimiter
from dq_core.store import reference

# Every variable but RD and Q3_Q1 ends with the two digits of the data year; PTSAC only in 2014.
SUFFIXED = re.compile(r"^(NBMEN|NBPERS|NBUC|Q1|Q2|Q3|D[1-9]|S80S20|GI|PACT|PTSAC|PTSA|PCHO|PBEN|PPEN|PPAT|PPSOC|"
                      r"PPFAM|PPMINI|PPLOGT|PIMPOT)(\d{2})$")
COLUMNS = {"Q1": "revenu_q1_uc", "Q2": "revenu_median_uc", "Q3": "revenu_q3_uc", "D1": "revenu_d1_uc",
           "D9": "revenu_d9_uc", "RD": "rapport_interdecile", "PACT": "part_revenus_activite",
           "PPEN": "part_pensions_retraites", "PPSOC": "part_prestations_revenu", "PIMPOT": "part_impots_revenu",
           "PPAT": "part_revenus_patrimoine"}
LEVEL_WORDS = {"commune": ("commune", "communes"), "epci": ("EPCI", "EPCI"),
               "departement": ("département", "départements"), "region": ("région", "régions"),
               "metropole": ("France métropolitaine", "France métropolitaine")}
FEMININE = {"commune", "region"}
NOTE_METROPOLE = ("France métropolitaine (hors départements d'outre-mer) : l'Insee ne publie pas ce fichier pour "
                  "la France entière.")
NOTE_EPCI = "EPCI dans son périmètre de Filosofi {year} : sa composition a pu changer depuis."
NOTE_PACT_2014 = ("Part des revenus d'activité calculée par l'application : traitements, salaires et chômage "
                  "(PTSAC14) plus revenus des indépendants (PBEN14), parts publiées arrondies (à 0,1 point près).")


def source_of(level: str) -> str:
    """How a DISP figure is cited; its data year comes after (`texts.citation`: `… — Filosofi 2018`)."""
    return f"Insee, Revenus disponibles localisés (DISP), {LEVEL_WORDS[level][1]}"


# Published in every DISP file, not suffixed, and not an indicator of the catalogue: left aside unsaid.
KNOWN_UNUSED = {"Q3_Q1"}


@dataclass(frozen=True)
class Layout:
    year: int
    columns: dict[str, str]          # stem (Q2, PACT…) → the file's column name
    unknown: list[str]               # columns that are no DISP variable (a renamed or foreign one)


def layout_of(table: Table) -> Layout | None:
    """The data year and variables of a DISP table, or None when it is not one."""
    upper = {h.strip().upper(): h for h in table.header}
    stems: dict[str, str] = {}
    years: set[str] = set()
    for name, original in upper.items():
        match = SUFFIXED.match(name)
        if match:
            stems[match.group(1)] = original
            years.add(match.group(2))
    if not {"NBMEN", "Q2"} <= set(stems):
        return None
    if "CODGEO" not in upper:
        raise DQError("Fichier Filosofi DISP sans sa colonne CODGEO (code de la commune, de l'EPCI, du département "
                      "ou de la région) : ses valeurs ne peuvent être rangées sous aucun territoire. Le fichier "
                      "n'est pas importé ; rétablissez l'en-tête d'origine.")
    if len(years) > 1:
        raise DQError(f"Variables de plusieurs millésimes dans un même fichier ({', '.join(sorted(years))}) : "
                      "un fichier Filosofi DISP n'en a qu'un.")
    for stem in ("RD",):
        if stem in upper:
            stems[stem] = upper[stem]
    stems["LIBGEO"] = upper.get("LIBGEO", "")
    stems["CODGEO"] = upper["CODGEO"]
    unknown = [original for name, original in upper.items()
               if name and original not in stems.values() and name not in KNOWN_UNUSED]
    return Layout(2000 + int(years.pop()), stems, unknown)


# --- levels and codes ------------------------------------------------------------------------------

def level_of(codes: pd.Series, names: pd.Series) -> str:
    """commune, epci, departement, region or metropole, from the codes (and names for 2-3 characters)."""
    lengths = set(codes.str.len())
    if lengths == {5}:
        return "commune"
    if lengths == {9} and codes.str.fullmatch(r"\d{9}").all():
        return "epci"
    if len(codes) == 1 and names.str.contains("métropol", case=False).any():
        return "metropole"
    if lengths <= {2, 3}:
        wanted = set(names.astype(object).map(reference.normalise_name))
        scores = {level: len(wanted & current_names(level)) for level in ("departement", "region")}
        level = max(scores, key=scores.get)
        if scores[level]:
            return level
    raise DQError("Niveau géographique non reconnu : les codes CODGEO ne sont ni des communes (5 caractères), "
                  "ni des EPCI (SIREN, 9 chiffres), ni des départements ou des régions connus, ni la France "
                  "métropolitaine.")


def parse_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`numbers` over several columns in one pass (it costs per call, not per cell)."""
    if not columns:
        return pd.DataFrame(index=frame.index)
    long = numbers(pd.concat([frame[c] for c in columns], ignore_index=True)).to_numpy()
    return pd.DataFrame(long.reshape(len(columns), len(frame)).T, columns=columns, index=frame.index)


@lru_cache(maxsize=8)
def current_codes(level: str) -> frozenset[str]:
    """The COG codes of a level (communes, EPCI…) in the current geography."""
    cog = reference.load_reference().frame
    return frozenset(cog.loc[cog["level"] == level, "code"].astype(object))


@lru_cache(maxsize=8)
def current_names(level: str) -> frozenset[str]:
    cog = reference.load_reference().frame
    return frozenset(cog.loc[cog["level"] == level, "name"].astype(object).map(reference.normalise_name))


def workspace_codes(level: str, codes: pd.Series) -> pd.Series:
    """The workspace code of each row's territory in the current geography; None for a territory that no
    longer exists (a former commune, an arrondissement, a dissolved EPCI)."""
    if level == "metropole":
        return pd.Series([reference.FRANCE_METRO_CODE] * len(codes), index=codes.index, dtype=object)
    current = current_codes(level)
    codes = codes.astype(object)
    prefix = reference.LEVEL_PREFIX.get(level, "")
    return (prefix + codes).where(codes.isin(current), None)


# --- reading ---------------------------------------------------------------------------------------

def read_disp(table: Table, layout: Layout) -> Reading:
    frame = table.frame
    codes = frame[layout.columns["CODGEO"]].astype("string").str.strip().str.strip('"').str.upper()
    names = (frame[layout.columns["LIBGEO"]].astype("string").fillna("") if layout.columns["LIBGEO"]
             else pd.Series([""] * len(frame), dtype="string"))
    level = level_of(codes, names)
    territory = workspace_codes(level, codes)
    keep = territory.notna().to_numpy()
    if not keep.any():
        raise DQError(f"Aucun territoire de la géographie actuelle parmi les {LEVEL_WORDS[level][1]} du fichier.")
    stems = [stem for stem in (*COLUMNS, "PTSAC", "PBEN") if stem in layout.columns]
    parsed = parse_columns(frame, [layout.columns[stem] for stem in stems])
    values = {COLUMNS[stem]: parsed[layout.columns[stem]][keep] for stem in stems if stem in COLUMNS}
    derived_pact = "PACT" not in layout.columns and {"PTSAC", "PBEN"} <= set(layout.columns)
    if derived_pact:
        values["part_revenus_activite"] = (parsed[layout.columns["PTSAC"]]
                                           + parsed[layout.columns["PBEN"]])[keep].round(1)
    observations = _observations(territory[keep].to_numpy(), values, level, layout.year, derived_pact)
    territories = None
    if level == "metropole":
        territories = pd.DataFrame({"code": [reference.FRANCE_METRO_CODE], "level": ["france"],
                                    "name": [reference.FRANCE_METRO_NAME]})
    dropped = int((~keep).sum())
    detail = _detail(level, layout, int(keep.sum()), dropped, sorted(values), derived_pact,
                     unused=[c for s, c in layout.columns.items()
                             if s not in COLUMNS and s not in ("CODGEO", "LIBGEO", "PTSAC", "PBEN") and c])
    label = f"Insee, Filosofi {layout.year}, revenus disponibles : {LEVEL_WORDS[level][1]}"
    return Reading(label, observations=observations, indicators=sorted(observations["indicator"].unique()),
                   territories=territories, detail=detail, unrecognised=layout.unknown)


def _observations(territories: np.ndarray, values: dict[str, pd.Series], level: str, year: int,
                  derived_pact: bool) -> pd.DataFrame:
    parts = []
    base_note = {"metropole": NOTE_METROPOLE, "epci": NOTE_EPCI.format(year=year)}.get(level)
    for indicator, series in values.items():
        value = series.to_numpy(dtype=float)
        blank = np.isnan(value)
        # Small communes: only Q2 is published; their other blanks are not stored (a line per commune
        # and variable would multiply the rows for figures nobody has). Elsewhere a blank is the producer's.
        present = ~blank if level == "commune" else np.ones(len(value), dtype=bool)
        note = base_note
        if derived_pact and indicator == "part_revenus_activite":
            note = f"{note} {NOTE_PACT_2014}" if note else NOTE_PACT_2014
        notes = np.where(blank, f"{flags.NOTE_PRODUCER_BLANK} {base_note or ''}".strip(), note)
        parts.append(pd.DataFrame({
            "territory": territories[present], "indicator": indicator, "period": str(year),
            "period_start": date(year, 1, 1), "value": value[present], "numerator": np.nan,
            "denominator": np.nan, "is_secret": blank[present], "is_provisional": False, "is_estimated": False,
            "is_break": False, "note": notes[present], "edition": str(year), "source": source_of(level)}))
    frame = pd.concat(parts, ignore_index=True)
    return frame.drop_duplicates(["territory", "indicator", "period"])[OBSERVATION_COLUMNS]


def _detail(level: str, layout: Layout, kept: int, dropped: int, indicators: list[str], derived_pact: bool,
            unused: list[str]) -> str:
    singular, plural = LEVEL_WORDS[level]
    if level == "metropole":
        text = (f"Filosofi {layout.year}, France métropolitaine (et non la France entière : elle est "
                "affichée comme telle)")
    else:
        e = "es" if level in FEMININE else "s"
        text = f"Filosofi {layout.year}, {fmt.number(kept, 0)} {plural} de la géographie actuelle gardé{e}"
        if dropped:
            text += (f" ({fmt.number(dropped, 0)} {plural} qui n'existent plus sous ce code, écarté{e} : "
                     "leur périmètre n'est pas celui d'un territoire actuel)")
    text += f" ; {len(indicators)} indicateurs de revenu"
    if level == "commune":
        text += " ; cases vides des petites communes (non diffusées par l'Insee) non enregistrées"
    if level == "epci":
        text += " ; EPCI dans leur périmètre de l'année du fichier"
    if derived_pact:
        text += " ; part des revenus d'activité calculée (PTSAC + PBEN)"
    if unused:
        text += f" ; variables sans indicateur dans le catalogue, non reprises : {', '.join(unused)}"
    return text


def _recognise(sample: Sample) -> bool:
    for table in sample.head_tables:
        try:
            if layout_of(table):
                return True
        except DQError:
            return True          # reading says why it is refused
    return False


def whole_tables(sample: Sample) -> list[Table]:
    """The file's tables, a CSV parsed by pandas' C reader: these files are read whole, every cell kept as
    text (the shared reader's Python loop takes seconds on a 30 000-commune file)."""
    if sample.container != "csv":
        return sample.tables
    text = sample.text
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sniff_delimiter(text[:SAMPLE]), dtype=str, keep_default_na=False,
                            skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, ValueError):
        return sample.tables
    frame = frame.loc[:, [not (c.startswith("Unnamed: ") or not c.strip()) for c in frame.columns]]
    frame.columns = [c.strip() for c in frame.columns]
    frame = frame.apply(lambda column: column.str.strip())
    return [Table(list(frame.columns), frame)]


def _read(sample: Sample) -> Reading:
    for table in whole_tables(sample):
        layout = layout_of(table)
        if layout:
            return read_disp(table, layout)
    raise NotRecognised("Aucun tableau Filosofi DISP (CODGEO, NBMEN, Q2 suffixés de l'année) dans ce fichier.")


KIND = FileKind("insee_filosofi_disp", "fichier Filosofi des revenus disponibles de l'Insee (communes, EPCI, "
                "départements, régions, France métropolitaine)", _recognise, _read)
