"""The app on a damaged or foreign workspace: a French message, and the workspace chooser to switch away."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.apptest import open_app
from tests.core.test_damaged_workspace import _damaged, _runtime_damage


@pytest.mark.parametrize("kind", ["sqlite", "schema_v3", "runtime"])
def test_a_damaged_workspace_gives_a_french_message_and_keeps_the_chooser(kind, tiny_db, tmp_path, monkeypatch):
    path = _runtime_damage(tiny_db, tmp_path) if kind == "runtime" else _damaged(kind, tiny_db, tmp_path / "w.duckdb")
    sound = Path(os.environ["DQ_WORKSPACES"]) / "sain.duckdb"
    sound.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tiny_db, sound)
    monkeypatch.setenv("DQ_DB", str(path))
    at = open_app("pages/fiche.py" if kind == "runtime" else None, timeout=30, quartier="QNX0101M")
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error)
    assert any(word in errors for word in ("endommagée", "SQLite", "structure")), errors
    assert "Error" not in errors and "Exception" not in errors
    chooser = next(s for s in at.sidebar.selectbox if s.label == "Espace de travail")
    chooser.set_value(str(sound.resolve())).run()      # the user switches to a sound workspace
    assert not at.exception and not at.error
    assert any("Test" in c.value for c in at.sidebar.caption)
