"""Exports hold the same cells, styles, layout and charts as the golden files captured before the batch
exports were made faster (issue 16): the tiny workspace in full, the demo and the 2015 → 2024 workspace by
sheet digests.

After a deliberate change of what an export holds, rewrite the golden files and review their diff:
    python -m tests.core.test_export_golden
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest

from dq_core import export
from dq_core.store import db
from tests.core.test_export import _add_monthly_energy
from tests.core.workbook_dump import sheet_digests, workbook_dump, zip_dump
from tests.factories import build_tiny_workspace
from tests.linked_fixtures import build_linked_db

GOLDEN = Path(__file__).parent / "golden"
DAY = date(2026, 3, 12)
DEMO_FICHES = ("QNX0101M", "QNX0402M")        # monthly series, secrets, breaks; a second département
LINKED_FICHES = ("QN04405M", "QN04413M")      # two 2015 quartiers merged; one continued


def _combined(cur, codes) -> bytes:
    buffer = io.BytesIO()
    export.write_combined_workbook(cur, codes, buffer, exported_on=DAY, title="Sélection test")
    return buffer.getvalue()


def _zip(cur, codes, workers: int | None = None) -> bytes:
    buffer = io.BytesIO()
    export.write_zip(cur, codes, buffer, exported_on=DAY, workers=workers)
    return buffer.getvalue()


def tiny_dump(cur) -> dict:
    """The tiny workspace's exports: one workbook in full (readable when it differs), the others by
    sheet digests."""
    _add_monthly_energy(cur)
    full = workbook_dump(export.fiche_workbook_bytes(cur, "QNX0101M", exported_on=DAY))
    return {"fiche QNX0101M": full, **digests_dump(cur, ("QNX0103N",), ["QNX0101M", "QNX0102I", "QNX0103N"],
                                                     zipped=["QNX0102I", "QNX0103N"])}


def digests_dump(cur, fiches: tuple[str, ...], combined: list[str], zipped: list[str] | None = None) -> dict:
    """Sheet digests of exports (the full dumps of a demo workbook would weigh megabytes)."""
    out = {f"fiche {code}": sheet_digests(workbook_dump(export.fiche_workbook_bytes(cur, code, exported_on=DAY)))
           for code in fiches}
    out["combined"] = sheet_digests(workbook_dump(_combined(cur, combined)))
    if zipped:
        members = zip_dump(_zip(cur, zipped))
        out["zip"] = {name: sheet_digests(member) if isinstance(member, dict) else member
                      for name, member in members.items()}
    return out


def demo_dump(cur) -> dict:
    from dq_core.store import territories

    codes = territories.select_quartiers(cur, all_quartiers=True)
    return digests_dump(cur, DEMO_FICHES, codes[:4] + codes[-2:])


def linked_dump(cur) -> dict:
    return digests_dump(cur, LINKED_FICHES, ["QN04405M", "QN04413M", "QN03503I", "QN04914N"])


def _golden(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def _compare(actual: dict, expected: dict, where: str = "") -> None:
    """Assert equality, naming the first workbook, sheet and cell that differ."""
    assert sorted(actual) == sorted(expected), where
    for key in expected:
        if isinstance(expected[key], dict) and isinstance(actual[key], dict):
            _compare(actual[key], expected[key], f"{where} / {key}")
        else:
            assert actual[key] == expected[key], f"{where} / {key}"


def test_tiny_workspace_exports_are_unchanged(cur):
    _compare(json.loads(json.dumps(tiny_dump(cur))), _golden("export_tiny"))


def test_worker_processes_write_the_same_workbooks(cur, tmp_path, monkeypatch):
    """Worker processes on a snapshot of the workspace (a batch this small is written in-process
    otherwise): two, a quartier each, write the same zip, in order; one writes the same files in a folder."""
    from dq_core.export import workers

    monkeypatch.setattr(workers, "CHUNK", 1)
    _add_monthly_energy(cur)
    expected = _golden("export_tiny")["zip"]
    members = zip_dump(_zip(cur, ["QNX0102I", "QNX0103N"], workers=2))
    assert {name: sheet_digests(m) if isinstance(m, dict) else m for name, m in members.items()} == expected
    paths = export.write_directory(cur, ["QNX0102I", "QNX0103N"], tmp_path / "fiches", exported_on=DAY, workers=1)
    assert [p.name for p in paths] == [name for name in expected if name.endswith(".xlsx")]
    assert [sheet_digests(workbook_dump(p.read_bytes())) for p in paths] == [expected[p.name] for p in paths]


@pytest.fixture(scope="module")
def demo_cur(tmp_path_factory):
    from dq_core.demo import build_demo

    path = tmp_path_factory.mktemp("golden_demo") / "demo.duckdb"
    build_demo(path)
    con = db.connect(path)
    yield con.cursor()
    con.close()


def test_demo_exports_are_unchanged(demo_cur):
    _compare(demo_dump(demo_cur), _golden("export_demo"))


def test_linked_workspace_exports_are_unchanged(tmp_path):
    con = db.connect(build_linked_db(tmp_path / "linked.duckdb"))
    try:
        _compare(linked_dump(con.cursor()), _golden("export_linked"))
    finally:
        con.close()


def write_golden() -> None:
    """Rewrite the golden files from the current code (review their diff before committing)."""
    from dq_core.demo import build_demo

    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        builds = {"export_tiny": (build_tiny_workspace, tiny_dump), "export_demo": (build_demo, demo_dump),
                  "export_linked": (build_linked_db, linked_dump)}
        for name, (build, dump) in builds.items():
            path = Path(tmp) / f"{name}.duckdb"
            build(path)
            con = db.connect(path)
            data = dump(con.cursor())
            con.close()
            (GOLDEN / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0)
                                                 + "\n", encoding="utf-8")
            print(f"{name}.json written", file=sys.stderr)


if __name__ == "__main__":
    write_golden()
