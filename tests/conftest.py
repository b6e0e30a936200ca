"""Shared fixtures: small workspaces built from code (fixture data is code, see factories.py)."""

from __future__ import annotations

import pytest

from tests.factories import build_tiny_workspace


@pytest.fixture
def tiny_db(tmp_path):
    """Path of a fresh three-quartier workspace with known figures."""
    return build_tiny_workspace(tmp_path / "tiny.duckdb")
