"""Small DuckDB helpers for the importer."""

from __future__ import annotations


def first(result):
    """The first row of a result, reading it to the end (DuckDB 2 refuses `register` on a cursor
    whose previous result was not fully fetched, which `fetchone()` leaves so)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def register(cur, name: str, frame) -> None:
    """`frame` as the temporary table `name` of the cursor."""
    cur.register(f"{name}_df", frame)
    cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")
    cur.unregister(f"{name}_df")
