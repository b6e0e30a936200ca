"""A first real workspace, without a browser: one name per workspace, what to download and from where,
and a folder report that says plainly when nothing was recognised."""

from __future__ import annotations

from pathlib import Path

import pytest

from dq_core.files import kinds
from dq_core.files.official import FileOutcome, FolderReport
from dq_core.files.official_guide import DOWNLOADS, NOT_DOWNLOADED, by_page
from dq_core.files.status import FileStatus
from dq_core.store import db, workspace


def test_a_workspace_is_named_as_it_was_created_and_the_demo_by_its_own_name(tmp_path):
    path = workspace.create_workspace("Contrat de ville de Rennes", tmp_path)
    assert path.name == "contrat-de-ville-de-rennes.duckdb"
    assert workspace.display_name(path) == "Contrat de ville de Rennes"
    assert workspace.display_name(db.DEMO_DB_PATH) == workspace.DEMO_NAME


def test_the_name_is_read_even_while_the_app_holds_the_file_open(tmp_path):
    path = workspace.create_workspace("Bailleurs", tmp_path)
    con = db.connect(path)                       # the app's own connection, in the same process
    try:
        assert workspace.display_name(path) == "Bailleurs"
        assert con.execute("SELECT 1").fetchone() == (1,)
    finally:
        con.close()


def test_a_file_without_a_stored_name_is_named_after_the_file(tmp_path):
    path = tmp_path / "base_du-contrat.duckdb"
    db.connect(path).close()
    assert workspace.display_name(path) == "Base du contrat"
    assert workspace.display_name(tmp_path / "absente.duckdb") == "Absente"
    (tmp_path / "abime.duckdb").write_bytes(b"pas une base")
    assert workspace.display_name(tmp_path / "abime.duckdb") == "Abime"


def test_two_workspaces_with_the_same_name_are_told_apart():
    names = {Path("/a/test.duckdb"): "Test", Path("/b/autre.duckdb"): "Test", Path("/c/x.duckdb"): "Ville"}
    assert workspace.distinct_names(names) == {Path("/a/test.duckdb"): "Test (test.duckdb)",
                                               Path("/b/autre.duckdb"): "Test (autre.duckdb)",
                                               Path("/c/x.duckdb"): "Ville"}


def test_every_official_kind_is_in_the_download_guide_with_its_producers_page():
    official = {kind.name for kind in kinds.KINDS if not kind.is_partner and not kind.personal}
    guided = {name for download in DOWNLOADS for name in download.kinds}
    assert guided | set(NOT_DOWNLOADED) == official and not guided & set(NOT_DOWNLOADED)
    for page, producer, downloads in by_page():
        assert page.startswith("https://") and " " not in page and producer and downloads
    assert [p for p, _, _ in by_page()] == list(dict.fromkeys(d.page for d in DOWNLOADS))


def report(*statuses: FileStatus) -> FolderReport:
    return FolderReport([FileOutcome(f"f{i}", status, "") for i, status in enumerate(statuses)])


@pytest.mark.parametrize(("statuses", "level", "summary"), [
    ((FileStatus.IGNORED,) * 3, "warning", "0 fichier importé, 3 ignorés."),
    ((), "warning", "0 fichier importé."),
    ((FileStatus.IMPORTED, FileStatus.IGNORED), "success", "1 fichier importé, 1 ignoré."),
    ((FileStatus.IMPORTED,) * 2 + (FileStatus.ALREADY_IMPORTED,), "success",
     "2 fichiers importés, 1 déjà importé."),
    ((FileStatus.ALREADY_IMPORTED,) * 2 + (FileStatus.IGNORED,), "info", "0 fichier importé, 2 déjà importés, 1 ignoré."),
    ((FileStatus.IMPORTED, FileStatus.FAILED, FileStatus.FAILED), "error", "1 fichier importé, 2 en erreur."),
])
def test_the_folder_report_says_what_happened_in_words(statuses, level, summary):
    folder = report(*statuses)
    assert folder.level == level
    assert folder.summary().startswith(summary)
    assert ("Aucun fichier n'a été reconnu" in folder.summary()) == (level == "warning")


def test_the_cli_does_not_import_into_the_demo_but_checks_there(tmp_path, tiny_db, cli):
    from tests.import_files import HEADER, csv_bytes

    file = tmp_path / "bailleur.csv"
    file.write_bytes(csv_bytes(HEADER, "QNX0101M;pop_totale;2024;3 200"))
    out = cli("import", file, "--replace", "--db", tiny_db)
    assert out.returncode == 1 and "démonstration (données fictives), qui le reste" in out.stderr
    out = cli("import", file, "--dry-run", "--db", tiny_db)
    assert out.returncode == 0 and "Fichier valide" in out.stdout, out.stderr
