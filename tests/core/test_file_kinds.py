"""Every kind of file in `files.kinds`, the same three properties: recognised from its content under any
name, read into its normalised table, refused in French — with the workspace unchanged — when malformed.

A kind added to the registry without examples here fails `test_every_kind_has_examples`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from dq_core.errors import DQError
from dq_core.files import check_file, kinds
from dq_core.files.kinds.address_list import read_addresses
from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.store import db
from tests.addresses_fixtures import ban_csv, ban_gz
from tests.core.test_geography import LIST_2024, revn
from tests.core.test_import_refusals import database_checksum
from tests.core.test_insee_sources import FILO24, FILO24_ENSEMBLE
from tests.core.test_official_readers import MALAKOFF_DEMO_2022, demo_csv
from tests.energy_file_fixtures import (
    daily_csv,
    dju_export_csv,
    enedis_csv,
    mensq_csv,
    month_days,
    odre_csv,
    residence_rows,
    residences_csv,
)
from tests.factories import TINY_INDICATORS, build_tiny_workspace
from tests.import_files import HEADER, TILLEULS, csv_bytes, tiny_point
from tests.official_fixtures import correspondence_csv, lambert_shapefile_zip, thematic_xlsx
from tests.reference_fixtures import caf_csv, caf_row, disp_csv, disp_row


@dataclass(frozen=True)
class Example:
    good: Callable[[], FileSource]          # named so that the name says nothing about the kind
    rows: int                               # rows of its normalised table
    bad: Callable[[], FileSource]           # malformed
    refusal: str                            # French words the refusal says


def _geojson(coordinates) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "code_qp": "QN04413M", "lib_qp": "Malakoff", "insee_com": "44109"},
        "geometry": {"type": "Polygon", "coordinates": [coordinates]}}]}).encode()


SQUARE = [[-1.6, 47.2], [-1.59, 47.2], [-1.59, 47.21], [-1.6, 47.2]]
X, Y = 355_000, 6_690_000
LAMBERT_RING = [(X, Y), (X + 500, Y), (X + 500, Y + 500), (X, Y + 500), (X, Y)]


def _shapefile_parts() -> dict[str, bytes]:
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(lambert_shapefile_zip([({"CODE_QP": "QP044013", "NOM_QP": "Malakoff",
                                                            "COMMUNE_QP": "Nantes"}, LAMBERT_RING)]))) as z:
        return {"." + n.rsplit(".", 1)[1].lower(): z.read(n) for n in z.namelist()}


def _point(code_index: int, count: str) -> str:
    lon, lat = tiny_point(code_index)
    return f"{lat};{lon};{count}"


EXAMPLES: dict[str, Example] = {
    "anct_correspondance": Example(
        lambda: FileSource("telechargement.csv", data=correspondence_csv([
            ("QN04405M", "Bellevue", "Modifié", [("QP044005", "Bellevue"), ("QP044006", "Autre")])])), 2,
        lambda: FileSource("t.csv", data=correspondence_csv([("XX", "?", "", [("QP044005", "B")])])),
        "Aucun code de quartier 2024"),
    "insee_thematique": Example(
        lambda: FileSource("classeur.xlsx", data=thematic_xlsx(demo_csv(MALAKOFF_DEMO_2022),
                                                               title="Démographie - édition 2022")), 1,
        lambda: FileSource("base.csv", data=demo_csv(MALAKOFF_DEMO_2022)), "Édition introuvable"),
    "insee_par_source": Example(
        lambda: FileSource("telechargement.csv", data=FILO24), 12,
        lambda: FileSource("e.csv", data=FILO24_ENSEMBLE), "sans géographie connue"),
    "insee_filosofi_disp": Example(
        lambda: FileSource("telechargement.csv", data=disp_csv(2019, disp_row(2019, "44109", "Nantes", 23140))), 11,
        lambda: FileSource("t.csv", data=disp_csv(2019, disp_row(2019, "XX", "Nulle part", 1))),
        "Niveau géographique non reconnu"),
    "caf_iris": Example(
        lambda: FileSource("export 2020.csv", data=caf_csv(caf_row("441090101", 1200), caf_row("441090102", 900))),
        19, lambda: FileSource("export.csv", data=caf_csv(caf_row("441090101", 1200))), "Année introuvable"),
    "qpv_liste": Example(
        lambda: FileSource("export (2).csv", data=LIST_2024), 4,
        lambda: FileSource("l.csv", data=LIST_2024.replace(b"QN0", b"ZZ0")), "En-tête non reconnu"),
    "qpv_contours_geojson": Example(
        lambda: FileSource("carte.json", data=_geojson(SQUARE)), 1,
        lambda: FileSource("c.json", data=_geojson([[5e9, 5e9], [5e9, 6e9], [6e9, 6e9], [5e9, 5e9]])),
        "projection non reconnue"),
    "qpv_contours_shapefile": Example(
        lambda: FileSource("couche.shp", parts=_shapefile_parts()), 1,
        lambda: FileSource("couche.shp", parts={".shp": _shapefile_parts()[".shp"]}), "shapefile incomplet"),
    "partenaire_long": Example(
        lambda: FileSource("envoi.csv", data=csv_bytes(HEADER, "QNX0101M;pop_totale;2023;1200")), 1,
        lambda: FileSource("e.csv", data=csv_bytes(HEADER, "QZZ9999Z;pop_totale;2023;1200")), "inconnu"),
    "partenaire_par_periode": Example(
        lambda: FileSource("envoi.csv", data=csv_bytes("code_territoire;indicateur;2022;2023",
                                                       "QNX0101M;pop_totale;1100;1200")), 2,
        lambda: FileSource("e.csv", data=csv_bytes("code_territoire;indicateur;2022;2023",
                                                   "QNX0101M;pop_totale;beaucoup;1200")), "nombre"),
    "partenaire_par_indicateur": Example(
        lambda: FileSource("envoi.csv", data=csv_bytes("code_territoire;periode;pop_totale",
                                                       "QNX0101M;2023;1200")), 1,
        lambda: FileSource("e.csv", data=csv_bytes("code_territoire;periode;pop_totale",
                                                   "QNX0101M;l'an dernier;1200")), "période"),
    "partenaire_points": Example(
        lambda: FileSource("envoi.csv", data=csv_bytes("latitude;longitude;pop_totale", _point(TILLEULS, "12"),
                                                       _point(TILLEULS, "13"), _point(TILLEULS, "20"))), 1,
        lambda: FileSource("e.csv", data=csv_bytes("latitude;longitude;pop_totale", "nord;ouest;12",
                                                   _point(TILLEULS, "13"))), "coordonnées illisibles"),
    "ban_adresses": Example(
        lambda: FileSource("telechargement.gz", data=ban_gz()), 27,
        lambda: FileSource("a.csv", data=ban_csv([(1, "", "Rue X", "99001", "X0101", "Test", "", "")])),
        "Aucune adresse avec une position"),
    "enedis_adresses": Example(
        lambda: FileSource("export.csv", data=enedis_csv()), 6,
        lambda: FileSource("e.csv", data=enedis_csv([(1, "", "RUE", "DE LA PAIX", "X0101", "dix", "?")])),
        "aucune ligne lisible"),
    "odre_temperatures": Example(
        lambda: FileSource("export.csv", data=odre_csv({("53", "Bretagne"): {d: 8.0 for d in month_days(2020, 1)}})),
        1, lambda: FileSource("t.csv", data=odre_csv({("53", "Bretagne"): {d: 280.0 for d in month_days(2020, 1)}})),
        "hors de l'intervalle"),
    "dju_export": Example(
        lambda: FileSource("export.csv", data=dju_export_csv()), 18,
        lambda: FileSource("e.csv", data=dju_export_csv(base="15°C")), "base 18 °C"),
    "meteofrance_quotidien": Example(
        lambda: FileSource("q.csv", data=daily_csv({d: (4.0, 12.0) for d in month_days(2020, 1)})), 1,
        lambda: FileSource("q.csv", data=daily_csv({d: ("", "") for d in month_days(2020, 1)})),
        "aucune température"),
    # Monthly means cannot give exact degree days: recognised, then refused with the reason, never imported.
    "meteofrance_mensq": Example(
        lambda: FileSource("m.csv", data=mensq_csv()), 1,
        lambda: FileSource("m.csv", data=mensq_csv()), "température de chaque jour"),
    "residences_energie": Example(
        lambda: FileSource("envoi.csv", data=residences_csv(*residence_rows())), 1,
        lambda: FileSource("e.csv", data=residences_csv(*residence_rows(heating="au bois"))), "chauffage inconnu"),
    # A list of people's addresses is never imported: both ways in refuse it and point to « Adresses ».
    "liste_adresses": Example(
        lambda: FileSource("beneficiaires.csv", data=b"nom;adresse;code postal;ville\nA;3 rue de la Paix;99001;"
                                                     b"Villeneuve\n"), 1,
        lambda: FileSource("b.csv", data=b"nom;adresse\nA;3 rue de la Paix\n"), "jamais importées"),
}
KIND_NAMES = [kind.name for kind in kinds.KINDS]


def test_every_kind_has_examples():
    assert set(EXAMPLES) == set(KIND_NAMES)


@pytest.mark.parametrize("name", KIND_NAMES)
def test_recognised_from_its_content_whatever_its_name(name):
    sample = kinds.Sample(EXAMPLES[name].good(), indicators={i.id: i.label for i in TINY_INDICATORS})
    assert kinds.recognise(sample).name == name


@pytest.fixture(scope="module")
def partner_workspace(tmp_path_factory):
    con = db.connect(build_tiny_workspace(tmp_path_factory.mktemp("kinds") / "tiny.duckdb", demo=False))
    yield con
    con.close()


@pytest.mark.parametrize("name", KIND_NAMES)
def test_read_into_its_normalised_table(name, partner_workspace):
    example, kind = EXAMPLES[name], kinds.BY_NAME[name]
    if kind.is_partner:
        report = check_file(partner_workspace.cursor(), example.good(), _period_options(name))
        assert report.ok, report.text()
        assert report.rows_valid == example.rows and list(report.preview.columns)[:4] == [
            "Ligne", "Territoire", "Indicateur", "Période"]
        return
    if kind.personal:                                   # a list of addresses: located in memory, never stored
        assert len(read_addresses(example.good())) == example.rows
        return
    if name == "meteofrance_mensq":                     # recognised, never read (monthly means: no exact DJU)
        with pytest.raises(DQError, match="quotidien"):
            kind.read(kinds.Sample(example.good()))
        return
    reading = kind.read(kinds.Sample(example.good()))
    table = next(t for t in (reading.correspondence, reading.observations, reading.quartiers, reading.addresses,
                             reading.to_locate, reading.residences, reading.degree_days) if t is not None)
    assert len(table) >= example.rows and reading.label
    if reading.quartiers is not None:
        assert {"code", "name", "vintage"} <= set(reading.quartiers.columns)


@pytest.mark.parametrize("name", KIND_NAMES)
def test_malformed_is_refused_in_french_and_changes_nothing(name, partner_workspace, tmp_path):
    example, kind = EXAMPLES[name], kinds.BY_NAME[name]
    if kind.is_partner or kind.from_partners:
        cur = partner_workspace.cursor()
        before = database_checksum(cur)
        report = check_file(cur, example.bad(), _period_options(name))
        message = report.text()
        assert not report.ok and database_checksum(cur) == before
    else:
        con = db.connect(tmp_path / "official.duckdb")
        cur = con.cursor()
        with db.transaction(cur):
            db.set_meta(cur, "workspace_kind", "user")
        before = database_checksum(cur)
        outcome = import_sources(cur, [example.bad()]).outcomes[0]
        message = outcome.message
        assert outcome.status in ("ignored", "failed") and database_checksum(cur) == before
        con.close()
    assert example.refusal in message, message
    assert re.search(r"[éèàçêô]|\b(le|la|les|du|des|un|une|dans|aucun|pas)\b", message, re.I), message
    assert "Traceback" not in message and "Error" not in message


def _period_options(name: str):
    from dq_core.files import ImportOptions
    return ImportOptions(period="2023") if name == "partenaire_points" else None


def test_a_revn_base_is_not_taken_for_a_partner_table():
    """INSEE's bases have a territory column too: the registry tries the specific kinds first."""
    sample = kinds.Sample(FileSource("x.csv", data=revn("QP044013;Malakoff;20,0;38,0;12\u202f000;0;1;3;4;1;0")))
    assert kinds.recognise(sample).name == "insee_thematique"


def test_each_way_in_says_where_the_other_kind_of_file_goes(partner_workspace, tmp_path):
    report = check_file(partner_workspace.cursor(), EXAMPLES["insee_thematique"].good())
    assert not report.ok and "page « Données officielles »" in report.text()
    con = db.connect(tmp_path / "official.duckdb")
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
    outcome = import_sources(cur, [EXAMPLES["partenaire_long"].good()]).outcomes[0]
    con.close()
    assert outcome.status == "ignored" and "page « Importer »" in outcome.message
