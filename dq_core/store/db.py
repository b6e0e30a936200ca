"""The workspace database: opening a DuckDB file, its schema, migrations and transactions."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import duckdb

from dq_core.errors import DQError
from dq_core.store import failures, places

PROJECT_DIR = places.APP_DIR                       # the clone, or the installed package's own files
DEMO_DB_PATH = places.DATA_DIR / "demo.duckdb"     # in the clone's data/, or the user's data folder

# Territory levels, from the quartier up; "ensemble" is the set of all quartiers of a geography
# vintage and "groupe" a set of quartiers built by a user.
LEVELS = ("quartier", "commune", "epci", "departement", "region", "france", "ensemble", "groupe")

_SCHEMA_V1 = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE domain (
    id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE territory (
    code VARCHAR PRIMARY KEY,
    level VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    vintage INTEGER,              -- QPV geography (2015, 2024); NULL above the quartier
    geometry VARCHAR,             -- GeoJSON geometry, WGS84 lon/lat
    lon DOUBLE,                   -- a point inside the territory, for labels and zoom
    lat DOUBLE,
    batch_id INTEGER
);

-- Hierarchy: a quartier may lie in several communes (rank 1 = main commune).
CREATE TABLE territory_link (
    child VARCHAR NOT NULL,
    parent VARCHAR NOT NULL,
    rank INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE indicator (
    id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    domain VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,        -- '%', 'habitants', '€', 'MWh', ...
    kind VARCHAR NOT NULL,        -- count, rate, ratio, mean, median, index
    scale DOUBLE,                 -- value = scale * numerator / denominator (rate: 100)
    numerator_label VARCHAR,
    denominator_label VARCHAR,
    direction VARCHAR NOT NULL,   -- higher_better, higher_worse, neutral
    producer VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    periodicity VARCHAR NOT NULL, -- annual, monthly
    secret_threshold INTEGER,     -- counts below it are secret
    secret_rule VARCHAR,
    caveat VARCHAR,
    decimals INTEGER NOT NULL DEFAULT 1,
    is_key BOOLEAN NOT NULL DEFAULT false,
    sort_order INTEGER NOT NULL DEFAULT 0,
    batch_id INTEGER
);

CREATE TABLE observation (
    territory VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    period VARCHAR NOT NULL,      -- '2021', '2023-04' (month), '2023-T2' (quarter)
    period_start DATE NOT NULL,   -- for ordering and spacing on charts
    value DOUBLE,                 -- NULL when secret or unavailable
    numerator DOUBLE,
    denominator DOUBLE,
    is_secret BOOLEAN NOT NULL DEFAULT false,
    is_provisional BOOLEAN NOT NULL DEFAULT false,
    is_estimated BOOLEAN NOT NULL DEFAULT false,
    is_break BOOLEAN NOT NULL DEFAULT false,   -- the series is not comparable with the period before
    note VARCHAR,
    batch_id INTEGER NOT NULL
);

CREATE SEQUENCE batch_id_seq START 1;
CREATE TABLE import_batch (
    id INTEGER PRIMARY KEY,
    source VARCHAR NOT NULL,      -- 'demo', 'partenaire', 'officiel'
    file_name VARCHAR,
    file_hash VARCHAR,
    imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    rows_inserted BIGINT NOT NULL DEFAULT 0,
    rows_replaced BIGINT NOT NULL DEFAULT 0,
    comment VARCHAR,
    status VARCHAR NOT NULL DEFAULT 'imported',   -- imported, undone
    undone_at TIMESTAMP
);

-- Observations an import replaced, kept so that undoing it restores them exactly.
CREATE TABLE replaced_observation AS SELECT * FROM observation WITH NO DATA;
ALTER TABLE replaced_observation ADD COLUMN replaced_by INTEGER;
"""

_SCHEMA_V2 = """
-- QPV 2015 <-> 2024 correspondence (ANCT), and the edition of the source file a figure comes from.
CREATE TABLE correspondence (
    qp2024 VARCHAR NOT NULL,
    qp2015 VARCHAR NOT NULL,
    status VARCHAR              -- N new, M modified, I unchanged (final letter of the 2024 code)
);
ALTER TABLE observation ADD COLUMN edition VARCHAR;
ALTER TABLE replaced_observation ADD COLUMN edition VARCHAR;
"""

