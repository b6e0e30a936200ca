"""Writing what official files were read into (`kinds.Reading`): one batch, one transaction, journalled.

Every row carries the batch id of its file. Observations follow "the newer edition wins": an incoming
figure replaces one of the same territory, indicator and period from an older or equal edition (the
replaced row is kept in `replaced_observation`), and is dropped if a newer edition is already there.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from dq_core import fmt
from dq_core.files import energy_write, journal
from dq_core.files.kinds.base import OBSERVATION_COLUMNS, Reading
from dq_core.files.kinds.insee_catalogue import OFFICIAL_BY_ID
from dq_core.files.kinds.insee_thematic import (
    ENSEMBLE_CODES,
    ENSEMBLE_NAMES,
    SERIES_BREAKS,
)
from dq_core.store import catalogue, db, reference

REFERENCE_EDITION = "cog"


def save_indicators(cur: duckdb.DuckDBPyConnection, ids, batch_id: int) -> None:
    """Add the catalogue entries of the official indicators a file uses (those not there yet)."""
    if not cur.execute("SELECT count(*) FROM domain").fetchone()[0]:
        catalogue.save_domains(cur)
    known = {row[0] for row in cur.execute("SELECT id FROM indicator").fetchall()}
    wanted = [OFFICIAL_BY_ID[i] for i in sorted(set(ids)) if i in OFFICIAL_BY_ID and i not in known]
    if not wanted:
        return
    frame = pd.DataFrame([{c: getattr(ind, c) for c in catalogue.INDICATOR_COLUMNS} for ind in wanted])
    cur.register("incoming_indicators", frame.assign(batch_id=batch_id))
    cur.execute("INSERT INTO indicator BY NAME SELECT * FROM incoming_indicators")
    cur.unregister("incoming_indicators")


def ensure_ensemble(cur: duckdb.DuckDBPyConnection, vintage: int, batch_id: int) -> str:
    code = ENSEMBLE_CODES[vintage]
    cur.execute("INSERT INTO territory (code, level, name, vintage, batch_id) SELECT ?, 'ensemble', ?, ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM territory WHERE code = ?)",
                [code, ENSEMBLE_NAMES[vintage], vintage, batch_id, code])
    return code


def write_quartiers(cur: duckdb.DuckDBPyConnection, quartiers: pd.DataFrame, batch_id: int, *,
                    authoritative: bool) -> dict[str, int]:
    """Insert new quartiers, complete existing ones, and link each to its commune(s) and above.

    `quartiers`: code, name (may be None), vintage, commune_codes/commune_names (lists), geometry, lon,
    lat (optional). `authoritative` (a geography file): its names replace those already stored.
    Returns counts: quartiers added, linked, unresolved (no commune found).
    """
    frame = quartiers.copy()
    for column in ("commune_codes", "commune_names"):
        if column not in frame:
            frame[column] = [[] for _ in range(len(frame))]
    for column in ("geometry", "lon", "lat"):
        if column not in frame:
            frame[column] = None
    frame = frame.drop_duplicates("code", keep="first")
    frame["communes"] = [reference.resolve_communes(codes, names, reference.departement_of_quartier(code))
                         for code, codes, names in zip(frame["code"], frame["commune_codes"],
                                                       frame["commune_names"], strict=True)]
    frame["name"] = frame["name"].where(frame["name"].notna() & (frame["name"] != ""), frame["code"])
    incoming = frame[["code", "name", "vintage", "geometry", "lon", "lat"]].assign(batch_id=batch_id)
    incoming["vintage"] = incoming["vintage"].astype("Int64")
    incoming["lon"] = pd.to_numeric(incoming["lon"], errors="coerce")
    incoming["lat"] = pd.to_numeric(incoming["lat"], errors="coerce")
    cur.register("incoming_quartiers", incoming)
    added = cur.execute("SELECT count(*) FROM incoming_quartiers i WHERE NOT EXISTS "
                        "(SELECT 1 FROM territory t WHERE t.code = i.code)").fetchone()[0]
    cur.execute("""
        UPDATE territory t SET
            name = CASE WHEN ? OR t.name = t.code THEN i.name ELSE t.name END,
            geometry = coalesce(i.geometry, t.geometry),
            lon = CASE WHEN i.geometry IS NOT NULL THEN i.lon ELSE t.lon END,
            lat = CASE WHEN i.geometry IS NOT NULL THEN i.lat ELSE t.lat END,
            vintage = coalesce(t.vintage, i.vintage)
        FROM incoming_quartiers i WHERE t.code = i.code""", [authoritative])
    cur.execute("""
        INSERT INTO territory (code, level, name, vintage, geometry, lon, lat, batch_id)
        SELECT code, 'quartier', name, vintage, geometry, lon, lat, batch_id FROM incoming_quartiers i
        WHERE NOT EXISTS (SELECT 1 FROM territory t WHERE t.code = i.code)""")
    cur.unregister("incoming_quartiers")

    linked = frame[frame["communes"].map(len) > 0]
    links = pd.DataFrame([(code, commune, rank) for code, communes in zip(linked["code"], linked["communes"],
                                                                           strict=True)
                          for rank, commune in enumerate(communes, start=1)],
                         columns=["child", "parent", "rank"])
    if not authoritative:
        # A thematic file only links quartiers that no geography has linked yet.
        existing = {row[0] for row in cur.execute(
            "SELECT DISTINCT child FROM territory_link WHERE child IN (SELECT unnest(?::VARCHAR[]))",
            [list(linked["code"])]).fetchall()}
        links = links[~links["child"].isin(existing)]
    if not links.empty:
        cur.register("incoming_links", links)
        cur.execute("DELETE FROM territory_link WHERE child IN (SELECT DISTINCT child FROM incoming_links)")
        cur.execute("INSERT INTO territory_link SELECT child, parent, rank FROM incoming_links")
        cur.unregister("incoming_links")
        write_reference_territories(cur, set(links["parent"]), batch_id)
    for vintage in frame["vintage"].dropna().unique():
        ensure_ensemble(cur, int(vintage), batch_id)
    return {"added": int(added), "linked": int(linked["code"].nunique()),
            "unresolved": int((frame["communes"].map(len) == 0).sum())}


def write_reference_territories(cur: duckdb.DuckDBPyConnection, communes: set[str], batch_id: int) -> None:
    """The communes and everything above them, with their legal populations as `pop_totale`."""
    territories, links, populations = reference.reference_territories(communes)
    territories = territories.assign(batch_id=batch_id)
    cur.register("ref_territories", territories)
    cur.execute("""
        INSERT INTO territory (code, level, name, batch_id)
        SELECT code, level, name, batch_id FROM ref_territories r
        WHERE NOT EXISTS (SELECT 1 FROM territory t WHERE t.code = r.code)""")
    cur.unregister("ref_territories")
    cur.register("ref_links", links)
    cur.execute("""
        INSERT INTO territory_link SELECT child, parent, rank FROM ref_links r
        WHERE NOT EXISTS (SELECT 1 FROM territory_link l WHERE l.child = r.child AND l.parent = r.parent)""")
    cur.unregister("ref_links")
    period = reference.load_reference().population_period
    if not period:
        return
    rows = pd.DataFrame({
        "territory": populations["territory"], "indicator": "pop_totale", "period": period,
        "period_start": date(int(period), 1, 1), "value": populations["value"].astype(float),
        "numerator": None, "denominator": None, "is_secret": False, "is_provisional": False,
        "is_estimated": False, "is_break": False,
        "note": f"Population municipale légale {period} (Insee), en vigueur au 1er janvier "
                f"{int(period) + 3}.", "edition": REFERENCE_EDITION,
        "source": f"Insee, populations légales {period} (en vigueur au 1er janvier {int(period) + 3})",
        "batch_id": batch_id})
    cur.register("ref_population", rows)
    cur.execute("""
        INSERT INTO observation BY NAME SELECT * FROM ref_population r
        WHERE NOT EXISTS (SELECT 1 FROM observation o WHERE o.territory = r.territory
                          AND o.indicator = r.indicator AND o.period = r.period)""")
    cur.unregister("ref_population")
    save_indicators(cur, ["pop_totale"], batch_id)


def write_observations(cur: duckdb.DuckDBPyConnection, observations: pd.DataFrame, batch_id: int
                       ) -> tuple[int, int]:
    """Merge observations by edition; returns (rows inserted, rows replaced)."""
    if observations.empty:
        return 0, 0
    frame = observations[OBSERVATION_COLUMNS].assign(batch_id=batch_id)
    cur.register("incoming_frame", frame)
    cur.execute("CREATE OR REPLACE TEMP TABLE incoming_obs AS SELECT * FROM incoming_frame")
    cur.unregister("incoming_frame")
    cur.execute("""
        DELETE FROM incoming_obs i USING observation o
        WHERE o.territory = i.territory AND o.indicator = i.indicator AND o.period = i.period
          AND coalesce(o.edition, '') > coalesce(i.edition, '')""")
    replaced = cur.execute("""
        INSERT INTO replaced_observation BY NAME
        SELECT o.*, ? AS replaced_by FROM observation o JOIN incoming_obs i
          ON o.territory = i.territory AND o.indicator = i.indicator AND o.period = i.period""",
                           [batch_id]).fetchone()[0]
    cur.execute("""
        DELETE FROM observation o USING incoming_obs i
        WHERE o.territory = i.territory AND o.indicator = i.indicator AND o.period = i.period""")
    inserted = cur.execute("INSERT INTO observation BY NAME SELECT * FROM incoming_obs "
                           "ORDER BY territory, indicator, period_start").fetchone()[0]
    cur.execute("DROP TABLE incoming_obs")
    mark_series_breaks(cur, set(frame["indicator"]))
    return int(inserted), int(replaced)


def mark_series_breaks(cur: duckdb.DuckDBPyConnection, indicators: set[str] | None = None) -> None:
    """Each change of definition breaks a series once: at the first stored period of the new definition,
    when older periods exist; that cell carries the break's note (and no other cell does).

    Only INSEE's rows (with an edition) are concerned: other sources mark their own breaks.
    `indicators`: only those (the ones a file brought); None: all.
    """
    for indicator, breaks in SERIES_BREAKS.items():
        if indicators is not None and indicator not in indicators:
            continue
        for position, (period, note) in enumerate(breaks):
            # The first break of an indicator recomputes the flag; later ones add to it.
            cur.execute("""
                UPDATE observation o SET
                    is_break = (? AND o.is_break) OR (o.period_start = f.first_start AND f.has_older),
                    note = CASE WHEN o.period_start = f.first_start AND f.has_older
                                THEN ? || coalesce(' ' || nullif(trim(replace(coalesce(o.note, ''), ?, '')), ''), '')
                                ELSE nullif(trim(replace(coalesce(o.note, ''), ?, '')), '') END
                FROM (SELECT territory, min(period_start) FILTER (WHERE period >= ?) AS first_start,
                             bool_or(period < ?) AS has_older
                      FROM observation WHERE indicator = ? AND edition IS NOT NULL GROUP BY territory) f
                WHERE o.indicator = ? AND o.territory = f.territory AND o.period >= ?
                  AND o.edition IS NOT NULL""",
                        [position > 0, note, note, note, period, period, indicator, indicator, period])


def write_correspondence(cur: duckdb.DuckDBPyConnection, pairs: pd.DataFrame) -> int:
    pairs = pairs[pairs["qp2015"].notna()].drop_duplicates(["qp2024", "qp2015"])
    cur.register("incoming_pairs", pairs)
    cur.execute("DELETE FROM correspondence WHERE qp2024 IN (SELECT DISTINCT qp2024 FROM incoming_pairs)")
    cur.execute("INSERT INTO correspondence SELECT qp2024, qp2015, status FROM incoming_pairs")
    cur.unregister("incoming_pairs")
    return len(pairs)


def write_addresses(cur: duckdb.DuckDBPyConnection, addresses: pd.DataFrame, batch_id: int) -> int:
    """Index an address base file (a newer file of the same communes is preferred when locating)."""
    cur.register("incoming_addresses", addresses.assign(batch_id=batch_id))
    written = cur.execute("INSERT INTO address BY NAME SELECT * FROM incoming_addresses "
                          "ORDER BY code_insee, street_key, numero").fetchone()[0]
    cur.unregister("incoming_addresses")
    return int(written)


# --- one file, one batch ------------------------------------------------------------------------------

EDITION_MODE = "edition"      # import_batch.mode of official files: the newer edition wins, undo by journal


def write_batch(cur: duckdb.DuckDBPyConnection, reading: Reading, *, source: str, file_name: str,
                file_hash: str) -> tuple[int, str]:
    """Write a reading as one import batch, in one transaction: (rows written, French detail)."""
    with db.transaction(cur):
        journal.snapshot(cur)
        batch = db.new_batch(cur, source, file_name=file_name, file_hash=file_hash, comment=reading.label)
        rows, replaced, detail = write_reading(cur, reading, batch)
        journal.record(cur, batch)
        secret = reading.observations["is_secret"].sum() if reading.observations is not None else 0
        cur.execute("UPDATE import_batch SET rows_inserted = ?, rows_replaced = ?, rows_secret = ?, mode = ?, "
                    "indicators_added = (SELECT count(*) FROM indicator WHERE batch_id = ?) WHERE id = ?",
                    [rows, replaced, int(secret), EDITION_MODE, batch, batch])
        db.bump_data_version(cur)
    return rows, detail


def write_reading(cur: duckdb.DuckDBPyConnection, reading: Reading, batch: int) -> tuple[int, int, str]:
    """The normalised tables of a reading → the workspace: (rows written, rows replaced, detail)."""
    if any(t is not None for t in (reading.residences, reading.energy_use, reading.degree_days)):
        return write_energy(cur, reading, batch)
    if reading.addresses is not None:
        return write_addresses(cur, reading.addresses, batch), 0, "adresses indexées pour la page « Adresses »"
    if reading.correspondence is not None:
        pairs = reading.correspondence
        written = write_correspondence(cur, pairs)
        detail = (f"{fmt.number(pairs['qp2024'].nunique(), 0)} quartiers 2024, "
                  f"{fmt.number(written, 0)} liens vers un quartier 2015")
        return written, 0, f"{detail} ; {reading.detail}" if reading.detail else detail
    if reading.quartiers is None:
        return write_references(cur, reading, batch)
    counts = write_quartiers(cur, reading.quartiers, batch, authoritative=reading.authoritative)
    if reading.observations is None:
        detail = (f"{fmt.number(len(reading.quartiers), 0)} quartiers ({fmt.number(counts['added'], 0)} nouveaux), "
                  f"{fmt.number(counts['linked'], 0)} rattachés à leurs communes")
        if reading.has_geometry:
            detail += ", avec leurs contours"
        if counts["unresolved"]:
            detail += f" ; {fmt.number(counts['unresolved'], 0)} sans commune reconnue"
        return counts["added"], 0, detail
    save_indicators(cur, reading.indicators, batch)
    observations = reading.observations
    for vintage, code in ENSEMBLE_CODES.items():       # a file of the ensemble row alone has no quartier
        if (observations["territory"] == code).any():
            ensure_ensemble(cur, vintage, batch)
    inserted, replaced = write_observations(cur, observations, batch)
    secret = int(observations["is_secret"].sum())
    detail = (f"{fmt.number(len(reading.quartiers), 0)} quartiers, {len(reading.indicators)} indicateurs, "
              f"{fmt.number(inserted, 0)} valeurs enregistrées dont {fmt.number(secret, 0)} secrètes")
    if reading.secondary:
        detail += f" ({fmt.number(reading.secondary, 0)} masquées au titre du secret secondaire)"
    kept = len(observations) - inserted
    if kept > 0:
        detail += f" ; {fmt.number(kept, 0)} valeurs déjà fournies par une édition plus récente, conservées"
    if counts["added"]:
        detail += f" ; {fmt.number(counts['added'], 0)} quartiers ajoutés"
    return inserted, replaced, detail


def write_references(cur: duckdb.DuckDBPyConnection, reading: Reading, batch: int) -> tuple[int, int, str]:
    """A reference file (communes, EPCI… — no quartiers): its figures are stored under the territories'
    workspace codes, whether or not a quartier has brought those territories yet, so that the order of the
    files does not matter; only territories nothing else creates (France métropolitaine) are added here."""
    if reading.territories is not None and not reading.territories.empty:
        cur.register("incoming_refs", reading.territories[["code", "level", "name"]].assign(batch_id=batch))
        cur.execute("""INSERT INTO territory (code, level, name, batch_id) SELECT code, level, name, batch_id
                       FROM incoming_refs r WHERE NOT EXISTS (SELECT 1 FROM territory t WHERE t.code = r.code)""")
        cur.unregister("incoming_refs")
    save_indicators(cur, reading.indicators, batch)
    inserted, replaced = write_observations(cur, reading.observations, batch)
    secret = int(reading.observations["is_secret"].sum())
    detail = f"{reading.detail} ; {fmt.number(inserted, 0)} valeurs enregistrées"
    if secret:
        detail += f" dont {fmt.number(secret, 0)} non diffusées"
    kept = len(reading.observations) - inserted
    if kept > 0:
        detail += f" ; {fmt.number(kept, 0)} valeurs déjà fournies par une édition plus récente, conservées"
    return inserted, replaced, detail


def write_energy(cur: duckdb.DuckDBPyConnection, reading: Reading, batch: int) -> tuple[int, int, str]:
    """Residences, their consumption, degree days: each row replaces the stored row of the same key (kept
    aside for undo, `energy_write`)."""
    written = replaced = 0
    for table, frame in (("residence", reading.residences), ("energy_use", reading.energy_use),
                         ("degree_days", reading.degree_days)):
        inserted, moved = energy_write.write_table(cur, table, frame, batch)
        written, replaced = written + inserted, replaced + moved
    detail = reading.detail or ""
    if replaced:
        detail += (f" ; {fmt.number(replaced, 0)} lignes déjà enregistrées remplacées (elles reviennent si "
                   "l'import est annulé)")
    return written, replaced, detail
