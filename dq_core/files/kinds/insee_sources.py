"""Reader for INSEE's "Données par source" bases per quartier: one file a source, variables named with their year.

Filosofi per QPV 2015 (`data_filo16…19_qp_revdis.csv`: `codgeo;disp_q2_a16;…;tp60_a16;note` or
`CODGEO;DISP_MED_A18;…;DISP_TP60_A18;DISP_NOTE_A18`, an `Ensemble` first row), INSEE's
`revenu-disponible-qp24-2021_QP.csv` and the other QPV 2024 bases (population, job seekers, Caf, schooling,
brevet, RPLS). Nothing here knows a millésime: a column is `<STEM>_A<yy>` (or `<STEM><yy>` for a known
stem), the stem says the indicator, the suffix the data year (A18 → 2018). The family of the file (which
source it is) is the one whose stems the header uses most. Unknown variables are named in the import's
French label, never guessed. INSEE names these files by their data year ("Revenus, pauvreté et niveau de
vie en 2018"), so their `edition` is that year: a thematic base repeating the same figure later (REVN_2022
holds Filosofi 2018) is the newer edition of that cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dq_core import flags
from dq_core.errors import DQError
from dq_core.files.kinds.base import OBSERVATION_COLUMNS, FileKind, NotRecognised, Reading, Sample
from dq_core.files.kinds.insee_catalogue import (
    DEMO_COLUMNS,
    DERIVED_RATES,
    IPRO_COLUMNS,
    REVN_COLUMNS,
)
from dq_core.files.kinds.insee_thematic import (
    ENSEMBLE_CODES,
    _primary,
    _secondary,
    derived,
)
from dq_core.files.read.codes import QP2015_CODE, QP2024_CODE, split_multi
from dq_core.files.read.numbers import numbers
from dq_core.files.read.tables import Table

CODE_COLUMNS = ("CODGEO", "CODE_QP", "CODE_QPV", "QP", "QP2024", "QPV")
LABEL_COLUMNS = {"LIBGEO", "LIB_QP", "LIBQP", "LIB_COM", "LIBCOM"}
ENSEMBLE_ROW_CODES = {"ENSEMBLE", "ENSQP", "00", "FRANCE_QP", *ENSEMBLE_CODES.values()}
EXPLICIT = re.compile(r"^(?P<stem>[A-Z0-9_]+?)_A(?P<yy>\d{2})$")     # DISP_MED_A18, TP60_A16
BARE = re.compile(r"^(?P<stem>[A-Z][A-Z0-9_]*?)(?P<yy>\d{2})$")       # DISP_TP6021 (known stems only)
META_HEADER = {"COD_VAR", "LIB_VAR"}


@dataclass(frozen=True)
class Family:
    """One source of INSEE's bases per quartier: its variable stems and how its figures are cited."""
    name: str
    product: str                                    # « Revenus, pauvreté et niveau de vie par quartier »
    stems: dict[str, str]                           # stem → catalogue id
    notes: tuple[str, ...] = ()                     # quality-note stems (0 = no reserve)
    producer_note: str = ""                         # whose quality note it is
    relations: str | None = None                    # theme whose additive relations hold (secondary secret)
    estimated: frozenset[str] = frozenset()         # stems whose figures are estimates
    rates: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    def source(self, vintage: int) -> str:
        return f"Insee, {self.product}, données par source (géographie {vintage})"


