"""Benchmark: the energy page's computation for one quartier, and the all-quartier alert scan, at the
issue's scale — ~1,600 quartiers × 2 energies × ~10 years of months, plus 50,000 residences monthly
(~12 M rows of energy_use).

    python bench/bench_energy.py [--residences 50000] [--n 20] [--rebuild]

Starts from the national demo (bench/.cache/national.duckdb, built on first use), copies it to
bench/.cache/energy-bench.duckdb, adds two earlier years to the quartiers' monthly series and replaces the
demo residences by `--residences` generated in SQL (deterministic hashes; a few planted anomalies).
Targets (issue 14): one quartier ≤ 500 ms; the alert scan ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import CACHE, demo_db, peak_rss_mb  # noqa: E402

from dq_core.energy import alerts, portfolio, scenario, targeting, view  # noqa: E402
from dq_core.store import db  # noqa: E402

# Uniform [0, 1) from a deterministic hash of a residence number and a salt.
_U = "((hash(i, '{salt}') % 1000000)::DOUBLE / 1000000)"

_RESIDENCES = f"""
CREATE TEMP TABLE bench_q AS
WITH q AS (SELECT t.code, l.parent AS commune, row_number() OVER (ORDER BY t.code) - 1 AS qi
           FROM territory t JOIN territory_link l ON l.child = t.code AND l.rank = 1 WHERE t.level = 'quartier'),
reg AS (SELECT c.child AS commune, min(d.parent) AS zone FROM territory_link c
        JOIN territory_link d ON d.child = c.parent JOIN territory t ON t.code = d.parent AND t.level = 'region'
        GROUP BY c.child)
SELECT q.*, reg.zone FROM q LEFT JOIN reg USING (commune);
CREATE TEMP TABLE bench_res AS
SELECT i, 'B' || lpad(i::VARCHAR, 6, '0') AS id, q.code AS quartier, q.commune, q.zone,
       CASE WHEN {_U.format(salt='small')} < 0.05 THEN 4 + (hash(i, 'd') % 6)::INTEGER
            ELSE 10 + (hash(i, 'd') % 190)::INTEGER END AS dwellings,
       CASE WHEN {_U.format(salt='h')} < 0.4 THEN 'electrique_individuel'
            WHEN {_U.format(salt='h')} < 0.75 THEN 'gaz_individuel' ELSE 'collectif' END AS heating,
       chr(65 + (hash(i, 'dpe') % 7)::INTEGER) AS dpe,
       5.5 + 2 * {_U.format(salt='be')} AS base_e, 4 + 2 * {_U.format(salt='bg')} AS base_g,
       (0.6 + 0.8 * {_U.format(salt='ke')}) AS k_scale
