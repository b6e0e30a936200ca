"""Importing official files (INSEE, ANCT): every file of a folder through the one way in, one batch each.

    report = import_folder(cur, folder)            # or import_sources(cur, sources)

Each file is recognised by `files.kinds` from its content (never its name), read into the shared
normalised tables, and written by `official_write` in one transaction as one import batch — listed
in the history and undoable like a partner's import. A bad file changes nothing and does not stop
the others; a file already imported (same bytes) is skipped; a newer edition adds its periods.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import duckdb

from dq_core.errors import DQError, unexpected
from dq_core.files import kinds, official_checks, official_write
from dq_core.files.kinds import qpv_geography as geography
from dq_core.files.read import archive
from dq_core.files.read.source import FileSource, sniff_kind
from dq_core.files.status import FileStatus
from dq_core.store import db, failures

log = logging.getLogger(__name__)
SOURCE = "officiel"
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".geojson", ".json", ".xlsx", ".xlsm", ".zip", ".shp"}
# Official files are read whole (a few MB each, the whole-France contours some tens): a bigger file is
# refused before it is read, so that a wrong file cannot take the machine's memory.
MAX_FILE_BYTES = 300 * archive.MIB
IGNORED_SUFFIXES = {".dbf", ".shx", ".prj", ".cpg", ".qmd", ".sbn", ".sbx", ".xml"}


@dataclass
class FileOutcome:
    name: str
    status: FileStatus
    message: str
    kind: str | None = None          # the file kind's name (`files.kinds`)
    rows: int = 0

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass
class FolderReport:
    """The outcome of each file of a folder (or of several uploads)."""
    outcomes: list[FileOutcome] = field(default_factory=list)

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[FileOutcome]:
        return self.by_status(FileStatus.IMPORTED)

    @property
    def errors(self) -> list[FileOutcome]:
        return self.by_status(FileStatus.FAILED)

    @property
    def level(self) -> str:
        """How the outcome is announced: "error", "warning" (nothing recognised), "info" (nothing new: all already there) or
        "success" (something imported)."""
        if self.errors:
            return "error"
        if self.imported:
            return "success"
        return "info" if self.by_status(FileStatus.ALREADY_IMPORTED) else "warning"

    def summary(self) -> str:
        """« 0 fichier importé, 3 ignorés. » — the imported count always, the others when there are any."""
        counts = {s: len(self.by_status(s)) for s in FileStatus}
        parts = [_count(counts[FileStatus.IMPORTED], "fichier importé", "fichiers importés")]
        parts += [_count(counts[status], singular, plural) for status, singular, plural in (
                      (FileStatus.ALREADY_IMPORTED, "déjà importé", "déjà importés"),
                      (FileStatus.IGNORED, "ignoré", "ignorés"),
                      (FileStatus.FAILED, "en erreur", "en erreur")) if counts[status]]
        text = ", ".join(parts) + "."
        if self.level == "warning":
            text += (" Aucun fichier n'a été reconnu : le détail de chaque fichier dit pourquoi ; la page "
                     "« Données officielles » liste les fichiers de l'Insee et de l'ANCT à télécharger.")
        return text


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n < 2 else plural}"


# --- collecting files ---------------------------------------------------------------------------

def collect_folder(folder: str | Path) -> list[FileSource]:
    """Every file under `folder` (recursively), shapefile sets grouped, zip archives opened.

    Symbolic links are never followed, to a file or to a folder: a folder of downloads holds files, and
    a link could lead anywhere on the machine."""
    root = Path(folder).expanduser()
    if root.is_symlink():
        raise DQError(f"« {root} » est un lien symbolique : indiquez le dossier lui-même.")
    if not root.is_dir():
        raise DQError(f"Le dossier « {root} » n'existe pas ou n'est pas un dossier.")
    return _group([(str(p.relative_to(root)), p) for p in _folder_files(root)])


def _folder_files(root: Path) -> list[Path]:
    found = []
    for parent, folders, names in os.walk(root, followlinks=False):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(Path(parent) / name for name in names if not name.startswith("."))
    return sorted(p for p in found if not p.is_symlink() and p.is_file())


def collect_uploads(uploads: Iterable[tuple[str, bytes]]) -> list[FileSource]:
    """Files given as (name, bytes) — an upload widget — grouped like a folder."""
    return _group([(name, data) for name, data in uploads])


def _group(items: list[tuple[str, Path | bytes]]) -> list[FileSource]:
    shapefiles: dict[str, dict[str, Path | bytes]] = {}
    sources: list[FileSource] = []
    for name, item in items:
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in (".shp", ".dbf", ".shx", ".prj", ".cpg"):
            shapefiles.setdefault(str(PurePosixPath(name).with_suffix("")), {})[suffix] = item
            continue
        if suffix in IGNORED_SUFFIXES:
            continue
        source = FileSource(name, path=item) if isinstance(item, Path) else FileSource(name, data=item)
        sources.extend(_expand_zip(source) if suffix == ".zip" else [source])
    for stem, parts in shapefiles.items():
        loaded = {ext: (p.read_bytes() if isinstance(p, Path) else p) for ext, p in parts.items()}
        sources.append(FileSource(f"{stem}.shp", parts=loaded))
    return sorted(sources, key=lambda s: s.name)


def _expand_zip(source: FileSource) -> list[FileSource]:
    if sniff_kind(source) == "xlsx":
        return [source]
    try:
        members = archive.read_members(source, keep=_worth_reading)
    except DQError as exc:                  # over the limits, or damaged: said when imported
        return [replace(source, refusal=exc.message)]
    sets = geography.shapefile_sets(members)
    if sets:
        return [FileSource(source.name, parts=geography.preferred_shapefile(sets))]
    geojsons = [n for n in members if n.lower().endswith((".geojson", ".json"))]
    whole = [n for n in geojsons if "france" in n.lower() or "metropole" in n.lower()]
    chosen = whole[:1] or geojsons
    out = [FileSource(f"{source.name}/{n}", data=members[n]) for n in chosen]
    out += [FileSource(f"{source.name}/{n}", data=d) for n, d in members.items()
            if n not in geojsons and PurePosixPath(n).suffix.lower() in TEXT_SUFFIXES - {".zip"}]
    return out or [source]


def _worth_reading(name: str) -> bool:
    """Members the import may use: a zip's other files (PDF notices, images…) are not decompressed."""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix in TEXT_SUFFIXES - {".zip"} or suffix in (".dbf", ".shx", ".prj", ".cpg")