_DECILES = {f"DISP_D{n}": f"revenu_d{n}_uc" for n in (2, 3, 4, 6, 7, 8)}
# The REVN thematic base's own ids, so that both files meet in one series.
FILOSOFI_STEMS = {
    **{stem: REVN_COLUMNS[stem] for stem in ("DISP_Q1", "DISP_Q2", "DISP_Q3", "DISP_D1", "DISP_D9", "DISP_D1D9")},
    **{f"DISP_{stem}": REVN_COLUMNS[stem] for stem in ("PACT", "PPEN", "PPSOC", "PIMPOT", "PPAT", "TP60")},
    "TP60": REVN_COLUMNS["TP60"], "DISP_MED": REVN_COLUMNS["DISP_Q2"], "DISP_RD": REVN_COLUMNS["DISP_D1D9"],
    **_DECILES, "DISP_Q1Q3Q2": "ecart_interquartile_relatif", "DISP_EQ": "ecart_interquartile_relatif",
    "DISP_GINI": "indice_gini", "DISP_S80S20": "rapport_s80s20", "DISP_PTSA": "part_salaires_revenu",
    "DISP_PCHO": "part_indemnites_chomage", "DISP_PBEN": "part_revenus_non_salaries",
    "DISP_PPFAM": "part_prestations_familiales", "DISP_PPMINI": "part_minima_sociaux",
    "DISP_PPLOGT": "part_prestations_logement",
}
_CAF_REVN = ("A", "APRES50", "APRES100", "ARSA", "ARSAS", "APPA", "AAAH")
FAMILIES: tuple[Family, ...] = (
    Family("filosofi", "Revenus, pauvreté et niveau de vie par quartier", FILOSOFI_STEMS,
           ("DISP_NOTE", "NOTE"), "Filosofi"),
    Family("demandeurs_emploi", "Demandeurs d'emploi inscrits à France Travail par quartier",
           {c: i for c, i in IPRO_COLUMNS.items() if i.startswith(("demandeurs_emploi", "evolution_demandeurs"))},
           ("NOTE_PE",), "France Travail", relations="IPRO"),
    Family("caf", "Allocataires des caisses d'allocations familiales par quartier",
           {**{c: i for c, i in DEMO_COLUMNS.items() if not c.startswith(("TX_", "IND_", "POP_"))},
            **{c: REVN_COLUMNS[c] for c in _CAF_REVN}}, ("NOTE_CNAF",), "Caf", relations="DEMO"),
    Family("population", "Population des quartiers",
           {"POP": "pop_totale", **{c: i for c, i in DEMO_COLUMNS.items() if c.startswith(("TX_", "IND_", "POP_"))}},
           ("NOTE_RP",), "Recensement", estimated=frozenset({"POP"})),
    Family("scolarite", "Scolarité des élèves domiciliés par quartier",
           {"COLL": "collegiens", "COLL_REP": "collegiens_rep", "ELEV_6E": "eleves_6e",
            "ELEV_6E_RET": "eleves_6e_retard", "TX_RET_6E": "part_retard_6e", "TX_COLL_REP": "part_college_rep"},
           rates={"part_retard_6e": (("eleves_6e_retard",), ("eleves_6e",)),
                  "part_college_rep": (("collegiens_rep",), ("collegiens",))}),
    Family("brevet", "Résultats au diplôme national du brevet par quartier",
           {"DNB_PRES": "candidats_dnb", "DNB_ADM": "admis_dnb", "DNB_TX_REUSSITE": "taux_reussite_dnb"},
           rates={"taux_reussite_dnb": (("admis_dnb",), ("candidats_dnb",))}),
    Family("rpls", "Parc locatif social (RPLS) par quartier",
           {"LS": "logements_sociaux", "NB_LS": "logements_sociaux", "LS_VAC": "logements_sociaux_vacants",
            "TX_VAC": "taux_vacance_social", "LOYER_M2": "loyer_moyen_social"},
           rates={"taux_vacance_social": (("logements_sociaux_vacants",), ("logements_sociaux",))}),
)
KNOWN_STEMS = {stem for family in FAMILIES for stem in (*family.stems, *family.notes)}


@dataclass(frozen=True)
class Variable:
    column: str                 # as written in the file
    stem: str                   # upper case, without its year
    year: int


def parse_variable(name: str) -> Variable | None:
    """`DISP_MED_A18` → (DISP_MED, 2018); `DISP_TP6021` → (DISP_TP60, 2021) when the stem is known; else None."""
    upper = name.strip().upper()
    match = EXPLICIT.match(upper)
    if match is None:
        match = BARE.match(upper)
        if match is None or match["stem"] not in KNOWN_STEMS:
            return None
    return Variable(name, match["stem"], 2000 + int(match["yy"]))


