"""Reader for INSEE/ANCT thematic bases per QPV: DEMO, IPRO, REVN (2017-2022) and `data_DEMO_*_V1_QP`.

Bytes → a `ThematicData`: the long observations (one row per quartier × indicator), the quartiers'
names and communes as written in the file, and the `Ensemble des QPV` row as the ensemble reference.
Empty cells stay empty (secret or unavailable, never zero); secondary suppression hides any cell that
the published totals would otherwise give away by subtraction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dq_core import flags, fmt
from dq_core.errors import DQError
from dq_core.files.kinds.base import OBSERVATION_COLUMNS, FileKind, NotRecognised, Reading, Sample
from dq_core.files.kinds.insee_catalogue import (
    DERIVED_RATES,
    DERIVED_SUMS,
    NOTE_COLUMNS,
    OFFICIAL_BY_ID,
    RELATIONS,
    THEME_COLUMNS,
    THEME_LABELS,
)
from dq_core.files.kinds.insee_editions import data_year
from dq_core.files.read.codes import QP2015_CODE, QP2024_CODE, split_multi
from dq_core.files.read.numbers import numbers
from dq_core.files.read.tables import Table
from dq_core.privacy import Relation, recoverable_cells, secondary_suppression

ENSEMBLE_CODES = {2015: "ENSQP2015", 2024: "ENSQP2024"}
# A file listing fewer quartiers is an extract (a region's): its sum is no ensemble of the quartiers.
NATIONAL_MIN_QUARTIERS = 1_000
# Counts of the quartier's commune(s), repeated on each of its quartiers: never summed over quartiers.
COMMUNE_FIGURES = {"pop_quartiers_commune", "pop_commune_englobante"}
ENSEMBLE_NAMES = {2015: "Ensemble des quartiers prioritaires (géographie 2015)",
                  2024: "Ensemble des quartiers prioritaires (géographie 2024)"}
CODE_COLUMNS = ("CODGEO", "CODE_QP", "QP", "CODE_QPV")
THEME_MARKERS = {
    "DEMO": {"POP_MUN", "TX_F", "IND_JEUNE", "PERCOU", "TX_TOT_0A24"},
    "IPRO": {"TX_TOT_EMPL", "ABCDE", "ABC", "NOTE_PE", "ABC_F"},
    "REVN": {"TP60", "DISP_Q2", "PMIMP", "DECUC_Q2", "PPSOC"},
}
# Why a cell is secret, stored as its note (`dq_core.flags`): an INSEE blank, or the app's own rules.
NOTE_EMPTY = flags.NOTE_PRODUCER_BLANK
NOTE_PRIMARY = flags.NOTE_BELOW_THRESHOLD
NOTE_SECONDARY = flags.NOTE_SECONDARY
NOTE_CMUC_TO_C2S = ("La Complémentaire santé solidaire (C2S) remplace la CMU complémentaire et l'ACS en "
                    "novembre 2019 : jusqu'en 2019, la série compte les bénéficiaires de la CMU-C (colonne "
                    "CCMUC de l'Insee). Série non comparable avec les périodes précédentes.")
NOTE_C2S_2022 = ("Définition modifiée en 2022 : l'Insee publie à part la C2S sans et avec participation "
                 "financière (C_C2SNP, C_C2SP), dont l'application fait la somme, au lieu d'une seule colonne "
                 "(CC2S) en 2021. Série non comparable avec les périodes précédentes.")
# Where INSEE changed what a series measures: per indicator, (first period of the new definition, note),
# oldest first. The break is marked at the first stored period from there on, when older periods exist
# (`official_write.mark_series_breaks`). CMU-C → C2S: no 2020 edition was seen; the C2S columns start in 2021.
SERIES_BREAKS: dict[str, list[tuple[str, str]]] = {
    "part_emplois_precaires": [("2021", "Intitulé modifié par l'Insee en 2021 : « emploi à durée limitée » "
                                "(TX_*_EDLIM) remplace « emploi précaire » (TX_*_EPREC).")],
    "part_emplois_precaires_femmes": [("2021", "Intitulé modifié par l'Insee en 2021.")],
    "part_emplois_precaires_etrangers": [("2021", "Intitulé modifié par l'Insee en 2021.")],
    "beneficiaires_c2s": [("2020", NOTE_CMUC_TO_C2S), ("2022", NOTE_C2S_2022)],
    "part_c2s": [("2022", NOTE_C2S_2022)],
}


@dataclass
class ThematicData:
    theme: str
    edition: int
    observations: pd.DataFrame                  # OBSERVATION_COLUMNS
    quartiers: pd.DataFrame                     # code, name (or None), vintage, commune_names
    indicators: list[str]
    unmapped: list[str] = field(default_factory=list)
    secondary: int = 0                          # cells hidden by secondary suppression

    @property
    def label(self) -> str:
        return f"Insee, base thématique « {THEME_LABELS[self.theme]} » par quartier, édition {self.edition}"

    @property
    def source(self) -> str:
        return source_of(self.theme, self.edition)


def source_of(theme: str, edition: int) -> str:
    """How a figure of a thematic base is cited (its data year comes after: `texts.citation`)."""
    return f"Insee, Données par thématique QPV « {THEME_LABELS[theme].capitalize()} », édition {edition}"


def _upper(header: list[str]) -> dict[str, str]:
    return {h.strip().upper(): h for h in header}


def theme_of(table: Table) -> str | None:
    """'DEMO', 'IPRO' or 'REVN' when the header says so; None if it is no thematic base.

    Raises DQError for a table mixing several themes (derived products): its editions are unknown.
    """
    names = set(_upper(table.header))
    themes = [t for t, markers in THEME_MARKERS.items() if len(markers & names) >= 2]
    if not themes:
        return None
    if len(themes) > 1:
        raise NotRecognised("Tableau composite mêlant plusieurs bases de l'Insee (démographie, emploi, revenus) "
                      "d'éditions différentes : importez plutôt les fichiers DEMO, IPRO et REVN d'origine.")
    return themes[0]


def edition_of(name: str, table: Table, theme: str) -> int | None:
    """The edition: a year in the file name, else in the title rows above the header, else the only
    edition whose column set matches (REVN 2021 and 2022 are recognisable)."""
    for text in (name, table.title):
        years = [int(y) for y in re.findall(r"(?<!\d)(20[12]\d)(?!\d)", text or "")]
        if years:
            return max(years)
    names = set(_upper(table.header))
    if theme == "REVN" and "C_C2SNP" in names:
        return 2022
    if theme == "REVN" and "CC2S" in names:
        return 2021
    return None


def read_thematic(name: str, table: Table, theme: str) -> ThematicData:
    edition = edition_of(name, table, theme)
    if edition is None:
        raise DQError("Édition introuvable : ni le nom du fichier ni son en-tête ne donnent l'année. "
                      "Renommez le fichier en y mettant l'année de l'édition (par exemple DEMO_2022.csv).")
    columns = _upper(table.header)
    code_column = next((columns[c] for c in CODE_COLUMNS if c in columns), None)
    if code_column is None:
        raise DQError("Colonne CODGEO (code du quartier) absente.")
    mapping = THEME_COLUMNS[theme]
    mapped = {upper: original for upper, original in columns.items() if upper in mapping}
    unmapped = [original for upper, original in columns.items()
                if upper not in mapping and upper not in NOTE_COLUMNS
                and upper not in {*CODE_COLUMNS, "LIBGEO", "LIB_COM", "LIBCOM"}]
    frame = table.frame
    codes = frame[code_column].astype("string").str.strip().str.strip('"').str.upper()
    libgeo = frame[columns["LIBGEO"]] if "LIBGEO" in columns else pd.Series([""] * len(frame), dtype="string")
    is_ensemble = codes.isin(["ENSEMBLE", "ENSQP", "FRANCE_QP"]) | libgeo.str.strip().str.lower().str.startswith(
        "ensemble des q", na=False)
    is_quartier = codes.str.match(QP2015_CODE.pattern) | codes.str.match(QP2024_CODE.pattern)
    is_quartier = is_quartier.fillna(False) & ~is_ensemble
    if not is_quartier.any():
        raise DQError("Aucune ligne de quartier (code QP… ou QN…) dans la colonne CODGEO.")
    vintage = 2024 if codes[is_quartier].str.startswith("QN").mean() > 0.5 else 2015

    values = pd.DataFrame({upper: numbers(frame[original]) for upper, original in mapped.items()})
    values.index = codes.where(~is_ensemble, ENSEMBLE_CODES[vintage])
    keep = (is_quartier | is_ensemble).to_numpy()
    values = values[keep]
    quartier_rows = is_quartier[keep].to_numpy()
    notes = _notes(frame[keep], columns, theme)

    empty = values.isna() & quartier_rows[:, None]
    secret = empty.copy()
    _primary(values, secret, mapping, quartier_rows)
    primary = secret & ~empty
    _secondary(values, secret, theme, quartier_rows)
    added = secret & ~empty & ~primary
    secondary = int(added.to_numpy().sum())
    values = values.mask(secret)
    reasons = pd.DataFrame(np.where(added, NOTE_SECONDARY, np.where(primary, NOTE_PRIMARY, NOTE_EMPTY)),
                           index=values.index, columns=values.columns)

    if not is_ensemble.any() and quartier_rows.sum() >= NATIONAL_MIN_QUARTIERS:
        values, secret, reasons, notes = _with_computed_ensemble(values, secret, reasons, notes, mapping,
                                                                 ENSEMBLE_CODES[vintage])
        empty = pd.concat([empty, secret.iloc[-1:]])
    observations = _long(values, secret, reasons, notes, mapping, theme, edition)
    observations = pd.concat([observations, _derived(values, secret, empty, mapping, theme, edition)],
                             ignore_index=True)
    observations["edition"] = str(edition)
    observations["source"] = source_of(theme, edition)
    quartiers = pd.DataFrame({
        "code": codes[is_quartier].to_numpy(),
        "name": libgeo[is_quartier].str.strip().replace("", None).to_numpy(),
        "vintage": vintage,
        "commune_names": [split_multi(v) for v in frame.loc[is_quartier, columns["LIB_COM"]]]
        if "LIB_COM" in columns else [[] for _ in range(int(is_quartier.sum()))],
    })
    indicators = sorted(observations["indicator"].unique())
    return ThematicData(theme, edition, observations, quartiers, indicators, unmapped, secondary)


def _with_computed_ensemble(values: pd.DataFrame, secret: pd.DataFrame, reasons: pd.DataFrame,
                            notes: dict[str, pd.Series], mapping: dict, code: str):
    """Add the ensemble row an edition lacks: each count summed over the quartiers, where every quartier's
    figure is published (a blank is unknown; a hidden cell would be given away by the difference), else
    nothing — never an ensemble of another year beside the quartier's figure. Rates the app computes
    from counts (`_derived`) then follow as Σ numerators / Σ denominators."""
    n = len(values)
    summable = [c for c in values.columns
                if OFFICIAL_BY_ID[mapping[c]].kind == "count" and mapping[c] not in COMMUNE_FIGURES]
    complete = [c for c in summable if not secret[c].any() and values[c].notna().all()]
    row = pd.DataFrame({c: [values[c].sum() if c in complete else np.nan] for c in values.columns}, index=[code])
    note = (f"Calculé par l'application : somme des {fmt.number(n, 0)} quartiers du fichier (l'Insee ne "
            "publie pas de ligne « Ensemble » dans cette édition).")
    values = pd.concat([values, row])
    secret = pd.concat([secret, pd.DataFrame(False, index=[code], columns=secret.columns)])
    reasons = pd.concat([reasons, pd.DataFrame(NOTE_EMPTY, index=[code], columns=reasons.columns)])
    notes = {c: pd.concat([s, pd.Series([note])], ignore_index=True) for c, s in notes.items()}
    notes.update({c: pd.Series([None] * n + [note]) for c in values.columns if c not in notes})
    return values, secret, reasons, notes


def _notes(frame: pd.DataFrame, columns: dict[str, str], theme: str) -> dict[str, pd.Series]:
    """Per data column, the quality note of its producer's NOTE_* column when it is not 0."""
    out: dict[str, pd.Series] = {}
    for note_column, (producer, by_theme) in NOTE_COLUMNS.items():
        if note_column not in columns or theme not in by_theme:
            continue
        codes = frame[columns[note_column]].astype("string").str.strip()
        text = ("Indicateur de qualité « " + producer + " » de l'Insee : " + codes +
                " (0 = pas de réserve ; voir la documentation du fichier).")
        keep = (codes.notna() & (codes != "") & (codes != "0")).fillna(False).to_numpy(dtype=bool)
        text = pd.Series(np.where(keep, text.to_numpy(dtype=object, na_value=None), None), dtype=object)
        for column in by_theme[theme]:
            out[column] = text
    return out


