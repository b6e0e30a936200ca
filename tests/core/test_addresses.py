"""Addresses → quartier: the address base as a file kind, the matcher on a messy list, point in polygon,
aggregated counts with secrecy, the CLI, and nothing personal left behind."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dq_core.addresses.index import index_files, indexed_communes
from dq_core.addresses.locate import Columns, locate, shared_summary
from dq_core.addresses.normalise import parse_line, street_key
from dq_core.errors import DQError
from dq_core.files.history import undo_import
from dq_core.files.official import read_file
from dq_core.files.read.source import FileSource
from dq_core.files.status import FileStatus
from dq_core.store import db
from tests.addresses_fixtures import MESSY, ban_csv, ban_gz


@pytest.fixture
def indexed(tiny_db):
    con = db.connect(tiny_db)
    cur = con.cursor()
    report = index_files(cur, [FileSource.from_bytes("adresses-99.csv.gz", ban_gz())])
    assert [o.status for o in report.outcomes] == [FileStatus.IMPORTED], report.summary()
    yield cur
    con.close()


def test_spellings_of_one_street_share_a_key():
    assert street_key("Av. du Gal de Gaulle") == street_key("AVENUE GENERAL DE GAULLE") == "AVENUE GENERAL GAULLE"
    assert street_key("r. St-Exupéry") == street_key("Rue Saint Exupery")
    parsed = parse_line("8 bis av. du Gal de Gaulle, 35000 Rennes Cedex 9")
    assert (parsed.number, parsed.repetition, parsed.postcode, parsed.commune) == (8, "B", "35000", "RENNES")
    assert parse_line("8B avenue").repetition == "B" and parse_line("8 ter rue X").repetition == "T"


def test_the_address_base_is_recognised_by_content_and_indexed_once(indexed):
    kind, reading = read_file(FileSource.from_bytes("nom-quelconque.csv", ban_csv()))
    assert kind.name == "ban_adresses" and len(reading.addresses) == 27
    assert indexed_communes(indexed) == [("X0101", "Villeneuve-Test", 25), ("X0102", "Bourg-Test", 2)]
    again = index_files(indexed, [FileSource.from_bytes("adresses-99.csv.gz", ban_gz())])
    assert again.outcomes[0].status == FileStatus.ALREADY_IMPORTED
    other = index_files(indexed, [FileSource.from_bytes("x.csv", b"CODGEO;POP_MUN;TX_F\nQP044013;1;2\n")])
    assert other.outcomes[0].status == FileStatus.IGNORED


def test_the_older_ban_layout_is_read_too():
    legacy = ("id;nom_voie;id_fantoir;numero;rep;code_insee;code_post;alias;nom_ld;nom_afnor;libelle_acheminement;"
              "x;y;lon;lat;nom_commune\nADRNIVX_1;allée des acacias;0020;18;\"\";54084;54111;\"\";\"\";ALLEE DES "
              "ACACIAS;MONT BONVILLERS;905959;6917588.2;5.83304;49.32461;Mont-Bonvillers\n").encode()
    kind, reading = read_file(FileSource.from_bytes("adresses-54084.csv", legacy))
    row = reading.addresses.iloc[0]
    assert kind.name == "ban_adresses" and row["code_postal"] == "54111" and row["street_key"] == "ALLEE ACACIAS"


def test_a_broken_gzip_is_refused_in_french_and_changes_nothing(indexed):
    before = indexed.execute("SELECT count(*) FROM address").fetchone()[0]
    report = index_files(indexed, [FileSource.from_bytes("adresses-35.csv.gz", ban_gz()[:200])])
    assert report.outcomes[0].status == FileStatus.FAILED and "abîmé" in report.outcomes[0].message
    assert indexed.execute("SELECT count(*) FROM address").fetchone()[0] == before


def test_the_messy_list_is_matched_with_the_expected_quality_and_quartier(indexed):
    frame = pd.DataFrame({"adresse": [m[0] for m in MESSY]})
    located = locate(indexed, frame, Columns(address="adresse"), vintage=2024)
    got = list(zip(located.rows["qualite"], located.rows["code_quartier"], strict=True))
    assert got == [(q, c) for _, q, c in MESSY]
    assert located.rows.loc[0, "nom_quartier"] == "Le Plateau"
    assert located.total == 10 and located.in_qpv == 6 and len(located.unmatched) == 2


def test_separate_columns_and_coordinates(indexed):
    frame = pd.DataFrame({"num": ["8", "3"], "voie": ["av Gal de Gaulle", "rue de la paix"], "cp": ["99001", ""],
                          "ville": ["", "Villeneuve Test"]})
    located = locate(indexed, frame, Columns(number="num", street="voie", postcode="cp", commune="ville"))
    assert list(located.rows["code_quartier"]) == ["QNX0102I", "QNX0101M"]
    from dq_core import lambert
    x, y = lambert.from_wgs84(-5.28, 46.02)
    coords = pd.DataFrame({"lat": ["46,02", "46.2", "abc"], "lon": ["-5.38", "-5.45", "1"],
                           "x": [str(x), "0", "0"], "y": [str(y), "0", "0"]})
    by_wgs = locate(indexed, coords, Columns(lat="lat", lon="lon"))
    assert list(by_wgs.rows["code_quartier"]) == ["QNX0101M", None, None]
    assert list(by_wgs.rows["qualite"]) == ["exacte", "exacte", "introuvable"]
    by_lambert = locate(indexed, coords.iloc[:1], Columns(x="x", y="y"))
    assert by_lambert.rows.loc[0, "code_quartier"] == "QNX0102I"


def test_the_shared_summary_masks_small_counts(indexed):
    frame = pd.DataFrame({"adresse": ["3 rue de la Paix 99001"] * 12 + ["8 av Gal de Gaulle 99001"] * 2})
    located = locate(indexed, frame, Columns(address="adresse"))
    table = located.by_quartier.set_index("code_quartier")
    assert table.loc["QNX0101M", "adresses"] == 12 and table.loc["QNX0102I", "adresses"] == 2
    shared = shared_summary(located)["quartiers"].set_index("code_quartier")
    assert shared.loc["QNX0101M", "adresses"] == 12 and shared.loc["QNX0102I", "adresses"] == "s"
    assert shared.loc["QNX0102I", "part"] == "s"


def test_without_an_address_base_the_user_is_told_what_to_index(tiny_db):
    con = db.connect(tiny_db)
    with pytest.raises(DQError, match="index-adresses"):
        locate(con.cursor(), pd.DataFrame({"adresse": ["1 rue X"]}), Columns(address="adresse"))
    con.close()


def test_indexing_is_undone_exactly(indexed):
    batch = indexed.execute("SELECT max(batch_id) FROM address").fetchone()[0]
    undo_import(indexed, batch)
    assert indexed.execute("SELECT count(*) FROM address").fetchone()[0] == 0


def test_cli_locate_writes_the_user_file_and_prints_only_counts(tiny_db, tmp_path, cli):
    gz = tmp_path / "adresses-99.csv.gz"
    gz.write_bytes(ban_gz())
    assert cli("index-adresses", gz, "--db", tiny_db).returncode == 0
    source = tmp_path / "beneficiaires.csv"
    source.write_text("nom;adresse\n" + "\n".join(f"Personne {i};{m[0]}" for i, m in enumerate(MESSY)),
                      encoding="utf-8")
    out = tmp_path / "resultat.csv"
    result = cli("locate", source, "--colonne-adresse", "adresse", "--out", out, "--json", "--db", tiny_db)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["total"] == 10 and summary["dans_un_qpv"] == 6 and summary["introuvables"] == 1
    assert "Personne" not in result.stdout and "Paix" not in result.stdout
    written = pd.read_csv(out, sep=";", dtype=str)
    assert list(written.columns[-6:]) == ["code_quartier", "nom_quartier", "qualite", "score", "longitude",
                                          "latitude"]
    # Nothing personal in the workspace: no name, no address string of the list.
    con = db.connect(tiny_db)
    dump = " ".join(str(v) for table in ("observation", "import_batch", "territory", "meta")
                    for row in con.execute(f"SELECT * FROM {table}").fetchall() for v in row)
    con.close()
    assert "Personne" not in dump and "beneficiaires" not in dump and "Inconnue" not in dump
    # …nor in any file the run left, the user's own input and output aside (the workspace file included).
    for path in tmp_path.rglob("*"):
        if path.is_file() and path not in (source, out):
            assert b"Personne" not in path.read_bytes(), path