_SCHEMA_V3_PARTNER_IMPORTS = """
-- Partner imports (issue 5): what each import counted, the mappings the assistant remembers per
-- partner and file layout, each partner's secrecy threshold, and "total = sum of parts" relations
-- between indicators (used by secondary suppression).
ALTER TABLE import_batch ADD COLUMN partner VARCHAR;
ALTER TABLE import_batch ADD COLUMN mode VARCHAR;                 -- replace, keep
ALTER TABLE import_batch ADD COLUMN rows_read BIGINT DEFAULT 0;
ALTER TABLE import_batch ADD COLUMN rows_kept BIGINT DEFAULT 0;   -- conflicting rows left as stored
ALTER TABLE import_batch ADD COLUMN rows_secret BIGINT DEFAULT 0;
ALTER TABLE import_batch ADD COLUMN indicators_added INTEGER DEFAULT 0;
CREATE TABLE import_partner (
    name VARCHAR PRIMARY KEY,
    secret_threshold INTEGER       -- NULL: the catalogue's threshold of each indicator
);
CREATE TABLE import_mapping (
    partner VARCHAR NOT NULL,
    signature VARCHAR NOT NULL,    -- the file's normalised column names
    mapping VARCHAR NOT NULL,      -- JSON, see dq_core.files.partner.layouts.Mapping
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (partner, signature)
);
CREATE TABLE indicator_sum (
    total VARCHAR NOT NULL,        -- indicator id of the total
    part VARCHAR NOT NULL,         -- indicator id of one of its parts
    batch_id INTEGER
);
"""

_SCHEMA_V4_JOURNAL = """
-- What an import changed in the territory tables (official files add quartiers, communes, links and
-- correspondences), so that undoing it restores them exactly: the rows as they were before it
-- ('before') and as it left them ('after').
CREATE TABLE journal_territory AS SELECT * FROM territory WITH NO DATA;
CREATE TABLE journal_territory_link AS SELECT * FROM territory_link WITH NO DATA;
CREATE TABLE journal_correspondence AS SELECT * FROM correspondence WITH NO DATA;
ALTER TABLE journal_territory ADD COLUMN journal_batch INTEGER;
ALTER TABLE journal_territory ADD COLUMN journal_change VARCHAR;
ALTER TABLE journal_territory_link ADD COLUMN journal_batch INTEGER;
ALTER TABLE journal_territory_link ADD COLUMN journal_change VARCHAR;
ALTER TABLE journal_correspondence ADD COLUMN journal_batch INTEGER;
ALTER TABLE journal_correspondence ADD COLUMN journal_change VARCHAR;
"""

_SCHEMA_V5_SOURCE = """
-- What a figure is cited as: the producer's product and its edition ("Insee, Données par thématique
-- QPV « Revenus », édition 2022"); `period` is the year the data describe, `edition` the file's.
-- NULL for the demo and partner data (the indicator's producer and dataset are cited).
ALTER TABLE observation ADD COLUMN source VARCHAR;
ALTER TABLE replaced_observation ADD COLUMN source VARCHAR;
"""

_SCHEMA_V6_ADDRESSES = """
-- The national address base (BAN) indexed for locating addresses on the laptop: public addresses only,
-- never a person's. Each file is one batch; when two batches cover a commune, the newer one is used.
CREATE TABLE address (
    code_insee VARCHAR NOT NULL,
    code_postal VARCHAR,
    commune VARCHAR,
    commune_key VARCHAR,
    numero INTEGER,
    rep VARCHAR,
    nom_voie VARCHAR,
    street_key VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    batch_id INTEGER NOT NULL
);
"""

_SCHEMA_V7_ENERGY = """
-- Energy (issue 14). A residence is a landlord's building or group of buildings, attached to its quartier
-- (its address only serves to find the quartier and is not kept); its consumption is measured per month
-- (or day) and energy. Degree days (DJU, base 18 °C) per climate zone and month; prices per kWh over time.
-- Quartier-level consumption stays in `observation` (conso_elec_mensuelle, conso_gaz_mensuelle…).
CREATE TABLE residence (
    id VARCHAR NOT NULL,          -- the supplier's identifier, unique in the workspace
    name VARCHAR NOT NULL,
    landlord VARCHAR,
    quartier VARCHAR,             -- territory code; NULL when outside every quartier
    commune VARCHAR,              -- territory code
    dwellings INTEGER NOT NULL,
    heating VARCHAR,              -- electrique_individuel, gaz_individuel, collectif
    dpe VARCHAR,                  -- A…G, NULL when unknown
    batch_id INTEGER NOT NULL
);
CREATE TABLE energy_use (
    residence VARCHAR NOT NULL,   -- residence.id
    energy VARCHAR NOT NULL,      -- electricite, gaz, chaleur
    period VARCHAR NOT NULL,      -- '2023-04' (month) or '2023-04-17' (day)
    period_start DATE NOT NULL,
    kwh DOUBLE,                   -- NULL: not measured
    delivery_points INTEGER,
    is_estimated BOOLEAN NOT NULL DEFAULT false,
    batch_id INTEGER NOT NULL
);
CREATE TABLE degree_days (
    zone VARCHAR NOT NULL,        -- a region's territory code ('53', 'XR01') or a station number
    zone_name VARCHAR,
    month DATE NOT NULL,
    dju DOUBLE,                   -- heating degree days, base 18 °C; NULL when the month is missing
    days_observed INTEGER,
    days_in_month INTEGER,
    method VARCHAR,               -- meteo: sum of max(0, 18 - daily mean); costic
    source VARCHAR,
    batch_id INTEGER NOT NULL
);
CREATE TABLE energy_price (
    energy VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    eur_per_kwh DOUBLE NOT NULL,  -- variable part, all taxes included
    eur_per_year DOUBLE,          -- subscription, all taxes included
    label VARCHAR,
    source VARCHAR,
    batch_id INTEGER NOT NULL
);
"""

