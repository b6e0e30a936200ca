"""Benchmark: Excel exports — one quartier's workbook, every demo quartier, every national quartier.

    python bench/bench_export.py [--scale regional|national|both] [--db PATH] [--n 20] [--serial]

Targets (issue 16): one workbook <= 300 ms beyond the start of the process (in-process, and through
`python -m dq_core export` minus `python -m dq_core --help`); the 78 regional demo quartiers <= 15 s
as a zip and as one workbook; all 1,600 national quartiers <= 3 min; peak memory <= 1 GB (the export's
process and its workers together). Builds the demo databases in bench/.cache/ when no --db is given.
Each batch runs in a fresh process; a thread samples the resident memory of that process and of every
process under it (the export's workers) and keeps the peak of their sum. `--serial` also writes the zip
in one process (no workers), for the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import demo_db  # noqa: E402

from dq_core import export  # noqa: E402
from dq_core.store import db, territories  # noqa: E402

TARGETS = {"regional": 15.0, "national": 180.0}
ONE_WORKBOOK_MS = 300
MEMORY_MB = 1024


def _tree(root: int) -> set[int]:
    """`root` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier and pid not in tree]
        tree.update(frontier)
    return tree


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TreeSampler:
    """Samples this process tree every 200 ms in a thread: the peak of its summed resident memory
    (shared pages counted in each process: an upper bound), and the CPU time its other processes (the
    export's workers) used, as last seen. `own_cpu`: the sampler's own CPU time (walking /proc), to be
    taken off this process's."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self.own_cpu = 0.0
        self.others_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._before = set(_tree(os.getpid()))

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0.0
            for pid in _tree(os.getpid()):
                try:
                    total += _rss_mb(pid)
                    if pid not in self._before:
                        self.others_cpu[pid] = _cpu_seconds(pid)
                except (OSError, IndexError, ValueError):
                    continue
            self.peak_mb = max(self.peak_mb, total)
            self.own_cpu = time.thread_time()
            self._stop.wait(0.2)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def child(db_path: Path, kind: str) -> None:
    """One batch in this process; prints its figures as JSON on the last line."""
    con = db.connect(db_path)
    cur = con.cursor()
    codes = territories.select_quartiers(cur, all_quartiers=True)
    sampler = TreeSampler().start()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / ("fiches.xlsx" if kind == "combined" else "fiches.zip")
        start, cpu = time.perf_counter(), time.process_time()
        if kind == "combined":
            export.write_combined_workbook(cur, codes, target)
        else:
            export.write_zip(cur, codes, target, workers=0 if kind == "zip-serial" else None)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        size = target.stat().st_size
        if kind != "combined":
            with zipfile.ZipFile(target) as zf:
                assert len(zf.namelist()) == len(codes) + 1
    peak = sampler.stop()
    cpu -= sampler.own_cpu
    con.close()
    print(json.dumps({"kind": kind, "quartiers": len(codes), "seconds": seconds, "cpu": cpu, "bytes": size,
                      "peak_mb": peak, "workers_cpu": sum(sampler.others_cpu.values()),
                      "workers": export.worker_count(len(codes)) if kind == "zip" else 0}))


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


def _cli_seconds(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dq_core", *args], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def cli_single(db_path: Path, code: str, runs: int = 3) -> tuple[float, float]:
    """Best of `runs`: `python -m dq_core export CODE --out x.xlsx`, and `python -m dq_core --help`
    (the process start-up: interpreter and imports)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "fiche.xlsx")
        exported = min(_cli_seconds("export", code, "--db", str(db_path), "--out", out) for _ in range(runs))
    startup = min(_cli_seconds("--help") for _ in range(runs))
    return exported, startup


def bench(scale: str, path: Path | None, n: int, serial: bool) -> None:
    db_path = demo_db(scale, path)
    con = db.connect(db_path)
    codes = territories.select_quartiers(con.cursor(), all_quartiers=True)
    con.close()
    count = len(codes)
    scale = "national" if count > 200 else "regional"          # what --db holds decides the target
    print(f"\n== {scale}: {count} quartiers ({db_path}); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    times, cpu = single(db_path, n)
    median, worst = statistics.median(times), max(times)
    print(f"one quartier's workbook   median {median * 1000:6.0f} ms   max {worst * 1000:6.0f} ms   "
          f"CPU {cpu * 1000:5.0f} ms   ({n} quartiers, in-process; target <= {ONE_WORKBOOK_MS} ms) "
          f"{'OK' if median * 1000 <= ONE_WORKBOOK_MS else 'TOO SLOW'}")
    exported, startup = cli_single(db_path, codes[0])
    beyond = (exported - startup) * 1000
    print(f"one quartier, CLI         {exported * 1000:6.0f} ms - start-up {startup * 1000:5.0f} ms = "
          f"{beyond:5.0f} ms   (best of 3; target <= {ONE_WORKBOOK_MS} ms) "
          f"{'OK' if beyond <= ONE_WORKBOOK_MS else 'TOO SLOW'}")
    labels = {"zip": "zip, one workbook each", "zip-serial": "zip, in one process",
              "combined": "one workbook, a sheet each"}
    for kind in ("zip", *(["zip-serial"] if serial else []), "combined"):
        r = run_child(db_path, kind)
        per = r["seconds"] / r["quartiers"] * 1000
        workers = f" + workers {r['workers_cpu']:5.1f} s" if r["workers"] else ""
        ok = r["seconds"] <= TARGETS[scale] and r["peak_mb"] <= MEMORY_MB
        print(f"{r['quartiers']:>5} quartiers, {labels[kind]:<28} {r['seconds']:7.1f} s ({per:5.0f} ms/quartier, "
              f"CPU here {r['cpu']:6.1f} s{workers})   {r['bytes'] / 1e6:7.1f} MB   peak memory "
              f"{r['peak_mb']:6.0f} MB   (target <= {TARGETS[scale]:.0f} s, <= {MEMORY_MB} MB) "
              f"{'OK' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["regional", "national", "both"], default="regional")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--serial", action="store_true", help="also the zip written in one process")
    parser.add_argument("--child", choices=["zip", "zip-serial", "combined"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.child)
        return
    scales = ["regional", "national"] if args.scale == "both" else [args.scale]
    for scale in scales:
        bench(scale, args.db if len(scales) == 1 else None, args.n, args.serial)
    print("\nThe machine's other work slows wall times (see the load average); CPU times show what the "
          "export itself costs in its own process.")


if __name__ == "__main__":
    main()
