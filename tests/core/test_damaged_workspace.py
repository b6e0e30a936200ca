"""Damaged, foreign and non-database workspace files, and full disks: a French answer, the file untouched."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dq_core.cli.main import main
from dq_core.errors import DQError
from dq_core.explore.fiche import build_fiche
from dq_core.store import db, failures
from tests.core.test_import_refusals import database_checksum
from tests.factories import TINY_INDICATORS, user_workspace

ROOT = Path(__file__).resolve().parents[2]
BLOCK = 262_144                   # DuckDB's block size: corrupting one block damages one table's data


def _sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()


def _edit(path: Path, sql: str) -> None:
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


def _damaged(kind: str, good: Path, target: Path) -> Path:
    """A copy of `good` damaged as `kind` says (or a file of another kind), at `target`."""
    if kind == "empty":
        target.write_bytes(b"")
    elif kind == "random":
        target.write_bytes(os.urandom(100_000))
    elif kind == "text":
        target.write_text("ceci n'est pas une base", encoding="utf-8")
    elif kind == "sqlite":
        _sqlite(target)
    elif kind == "truncated":
        target.write_bytes(good.read_bytes()[:300_000])
    elif kind == "overwritten_start":
        target.write_bytes(b"\x00" * 4096 + good.read_bytes()[4096:])
    else:
        shutil.copyfile(good, target)
        _edit(target, {"schema_v3": "UPDATE meta SET value = 'v3' WHERE key = 'schema_version'",
                       "missing_table": "DROP TABLE observation",
                       "missing_column": "ALTER TABLE indicator DROP COLUMN definition",
                       "foreign_duckdb": "DROP TABLE meta"}[kind])
    return target


REFUSED = {"empty": "vide", "random": "pas une base Data & Quartiers", "text": "pas une base Data & Quartiers",
           "sqlite": "base SQLite", "truncated": "endommagée", "overwritten_start": "pas une base Data & Quartiers",
           "schema_v3": "version de schéma illisible", "missing_table": "table manquante : observation",
           "missing_column": "colonne manquante dans indicator : definition",
           "foreign_duckdb": "pas la structure d'une base Data & Quartiers"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_a_file_that_is_not_a_sound_workspace_is_refused_in_french_and_left_untouched(kind, tiny_db, tmp_path):
    path = _damaged(kind, tiny_db, tmp_path / f"{kind}.duckdb")
    before = _digest(path)
    with pytest.raises(DQError, match=REFUSED[kind]) as refused:
        db.connect(path)
    assert "Error" not in refused.value.message and "Exception" not in refused.value.message
    assert _digest(path) == before
    assert not Path(f"{path}.wal").exists()


def test_every_connection_is_offline_and_a_sqlite_file_never_reaches_duckdb(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    # Even if a foreign file slipped past the check, DuckDB would refuse it instead of downloading.
    _sqlite(tmp_path / "s.db")
    with pytest.raises(duckdb.Error, match="(?i)install it first|not found"):
        db.open_duckdb(tmp_path / "s.db")
    assert not any(Path.home().glob(".duckdb/extensions/*/*/sqlite_scanner*"))


def test_no_module_opens_duckdb_without_the_offline_configuration():
    offenders = [str(p.relative_to(ROOT)) for folder in ("dq_core", "ui", "pages") for p in (ROOT / folder).rglob("*.py")
                 if "duckdb.connect(" in p.read_text(encoding="utf-8") and p.name != "db.py"]
    assert offenders == []


# --- every command ---------------------------------------------------------------------------------

def _commands(tmp_path: Path) -> dict[str, list[str]]:
    csv = tmp_path / "valeurs.csv"
    csv.write_text(f"code_territoire;indicateur;periode;valeur\nQNX0101M;{TINY_INDICATORS[0].id};2024;1500\n",
                   encoding="utf-8")
    (tmp_path / "officiel").mkdir(exist_ok=True)
    return {"quartiers": ["quartiers"], "profile": ["profile", "QNX0101M"], "groupes": ["groupes"],
            "groupe-creer": ["groupe-creer", "Deux", "QNX0101M", "QNX0102I"],
            "groupe-supprimer": ["groupe-supprimer", "GRP0001"],
            "evolution": ["evolution", "QNX0101M", "--indicateurs", TINY_INDICATORS[0].id],
            "similaires": ["similaires", "QNX0101M"], "history": ["history"], "undo": ["undo", "1"],
            "export": ["export", "QNX0101M", "--out", str(tmp_path / "f.xlsx")],
            "template": ["template", "--out", str(tmp_path / "m.xlsx")], "import": ["import", str(csv), "--replace"],
            "import-official": ["import-official", str(tmp_path / "officiel")]}


@pytest.mark.parametrize("kind", ["sqlite", "truncated", "missing_table", "runtime"])
def test_every_command_answers_a_damaged_workspace_in_french(kind, tiny_db, tmp_path, capsys):
    path = _runtime_damage(tiny_db, tmp_path) if kind == "runtime" else _damaged(kind, tiny_db, tmp_path / "w.duckdb")
    before = _digest(path)
    for name, argv in _commands(tmp_path).items():
        code = main([*argv, "--db", str(path)])
        err = capsys.readouterr().err
        if kind == "runtime" and code == 0:
            continue                          # this command did not touch the damaged block
        assert code == 1, (name, err)
        assert err.splitlines()[-1].startswith("Erreur : "), (name, err)
        assert "Traceback" not in err and "Error:" not in err and "Exception" not in err, (name, err)
        if kind != "runtime":                  # there, some commands refuse for their own reasons first
            assert any(word in err for word in ("endommagée", "pas une base", "base SQLite", "vide", "structure")), err
    if kind != "runtime":
        assert _digest(path) == before


def _runtime_damage(good: Path, tmp_path: Path) -> Path:
    """A copy that opens (its catalogue is sound) but whose figures cannot be read: one data block
    overwritten. The block is searched for, so that the test does not depend on the file's layout."""
    data = good.read_bytes()
    target = tmp_path / "runtime.duckdb"
    for block in range(2, len(data) // BLOCK + 1):
        damaged = bytearray(data)
        start = 4096 + 8 + block * BLOCK + 100
        damaged[start:start + 64] = b"\xff" * 64
        target.write_bytes(bytes(damaged))
        try:
            con = db.connect(target)
        except DQError:
            continue
        try:
            build_fiche(con.cursor(), "QNX0101M")
        except duckdb.Error:
            return target
        finally:
            con.close()
    raise AssertionError("no data block of the tiny workspace could be damaged alone")


def test_a_damaged_block_met_while_reading_is_explained_not_raised(tiny_db, tmp_path):
    path = _runtime_damage(tiny_db, tmp_path)
    con = db.connect(path)
    with pytest.raises(duckdb.Error) as raised:
        build_fiche(con.cursor(), "QNX0101M")
    con.close()
    explained = failures.explain(raised.value, path)
    assert explained is not None and "endommagée" in explained.message and "sauvegarde" in explained.message


# --- full disk, full temp folder ----------------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are a POSIX feature")
def test_a_full_disk_at_commit_says_the_base_is_intact_and_what_to_free(user_db, tmp_path):
    """RLIMIT_FSIZE makes every write past 2 kB fail as a full disk does: the import's commit (its
    write-ahead log) fails; before, this said « une autre écriture … a eu lieu en même temps »."""
    csv = tmp_path / "valeurs.csv"
    csv.write_text("code_territoire;indicateur;periode;valeur\n" + "".join(
        f"{code};{TINY_INDICATORS[0].id};{year};{1000 + year}\n" for code in ("QNX0101M", "QNX0102I", "QNX0103N")
        for year in range(2000, 2025)), encoding="utf-8")
    con = db.connect(user_db)
    before = (con.execute("SELECT count(*) FROM observation").fetchone(), db.data_version(con))
    con.close()

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
    run = subprocess.run([sys.executable, "-m", "dq_core", "import", str(csv), "--replace", "--db", str(user_db)],
                         cwd=ROOT, capture_output=True, text=True, preexec_fn=limited, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "même temps" not in run.stderr
    assert "disque est plein" in run.stderr and "intacte" in run.stderr and "Libérez" in run.stderr
    con = db.connect(user_db)
    assert (con.execute("SELECT count(*) FROM observation").fetchone(), db.data_version(con)) == before
    assert con.execute("SELECT count(*) FROM import_batch WHERE source = 'partenaire'").fetchone()[0] == 0
    con.close()


# The real command line, with DuckDB's memory and temporary folder as small as on a crowded laptop whose
# disk is full (`max_temp_directory_size` stands for the free space; a real full tmpfs gives the same answer).
SMALL_MACHINE_CLI = ("import sys; from dq_core.store import db; db.OFFLINE_CONFIG.update(memory_limit=sys.argv[1], "
                     "max_temp_directory_size=sys.argv[2], threads=1); from dq_core.cli.main import main; "
                     "sys.exit(main(sys.argv[3:]))")


def test_a_full_temp_folder_during_a_cli_import_says_so_and_leaves_the_base_intact(tmp_path):
    folder = tmp_path / "officiel"
    folder.mkdir()
    rows = [f"QP{44 + i // 1000:03d}{i % 1000:03d};Quartier {i};{3000 + i};Nantes;51,1;2,0;39,3" for i in range(3000)]
    (folder / "DEMO_2022.csv").write_text("\n".join(["CODGEO;LIBGEO;POP_MUN;LIB_COM;TX_F;IND_JEUNE;TX_TOT_0A24", *rows]),
                                          encoding="utf-8")
    path = tmp_path / "w.duckdb"
    con, cur = user_workspace(path)
    before = database_checksum(cur)
    con.close()

    # 16 MB are enough with room in the temporary folder (this import then goes through), not without.
    full = subprocess.run([sys.executable, "-c", SMALL_MACHINE_CLI, "16MB", "0KB", "import-official", str(folder),
                           "--db", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    said = full.stdout + full.stderr
    assert full.returncode == 1, said
    assert "Le dossier temporaire est plein" in said and "est intacte" in said and "Libérez de l'espace" in said
    assert str(path) + ".tmp" in said
    assert "Traceback" not in said and "Out of Memory" not in said and "Error" not in said
    con = db.connect(path)
    assert database_checksum(con.cursor()) == before
    con.close()


def test_a_full_disk_names_the_folder_duckdb_could_not_write(tmp_path):
    """DuckDB's temporary files may sit on another disk than the base (a full tmpfs): before, the message sent
    the user to free space next to the base, which had 80 GB left."""
    error = duckdb.IOException(f'IO Error: Could not write file "{tmp_path}/tmpfs/duckdb_temp_storage-0.tmp": '
                               "No space left on device")
    explained = failures.explain(error, tmp_path / "bases" / "w.duckdb")
    assert f"le disque qui contient « {tmp_path}/tmpfs »" in explained.message
    assert "la base « " in explained.message and "est intacte" in explained.message


def test_a_full_temp_folder_is_explained_with_what_to_free(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    con.execute("SET memory_limit = '16MB'")
    con.execute("SET max_temp_directory_size = '1MB'")
    with pytest.raises(duckdb.OutOfMemoryException) as raised:
        con.execute("SELECT range % 1000 AS k, string_agg(range::VARCHAR, ',') FROM range(20000000) GROUP BY k").fetchall()
    con.close()
    explained = failures.explain(raised.value, tmp_path / "w.duckdb")
    assert explained is not None
    assert "temporaire" in explained.message and "intacte" in explained.message
    assert str(tmp_path / "w.duckdb.tmp") in explained.message


def test_an_error_that_is_a_bug_is_not_explained_away():
    con = db.open_duckdb()
    with pytest.raises(duckdb.Error) as raised:
        con.execute("SELECT no_such_column FROM range(1)")
    assert failures.explain(raised.value) is None
    assert failures.explain(ValueError("x")) is None