_SCHEMA_V8_ENERGY_UNDO = """
-- Rows of the energy tables an import replaced (same residence, same residence-energy-period, same zone
-- and month, same energy and date), kept so that undoing the import puts them back, as for observations.
CREATE TABLE replaced_residence AS SELECT * FROM residence WITH NO DATA;
CREATE TABLE replaced_energy_use AS SELECT * FROM energy_use WITH NO DATA;
CREATE TABLE replaced_degree_days AS SELECT * FROM degree_days WITH NO DATA;
CREATE TABLE replaced_energy_price AS SELECT * FROM energy_price WITH NO DATA;
ALTER TABLE replaced_residence ADD COLUMN replaced_by INTEGER;
ALTER TABLE replaced_energy_use ADD COLUMN replaced_by INTEGER;
ALTER TABLE replaced_degree_days ADD COLUMN replaced_by INTEGER;
ALTER TABLE replaced_energy_price ADD COLUMN replaced_by INTEGER;
"""

# Ordered migrations: MIGRATIONS[i] brings a database from version i to i + 1. Never edit a released
# entry: add a new one, so that a file made by any earlier version still opens.
MIGRATIONS: list[str | Callable[[duckdb.DuckDBPyConnection], None]] = [
    _SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3_PARTNER_IMPORTS, _SCHEMA_V4_JOURNAL, _SCHEMA_V5_SOURCE, _SCHEMA_V6_ADDRESSES,
    _SCHEMA_V7_ENERGY, _SCHEMA_V8_ENERGY_UNDO]
SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path() -> Path:
    """The workspace opened when none is given: `DQ_DB`, else the demo database."""
    env = os.environ.get("DQ_DB", "").strip()
    return Path(env).expanduser() if env else DEMO_DB_PATH


