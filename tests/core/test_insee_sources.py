"""INSEE's "Données par source" bases per quartier: Filosofi QPV files in both namings, the QPV 2024 bases.

Unit tests use small files written here in the producers' layouts; the test against the real Filosofi
files reads their raw cells itself and is skipped when the shared data is absent.
"""

from __future__ import annotations

import csv
import io

import pytest

from dq_core.errors import DQError
from dq_core.files.kinds import Sample, recognise, why_not_recognised
from dq_core.files.kinds import insee_sources as sources
from dq_core.files.kinds.insee_catalogue import OFFICIAL_BY_ID, THEME_COLUMNS
from dq_core.files.official import import_sources
from dq_core.files.read.numbers import parse_number
from dq_core.files.read.source import FileSource
from dq_core.files.read.tables import read_csv_text
from dq_core.files.read.text import decode
from dq_core.flags import NOTE_BELOW_THRESHOLD, NOTE_PRODUCER_BLANK, NOTE_SECONDARY
from dq_core.store import db
from tests.official_fixtures import OFFICIAL, thematic_xlsx

PAR_SOURCE = OFFICIAL / "insee_references" / "filosofi_qp_par_source"
NNBSP = "\u202f"


def source_csv(header: str, *rows: str, bom: bool = True) -> bytes:
    """INSEE's layout: `;`, decimal comma, U+202F thousands, CRLF, UTF-8 (with BOM for the newer files)."""
    return (("\ufeff" if bom else "") + "\r\n".join((header, *rows)) + "\r\n").encode("utf-8")


# `revenu-disponible-qp24-2021_QP.csv` (page 8243167): QPV 2024 codes, `_A21` suffixes, a quality note.
FILO24_HEADER = "CODGEO;DISP_MED_A21;DISP_TP60_A21;DISP_PPSOC_A21;DISP_D1_A21;DISP_D9_A21;DISP_RD_A21;DISP_NOTE_A21"
FILO24 = source_csv(FILO24_HEADER, f"QN04413M;13{NNBSP}900;44,8;27,0;8{NNBSP}600;23{NNBSP}500;2,7;0",
                    f"QN03502M;14{NNBSP}200;41,3;25,1;8{NNBSP}900;24{NNBSP}100;2,7;1",
                    "QN04414M;;;;;;;0")
FILO24_ENSEMBLE = source_csv("CODGEO;LIBGEO;DISP_MED_A21;DISP_TP60_A21",
                             f"00;Ensemble des quartiers prioritaires;14{NNBSP}500;43,0")
FILO24_META = source_csv("COD_VAR;LIB_VAR;COD_MOD;LIB_MOD", "CODGEO;Code géographique;QN04413M;Malakoff",
                         "DISP_MED_A21;Médiane du revenu disponible par UC (€);;")
# A QPV 2024 job-seekers base (page 8644871) in the variable naming of INSEE's QPV bases, year-suffixed.
DEFM_HEADER = ("CODGEO;LIBGEO;ABCDE_A24;ABC_A24;ABC_F_A24;ABC_H_A24;A_A24;ABC_25_A24;ABC_DUR3_A24;ABC_DUR4_A24;"
               "ABC_QPVX_A24")
DEFM_2024 = source_csv(DEFM_HEADER, "QN04413M;Malakoff;700;610;300;310;420;90;80;120;7",
                       "QN03502M;Villejean;500;400;3;397;250;60;40;100;2")


def _read(data: bytes, name: str = "fichier.csv") -> sources.SourceData:
    return sources.read_source(name, read_csv_text(decode(data)))


def _value(data: sources.SourceData, territory: str, indicator: str, period: str):
    obs = data.observations
    row = obs[(obs.territory == territory) & (obs.indicator == indicator) & (obs.period == period)]
    assert len(row) == 1, (territory, indicator, period)
    return row.iloc[0]


