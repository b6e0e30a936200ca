"""A file to read: a path, uploaded bytes or a shapefile set; its hash and what its first bytes say it is."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dq_core.errors import DQError

CHUNK = 8 * 1024 * 1024
SAMPLE = 256 * 1024

_MAGIC = [
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf", "archive"),
    (b"Rar!", "archive"),
    (b"SQLite format 3", "database"),
    (b"DUCK", "database"),
    (b"{\\rtf", "rtf"),
]

KIND_MESSAGES = {
    "xls": "C'est un classeur Excel à l'ancien format (.xls). Ouvrez-le dans Excel ou LibreOffice et "
           "enregistrez-le au format .xlsx ou CSV, puis recommencez.",
    "ods": "C'est un classeur OpenDocument (.ods). Enregistrez-le au format .xlsx ou CSV, puis recommencez.",
    "pdf": "C'est un document PDF : l'application lit des tableaux CSV ou Excel (.xlsx), pas des PDF.",
    "image": "C'est une image : l'application lit des tableaux CSV ou Excel (.xlsx).",
    "gzip": "C'est un fichier compressé : décompressez-le et importez le tableau CSV ou Excel qu'il contient.",
    "archive": "C'est une archive compressée : décompressez-la et importez le tableau CSV ou Excel qu'elle contient.",
    "zip": "C'est une archive ZIP, pas un classeur Excel : décompressez-la et importez le tableau qu'elle contient.",
    "database": "C'est une base de données, pas un tableau : exportez les données en CSV ou en Excel (.xlsx).",
    "rtf": "C'est un document texte mis en forme (RTF), pas un tableau CSV ou Excel.",
    "docx": "C'est un document Word, pas un tableau : copiez le tableau dans Excel et enregistrez-le en .xlsx.",
    "binary": "Ce fichier n'est pas un tableau lisible (contenu binaire). L'application lit des fichiers CSV "
              "(texte séparé par des points-virgules, virgules ou tabulations) ou Excel (.xlsx).",
    "broken_xlsx": "Ce classeur Excel est abîmé ou incomplet (fichier tronqué ?) : il ne peut pas être ouvert. "
                   "Enregistrez-le à nouveau depuis Excel ou LibreOffice, ou renvoyez-le.",
}


@dataclass
class FileSource:
    """A file to import: a path on disk, or bytes (an upload), with the name the user knows it by."""
    name: str
    path: Path | None = None
    data: bytes | None = None
    parts: dict[str, bytes] | None = None      # a shapefile set: extension → bytes
    _hash: str | None = field(default=None, repr=False)

    @classmethod
    def from_path(cls, path: str | Path) -> FileSource:
        path = Path(path)
        if not path.exists():
            raise DQError(f"Le fichier « {path} » n'existe pas.")
        if path.is_dir():
            raise DQError(f"« {path} » est un dossier, pas un fichier.")
        return cls(path.name, path=path)

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> FileSource:
        return cls(name, data=bytes(data))

    @property
    def size(self) -> int:
        return self.path.stat().st_size if self.path is not None else len(self.read())

    def read(self) -> bytes:
        """All the bytes (a shapefile set: its parts in a fixed order, for hashing)."""
        if self.data is None:
            self.data = self.path.read_bytes() if self.path is not None else b"".join(
                self.parts[k] for k in sorted(self.parts or {}))
        return self.data

    def release(self) -> None:
        """Forget bytes read from disk (a folder of large files is read one file at a time)."""
        if self.path is not None:
            self.data = None

    def open(self):
        return open(self.path, "rb") if self.path is not None and self.data is None else io.BytesIO(self.read())

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        with self.open() as f:
            while chunk := f.read(size):
                yield chunk

    def head(self, size: int = SAMPLE) -> bytes:
        with self.open() as f:
            return f.read(size)

    @property
    def sha256(self) -> str:
        if self._hash is None:
            digest = hashlib.sha256()
            for chunk in self.chunks():
                digest.update(chunk)
            self._hash = digest.hexdigest()
        return self._hash


def sniff_kind(source: FileSource) -> str:
    """'csv', 'xlsx', 'empty', 'shapefile', or the name of what it is instead (see KIND_MESSAGES)."""
    if source.parts is not None:
        return "shapefile"
    head = source.head(8192)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        return "empty"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(source)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        return "binary"
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if control > len(head) / 100:
        return "binary"
    return "csv"


def _zip_kind(source: FileSource) -> str:
    try:
        with source.open() as f, zipfile.ZipFile(f) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                bad = archive.testzip()
                return "broken_xlsx" if bad else "xlsx"
            if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                return "ods"
            if "word/document.xml" in names:
                return "docx"
            return "zip"
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        return "broken_xlsx"


MAX_GUNZIPPED = 1024 ** 3          # a département's address file is ~200 MB; France's whole ~3 GB


def gunzipped(source: FileSource, limit: int = MAX_GUNZIPPED) -> FileSource:
    """The file inside a `.gz` (the address base is published so), read in chunks and bounded: a file
    growing past `limit` is refused in French rather than filling the memory. Keeps the `.gz`'s hash."""
    out = io.BytesIO()
    try:
        with source.open() as raw, gzip.GzipFile(fileobj=raw) as unzipped:
            while chunk := unzipped.read(CHUNK):
                out.write(chunk)
                if out.tell() > limit:
                    raise DQError(f"Fichier compressé trop volumineux une fois décompressé (plus de "
                                  f"{limit // 1024 ** 2} Mo) : importez le fichier d'un département à la fois.")
    except (OSError, EOFError, zlib.error) as exc:
        raise DQError("Fichier compressé (.gz) abîmé ou incomplet : téléchargez-le à nouveau.") from exc
    name = source.name[:-3] if source.name.lower().endswith(".gz") else source.name
    return FileSource(name, data=out.getvalue(), _hash=source.sha256)