# --- recognising and reading --------------------------------------------------------------------

def read_file(source: FileSource, only: set[str] | None = None) -> tuple[kinds.FileKind, kinds.Reading]:
    """Recognise an official file from its content and read it whole (NotRecognised if it is none, or
    not one of the kinds `only` names)."""
    sample = kinds.Sample(source)
    kind = kinds.recognise(sample)
    if kind is None:
        raise kinds.NotRecognised(kinds.why_not_recognised(sample))
    if only is not None and kind.name not in only:
        wanted = " ou ".join(kinds.BY_NAME[name].label for name in sorted(only))
        raise kinds.NotRecognised(f"Ce n'est pas un {wanted}, mais un(e) {kind.label}.")
    if kind.personal:
        raise kinds.NotRecognised(f"Ce fichier ressemble à une {kind.label} : les adresses de personnes ne "
                                  "sont jamais importées ; la page « Adresses » les localise sans les garder.")
    if kind.from_partners:
        raise kinds.NotRecognised(f"Ce fichier est un {kind.label} : importez-le depuis la page « Importer » "
                                  "(ou `python -m dq_core import`), qui le vérifie et rattache chaque résidence "
                                  "à son quartier.")
    if kind.is_partner:
        raise kinds.NotRecognised(f"Ce fichier ressemble à un {kind.label} : importez-le depuis la page "
                                  "« Importer » (ou `python -m dq_core import`), qui demande la correspondance "
                                  "de ses colonnes.")
    return kind, official_checks.checked(kind, sample, kind.read(sample))


# --- writing ------------------------------------------------------------------------------------

def already_imported(cur: duckdb.DuckDBPyConnection, digest: str) -> str | None:
    row = cur.execute("SELECT file_name FROM import_batch WHERE file_hash = ? AND status = 'imported' "
                      "ORDER BY id LIMIT 1", [digest]).fetchone()
    return row[0] if row else None


def check_workspace(cur: duckdb.DuckDBPyConnection) -> None:
    """Official data goes into the user's own workspace, never into the demo."""
    if db.is_demo(cur):
        raise DQError("La base ouverte est la démonstration (données fictives) : les données officielles "
                      "vont dans votre propre espace de travail. Créez-en un ou ouvrez le vôtre, puis "
                      "relancez l'import.")
    if db.get_meta(cur, "workspace_kind") is None:
        with db.transaction(cur):
            db.set_meta(cur, "workspace_kind", "user")


