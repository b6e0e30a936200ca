"""The open workspace and cached calls into dq_core, keyed by database file and data version."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import streamlit as st

from dq_core import db, workspace
from dq_core.fiche import Fiche, build_fiche
from dq_core.summary import WorkspaceSummary, indicator_coverage, workspace_summary
from dq_core.territories import Quartier, list_quartiers


def workspace_path() -> Path:
    """`--db PATH` after `streamlit run app.py --`, else `DQ_DB`, else the demo database."""
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
