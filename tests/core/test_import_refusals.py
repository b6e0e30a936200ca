"""A corpus of bad files: each is refused (or waits for a choice) with a French message saying what,
where and which value, and the database is exactly as before (checksum of every table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dq_core.files import FileSource, ImportOptions, import_file
from dq_core.store import db
from tests.factories import build_tiny_workspace
from tests.import_files import bad_files

ROOT = Path(__file__).resolve().parents[2]
BAD = bad_files()


def database_checksum(cur) -> dict[str, tuple]:
    """(row count, order-independent hash of the rows) of every table of the workspace."""
    tables = [r[0] for r in cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    return {t: tuple(cur.execute(f'SELECT count(*), sum(hash(x)::HUGEINT) FROM (SELECT "{t}" AS x FROM "{t}")')
                     .fetchall()[0]) for t in tables}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    path = build_tiny_workspace(tmp_path_factory.mktemp("refusals") / "tiny.duckdb", demo=False)
    con = db.connect(path)
    yield con
    con.close()


def test_the_corpus_has_at_least_thirty_bad_files():
    assert len(BAD) >= 30
    assert len({b.id for b in BAD}) == len(BAD)


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_bad_file_is_refused_in_french_and_the_database_is_unchanged(workspace, bad):
    before = database_checksum(workspace.cursor())
    options = ImportOptions(
        indicators_file=FileSource.from_bytes(bad.indicators_name, bad.indicators) if bad.indicators else None)
    with workspace.cursor() as cur:
        report = import_file(cur, FileSource.from_bytes(bad.name, bad.content), options)
    text = report.text()
    assert report.status == bad.status, text
    for words in bad.expected:
        assert words in text, f"« {words} » absent de :\n{text}"
    assert report.batch_id is None
    assert database_checksum(workspace.cursor()) == before


@pytest.mark.parametrize("bad_id", ["territoire_inconnu", "binaire", "conflit", "emails"])
def test_cli_refuses_with_the_french_report_on_stderr(tmp_path, bad_id, user_db, cli):
    bad = next(b for b in BAD if b.id == bad_id)
    path = user_db
    file = tmp_path / bad.name
    file.write_bytes(bad.content)
    con = db.connect(path)
    before = database_checksum(con.cursor())
    con.close()
    out = cli("import", file, "--db", path)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    for words in bad.expected:
        assert words in out.stderr
    con = db.connect(path)
    assert database_checksum(con.cursor()) == before
    con.close()


def test_dry_run_of_a_valid_file_stores_nothing(tmp_path, user_db, cli):
    path = user_db
    con = db.connect(path)
    before = database_checksum(con.cursor())
    file = tmp_path / "ok.csv"
    file.write_text("code_territoire;indicateur;periode;valeur\nQNX0101M;pop_totale;2023;3 100\n", encoding="utf-8")
    con.close()
    out = cli("import", file, "--dry-run", "--db", path)
    assert out.returncode == 0, out.stderr
    assert "Fichier valide" in out.stdout and "Rien n'a été enregistré" in out.stdout
    con = db.connect(path)
    assert database_checksum(con.cursor()) == before
    con.close()
