"""Benchmark: the fiche of one quartier at national scale, against a lean DuckDB floor and the obvious pandas way.

    python bench/bench_fiche.py [--db PATH] [--n 200] [--no-cli]

Builds the national demo (1,600 quartiers, 1.93 M observations) in bench/.cache/ when no --db is given.
For each of n quartiers drawn at random, in turn (so that a busy machine slows all three alike):
- the fiche, `build_fiche` (all domains, six references, data years, series, changes, 2024 lineage);
- the floor: one DuckDB query returning, per indicator, the latest value and period and the six
  references at that period — less than the fiche shows, so the fiche cannot beat it;
- pandas: a cached DataFrame of every observation (what `st.cache_data(load everything)` would give),
  filtered per quartier, latest value and period per indicator, the references at that period.
The floor and pandas take the reference territories from the same snapshot as the fiche (read once per
data version, timed apart). Then the CLI: `python -m dq_core profile CODE… --json` over the same quartiers,
per fiche beyond the start of the process. Targets: fiche <= 2x the floor, >= 2x faster than pandas.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import demo_db  # noqa: E402

from dq_core.explore.fiche import build_fiche, metropole_codes  # noqa: E402
from dq_core.store import db  # noqa: E402
from dq_core.store.snapshot import read_snapshot, snapshot  # noqa: E402
from dq_core.store.territories import REFERENCE_KEYS  # noqa: E402

FLOOR_SQL = """
WITH latest AS (
    SELECT indicator, arg_max(period, period_start) AS period, arg_max_null(value, period_start) AS value
    FROM observation WHERE territory = $code GROUP BY indicator
)
SELECT l.indicator, l.period, l.value,
       max(o.value) FILTER (WHERE o.territory = $refs[1]), max(o.value) FILTER (WHERE o.territory = $refs[2]),
       max(o.value) FILTER (WHERE o.territory = $refs[3]), max(o.value) FILTER (WHERE o.territory = $refs[4]),
       max(o.value) FILTER (WHERE o.territory = $refs[5]), max(o.value) FILTER (WHERE o.territory = $refs[6])
FROM latest l LEFT JOIN observation o
  ON o.indicator = l.indicator AND o.period = l.period AND o.territory = ANY($refs::VARCHAR[])
GROUP BY ALL
"""


def reference_codes(snap, code: str) -> list[str]:
    quartier = snap.quartier(code)
    return [quartier.references[k].code if k in quartier.references else "" for k in REFERENCE_KEYS]


def floor(cur, snap, code: str) -> list[tuple]:
    return cur.execute(FLOOR_SQL, {"code": code, "refs": reference_codes(snap, code)}).fetchall()


def pandas_fiche(frame, snap, code: str):
    """Latest value and period per indicator, and the six references at that period, from a cached frame."""
    quartier = snap.quartier(code)
    refs = reference_codes(snap, code) + metropole_codes(quartier)
    rows = frame[frame["territory"].isin([code, *refs])]
    own = rows[rows["territory"] == code].sort_values("period_start").groupby("indicator").tail(1)
    at_latest = rows[rows["territory"] != code].merge(own[["indicator", "period"]], on=["indicator", "period"])
    table = at_latest.pivot_table(index="indicator", columns="territory", values="value", aggfunc="first")
    return own.set_index("indicator")[["period", "value", "is_secret"]].join(table)


def timed(fn, code: str) -> float:
    t = time.perf_counter()
    fn(code)
    return (time.perf_counter() - t) * 1000


def summary(name: str, times: list[float]) -> float:
    median = statistics.median(times)
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(f"{name:<46} median {median:7.2f} ms   p95 {p95:7.2f} ms   ({len(times)} quartiers)")
    return median


def cli_per_fiche(path: Path, codes: list[str]) -> tuple[float, float]:
    """(per fiche beyond start-up, start-up with one fiche) in ms, for `profile --json`, best of two runs each."""
    def run(chosen: list[str]) -> float:
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "dq_core", "profile", *chosen, "--json", "--db", str(path)],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=dict(os.environ))
            best = min(best, (time.perf_counter() - t) * 1000)
        return best
    one = run(codes[:1])
    return (run(codes) - one) / (len(codes) - 1), one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--no-cli", action="store_true")
    args = parser.parse_args()
    path = demo_db("national", args.db)
    con = db.connect(path)
    cur = con.cursor()
    rows = cur.execute("SELECT count(*) FROM observation").fetchone()[0]
    t = time.perf_counter()
    read_snapshot(cur)
    took = (time.perf_counter() - t) * 1000
    snap = snapshot(cur)
    print(f"{len(snap.quartiers)} quartiers, {rows:_} observations ; snapshot (catalogue, territoires, "
          f"correspondance) lu une fois par version des données : {took:.0f} ms".replace("_", " "))
    codes = random.Random(1).sample(sorted(snap.quartiers), k=min(args.n, len(snap.quartiers)))

    t = time.perf_counter()
    frame = cur.execute("SELECT territory, indicator, period, period_start, value, is_secret, "
                        "is_provisional, is_break, note, source FROM observation").df()
    print(f"pandas: loading every observation once took {(time.perf_counter() - t) * 1000:.0f} ms")
    fiche_times, floor_times, pandas_times = [], [], []
    for fn in (lambda c: build_fiche(cur, c), lambda c: floor(cur, snap, c), lambda c: pandas_fiche(frame, snap, c)):
        fn(codes[0])                                               # warm-up
    for code in codes:
        fiche_times.append(timed(lambda c: build_fiche(cur, c), code))
        floor_times.append(timed(lambda c: floor(cur, snap, c), code))
        pandas_times.append(timed(lambda c: pandas_fiche(frame, snap, c), code))
    fiche = summary("fiche (build_fiche)", fiche_times)
    lean = summary("floor (one DuckDB query: latest + 6 references)", floor_times)
    pand = summary("pandas (cached DataFrame, filtered per quartier)", pandas_times)
    ratios = [f / max(fl, 1e-9) for f, fl in zip(fiche_times, floor_times, strict=True)]
    print(f"fiche / floor: {fiche / lean:.2f}x on the medians, median of per-quartier ratios "
          f"{statistics.median(ratios):.2f}x (target <= 2x)")
    print(f"pandas / fiche: {pand / fiche:.2f}x (target >= 2x)")
    con.close()
    if not args.no_cli:
        per_fiche, one = cli_per_fiche(path, codes)
        print(f"CLI `profile --json` over {len(codes)} quartiers: {per_fiche:.2f} ms per fiche beyond "
              f"start-up (one fiche, start-up included: {one:.0f} ms); in-process median above: {fiche:.2f} ms")


if __name__ == "__main__":
    main()
