"""Small DuckDB helpers for the importer."""

from __future__ import annotations


def first(result):
    """The first row of a result, reading it to the end (DuckDB 2 refuses `register` on a cursor
    whose previous result was not fully fetched, which `fetchone()` leaves so)."""
    rows = result.fetchall()
    return rows[0] if rows else None
