"""Which workspace (DuckDB file) is open, and making sure the demo exists before it is used."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dq_core import db
from dq_core.errors import DQError


def resolve(path: str | Path | None = None) -> Path:
    """The workspace file: the given path, else `DQ_DB`, else the demo database."""
    return Path(path).expanduser().resolve() if path else db.default_db_path().resolve()


def is_demo_path(path: Path) -> bool:
    return path.resolve() == db.DEMO_DB_PATH.resolve()


def ensure_exists(path: Path) -> bool:
    """Build the demo on first use; refuse a missing user workspace. True when the demo was built."""
    if path.exists():
        return False
    if is_demo_path(path):
        from dq_core.demo import build_demo

        build_demo(path)
        return True
    raise DQError(f"La base « {path} » n'existe pas. Vérifiez le chemin, ou créez-la en y important "
                  "des données.")


def open_connection(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    target = resolve(path)
    ensure_exists(target)
    return db.connect(target)


@contextmanager
def open_cursor(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the workspace for one command; the file is closed (and unlocked) afterwards."""
    con = open_connection(path)
    try:
        yield con.cursor()
    finally:
        con.close()
