"""Benchmark: validating and importing a large long-format CSV (1,000,000 and 10,000,000 rows).

    python bench/bench_import.py [--rows 1000000 10000000] [--keep-files]

Targets (issue 5): 1,000,000 rows validated and imported in ≤ 5 s; 10,000,000 rows in ≤ 60 s with a
peak memory ≤ 1.5 GB (peak resident set size of the importing process); the app stays responsive
during a long import (a fiche is computed on another cursor while the import runs: its latency is
printed). Each measured import runs in a fresh child process on a fresh workspace, exactly as
`python -m dq_core import FILE --replace` does (DuckDB memory capped at 500 MB, spilling to disk beyond).
The files are French-style: `;` separator, decimal comma, a few secret-size counts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import peak_rss_mb  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
INDICATORS = 100
PERIODS = 10


def build_workspace(path: Path, quartiers: int) -> None:
    """A workspace with `quartiers` quartiers and 100 indicators (half counts, half rates)."""
    from dq_core.store import catalogue, db
    from dq_core.store.catalogue import Indicator

    if path.exists():
        path.unlink()
    con = db.connect(path)
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
        batch = db.new_batch(cur, "demo", file_name="bench")
        catalogue.save_domains(cur)
        indicators = [Indicator(f"ind_{i:03d}", f"Indicateur {i}", "logement", "%" if i % 2 else "logements",
                                "rate" if i % 2 else "count", "neutral", "Bench", "Bench", "Mesure.",
                                scale=100.0 if i % 2 else None) for i in range(INDICATORS)]
        catalogue.save_indicators(cur, indicators, batch)
        cur.execute("INSERT INTO territory (code, level, name, vintage, batch_id) "
                    "SELECT printf('QB%06d', i), 'quartier', printf('Quartier %d', i), 2024, ? "
                    "FROM range(?) t(i)", [batch, quartiers])
    con.close()


def write_csv(path: Path, quartiers: int) -> None:
    """quartiers × 100 indicators × 10 years, French numbers, via DuckDB (fast)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"""COPY (
        SELECT printf('QB%06d', q) AS code_territoire, printf('ind_%03d', i) AS indicateur, (2014 + p)::VARCHAR AS periode,
               CASE WHEN i % 2 = 1 THEN replace(printf('%.1f', (hash(q, i, p) % 1000) / 10.0), '.', ',')
                    ELSE ((hash(q, i, p) % 5000) + 5)::VARCHAR END AS valeur
        FROM range({quartiers}) a(q), range({INDICATORS}) b(i), range({PERIODS}) c(p)
        ORDER BY q, i, p) TO '{path}' (DELIMITER ';', HEADER, QUOTE '')""")
    con.close()


def child(db_path: str, csv_path: str, probe: bool) -> None:
    """Import one file (in its own process) and print the figures as JSON."""
    from dq_core.explore.fiche import build_fiche
    from dq_core.files import FileSource, ImportOptions, import_file
    from dq_core.store import db

    con = db.connect(db_path)
    con.execute("SET memory_limit = '500MB'")
    stages: list[tuple[float, str]] = []
    start = time.perf_counter()
    result: dict = {}

    def run():
        with con.cursor() as cur:
            report = import_file(cur, FileSource.from_path(csv_path), ImportOptions(
                mode="replace", progress=lambda f, label: stages.append((round(time.perf_counter() - start, 2), label))))
        result["report"] = report

    latencies: list[float] = []
    if probe:
        thread = threading.Thread(target=run)
        thread.start()
        while thread.is_alive():
            t = time.perf_counter()
            with con.cursor() as cur:
                build_fiche(cur, "QB000001")
            latencies.append(time.perf_counter() - t)
            time.sleep(0.1)
        thread.join()
    else:
        run()
    elapsed = time.perf_counter() - start
    report = result["report"]
    peak = peak_rss_mb()
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "status": report.status,
                      "rows_read": report.rows_read, "inserted": report.rows_inserted, "secret": report.rows_secret,
                      "errors": [p.text() for p in report.errors][:3], "stages": stages,
                      "fiche_ms": [round(1000 * x, 1) for x in latencies]}))
    con.close()


def measure(rows: int, keep: bool, probe: bool) -> dict:
    quartiers = rows // (INDICATORS * PERIODS)
    CACHE.mkdir(parents=True, exist_ok=True)
    csv_path = CACHE / f"import_{rows}.csv"
    db_path = CACHE / f"import_{rows}.duckdb"
    if not csv_path.exists():
        print(f"Génération du fichier de {rows:,} lignes…".replace(",", " "), flush=True)
        write_csv(csv_path, quartiers)
    build_workspace(db_path, quartiers)
    out = subprocess.run([sys.executable, __file__, "--child", str(db_path), str(csv_path)] + (["--probe"] if probe else []),
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["file_mb"] = csv_path.stat().st_size / 1e6
    if not keep:
        csv_path.unlink()
    for suffix in ("", ".wal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--keep-files", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("DB", "CSV"))
    parser.add_argument("--probe", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(*args.child, probe=args.probe)
        return
    targets = {1_000_000: (5, None), 10_000_000: (60, 1536)}
    for rows in args.rows:
        figures = measure(rows, args.keep_files, probe=False)
        seconds, peak = figures["seconds"], figures["peak_mb"]
        limit_s, limit_mb = targets.get(rows, (None, None))
        print(f"{rows:>11,} lignes ({figures['file_mb']:.0f} Mo) : {figures['status']}, "
              f"{figures['inserted']:,} valeurs enregistrées ({figures['secret']:,} secrètes) en {seconds:.2f} s "
              f"(cible {limit_s} s) ; mémoire maximale {peak:.0f} Mo"
              + (f" (cible {limit_mb} Mo)" if limit_mb else ""))
        print("    étapes : " + " | ".join(f"{t:.2f} s {label}" for t, label in figures["stages"]))
        if figures["errors"]:
            print("    erreurs : " + " / ".join(figures["errors"]))
    # Responsiveness: a fiche computed every 100 ms on another cursor during a 1,000,000-row import.
    figures = measure(1_000_000, args.keep_files, probe=True)
    lat = figures["fiche_ms"] or [0.0]
    print(f"Pendant un import d'un million de lignes ({figures['status']}, {figures['seconds']:.2f} s) : {len(lat)} fiches calculées, "
          f"latence médiane {statistics.median(lat):.0f} ms, maximale {max(lat):.0f} ms.")
    shutil.rmtree(CACHE / "tmp", ignore_errors=True)


if __name__ == "__main__":
    main()
