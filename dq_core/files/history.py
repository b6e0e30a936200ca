"""Writing a checked import in one transaction, the import history, and undoing an import.

The write reads the checked rows from the cursor's `dq_rows` table: in one transaction it registers
the batch, adds the declared indicators, moves the stored rows it replaces to `replaced_observation`
(so that undo can restore them), inserts its rows (secret cells without their value) and bumps the
data version. Any error — or a killed process — before the commit leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from dq_core import flags
from dq_core.errors import DQError
from dq_core.files import energy_write, journal
from dq_core.files.official_write import EDITION_MODE, mark_series_breaks
from dq_core.files.sql import first as _first
from dq_core.files.status import BatchStatus
from dq_core.store import catalogue, db, failures
from dq_core.store.catalogue import Indicator


def _literal(text: str) -> str:
    """A constant of ours as an SQL string literal (a view takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


# What an observation row is made of when written from dq_rows (secret cells lose their figures; their
# note says whose secret it is: the file's own mark, or the app's threshold and secondary suppression).
_FINAL_SELECT = f"""
    SELECT r.territory, r.indicator, r.period, r.period_start,
           CASE WHEN r.hidden THEN NULL ELSE r.value END AS value,
           CASE WHEN r.hidden THEN NULL ELSE r.numerator END AS numerator,
           CASE WHEN r.hidden THEN NULL ELSE r.denominator END AS denominator,
           r.hidden AS is_secret, r.is_provisional, r.is_estimated, r.is_break,
           CASE WHEN r.status_secret THEN {_literal(flags.NOTE_PRODUCER_MARKED)}
                WHEN r.primary_secret THEN {_literal(flags.NOTE_BELOW_THRESHOLD)}
                WHEN r.hidden THEN {_literal(flags.NOTE_SECONDARY)} END AS note, NULL::VARCHAR AS edition
    FROM (SELECT r.*, (r.primary_secret OR r.status_secret OR coalesce(x.hide, false)) AS hidden
          FROM dq_rows r LEFT JOIN dq_hide x
          ON x.territory = r.territory AND x.indicator = r.indicator AND x.period = r.period
          WHERE NOT r.skip) r
"""
_KEY = "o.territory = f.territory AND o.indicator = f.indicator AND o.period = f.period"


@dataclass(frozen=True)
class WriteResult:
    batch_id: int
    inserted: int
    replaced: int
    kept: int
    secret: int
    protected_stored: int


def write_import(cur: duckdb.DuckDBPyConnection, *, source: str, file_name: str, file_hash: str,
                 comment: str | None, partner: str | None, mode: str, rows_read: int,
                 new_indicators: list[Indicator], sums: list[tuple[str, str]],
                 protect_stored: set | None = None,
                 progress: Callable[[float, str], None] | None = None,
                 fault: Callable[[str], None] | None = None) -> WriteResult:
    """Store the rows of `dq_rows` (and the cells listed in `dq_hide` as secret) in one transaction.

    `mode`: 'replace' (stored rows for the same territory, indicator and period are replaced and
    kept aside for undo) or 'keep' (they stay; the file's rows for them are not stored).
    `fault` is a test hook called between steps, inside the transaction.
    """
    if mode not in ("replace", "keep"):
        raise DQError("Choisissez « remplacer » ou « garder » pour les valeurs déjà présentes.")
    try:
        return _write(cur, source, file_name, file_hash, comment, partner, mode, rows_read, new_indicators,
                      sums, protect_stored, progress, fault)
    except duckdb.Error as exc:
        explained = failures.explain(exc, db.workspace_file(cur))
        if explained is not None:             # a full disk or temp folder, a damaged file
            raise explained from exc
        if not isinstance(exc, duckdb.TransactionException):
            raise
        raise DQError("Une autre écriture dans la base a eu lieu en même temps (un autre import ?) : rien n'a "
                      "été enregistré. Recommencez l'import.") from exc


def _write(cur, source, file_name, file_hash, comment, partner, mode, rows_read, new_indicators, sums,
           protect_stored, progress, fault) -> WriteResult:
    step = progress or (lambda fraction, label: None)
    hook = fault or (lambda name: None)
    with db.transaction(cur):
        batch = db.new_batch(cur, source, file_name=file_name, file_hash=file_hash, comment=comment)
        cur.execute("UPDATE import_batch SET partner = ?, mode = ?, rows_read = ? WHERE id = ?",
                    [partner, mode, rows_read, batch])
        if new_indicators:
            catalogue.save_indicators(cur, new_indicators, batch)
        for total, part in sums:
            cur.execute("INSERT INTO indicator_sum VALUES (?, ?, ?)", [total, part, batch])
        hook("indicators")
        cur.execute(f"CREATE OR REPLACE TEMP VIEW dq_final AS {_FINAL_SELECT}")
        step(0.1, "Comparaison avec les données déjà enregistrées…")
        replaced = kept = 0
        if mode == "replace":
            replaced = _first(cur.execute(f"""
                INSERT INTO replaced_observation BY NAME
                SELECT o.*, {batch} AS replaced_by FROM observation o
                WHERE EXISTS (SELECT 1 FROM dq_rows f WHERE NOT f.skip AND {_KEY})"""))[0]
            cur.execute(f"DELETE FROM observation o USING (SELECT territory, indicator, period "
                        f"FROM dq_rows WHERE NOT skip) f WHERE {_KEY}")
            source_rows = "dq_final"
        else:
            kept = _first(cur.execute(f"""SELECT count(*) FROM dq_rows f WHERE NOT f.skip AND EXISTS (
                SELECT 1 FROM observation o WHERE {_KEY})"""))[0]
            source_rows = f"""(SELECT * FROM dq_final f WHERE NOT EXISTS (
                SELECT 1 FROM observation o WHERE {_KEY}))"""
        hook("replaced")
        step(0.4, "Écriture des valeurs…")
        inserted = _first(cur.execute(f"""
            INSERT INTO observation BY NAME
            SELECT *, {batch} AS batch_id FROM {source_rows} s
            ORDER BY territory, indicator, period_start"""))[0]
        hook("inserted")
        protected = 0
        if protect_stored:
            protected = _hide_stored(cur, batch, protect_stored)
        secret = _first(cur.execute("SELECT count(*) FROM observation WHERE batch_id = ? AND is_secret",
                             [batch]))[0]
        cur.execute("UPDATE import_batch SET rows_inserted = ?, rows_replaced = ?, rows_kept = ?, "
                    "rows_secret = ?, indicators_added = ? WHERE id = ?",
                    [inserted, replaced + protected, kept, secret, len(new_indicators), batch])
        db.bump_data_version(cur)
        hook("before_commit")
        step(0.95, "Validation de l'import…")
    step(1.0, "Import terminé.")
    return WriteResult(batch, inserted, replaced, kept, secret, protected)


def _hide_stored(cur, batch: int, cells: set) -> int:
    """Hide stored cells that secondary suppression needs hidden: the stored row is kept aside
    (undo restores it) and replaced by a secret copy belonging to this import."""
    frame = pd.DataFrame([(c.territory, c.indicator, c.period) for c in cells],
                         columns=["territory", "indicator", "period"])
    cur.register("dq_protect", frame)
    try:
        n = _first(cur.execute(f"""INSERT INTO replaced_observation BY NAME
            SELECT o.*, {batch} AS replaced_by FROM observation o
            WHERE NOT o.is_secret AND EXISTS (SELECT 1 FROM dq_protect f WHERE {_KEY})"""))[0]
        cur.execute(f"""INSERT INTO observation BY NAME
            SELECT o.* REPLACE (NULL::DOUBLE AS value, NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator,
                                true AS is_secret, {_literal(flags.NOTE_SECONDARY)} AS note,
                                {batch} AS batch_id)
            FROM replaced_observation o WHERE o.replaced_by = {batch} AND NOT o.is_secret
            AND EXISTS (SELECT 1 FROM dq_protect f WHERE {_KEY})""")
        cur.execute(f"""DELETE FROM observation o USING dq_protect f WHERE {_KEY}
                        AND NOT o.is_secret AND o.batch_id <> {batch}""")
    finally:
        cur.unregister("dq_protect")
    return n


# --- history and undo -------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryEntry:
    id: int
    source: str
    partner: str | None
    file: str | None
    file_hash: str | None
    imported_at: datetime
    rows: int
    rows_read: int
    replaced: int
    kept: int
    secret: int
    indicators_added: int
    comment: str | None
    status: BatchStatus
    undone_at: datetime | None
    mode: str | None         # 'replace' / 'keep'; None for batches written by other importers

    @property
    def undoable(self) -> bool:
        return self.status == BatchStatus.IMPORTED and self.mode is not None

    def to_json(self) -> dict:
        return {"id": self.id, "file": self.file, "imported_at": self.imported_at.isoformat(timespec="seconds"),
                "rows": self.rows, "status": self.status, "source": self.source, "partner": self.partner,
                "hash": self.file_hash, "rows_read": self.rows_read, "replaced": self.replaced,
                "kept": self.kept, "secret": self.secret, "indicators_added": self.indicators_added,
                "mode": self.mode, "comment": self.comment,
                "undone_at": self.undone_at.isoformat(timespec="seconds") if self.undone_at else None}


def import_history(cur: duckdb.DuckDBPyConnection, *, include_demo: bool = False) -> list[HistoryEntry]:
    """Every import, newest first (the demo data's own batch only when asked). Groups of quartiers
    a user builds also get a batch (source 'utilisateur') for provenance; they are not imports."""
    excluded = ["utilisateur"] if include_demo else ["utilisateur", "demo"]
    rows = cur.execute("""
        SELECT id, source, partner, file_name, file_hash, imported_at, rows_inserted,
               coalesce(rows_read, 0), rows_replaced, coalesce(rows_kept, 0), coalesce(rows_secret, 0),
               coalesce(indicators_added, 0), comment, status, undone_at, mode
        FROM import_batch WHERE NOT list_contains(?::VARCHAR[], source)
        ORDER BY imported_at DESC, id DESC""", [excluded]).fetchall()
    return [HistoryEntry(*row[:13], BatchStatus(row[13]), *row[14:]) for row in rows]


def undo_import(cur: duckdb.DuckDBPyConnection, batch_id: int) -> HistoryEntry:
    """Remove exactly the rows of an import and restore what it replaced; the history keeps it,
    marked undone. Refused while a later import still replaces some of its rows."""
    row = _first(cur.execute("SELECT source, status, file_name, mode FROM import_batch WHERE id = ?", [batch_id]))
    if row is None:
        raise DQError(f"Aucun import n° {batch_id} dans cette base. Tapez `python -m dq_core history` "
                      "pour la liste des imports.")
    source, status, file_name, mode = row
    if status == BatchStatus.UNDONE:
        raise DQError(f"L'import n° {batch_id} (« {file_name} ») a déjà été annulé.")
    if source == "demo":
        raise DQError("Les données de démonstration ne s'annulent pas : reconstruisez la démonstration "
                      "avec `python -m dq_core init-demo`, ou ouvrez une autre base.")
    if mode is None:
        # Official data written before the journal existed: its territory changes were not kept.
        raise DQError(f"L'import n° {batch_id} (« {file_name} ») a été fait par une version antérieure de "
                      "l'application, qui ne gardait pas de quoi l'annuler exactement. Importez une édition plus "
                      "récente, ou reconstruisez la base.")
    replacing = {r[0] for r in cur.execute("""
        SELECT DISTINCT r.replaced_by FROM replaced_observation r JOIN import_batch b ON b.id = r.replaced_by
        WHERE r.batch_id = ? AND b.status = 'imported' ORDER BY 1""", [batch_id]).fetchall()}
    replacing |= energy_write.replacing_batches(cur, batch_id)
    relying = set(journal.later_batches(cur, batch_id)) - replacing if mode == EDITION_MODE else set()
    if replacing or relying:
        later = sorted(replacing | relying)
        names = ", ".join(f"n° {b}" for b in later)
        what = ("remplace certaines de ses valeurs" if not relying else
                "s'appuie sur ce qu'il a importé (valeurs, quartiers, rattachements ou correspondances)")
        subject = f"l'import {names}, plus récent," if len(later) == 1 else f"les imports {names}, plus récents,"
        verb = what if len(later) == 1 else what.replace("remplace", "remplacent").replace("s'appuie", "s'appuient")
        raise DQError(f"L'import n° {batch_id} ne peut pas être annulé tant que {subject} {verb} : annulez "
                      f"d'abord {'celui-ci' if len(later) == 1 else 'ceux-ci'}.")
    with db.transaction(cur):
        cur.execute("DELETE FROM observation WHERE batch_id = ?", [batch_id])
        cur.execute("DELETE FROM address WHERE batch_id = ?", [batch_id])
        energy_write.undo_energy(cur, batch_id)
        cur.execute("INSERT INTO observation BY NAME SELECT * EXCLUDE (replaced_by) "
                    "FROM replaced_observation WHERE replaced_by = ? ORDER BY territory, indicator, period_start",
                    [batch_id])
        cur.execute("DELETE FROM replaced_observation WHERE replaced_by = ?", [batch_id])
        cur.execute("DELETE FROM indicator_sum WHERE batch_id = ?", [batch_id])
        if mode == EDITION_MODE:
            journal.restore(cur, batch_id)
            mark_series_breaks(cur)
        cur.execute("DELETE FROM indicator WHERE batch_id = ? AND id NOT IN "
                    "(SELECT DISTINCT indicator FROM observation)", [batch_id])
        cur.execute("UPDATE import_batch SET status = 'undone', undone_at = current_timestamp WHERE id = ?",
                    [batch_id])
        db.bump_data_version(cur)
    return next(e for e in import_history(cur, include_demo=True) if e.id == batch_id)
