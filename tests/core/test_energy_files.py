"""Energy files through the one way in: Enedis per address → quartier totals with coverage and secrecy, degree
days from daily temperatures and from the « Export DJU » block, residence files through the Importer; each
import one batch, undone exactly (what it replaced comes back)."""

from __future__ import annotations

import shutil
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dq_core.addresses.index import index_files
from dq_core.errors import DQError
from dq_core.files import ImportOptions, check_file, import_file, undo_import
from dq_core.files.kinds import dju_export, enedis_addresses, meteofrance, odre_temperatures
from dq_core.files.kinds.base import Sample
from dq_core.files.official import import_sources
from dq_core.files.partner.residence_template import build_residence_template
from dq_core.files.read.source import FileSource
from dq_core.files.status import FileStatus, ImportStatus
from dq_core.store import db
from tests.addresses_fixtures import ban_gz
from tests.core.test_import_refusals import database_checksum
from tests.energy_file_fixtures import (
    daily_csv,
    dju_export_csv,
    enedis_csv,
    mensq_csv,
    month_days,
    odre_csv,
    residence_rows,
    residences_csv,
    shared_file,
)
from tests.factories import build_tiny_workspace, insert_observations


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny workspace, bare and with its address base indexed: built once, copied for each test."""
    folder = tmp_path_factory.mktemp("energy")
    bare = build_tiny_workspace(folder / "bare.duckdb", demo=False)
    shutil.copy(bare, folder / "indexed.duckdb")
    con = db.connect(folder / "indexed.duckdb")
    report = index_files(con.cursor(), [FileSource.from_bytes("adresses-99.csv.gz", ban_gz())])
    assert report.outcomes[0].status == FileStatus.IMPORTED
    con.close()
    return folder


def _open(built, name: str, tmp_path):
    shutil.copy(built / name, tmp_path / name)
    return db.connect(tmp_path / name)


@pytest.fixture
def workspace(built, tmp_path):
    con = _open(built, "bare.duckdb", tmp_path)
    yield con.cursor()
    con.close()


@pytest.fixture
def indexed(built, tmp_path):
    con = _open(built, "indexed.duckdb", tmp_path)
    yield con.cursor()
    con.close()


def _import(cur, name: str, data: bytes):
    return import_sources(cur, [FileSource(name, data=data)]).outcomes[0]


def _observations(cur, indicator: str) -> pd.DataFrame:
    return cur.execute("SELECT * FROM observation WHERE indicator = ? ORDER BY territory", [indicator]).df()


# --- Enedis per address -----------------------------------------------------------------------------

def test_enedis_addresses_become_quartier_totals_and_the_report_says_what_was_set_aside(indexed):
    outcome = _import(indexed, "conso.csv", enedis_csv())
    assert outcome.status == FileStatus.IMPORTED, outcome.message
    assert "6 adresses, 4 localisées, 3 en quartier prioritaire ; 2 quartiers" in outcome.message
    assert "1 adresse introuvable" in outcome.message and "département 29" in outcome.message
    rows = _observations(indexed, "conso_elec_adresse_logement").set_index("territory")
    # Les Tilleuls: 1 and 3 rue de la Paix (20 + 30 dwellings, 40 + 45 MWh); 4 rue de la Paix lies outside.
    assert rows.loc["QNX0101M", "value"] == pytest.approx(85 / 50)
    assert (rows.loc["QNX0101M", "numerator"], rows.loc["QNX0101M", "denominator"]) == (85, 50)
    assert rows.loc["QNX0102I", "value"] == pytest.approx(2.0) and rows.loc["QNX0101M", "period"] == "2019"
    assert rows["source"].str.contains("Enedis").all() and not rows["is_secret"].any()
    commune = _observations(indexed, "conso_elec_logement").set_index("territory")
    assert commune.loc["X0101", "value"] == 3.1 and "29019" not in commune.index   # Brest: not in the workspace


def test_enedis_coverage_is_against_the_quartier_households_and_small_totals_are_secret(indexed):
    insert_observations(indexed, [{"territory": "QNX0101M", "indicator": "part_menages_1pers", "period": "2020",
                                   "period_start": date(2020, 1, 1), "value": 40.0, "numerator": 80.0,
                                   "denominator": 200.0, "is_secret": False}], 1)
    indexed.execute("INSERT INTO indicator SELECT * REPLACE ('part_menages_1pers' AS id, 'Part des ménages d''une "
                    "personne' AS label, 'ménages' AS denominator_label) FROM indicator WHERE id = 'taux_pauvrete'")
    with db.transaction(indexed):
        db.set_meta(indexed, enedis_addresses.SECRET_META, "20")
    outcome = _import(indexed, "conso.csv", enedis_csv())
    assert "1 quartier sous le secret (moins de 20 logements)" in outcome.message, outcome.message
    coverage = _observations(indexed, "couverture_conso_elec_adresse").set_index("territory")
    assert coverage.loc["QNX0101M", "value"] == pytest.approx(100 * 50 / 200)
    assert "Part des ménages d'une personne" in coverage.loc["QNX0101M", "note"]
    plateau = _observations(indexed, "conso_elec_adresse_logement").set_index("territory").loc["QNX0102I"]
    assert plateau["is_secret"] and pd.isna(plateau["value"]) and pd.isna(plateau["numerator"])   # 15 dwellings


def test_enedis_without_the_address_base_is_refused_naming_the_departements(workspace):
    before = database_checksum(workspace)
    outcome = _import(workspace, "conso.csv", enedis_csv(ENEDIS_BREST))
    assert outcome.status == FileStatus.FAILED and "département 29" in outcome.message
    assert "Base Adresse Nationale" in outcome.message and database_checksum(workspace) == before


ENEDIS_BREST = [(4, "", "RUE", "ALAIN LE GRAND", "29019", 20, 29.436)]


def test_enedis_import_is_undone_exactly(indexed):
    _import(indexed, "conso.csv", enedis_csv())
    batch = indexed.execute("SELECT max(id) FROM import_batch").fetchone()[0]
    undo_import(indexed, batch)
    assert _observations(indexed, "conso_elec_adresse_logement").empty


def test_real_enedis_extract_is_read_and_refused_without_its_address_base(workspace):
    path = shared_file("enedis_conso_adresse", "enedis_conso_adresse_bretagne_pdl_EXTRACT.csv")
    reading = enedis_addresses.KIND.read(Sample(FileSource.from_path(path)))
    assert len(reading.to_locate) == 809 and reading.to_locate["dwellings"].min() >= 10
    outcome = import_sources(workspace, [FileSource.from_path(path)]).outcomes[0]
    assert outcome.status == FileStatus.FAILED and "départements 22, 29, 35, 44" in outcome.message


# --- degree days ---------------------------------------------------------------------------------------

def _odre(mean: float, skip_feb: int = 2) -> bytes:
    days = {d: mean for d in month_days(2020, 1)} | {d: mean for d in month_days(2020, 2, skip=skip_feb)}
    return odre_csv({("53", "Bretagne"): days, ("52", "Pays de la Loire"): {d: 20.0 for d in month_days(2020, 1)}})


def test_daily_temperatures_give_monthly_degree_days_and_flag_incomplete_months(workspace):
    outcome = _import(workspace, "temperatures.csv", _odre(8.0))
    assert outcome.status == FileStatus.IMPORTED, outcome.message
    assert "1 mois incomplet" in outcome.message
    rows = workspace.execute("SELECT zone, month, dju, days_observed, days_in_month, method FROM degree_days "
                             "ORDER BY zone, month").fetchall()
    assert rows == [("REG52", date(2020, 1, 1), 0.0, 31, 31, "meteo"),       # 20 °C: no heating
                    ("REG53", date(2020, 1, 1), 310.0, 31, 31, "meteo"),     # 31 days × (18 − 8)
                    ("REG53", date(2020, 2, 1), 270.0, 27, 29, "meteo")]     # 2 days missing: flagged


def test_a_newer_degree_day_file_replaces_and_undo_puts_the_old_months_back(workspace):
    _import(workspace, "t1.csv", _odre(8.0))
    second = _import(workspace, "t2.csv", _odre(10.0, skip_feb=0))
    assert "lignes déjà enregistrées remplacées" in second.message
    assert workspace.execute("SELECT dju FROM degree_days WHERE zone = 'REG53' AND month = '2020-02-01'").fetchone()[0] == 232
    first_batch, second_batch = (r[0] for r in workspace.execute("SELECT id FROM import_batch ORDER BY id DESC "
                                                                 "LIMIT 2").fetchall()[::-1])
    with pytest.raises(DQError, match="annulez d'abord"):
        undo_import(workspace, first_batch)
    undo_import(workspace, second_batch)
    assert workspace.execute("SELECT dju, days_observed FROM degree_days WHERE zone = 'REG53' AND month = '2020-02-01'"
                             ).fetchone() == (270.0, 27)
    assert workspace.execute("SELECT count(*) FROM replaced_degree_days").fetchone()[0] == 0


def test_real_odre_extract_matches_the_derived_monthly_series():
    path = shared_file("odre_temperature_regionale", "temperature-quotidienne-regionale_bretagne_pdl_EXTRACT.csv")
    derived = pd.read_csv(shared_file("dju_derived_regional", "DERIVED_dju_mensuel_base18_bretagne_pdl.csv"),
                          sep=";", dtype=str)
    monthly = odre_temperatures.KIND.read(Sample(FileSource.from_path(path))).degree_days
    derived["month"] = pd.to_datetime(derived["annee"] + "-" + derived["mois"] + "-01").dt.date
    derived["zone"] = "REG" + derived["code_region"]
    both = monthly.merge(derived, on=["zone", "month"])
    assert len(both) == len(monthly) == len(derived)
    assert (both["dju"] - both["dju_chauffage_base18_methode_meteo"].astype(float)).abs().max() <= 0.11
    assert (both["days_observed"] == both["nb_jours_observes"].astype(int)).all()


def test_export_dju_is_cut_at_its_end_date_with_decimal_commas_and_us_dates():
    reading = dju_export.KIND.read(Sample(FileSource("export.csv", data=dju_export_csv())))
    frame = reading.degree_days.set_index("month")
    assert len(frame) == 18 and frame.index.max() == date(2021, 6, 1)          # not the zeros of July–December
    assert frame.loc[date(2021, 1, 1), "dju"] == 396.7 and frame.loc[date(2020, 1, 1), "dju"] == 339
    assert frame.loc[date(2021, 6, 1), "days_observed"] == 15 and frame["zone"].eq("RENNES-ST JACQUES").all()
    assert "15/06/2021" in reading.detail


@pytest.mark.parametrize("changes, words", [({"usage": "Climatisation"}, "climatisation"),
                                            ({"base": "16°C"}, "base 18 °C")])
def test_export_dju_of_another_usage_or_base_is_refused(changes, words):
    with pytest.raises(DQError, match=words):
        dju_export.KIND.read(Sample(FileSource("export.csv", data=dju_export_csv(**changes))))


@pytest.mark.parametrize("name", ["dju_paris_montsouris.xlsx", "dju_paris_montsouris_chauffage_2009_2021.csv"])
def test_real_export_dju_files_are_imported_alike(name, workspace):
    source = FileSource.from_path(shared_file("dju_cegibat_export", name))
    frame = dju_export.KIND.read(Sample(source)).degree_days.set_index("month")
    assert len(frame) == 150 and frame.loc[date(2019, 1, 1), "dju"] == 404.9
    assert frame.loc[[m for m in frame.index if m.year == 2020], "dju"].sum() == pytest.approx(1785.9, abs=0.5)
    outcome = import_sources(workspace, [source]).outcomes[0]
    assert outcome.status == FileStatus.IMPORTED and outcome.rows == 150, outcome.message


def test_meteo_france_daily_uses_the_mean_of_tn_and_tx_and_monthly_mensq_is_refused(workspace):
    days = {d: (2.0, 10.0) for d in month_days(2020, 1)}
    reading = meteofrance.DAILY.read(Sample(FileSource("q.csv", data=daily_csv(days))))
    row = reading.degree_days.iloc[0]
    assert (row["zone"], row["dju"], row["days_observed"]) == ("35281001", 31 * 12.0, 31)   # not TM (6.3 °C)
    before = database_checksum(workspace)
    outcome = _import(workspace, "MENSQ_35.csv", mensq_csv())
    assert outcome.status == FileStatus.FAILED and "Q_<département>" in outcome.message
    assert database_checksum(workspace) == before


def test_real_mensq_file_is_refused_with_the_reason():
    sample = Sample(FileSource.from_path(shared_file("meteofrance_mensq", "MENSQ_92_previous-1950-2024.csv")))
    assert meteofrance.MONTHLY.recognise(sample)
    with pytest.raises(DQError, match="température de chaque jour"):
        meteofrance.MONTHLY.read(sample)


# --- residences ------------------------------------------------------------------------------------------

def _residences(*rows: str) -> FileSource:
    return FileSource("releves.csv", data=residences_csv(*rows))


def test_residences_are_placed_by_code_point_or_address_and_their_address_is_not_kept(indexed):
    rows = (residence_rows("R1") + residence_rows("R2", where="3 rue de la Paix;99001;Villeneuve-Test;;;",
                                                  energy="gaz", heating="gaz individuel")
            + residence_rows("R3", where=";;;46,02;-5,28;", dwellings=8, heating="collectif", dpe="")
            + residence_rows("R4", where="4 rue de la Paix;99001;Villeneuve-Test;;;", months=[1]))
    report = import_file(indexed, _residences(*rows), ImportOptions(partner="Habitat Test"))
    assert report.status == ImportStatus.IMPORTED, report.text()
    assert "4 résidences (1 bailleur, 128 logements) dans 2 quartiers" in report.summary()
    assert "1 résidence de moins de 10 logements" in report.summary()
    assert any(p.kind == "hors_quartier" for p in report.warnings)
    placed = dict(indexed.execute("SELECT id, quartier FROM residence").fetchall())
    assert placed == {"R1": "QNX0101M", "R2": "QNX0101M", "R3": "QNX0102I", "R4": None}
    assert indexed.execute("SELECT heating, dpe, commune FROM residence WHERE id = 'R3'").fetchone() == (
        "collectif", None, "X0101")
    assert indexed.execute("SELECT count(*), sum(kwh) FROM energy_use WHERE residence = 'R1'").fetchone() == (
        12, sum(9000 - 400 * m for m in range(1, 13)))
    columns = {r[0] for r in indexed.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_name = 'residence'").fetchall()}
    assert not columns & {"address", "adresse", "lat", "lon"}
    assert indexed.execute("SELECT partner FROM import_batch WHERE id = ?", [report.batch_id]).fetchone()[0] == "Habitat Test"


def test_a_residence_file_is_refused_with_each_problem_and_nothing_stored(indexed):
    before = database_checksum(indexed)
    rows = (residence_rows("R9", dwellings=1, months=[1]) + residence_rows("R8", heating="bois", months=[1])
            + ["R7;x;;;;;;;QZZ9999Z;10;gaz;Z;fioul;2023-13;-5;;"])
    report = import_file(indexed, _residences(*rows), ImportOptions(mode="replace"))
    kinds = {p.kind: p for p in report.errors}
    assert report.status == ImportStatus.REFUSED and database_checksum(indexed) == before
    assert {"logement_individuel", "chauffage_inconnu", "dpe_inconnu", "energie_inconnue", "periode_illisible",
            "kwh_negatif", "quartier_inconnu"} <= set(kinds)
    assert kinds["chauffage_inconnu"].lines == (3,) and kinds["chauffage_inconnu"].value == "bois"


def test_residence_readings_already_stored_ask_to_replace_or_keep_and_undo_restores(indexed):
    first = import_file(indexed, _residences(*residence_rows("R1")), ImportOptions())
    again = _residences(*residence_rows("R1", kwh=lambda m: 100))
    assert import_file(indexed, again, ImportOptions()).status == ImportStatus.NEEDS_CHOICE
    kept = import_file(indexed, again, ImportOptions(mode="keep"))
    assert kept.rows_inserted == 0 and kept.rows_kept == 12
    replaced = import_file(indexed, _residences(*residence_rows("R1", kwh=lambda m: 100)), ImportOptions(mode="replace"))
    assert replaced.rows_replaced == 12
    assert indexed.execute("SELECT sum(kwh) FROM energy_use").fetchone()[0] == 1200
    undo_import(indexed, replaced.batch_id)
    assert indexed.execute("SELECT sum(kwh) FROM energy_use").fetchone()[0] == sum(9000 - 400 * m for m in range(1, 13))
    undo_import(indexed, kept.batch_id)
    undo_import(indexed, first.batch_id)
    assert indexed.execute("SELECT count(*) FROM energy_use").fetchone()[0] == 0
    assert indexed.execute("SELECT count(*) FROM residence").fetchone()[0] == 0


def test_daily_readings_are_kept_as_days(indexed):
    rows = [f"R1;R;;;;;;;QNX0101M;20;collectif;;chaleur;{d:%d/%m/%Y};{100 + d.day};;" for d in month_days(2024, 1)]
    report = import_file(indexed, _residences(*rows), ImportOptions())
    assert report.status == ImportStatus.IMPORTED, report.text()
    periods = [r[0] for r in indexed.execute("SELECT period FROM energy_use ORDER BY period_start").fetchall()]
    assert periods[:2] == ["2024-01-01", "2024-01-02"] and len(periods) == 31


def test_the_filled_xlsx_template_imports(indexed, tmp_path):
    path = tmp_path / "modele.xlsx"
    build_residence_template(indexed, path)
    book = openpyxl.load_workbook(path)
    assert {"donnees", "valeurs", "quartiers", "mode_d_emploi"} <= set(book.sheetnames)
    assert [c.value for c in book["quartiers"]["A"]][1:] == ["QNX0101M", "QNX0102I", "QNX0103N"]
    sheet = book["donnees"]
    for m in (1, 2, 3):
        sheet.append(["HT-1", "Les Glycines", "Habitat Test", None, None, None, None, None, "QNX0102I", 48,
                      "collectif", "D", "gaz", date(2024, m, 1), 12000.5, 48, None])
    book.save(path)
    report = import_file(indexed, FileSource.from_path(path), ImportOptions())
    assert report.status == ImportStatus.IMPORTED, report.text()
    assert indexed.execute("SELECT list(period ORDER BY period) FROM energy_use").fetchone()[0] == [
        "2024-01", "2024-02", "2024-03"]


def test_the_official_way_in_points_a_residence_file_to_the_importer(workspace):
    outcome = _import(workspace, "releves.csv", residences_csv(*residence_rows()))
    assert outcome.status == FileStatus.IGNORED and "« Importer »" in outcome.message


def test_check_file_of_a_residence_file_stores_nothing(indexed):
    before = database_checksum(indexed)
    report = check_file(indexed, _residences(*residence_rows()))
    assert report.status == ImportStatus.CHECKED and report.preview["Énergie"].iloc[0] == "électricité"
    assert database_checksum(indexed) == before
