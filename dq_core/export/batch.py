"""Exports of many quartiers: a zip, a folder, or one workbook, in memory or to a path, with progress."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

import duckdb
import xlsxwriter

from dq_core import french
from dq_core.errors import DQError
from dq_core.export.combined_workbook import write_combined_workbook
from dq_core.export.fiche_workbook import write_fiche_workbook
from dq_core.export.formats import APP_NAME, DEMO_BANNER, XLSX_MIME, ZIP_MIME, batch_filename
from dq_core.export.loader import Progress, load_export
from dq_core.export.workers import fiche_workbooks
from dq_core.store import db


def write_zip(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], target: str | Path | BinaryIO, *,
              progress: Progress | None = None, exported_on: date | None = None,
              workers: int | None = None) -> list[str]:
    """A zip holding one workbook per quartier, each added as soon as it is written (memory: a few
    workbooks). `workers`: processes writing them (default: two for a large batch). Returns the file
    names inside the zip."""
    day = exported_on or date.today()
    names: list[str] = []
    demo = False
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    # Workbooks are already deflated: storing them is as small and much faster.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zf:
        for i, written in enumerate(fiche_workbooks(cur, codes, day, workers=workers)):
            demo = written.demo
            names.append(written.name)
            zf.writestr(zipfile.ZipInfo(written.name, date_time=stamp), written.content)
            if progress:
                progress(i + 1, len(codes), written.label)
        readme = [f"{APP_NAME} — export du {day:%d/%m/%Y}", "",
                  f"{french.count(len(names), 'fiche quartier', 'fiches quartier')} au format Excel (.xlsx).", ""]
        if demo:
            readme[1:1] = ["", DEMO_BANNER]
        zf.writestr(zipfile.ZipInfo("LISEZMOI.txt", date_time=stamp),
                    ("\r\n".join(readme + names) + "\r\n").encode("utf-8-sig"))
    return names


def write_directory(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], directory: str | Path, *,
                    progress: Progress | None = None, exported_on: date | None = None,
                    workers: int | None = None) -> list[Path]:
    """One workbook per quartier in `directory` (created if needed)."""
    day = exported_on or date.today()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, written in enumerate(fiche_workbooks(cur, codes, day, directory=directory, workers=workers)):
        paths.append(directory / written.name)
        if progress:
            progress(i + 1, len(codes), written.label)
    return paths


# Rough cost of one quartier in each kind of batch (bench/bench_export.py prints the real figures):
# a zip holds a whole workbook per quartier, the combined workbook one sheet.
SECONDS_PER_QUARTIER = {"zip": 0.2, "combined": 0.05}


def estimated_duration(count: int, kind: str) -> str:
    """How long a batch of `count` quartiers takes, in words: « quelques secondes », « moins d'une
    minute », « environ 3 minutes »."""
    seconds = count * SECONDS_PER_QUARTIER.get(kind, SECONDS_PER_QUARTIER["combined"])
    if seconds < 10:
        return "quelques secondes"
    if seconds < 60:
        return "moins d'une minute"
    return f"environ {round(seconds / 60)} minute{'s' if seconds >= 90 else ''}"


BATCH_KINDS = {
    "zip": "Un classeur par quartier, réunis dans un fichier zip",
    "combined": "Un seul classeur : une vue d'ensemble et une feuille par quartier",
}


def batch_bytes(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], kind: str, label: str, *,
                progress: Progress | None = None, exported_on: date | None = None
                ) -> tuple[bytes, str, str]:
    """A batch in memory, for a download button: (content, file name, MIME type).
    `kind` is "zip" (one workbook per quartier) or "combined" (one workbook, a sheet per quartier)."""
    if not codes:
        raise DQError("Aucun quartier à exporter.")
    day = exported_on or date.today()
    demo = db.is_demo(cur)
    buffer = io.BytesIO()
    if kind == "zip":
        write_zip(cur, codes, buffer, progress=progress, exported_on=day)
        return buffer.getvalue(), batch_filename(label, day, ".zip", demo=demo), ZIP_MIME
    if kind == "combined":
        write_combined_workbook(cur, codes, buffer, progress=progress, exported_on=day, title=label)
        return buffer.getvalue(), batch_filename(label, day, ".xlsx", demo=demo), XLSX_MIME
    raise ValueError(f"unknown batch kind {kind!r}")


def export_to_path(cur: duckdb.DuckDBPyConnection, codes: Sequence[str], out: str | Path, *,
                   progress: Progress | None = None, exported_on: date | None = None,
                   title: str | None = None) -> list[Path]:
    """What the CLI does with `--out`: `.xlsx` → one workbook (the fiche for one quartier, the
    combined workbook for several), `.zip` → one workbook per quartier in a zip, anything else →
    a directory with one workbook per quartier. Returns the files written."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix in (".xls", ".xlsm", ".ods", ".csv"):
        raise DQError(f"Format « {out.suffix} » non pris en charge : indiquez un fichier .xlsx, un "
                      "fichier .zip ou un dossier.")
    if suffix in (".xlsx", ".zip") and not out.parent.exists():
        raise DQError(f"Le dossier « {out.parent} » n'existe pas : créez-le ou choisissez un autre "
                      "chemin.")
    if suffix not in (".xlsx", ".zip") and out.exists() and not out.is_dir():
        raise DQError(f"« {out} » est un fichier : pour un export par quartier, indiquez un dossier, "
                      "un fichier .zip ou un fichier .xlsx.")
    try:
        if suffix == ".xlsx":
            if len(codes) == 1:
                write_fiche_workbook(load_export(cur, codes[0]), out, exported_on=exported_on)
                if progress:
                    progress(1, 1, codes[0])
            else:
                write_combined_workbook(cur, codes, out, progress=progress, exported_on=exported_on,
                                        title=title)
            return [out]
        if suffix == ".zip":
            write_zip(cur, codes, out, progress=progress, exported_on=exported_on)
            return [out]
        return write_directory(cur, codes, out, progress=progress, exported_on=exported_on)
    except PermissionError as exc:
        raise DQError(f"Impossible d'écrire « {exc.filename or out} » : fichier ouvert dans un autre "
                      "programme (Excel ?) ou dossier protégé.") from exc
    except xlsxwriter.exceptions.FileCreateError as exc:
        raise DQError(f"Impossible d'écrire « {out} » : fichier ouvert dans un autre programme "
                      "(Excel ?) ou dossier protégé.") from exc


def batch_scopes(cur: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, int]]]:
    """For the Exporter page: {level: [(code, name, number of quartiers)]} for commune, epci,
    departement — only territories that hold at least one quartier."""
    rows = cur.execute("""
        WITH RECURSIVE ancestor(quartier, code, depth) AS (
            SELECT code, code, 0 FROM territory WHERE level = 'quartier'
            UNION ALL
            SELECT a.quartier, l.parent, a.depth + 1
            FROM territory_link l JOIN ancestor a ON l.child = a.code WHERE a.depth < 6)
        SELECT t.level, t.code, t.name, count(DISTINCT a.quartier)
        FROM ancestor a JOIN territory t ON t.code = a.code
        WHERE t.level IN ('commune', 'epci', 'departement')
        GROUP BY ALL ORDER BY t.level, t.name, t.code""").fetchall()
    scopes: dict[str, list[tuple[str, str, int]]] = {"commune": [], "epci": [], "departement": []}
    for level, code, name, count in rows:
        scopes[level].append((code, name, count))
    return scopes
