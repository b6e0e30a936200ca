"""Zip archives opened within bounds: member count, uncompressed size and compression ratio are checked
on the archive's directory before anything is decompressed, and sizes again while members stream out
(a directory may lie), so a small hostile zip cannot fill the memory or run for minutes."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from dq_core import fmt
from dq_core.errors import DQError
from dq_core.files.read.source import CHUNK, FileSource

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    members: int            # files in the archive
    total: int              # bytes once decompressed, all members together
    ratio: float            # decompressed / compressed size of one member …
    ratio_floor: int        # … checked only for members larger than this (tiny files compress well)


# Official archives (ANCT shapefiles, GeoJSON) hold a few files of tens of MB that compress 3 to 15 times.
OFFICIAL = Limits(members=1000, total=512 * MIB, ratio=100, ratio_floor=MIB)
# An xlsx workbook is a zip of XML, more compressible; its sheets are streamed, never held whole.
WORKBOOK = Limits(members=10_000, total=4096 * MIB, ratio=400, ratio_floor=16 * MIB)


class ArchiveRefused(DQError):
    """An archive over the limits: refused before it is decompressed."""


def check_directory(infos: list[zipfile.ZipInfo], limits: Limits, what: str = "Cette archive zip",
                    keep: Callable[[str], bool] = lambda name: True) -> None:
    """Refuse (ArchiveRefused, in French) an archive whose directory goes over the limits; sizes count
    only the members that would be decompressed (`keep`)."""
    files = [i for i in infos if not i.is_dir()]
    if len(files) > limits.members:
        raise ArchiveRefused(f"{what} contient {fmt.number(len(files), 0)} fichiers (au plus "
                             f"{fmt.number(limits.members, 0)}) : elle n'est pas ouverte. Décompressez-la et "
                             "importez seulement les fichiers utiles.")
    files = [i for i in files if not _is_metadata(i.filename) and keep(i.filename)]
    total = sum(i.file_size for i in files)
    if total > limits.total:
        raise ArchiveRefused(f"{what} fait {size_label(total)} une fois décompressée (au plus {size_label(limits.total)}) : "
                             "elle n'est pas ouverte. Décompressez-la et importez les fichiers un par un.")
    for info in files:
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise ArchiveRefused(f"{what} contient « {_clip(info.filename)} », compressé plus de "
                                 f"{fmt.number(limits.ratio, 0)} fois ({size_label(info.file_size)} pour "
                                 f"{size_label(info.compress_size)}) : ce n'est pas un fichier de données "
                                 "ordinaire (bombe de décompression ?). L'archive n'est pas ouverte.")


def read_members(source: FileSource, keep: Callable[[str], bool] = lambda name: True,
                 limits: Limits = OFFICIAL) -> dict[str, bytes]:
    """The members of a zip (those `keep` accepts; no folders, no macOS metadata), within `limits`."""
    try:
        with source.open() as f, zipfile.ZipFile(f) as archive:
            infos = archive.infolist()
            check_directory(infos, limits, keep=keep)
            members: dict[str, bytes] = {}
            budget = limits.total
            for info in infos:
                if info.is_dir() or _is_metadata(info.filename) or not keep(info.filename):
                    continue
                members[info.filename] = _read_bounded(archive, info, budget, limits)
                budget -= len(members[info.filename])
            return members
    except ArchiveRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError) as exc:
        raise DQError("Archive zip illisible (abîmée, chiffrée ou d'un format de compression non pris en "
                      "charge).") from exc


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limits: Limits) -> bytes:
    """One member, streamed: never more than its declared size nor what is left of the budget."""
    allowed = min(info.file_size, budget)
    parts, size = [], 0
    with archive.open(info) as member:
        while chunk := member.read(min(CHUNK, allowed - size + 1)):
            size += len(chunk)
            if size > allowed:
                raise ArchiveRefused(f"« {_clip(info.filename)} » est plus grand, décompressé, que ce que "
                                     f"l'archive annonce ou dépasse {size_label(limits.total)} : l'archive n'est "
                                     "pas ouverte.")
            parts.append(chunk)
    return b"".join(parts)


def _is_metadata(name: str) -> bool:
    return "__MACOSX" in name or PurePosixPath(name).name.startswith(".")


def size_label(n: int) -> str:
    """`12 Ko`, `3,2 Mo`, `512 Mo`, `1 Go`."""
    value, unit = ((n / 1024, "Ko") if n < MIB else (n / MIB, "Mo") if n < 1024 * MIB
                   else (n / 1024 / MIB, "Go"))
    return f"{fmt.number(value, 0 if round(value, 1).is_integer() else 1)} {unit}"


def _clip(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else "…" + name[-(limit - 1):]