def family_of(header: list[str]) -> Family | None:
    """The family whose stems the header uses most (at least two of them), or None."""
    stems = {v.stem for v in map(parse_variable, header) if v}
    scored = [(len(stems & set(f.stems)), -i, f) for i, f in enumerate(FAMILIES)]
    best = max(scored, key=lambda s: s[:2])
    return best[2] if best[0] >= 2 else None


def _code_column(header: list[str]) -> str | None:
    columns = {h.strip().upper(): h for h in header}
    return next((columns[c] for c in CODE_COLUMNS if c in columns), None)


def _row_kinds(codes: pd.Series, labels: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """(is_quartier, is_ensemble) for a column of codes (upper case, stripped)."""
    is_ensemble = codes.isin(ENSEMBLE_ROW_CODES)
    if labels is not None:
        is_ensemble |= labels.str.strip().str.lower().str.startswith("ensemble des q", na=False)
    is_quartier = (codes.str.match(QP2015_CODE.pattern) | codes.str.match(QP2024_CODE.pattern)).fillna(False)
    return is_quartier & ~is_ensemble, is_ensemble.fillna(False)


@dataclass
class SourceData:
    family: Family
    vintage: int
    observations: pd.DataFrame
    quartiers: pd.DataFrame
    indicators: list[str]
    recognised: list[Variable]
    unknown: list[str]
    ensemble_years: list[int]
    secondary: int = 0

    @property
    def source(self) -> str:
        return self.family.source(self.vintage)

    @property
    def label(self) -> str:
        """What was recognised, in French: the source, the years, the variables, what was left aside."""
        years = sorted({v.year for v in self.recognised})
        by_year = " ; ".join(f"{y} : {', '.join(v.stem for v in self.recognised if v.year == y)}" for y in years)
        text = (f"{self.source}, données {_years(years)} : {len(self.recognised)} variables reconnues "
                f"({by_year})")
        if self.ensemble_years:
            text += f" ; ligne « Ensemble » → ensemble des quartiers ({_years(self.ensemble_years)})"
        if self.unknown:
            text += (f" ; {len(self.unknown)} colonne(s) non reconnue(s), ignorée(s) : "
                     f"{', '.join(self.unknown)}")
        return text


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)


def _vintage(codes: pd.Series, is_quartier: pd.Series, name: str, title: str) -> int:
    if is_quartier.any():
        return 2024 if codes[is_quartier].str.startswith("QN").mean() > 0.5 else 2015
    text = f"{name} {title}".lower()
    if re.search(r"qpv?_?(20)?24", text):
        return 2024
    if re.search(r"qpv?_?(20)?15", text):
        return 2015
    raise DQError("Fichier de la seule ligne « Ensemble des quartiers » sans géographie connue (quartiers 2015 ou "
                  "2024) : gardez le nom que lui donne l'Insee (« …qp15… » ou « …qp24… »).")


@dataclass
class _Rows:
    """The rows of a file that are quartiers or the ensemble, and what they say about the geography."""
    codes: pd.Series                                # every row, upper case
    labels: pd.Series | None                        # LIBGEO when the file has it
    is_quartier: pd.Series
    keep: np.ndarray                                # quartier or ensemble rows
    territories: np.ndarray                         # of the kept rows (the ensemble's code for its row)
    vintage: int


def _rows(name: str, table: Table, code_column: str, columns: dict[str, str]) -> _Rows:
    frame = table.frame
    codes = frame[code_column].astype("string").str.strip().str.strip('"').str.upper()
    labels = next((frame[columns[c]].astype("string") for c in ("LIBGEO", "LIB_QP", "LIBQP") if c in columns), None)
    is_quartier, is_ensemble = _row_kinds(codes, labels)
    if not (is_quartier | is_ensemble).any():
        raise DQError("Aucune ligne de quartier (code QP… ou QN…) ni d'ensemble dans la colonne CODGEO.")
    vintage = _vintage(codes, is_quartier, name, table.title)
    keep = (is_quartier | is_ensemble).to_numpy()
    territories = codes.where(~is_ensemble, ENSEMBLE_CODES[vintage])[keep].to_numpy()
    return _Rows(codes, labels, is_quartier, keep, territories, vintage)