def test_variable_names_give_stem_and_data_year():
    assert sources.parse_variable("DISP_MED_A18") == sources.Variable("DISP_MED_A18", "DISP_MED", 2018)
    assert sources.parse_variable("tp60_a16").stem == "TP60"
    assert sources.parse_variable("DISP_TP6021") == sources.Variable("DISP_TP6021", "DISP_TP60", 2021)
    assert sources.parse_variable("ABC_25_A24").stem == "ABC_25"
    # Without `_A`, only a known stem is split (ENF_11_14 is not the year 2014 of `ENF_11_`).
    assert sources.parse_variable("ENF_11_14") is None and sources.parse_variable("LIBGEO") is None


def test_filosofi_stems_meet_the_thematic_revn_series():
    revn = THEME_COLUMNS["REVN"]
    assert sources.FILOSOFI_STEMS["DISP_MED"] == sources.FILOSOFI_STEMS["DISP_Q2"] == revn["DISP_Q2"]
    assert sources.FILOSOFI_STEMS["DISP_TP60"] == sources.FILOSOFI_STEMS["TP60"] == revn["TP60"]
    assert sources.FILOSOFI_STEMS["DISP_RD"] == revn["DISP_D1D9"]
    assert sources.FILOSOFI_STEMS["DISP_PPSOC"] == revn["PPSOC"]
    every_id = {i for family in sources.FAMILIES for i in (*family.stems.values(), *family.rates)}
    assert every_id <= set(OFFICIAL_BY_ID), every_id - set(OFFICIAL_BY_ID)


def test_qpv_2024_filosofi_base_at_its_data_year_with_blanks_and_notes():
    data = _read(FILO24, "revenu-disponible-qp24-2021_QP.csv")
    assert data.family.name == "filosofi" and data.vintage == 2024
    assert data.source == ("Insee, Revenus, pauvreté et niveau de vie par quartier, données par source "
                           "(géographie 2024)")
    median = _value(data, "QN04413M", "revenu_median_uc", "2021")
    assert median.value == 13900 and median.edition == "2021" and not median.is_secret
    assert _value(data, "QN04413M", "rapport_interdecile", "2021").value == 2.7
    blank = _value(data, "QN04414M", "taux_pauvrete", "2021")
    assert blank.is_secret and blank.note == NOTE_PRODUCER_BLANK and blank.value != blank.value
    assert "Indicateur de qualité « Filosofi »" in _value(data, "QN03502M", "taux_pauvrete", "2021").note
    assert set(data.quartiers["vintage"]) == {2024} and len(data.quartiers) == 3
    assert "données 2021 : 6 variables reconnues (2021 : DISP_MED, DISP_TP60" in data.label


def test_ensemble_file_goes_to_the_2024_ensemble_and_needs_its_geography():
    data = _read(FILO24_ENSEMBLE, "revenu-disponible-qp24-2021_ENSQP.csv")
    assert _value(data, "ENSQP2024", "taux_pauvrete", "2021").value == 43.0
    assert data.quartiers.empty and "ligne « Ensemble » → ensemble des quartiers (2021)" in data.label
    with pytest.raises(DQError, match="sans géographie connue"):
        _read(FILO24_ENSEMBLE, "ensemble.csv")


def test_a_qpv_2024_download_imports_data_and_ensemble_and_says_why_the_meta_file_is_left(tmp_path):
    con = db.connect(tmp_path / "qp24.duckdb")
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
    report = import_sources(cur, [
        FileSource("revenus_pauvrete_2021_qp24/revenu-disponible-qp24-2021_QP.csv", data=FILO24),
        FileSource("revenus_pauvrete_2021_qp24/revenu-disponible-qp24-2021_ENSQP.csv", data=FILO24_ENSEMBLE),
        FileSource("revenus_pauvrete_2021_qp24/meta_indic-revenu-disponible-qp24-2021_QP.csv", data=FILO24_META)])
    assert [o.status for o in report.outcomes] == ["imported", "imported", "ignored"]
    assert "3 quartiers, 6 indicateurs" in report.outcomes[0].message
    assert "métadonnées" in report.outcomes[2].message
    assert cur.execute("SELECT level, vintage FROM territory WHERE code = 'ENSQP2024'").fetchone() == ("ensemble", 2024)
    assert cur.execute("SELECT value FROM observation WHERE territory = 'ENSQP2024' AND indicator = 'taux_pauvrete' "
                       "AND period = '2021'").fetchone() == (43.0,)
    assert cur.execute("SELECT count(*) FROM territory WHERE level = 'quartier' AND vintage = 2024").fetchone() == (3,)
    con.close()