def _primary(values: pd.DataFrame, secret: pd.DataFrame, mapping: dict, quartier_rows: np.ndarray) -> None:
    for column in values.columns:
        indicator = OFFICIAL_BY_ID[mapping[column]]
        if indicator.kind != "count" or not indicator.secret_threshold:
            continue
        # Vectorised `privacy.primary_secret`: a count below the threshold (zero included) is secret.
        small = (values[column] < indicator.secret_threshold).to_numpy()
        secret[column] |= small & quartier_rows


def _secondary(values: pd.DataFrame, secret: pd.DataFrame, theme: str, quartier_rows: np.ndarray) -> None:
    """Hide complementary cells so that no secret cell follows from the published relations."""
    relations = [Relation(total, parts) for total, parts in RELATIONS.get(theme, [])
                 if total in values.columns and all(p in values.columns for p in parts)]
    if not relations:
        return
    cells = sorted({c for r in relations for c in r.cells})
    block = values[cells].to_numpy(dtype=float)
    hidden = secret[cells].to_numpy()
    # Only rows with a hidden cell inside some relation can leak.
    candidates = np.flatnonzero(hidden.any(axis=1) & quartier_rows)
    leaks: dict[frozenset, bool] = {}       # whether cells leak depends only on which cells are hidden
    for i in candidates:
        cell_secret = frozenset(c for c, h in zip(cells, hidden[i], strict=True) if h)
        # Hidden cells are unknowns whatever their value; every other cell of a quartier row is published.
        table = {c: (0.0 if c in cell_secret or np.isnan(v) else float(v)) for c, v in zip(cells, block[i], strict=True)}
        if cell_secret not in leaks:
            leaks[cell_secret] = bool(recoverable_cells(table, cell_secret, relations))
        if not leaks[cell_secret]:
            continue
        for c in secondary_suppression(table, cell_secret, relations) - cell_secret:
            secret.iat[i, secret.columns.get_loc(c)] = True


