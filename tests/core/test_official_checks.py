"""Official files that used to be stored wrong without a word: each is refused in French, naming the
cell or the quartier, and the workspace is exactly as before; a contour that can be repaired safely is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
import shapely.geometry

from dq_core.files.official import collect_uploads, import_sources
from dq_core.files.status import FileStatus
from dq_core.store import db
from tests.core.test_import_refusals import database_checksum
from tests.official_fixtures import correspondence_csv, lambert_shapefile_zip
from tests.reference_fixtures import disp_csv, disp_row

HEADER = "CODGEO;LIBGEO;POP_MUN;LIB_COM;TX_F;IND_JEUNE;TX_TOT_0A24"
ROWS = ["QP044013;Malakoff;3 486;Nantes;51,1;2,0;39,3", "QP044014;Bellevue;5 120;Nantes;52,0;1,5;41,2"]


def thematic(*rows: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + "\r\n".join((header, *rows)) + "\r\n").encode("utf-8")


def feature(code: str, coordinates, name: str | None = None, kind: str = "Polygon") -> dict:
    return {"type": "Feature", "properties": {"code_qp": code, "lib_qp": name or f"Quartier {code}",
                                              "insee_com": "44109"},
            "geometry": {"type": kind, "coordinates": coordinates}}


def geojson(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


SQUARE = [[[-1.60, 47.20], [-1.59, 47.20], [-1.59, 47.21], [-1.60, 47.21], [-1.60, 47.20]]]
BOWTIE = [[[-1.60, 47.20], [-1.59, 47.21], [-1.59, 47.20], [-1.60, 47.21], [-1.60, 47.20]]]
ABERRANT = [[[-1.60, 47.20], [5000, -400], [-1.59, 47.21], [-1.60, 47.20]]]
WORLD = [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]]
# A ring that touches itself at one vertex (what rounding coordinates does to real contours): repairable.
TOUCHING = [[[-1.60, 47.20], [-1.58, 47.20], [-1.58, 47.22], [-1.59, 47.20], [-1.60, 47.22], [-1.60, 47.20]]]

CASES = [
    ("entete_decale", "DEMO_2022.csv", thematic(*ROWS, header=HEADER.replace(";TX_F", "")),
     ["valeurs sans nom de colonne", "lignes 2, 3", "un nom de colonne manque", "indicateur voisin"]),
    ("nombre_en_lettres", "DEMO_2022.csv", thematic(ROWS[0].replace("3 486", "neuf cent"), ROWS[1]),
     ["ne se lisent pas comme des nombres", "« POP_MUN » du quartier QP044013 : « neuf cent »"]),
    ("quartier_en_double", "DEMO_2022.csv", thematic(*ROWS, ROWS[0].replace("3 486", "3 999")),
     ["quartier QP044013 figure deux fois avec des valeurs différentes"]),
    ("contour_en_huit", "qp2024.geojson", geojson(feature("QN04405M", BOWTIE)),
     ["Contour qui se recoupe lui-même", "QN04405M", "sans réparation sûre"]),
    ("coordonnees_aberrantes", "qp2024.geojson", geojson(feature("QN04405M", SQUARE), feature("QN04406M", ABERRANT)),
     ["Contour hors de France", "QN04406M"]),
    ("monde_entier", "qp2024.geojson", geojson(feature("QN04405M", WORLD)),
     ["Contour hors de France", "QN04405M", "monde entier"]),
    ("contour_en_double", "qp2024.geojson", geojson(feature("QN04405M", SQUARE), feature("QN04405M", TOUCHING)),
     ["QN04405M figure deux fois", "contours différents"]),
    # A structural column renamed: before, a DISP file without CODGEO was « ignoré » as an unknown header.
    ("disp_sans_codgeo", "FILO2018_DISP_COM.csv",
     disp_csv(2018, disp_row(2018, "44109", "Nantes", 22600)).replace(b"CODGEO;", b"CODE;", 1),
     ["Filosofi DISP sans sa colonne CODGEO", "n'est pas importé"]),
    ("correspondance_contradictoire", "liste-correspondance.csv", correspondence_csv([
        ("QN04405M", "Bellevue", "Modifié", [("QP044005", "Bellevue")]),
        ("QN04405M", "Bellevue", "Inchangé", [("QP044005", "Bellevue")])]),
     ["Le lien QN04405M → QP044005 figure deux fois, avec deux statuts : « périmètre modifié » puis « périmètre "
      "inchangé »", "n'est pas importée"]),
    ("thematique_sans_codgeo", "DEMO_2022.csv", thematic(*ROWS, header=HEADER.replace("CODGEO", "CODE_COMMUNE")),
     ["Colonne CODGEO (code du quartier) absente"]),
]


@pytest.fixture
def workspace(user_db):
    con = db.connect(user_db)
    yield con
    con.close()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_silently_wrong_official_file_is_refused_and_changes_nothing(workspace, case):
    _, name, content, expected = case
    cur = workspace.cursor()
    before = database_checksum(cur)
    report = import_sources(cur, collect_uploads([(name, content)]))
    (outcome,) = report.outcomes
    assert outcome.status == FileStatus.FAILED, outcome.message
    for words in expected:
        assert words in outcome.message, outcome.message
    assert database_checksum(workspace.cursor()) == before


def test_the_same_files_well_formed_import(workspace):
    cur = workspace.cursor()
    report = import_sources(cur, collect_uploads([("DEMO_2022.csv", thematic(*ROWS, ROWS[0])),   # same row twice
                                                  ("qp2024.geojson", geojson(feature("QN04405M", TOUCHING)))]))
    assert [o.status for o in report.outcomes] == [FileStatus.IMPORTED] * 2, [o.message for o in report.outcomes]
    value = cur.execute("SELECT value FROM observation WHERE territory = 'QP044013' AND indicator = 'part_femmes'"
                        ).fetchall()
    assert value == [(51.1,)]                             # TX_F stays under its own name
    geometry, lon, lat = cur.execute("SELECT geometry, lon, lat FROM territory WHERE code = 'QN04405M'").fetchone()
    shape = shapely.geometry.shape(json.loads(geometry))
    assert shape.is_valid and shape.area == pytest.approx(shapely.geometry.shape(
        {"type": "Polygon", "coordinates": TOUCHING}).area, rel=0.01)
    assert shape.contains(shapely.geometry.Point(lon, lat))


def test_unknown_insee_columns_are_named_in_the_report_and_known_ones_stay_quiet(workspace):
    cur = workspace.cursor()
    renamed = HEADER.replace("TX_TOT_0A24", "TX_TOT_0A24_V2") + ";POP_2023"
    disp = disp_csv(2018, disp_row(2018, "44109", "Nantes", 22600).replace("Nantes;", "Nantes;12,5;", 1))
    disp = disp.replace(b"LIBGEO;", b"LIBGEO;TP6018;", 1)
    report = import_sources(cur, collect_uploads([("DEMO_2022.csv", thematic(*(r + ";1" for r in ROWS), header=renamed)),
                                                  ("FILO2018_DISP_COM.csv", disp)]))
    demo, filo = sorted(report.outcomes, key=lambda o: o.name)
    assert (demo.status, filo.status) == (FileStatus.IMPORTED, FileStatus.IMPORTED), [demo.message, filo.message]
    assert demo.message.endswith(" ; 2 colonnes non reconnues, ignorées : TX_TOT_0A24_V2, POP_2023"), demo.message
    assert filo.message.endswith(" ; 1 colonne non reconnue, ignorée : TP6018"), filo.message
    for known in ("LIBGEO", "LIB_COM", "CODGEO", "Q3_Q1"):
        assert known not in demo.message + filo.message
    assert cur.execute("SELECT count(*) FROM observation WHERE indicator = 'part_moins_25'").fetchone() == (0,)
    assert cur.execute("SELECT count(*) FROM observation WHERE indicator = 'part_femmes'").fetchone() == (2,)


def test_a_correspondence_link_listed_twice_alike_is_kept_once_and_said(workspace):
    malakoff = ("QN04413M", "Malakoff", "Modifié", [("QP044013", "Malakoff")])
    data = correspondence_csv([malakoff, ("QN04405M", "Bellevue", "", [("QP044005", "Bellevue")]), malakoff])
    cur = workspace.cursor()
    (outcome,) = import_sources(cur, collect_uploads([("liste-correspondance.csv", data)])).outcomes
    assert outcome.status == FileStatus.IMPORTED, outcome.message
    assert outcome.message.endswith("2 quartiers 2024, 2 liens vers un quartier 2015 ; 1 lien en double dans le "
                                    "fichier, identique, gardé une fois : QN04413M → QP044013"), outcome.message
    assert cur.execute("SELECT qp2024, qp2015, status FROM correspondence ORDER BY 1").fetchall() == [
        ("QN04405M", "QP044005", "M"), ("QN04413M", "QP044013", "M")]


def test_a_hidden_sheet_of_an_official_workbook_is_never_read(workspace):
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "QP"                      # INSEE's sheet name, read first when visible: an old copy, hidden
    old.sheet_state = "hidden"
    visible = workbook.create_sheet("QP 2022")
    for sheet, population in ((old, "99 999"), (visible, "3 100")):
        for line in (HEADER, ROWS[0].replace("3 486", population), ROWS[1]):
            sheet.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cur = workspace.cursor()
    (outcome,) = import_sources(cur, collect_uploads([("DEMO_2022.xlsx", buffer.getvalue())])).outcomes
    assert outcome.status == FileStatus.IMPORTED, outcome.message
    assert cur.execute("SELECT value FROM observation WHERE territory = 'QP044013' AND indicator = 'pop_totale'"
                       ).fetchall() == [(3100.0,)]


WGS84_PRJ = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
             'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')


def test_a_wgs84_shapefile_imports(workspace):
    """Before, any shapefile not in Lambert-93 failed with « Fichier illisible (TypeError) »."""
    ring = [(-1.60, 47.20), (-1.60, 47.21), (-1.59, 47.21), (-1.59, 47.20), (-1.60, 47.20)]
    data = lambert_shapefile_zip([({"CODE_QP": "QN04405M", "NOM_QP": "Bellevue", "COMMUNE_QP": "Nantes"}, ring)],
                                 prj=WGS84_PRJ)
    cur = workspace.cursor()
    (outcome,) = import_sources(cur, collect_uploads([("QP_WGS84.zip", data)])).outcomes
    assert outcome.status == FileStatus.IMPORTED, outcome.message
    lon, lat = cur.execute("SELECT lon, lat FROM territory WHERE code = 'QN04405M'").fetchone()
    assert -1.60 < lon < -1.59 and 47.20 < lat < 47.21


def test_malformed_official_files_get_french_reasons_on_the_cli_without_traceback(tmp_path):
    """Before: « Fichier illisible (GEOSException) », « (RecursionError) », « (error) » and a traceback on stderr."""
    folder = tmp_path / "officiel"
    folder.mkdir()
    nan_ring = json.loads(geojson(feature("QN04405M", SQUARE)).decode())
    nan_ring["features"][0]["geometry"]["coordinates"][0][0][0] = float("nan")
    (folder / "nan.geojson").write_text(json.dumps(nan_ring), encoding="utf-8")
    (folder / "profond.geojson").write_text('{"type": "FeatureCollection", "features": [' + "[" * 100_000
                                            + "]" * 100_000 + "]}", encoding="utf-8")
    (folder / "entites.geojson").write_text('{"type": "FeatureCollection", "features": [1, 2]}', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "dq_core", "import-official", str(folder), "--db",
                          str(tmp_path / "w.duckdb")], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, timeout=120)
    said = run.stdout + run.stderr
    assert run.returncode == 1 and "0 fichier importé, 3 en erreur." in said, said
    assert "Traceback" not in said and "Error" not in said and "Exception" not in said, said
    assert "Entité n° 1 du GeoJSON mal formée" in said                             # entites.geojson
    assert "Contour mal formé pour le quartier QN04405M" in said                   # nan.geojson
    assert "Fichier illisible (structure imbriquée trop profondément)" in said     # profond.geojson