def _variables(table: Table, family: Family, code_column: str, columns: dict[str, str]
               ) -> tuple[list[Variable], list[Variable], list[str]]:
    """(the family's variables, its quality-note columns, the other columns, named for the report)."""
    variables = [v for v in map(parse_variable, table.header) if v]
    recognised = [v for v in variables if v.stem in family.stems]
    note_columns = [v for v in variables if v.stem in family.notes]
    note_columns += [Variable(columns[n], n, 0) for n in family.notes if n in columns]   # `note`: no year
    taken = {v.column for v in (*recognised, *note_columns)} | {code_column}
    unknown = [h for h in table.header if h not in taken and h.strip().upper() not in LABEL_COLUMNS]
    if not recognised:
        raise DQError("Aucune variable reconnue dans ce fichier.")
    return recognised, note_columns, unknown


def _quartiers(table: Table, rows: _Rows, columns: dict[str, str]) -> pd.DataFrame:
    is_quartier, count = rows.is_quartier, int(rows.is_quartier.sum())
    return pd.DataFrame({
        "code": rows.codes[is_quartier].to_numpy(),
        "name": (rows.labels[is_quartier].str.strip().replace("", None).to_numpy() if rows.labels is not None
                 else [None] * count),
        "vintage": rows.vintage,
        "commune_names": [split_multi(v) for v in table.frame.loc[is_quartier, columns["LIB_COM"]]]
        if "LIB_COM" in columns else [[] for _ in range(count)],
    })


def read_source(name: str, table: Table) -> SourceData:
    family = family_of(table.header)
    if family is None:
        raise NotRecognised("Aucune variable d'une base par source de l'Insee (suffixe d'année _A18, _A21…).")
    code_column = _code_column(table.header)
    if code_column is None:
        raise DQError("Colonne CODGEO (code du quartier) absente.")
    columns = {h.strip().upper(): h for h in table.header}
    rows = _rows(name, table, code_column, columns)
    recognised, note_columns, unknown = _variables(table, family, code_column, columns)
    kept = table.frame[rows.keep].reset_index(drop=True)
    quartier_rows = rows.is_quartier[rows.keep].to_numpy()
    parts, secondary, ensemble_years = [], 0, []
    for year in sorted({v.year for v in recognised}):
        notes = _notes(kept, [n for n in note_columns if n.year in (year, 0)], family)
        obs, hidden = _year_observations(kept, [v for v in recognised if v.year == year], rows.territories,
                                         quartier_rows, notes, family, year)
        parts.append(obs)
        secondary += hidden
        if (obs["territory"] == ENSEMBLE_CODES[rows.vintage]).any():
            ensemble_years.append(year)
    observations = pd.concat(parts, ignore_index=True)
    observations["source"] = family.source(rows.vintage)
    observations["edition"] = observations["period"]      # INSEE names these files by their data year
    indicators = sorted(observations["indicator"].unique())
    return SourceData(family, rows.vintage, observations[OBSERVATION_COLUMNS], _quartiers(table, rows, columns),
                      indicators, recognised, unknown, ensemble_years, secondary)


def _notes(rows: pd.DataFrame, note_columns: list[Variable], family: Family) -> np.ndarray:
    """Per row, the producer's quality note when it is not 0 (None otherwise)."""
    out = pd.Series([None] * len(rows), dtype=object)
    for variable in note_columns:
        text = rows[variable.column].astype("string").str.strip()
        keep = (text.notna() & (text != "") & (text != "0")).fillna(False).to_numpy(dtype=bool) & out.isna().to_numpy()
        out[keep] = (f"Indicateur de qualité « {family.producer_note} » de l'Insee : " + text[keep]
                     + " (0 = pas de réserve ; voir la documentation du fichier).").to_numpy(dtype=object)
    return out.to_numpy(dtype=object)