def _period(theme: str, column: str, edition: int) -> tuple[str, str | None]:
    """The data year of a column in this edition, and what the figures should say about it."""
    year = data_year(theme, column, edition)
    return year.period, year.note


def _long(values: pd.DataFrame, secret: pd.DataFrame, reasons: pd.DataFrame, notes: dict[str, pd.Series],
          mapping: dict, theme: str, edition: int) -> pd.DataFrame:
    parts = []
    territories = values.index.to_numpy()
    for column in values.columns:
        indicator = mapping[column]
        period, period_note = _period(theme, column, edition)
        value = values[column].to_numpy()
        is_secret = secret[column].to_numpy()
        present = ~np.isnan(value) | is_secret
        note = notes.get(column, pd.Series([None] * len(values))).to_numpy(dtype=object)
        note = np.where(is_secret, reasons[column].to_numpy(dtype=object), note)
        if period_note:
            # After the note's own case (a stored note starts with why a cell is empty: `flags`).
            note = np.array([f"{n} {period_note}" if isinstance(n, str) else period_note for n in note],
                            dtype=object)
        # A renamed column is known to start a new wording; writing checks the break against the
        # stored periods (`mark_series_breaks`).
        brk = next((b for b in SERIES_BREAKS.get(indicator, []) if b[0] == str(edition)), None)
        is_break = brk is not None and column.endswith("EDLIM")
        if is_break:
            note = np.array([f"{brk[1]} {n}" if isinstance(n, str) else brk[1] for n in note], dtype=object)
        parts.append(pd.DataFrame({
            "territory": territories[present], "indicator": indicator, "period": period,
            "period_start": date(int(period), 1, 1), "value": np.where(is_secret, np.nan, value)[present],
            "numerator": np.nan, "denominator": np.nan, "is_secret": is_secret[present],
            "is_provisional": False, "is_estimated": False, "is_break": is_break, "note": note[present],
            "edition": str(edition), "source": source_of(theme, edition)}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=OBSERVATION_COLUMNS)
    # Two columns of one file may feed one indicator (never in INSEE's files, but a renamed copy could):
    return frame.drop_duplicates(["territory", "indicator", "period"], keep="first")[OBSERVATION_COLUMNS]


def _derived(values: pd.DataFrame, secret: pd.DataFrame, empty: pd.DataFrame, mapping: dict, theme: str,
             edition: int) -> pd.DataFrame:
    """The thematic base's computed totals and rates, each at the data year of its first published input."""
    column_of = {mapping[c]: c for c in values.columns}

    def period_of(inputs: tuple[str, ...]) -> tuple[str, str | None]:
        column = next((column_of[i] for i in inputs if i in column_of), None)
        return _period(theme, column, edition) if column else (str(edition), None)

    return derived(values, secret, empty, mapping, DERIVED_RATES, period_of)


def derived(values: pd.DataFrame, secret: pd.DataFrame, empty: pd.DataFrame, mapping: dict, rates: dict,
            period_of) -> pd.DataFrame:
    """Totals (`DERIVED_SUMS`) and `rates` computed from published counts when the file does not give them:
    secret as soon as one input is secret (an input left blank by INSEE makes it a producer's blank, else
    it is the app's secret). `mapping`: column → indicator; `period_of(input indicators)` gives the
    computed figure's (period, note about the period)."""
    series: dict[str, tuple[pd.Series, np.ndarray, np.ndarray]] = {
        mapping[c]: (values[c], secret[c].to_numpy(), empty[c].to_numpy()) for c in values.columns}
    rows = []
    for total, parts in DERIVED_SUMS.items():
        if total in series or not all(p in series for p in parts):
            continue
        value, hidden, blank = _combined([series[p] for p in parts])
        series[total] = (value, hidden, blank)
        rows.append(_derived_frame(total, values.index, value, hidden, blank, None, None, period_of(tuple(parts)),
                                   "Somme calculée par l'application des effectifs publiés."))
    for rate, (numerators, denominators) in rates.items():
        terms = (*numerators, *denominators)
        if rate in series or not all(t in series for t in terms):
            continue
        num = sum(series[t][0] for t in numerators)
        den = sum(series[t][0] for t in denominators)
        _, hidden, blank = _combined([series[t] for t in terms])
        value = (100.0 * num / den.where(den > 0)).round(1)
        rows.append(_derived_frame(rate, values.index, value, hidden, blank, num, den, period_of(terms),
                                   "Calculé par l'application à partir des effectifs publiés."))
    rows = [r for r in rows if not r.empty]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=OBSERVATION_COLUMNS)


