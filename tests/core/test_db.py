"""The workspace file: creation, migrations of older files, locks, transactions."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dq_core.errors import DQError
from dq_core.store import db

ROOT = Path(__file__).resolve().parents[2]


def test_new_file_is_created_at_the_current_schema_version(tmp_path):
    con = db.connect(tmp_path / "new.duckdb")
    assert db.schema_version(con) == db.SCHEMA_VERSION
    con.close()


def test_a_file_made_by_an_older_version_opens_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    old = db.connect(path, target_version=1)            # as the first release wrote it
    assert db.schema_version(old) == 1
    batch = db.new_batch(old, "partenaire", file_name="ancien.csv")
    old.execute("INSERT INTO territory (code, level, name) VALUES ('QNX0101M', 'quartier', 'Ancien')")
    old.execute("INSERT INTO observation (territory, indicator, period, period_start, value, batch_id) "
                "VALUES ('QNX0101M', 'pop_totale', '2020', DATE '2020-01-01', 1234, ?)", [batch])
    old.close()

    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert con.execute("SELECT value, edition FROM observation").fetchall() == [(1234.0, None)]
    assert con.execute("SELECT count(*) FROM correspondence").fetchone()[0] == 0
    con.close()


def test_a_file_from_a_newer_version_is_refused_in_french(tmp_path):
    path = tmp_path / "future.duckdb"
    con = db.connect(path)
    db.set_meta(con, "schema_version", str(db.SCHEMA_VERSION + 1))
    con.close()
    with pytest.raises(DQError, match="version plus récente"):
        db.connect(path)


def test_transaction_commits_whole_or_nothing(tmp_path):
    con = db.connect(tmp_path / "t.duckdb")
    with pytest.raises(duckdb.Error):
        with db.transaction(con):
            con.execute("INSERT INTO meta VALUES ('a', '1')")
            con.execute("INSERT INTO meta VALUES ('a', '2')")          # duplicate key
    assert db.get_meta(con, "a") is None
    con.close()


def test_a_file_locked_by_another_process_gives_a_french_message(tmp_path):
    path = tmp_path / "locked.duckdb"
    db.connect(path).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(30)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DQError, match="déjà ouverte par un autre programme"):
            db.connect(path)
    finally:
        holder.kill()


def test_not_a_database_is_a_french_error(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("ceci n'est pas une base")
    with pytest.raises(DQError, match="pas une base Data & Quartiers"):
        db.connect(path)
