"""What changes only with the data, read once per workspace and data version and shared: the catalogue and
its domains, every quartier with its reference territories, the 2015 predecessors of the 2024 quartiers.

Every write through dq_core bumps `db.data_version` (in the same transaction); a snapshot is keyed by the
workspace's file, what tells two workspaces built at one path apart (demo seed and scale, creation date;
read once per cursor), and its version: the data version and the workspace kind (`VERSION_SQL`). A workspace in memory has no file to key on: it is read afresh each
time. Nothing may modify what a snapshot holds.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import duckdb

from dq_core.store import db
from dq_core.store.catalogue import Indicator, domain_labels, load_indicators
from dq_core.store.territories import Quartier, quartiers_with_references, unknown_quartier

# A training room's server holds one demo copy per participant (about 1 MB of snapshot each): room for a
# room of 30–40 without re-reading a snapshot on every switch.
_CACHED_WORKSPACES = 40
# Every département, région, France and ensemble of the national demo (112) fits: ~10 MB.
_SHARED_SERIES = 128


class SharedSeries:
    """The whole series of the territories many quartiers share as references (département, région, France,
    ensemble), kept per data version so that a fiche reads only its commune's and EPCI's rows. Thread-safe;
    the newest `capacity` territories are kept."""

    def __init__(self, capacity: int = _SHARED_SERIES):
        self.capacity = capacity
        self._series: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def index(series: dict) -> dict:
        """indicator → (points oldest first, {period: point}): what is kept of one territory."""
        return {ind: (points, _first_by_period(points)) for ind, points in series.items()}

    def get(self, code: str) -> dict | None:
        with self._lock:
            found = self._series.get(code)
            if found is not None:
                self._series.move_to_end(code)
            return found

    def put(self, code: str, series: dict) -> None:
        with self._lock:
            self._series[code] = series
            while len(self._series) > self.capacity:
                self._series.popitem(last=False)


@dataclass(frozen=True, eq=False)
class Snapshot:
    indicators: list[Indicator]                        # catalogue order (`load_indicators`)
    labels: dict[str, str]                             # domain id → French label
    demo: bool
    quartiers: dict[str, Quartier]                     # code → quartier with its references
    predecessors: dict[str, list[tuple[str, str]]]     # 2024 code → (2015 code, name), as `geography.predecessors`
    version: str = ""                                  # what `VERSION_SQL` gave when it was read
    shared_series: SharedSeries = field(default_factory=SharedSeries, repr=False)

    def quartier(self, code: str) -> Quartier:
        """The quartier of `code` (any case); a French error for an unknown code, as `get_quartier`."""
        code = code.strip().upper()
        found = self.quartiers.get(code)
        if found is None:
            raise unknown_quartier(code)
        return found


# What a snapshot is read again for: the data version (`db.data_version`) and the workspace kind. A scalar
# subquery, so that a caller can read it within its own query.
VERSION_SQL = """(SELECT coalesce(nullif(max(value) FILTER (WHERE key = 'data_version'), ''), '0') || '|'
                 || coalesce(max(value) FILTER (WHERE key = 'workspace_kind'), '') FROM meta)"""

# Once per cursor: the file, and the meta entries that tell two workspaces built at one path apart.
_WORKSPACE_SQL = """
SELECT (SELECT path FROM duckdb_databases() WHERE database_name = current_database()),
       (SELECT list(key || '=' || coalesce(value, '') ORDER BY key) FROM meta
        WHERE key IN ('demo_seed', 'demo_scale', 'created_at'))
"""

_cache: OrderedDict[tuple, Snapshot] = OrderedDict()
_workspaces: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()     # cursor → workspace key or None
_lock = threading.Lock()


def snapshot(cur: duckdb.DuckDBPyConnection) -> Snapshot:
    """The snapshot of the open workspace at its current data version (read on first use)."""
    return snapshot_at(cur, cur.execute(f"SELECT {VERSION_SQL}").fetchone()[0])


def snapshot_at(cur: duckdb.DuckDBPyConnection, version: str) -> Snapshot:
    """The snapshot at `version`, what the caller has just read of `VERSION_SQL` (in one of its own queries)."""
    workspace = _workspace(cur)
    if workspace is None:
        return read_snapshot(cur, version)
    with _lock:
        found = _cache.get((workspace, version))
        if found is not None:
            _cache.move_to_end((workspace, version))
            return found
    found = read_snapshot(cur, version)
    with _lock:
        for old in [key for key in _cache if key[0] == workspace]:
            del _cache[old]                   # an older version of the same workspace is never asked again
        _cache[(workspace, version)] = found
        while len(_cache) > _CACHED_WORKSPACES:
            _cache.popitem(last=False)
    return found


def last_snapshot(cur: duckdb.DuckDBPyConnection) -> Snapshot | None:
    """The snapshot last read for this cursor's workspace, *not checked* against its data version: a caller
    reads `VERSION_SQL` in its own query and compares it with `Snapshot.version` (saving a query per call)."""
    workspace = _workspace(cur)
    if workspace is None:
        return None
    with _lock:
        return next((snap for key, snap in reversed(_cache.items()) if key[0] == workspace), None)


def _workspace(cur: duckdb.DuckDBPyConnection) -> tuple | None:
    with _lock:
        if cur in _workspaces:
            return _workspaces[cur]
    path, meta = cur.execute(_WORKSPACE_SQL).fetchone()
    workspace = (path, tuple(meta or ())) if path else None
    with _lock:
        _workspaces[cur] = workspace
    return workspace


def _first_by_period(points: list) -> dict:
    found: dict = {}
    for point in points:
        found.setdefault(point.period, point)
    return found


def read_snapshot(cur: duckdb.DuckDBPyConnection, version: str | None = None) -> Snapshot:
    # Imported here: geography builds on the fiche, which builds on this module.
    from dq_core.store import geography

    if version is None:
        version = cur.execute(f"SELECT {VERSION_SQL}").fetchone()[0]
    return Snapshot(load_indicators(cur), domain_labels(cur), db.is_demo(cur), quartiers_with_references(cur),
                    geography.predecessors_by_quartier(cur), version)