def _combined(inputs: list[tuple[pd.Series, np.ndarray, np.ndarray]]) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Sum of the inputs' values; hidden (blank) when any input is."""
    return (sum(v for v, _, _ in inputs), np.logical_or.reduce([h for _, h, _ in inputs]),
            np.logical_or.reduce([b for _, _, b in inputs]))


def _derived_frame(indicator, territories, value, hidden, blank, num, den, period_and_note, note) -> pd.DataFrame:
    value = np.asarray(value, dtype=float)
    hidden = np.asarray(hidden, dtype=bool)
    reason = np.where(np.asarray(blank, dtype=bool), flags.NOTE_DERIVED_PRODUCER, flags.NOTE_DERIVED_APPLICATION)
    present = ~np.isnan(value) | hidden
    nothing = np.full(len(value), np.nan)
    num = nothing if num is None else np.where(hidden, np.nan, np.asarray(num, dtype=float))
    den = nothing if den is None else np.where(hidden, np.nan, np.asarray(den, dtype=float))
    period, period_note = period_and_note
    if period_note:
        note = f"{note} {period_note}"
        reason = np.array([f"{r} {period_note}" for r in reason], dtype=object)
    return pd.DataFrame({
        "territory": np.asarray(territories)[present], "indicator": indicator, "period": period,
        "period_start": date(int(period), 1, 1), "value": np.where(hidden, np.nan, value)[present],
        "numerator": num[present], "denominator": den[present], "is_secret": hidden[present],
        "is_provisional": False, "is_estimated": False, "is_break": False,
        "note": np.where(hidden, reason, note)[present], "edition": None,
        "source": None})[OBSERVATION_COLUMNS]


def _recognise(sample: Sample) -> bool:
    """Two marker columns of one theme (a table mixing themes too: reading then says why it is refused)."""
    return any(sum(len(markers & set(_upper(t.header))) >= 2 for markers in THEME_MARKERS.values())
               for t in sample.head_tables)


def _read(sample: Sample) -> Reading:
    refusals = []
    for table in sample.tables:
        try:
            theme = theme_of(table)
        except NotRecognised as exc:
            refusals.append(exc)
            continue
        if theme:
            data = read_thematic(sample.source.name, table, theme)
            return Reading(data.label, quartiers=data.quartiers, observations=data.observations,
                           indicators=data.indicators, secondary=data.secondary, unrecognised=data.unmapped)
    raise refusals[0] if refusals else NotRecognised("Aucune base thématique de l'Insee dans ce fichier.")


KIND = FileKind("insee_thematique", "base thématique de l'Insee par quartier (DEMO, IPRO, REVN)", _recognise, _read)
