"""French answers for a workspace file that is not a database, is damaged, or a disk that is full.

`check_file` refuses a file that is not a DuckDB database before DuckDB opens it (DuckDB would
otherwise try to load — even download — an extension to read a SQLite file). `explain` turns a
DuckDB error met while working into a `DQError` saying what happened, that the base is intact when
it is, and what to do; it returns None for an error that is a bug (to be logged, not explained).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb

from dq_core import fmt
from dq_core.errors import DQError

_DUCKDB_MAGIC = b"DUCK"          # bytes 8-11 of every DuckDB database file
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DISK_FULL = re.compile(r"no space left|disk (is )?full|file too large|quota exceeded|not enough space", re.I)
_WRITTEN_FILE = re.compile(r'file "([^"]+)"')
_TEMP_FULL = re.compile(r"offload|max_temp_directory_size", re.I)
_DAMAGED = re.compile(r"corrupt|checksum|could not read enough bytes|not a valid duckdb|invalid block|"
                      r"failed to deserialize|serializ", re.I)


def _name(path: str | Path | None) -> str:
    return f"la base « {path} »" if path else "la base"


def check_file(path: Path) -> None:
    """Refuse, in French, an existing file that is not a DuckDB database (empty, SQLite, anything else)."""
    if not path.exists():
        return
    if not path.is_file():
        raise DQError(f"« {path} » n'est pas un fichier : choisissez un fichier .duckdb.")
    with path.open("rb") as handle:
        head = handle.read(16)
    if not head:
        raise DQError(f"Le fichier « {path} » est vide (0 octet) : ce n'est pas une base Data & Quartiers. "
                      "Ouvrez un autre espace de travail, ou supprimez ce fichier et recréez l'espace.")
    if head.startswith(_SQLITE_MAGIC):
        raise DQError(f"Le fichier « {path} » est une base SQLite, pas une base Data & Quartiers (DuckDB) : "
                      "il n'a pas été ouvert. Choisissez un autre fichier.")
    if head[8:12] != _DUCKDB_MAGIC:
        raise DQError(f"Le fichier « {path} » n'est pas une base Data & Quartiers (ce n'est pas un fichier "
                      "DuckDB, ou son début est abîmé) : il n'a pas été ouvert. Choisissez un autre fichier, ou "
                      "restaurez une copie de sauvegarde.")


def damaged(path: str | Path | None) -> DQError:
    return DQError(f"{_name(path).capitalize()} est endommagée (fichier tronqué ou abîmé) : elle ne peut pas "
                   "être lue, et rien n'y a été écrit. Ouvrez un autre espace de travail, ou remplacez ce "
                   "fichier par une copie de sauvegarde.")


def foreign_schema(path: str | Path | None, what: str) -> DQError:
    return DQError(f"{_name(path).capitalize()} n'a pas la structure d'une base Data & Quartiers ({what}) : "
                   "elle vient d'un autre programme ou a été modifiée en dehors de l'application. Elle n'a "
                   "pas été modifiée ; ouvrez un autre espace de travail.")


def disk_full(path: str | Path | None, written: str | None = None) -> DQError:
    """`written`: the file DuckDB could not write, when it says (its temporary files may be elsewhere)."""
    folder = Path(written).parent if written else Path(path).parent if path else None
    where = f"le disque qui contient « {folder} »{_free_space(folder)}" if folder else "le disque de la base"
    return DQError(f"Le disque est plein : l'opération a été annulée et {_name(path)} est intacte (rien n'a "
                   f"été enregistré). Libérez de l'espace sur {where}, puis recommencez.")


def _free_space(folder: Path | None) -> str:
    try:
        free = shutil.disk_usage(folder).free
    except (OSError, TypeError):
        return ""
    amount = f"{fmt.number(free / 1e9, 1)} Go" if free >= 1e9 else f"{fmt.number(free / 1e6, 0)} Mo"
    return f" (il y reste {amount})"


def temp_full(path: str | Path | None) -> DQError:
    """DuckDB's temporary folder (`<base>.tmp`, next to the base) is full: it could not set data aside."""
    folder = Path(f"{path}.tmp") if path else None
    where = (f"le disque qui contient le dossier temporaire « {folder} »{_free_space(folder.parent)}" if folder
             else "le disque du dossier temporaire")
    return DQError(f"Le dossier temporaire est plein : l'opération a été annulée et {_name(path)} est intacte (rien "
                   f"n'a été enregistré). Libérez de l'espace sur {where}, ou importez un fichier plus petit, puis "
                   "recommencez.")


def out_of_memory(path: str | Path | None) -> DQError:
    spill = f" « {path}.tmp »" if path else ""
    return DQError(f"Mémoire ou espace temporaire insuffisant : l'opération a été annulée et {_name(path)} est "
                   f"intacte (rien n'a été enregistré). Libérez de l'espace sur le disque du dossier temporaire"
                   f"{spill}, fermez d'autres programmes, ou importez un fichier plus petit, puis recommencez.")


def explain(exc: BaseException, path: str | Path | None = None) -> DQError | None:
    """The French answer to a DuckDB error a user's disk or file caused; None for anything else."""
    if not isinstance(exc, duckdb.Error):
        return None
    text = str(exc)
    if _DISK_FULL.search(text):
        written = _WRITTEN_FILE.search(text)
        return disk_full(path, written.group(1) if written else None)
    if isinstance(exc, duckdb.OutOfMemoryException):
        return temp_full(path) if _TEMP_FULL.search(text) else out_of_memory(path)
    if _DAMAGED.search(text) or isinstance(exc, duckdb.SerializationException):
        return damaged(path)
    if isinstance(exc, duckdb.CatalogException) and "does not exist" in text:
        return foreign_schema(path, "une table ou une colonne manque")
    if "read-only mode" in text:
        return read_only(path)
    return None


def read_only(path: str | Path | None) -> DQError:
    """A write on a workspace a training room offers read-only (its file is a snapshot: not named)."""
    return DQError("Cet espace de travail est ouvert en lecture seule pendant la formation : rien n'y "
                   "est modifié. Pour vous exercer à importer ou à créer un groupe, ouvrez votre copie de la "
                   "démonstration (menu de gauche, « Espace de travail »).")
