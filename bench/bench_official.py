"""Benchmark: importing the national official files, then the fiche of real quartiers.

    python bench/bench_official.py [--official ../shared/data/official] [--n 200]
    python bench/bench_official.py --workspace PATH [--n 200]     # the fiche only, on a workspace imported before

Imports the 19 national thematic files (DEMO, IPRO, REVN 2017-2022 and INSEE's data_DEMO) plus the 2024
geography and the Filosofi "par source" QPV files (2016-2019) into a fresh workspace in one go,
then INSEE's reference files (Filosofi DISP 2014-2019 for
communes, EPCI, départements, régions and France métropolitaine; Caf per IRIS 2016-2020) — target: <= 30 s
for the whole — and says the workspace's size before and after them; then times `build_fiche` on real
quartiers (target: the foundation's <= 20 ms median in-process), and a re-import of the same folder (a no-op).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dq_core.explore.fiche import build_fiche  # noqa: E402
from dq_core.files.official import import_folder  # noqa: E402
from dq_core.files.status import FileStatus  # noqa: E402
from dq_core.store import db  # noqa: E402


def _fiche_times(cur, sample: list[str]) -> tuple[float, float]:
    """Median and 95th percentile (ms) of `build_fiche` over the sample, after one warm-up."""
    build_fiche(cur, sample[0])
    times = []
    for code in sample:
        t = time.perf_counter()
        build_fiche(cur, code)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))]


def fiche_only(path: Path, n: int) -> None:
    con = db.connect(path)
    cur = con.cursor()
    codes = [r[0] for r in cur.execute("SELECT code FROM territory WHERE level = 'quartier' "
                                       "AND vintage = 2015 ORDER BY code").fetchall()]
    median, p95 = _fiche_times(cur, ["QP044013"] + random.Random(1).choices(codes, k=n))
    print(f"fiche d'un quartier réel : médiane {median:.1f} ms, p95 {p95:.1f} ms sur {n + 1} fiches (cible <= 20 ms)")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--official", type=Path, default=ROOT.parent / "shared" / "data" / "official")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--workspace", type=Path, help="time the fiche on this already imported workspace")
    args = parser.parse_args()
    if args.workspace:
        fiche_only(args.workspace, args.n)
        return
    national = args.official / "insee_qpv2015_thematiques" / "national"
    geography = args.official / "qpv2024" / "qpv2024_bretagne_pdl_official_layout_DERIVED.geojson"
    par_source = sorted((args.official / "insee_references" / "filosofi_qp_par_source").glob("*.csv"))
    if not national.is_dir():
        sys.exit(f"Fichiers officiels absents : {national}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        files = sorted(national.glob("*.csv"))
        for path in files:
            shutil.copy(path, folder / path.name)
        for path in par_source:
            shutil.copy(path, folder / path.name)
        shutil.copy(geography, folder / geography.name)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        con = db.connect(Path(tmp) / "bench.duckdb")
        cur = con.cursor()
        with db.transaction(cur):
            db.set_meta(cur, "workspace_kind", "user")

        stamps: list[float] = []
        t, cpu = time.perf_counter(), time.process_time()
        report = import_folder(cur, folder, progress=lambda i, n, name: stamps.append(time.perf_counter()))
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        by_kind: dict[str, float] = {}
        for outcome, start, end in zip(report.outcomes, stamps, stamps[1:], strict=False):
            by_kind[outcome.kind or outcome.status] = by_kind.get(outcome.kind or outcome.status, 0.0) + end - start
        rows = cur.execute("SELECT count(*) FROM observation").fetchone()[0]
        print(f"import: {len(report.imported)} fichiers ({len(files)} thématiques + {len(par_source)} par source "
              f"+ contours 2024 ; {size:.1f} Mo) ; "
              f"{rows:,} observations en {took:.1f} s (cible <= 30 s) ; erreurs : {len(report.errors)}"
              .replace(",", "\u202f"))
        print(f"  temps CPU du processus : {cpu:.1f} s (sur une machine chargée, plus proche du temps à vide) ; "
              "par sorte de fichier : " + " ; ".join(f"{k} {v:.1f} s" for k, v in by_kind.items()))

        cur.execute("CHECKPOINT")
        before = (Path(tmp) / "bench.duckdb").stat().st_size / 1e6
        codes = [r[0] for r in cur.execute("SELECT code FROM territory WHERE level = 'quartier' "
                                           "AND vintage = 2015 ORDER BY code").fetchall()]
        sample = ["QP044013"] + random.Random(1).choices(codes, k=args.n)
        median_before = _fiche_times(cur, sample)[0]
        references = Path(tmp) / "references"
        for sub in ("filosofi_disp", "caf_iris"):
            shutil.copytree(args.official / "insee_references" / sub, references / sub)
        t = time.perf_counter()
        refs = import_folder(cur, references)
        took_refs = time.perf_counter() - t
        cur.execute("CHECKPOINT")
        after = (Path(tmp) / "bench.duckdb").stat().st_size / 1e6
        ref_rows = cur.execute("SELECT count(*) FROM observation").fetchone()[0] - rows
        print(f"références Insee : {len(refs.imported)} fichiers (Filosofi DISP + Caf IRIS) ; {ref_rows:,} observations "
              f"en {took_refs:.1f} s ; erreurs : {len(refs.errors)} ; total de l'import national : "
              f"{took + took_refs:.1f} s (cible <= 30 s)".replace(",", "\u202f"))
        print(f"taille de l'espace de travail : {before:.1f} Mo sans les références, {after:.1f} Mo avec")

        t = time.perf_counter()
        again = import_folder(cur, folder)
        print(f"ré-import du même dossier : {time.perf_counter() - t:.2f} s, "
              f"{len(again.by_status(FileStatus.ALREADY_IMPORTED))} fichiers déjà importés (rien écrit)")

        median, p95 = _fiche_times(cur, sample)
        print(f"fiche d'un quartier réel : médiane {median:.1f} ms, p95 {p95:.1f} ms sur {len(sample)} fiches "
              f"(cible <= 20 ms) ; sans les références Insee, dans la même session : médiane {median_before:.1f} ms")
        line = build_fiche(cur, "QP044013").line("revenu_median_uc")
        print("QP044013, revenu médian :", line.latest.period, line.latest.value, "; références :",
              {k: (r.period, r.value) for k, r in line.references.items() if r is not None})
        con.close()


if __name__ == "__main__":
    main()
