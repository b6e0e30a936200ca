"""The open workspace and cached calls into dq_core, keyed by database file and data version."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import streamlit as st

from dq_core.explore.fiche import Fiche, build_fiche
from dq_core.store import db, workspace
from dq_core.store.summary import WorkspaceSummary, indicator_coverage, workspace_summary
from dq_core.store.territories import Quartier, list_quartiers

WORKSPACE_KEY = "workspace"


def workspace_path() -> Path:
    """The workspace chosen in the sidebar for this session, else `--db PATH` after
    `streamlit run app.py --`, else `DQ_DB`, else the demo database."""
    chosen = st.session_state.get(WORKSPACE_KEY)
    if chosen:
        return Path(chosen)
    return default_workspace_path()


def default_workspace_path() -> Path:
    args = sys.argv[1:]
    if "--db" in args and args.index("--db") + 1 < len(args):
        return workspace.resolve(args[args.index("--db") + 1])
    return workspace.resolve()


@st.cache_resource(show_spinner="Préparation des données de démonstration (première ouverture)…")
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    # One connection per workspace for the whole server; every run takes its own cursor (DuckDB 2
    # refuses concurrent calls on one connection).
    return workspace.open_connection(path)


def cursor() -> duckdb.DuckDBPyConnection:
    return _connection(str(workspace_path())).cursor()


def data_key() -> tuple[str, str]:
    """(workspace file, data version): the part of every cache key that changes after an import."""
    with cursor() as cur:
        return str(workspace_path()), db.data_version(cur)


@st.cache_data(max_entries=32, show_spinner=False)
def quartiers(key: tuple[str, str]) -> list[Quartier]:
    with cursor() as cur:
        return list_quartiers(cur)


@st.cache_data(max_entries=256, show_spinner=False)
def fiche(key: tuple[str, str], code: str) -> Fiche:
    with cursor() as cur:
        return build_fiche(cur, code)


@st.cache_data(max_entries=32, show_spinner=False)
def is_demo(key: tuple[str, str]) -> bool:
    with cursor() as cur:
        return db.is_demo(cur)


@st.cache_data(max_entries=32, show_spinner=False)
def summary(key: tuple[str, str]) -> WorkspaceSummary:
    with cursor() as cur:
        return workspace_summary(cur)


@st.cache_data(max_entries=32, show_spinner=False)
def coverage(key: tuple[str, str]):
    with cursor() as cur:
        return indicator_coverage(cur)


def workspace_label() -> str:
    return summary(data_key()).name


@st.cache_data(max_entries=256, show_spinner=False)
def perimeter_notice(key: tuple[str, str], code: str):
    from dq_core.store.geography import quartier_notice

    with cursor() as cur:
        return quartier_notice(cur, code)


@st.cache_data(max_entries=32, show_spinner=False)
def official_batches(key: tuple[str, str]):
    from dq_core.files.official import official_batches as batches

    with cursor() as cur:
        return batches(cur)


# --- partner imports (issue 5) ----------------------------------------------------------------

@st.cache_data(max_entries=8, show_spinner=False)
def import_history(key: tuple[str, str]):
    from dq_core.files import import_history as history

    with cursor() as cur:
        return history(cur)


@st.cache_data(max_entries=8, show_spinner=False)
def partners(key: tuple[str, str]) -> list[str]:
    from dq_core.files import partners as known

    with cursor() as cur:
        return known(cur)


@st.cache_data(max_entries=8, show_spinner=False)
def indicator_labels(key: tuple[str, str]) -> dict[str, str]:
    from dq_core.store.catalogue import load_indicators

    with cursor() as cur:
        return {ind.id: ind.label for ind in load_indicators(cur)}


def template(kind: str) -> bytes:
    """The import template (generated when the download button is clicked)."""
    from dq_core.files import build_template

    with cursor() as cur:
        return build_template(cur, kind=kind)


@st.cache_data(max_entries=4, show_spinner="Lecture du fichier…")
def inspect_upload(key: tuple[str, str], name: str, data: bytes, partner: str | None):
    """Columns, first rows and proposed mapping of an uploaded file (read once, not at every click)."""
    from dq_core.files import FileSource, inspect_file

    with cursor() as cur:
        return inspect_file(cur, FileSource.from_bytes(name, data), partner)


# Exports (issue 4) -------------------------------------------------------------------------------

def fiche_workbook(code: str):
    """A generator for the download button: builds the quartier's workbook when it is clicked.

    Streamlit runs it on another thread, outside the script run: it takes its own cursor on the
    workspace connection captured here, and calls no Streamlit function.
    """
    from dq_core import export

    connection = _connection(str(workspace_path()))

    def generate() -> bytes:
        with connection.cursor() as cur:
            return export.fiche_workbook_bytes(cur, code)
    return generate


@st.cache_data(max_entries=32, show_spinner=False)
def batch_scopes(key: tuple[str, str]) -> dict[str, list[tuple[str, str, int]]]:
    from dq_core import export

    with cursor() as cur:
        return export.batch_scopes(cur)
