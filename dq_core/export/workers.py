"""The quartier workbooks of a batch, written by two worker processes on a snapshot of the workspace.

Reading a quartier and writing its workbook (the XML of every cell and chart, then deflate) is pure
Python: one core does one quartier at a time. DuckDB lets a single process open the workspace, so the
batch first copies the tables a fiche reads into a snapshot file (about a second at national scale),
which each worker opens read-only. Workers take consecutive quartiers (they share their references:
the loader keeps them), and hand back finished files in order, a few at a time: memory does not grow
with the batch. Small batches, or a machine with one core, stay in this process.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import shutil
import tempfile
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dq_core.export.fiche_workbook import write_fiche_workbook
from dq_core.export.formats import fiche_filename
from dq_core.export.loader import FicheLoader
from dq_core.store import db

log = logging.getLogger(__name__)

MIN_PARALLEL = 16          # below, starting the workers (about a second) costs more than it saves
MAX_WORKERS = 2
CHUNK = 4                  # quartiers per task: few round trips, references reused within a task
IN_FLIGHT_PER_WORKER = 2
# Not read by any fiche, and large (the Base Adresse Nationale) or history only: left out of the snapshot.
SKIPPED_TABLES = ("address", "replaced_observation")
SKIPPED_PREFIXES = ("journal_",)


@dataclass(frozen=True)
class Written:
    """One quartier's workbook: its file name, its bytes (None when written to a folder), its label."""
    label: str                     # « Les Tilleuls (QNX0101M) », for the progress bar
    name: str
    content: bytes | None
    demo: bool


def worker_count(quartiers: int) -> int:
    """Worker processes for a batch of `quartiers`: none for a small batch or a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 0 if quartiers < MIN_PARALLEL or cores < 2 else min(MAX_WORKERS, cores)


def fiche_workbooks(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], exported_on: date, *,
                    directory: Path | None = None, workers: int | None = None) -> Iterator[Written]:
    """Each quartier's workbook, in the order of `codes`: as bytes, or written into `directory`."""
    workers = worker_count(len(codes)) if workers is None else workers
    if workers <= 0:
        yield from _written(FicheLoader(cur), codes, exported_on, directory)
        return
    with snapshot(cur) as path:
        yield from _parallel(path, codes, exported_on, directory, workers)


def _written(loader: FicheLoader, codes: Sequence[str], exported_on: date, directory: Path | None
             ) -> Iterator[Written]:
    for code in codes:
        data = loader.load(code)
        q = data.quartier
        name = fiche_filename(q, exported_on, demo=data.fiche.demo)
        if directory is None:
            buffer = io.BytesIO()
            write_fiche_workbook(data, buffer, exported_on=exported_on)
            content = buffer.getvalue()
        else:
            write_fiche_workbook(data, directory / name, exported_on=exported_on)
            content = None
        yield Written(f"{q.name} ({q.code})", name, content, data.fiche.demo)


@contextmanager
def snapshot(cur: duckdb.DuckDBPyConnection) -> Iterator[Path]:
    """A copy of the tables a fiche reads, in a temporary DuckDB file (removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="dq-export-"))
    path = folder / "snapshot.duckdb"
    alias = f"export_{uuid.uuid4().hex[:12]}"         # two sessions of the app may export at once
    source = cur.execute("SELECT current_database()").fetchone()[0]
    try:
        cur.execute(f"ATTACH '{_sql_text(str(path))}' AS {alias}")
        try:
            tables = [t for (t,) in cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
                "AND NOT temporary ORDER BY table_name", [source]).fetchall()
                if t not in SKIPPED_TABLES and not t.startswith(SKIPPED_PREFIXES)]
            for table in tables:
                cur.execute(f'CREATE TABLE {alias}.main."{table}" AS SELECT * FROM "{source}".main."{table}"')
        finally:
            cur.execute(f"DETACH {alias}")
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _context():
    # Not "fork": the app's server and DuckDB run threads, and a forked child may inherit a held lock.
    # Not "forkserver" either: its server would stay in memory beside the app after the first batch.
    # Each worker starts afresh: about a second of imports, once per batch.
    return multiprocessing.get_context("spawn")


def _parallel(path: Path, codes: Sequence[str], exported_on: date, directory: Path | None,
              workers: int) -> Iterator[Written]:
    """The workers' files, in order. Should the workers die (killed, out of memory, a script that
    runs its work again when imported), the quartiers left are written here."""
    chunks = [list(codes[i:i + CHUNK]) for i in range(0, len(codes), CHUNK)]
    pending: deque[Future] = deque()
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_open_snapshot,
                                 initargs=(str(path),)) as pool:
            try:
                for i, chunk in enumerate(chunks):
                    pending.append(pool.submit(_write_chunk, chunk, exported_on, directory))
                    while pending and (len(pending) >= workers * IN_FLIGHT_PER_WORKER or i == len(chunks) - 1):
                        for written in pending.popleft().result():
                            done += 1
                            yield written
            finally:
                for future in pending:
                    future.cancel()
    except BrokenProcessPool:
        log.warning("export workers stopped after %d of %d quartiers; writing the rest in-process",
                    done, len(codes))
    if done < len(codes):
        with db.open_duckdb(path, read_only=True) as con:
            yield from _written(FicheLoader(con.cursor()), codes[done:], exported_on, directory)


_worker_loader: FicheLoader | None = None


def _open_snapshot(path: str) -> None:
    """In a worker: the snapshot, read-only, and a loader that keeps the references it has read."""
    global _worker_loader
    _worker_loader = FicheLoader(db.open_duckdb(path, read_only=True).cursor())


def _write_chunk(codes: list[str], exported_on: date, directory: Path | None) -> list[Written]:
    assert _worker_loader is not None
    return list(_written(_worker_loader, codes, exported_on, directory))
