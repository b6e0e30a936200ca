"""The journal of what an import changed in the territory tables, so that undoing it is exact.

Inside the import's transaction: `snapshot` before writing, `record` after. Undo deletes the rows
the import left ('after') and puts back those it found ('before'), key by key.
"""

from __future__ import annotations

import duckdb

# Journalled tables and their keys.
TABLES = {"territory": ("code",), "territory_link": ("child", "parent"), "correspondence": ("qp2024", "qp2015")}


def snapshot(cur: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        cur.execute(f"CREATE OR REPLACE TEMP TABLE before_{table} AS SELECT * FROM {table}")


def record(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Journal the rows that changed since `snapshot`, then drop the snapshot."""
    for table in TABLES:
        for change, new, old in (("before", f"before_{table}", table), ("after", table, f"before_{table}")):
            cur.execute(f"INSERT INTO journal_{table} SELECT *, ?, ? FROM (SELECT * FROM {new} EXCEPT "
                        f"SELECT * FROM {old})", [batch, change])
        cur.execute(f"DROP TABLE before_{table}")


def later_batches(cur: duckdb.DuckDBPyConnection, batch: int) -> list[int]:
    """Imports after `batch`, not undone, that changed rows `batch` changed (undo those first)."""
    later: set[int] = set()
    for table, keys in TABLES.items():
        on = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in keys)
        later |= {r[0] for r in cur.execute(f"""
            SELECT DISTINCT b.journal_batch FROM journal_{table} a JOIN journal_{table} b ON {on}
            JOIN import_batch i ON i.id = b.journal_batch
            WHERE a.journal_batch = ? AND b.journal_batch > ? AND i.status = 'imported'""", [batch, batch]).fetchall()}
    later |= _users_of_added_territories(cur, batch)
    return sorted(later)


def _users_of_added_territories(cur: duckdb.DuckDBPyConnection, batch: int) -> set[int]:
    """Later live batches whose figures (or groups) sit on territories `batch` added. An earlier batch's
    figures there (a reference file stores its communes' figures before any quartier brings them) stay as
    they were before `batch`."""
    added = """SELECT a.code FROM journal_territory a WHERE a.journal_batch = $batch AND a.journal_change = 'after'
               AND NOT EXISTS (SELECT 1 FROM journal_territory b WHERE b.journal_batch = $batch
                               AND b.journal_change = 'before' AND b.code = a.code)"""
    rows = cur.execute(f"""
        SELECT o.batch_id FROM observation o WHERE o.batch_id > $batch AND o.territory IN ({added})
        UNION SELECT g.batch_id FROM territory_link l JOIN territory g ON g.code = l.parent
        WHERE g.level = 'groupe' AND l.child IN ({added})""", {"batch": batch}).fetchall()
    return {r[0] for r in rows if r[0] is not None}


def restore(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Put the territory tables back as they were before `batch` (inside the caller's transaction)."""
    for table, keys in TABLES.items():
        on = " AND ".join(f"j.{k} IS NOT DISTINCT FROM t.{k}" for k in keys)
        cur.execute(f"""DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM journal_{table} j
                        WHERE j.journal_batch = ? AND j.journal_change = 'after' AND {on})""", [batch])
        cur.execute(f"""INSERT INTO {table} SELECT * EXCLUDE (journal_batch, journal_change) FROM journal_{table}
                        WHERE journal_batch = ? AND journal_change = 'before'""", [batch])
        cur.execute(f"DELETE FROM journal_{table} WHERE journal_batch = ?", [batch])