def _year_observations(rows: pd.DataFrame, variables: list[Variable], territories: np.ndarray,
                       quartier_rows: np.ndarray, notes: np.ndarray, family: Family, year: int
                       ) -> tuple[pd.DataFrame, int]:
    """One data year of the file: INSEE blanks kept as the producer's, the app's own secret added on counts."""
    by_stem: dict[str, str] = {}                      # two columns for one indicator: the first one
    for v in variables:
        if family.stems[v.stem] not in {family.stems[s] for s in by_stem}:
            by_stem[v.stem] = v.column
    stems = list(by_stem)
    # One pass of the French-number parser over every cell of the year (not one a column).
    cells = pd.concat([rows[by_stem[s]].astype("string") for s in stems], ignore_index=True)
    parsed = numbers(cells).to_numpy().reshape(len(stems), len(rows)).T
    values = pd.DataFrame(parsed, index=territories, columns=stems)
    mapping = {s: family.stems[s] for s in stems}
    empty = values.isna() & quartier_rows[:, None]
    secret = empty.copy()
    _primary(values, secret, mapping, quartier_rows)
    primary = secret & ~empty
    if family.relations:
        _secondary(values, secret, family.relations, quartier_rows)
    added = secret & ~empty & ~primary
    values = values.mask(secret)
    reasons = np.where(added, flags.NOTE_SECONDARY, np.where(primary, flags.NOTE_BELOW_THRESHOLD,
                                                             flags.NOTE_PRODUCER_BLANK))
    parts = []
    for j, stem in enumerate(stems):
        value, hidden = values[stem].to_numpy(), secret[stem].to_numpy()
        present = ~np.isnan(value) | hidden
        note = np.where(hidden, reasons[:, j], notes)
        parts.append(pd.DataFrame({
            "territory": territories[present], "indicator": mapping[stem], "period": str(year),
            "period_start": date(year, 1, 1), "value": value[present], "numerator": np.nan,
            "denominator": np.nan, "is_secret": hidden[present], "is_provisional": False,
            "is_estimated": stem in family.estimated, "is_break": False, "note": note[present],
            "edition": str(year), "source": None}))
    parts.append(_computed(values, secret, empty, mapping, family, year))
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True)[OBSERVATION_COLUMNS], int(added.to_numpy().sum())


def _computed(values, secret, empty, mapping, family: Family, year: int) -> pd.DataFrame:
    """Totals and shares computed from the published counts when the file does not give them (the
    catalogue's sums and rates, then the family's), all at the file's year."""
    return derived(values, secret, empty, mapping, {**DERIVED_RATES, **family.rates},
                   lambda _inputs: (str(year), None))


def _looks_like_source(table: Table) -> bool:
    if _code_column(table.header) is None or family_of(table.header) is None:
        return False
    codes = table.frame[_code_column(table.header)].astype("string").str.strip().str.strip('"').str.upper()
    codes = codes[codes.notna() & (codes != "")]
    is_quartier, is_ensemble = _row_kinds(codes, None)
    return bool(len(codes)) and bool((is_quartier | is_ensemble).all())


def _recognise(sample: Sample) -> bool:
    """A code column of quartiers (or the ensemble row alone) and year-suffixed variables of one source."""
    return any(_looks_like_source(t) for t in sample.head_tables)


def _read(sample: Sample) -> Reading:
    table = next((t for t in sample.tables if _looks_like_source(t)), None)
    if table is None:
        raise NotRecognised("Aucune base par source de l'Insee dans ce fichier.")
    data = read_source(sample.source.name, table)
    return Reading(data.label, quartiers=data.quartiers, observations=data.observations,
                   indicators=data.indicators, secondary=data.secondary)


def companion_message(header: list[str]) -> str | None:
    """INSEE's `meta_…` file next to a base (COD_VAR;LIB_VAR;COD_MOD;LIB_MOD): said, not imported."""
    if META_HEADER <= {h.strip().upper() for h in header}:
        return ("Fichier de métadonnées de l'Insee (libellés des variables et des quartiers) : rien à importer, "
                "les libellés viennent du catalogue de l'application ; importez le fichier de données qui "
                "l'accompagne.")
    return None


KIND = FileKind("insee_par_source", "base par source de l'Insee par quartier (Filosofi, QPV 2024…)",
                _recognise, _read)
