"""Writing the energy tables (residences, consumption, degree days, prices) for one batch, and undoing it.

Called inside the batch's transaction. An incoming row replaces a stored row of the same key (a residence
sent again, the same month of the same energy, a zone's month, a price's start date): the stored row is
moved to its `replaced_*` table, so that undoing the batch deletes exactly its rows and puts those back.
"""

from __future__ import annotations

import duckdb
import pandas as pd

# Each energy table, the key an incoming row replaces a stored row by, and its columns (batch_id aside).
TABLES: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "residence": (("id",), ["id", "name", "landlord", "quartier", "commune", "dwellings", "heating", "dpe"]),
    "energy_use": (("residence", "energy", "period"),
                   ["residence", "energy", "period", "period_start", "kwh", "delivery_points", "is_estimated"]),
    "degree_days": (("zone", "month"), ["zone", "zone_name", "month", "dju", "days_observed", "days_in_month",
                                        "method", "source"]),
    "energy_price": (("energy", "valid_from"), ["energy", "valid_from", "eur_per_kwh", "eur_per_year", "label",
                                                "source"]),
}


def _on(keys: tuple[str, ...]) -> str:
    return " AND ".join(f"t.{k} = i.{k}" for k in keys)


def write_table(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, batch: int) -> tuple[int, int]:
    """Write `frame` into an energy table for `batch`: (rows inserted, stored rows replaced)."""
    keys, columns = TABLES[table]
    if frame is None or frame.empty:
        return 0, 0
    incoming = frame[columns].drop_duplicates(list(keys), keep="last").assign(batch_id=batch)
    cur.register("incoming_energy", incoming)
    try:
        replaced = cur.execute(f"""
            INSERT INTO replaced_{table} BY NAME
            SELECT t.*, {int(batch)} AS replaced_by FROM {table} t
            WHERE EXISTS (SELECT 1 FROM incoming_energy i WHERE {_on(keys)})""").fetchone()[0]
        cur.execute(f"DELETE FROM {table} t USING incoming_energy i WHERE {_on(keys)}")
        inserted = cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_energy "
                               f"ORDER BY {', '.join(keys)}").fetchone()[0]
    finally:
        cur.unregister("incoming_energy")
    return int(inserted), int(replaced)


def replacing_batches(cur: duckdb.DuckDBPyConnection, batch: int) -> set[int]:
    """Live imports that replaced energy rows of `batch` (to be undone first)."""
    found: set[int] = set()
    for table in TABLES:
        found |= {r[0] for r in cur.execute(f"""
            SELECT DISTINCT r.replaced_by FROM replaced_{table} r JOIN import_batch b ON b.id = r.replaced_by
            WHERE r.batch_id = ? AND b.status = 'imported'""", [batch]).fetchall()}
    return found


def undo_energy(cur: duckdb.DuckDBPyConnection, batch: int) -> int:
    """Delete the energy rows of `batch` and restore what it replaced (inside the caller's transaction);
    returns the rows removed."""
    removed = 0
    for table in TABLES:
        removed += cur.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch]).fetchone()[0]
        cur.execute(f"INSERT INTO {table} BY NAME SELECT * EXCLUDE (replaced_by) FROM replaced_{table} "
                    "WHERE replaced_by = ?", [batch])
        cur.execute(f"DELETE FROM replaced_{table} WHERE replaced_by = ?", [batch])
    return int(removed)