def test_meta_companion_file_is_said_not_imported():
    sample = Sample(FileSource("meta_indic-revenu-disponible-qp24-2021_QP.csv", data=FILO24_META))
    assert recognise(sample) is None and "métadonnées de l'Insee" in why_not_recognised(sample)


def test_job_seekers_2024_ids_secrets_derived_rates_and_unknown_variables():
    data = _read(DEFM_2024)
    assert data.family.name == "demandeurs_emploi"
    assert _value(data, "QN04413M", "demandeurs_emploi_a", "2024").value == 420      # `A` = category A here
    assert _value(data, "QN04413M", "part_de_longue_duree", "2024").value == round(100 * 200 / 610, 1)
    small = _value(data, "QN03502M", "demandeurs_emploi_abc_femmes", "2024")
    assert small.is_secret and small.note == NOTE_BELOW_THRESHOLD          # 3 < 5: the app's own secret
    partner = _value(data, "QN03502M", "demandeurs_emploi_abc_hommes", "2024")
    assert partner.is_secret and partner.note == NOTE_SECONDARY             # ABC − F would give it back
    assert data.unknown == ["ABC_QPVX_A24"] and "ignorée(s) : ABC_QPVX_A24" in data.label
    assert set(data.observations["source"]) == {
        "Insee, Demandeurs d'emploi inscrits à France Travail par quartier, données par source (géographie 2024)"}


def test_a_new_millesime_loads_without_code_change():
    data = _read(DEFM_2024.replace(b"_A24", b"_A25"))
    assert set(data.observations["period"]) == {"2025"} and "données 2025" in data.label


def test_two_years_in_one_file_and_the_excel_download():
    data = _read(source_csv("CODGEO;LIBGEO;ABC_A23;ABC_A24;ABCDE_A24", "QN04413M;Malakoff;590;610;700"))
    assert _value(data, "QN04413M", "demandeurs_emploi_abc", "2023").value == 590
    assert _value(data, "QN04413M", "demandeurs_emploi_abc", "2024").edition == "2024"
    assert "données 2023, 2024 : 3 variables reconnues (2023 : ABC ; 2024 : ABC, ABCDE)" in data.label
    assert data.quartiers["name"].tolist() == ["Malakoff"]
    workbook = thematic_xlsx(FILO24, title="Revenus, pauvreté et niveau de vie en 2021 - QPV 2024")
    sample = Sample(FileSource("classeur.xlsx", data=workbook))
    assert recognise(sample) is sources.KIND
    obs = sources.KIND.read(sample).observations
    assert obs[(obs.territory == "QN04413M") & (obs.indicator == "taux_pauvrete")]["value"].tolist() == [44.8]


@pytest.mark.parametrize(("header", "row", "family", "expected"), [
    ("CODGEO;A_A24;PERCOU_A24;AM_A24;ARSAS_A24;APPA_A24", "QN04413M;1301;2995;260;336;456", "caf",
     {"allocataires_caf": 1301, "allocataires_rsa_socle": 336}),
    ("CODGEO;POP_MUN_A21;TX_F_A21;IND_JEUNE_A21", "QN04413M;3486;51,1;2,0", "population",
     {"pop_totale": 3486, "part_femmes": 51.1}),
    ("CODGEO;COLL_A24;COLL_REP_A24;ELEV_6E_A24;ELEV_6E_RET_A24", "QN04413M;210;180;52;13", "scolarite",
     {"collegiens": 210, "part_retard_6e": 25.0, "part_college_rep": round(100 * 180 / 210, 1)}),
    ("CODGEO;DNB_PRES_A25;DNB_ADM_A25", "QN04413M;48;36", "brevet", {"taux_reussite_dnb": 75.0}),
    ("CODGEO;NB_LS_A25;LS_VAC_A25;LOYER_M2_A25", "QN04413M;2100;63;5,9", "rpls",
     {"logements_sociaux": 2100, "taux_vacance_social": 3.0, "loyer_moyen_social": 5.9}),
])
def test_each_2024_base_maps_its_stems(header, row, family, expected):
    data = _read(source_csv(header, row))
    assert data.family.name == family
    period = str(data.recognised[0].year)
    for indicator, value in expected.items():
        assert _value(data, "QN04413M", indicator, period).value == value


