"""Benchmark: Excel exports — one quartier's workbook, every demo quartier, every national quartier.

    python bench/bench_export.py [--scale regional|national|both] [--db PATH] [--n 20]

Targets (issue 4): one workbook <= 1 s; the 78 regional demo quartiers <= 30 s; all ~1,600 national
quartiers <= 10 min with a peak memory <= 1 GB. Builds the demo databases in bench/.cache/ when no
--db is given. Each batch runs in a fresh process so that its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import demo_db, peak_rss_mb  # noqa: E402

from dq_core import export  # noqa: E402
from dq_core.store import db, territories  # noqa: E402

TARGETS = {"regional": 30.0, "national": 600.0}


def child(db_path: Path, kind: str) -> None:
    """One batch in this process; prints its figures as JSON on the last line."""
    con = db.connect(db_path)
    cur = con.cursor()
    codes = territories.select_quartiers(cur, all_quartiers=True)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / ("fiches.zip" if kind == "zip" else "fiches.xlsx")
        start, cpu = time.perf_counter(), time.process_time()
        if kind == "zip":
            export.write_zip(cur, codes, target)
        else:
            export.write_combined_workbook(cur, codes, target)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        size = target.stat().st_size
        if kind == "zip":
            with zipfile.ZipFile(target) as zf:
                assert len(zf.namelist()) == len(codes) + 1
    con.close()
    print(json.dumps({"kind": kind, "quartiers": len(codes), "seconds": seconds, "cpu": cpu, "bytes": size,
                      "peak_rss_mb": peak_rss_mb()}))


def run_child(db_path: Path, kind: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db_path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def single(db_path: Path, n: int) -> tuple[list[float], float]:
    """Wall times of n workbooks (database read included), and the median CPU time."""
    con = db.connect(db_path)
    cur = con.cursor()
    codes = random.Random(4).choices(territories.select_quartiers(cur, all_quartiers=True), k=n)
    export.fiche_workbook_bytes(cur, codes[0])                       # warm-up
    times, cpus = [], []
    for code in codes:
        start, cpu = time.perf_counter(), time.process_time()
        data = export.fiche_workbook_bytes(cur, code)
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        assert data[:2] == b"PK"
    con.close()
    return times, statistics.median(cpus)


def bench(scale: str, path: Path | None, n: int) -> None:
    db_path = demo_db(scale, path)
    con = db.connect(db_path)
    count = len(territories.select_quartiers(con.cursor(), all_quartiers=True))
    con.close()
    scale = "national" if count > 200 else "regional"          # what --db holds decides the target
    print(f"\n== {scale}: {count} quartiers ({db_path})")
    times, cpu = single(db_path, n)
    median, worst = statistics.median(times), max(times)
    print(f"one quartier's workbook   median {median * 1000:6.0f} ms   max {worst * 1000:6.0f} ms   "
          f"CPU {cpu * 1000:5.0f} ms   ({n} quartiers; target <= 1 000 ms) {'OK' if worst <= 1 else 'TOO SLOW'}")
    for kind in ("zip", "combined"):
        r = run_child(db_path, kind)
        per = r["seconds"] / r["quartiers"] * 1000
        label = "zip, one workbook each" if kind == "zip" else "one workbook, a sheet each"
        ok = r["seconds"] <= TARGETS[scale] and r["peak_rss_mb"] <= 1024
        print(f"{r['quartiers']:>5} quartiers, {label:<28} {r['seconds']:7.1f} s ({per:5.0f} ms/quartier, "
              f"CPU {r['cpu']:6.1f} s)   {r['bytes'] / 1e6:7.1f} MB   peak RSS {r['peak_rss_mb']:6.0f} MB   "
              f"(target <= {TARGETS[scale]:.0f} s, <= 1 024 MB) {'OK' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["regional", "national", "both"], default="regional")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--child", choices=["zip", "combined"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.child)
        return
    scales = ["regional", "national"] if args.scale == "both" else [args.scale]
    for scale in scales:
        bench(scale, args.db if len(scales) == 1 else None, args.n)
    print("\nThe machine's other work slows wall times; CPU times show what the export itself costs.")


if __name__ == "__main__":
    main()
