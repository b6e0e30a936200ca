"""The package's own rules, without building it: where files go, the command's French help, the pins."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

import dq_core
from dq_core import command, launch
from dq_core.store import db, places, workspace

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.install


def test_from_a_clone_everything_stays_in_the_clone(monkeypatch):
    monkeypatch.delenv("DQ_WORKSPACES", raising=False)
    assert not places.INSTALLED and places.APP_DIR == ROOT
    assert db.DEMO_DB_PATH == ROOT / "data" / "demo.duckdb"
    assert workspace.workspaces_dir() == ROOT / "data" / "workspaces"


def test_the_installed_layout_is_recognised_by_its_own_folder(tmp_path):
    assert places.app_dir(tmp_path) == tmp_path                      # a clone: app.py beside dq_core/
    (tmp_path / "data_quartiers").mkdir()
    (tmp_path / "data_quartiers" / "app.py").write_text("")
    assert places.app_dir(tmp_path) == tmp_path / "data_quartiers"   # site-packages of an install


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the folder differs by system (platformdirs)")
def test_an_installed_copy_keeps_its_data_in_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert places.user_data_dir() == tmp_path / ".local" / "share" / "data-quartiers"


def test_help_lists_the_app_the_training_room_and_every_cli_command_in_french(capsys):
    with pytest.raises(SystemExit) as done:
        command.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage : data-quartiers")
    for line in (f"app             {command.APP_HELP[:30]}", "formation", "profile", "init-demo", "locate"):
        assert line in out, out
    assert command.main(["app", "--help"]) == 0
    assert "Lance Data & Quartiers et l'ouvre dans le navigateur" in capsys.readouterr().out


def test_the_training_room_help_is_french_and_names_the_installed_command(capsys):
    with pytest.raises(SystemExit) as done:
        command.main(["formation", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and out.startswith("usage : data-quartiers formation")
    assert "affiche cette aide et quitte" in out and "--code" in out


def test_the_version_is_said(capsys):
    with pytest.raises(SystemExit) as done:
        command.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"Data & Quartiers {dq_core.__version__}\n"


def test_a_cli_error_is_french_and_names_the_installed_command(capsys):
    with pytest.raises(SystemExit) as done:
        command.main(["profil"])
    assert done.value.code == 2
    assert "usage : data-quartiers" in capsys.readouterr().err


def test_the_build_pins_match_the_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    (backend,) = project["build-system"]["requires"]
    assert backend in dev.split() and project["project"]["version"] == dq_core.__version__
    # The dependencies are read from requirements.txt when the wheel is built (hatch_build.py).
    assert project["project"]["dynamic"] == ["dependencies"] and "dependencies" not in project["project"]


def test_a_relative_workspace_path_is_the_users_not_the_servers(tmp_path, monkeypatch):
    """The server runs in the app's folder (the package's, once installed): paths given where the user
    typed the command are made absolute first."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DQ_WORKSPACES", "mes-espaces")
    mine = str(tmp_path / "ma-base.duckdb")
    assert launch.from_here(["--db", "ma-base.duckdb"]) == ["--db", mine]
    assert launch.from_here(["--db=ma-base.duckdb", "--autre"]) == ["--db", mine, "--autre"]
    assert launch.environment_from_here()["DQ_WORKSPACES"] == str(tmp_path / "mes-espaces")