def test_estimated_population_is_flagged():
    data = _read(source_csv("CODGEO;POP_A22;TX_TOT_0A24_A22", "QN04413M;3510;39,0"))
    assert _value(data, "QN04413M", "pop_totale", "2022").is_estimated
    assert not _value(data, "QN04413M", "part_moins_25", "2022").is_estimated


def test_commune_files_with_year_suffixes_are_not_taken_for_quartiers():
    """Filosofi's commune files (another kind) also carry year suffixes: their codes are no quartiers."""
    commune = source_csv("CODGEO;LIBGEO;DISP_MED_A19;DISP_TP60_A19", "44109;Nantes;22 000;16,0")
    assert not sources.KIND.recognise(Sample(FileSource("x.csv", data=commune)))


# --- the real files -------------------------------------------------------------------------------

QUARTIERS = ("QP044013", "QP035002", "QP006009", "QP025002")   # Malakoff, Villejean, and two with blanks
RAW_TO_ID = {"DISP_Q2": "revenu_median_uc", "DISP_MED": "revenu_median_uc", "TP60": "taux_pauvrete",
             "DISP_TP60": "taux_pauvrete", "DISP_PPFAM": "part_prestations_familiales",
             "DISP_D1D9": "rapport_interdecile", "DISP_RD": "rapport_interdecile"}


def _raw_cells(path) -> dict[tuple[str, str, str], str]:
    """(code, indicator, year) → the raw cell, read with the csv module from the file itself."""
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = [h.upper() for h in next(reader)]
    out = {}
    for row in reader:
        if row and (row[0] in QUARTIERS or row[0] == "Ensemble"):
            for name, cell in zip(header[1:], row[1:], strict=True):
                stem, _, year = name.rpartition("_A")
                if stem in RAW_TO_ID:
                    out[(row[0], RAW_TO_ID[stem], "20" + year)] = cell
    return out


def test_real_par_source_files_read_back_at_their_data_year(tmp_path):
    # One file of each naming: 2016 (`disp_q2_a16`, `tp60_a16`, `note`), 2018 (`DISP_MED_A18`, U+202F).
    files = [PAR_SOURCE / f"data_filo{yy}_qp_revdis.csv" for yy in (16, 18)]
    if not all(p.is_file() for p in files):
        pytest.skip(f"Filosofi par-source files absent ({PAR_SOURCE})")
    con = db.connect(tmp_path / "real.duckdb")
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
    # Under other names: recognised by their content.
    report = import_sources(cur, [FileSource(f"f{i}.csv", data=p.read_bytes()) for i, p in enumerate(files)])
    assert [o.status for o in report.outcomes] == ["imported"] * 2, [o.message for o in report.outcomes]
    checked = 0
    for path in files:
        for (code, indicator, year), cell in _raw_cells(path).items():
            territory = "ENSQP2015" if code == "Ensemble" else code
            row = cur.execute("SELECT value, is_secret, note, source FROM observation WHERE territory = ? "
                              "AND indicator = ? AND period = ?", [territory, indicator, year]).fetchone()
            expected = parse_number(cell)
            if expected is None:
                assert row[1] and row[2] == NOTE_PRODUCER_BLANK, (code, indicator, year)
            else:
                assert row[0] == pytest.approx(expected) and not row[1], (code, indicator, year, cell)
            assert row[3].endswith("données par source (géographie 2015)")
            checked += 1
    assert checked == 2 * 5 * 4            # 2 files × (4 quartiers + Ensemble) × 4 variables
    periods = {r[0] for r in cur.execute("SELECT DISTINCT period FROM observation WHERE indicator = "
                                         "'revenu_median_uc'").fetchall()}
    assert periods == {"2016", "2018"}
    con.close()