FROM range($n) r(i) JOIN bench_q q ON q.qi = (i * (SELECT count(*) FROM bench_q) // $n);
INSERT INTO residence SELECT id, 'Résidence ' || i, 'Bailleur ' || (i % 40), quartier, commune, dwellings, heating,
       dpe, $batch FROM bench_res ORDER BY id;
"""

_USE = """
INSERT INTO energy_use
SELECT r.id, e.energy, strftime(d.month, '%Y-%m'), d.month,
       round(((CASE e.energy WHEN 'electricite' THEN r.base_e ELSE r.base_g END) * day(last_day(d.month))
              + d.dju * r.k_scale * (CASE WHEN e.energy = 'electricite' AND r.heating = 'electrique_individuel' THEN 2.4
                                          WHEN e.energy = 'electricite' THEN 0.12
                                          WHEN r.heating = 'electrique_individuel' THEN 0.05 ELSE 4.8 END))
             * r.dwellings * (0.93 + 0.14 * ((hash(r.i, e.energy, d.month) % 1000000)::DOUBLE / 1000000))
             * CASE WHEN r.i % 9973 = 7 AND e.energy = 'gaz' AND d.month >= DATE '2025-01-01' THEN 1.6 ELSE 1 END),
       CASE WHEN r.heating = 'collectif' AND e.energy = 'gaz' THEN 1 ELSE r.dwellings END, false, $batch
FROM bench_res r CROSS JOIN (VALUES ('electricite'), ('gaz')) e(energy)
JOIN degree_days d ON d.zone = r.zone AND d.month >= DATE '2016-01-01'
ORDER BY r.id, e.energy, d.month;
"""

# Two earlier years of the quartiers' monthly series (the demo's start in 2018): ~10 years in all.
_EARLIER = """
INSERT INTO observation BY NAME
SELECT * REPLACE (strftime(period_start - INTERVAL 2 YEAR, '%Y-%m') AS period,
                  (period_start - INTERVAL 2 YEAR)::DATE AS period_start)
FROM observation WHERE indicator IN ('conso_elec_mensuelle', 'conso_gaz_mensuelle')
  AND period_start < DATE '2020-01-01' AND length(period) = 7;
"""


def build(path: Path, residences: int) -> None:
    started = time.perf_counter()
    shutil.copyfile(demo_db("national"), path)
    con = db.connect(path)
    try:
        cur = con.cursor()
        with db.transaction(cur):
            batch = db.new_batch(cur, "demo", file_name="bench_energy")
            cur.execute("DELETE FROM energy_use")
            cur.execute("DELETE FROM residence")
            cur.execute(_EARLIER)
            for statement in _RESIDENCES.strip().split(";\n"):
                if statement.strip():
                    params = {k: v for k, v in {"n": residences, "batch": batch}.items() if f"${k}" in statement}
                    cur.execute(statement, params)
            cur.execute(_USE, {"batch": batch})
        con.execute("CHECKPOINT")
        rows = con.execute("SELECT count(*) FROM energy_use").fetchall()[0][0]
        obs = con.execute("SELECT count(*) FROM observation WHERE indicator LIKE 'conso_%_mensuelle'").fetchall()[0][0]
    finally:
        con.close()
    print(f"Base de mesure : {residences} résidences, {rows:,} lignes energy_use, {obs:,} mois de quartiers "
          f"({time.perf_counter() - started:.0f} s)".replace(",", " "), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residences", type=int, default=50_000)
    parser.add_argument("--n", type=int, default=20, help="quartiers timed")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = CACHE / f"energy-bench-{args.residences}.duckdb"
    if args.rebuild or not path.exists():
        CACHE.mkdir(exist_ok=True)
        build(path, args.residences)
    con = db.connect(path)
    cur = con.cursor()
    codes = [r[0] for r in cur.execute("SELECT DISTINCT quartier FROM residence ORDER BY 1").fetchall()]
    sample = random.Random(14).sample(codes, min(args.n, len(codes)))
    view.quartier_energy(cur, sample[0])                    # warm-up (file pages, plans)
    for energy in ("electricite", "gaz"):
        times = []
        for code in sample:
            t = time.perf_counter()
            view.quartier_energy(cur, code, energy)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"quartier_energy ({energy}, {len(times)} quartiers) : médiane {statistics.median(times):.0f} ms, "
              f"p95 {times[int(0.95 * (len(times) - 1))]:.0f} ms, max {times[-1]:.0f} ms (cible ≤ 500 ms)")
    scans, cpu = [], []
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        found = alerts.scan(cur)
        scans.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(f"alerts.scan (toutes résidences et quartiers) : {len(found)} alertes, médiane {statistics.median(scans):.2f} s, "
          f"min {min(scans):.2f} s (cible ≤ 5 s) ; temps processeur du processus (tous fils) médiane "
          f"{statistics.median(cpu):.2f} s ; charge de la machine {os.getloadavg()[0]:.1f}")
    t = time.perf_counter()
    units = portfolio.units(cur)
    t_units = time.perf_counter() - t
    t = time.perf_counter()
    sc = scenario.scenario(cur, 15, units)
    t_sc = time.perf_counter() - t
    t = time.perf_counter()
    targeting.targeting(cur, units)
    t_tg = time.perf_counter() - t
    print(f"portfolio.units {t_units:.2f} s ({len(units)} unités) ; scénario +15 % {t_sc:.2f} s "
          f"({len(sc.lines)} lignes) ; ciblage {t_tg:.2f} s")
    print(f"mémoire maximale : {peak_rss_mb():.0f} Mo")
    con.close()


if __name__ == "__main__":
    main()
