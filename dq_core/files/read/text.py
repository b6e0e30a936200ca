"""Decoding text files: one rule for every file (UTF-16 or UTF-8 with a BOM, UTF-8, Windows-1252, Latin-1).

Large files are decoded in Python chunk by chunk and handed to DuckDB as a UTF-8 file: DuckDB's own
reader only knows UTF-8 and Latin-1 offline (STACK-NOTES C7). Small files are decoded in memory by
the same rule (`decode`).
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from dq_core.errors import DQError
from dq_core.files.read.source import CHUNK, SAMPLE, FileSource, utf16_without_bom

# Python's csv module stops at 131,072 characters a cell: a long comment is legitimate, a cell of
# megabytes is not (a quote never closed swallows the file): our own bound, refused in French.
MAX_CELL_CHARS = 4 * 1024 * 1024
csv.field_size_limit(MAX_CELL_CHARS)
DELIMITERS = (";", "\t", ",", "|")
# A file pasted together from UTF-8 and Windows-1252 parts (a companion file edited on two machines):
# read as UTF-8, each byte that is not UTF-8 read as Windows-1252 — "réhabilités" whichever part it is in.
MIXED = "utf-8-mixed"
_UTF8_LETTERS = re.compile(rb"[\xc2\xc3\xc5][\x80-\xbf]|\xe2\x80[\x90-\xbf]|\xe2\x82\xac")


def _cp1252_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    raw = error.object[error.start:error.end]
    return raw.decode("cp1252", errors="strict") if _is_cp1252(raw) else raw.decode("latin-1"), error.end


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


codecs.register_error("dq_cp1252", _cp1252_bytes)
DELIMITER_NAMES = {";": "point-virgule", "\t": "tabulation", ",": "virgule", "|": "barre verticale"}
ENCODING_LABELS = {"utf-16": "UTF-16", "utf-16-le": "UTF-16 (sans BOM)", "utf-16-be": "UTF-16 (sans BOM)",
                   "utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", MIXED: "UTF-8 et Windows-1252 mêlés",
                   "cp1252": "Windows-1252", "latin-1": "Latin-1"}


def csv_error(exc: csv.Error, line: int | None) -> DQError:
    """A French refusal for what Python's csv module could not read, naming the line."""
    where = f"ligne {line} : " if line else ""
    if "field larger" in str(exc):
        return DQError(f"{where}une cellule dépasse {MAX_CELL_CHARS:,} caractères".replace(",", "\u202f")
                       + " (un guillemet jamais refermé ?) : le fichier n'est pas lu. Corrigez cette cellule.")
    return DQError(f"{where}ligne illisible ({exc}) : le fichier n'est pas lu.")


def encoding_of(source: FileSource) -> str:
    """The Python codec of a source: 'utf-16', 'utf-8-sig', 'utf-8', 'cp1252' or 'latin-1'."""
    head = source.head(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if without_bom := utf16_without_bom(head):
        return without_bom
    if _decodes(source, "utf-8"):
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    if any(_UTF8_LETTERS.search(chunk) for chunk in source.chunks()):
        return MIXED
    return "cp1252" if _decodes(source, "cp1252") else "latin-1"


def _decoder(encoding: str):
    if encoding == MIXED:
        return codecs.getincrementaldecoder("utf-8")(errors="dq_cp1252")
    return codecs.getincrementaldecoder(encoding)()


def decode(data: bytes) -> str:
    """Small files: the whole text, by the same rule as `to_utf8`, without a BOM."""
    return _decoder(encoding_of(FileSource("", data=data))).decode(data, final=True).lstrip("\ufeff")


def decode_head(data: bytes) -> str:
    """The first bytes of a file as text, by the same rule, tolerating a character cut at the end."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="ignore")
    if without_bom := utf16_without_bom(data[:4096]):
        return data[: len(data) // 2 * 2].decode(without_bom, errors="ignore")
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data)   # not final: a cut char waits
    except UnicodeDecodeError:
        if _UTF8_LETTERS.search(data):
            return codecs.getincrementaldecoder("utf-8-sig")(errors="dq_cp1252").decode(data)
        return data.decode("cp1252", errors="replace")


def normalise_text(text: str) -> str:
    """Lower case, no accents, runs of other characters as one '_' (for matching column names)."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def sniff_delimiter(sample: str) -> str:
    """The delimiter that gives the most lines of one common width (≥ 2 columns) in the first 80 lines."""
    lines = [line for line in sample.splitlines()[:80] if line.strip()]
    if len(lines) > 1 and len(sample) >= 200_000:
        lines = lines[:-1]                              # the sample may cut the last line
    best, best_score = ";", 0
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        common = Counter(c for c in counts if c >= 2).most_common(1)
        score = common[0][1] if common else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


@dataclass
class TextFile:
    """A CSV source as a UTF-8 file on disk (the original when it already was UTF-8)."""
    path: Path
    encoding: str          # what the original was: 'UTF-8', 'UTF-8 (BOM)', 'UTF-16', 'Windows-1252', 'Latin-1'
    temporary: bool
    sample: str            # the first characters, decoded

    def cleanup(self) -> None:
        if self.temporary:
            try:
                os.unlink(self.path)
            except OSError:
                pass


def to_utf8(source: FileSource) -> TextFile:
    """Decode the source and return it as UTF-8 text on disk (streamed, any size)."""
    encoding = encoding_of(source)
    label = ENCODING_LABELS[encoding]
    if encoding == "utf-8" and source.path is not None and source.data is None:
        return TextFile(source.path, label, False, _sample(source, "utf-8"))
    return _transcode(source, encoding, label)


def _decodes(source: FileSource, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in source.chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _sample(source: FileSource, encoding: str) -> str:
    return source.head(SAMPLE).decode(encoding, errors="ignore").lstrip("\ufeff")


def _transcode(source: FileSource, encoding: str, label: str) -> TextFile:
    decoder = _decoder(encoding)
    fd, name = tempfile.mkstemp(prefix="dq-import-", suffix=".csv")
    sample = []
    with os.fdopen(fd, "wb") as out:
        for chunk in source.chunks():
            text = decoder.decode(chunk)
            if not sample:
                text = text.lstrip("\ufeff")
                sample.append(text[:SAMPLE])
            out.write(text.encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return TextFile(Path(name), label, True, sample[0] if sample else "")


def scan_from(path: Path, offset_chars: int, sample: str) -> tuple[bool, bool]:
    """(has a quote, has a blank line) in the UTF-8 file after the header: a clean file can be read
    by DuckDB with exact line numbers, any other by Python's csv module."""
    start = len(sample[:offset_chars].encode("utf-8"))
    quote = blank = False
    previous = b""
    with open(path, "rb") as f:
        f.seek(start)
        while chunk := f.read(CHUNK):
            data = previous + chunk
            quote = quote or b'"' in chunk
            blank = blank or b"\n\n" in data or b"\n\r\n" in data or b"\r\r" in data
            if quote and blank:
                break
            previous = chunk[-2:]
    return quote, blank
