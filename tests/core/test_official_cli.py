"""`python -m dq_core import-official` and `fetch-official` (against a local HTTP server only)."""

import http.server
import shutil
import threading
from functools import partial

import pytest

from dq_core.cli import main
from dq_core.store import db
from tests.official_fixtures import QPV2024, REGIONAL, require_official


@pytest.fixture
def served(tmp_path):
    """A folder served on 127.0.0.1 by http.server in a thread: (base URL, folder)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


def test_import_official_cli(tmp_path, capsys):
    require_official()
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(REGIONAL / "REVN_2022_BRE_PDL.csv", folder)
    shutil.copy(QPV2024 / "qpv2024_bretagne_pdl_official_layout_DERIVED.geojson", folder)
    (folder / "notes.txt").write_text("à lire")
    target = tmp_path / "mine.duckdb"
    assert main(["import-official", str(folder), "--db", str(target)]) == 0
    out = capsys.readouterr()
    assert "IMPORTÉ" in out.out and "IGNORÉ" in out.out and "2 fichiers importés" in out.err
    assert main(["import-official", str(folder), "--db", str(target)]) == 0
    assert "0 fichier importé, 2 déjà importés, 1 ignoré." in capsys.readouterr().err
    assert main(["profile", "QP044013", "--db", str(target)]) == 0
    assert "47,3" in capsys.readouterr().out


def test_import_official_cli_refuses_the_demo_and_a_missing_folder(tmp_path, capsys):
    assert main(["import-official", str(tmp_path / "absent"), "--db", str(tmp_path / "x.duckdb")]) == 1
    assert "n'existe pas" in capsys.readouterr().err


def test_fetch_official_downloads_then_imports(tmp_path, served, capsys):
    require_official()
    url, folder = served
    shutil.copy(REGIONAL / "DEMO_2022_BRE_PDL.csv", folder / "DEMO_2022.csv")
    shutil.copy(QPV2024 / "listeqp2024_sample_FIXTURE.csv", folder / "listeqp2024-cog2024.csv")
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[[source]]\nname = "Démographie 2022"\nurl = "{url}/DEMO_2022.csv"\nfile = "DEMO_2022.csv"\n\n'
        f'[[source]]\nname = "Liste 2024"\nurl = "{url}/listeqp2024-cog2024.csv"\nfile = "liste.csv"\n\n'
        f'[[source]]\nname = "Absent"\nurl = "{url}/absent.zip"\nfile = "absent.zip"\n', encoding="utf-8")
    target = tmp_path / "fetched.duckdb"
    assert main(["fetch-official", "--db", str(target), "--config", str(config),
                 "--dossier", str(tmp_path / "downloads")]) == 1          # one download failed
    out = capsys.readouterr()
    assert "Téléchargement impossible" in out.out and "2 fichiers importés" in out.err
    con = db.connect(target)
    assert con.execute("SELECT count(*) FROM territory WHERE level = 'quartier'").fetchone()[0] == 78 + 4
    con.close()


def test_fetch_configuration_errors_are_french(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]]\nname = 'x'\n", encoding="utf-8")
    assert main(["fetch-official", "--db", str(tmp_path / "y.duckdb"), "--config", str(bad)]) == 1
    assert "il manque « file »" in capsys.readouterr().err
