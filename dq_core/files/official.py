"""Importing official files: recognise each file from its content, read it, write it atomically.

    report = import_folder(cur, folder)            # or import_sources(cur, sources)

One file = one transaction and one import batch: a bad file changes nothing and does not stop the
others; a file already imported (same bytes) is skipped; a newer edition adds its periods.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import duckdb

from dq_core import fmt
from dq_core.errors import DQError
from dq_core.files import official_write as writers
from dq_core.files.kinds import correspondence
from dq_core.files.kinds import insee_thematic as thematic
from dq_core.files.kinds import qpv_geography as geography
from dq_core.files.read.tables import NotRecognised, Table, decode, is_xlsx, read_csv_text, read_xlsx_tables
from dq_core.store import db

log = logging.getLogger(__name__)
SOURCE = "officiel"
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".geojson", ".json", ".xlsx", ".xlsm", ".zip", ".shp"}
IGNORED_SUFFIXES = {".dbf", ".shx", ".prj", ".cpg", ".qmd", ".sbn", ".sbx", ".xml"}


@dataclass
class SourceFile:
    name: str
    path: Path | None = None
    data: bytes | None = None
    parts: dict[str, bytes] | None = None      # a shapefile set: extension → bytes

    def read(self) -> bytes:
        if self.data is None:
            self.data = self.path.read_bytes() if self.path else b"".join(
                self.parts[k] for k in sorted(self.parts or {}))
        return self.data


@dataclass
class FileOutcome:
    name: str
    status: str            # 'importe', 'deja_importe', 'ignore', 'erreur'
    message: str
    kind: str | None = None
    rows: int = 0

    @property
    def status_label(self) -> str:
        return {"importe": "importé", "deja_importe": "déjà importé", "ignore": "ignoré",
                "erreur": "erreur"}[self.status]


@dataclass
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[FileOutcome]:
        return self.by_status("importe")

    @property
    def errors(self) -> list[FileOutcome]:
        return self.by_status("erreur")

    def summary(self) -> str:
        counts = {s: len(self.by_status(s)) for s in ("importe", "deja_importe", "ignore", "erreur")}
        return (f"{counts['importe']} fichier(s) importé(s), {counts['deja_importe']} déjà importé(s), "
                f"{counts['ignore']} ignoré(s), {counts['erreur']} en erreur.")


# --- collecting files ---------------------------------------------------------------------------

def collect_folder(folder: str | Path) -> list[SourceFile]:
    """Every file under `folder` (recursively), shapefile sets grouped, zip archives opened."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise DQError(f"Le dossier « {root} » n'existe pas ou n'est pas un dossier.")
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    items = [(str(p.relative_to(root)), p) for p in files]
    return _group(items)


def collect_uploads(uploads: Iterable[tuple[str, bytes]]) -> list[SourceFile]:
    """Files given as (name, bytes) — an upload widget — grouped like a folder."""
    return _group([(name, data) for name, data in uploads])


def _group(items: list[tuple[str, Path | bytes]]) -> list[SourceFile]:
    shapefiles: dict[str, dict[str, Path | bytes]] = {}
    sources: list[SourceFile] = []
    for name, item in items:
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in (".shp", ".dbf", ".shx", ".prj", ".cpg"):
            shapefiles.setdefault(str(PurePosixPath(name).with_suffix("")), {})[suffix] = item
            continue
        if suffix in IGNORED_SUFFIXES:
            continue
        source = SourceFile(name, path=item) if isinstance(item, Path) else SourceFile(name, data=item)
        sources.extend(_expand_zip(source) if suffix == ".zip" else [source])
    for stem, parts in shapefiles.items():
        loaded = {ext: (p.read_bytes() if isinstance(p, Path) else p) for ext, p in parts.items()}
        sources.append(SourceFile(f"{stem}.shp", parts=loaded))
    return sorted(sources, key=lambda s: s.name)


