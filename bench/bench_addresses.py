"""Benchmark: indexing a département-sized address base, then locating a messy list of addresses.

    python bench/bench_addresses.py [--addresses 500000] [--list 10000] [--addok PYTHON]

Writes a BAN file in the current 23-column layout (`adresses-DD.csv.gz`) of fictional streets (targets:
indexing <= 60 s once), then locates a list of addresses typed the ways people type them — abbreviations,
no accents, missing postcode, `bis`, typos — whose right answer is known (target: <= 10 s for 10,000),
and reports the share matched to the right number and street. With `--addok PYTHON` (a Python with
`addok addok-fr addok-france` installed, and Debian's `redis-server`), the same base and list go through
addok side by side — benchmark-only tools, never dependencies of the app.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dq_core.addresses.index import index_files  # noqa: E402
from dq_core.addresses.locate import Columns, locate  # noqa: E402
from dq_core.files.read.source import FileSource  # noqa: E402
from dq_core.store import db  # noqa: E402
from tests.addresses_fixtures import BAN_HEADER  # noqa: E402
from tests.factories import build_tiny_workspace  # noqa: E402

TYPES = [("Rue", "r."), ("Avenue", "av."), ("Boulevard", "bd"), ("Allée", "all."), ("Impasse", "imp."),
         ("Place", "pl."), ("Chemin", "ch.")]
NAMES = ["du Général de Gaulle", "Jean Jaurès", "Victor Hugo", "de la République", "Pasteur", "des Lilas",
         "Saint-Exupéry", "du Maréchal Foch", "des Écoles", "de la Gare", "Émile Zola", "Louis Pasteur",
         "du Docteur Roux", "Sainte-Anne", "de Bretagne", "des Tilleuls", "Anatole France", "du Moulin"]


def street_names(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(official name, the way people abbreviate it), distinct."""
    out, seen = [], set()
    while len(out) < n:
        kind, short = rng.choice(TYPES)
        name = f"{rng.choice(NAMES)} {rng.randint(1, 999)}" if len(seen) >= len(TYPES) * len(NAMES) // 2 else rng.choice(NAMES)
        official = f"{kind} {name}"
        if official in seen:
            continue
        seen.add(official)
        out.append((official, f"{short} {name}"))
    return out


def write_ban(path: Path, total: int, rng: random.Random) -> list[tuple]:
    communes = [(f"99{i:03d}", f"990{i:02d}", f"Saint-{chr(65 + i // 26)}{chr(97 + i % 26)}ville") for i in range(50)]
    per_commune = total // len(communes)
    rows = []
    lines = [BAN_HEADER]
    for insee, postcode, commune in communes:
        for official, short in street_names(max(per_commune // 20, 1), rng):
            lon, lat = -5.6 + rng.random() * 0.4, 46 + rng.random() * 0.1
            for number in range(1, 21):
                x = round(lon + number * 1e-5, 6)
                rows.append((insee, postcode, commune, official, short, number, x, round(lat, 6)))
                lines.append(f"{insee}_x_{number:05d};;{number};;{official};{postcode};{insee};{commune};;;0;0;"
                             f"{x};{round(lat, 6)};entrée;;;;;commune;commune;1;")
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8"), mtime=0))
    return rows


def messy(row: tuple, rng: random.Random) -> str:
    insee, postcode, commune, official, short, number, _, _ = row
    street = short if rng.random() < 0.5 else official
    if rng.random() < 0.4:                                    # titles as people shorten them
        for long, abbr in (("Général", "Gal"), ("Maréchal", "Mal"), ("Docteur", "Dr"), ("Saint-", "St "),
                           ("Sainte-", "Ste ")):
            street = street.replace(long, abbr)
    if rng.random() < 0.2:                                    # articles dropped
        street = street.replace(" de la ", " ").replace(" du ", " ").replace(" des ", " ")
    if rng.random() < 0.3:
        street = street.upper().replace("É", "E").replace("È", "E")
    if rng.random() < 0.1 and len(street) > 8:                   # a typo
        i = rng.randrange(4, len(street) - 1)
        street = street[:i] + street[i + 1] + street[i] + street[i + 2:]
    place = f"{postcode} {commune}" if rng.random() < 0.7 else commune
    return f"{number}{' bis' if rng.random() < 0.05 else ''} {street}, {place}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--addresses", type=int, default=500_000)
    parser.add_argument("--list", type=int, default=10_000)
    parser.add_argument("--addok", help="a Python with addok installed: compare with it")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        ban = Path(tmp) / "adresses-99.csv.gz"
        rows = write_ban(ban, args.addresses, rng)
        con = db.connect(build_tiny_workspace(Path(tmp) / "w.duckdb", demo=False))
        cur = con.cursor()
        started = time.perf_counter()
        report = index_files(cur, [FileSource.from_path(ban)])
        indexing = time.perf_counter() - started
        print(f"index {len(rows):,} addresses: {indexing:.1f} s (target <= 60 s) — {report.outcomes[0].message}")
        wanted = rng.sample(rows, args.list)
        frame = pd.DataFrame({"adresse": [messy(r, rng) for r in wanted]})
        started = time.perf_counter()
        located = locate(cur, frame, Columns(address="adresse"))
        locating = time.perf_counter() - started
        truth = pd.DataFrame([r[6:] for r in wanted], columns=["lon", "lat"])
        right = ((located.rows["longitude"] - truth["lon"]).abs() < 1e-6) & \
                ((located.rows["latitude"] - truth["lat"]).abs() < 1e-6) & located.rows["qualite"].eq("exacte")
        print(f"locate {args.list:,} messy addresses: {locating:.1f} s (target <= 10 s); right number and "
              f"street: {100 * right.mean():.1f} %; qualities: {located.quality_counts()}")
        con.close()
        if args.addok:
            compare_with_addok(args.addok, Path(tmp), rows, list(frame["adresse"]), truth)


def compare_with_addok(python: str, tmp: Path, rows: list[tuple], queries: list[str], truth: pd.DataFrame) -> None:
    streets: dict[tuple, dict] = {}
    for insee, postcode, commune, official, _, number, lon, lat in rows:
        doc = streets.setdefault((insee, official), {
            "id": f"{insee}_{len(streets)}", "type": "street", "name": official, "postcode": postcode,
            "citycode": insee, "city": commune, "lon": lon, "lat": lat, "importance": 0.5, "housenumbers": {}})
        doc["housenumbers"][str(number)] = {"lon": lon, "lat": lat}
    (tmp / "streets.ndjson").write_text("\n".join(json.dumps(d) for d in streets.values()), encoding="utf-8")
    (tmp / "queries.txt").write_text("\n".join(queries), encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        time.sleep(1)
        subprocess.run([python, str(ROOT / "bench" / "addok_runner.py"), str(tmp / "streets.ndjson"),
                        str(tmp / "queries.txt"), str(port), str(tmp / "addok.json")], check=True,
                       stdout=subprocess.DEVNULL)
    finally:
        redis.terminate()
    out = json.loads((tmp / "addok.json").read_text())
    right = sum(1 for r, (_, t) in zip(out["results"], truth.iterrows(), strict=True)
                if r and r[2] == "housenumber" and abs(r[0] - t["lon"]) < 1e-6 and abs(r[1] - t["lat"]) < 1e-6)
    print(f"addok (Redis): index {out['indexing']:.1f} s; locate {len(queries):,}: {out['seconds']:.1f} s; right "
          f"number and street: {100 * right / len(queries):.1f} %")


if __name__ == "__main__":
    main()