def import_sources(cur: duckdb.DuckDBPyConnection, sources: list[FileSource],
                   progress: Callable[[int, int, str], None] | None = None) -> FolderReport:
    check_workspace(cur)
    report = FolderReport()
    for i, source in enumerate(sources):
        if progress:
            progress(i, len(sources), source.name)
        report.outcomes.append(import_one(cur, source))
        source.release()                     # free the memory of a folder's files
    if any(outcome.status == FileStatus.IMPORTED for outcome in report.outcomes):
        db.cluster_observations(cur)
    if progress:
        progress(len(sources), len(sources), "")
    return report


def import_folder(cur: duckdb.DuckDBPyConnection, folder: str | Path,
                  progress: Callable[[int, int, str], None] | None = None) -> FolderReport:
    return import_sources(cur, collect_folder(folder), progress)


def import_one(cur: duckdb.DuckDBPyConnection, source: FileSource, only: set[str] | None = None) -> FileOutcome:
    """Read and write one file as one batch; `only`: the kinds accepted (others are ignored, said why)."""
    if source.refusal:
        return FileOutcome(source.name, FileStatus.FAILED, source.refusal)
    try:
        if source.size > MAX_FILE_BYTES:
            return FileOutcome(source.name, FileStatus.FAILED, f"Fichier de {archive.size_label(source.size)} : "
                               f"au-delà de {archive.size_label(MAX_FILE_BYTES)}, un fichier officiel n'est pas lu "
                               "(les bases de l'Insee et les contours de l'ANCT font quelques Mo). Vérifiez qu'il "
                               "s'agit du bon fichier.")
        source.read()                      # once: the hash and the reading both use these bytes
        digest = source.sha256
    except OSError as exc:
        return FileOutcome(source.name, FileStatus.FAILED, f"Lecture impossible : {exc.strerror or exc}.")
    previous = already_imported(cur, digest)
    if previous:
        return FileOutcome(source.name, FileStatus.ALREADY_IMPORTED, f"Fichier identique déjà importé "
                           f"({previous}) : rien à faire.")
    try:
        kind, reading = read_file(source, only)
        if kind.place is not None:           # addresses matched, points placed: needs this workspace
            reading = kind.place(cur, reading)
    except kinds.NotRecognised as exc:
        return FileOutcome(source.name, FileStatus.IGNORED, exc.message)
    except DQError as exc:
        return FileOutcome(source.name, FileStatus.FAILED, exc.message)
    except Exception as exc:  # noqa: BLE001 - a malformed file must not stop the other files
        log.exception("reading %s", source.name)
        return FileOutcome(source.name, FileStatus.FAILED, f"Fichier illisible ({unexpected(exc)}) : il n'a pas été "
                           "importé. Vérifiez qu'il est tel que publié (ni tronqué, ni modifié), ou téléchargez-le "
                           "à nouveau.")
    try:
        rows, detail = official_write.write_batch(cur, reading, source=SOURCE, file_name=source.name,
                                                  file_hash=digest)
    except DQError as exc:
        return FileOutcome(source.name, FileStatus.FAILED, exc.message, kind.name)
    except Exception as exc:  # noqa: BLE001 - rolled back; reported, the next files go on
        explained = failures.explain(exc, db.workspace_file(cur))      # a full disk, a damaged base
        if explained is not None:
            return FileOutcome(source.name, FileStatus.FAILED, explained.message, kind.name)
        log.exception("writing %s", source.name)
        return FileOutcome(source.name, FileStatus.FAILED, "Import annulé par une erreur inattendue : la base est "
                           "inchangée.", kind.name)
    if reading.unrecognised:
        detail += f" ; {kinds.unrecognised_columns(reading.unrecognised)}"
    return FileOutcome(source.name, FileStatus.IMPORTED, f"{reading.label} — {detail}", kind.name, rows)


def official_batches(cur: duckdb.DuckDBPyConnection):
    """The official files imported into the workspace, newest first (for the import page)."""
    return cur.execute("""
        SELECT file_name, comment, imported_at, rows_inserted, rows_replaced
        FROM import_batch WHERE source = ? AND status = 'imported' ORDER BY id DESC""", [SOURCE]).df()
