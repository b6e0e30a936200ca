"""Which workspace (DuckDB file) is open, and making sure the demo exists before it is used."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dq_core.errors import DQError
from dq_core.store import db, failures, places


def resolve(path: str | Path | None = None) -> Path:
    """The workspace file: the given path, else `DQ_DB`, else the demo database."""
    return Path(path).expanduser().resolve() if path else db.default_db_path().resolve()


def is_demo_path(path: Path) -> bool:
    return path.resolve() == db.DEMO_DB_PATH.resolve()


def ensure_exists(path: Path) -> bool:
    """Build the demo on first use; refuse a missing user workspace. True when the demo was built."""
    if path.exists():
        return False
    if is_demo_path(path):
        from dq_core.demo import build_demo

        build_demo(path)
        return True
    raise DQError(f"La base « {path} » n'existe pas. Vérifiez le chemin, ou créez-la en y important "
                  "des données.")


def open_connection(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    target = resolve(path)
    ensure_exists(target)
    return db.connect(target)


@contextmanager
def open_cursor(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the workspace for one command; the file is closed (and unlocked) afterwards."""
    con = open_connection(path)
    try:
        yield con.cursor()
    finally:
        con.close()


def shared_server() -> bool:
    """`DQ_SHARED_SERVER=1`: several people use one server (a training room). Then nothing reads a path
    typed in the browser — no folder to import, no other file to open: files come by upload only."""
    return os.environ.get("DQ_SHARED_SERVER", "").strip().lower() in ("1", "true", "oui", "yes")


DEMO_NAME = "Démonstration (données fictives)"


def display_name(path: Path) -> str:
    """How a workspace is named everywhere (chooser, sidebar, home page): the demo's own name, else the
    name given when it was created (stored in the file), else its file name."""
    if is_demo_path(path):
        return DEMO_NAME
    return stored_name(path) or path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or path.name


def distinct_names(names: dict[Path, str]) -> dict[Path, str]:
    """The names of several workspaces, made distinct: two files with the same name get their file name."""
    seen = Counter(names.values())
    return {path: f"{name} ({path.name})" if seen[name] > 1 else name for path, name in names.items()}


def stored_name(path: Path) -> str | None:
    """The name stored in a workspace file, or None (no name, missing file, in use by another program)."""
    if not path.is_file():
        return None
    try:
        failures.check_file(path)          # an empty or SQLite file is never handed to DuckDB
        # Same configuration as `db.connect`: inside this process DuckDB then shares the open database.
        con = db.open_duckdb(path)
    except (DQError, duckdb.Error):
        return None
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'workspace_name'").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return row[0] if row and row[0] else None


# --- the user's own workspaces ------------------------------------------------------------------

def workspaces_dir() -> Path:
    """Where new workspaces are created: `DQ_WORKSPACES`, else `workspaces/` in the data folder
    (`data/` in a clone, the user's data folder when installed: dq_core.store.places)."""
    env = os.environ.get("DQ_WORKSPACES", "").strip()
    return Path(env).expanduser().resolve() if env else (places.DATA_DIR / "workspaces").resolve()


def list_workspaces(folder: Path | None = None) -> list[Path]:
    """The demo, then the workspaces of the folder, by name."""
    folder = folder or workspaces_dir()
    found = sorted(folder.glob("*.duckdb")) if folder.is_dir() else []
    return [db.DEMO_DB_PATH.resolve(), *(p.resolve() for p in found)]


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60]


def create_workspace(name: str, folder: Path | None = None) -> Path:
    """A new, empty user workspace named `name` (file `<slug>.duckdb` in the workspaces folder)."""
    name = name.strip()
    if not slug(name):
        raise DQError("Donnez un nom à votre espace de travail (lettres ou chiffres).")
    target = (folder or workspaces_dir()) / f"{slug(name)}.duckdb"
    if target.exists():
        raise DQError(f"Un espace de travail « {name} » existe déjà ({target.name}) : ouvrez-le ou choisissez "
                      "un autre nom.")
    init_user_workspace(target, name)
    return target


def init_user_workspace(path: Path, name: str) -> None:
    """Create (or mark) a user workspace: its kind and its name, nothing else."""
    con = db.connect(path)
    try:
        cur = con.cursor()
        if db.is_demo(cur):
            raise DQError("Cette base est la démonstration : elle ne peut pas devenir un espace de travail.")
        with db.transaction(cur):
            db.set_meta(cur, "workspace_kind", "user")
            if db.get_meta(cur, "workspace_name") is None:
                db.set_meta(cur, "workspace_name", name)
    finally:
        con.close()


def official_target(path: str | Path | None) -> Path:
    """The workspace an official import goes to: the one given, else `DQ_DB` unless it is the demo,
    else `donnees-officielles.duckdb` in the workspaces folder (created as needed)."""
    if path:
        target = Path(path).expanduser().resolve()
    else:
        target = resolve()
        if is_demo_path(target):
            target = workspaces_dir() / "donnees-officielles.duckdb"
    if is_demo_path(target):
        raise DQError("Les données officielles ne vont pas dans la base de démonstration : indiquez votre "
                      "propre base avec --db.")
    if not target.exists():
        init_user_workspace(target, "Données officielles" if target.stem == "donnees-officielles"
                            else target.stem.replace("-", " ").capitalize())
    return target
