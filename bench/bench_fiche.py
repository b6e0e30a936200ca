"""Benchmark: the fiche of one quartier at national scale, DuckDB vs the obvious pandas version.

    python bench/bench_fiche.py [--db PATH] [--n 200]

Builds the national demo (~1,600 quartiers) in bench/.cache/ when no --db is given. Both versions run
the same fiche computation (`assemble_fiche`); they differ in how the observations of the quartier
and its six references are fetched: one DuckDB query on the file, or a filter of a cached DataFrame
holding every observation (what a page would do with `st.cache_data(load everything)`).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import demo_db  # noqa: E402

from dq_core.explore.fiche import Point, assemble_fiche, build_fiche  # noqa: E402
from dq_core.store import db  # noqa: E402
from dq_core.store.catalogue import domain_labels, load_indicators  # noqa: E402
from dq_core.store.territories import get_quartier, list_quartiers  # noqa: E402


def pandas_fiche(cur, frame, code):
    """The obvious version: filter a cached DataFrame of all observations, then the same assembly."""
    quartier = get_quartier(cur, code)
    codes = [quartier.code] + [t.code for t in quartier.references.values()]
    rows = frame[frame["territory"].isin(codes)].sort_values(["territory", "indicator", "period_start"])
    observations = {c: {} for c in codes}
    for r in rows.itertuples(index=False):
        observations[r.territory].setdefault(r.indicator, []).append(
            Point(r.period, r.period_start, None if r.value != r.value else r.value, r.is_secret,
                  r.is_provisional, r.is_break, r.note))
    return assemble_fiche(quartier, load_indicators(cur), domain_labels(cur), observations, db.is_demo(cur))


def timed(fn, codes) -> list[float]:
    times = []
    for code in codes:
        t = time.perf_counter()
        fn(code)
        times.append((time.perf_counter() - t) * 1000)
    return times


def report(name: str, times: list[float]) -> float:
    median = statistics.median(times)
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(f"{name:<34} median {median:7.2f} ms   p95 {p95:7.2f} ms   ({len(times)} fiches)")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    con = db.connect(demo_db("national", args.db))
    cur = con.cursor()
    quartiers = [q.code for q in list_quartiers(cur)]
    rows = cur.execute("SELECT count(*) FROM observation").fetchone()[0]
    print(f"{len(quartiers)} quartiers, {rows:,} observations".replace(",", " "))
    codes = random.Random(1).choices(quartiers, k=args.n)

    build_fiche(cur, codes[0])                                  # warm-up
    duck = report("DuckDB (build_fiche)", timed(lambda c: build_fiche(cur, c), codes))

    t = time.perf_counter()
    frame = cur.execute("SELECT territory, indicator, period, period_start, value, is_secret, "
                        "is_provisional, is_break, note FROM observation").df()
    print(f"pandas: loading every observation once took {(time.perf_counter() - t) * 1000:.0f} ms")
    pandas_fiche(cur, frame, codes[0])
    pand = report("pandas (cached DataFrame filter)", timed(lambda c: pandas_fiche(cur, frame, c), codes))
    print(f"DuckDB is {pand / duck:.1f}x faster than the pandas version (target: >= 2x, <= 20 ms)")
    con.close()


if __name__ == "__main__":
    main()
