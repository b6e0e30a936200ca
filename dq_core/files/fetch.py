"""Online refresh: download the current official files from their publishers, then import them.

The addresses live in one configuration file (`data/official_sources.toml`); nothing else in the app
holds one. Downloads go to a folder first: a failed download changes nothing in the workspace.
"""

from __future__ import annotations

import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dq_core.errors import DQError
from dq_core.files.official import FileOutcome, FolderReport, import_folder
from dq_core.files.status import FileStatus
from dq_core.store.db import PROJECT_DIR

DEFAULT_CONFIG = PROJECT_DIR / "data" / "official_sources.toml"
USER_AGENT = "Data-et-Quartiers (import des fichiers officiels)"


@dataclass(frozen=True)
class OfficialSource:
    name: str
    url: str
    file: str


def load_sources(config: str | Path | None = None) -> list[OfficialSource]:
    path = Path(config) if config else DEFAULT_CONFIG
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DQError(f"Fichier de configuration introuvable : « {path} ».") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DQError(f"Fichier de configuration illisible (« {path} ») : {exc}.") from exc
    sources = []
    for entry in doc.get("source", []):
        try:
            file = Path(entry["file"]).name
            sources.append(OfficialSource(str(entry["name"]), str(entry["url"]), file))
        except KeyError as exc:
            raise DQError(f"Source incomplète dans « {path} » : il manque « {exc.args[0]} ».") from exc
    if not sources:
        raise DQError(f"Aucune source ([[source]]) dans « {path} ».")
    return sources


def download(sources: list[OfficialSource], folder: Path, timeout: float = 60.0,
             progress: Callable[[int, int, str], None] | None = None) -> list[FileOutcome]:
    """Save each source in `folder`; returns one outcome per failed download (the others are files)."""
    folder.mkdir(parents=True, exist_ok=True)
    failures = []
    for i, source in enumerate(sources):
        if progress:
            progress(i, len(sources), source.name)
        if not source.url.startswith(("https://", "http://")):
            failures.append(FileOutcome(source.file, FileStatus.FAILED, f"Adresse refusée (http ou https seulement) : "
                                                                f"{source.url}"))
            continue
        request = urllib.request.Request(source.url, headers={"User-Agent": USER_AGENT})
        target = folder / source.file
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            failures.append(FileOutcome(source.file, FileStatus.FAILED, f"Téléchargement impossible de « {source.name} » "
                                                                f"({reason}). Vérifiez la connexion."))
            continue
        target.write_bytes(data)
    return failures


def fetch_official(cur: duckdb.DuckDBPyConnection, folder: Path, config: str | Path | None = None,
                   timeout: float = 60.0, progress: Callable[[int, int, str], None] | None = None
                   ) -> FolderReport:
    """Download every configured source into `folder`, then import that folder."""
    sources = load_sources(config)
    failures = download(sources, folder, timeout, progress)
    report = import_folder(cur, folder, progress)
    report.outcomes = failures + report.outcomes
    return report
