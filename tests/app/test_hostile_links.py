"""Hostile links and shared servers (AppTest): link text shown as text, long parameters dropped first,
no path typed in the browser read on a shared server."""

from __future__ import annotations

import os
import time

import pytest

from dq_core import fmt
from dq_core.files.official import collect_folder, import_sources
from dq_core.store import db
from tests.apptest import open_app, shown
from ui.render.text import WORD_JOINER

PHISHING = "[Session expirée : reconnectez-vous](http://evil.example/login) ![](http://evil.example/pixel.gif)"


def _markdown_sources(at) -> list[str]:
    return [e.value for kind in ("info", "warning", "error", "caption", "markdown") for e in getattr(at, kind)] + [
        e.value for kind in ("info", "caption") for e in getattr(at.sidebar, kind)]


def _no_live_markdown(texts: list[str]) -> None:
    for text in texts:
        assert "](http" not in text and "![" not in text and ":red[" not in text, text
        assert "http://evil" not in text.replace(WORD_JOINER, "") or WORD_JOINER in text, text


@pytest.mark.parametrize(("page", "params"), [
    (None, {"quartier": PHISHING}),                     # the sidebar's chooser, on every page
    ("pages/evolution.py", {"quartier": "QNX0101M", "indicateurs": f"taux_pauvrete,{PHISHING}"}),
    ("pages/comparer.py", {"quartier": "QNX0101M", "commune": ":red[Alerte] :material/warning: $$x^2$$"}),
    ("pages/carte.py", {"quartier": "QNX0101M", "indicateur": PHISHING, "classes": "$$\\int$$"}),
])
def test_link_values_are_said_as_plain_text(page, params, tiny_db, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(tiny_db))
    at = open_app(page, timeout=30, **params)
    assert not at.exception, at.exception
    texts = _markdown_sources(at)
    _no_live_markdown(texts)
    # The rejected value is still said, as its reader would type it.
    wanted = [v for v in params.values() if v != "QNX0101M"][0].split(",")[-1]
    assert any(wanted.strip().upper() in shown(t).upper() for t in texts), texts


def test_an_over_long_parameter_is_dropped_at_once_with_a_french_notice(tiny_db, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(tiny_db))
    started = time.perf_counter()
    at = open_app(None, timeout=30, quartier="QNX0102I", indicateurs="x" * 30_000)   # the first run says it
    assert time.perf_counter() - started < 15
    assert not at.exception
    notice = " ".join(shown(w.value) for w in at.warning)
    assert "Lien trop long" in notice and "« indicateurs »" in notice and f"{fmt.number(2000, 0)} caractères" in notice
    assert "indicateurs" not in at.query_params or len(at.query_params["indicateurs"]) < 2_000
    assert at.query_params["quartier"] == "QNX0102I"         # the rest of the link still works


def test_a_shared_server_offers_upload_only_and_no_path_opener(user_db, monkeypatch):
    monkeypatch.setenv("DQ_DB", str(user_db))
    monkeypatch.setenv("DQ_SHARED_SERVER", "1")
    at = open_app("pages/officiel.py", timeout=30)
    assert not at.exception and not at.error
    labels = [t.label for t in at.text_input]
    assert not any("Dossier" in label or "chemin" in label for label in labels), labels
    assert [t.label for t in at.tabs] == ["Envoyer des fichiers", "Mettre à jour en ligne"]
    monkeypatch.delenv("DQ_SHARED_SERVER")
    at = open_app("pages/officiel.py", timeout=30)
    assert any("Dossier" in t.label for t in at.text_input) and any("chemin" in t.label for t in at.text_input)


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_folder_is_read_without_following_links_and_an_unknown_file_is_never_quoted(tmp_path, user_db):
    secret = tmp_path / "ailleurs" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n")
    folder = tmp_path / "telechargements"
    (folder / "sous-dossier").mkdir(parents=True)
    (folder / "lien.csv").symlink_to(secret)
    (folder / "sous-dossier" / "lien-dossier").symlink_to(secret.parent, target_is_directory=True)
    (folder / "copie.csv").write_text(secret.read_text())
    sources = collect_folder(folder)
    assert [s.name for s in sources] == ["copie.csv"]
    con = db.connect(user_db)
    report = import_sources(con.cursor(), sources)
    con.close()
    [outcome] = report.outcomes
    assert outcome.status_label == "ignoré" and "En-tête non reconnu" in outcome.message
    assert "root" not in outcome.message and "bin" not in outcome.message
    (tmp_path / "lien-racine").symlink_to(folder, target_is_directory=True)
    with pytest.raises(Exception, match="lien symbolique"):
        collect_folder(tmp_path / "lien-racine")
