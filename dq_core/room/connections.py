"""The workspace connections of one room server process: each participant's copy read-write, the
shared reference workspaces read-only (so several server processes can open them at once)."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from dq_core.room.session import Room
from dq_core.store import db

# Thirty copies in one process: each database instance gets a small share of the memory and one
# thread, instead of DuckDB's default (80 % of the machine and every core, for each of them).
COPY_SETTINGS = {"memory_limit": "256MB", "threads": "1"}


class ConnectionPool:
    """One connection per workspace file for the whole process (take a `cursor()` per run)."""

    def __init__(self) -> None:
        self._connections: dict[str, duckdb.DuckDBPyConnection] = {}
        self._lock = threading.Lock()
        self.current_copy: dict[str, Path] = {}      # participant id → the copy this process last served

    def get(self, room: Room, path: str | Path) -> duckdb.DuckDBPyConnection:
        key = str(Path(path).resolve())
        with self._lock:
            con = self._connections.get(key)
            if con is None:
                con = db.connect_read_only(key) if room.is_reference(Path(key)) else db.connect(key)
                for name, value in COPY_SETTINGS.items():
                    con.execute(f"SET {name} = '{value}'")
                self._connections[key] = con
            return con

    def release(self, path: str | Path) -> None:
        """Close a workspace (a participant's copy before it is deleted by a reset)."""
        with self._lock:
            con = self._connections.pop(str(Path(path).resolve()), None)
        if con is not None:
            con.close()

    def open_count(self) -> int:
        return len(self._connections)


def drop_stale_copies(room: Room, pool: ConnectionPool, participant_id: str) -> None:
    """After a reset: close and delete the participant's older copies (this process held them)."""
    for stale in room.stale_copies(participant_id):
        pool.release(stale)
        for file in (stale, stale.with_name(stale.name + ".wal")):
            try:
                file.unlink(missing_ok=True)
            except OSError:              # still open in another server process: its turn will come
                pass
