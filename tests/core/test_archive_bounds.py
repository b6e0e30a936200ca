"""Hostile zip archives (decompression bombs, thousands of members, a lying directory) are refused in French
before they are decompressed — run in a subprocess under a memory and CPU limit, so that a regression
fails this test instead of taking the machine."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from dq_core.files.read import archive
from dq_core.files.read.source import FileSource

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 768 * 1024 * 1024           # the child's address space beyond what it uses once started
GIB = 1024 * 1024 * 1024


def _repeated(chunk: bytes, repeats: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of `chunk` repeated, its CRC and size: each block is compressed once with a
    full flush (no reference across blocks), then the same bytes are repeated — a 1 GiB bomb in a second."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * repeats + zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    return stream, crc, len(chunk) * repeats


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written by hand from (name, deflate stream, crc, size, declared size) members."""
    body, directory = b"", b""
    for name, stream, crc, _size, declared in members:
        raw = name.encode()
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(stream), declared,
                                 len(raw), 0, 0, 0, 0, 0, len(body)) + raw
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), declared, len(raw), 0)
        body += raw + stream
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def _member(name: str, chunk: bytes, repeats: int, declared: int | None = None):
    stream, crc, size = _repeated(chunk, repeats)
    return (name, stream, crc, size, size if declared is None else declared)


def zeros_bomb() -> bytes:
    """1 GiB of zeros (the issue's case: 2.2 GB resident)."""
    return _zip([_member("QP2024.geojson", bytes(1024 * 1024), 1024)])


def dense_member() -> bytes:
    """256 MiB of zeros: under the size limit, far over the compression ratio."""
    return _zip([_member("QP2024.geojson", bytes(1024 * 1024), 256)])


def csv_bomb() -> bytes:
    """1 GiB of CSV text under a thematic header (the issue's case: 23 GB resident)."""
    header = b"CODGEO;LIBGEO;POP_MUN;TX_F;IND_JEUNE\n"
    line = b"QP075001;Quartier;1234;51,2;12,5\n"
    chunk = header + line * ((1024 * 1024 - len(header)) // len(line))
    return _zip([_member("DEMO_2022.csv", chunk, 1024)])


def many_members(count: int = 20_000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for i in range(count):
            out.writestr(f"f{i}.csv", b"x")
    return buffer.getvalue()


def lying_directory() -> bytes:
    """A member whose directory says 10 bytes while it inflates to 64 MiB (read no further than declared)."""
    return _zip([_member("liste.csv", bytes(1024 * 1024), 64, declared=10)])


CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from dq_core.files import official
    from dq_core.store import db
    con = db.connect(sys.argv[2])
    cur = con.cursor()
    # The bound starts once the workspace is open (DuckDB reserves address space of its own at connect):
    # from here on, at most `limit` more bytes of address space, and one minute of CPU.
    with open("/proc/self/status") as status:
        used = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    limit = used + int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
    out = {}
    for path in sys.argv[3:]:
        start = time.perf_counter()
        with open(path, "rb") as f:
            data = f.read()
        # Through an upload (bytes) and through a folder (a path): the same bounds.
        uploaded = official.import_sources(cur, official.collect_uploads([(path.rsplit("/", 1)[-1], data)]))
        folder = official.import_folder(cur, path.rsplit("/", 1)[0] + "/folder-" + path.rsplit("/", 1)[-1])
        out[path] = {"upload": [(o.status.value, o.message) for o in uploaded.outcomes],
                     "folder": [(o.status.value, o.message) for o in folder.outcomes],
                     "seconds": time.perf_counter() - start}
    out["observations"] = cur.execute("SELECT count(*) FROM observation").fetchone()[0]
    out["batches"] = cur.execute("SELECT count(*) FROM import_batch").fetchone()[0]
    out["max_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(out))
""")


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    files = {"zeros.zip": zeros_bomb(), "dense.zip": dense_member(), "csv.zip": csv_bomb(), "many.zip": many_members(),
             "lying.zip": lying_directory()}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        (folder / f"folder-{name}").mkdir()
        (folder / f"folder-{name}" / name).write_bytes(data)
    return folder, sorted(files)


def test_bombs_are_small_and_real(bombs):
    folder, names = bombs
    for name in ("zeros.zip", "csv.zip"):
        data = (folder / name).read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            (info,) = z.infolist()
            assert info.file_size > 0.99 * GIB and len(data) < 8 * 1024 * 1024
            with z.open(info) as member:           # a valid deflate stream: its first MiB inflates
                assert len(member.read(1024 * 1024)) == 1024 * 1024


def test_bombs_refused_under_a_memory_limit(bombs, user_db):
    folder, names = bombs
    from dq_core.store import db
    con = db.connect(user_db)
    before = con.cursor().execute("SELECT (SELECT count(*) FROM observation), count(*) FROM import_batch").fetchone()
    con.close()
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(MEMORY_LIMIT), str(user_db),
                           *(str(folder / n) for n in names)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert time.perf_counter() - start < 60
    assert (out["observations"], out["batches"]) == tuple(before)          # the workspace is unchanged
    expected = {"zeros.zip": "1 Go une fois décompressée", "dense.zip": "compressé plus de 100 fois", "csv.zip": "une fois décompressée",
                "many.zip": "20\u202f000 fichiers", "lying.zip": "Archive zip illisible"}
    for name in names:
        result = out[str(folder / name)]
        for way in ("upload", "folder"):
            (status, message), = result[way]
            assert status == "failed", (name, way, status, message)
            assert expected[name] in message, (name, way, message)
        assert result["seconds"] < 20, (name, result["seconds"])


def test_ordinary_archive_still_opens():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("notice.pdf", b"%PDF" + bytes(2_000_000))       # not decompressed: not data
        out.writestr("liste.csv", "code_qp;lib_qp\nQN07501M;Quartier\n" * 1000)
    members = archive.read_members(FileSource("a.zip", data=buffer.getvalue()),
                                   keep=lambda n: n.endswith(".csv"))
    assert list(members) == ["liste.csv"] and len(members["liste.csv"]) > 30_000


def test_huge_workbook_is_not_opened():
    from dq_core.files.read.source import KIND_MESSAGES, sniff_kind

    workbook = b"<workbook/>"
    data = _zip([_member("xl/workbook.xml", workbook, 1),
                 _member("xl/worksheets/sheet1.xml", b"<row/>" * 174_762, 1024)])
    assert sniff_kind(FileSource("a.xlsx", data=data)) == "huge_xlsx"
    assert "démesuré" in KIND_MESSAGES["huge_xlsx"]