def _expand_zip(source: SourceFile) -> list[SourceFile]:
    data = source.read()
    if is_xlsx(data):
        return [source]
    try:
        members = geography.zip_members(data)
    except DQError:
        return [source]                     # reported as unreadable when imported
    sets = geography.shapefile_sets(members)
    if sets:
        return [SourceFile(source.name, data=data, parts=geography.preferred_shapefile(sets))]
    geojsons = [n for n in members if n.lower().endswith((".geojson", ".json"))]
    whole = [n for n in geojsons if "france" in n.lower() or "metropole" in n.lower()]
    chosen = whole[:1] or geojsons
    out = [SourceFile(f"{source.name}/{n}", data=members[n]) for n in chosen]
    out += [SourceFile(f"{source.name}/{n}", data=d) for n, d in members.items()
            if n not in geojsons and PurePosixPath(n).suffix.lower() in TEXT_SUFFIXES - {".zip"}]
    return out or [SourceFile(source.name, data=data)]


# --- recognising and reading --------------------------------------------------------------------

@dataclass
class Parsed:
    kind: str               # 'geographie', 'liste', 'correspondance', 'thematique'
    label: str
    payload: object


def read_source(source: SourceFile) -> Parsed:
    """Recognise a file from its content (never from its name) and read it into clean frames."""
    if source.parts is not None:
        quartiers = geography.read_shapefile(source.parts)
        return Parsed("geographie", quartiers.label, quartiers)
    data = source.read()
    if is_xlsx(data):
        tables = read_xlsx_tables(data)
        if not tables:
            raise NotRecognised("Classeur Excel sans en-tête reconnu (CODGEO, code_qp, QP2024…) dans ses "
                                "premières lignes.")
        errors = []
        for table in sorted(tables, key=lambda t: (t.sheet or "").upper() not in ("QP", "QPV")):
            try:
                return _classify(source.name, table)
            except NotRecognised as exc:
                errors.append(exc.message)
        raise NotRecognised(errors[0])
    if data[:2] == b"PK":
        raise NotRecognised("Archive zip sans fichier reconnu (shapefile, GeoJSON, CSV ou Excel).")
    if b"\x00" in data[:4096]:
        raise NotRecognised("Fichier binaire d'un format non pris en charge.")
    text = decode(data)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        if '"features"' not in stripped[:200_000] or '"FeatureCollection"' not in stripped[:5000]:
            raise NotRecognised("Fichier JSON qui n'est pas une collection GeoJSON de quartiers.")
        quartiers = geography.read_geojson(text)
        return Parsed("geographie", quartiers.label, quartiers)
    return _classify(source.name, read_csv_text(text))


def _classify(name: str, table: Table) -> Parsed:
    if correspondence.looks_like_correspondence(table):
        pairs = correspondence.read_correspondence(table)
        return Parsed("correspondance", "ANCT, correspondance des quartiers 2024 ↔ 2015", pairs)
    theme = thematic.theme_of(table)
    if theme:
        data = thematic.read_thematic(name, table, theme)
        return Parsed("thematique", data.label, data)
    if geography.looks_like_list(table):
        quartiers = geography.read_list(table)
        return Parsed("liste", quartiers.label, quartiers)
    shown = ", ".join(table.header[:5]) + ("…" if len(table.header) > 5 else "")
    raise NotRecognised(f"En-tête non reconnu ({shown}) : ni base thématique de l'Insee, ni liste ou "
                        "contours de quartiers, ni table de correspondance.")


# --- writing ------------------------------------------------------------------------------------

def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def import_sources(cur: duckdb.DuckDBPyConnection, sources: list[SourceFile],
                   progress: Callable[[int, int, str], None] | None = None) -> ImportReport:
    check_workspace(cur)
    report = ImportReport()
    for i, source in enumerate(sources):
        if progress:
            progress(i, len(sources), source.name)
        report.outcomes.append(import_one(cur, source))
        source.data = None if source.path else source.data     # free memory of folder files
    if progress:
        progress(len(sources), len(sources), "")
    return report


def import_folder(cur: duckdb.DuckDBPyConnection, folder: str | Path,
                  progress: Callable[[int, int, str], None] | None = None) -> ImportReport:
    return import_sources(cur, collect_folder(folder), progress)