# No connection installs or loads an extension on its own: opening a file that is not a DuckDB database
# (a SQLite file renamed .duckdb) would otherwise make DuckDB download one from the internet.
OFFLINE_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def open_duckdb(path: str | Path = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Every DuckDB connection of the application, in memory or on a file: offline by configuration."""
    return duckdb.connect(str(path), read_only=read_only, config=dict(OFFLINE_CONFIG))


def connect(path: str | Path, *, target_version: int = SCHEMA_VERSION) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating as needed) a workspace file and return its connection.

    A file that is not a Data & Quartiers database (empty, SQLite, damaged, another schema) is refused
    with a French message and left untouched. Keep one connection per process and take a `cursor()`
    per thread or operation (DuckDB 2 refuses concurrent calls on one connection).
    """
    path = Path(path) if str(path) != ":memory:" else path
    if isinstance(path, Path):
        failures.check_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = open_duckdb(path)
    except duckdb.Error as exc:
        raise (_lock_error(path, exc) or failures.explain(exc, path) or failures.damaged(path)) from exc
    try:
        migrate(con, target_version)
        check_schema(con, path, target_version)
    except DQError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        raise (failures.explain(exc, path) or failures.damaged(path)) from exc
    return con


def connect_read_only(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open a workspace file that is already at the current schema, read-only: several processes may
    hold it at once (a training room's server processes sharing its reference workspaces)."""
    path = Path(path)
    failures.check_file(path)
    try:
        con = duckdb.connect(str(path), read_only=True, config=dict(OFFLINE_CONFIG))
    except duckdb.Error as exc:
        raise (_lock_error(path, exc) or failures.explain(exc, path) or failures.damaged(path)) from exc
    try:
        if schema_version(con) != SCHEMA_VERSION:
            raise failures.foreign_schema(path, "version de schéma différente")
        check_schema(con, path)
    except BaseException:
        con.close()
        raise
    return con


def _lock_error(path: str | Path, exc: Exception) -> DQError | None:
    text = str(exc)
    if "could not set lock" not in text.lower() and "conflicting lock" not in text.lower():
        return None
    pid = re.search(r"PID (\d+)", text)
    holder = f" (processus {pid.group(1)})" if pid else ""
    return DQError(f"La base « {path} » est déjà ouverte par un autre programme{holder}, probablement "
                   "l'application Data & Quartiers. Fermez-la, ou travaillez sur une autre base avec --db.")


def schema_version(cur: duckdb.DuckDBPyConnection) -> int:
    has_meta = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
    if not has_meta:
        others = cur.execute("SELECT count(*) FROM information_schema.tables").fetchone()[0]
        if others:               # someone else's DuckDB file: never create our tables inside it
            raise failures.foreign_schema(None, "pas de table « meta »")
        return 0
    row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return 0
    if not str(row[0]).isdigit():
        raise failures.foreign_schema(None, "version de schéma illisible")
    return int(row[0])


def check_schema(cur: duckdb.DuckDBPyConnection, path: str | Path | None = None,
                 version: int = SCHEMA_VERSION) -> None:
    """Refuse a file whose tables or columns are not those of `version` (one dropped by another program)."""
    found: dict[str, set[str]] = {}
    for table, column in cur.execute("SELECT table_name, column_name FROM information_schema.columns "
                                     "WHERE table_schema = 'main'").fetchall():
        found.setdefault(table, set()).add(column)
    for table, columns in _expected_schema(version).items():
        if table not in found:
            raise failures.foreign_schema(path, f"table manquante : {table}")
        missing = sorted(columns - found[table])
        if missing:
            raise failures.foreign_schema(path, f"colonne manquante dans {table} : {', '.join(missing)}")


@lru_cache(maxsize=4)
def _expected_schema(version: int) -> dict[str, frozenset[str]]:
    con = open_duckdb()
    try:
        migrate(con, version)
        rows = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE table_schema = 'main'").fetchall()
    finally:
        con.close()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return {table: frozenset(columns) for table, columns in tables.items()}


def migrate(con: duckdb.DuckDBPyConnection, target_version: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations, each in its own transaction; return the version reached."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise DQError(f"Cette base a été créée par une version plus récente de Data & Quartiers "
                      f"(schéma {version}, cette version lit jusqu'au schéma {SCHEMA_VERSION}). "
                      "Mettez l'application à jour.")
    for number in range(version, target_version):
        step = MIGRATIONS[number]
        with transaction(con):
            if callable(step):
                step(con)
            else:
                con.execute(step)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number + 1)])
    return max(version, target_version)


@contextmanager
def transaction(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit everything done inside, or nothing at all."""
    cur.begin()
    try:
        yield cur
    except BaseException:
        cur.rollback()
        raise
    cur.commit()


CLUSTER_FROM_ROWS = 250_000     # below, a fiche reads every row group in a few milliseconds anyway


def cluster_observations(cur: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the observations in territory order: imports append rows in file order, so a fiche's query
    (three territories) would read every row group; sorted, DuckDB's zone maps skip all but a few. Same
    rows, same values: the data version does not change. The file keeps the old rows' space for reuse."""
    if cur.execute("SELECT count(*) FROM observation").fetchone()[0] < CLUSTER_FROM_ROWS:
        return
    with transaction(cur):
        cur.execute("CREATE TEMP TABLE sorted_observation AS "
                    "SELECT * FROM observation ORDER BY territory, indicator, period_start")
        cur.execute("DELETE FROM observation")
        cur.execute("INSERT INTO observation SELECT * FROM sorted_observation")
        cur.execute("DROP TABLE sorted_observation")
    cur.execute("CHECKPOINT")                # gives back the space of the rows as they were


def get_meta(cur: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_meta(cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    cur.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def is_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    """True when the open workspace holds the fictional demo data (every screen must say so)."""
    return get_meta(cur, "workspace_kind") == "demo"


def data_version(cur: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever data is written: pages use it as a cache key."""
    return get_meta(cur, "data_version", "0") or "0"


def bump_data_version(cur: duckdb.DuckDBPyConnection) -> None:
    set_meta(cur, "data_version", str(int(data_version(cur)) + 1))


def new_batch(cur: duckdb.DuckDBPyConnection, source: str, *, file_name: str | None = None,
              file_hash: str | None = None, comment: str | None = None) -> int:
    """Register an import batch (provenance of every row it writes) and return its id."""
    return cur.execute(
        "INSERT INTO import_batch (id, source, file_name, file_hash, comment) "
        "VALUES (nextval('batch_id_seq'), ?, ?, ?, ?) RETURNING id",
        [source, file_name, file_hash, comment]).fetchone()[0]


def workspace_file(cur: duckdb.DuckDBPyConnection) -> Path | None:
    """The file the connection works on (None in memory), for messages about it."""
    try:
        row = cur.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    except duckdb.Error:
        return None
    return Path(row[0]) if row and row[0] else None
