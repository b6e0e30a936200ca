"""Partner imports end to end: real-world file shapes, layouts, new indicators, undo, transactions."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dq_core.errors import DQError
from dq_core.explore.fiche import build_fiche
from dq_core.files import (
    FileSource,
    ImportOptions,
    Mapping,
    build_template,
    check_file,
    import_file,
    import_history,
    recall_mapping,
    set_partner_threshold,
    undo_import,
)
from dq_core.files.read.numbers import install_macros, parse_number
from dq_core.files.read.periods import parse_period
from dq_core.files.report import ImportReport
from dq_core.files.status import ImportStatus
from dq_core.lambert import from_wgs84 as wgs84_to_lambert93
from dq_core.store import db
from tests.core.test_import_refusals import database_checksum
from tests.factories import build_tiny_workspace
from tests.import_files import HEADER, PETIT, PLATEAU, TILLEULS, Text, csv_bytes, tiny_point, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def con(user_db):
    connection = db.connect(user_db)
    yield connection
    connection.close()


def run(con, name: str, content: bytes, **options):
    with con.cursor() as cur:
        return import_file(cur, FileSource.from_bytes(name, content), ImportOptions(**options))


def stored(con, territory: str, indicator: str, period: str):
    rows = con.execute("SELECT value, is_secret, numerator, denominator FROM observation WHERE territory = ? "
                       "AND indicator = ? AND period = ?", [territory, indicator, period]).fetchall()
    return rows[0] if rows else None


# --- parsing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, code", [
    ("2023", "2023"), (2023, "2023"), (2023.0, "2023"), ("2023-T2", "2023-T2"), ("T2 2023", "2023-T2"),
    ("2023T2", "2023-T2"), ("2e trimestre 2023", "2023-T2"), ("2023-04", "2023-04"), ("04/2023", "2023-04"),
    ("4/2023", "2023-04"), ("avril 2023", "2023-04"), ("Avr. 2023", "2023-04"), ("février 2024", "2024-02"),
    ("AOÛT 2022", "2022-08"), ("2023/04", "2023-04"), ("01/04/2023", "2023-04"), ("2023-04-01", "2023-04"),
])
def test_periods_as_people_write_them(raw, code):
    assert parse_period(raw).code == code


@pytest.mark.parametrize("raw", ["", "l'an dernier", "2023-13", "T5 2023", "13/2023", "1850", "avr 23", "2023-04-15"])
def test_unreadable_periods(raw):
    assert parse_period(raw) is None


@pytest.mark.parametrize("raw, value", [
    ("1234", 1234), ("1 234", 1234), ("1\u00a0234,5", 1234.5), ("1\u202f234,5", 1234.5), ("12,5 %", 12.5),
    ("12,5\u00a0%", 12.5), ("-3", -3), ("\u22123,5", -3.5), ("3.5", 3.5), ("1.234.567", 1234567),
    ("1.234,5", 1234.5), (",5", 0.5), ("  42 ", 42),
])
def test_french_numbers(raw, value):
    assert parse_number(raw) == value


_MACROS = duckdb.connect()
install_macros(_MACROS)


@settings(max_examples=120, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789 ,.-%\u00a0\u202fe", max_size=12),
                 st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: f"{f:,.2f}".replace(",", " ").replace(".", ","))))
def test_sql_and_python_number_parsers_agree(text):
    sql = _MACROS.execute("SELECT dq_number(?)", [text]).fetchall()[0][0]
    python = parse_number(text)
    assert (sql is None and python is None) or (sql is not None and python is not None and abs(sql - python) < 1e-9 * max(1, abs(python)))


# --- real-world shapes ------------------------------------------------------------------------

ROWS = ["QNX0101M;pop_totale;2023;3 100", "QNX0102I;taux_pauvrete;2023;41,5", "QNX0103N;pop_totale;2023;1 250"]


@pytest.mark.parametrize("content", [
    csv_bytes(HEADER, *ROWS),
    csv_bytes(HEADER, *ROWS, newline="\r\n"),
    b"\xef\xbb\xbf" + csv_bytes(HEADER, *ROWS),
    csv_bytes(HEADER, *ROWS, encoding="cp1252"),
    csv_bytes(HEADER, *ROWS, encoding="latin-1"),
    "\ufeff".encode("utf-16-le") + "\r\n".join([HEADER.replace(";", "\t"), *(r.replace(";", "\t") for r in ROWS)]).encode("utf-16-le"),
    csv_bytes(HEADER.replace(";", "\t"), *(r.replace(";", "\t") for r in ROWS)),
    csv_bytes(HEADER.replace(";", ","), *('{},{},{},"{}"'.format(*r.split(";")) for r in ROWS)),
    csv_bytes("Données du bailleur — extraction du 3 mars 2024", "", HEADER, *ROWS, "", "Source : bailleur ; traitement interne"),
    csv_bytes(HEADER, *(r.replace(" ", "\u00a0") for r in ROWS)),
    csv_bytes(HEADER, *(r.replace(" ", "\u202f") for r in ROWS), encoding="utf-8"),
    csv_bytes("Code territoire;Indicateur;Période;Valeur", *ROWS, encoding="cp1252"),
    csv_bytes(HEADER, "QNX0101M;pop_totale;2023;3 100", "QNX0102I;taux_pauvrete;2023;41,5 %", "QNX0103N;pop_totale;2023;1 250"),
], ids=["utf8", "crlf", "bom", "cp1252", "latin1", "utf16-tab", "tab", "comma-quoted", "titles-notes", "nbsp",
        "nnbsp", "french-headers", "percent"])
def test_real_world_csv_shapes_import_the_same_values(con, content):
    report = run(con, "partenaire.csv", content, mode="replace")
    assert report.status == "imported", report.text()
    assert stored(con, "QNX0101M", "pop_totale", "2023")[0] == 3100
    assert stored(con, "QNX0102I", "taux_pauvrete", "2023")[0] == 41.5
    assert stored(con, "QNX0103N", "pop_totale", "2023")[0] == 1250


def test_windows_1252_characters_survive(con):
    content = csv_bytes(HEADER + ";statut", "QNX0101M;pop_totale;2023;3 100;estimé", encoding="cp1252")
    report = run(con, "é.csv", content, mode="replace")
    assert report.status == "imported" and report.encoding == "Windows-1252"
    assert con.execute("SELECT is_estimated FROM observation WHERE period = '2023'").fetchall() == [(True,)]


@pytest.mark.parametrize("period", ["2023", "2023-T2", "T2 2023", "2023-04", "avril 2023", "04/2023"])
def test_period_formats_in_files(con, period):
    # Each period for an indicator of its periodicity (a month for a yearly figure is refused).
    expected = parse_period(period).code
    periodicity = "annuelle" if len(expected) == 4 else "trimestrielle" if "T" in expected else "mensuelle"
    companion = csv_bytes("id;libelle;domaine;unite;nature;periodicite",
                          f"nb_de;Demandeurs d'emploi;emploi;personnes;effectif;{periodicity}")
    report = run(con, "p.csv", csv_bytes(HEADER, f"QNX0101M;nb_de;{period};250"), mode="replace",
                 indicators_file=FileSource.from_bytes("ind.csv", companion))
    assert report.status == "imported", report.text()
    assert stored(con, "QNX0101M", "nb_de", expected)[0] == 250


def test_excel_with_title_lines_notes_and_percent_cells(con):
    content = xlsx_bytes({"Feuil1": [
        ["Bailleur Exemple — patrimoine au 1er janvier"], [],
        ["code_territoire", "indicateur", "periode", "valeur"],
        ["QNX0101M", "taux_pauvrete", "2023", 0.415],
        ["QNX0102I", "pop_totale", 2023, 2500],
        [], ["Note : chiffres provisoires"]]}, percent_cells=(("Feuil1", 4, 4),))
    report = run(con, "bailleur.xlsx", content, mode="replace")
    assert report.status == "imported", report.text()
    assert stored(con, "QNX0101M", "taux_pauvrete", "2023")[0] == pytest.approx(41.5)
    assert stored(con, "QNX0102I", "pop_totale", "2023")[0] == 2500
    assert any(p.kind == "notes" and "Note : chiffres provisoires" in p.message for p in report.problems)


def test_wide_by_period_and_by_indicator(con):
    wide_period = csv_bytes("code_territoire;indicateur;2021;2022;2023", "QNX0101M;demandeurs_emploi_abc;300;290;",
                            "QNX0102I;demandeurs_emploi_abc;210;205;200")
    report = run(con, "large.csv", wide_period, mode="replace")
    assert report.status == "imported" and report.layout == "wide_period", report.text()
    assert stored(con, "QNX0102I", "demandeurs_emploi_abc", "2023")[0] == 200
    assert stored(con, "QNX0101M", "demandeurs_emploi_abc", "2023") is None     # empty cell: nothing stored
    wide_indicator = csv_bytes("Code QPV;Population municipale;demandeurs_emploi_abc", "QNX0103N;1 300;95")
    report = run(con, "indic.csv", wide_indicator, mode="replace", period="2024")
    assert report.status == "imported" and report.layout == "wide_indicator", report.text()
    assert stored(con, "QNX0103N", "pop_totale", "2024")[0] == 1300


def test_the_assistant_mapping_is_remembered_for_the_partner(con):
    content = csv_bytes("Quartier;Année;Nb demandeurs", "QNX0101M;2023;280")
    report = run(con, "ft.csv", content, partner="France Travail")
    assert report.status == "refused"                                     # nothing tells what "Nb demandeurs" is
    mapping = Mapping("wide_indicator", {"territory": "Quartier", "period": "Année"}, {},
                      {"Nb demandeurs": "demandeurs_emploi_abc"})
    report = run(con, "ft.csv", content, partner="France Travail", mapping=mapping, mode="replace")
    assert report.status == "imported", report.text()
    with con.cursor() as cur:
        assert recall_mapping(cur, "France Travail", ["Quartier", "Année", "Nb demandeurs"]) == mapping
    next_file = csv_bytes("Quartier;Année;Nb demandeurs", "QNX0101M;2024;275")
    report = run(con, "ft-2024.csv", next_file, partner="France Travail", mode="replace")
    assert report.status == "imported", report.text()
    assert stored(con, "QNX0101M", "demandeurs_emploi_abc", "2024")[0] == 275


# --- new indicators ---------------------------------------------------------------------------

def test_new_indicators_from_a_sheet_join_the_catalogue_and_the_fiche(con):
    content = xlsx_bytes({
        "donnees": [["code_territoire", "indicateur", "periode", "valeur"],
                    ["QNX0101M", "nb_logements_vacants", 2023, 42],
                    ["QNX0101M", "part_logements_suroccupes", 2023, "8,5"]],
        "indicateurs": [["id", "libelle", "domaine", "unite", "nature", "sens", "source", "definition"],
                        ["nb_logements_vacants", Text("=HYPERLINK(\"http://x\")"), "Logement", "logements", "effectif",
                         "neutre", "Patrimoine du bailleur", "Logements vacants au 1er janvier."],
                        ["part_logements_suroccupes", "Part des logements suroccupés", "logement", "%", "taux",
                         "plus c'est haut, moins c'est favorable", "Enquête bailleur", "Logements suroccupés."]]})
    report = run(con, "nouveaux.xlsx", content, partner="Bailleur Exemple")
    assert report.status == "imported", report.text()
    assert report.new_indicators == ["nb_logements_vacants", "part_logements_suroccupes"]
    with con.cursor() as cur:
        fiche = build_fiche(cur, "QNX0101M")
    line = fiche.line("nb_logements_vacants")
    assert line.latest.value == 42 and line.indicator.label == '=HYPERLINK("http://x")'   # kept as text
    assert fiche.line("part_logements_suroccupes").indicator.direction == "higher_worse"
    undo_import(con.cursor(), report.batch_id)
    assert con.execute("SELECT count(*) FROM indicator WHERE id LIKE 'nb_logements%'").fetchall() == [(0,)]


def test_new_indicators_from_a_companion_file(con):
    data = csv_bytes(HEADER, "QNX0101M;nb_x;2023;40")
    companion = csv_bytes("id;libelle;domaine;unite;nature", "nb_x;Nombre de X;logement;logements;effectif")
    with con.cursor() as cur:
        report = import_file(cur, FileSource.from_bytes("x.csv", data),
                             ImportOptions(indicators_file=FileSource.from_bytes("ind.csv", companion)))
    assert report.status == "imported", report.text()
    assert stored(con, "QNX0101M", "nb_x", "2023")[0] == 40


def test_template_labels_never_become_formulas(con, tmp_path):
    con.execute("UPDATE indicator SET label = '=1+1' WHERE id = 'pop_totale'")
    with con.cursor() as cur:
        content = build_template(cur, tmp_path / "m.xlsx")
        csv_content = build_template(cur, kind="csv").decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(content))
    labels = [c.value for c in book["catalogue"]["B"]]
    assert "=1+1" in labels and book["catalogue"]["B"][labels.index("=1+1")].data_type == "s"
    assert all(c.data_type != "f" for row in book["donnees"].iter_rows() for c in row)
    assert ";'=1+1" in csv_content


# --- round trips ------------------------------------------------------------------------------

def _fill_csv_template(content: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    for row in rows[1:]:
        if row[0] == "QNX0102I" and row[1] == "demandeurs_emploi_abc":
            row[2], row[3] = "2024", "1 234"
        if row[0] == "QNX0103N" and row[1] == "demandeurs_emploi_abc":
            row[2], row[3] = "2024", "7"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp1252")


def test_template_filled_imported_shown_in_fiche_and_cli_profile(tmp_path, user_db, cli):
    path = user_db
    template = tmp_path / "modele.csv"
    out = cli("template", "--out", template, "--db", path)
    assert out.returncode == 0, out.stderr
    filled = tmp_path / "rempli.csv"
    filled.write_bytes(_fill_csv_template(template.read_bytes()))
    out = cli("import", filled, "--comment", "essai", "--db", path)
    assert out.returncode == 0, out.stderr
    assert "Import n° 2 enregistré : 2 valeurs ajoutées" in out.stdout
    out = cli("profile", "QNX0102I", "QNX0103N", "--json", "--db", path)
    plateau, petit = (json.loads(line) for line in out.stdout.splitlines())
    job_seekers = next(i for i in plateau["indicators"] if i["id"] == "demandeurs_emploi_abc")
    assert job_seekers["value"] == 1234 and job_seekers["period"] == "2024"
    small = next(i for i in petit["indicators"] if i["id"] == "demandeurs_emploi_abc")
    assert small["secret"] is True and small["value"] is None
    con = db.connect(path)
    assert con.execute("SELECT value FROM observation WHERE territory = 'QNX0103N' AND period = '2024'").fetchall() == [(None,)]
    con.close()
    out = cli("history", "--json", "--db", path)
    entries = [json.loads(line) for line in out.stdout.splitlines()]
    assert entries[0]["id"] == 2 and entries[0]["file"] == "rempli.csv" and entries[0]["rows"] == 2
    assert entries[0]["status"] == "imported" and entries[0]["comment"] == "essai" and len(entries[0]["hash"]) == 64


def test_xlsx_template_round_trip(con, tmp_path):
    with con.cursor() as cur:
        content = build_template(cur, kind="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["donnees"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "QNX0101M" and row[1].value == "pop_totale":
            row[2].value, row[3].value = "2024", 3210
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(con, "modele-rempli.xlsx", buffer.getvalue())
    assert report.status == "imported", report.text()
    assert stored(con, "QNX0101M", "pop_totale", "2024")[0] == 3210


def test_undo_restores_exactly_what_was_replaced_and_keeps_the_history(con):
    before = database_checksum(con.cursor())
    first = run(con, "a.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2021;9 999", "QNX0101M;pop_totale;2025;3 300"),
                mode="replace", comment="première version")
    assert first.rows_replaced == 1 and stored(con, "QNX0101M", "pop_totale", "2021")[0] == 9999
    second = run(con, "b.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2025;3 400"), mode="replace")
    with pytest.raises(DQError, match="annulez d'abord"):
        undo_import(con.cursor(), first.batch_id)
    undo_import(con.cursor(), second.batch_id)
    assert stored(con, "QNX0101M", "pop_totale", "2025")[0] == 3300
    undo_import(con.cursor(), first.batch_id)
    after = database_checksum(con.cursor())
    for table in ("observation", "replaced_observation", "indicator", "indicator_sum", "territory"):
        assert after[table] == before[table], table
    history = import_history(con.cursor())
    assert [(h.id, h.status) for h in history] == [(second.batch_id, "undone"), (first.batch_id, "undone")]
    with pytest.raises(DQError, match="déjà été annulé"):
        undo_import(con.cursor(), first.batch_id)


def test_keep_mode_leaves_stored_values(con):
    report = run(con, "k.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2021;9 999", "QNX0101M;pop_totale;2025;3 300"),
                 mode="keep")
    assert report.rows_kept == 1 and report.rows_inserted == 1
    assert stored(con, "QNX0101M", "pop_totale", "2021")[0] == 3050


def test_cli_undo_and_history(tmp_path, user_db, cli):
    path = user_db
    file = tmp_path / "f.csv"
    file.write_bytes(csv_bytes(HEADER, "QNX0101M;pop_totale;2021;9 999"))
    out = cli("import", file, "--db", path)
    assert out.returncode == 1 and "--replace ou --keep" in out.stderr
    out = cli("import", file, "--replace", "--db", path)
    assert out.returncode == 0, out.stderr
    out = cli("undo", "2", "--db", path)
    assert out.returncode == 0 and "annulé" in out.stdout
    out = cli("history", "--json", "--db", path)
    assert json.loads(out.stdout.splitlines()[0])["status"] == "undone"
    out = cli("undo", "99", "--db", path)
    assert out.returncode == 1 and "Aucun import n° 99" in out.stderr


# --- safety: one transaction ------------------------------------------------------------------

# A monthly count, for files of many unique (quartier, period) rows.
MONTHLY_COUNT = csv_bytes("id;libelle;domaine;unite;nature;periodicite",
                          "nb_mensuel;Nombre mensuel;emploi;personnes;effectif;mensuelle")


@pytest.mark.parametrize("step", ["indicators", "replaced", "inserted", "before_commit"])
def test_an_error_inside_the_write_leaves_the_database_unchanged(con, step):
    before = database_checksum(con.cursor())

    def fail(name):
        if name == step:
            raise RuntimeError("panne simulée")
    rows = [f"QNX0101M;nb_mensuel;{1900 + i // 12}-{1 + i % 12:02d};{i + 11}" for i in range(1500)]
    rows += [f"QNX0102I;nb_mensuel;{1900 + i // 12}-{1 + i % 12:02d};{i + 11}" for i in range(500)]
    content = csv_bytes(HEADER, *rows, "QNX0101M;pop_totale;2021;9 999")
    with pytest.raises(RuntimeError, match="panne simulée"):
        run(con, "panne.csv", content, mode="replace", fault=fail,
            indicators_file=FileSource.from_bytes("ind.csv", MONTHLY_COUNT))
    assert database_checksum(con.cursor()) == before


def test_a_process_killed_in_the_middle_of_an_import_leaves_the_database_unchanged(tmp_path):
    path = build_tiny_workspace(tmp_path / "kill.duckdb", demo=False)
    big = tmp_path / "gros.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for i in range(3_600):       # unique (quartier, month) pairs
            f.write(f"QNX010{1 + i % 3}{'MIN'[i % 3]};nb_mensuel;{1900 + i // 36}-{1 + (i // 3) % 12:02d};{i + 11}\n")
    con = db.connect(path)
    before = database_checksum(con.cursor())
    con.close()
    script = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
              "from dq_core.store import db\nfrom dq_core.files import FileSource, ImportOptions, import_file\n"
              f"con = db.connect({str(path)!r})\n"
              "def slow(name):\n"
              "    if name == 'inserted':\n"
              "        print('INSERTED', flush=True); time.sleep(60)\n"
              f"companion = FileSource.from_bytes('ind.csv', {MONTHLY_COUNT!r})\n"
              f"import_file(con.cursor(), FileSource.from_path({str(big)!r}), ImportOptions(mode='replace', "
              "fault=slow, indicators_file=companion))\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "INSERTED"     # rows written, transaction not committed
    finally:
        proc.kill()
        proc.wait(30)
    con = db.connect(path)
    assert database_checksum(con.cursor()) == before
    con.close()


# --- privacy ----------------------------------------------------------------------------------

def test_small_counts_are_stored_secret_without_their_value(con):
    report = run(con, "s.csv", csv_bytes(HEADER + ";numerateur;denominateur",
                                         "QNX0103N;pop_totale;2024;8;;",
                                         "QNX0103N;taux_pauvrete;2024;40;4;10",
                                         "QNX0101M;taux_pauvrete;2024;45;1 350;3 000"), mode="replace")
    assert report.status == "imported" and report.rows_secret == 2
    assert stored(con, "QNX0103N", "pop_totale", "2024") == (None, True, None, None)
    assert stored(con, "QNX0103N", "taux_pauvrete", "2024") == (None, True, None, None)
    assert stored(con, "QNX0101M", "taux_pauvrete", "2024") == (45, False, 1350, 3000)
    assert con.execute("SELECT count(*) FROM observation WHERE value = 8 OR numerator = 4").fetchall() == [(0,)]


def test_the_threshold_is_configurable_per_partner(con):
    set_partner_threshold(con.cursor(), "Asso", 5)
    report = run(con, "s.csv", csv_bytes(HEADER, "QNX0103N;pop_totale;2024;8", "QNX0101M;pop_totale;2024;4"),
                 partner="Asso", mode="replace")
    assert report.rows_secret == 1
    assert stored(con, "QNX0103N", "pop_totale", "2024") == (8, False, None, None)
    assert stored(con, "QNX0101M", "pop_totale", "2024")[1] is True


def test_a_secret_category_cannot_be_recovered_from_its_total(con):
    content = xlsx_bytes({
        "donnees": [["code_territoire", "indicateur", "periode", "valeur"],
                    ["QNX0101M", "de_total", 2024, 120], ["QNX0101M", "de_femmes", 2024, 112],
                    ["QNX0101M", "de_hommes", 2024, 8]],
        "indicateurs": [["id", "libelle", "domaine", "unite", "nature", "somme_de"],
                        ["de_femmes", "Demandeuses", "emploi", "personnes", "effectif", None],
                        ["de_hommes", "Demandeurs", "emploi", "personnes", "effectif", None],
                        ["de_total", "Demandeurs (tous)", "emploi", "personnes", "effectif", "de_femmes + de_hommes"]]})
    report = run(con, "cat.xlsx", content)
    assert report.status == "imported", report.text()
    assert report.rows_secret == 1 and report.rows_secret_secondary == 1
    assert stored(con, "QNX0101M", "de_hommes", "2024")[1] is True
    assert stored(con, "QNX0101M", "de_femmes", "2024")[1] is True        # else 120 − 112 = 8
    assert stored(con, "QNX0101M", "de_total", "2024") == (120, False, None, None)


def _add_group(con, code: str, members: list[str]) -> None:
    con.execute("INSERT INTO territory (code, level, name, batch_id) VALUES (?, 'groupe', 'Groupe test', 1)", [code])
    for member in members:
        con.execute("INSERT INTO territory_link VALUES (?, ?, 1)", [member, code])


def test_a_secret_quartier_cannot_be_recovered_from_its_group(con):
    _add_group(con, "GRP1", ["QNX0101M", "QNX0102I", "QNX0103N"])
    report = run(con, "g.csv", csv_bytes(HEADER, "GRP1;demandeurs_emploi_abc;2024;95", "QNX0101M;demandeurs_emploi_abc;2024;40",
                                         "QNX0102I;demandeurs_emploi_abc;2024;47", "QNX0103N;demandeurs_emploi_abc;2024;8"))
    assert report.status == "imported", report.text()
    hidden = {t for (t,) in con.execute("SELECT territory FROM observation WHERE indicator = 'demandeurs_emploi_abc' "
                                        "AND period = '2024' AND is_secret").fetchall()}
    assert "QNX0103N" in hidden and len(hidden) >= 2


def test_a_small_rest_of_the_commune_is_protected(con):
    # Bourg-Test (X0102) holds Petit Quartier only (Le Plateau spans two communes: left out, inexact);
    # Villeneuve-Test (X0101) holds Les Tilleuls only among single-commune quartiers, plus Le Plateau.
    con.execute("DELETE FROM territory_link WHERE child = 'QNX0102I' AND parent = 'X0102'")
    report = run(con, "c.csv", csv_bytes(HEADER, "X0102;demandeurs_emploi_abc;2024;130", "QNX0103N;demandeurs_emploi_abc;2024;125"))
    assert report.status == "imported", report.text()
    # 130 − 125 = 5 people outside the quartier: one of the two figures must be hidden.
    flags = dict(con.execute("SELECT territory, is_secret FROM observation WHERE indicator = 'demandeurs_emploi_abc' "
                             "AND period = '2024'").fetchall())
    assert flags["QNX0103N"] or flags["X0102"]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=3, max_size=3))
def test_secondary_suppression_survives_arithmetic_on_stored_data(tmp_path_factory, user_template, cells):
    """Random women/men counts for three quartiers of a group, with all totals: whatever is stored
    visible, no secret cell follows from the visible ones and the relations."""
    from dq_core.privacy import Relation, recoverable_cells

    path = shutil.copyfile(user_template, tmp_path_factory.mktemp("hyp") / "h.duckdb")
    con = db.connect(path)
    _add_group(con, "GRP1", ["QNX0101M", "QNX0102I", "QNX0103N"])
    quartiers = ["QNX0101M", "QNX0102I", "QNX0103N"]
    rows = {}
    for q, (women, men) in zip(quartiers, cells, strict=True):
        rows[(q, "f")], rows[(q, "h")], rows[(q, "t")] = women, men, women + men
    for part in ("f", "h", "t"):
        rows[("GRP1", part)] = sum(rows[(q, part)] for q in quartiers)
    data = [["code_territoire", "indicateur", "periode", "valeur"]] + [[t, f"de_{p}", 2024, v] for (t, p), v in rows.items()]
    content = xlsx_bytes({"donnees": data, "indicateurs": [
        ["id", "libelle", "domaine", "unite", "nature", "somme_de"],
        ["de_f", "Femmes", "emploi", "personnes", "effectif", None],
        ["de_h", "Hommes", "emploi", "personnes", "effectif", None],
        ["de_t", "Total", "emploi", "personnes", "effectif", "de_f + de_h"]]})
    report = run(con, "h.xlsx", content)
    assert report.status == "imported", report.text()
    shown = {(t, i[3:]): (None if s else v) for t, i, v, s in con.execute(
        "SELECT territory, indicator, value, is_secret FROM observation WHERE indicator LIKE 'de_%'").fetchall()}
    secret = {k for k, v in shown.items() if v is None}
    assert {k for k, v in rows.items() if v < 11} <= secret
    relations = [Relation((t, "t"), ((t, "f"), (t, "h"))) for t in [*quartiers, "GRP1"]]
    relations += [Relation(("GRP1", p), tuple((q, p) for q in quartiers)) for p in ("f", "h", "t")]
    assert recoverable_cells(shown, secret, relations) == set()
    con.close()


# --- point data -------------------------------------------------------------------------------

def test_points_in_wgs84_are_counted_in_the_right_quartiers(con):
    rows = []
    for k in range(3):                                 # three residences in Les Tilleuls: 12 + 15 + 20
        lon, lat = tiny_point(TILLEULS, 0.01 + 0.01 * k, 0.01)
        rows.append(f"Résidence {k};{lat};{lon};2024;{[12, 15, 20][k]}")
    lon, lat = tiny_point(PLATEAU)
    rows.append(f"Les Cèdres;{lat};{lon};2024;33")
    lon, lat = tiny_point(PETIT)
    rows.append(f"Petit immeuble;{lat};{lon};2024;4")      # secret once aggregated
    rows.append("Hors quartier;45,0;-5,0;2024;50")
    content = csv_bytes("residence;latitude;longitude;periode;demandeurs_emploi_abc", *(r.replace(".", ",") for r in rows))
    report = run(con, "points.csv", content, mode="replace")
    assert report.status == "imported", report.text()
    assert report.layout == "points" and report.points_outside == 1
    assert stored(con, "QNX0101M", "demandeurs_emploi_abc", "2024")[0] == 47
    assert stored(con, "QNX0102I", "demandeurs_emploi_abc", "2024")[0] == 33
    assert stored(con, "QNX0103N", "demandeurs_emploi_abc", "2024") == (None, True, None, None)
    text = " ".join(str(v) for row in con.execute("SELECT * FROM observation").fetchall() for v in row)
    assert "Résidence" not in text and "46,01" not in text


def test_points_in_lambert93(con):
    rows = []
    for code_index, count in [(TILLEULS, 30), (TILLEULS, 25), (PLATEAU, 14)]:
        x, y = wgs84_to_lambert93(*tiny_point(code_index))
        rows.append(f"{x:.1f};{y:.1f};{count}")
    report = run(con, "l93.csv", csv_bytes("x;y;demandeurs_emploi_abc", *rows), mode="replace", period="2024")
    assert report.status == "imported", report.text()
    assert stored(con, "QNX0101M", "demandeurs_emploi_abc", "2024")[0] == 55
    assert stored(con, "QNX0102I", "demandeurs_emploi_abc", "2024")[0] == 14


def test_check_file_reports_without_storing(con):
    before = database_checksum(con.cursor())
    with con.cursor() as cur:
        report = check_file(cur, FileSource.from_bytes("ok.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2025;3 300")))
    assert report.ok and report.status == "checked" and "Rien n'a été enregistré" in report.summary()
    assert list(report.preview["Valeur"]) == ["3\u202f300"]
    assert database_checksum(con.cursor()) == before


def test_batches_written_without_a_journal_are_not_undone(con):
    batch = db.new_batch(con.cursor(), "officiel", file_name="base-cc-filosofi.csv")   # before schema 4
    with pytest.raises(DQError, match="version antérieure"):
        undo_import(con.cursor(), batch)
    with pytest.raises(DQError, match="démonstration ne s'annulent pas"):
        undo_import(con.cursor(), 1)


@pytest.mark.parametrize(("inserted", "replaced", "kept", "said"), [
    (1, 1, 0, "Import n° 7 enregistré : 1 valeur remplacée."),                 # before: « 1 valeur ajoutée, 1 remplacée »
    (3, 1, 0, "Import n° 7 enregistré : 2 valeurs ajoutées, 1 remplacée."),
    (2, 2, 0, "Import n° 7 enregistré : 2 valeurs remplacées."),
    (2, 0, 1, "Import n° 7 enregistré : 2 valeurs ajoutées, 1 déjà présente gardée telle quelle."),
    (0, 0, 0, "Import n° 7 enregistré : 0 valeur ajoutée."),
])
def test_the_import_verdict_counts_a_replaced_value_once(inserted, replaced, kept, said):
    report = ImportReport("f.csv", status=ImportStatus.IMPORTED, batch_id=7, rows_inserted=inserted,
                          rows_replaced=replaced, rows_kept=kept)
    assert report.summary().startswith(said), report.summary()