def import_one(cur: duckdb.DuckDBPyConnection, source: SourceFile) -> FileOutcome:
    try:
        data = source.read()
    except OSError as exc:
        return FileOutcome(source.name, "erreur", f"Lecture impossible : {exc.strerror or exc}.")
    digest = file_hash(data if source.parts is None else b"".join(source.parts[k] for k in sorted(source.parts)))
    previous = already_imported(cur, digest)
    if previous:
        return FileOutcome(source.name, "deja_importe", f"Fichier identique déjà importé ({previous}) : rien "
                           "à faire.")
    try:
        parsed = read_source(source)
    except NotRecognised as exc:
        return FileOutcome(source.name, "ignore", exc.message)
    except DQError as exc:
        return FileOutcome(source.name, "erreur", exc.message)
    except Exception as exc:  # noqa: BLE001 - a malformed file must not stop the other files
        log.exception("reading %s", source.name)
        return FileOutcome(source.name, "erreur", f"Fichier illisible ({exc.__class__.__name__}).")
    try:
        with db.transaction(cur):
            batch = db.new_batch(cur, SOURCE, file_name=source.name, file_hash=digest, comment=parsed.label)
            rows, replaced, detail = _write(cur, parsed, batch)
            cur.execute("UPDATE import_batch SET rows_inserted = ?, rows_replaced = ? WHERE id = ?",
                        [rows, replaced, batch])
            db.bump_data_version(cur)
    except DQError as exc:
        return FileOutcome(source.name, "erreur", exc.message, parsed.kind)
    except Exception as exc:  # noqa: BLE001 - rolled back; reported, the next files go on
        log.exception("writing %s", source.name)
        return FileOutcome(source.name, "erreur", f"Import annulé, la base est inchangée "
                           f"({exc.__class__.__name__}).", parsed.kind)
    return FileOutcome(source.name, "importe", f"{parsed.label} — {detail}", parsed.kind, rows)


def _write(cur: duckdb.DuckDBPyConnection, parsed: Parsed, batch: int) -> tuple[int, int, str]:
    if parsed.kind in ("geographie", "liste"):
        frame = parsed.payload.frame
        counts = writers.write_quartiers(cur, frame, batch, authoritative=True)
        detail = (f"{fmt.number(len(frame), 0)} quartiers ({fmt.number(counts['added'], 0)} nouveaux), "
                  f"{fmt.number(counts['linked'], 0)} rattachés à leur(s) commune(s)")
        if parsed.payload.has_geometry:
            detail += ", avec leurs contours"
        if counts["unresolved"]:
            detail += f" ; {fmt.number(counts['unresolved'], 0)} sans commune reconnue"
        return counts["added"], 0, detail
    if parsed.kind == "correspondance":
        pairs = parsed.payload
        written = writers.write_correspondence(cur, pairs)
        return written, 0, (f"{fmt.number(pairs['qp2024'].nunique(), 0)} quartiers 2024, "
                            f"{fmt.number(written, 0)} liens vers un quartier 2015")
    data: thematic.ThematicData = parsed.payload
    counts = writers.write_quartiers(cur, data.quartiers, batch, authoritative=False)
    writers.save_indicators(cur, data.indicators, batch)
    inserted, replaced = writers.write_observations(cur, data.observations, batch)
    secret = int(data.observations["is_secret"].sum())
    detail = (f"{fmt.number(len(data.quartiers), 0)} quartiers, {len(data.indicators)} indicateurs, "
              f"{fmt.number(inserted, 0)} valeurs enregistrées dont {fmt.number(secret, 0)} secrètes")
    if data.secondary:
        detail += f" ({fmt.number(data.secondary, 0)} masquées au titre du secret secondaire)"
    kept = len(data.observations) - inserted
    if kept > 0:
        detail += f" ; {fmt.number(kept, 0)} valeurs déjà fournies par une édition plus récente, conservées"
    if counts["added"]:
        detail += f" ; {fmt.number(counts['added'], 0)} quartiers ajoutés"
    return inserted, replaced, detail


def official_batches(cur: duckdb.DuckDBPyConnection):
    """The official files imported into the workspace, newest first (for the import page)."""
    return cur.execute("""
        SELECT file_name, comment, imported_at, rows_inserted, rows_replaced
        FROM import_batch WHERE source = ? AND status = 'imported' ORDER BY id DESC""", [SOURCE]).df()
