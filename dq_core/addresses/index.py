"""Indexing the national address base into a workspace: each BAN file one undoable batch, through the
official files' way in (recognised by content, same file twice a no-op)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from dq_core.files.official import FolderReport, import_one
from dq_core.files.read.source import FileSource

BAN_KINDS = {"ban_adresses"}


def index_files(cur: duckdb.DuckDBPyConnection, sources: list[FileSource],
                progress: Callable[[int, int, str], None] | None = None) -> FolderReport:
    """Index BAN files into any workspace, the demo's included (public addresses, no figures)."""
    report = FolderReport()
    for i, source in enumerate(sources):
        if progress:
            progress(i, len(sources), source.name)
        report.outcomes.append(import_one(cur, source, only=BAN_KINDS))
        source.release()
    if progress:
        progress(len(sources), len(sources), "")
    return report


def indexed_communes(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(code, name, addresses) of each commune the workspace can locate addresses in."""
    return cur.execute("""
        SELECT code_insee, any_value(commune), count(*) FROM (
            SELECT * FROM address QUALIFY batch_id = max(batch_id) OVER (PARTITION BY code_insee))
        GROUP BY code_insee ORDER BY 1""").fetchall()
