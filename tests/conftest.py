"""Shared fixtures: small workspaces built from code (fixture data is code, see factories.py)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from tests.factories import build_tiny_workspace


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


@pytest.fixture
def tiny_db(tmp_path):
    """Path of a fresh three-quartier workspace with known figures."""
    return build_tiny_workspace(tmp_path / "tiny.duckdb")
