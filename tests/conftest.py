"""Shared fixtures: small workspaces built from code (fixture data is code, see factories.py)."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dq_core.store import db
from tests.compare_factory import build_compare_workspace
from tests.factories import build_tiny_workspace


@pytest.fixture(autouse=True, scope="module")
def one_chromium_per_module():
    """Browser tests of a module share one Chromium (tests/browser/harness.py); it stops with the module,
    so that no later test finds Playwright's event loop running in this thread."""
    yield
    from tests.browser import harness

    harness.stop_shared_browser()


@pytest.fixture(autouse=True)
def app_test_environment(tmp_path, monkeypatch):
    """Fresh Streamlit caches, private workspaces folder, and AppTest runs in navigation mode.

    AppTest resets Streamlit's "pages directory" flag before every run, so each run would start in
    the legacy mode that app.py leaves with a rerun — and that rerun drops a button click. Start
    every run as a browser session does after its first request: in navigation mode.
    """
    original_init = PagesManager.__init__

    def init_in_navigation_mode(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False
    monkeypatch.setattr(PagesManager, "__init__", init_in_navigation_mode)
    monkeypatch.setenv("DQ_WORKSPACES", str(tmp_path / "workspaces"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory):
    """The three-quartier workspace, built once per session; tests get a copy (see tiny_db)."""
    return build_tiny_workspace(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")


@pytest.fixture(scope="session")
def user_template(tmp_path_factory):
    """The same workspace marked as a user's own (not the demo): partner and official imports go there."""
    return build_tiny_workspace(tmp_path_factory.mktemp("user") / "user.duckdb", demo=False)


@pytest.fixture
def user_db(tmp_path, user_template):
    """Path of a fresh copy of `user_template` (tests may write to it)."""
    return shutil.copyfile(user_template, tmp_path / "user.duckdb")


@pytest.fixture
def tiny_db(tmp_path, tiny_template):
    """Path of a fresh three-quartier workspace with known figures (a copy: tests may write to it)."""
    return shutil.copyfile(tiny_template, tmp_path / "tiny.duckdb")


@pytest.fixture
def cur(tiny_db):
    """A cursor on a fresh tiny workspace, closed after the test."""
    con = db.connect(tiny_db)
    yield con.cursor()
    con.close()


@pytest.fixture(scope="session")
def compare_db(tmp_path_factory):
    """The fourteen-quartier comparison workspace, built once per session: for tests that only read it."""
    return build_compare_workspace(tmp_path_factory.mktemp("compare") / "compare.duckdb")


@pytest.fixture
def fresh_compare_db(tmp_path, compare_db):
    """A copy of the comparison workspace that a test may write to."""
    return shutil.copyfile(compare_db, tmp_path / "compare.duckdb")


@pytest.fixture
def cli(capsys):
    """`python -m dq_core ARGS…` run in this process (the process boundary has its own test in
    test_export_cli): returns the exit code and what was printed."""
    from types import SimpleNamespace

    from dq_core.cli import main

    def run(*args) -> SimpleNamespace:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:                      # argparse refusing the arguments
            code = exc.code
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)
    return run
