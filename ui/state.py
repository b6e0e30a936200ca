"""The session's open workspace: its file, a cursor per run, the data key of every cache, and the
files built from it when a download button is clicked (never cached)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import streamlit as st

from dq_core.store import db, workspace
from ui import cache, room

WORKSPACE_KEY = "workspace"


def workspace_path() -> Path:
    """The workspace chosen in the sidebar for this session, else `--db PATH` after
    `streamlit run app.py --`, else `DQ_DB`, else the demo database."""
    chosen = st.session_state.get(WORKSPACE_KEY)
    if room.active():                      # a training room: the participant's own copy, or a shared one
        return room.workspace_path(chosen)
    if chosen:
        return Path(chosen)
    return default_workspace_path()


def default_workspace_path() -> Path:
    args = sys.argv[1:]
    if "--db" in args and args.index("--db") + 1 < len(args):
        return workspace.resolve(args[args.index("--db") + 1])
    return workspace.resolve()


def cursor() -> duckdb.DuckDBPyConnection:
    return cache.connection(str(workspace_path())).cursor()


def data_key() -> tuple[str, str]:
    """(workspace file, data version): the part of every cache key that changes after an import."""
    with cursor() as cur:
        version = db.data_version(cur)
    if room.active():
        return room.cache_path(workspace_path(), version), version
    return str(workspace_path()), version


def workspace_label() -> str:
    """The open workspace's name, as the chooser, the sidebar and the home page all give it."""
    current = str(workspace_path().resolve())
    return workspace_choices()[current]


def workspace_choices() -> dict[str, str]:
    """Every workspace one can open (the demo, the workspaces folder, the open one) → its distinct name."""
    if room.active():
        return room.workspace_choices()
    paths = workspace.list_workspaces()
    current = workspace_path().resolve()
    if current not in paths:
        paths.append(current)
    names = {p: _workspace_name(str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in paths}
    return {str(p): name for p, name in workspace.distinct_names(names).items()}


@st.cache_data(max_entries=64, show_spinner=False)
def _workspace_name(path: str, stamp: int) -> str:
    return workspace.display_name(Path(path))


def template(kind: str) -> bytes:
    """The import template (generated when the download button is clicked)."""
    from dq_core.files import build_template

    with cursor() as cur:
        return build_template(cur, kind=kind)


def fiche_workbook(code: str):
    """A generator for the download button: builds the quartier's workbook when it is clicked.

    Streamlit runs it on another thread, outside the script run: it takes its own cursor on the
    workspace connection captured here, and calls no Streamlit function.
    """
    from dq_core import export

    connection = cache.connection(str(workspace_path()))

    def generate() -> bytes:
        with connection.cursor() as cur:
            return export.fiche_workbook_bytes(cur, code)
    return generate
