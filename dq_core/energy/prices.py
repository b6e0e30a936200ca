"""Energy prices per kWh over time: the editable price table (replaced in one undoable batch) and the
default public tariffs the demo starts with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb

from dq_core import fmt
from dq_core.energy import settings
from dq_core.errors import DQError
from dq_core.store import db


@dataclass(frozen=True)
class Price:
    energy: str
    valid_from: date
    eur_per_kwh: float                # variable part, all taxes included
    eur_per_year: float | None        # subscription of an individual contract, all taxes included
    label: str | None = None
    source: str | None = None

    @property
    def text(self) -> str:
        sub = "" if self.eur_per_year is None else f" + {fmt.number(self.eur_per_year, 2)} € par an"
        return (f"{settings.ENERGY_LABELS.get(self.energy, self.energy)} : "
                f"{fmt.number(self.eur_per_kwh, 4)} € par kWh{sub} depuis le {first_of(self.valid_from)}")


def first_of(day: date) -> str:
    """`1er février 2025`, `15 mars 2025`: French dates of a tariff's start."""
    text = fmt.date_fr(day)
    return "1er" + text[1:] if day.day == 1 else text


_TRV = ("Tarif réglementé de vente d'électricité (tarif Bleu), option Base, 6 kVA, TTC — arrêtés tarifaires "
        "sur proposition de la Commission de régulation de l'énergie (CRE)")
_PRVG = ("Prix repère de vente de gaz naturel, usage chauffage (6 000 à 300 000 kWh par an), TTC — "
         "Commission de régulation de l'énergie (CRE)")

# Public tariffs (TTC). The subscription is given where it was checked; a row without one prices kWh only.
DEFAULT_PRICES: tuple[Price, ...] = (
    Price("electricite", date(2024, 2, 1), 0.2516, None, "Tarif Bleu, option Base", _TRV),
    Price("electricite", date(2025, 2, 1), 0.2016, None, "Tarif Bleu, option Base", _TRV),
    Price("electricite", date(2025, 8, 1), 0.1952, 185.64, "Tarif Bleu, option Base, 6 kVA", _TRV),
    Price("gaz", date(2024, 12, 1), 0.1124, 277.44, "Prix repère CRE, chauffage", _PRVG),
    Price("gaz", date(2025, 12, 1), 0.10282, 330.80, "Prix repère CRE, chauffage", _PRVG),
)


# The table in force is the one of the latest price batch still imported: a replacement writes the whole
# table under a new batch and keeps the older rows, so that undoing it (import history: its rows deleted,
# or the batch marked undone) brings the previous table back exactly.
_CURRENT = """
SELECT p.energy, p.valid_from, p.eur_per_kwh, p.eur_per_year, p.label, p.source
FROM energy_price p
WHERE p.batch_id = (SELECT max(q.batch_id) FROM energy_price q JOIN import_batch b ON b.id = q.batch_id
                    WHERE b.status = 'imported')
ORDER BY p.energy, p.valid_from
"""


def read_prices(cur: duckdb.DuckDBPyConnection) -> list[Price]:
    """The price table in force, by energy then date."""
    return [Price(*row) for row in cur.execute(_CURRENT).fetchall()]


def price_on(prices: Iterable[Price], energy: str, day: date) -> Price | None:
    """The price in force on `day` (the latest row starting on or before it), else the earliest one."""
    rows = sorted((p for p in prices if p.energy == energy), key=lambda p: p.valid_from)
    before = [p for p in rows if p.valid_from <= day]
    if before:
        return before[-1]
    return rows[0] if rows else None


def check_prices(prices: Iterable[Price]) -> list[Price]:
    """Refuse, in French, a table a bill cannot be computed from."""
    out, seen = [], set()
    for n, p in enumerate(prices, start=1):
        if p.energy not in settings.ENERGIES:
            raise DQError(f"Ligne {n} du tableau des prix : énergie « {p.energy} » inconnue (électricité : "
                          "« electricite », gaz : « gaz », chaleur : « chaleur »).")
        if not isinstance(p.valid_from, date):
            raise DQError(f"Ligne {n} du tableau des prix : la date de début est manquante ou illisible.")
        if p.eur_per_kwh is None or not 0 < float(p.eur_per_kwh) < 5:
            raise DQError(f"Ligne {n} du tableau des prix : le prix par kWh doit être un nombre positif en euros "
                          f"(par exemple 0,1952), pas « {p.eur_per_kwh} ».")
        if p.eur_per_year is not None and not 0 <= float(p.eur_per_year) < 10_000:
            raise DQError(f"Ligne {n} du tableau des prix : l'abonnement annuel doit être un montant positif "
                          f"en euros, pas « {p.eur_per_year} ».")
        if (p.energy, p.valid_from) in seen:
            raise DQError(f"Ligne {n} du tableau des prix : deux prix pour {p.energy} à partir du "
                          f"{first_of(p.valid_from)}.")
        seen.add((p.energy, p.valid_from))
        out.append(p)
    return out


def write_prices(cur: duckdb.DuckDBPyConnection, prices: Iterable[Price], batch: int) -> int:
    """Insert rows into the price table under `batch` (inside the caller's transaction)."""
    rows = [(p.energy, p.valid_from, float(p.eur_per_kwh), None if p.eur_per_year is None else float(p.eur_per_year),
             p.label, p.source, batch) for p in prices]
    if rows:
        cur.executemany("INSERT INTO energy_price VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def replace_prices(cur: duckdb.DuckDBPyConnection, prices: Iterable[Price], *,
                   comment: str = "Tableau des prix de l'énergie modifié") -> int:
    """Replace the price table in force by `prices`, in one transaction and one batch (undoable from the
    import history); returns the batch id."""
    prices = check_prices(prices)
    with db.transaction(cur):
        replaced = len(read_prices(cur))
        batch = db.new_batch(cur, "prix", file_name="tableau des prix de l'énergie", comment=comment)
        inserted = write_prices(cur, prices, batch)
        # mode 'replace': the import history lists the batch as undoable (undo_import marks it undone).
        cur.execute("UPDATE import_batch SET rows_inserted = ?, rows_replaced = ?, mode = 'replace' WHERE id = ?",
                    [inserted, replaced, batch])
        db.bump_data_version(cur)
    return batch
