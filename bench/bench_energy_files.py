"""Benchmark: importing energy files at real sizes — an Enedis per-address file located against an indexed
address base, and ten years of daily regional temperatures turned into monthly degree days.

    python bench/bench_energy_files.py [--addresses 100000] [--enedis 20000]

Writes a fictional address base (one commune, streets of the tiny workspace's quartier squares) and an Enedis
file of addresses taken from it, then times `import_one` for each (reading, locating, aggregating, writing
one batch) and the undo of the Enedis batch. The figures printed are wall-clock seconds on this machine.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dq_core.addresses.index import index_files  # noqa: E402
from dq_core.files.history import undo_import  # noqa: E402
from dq_core.files.official import import_one  # noqa: E402
from dq_core.files.read.source import FileSource  # noqa: E402
from dq_core.store import db  # noqa: E402
from tests.addresses_fixtures import BAN_HEADER  # noqa: E402
from tests.energy_file_fixtures import ENEDIS_HEADER  # noqa: E402
from tests.factories import build_tiny_workspace  # noqa: E402

WORDS = ["Pasteur", "Jean Jaurès", "Victor Hugo", "des Lilas", "du Moulin", "de la Gare", "des Écoles", "Voltaire"]


def _streets(n: int) -> list[str]:
    return [f"Rue {WORDS[i % len(WORDS)]} {i // len(WORDS) + 1}" for i in range(n)]


def ban_file(addresses: int, numbers: int = 200) -> tuple[bytes, list[tuple[str, int]]]:
    rng = random.Random(7)
    streets = _streets(addresses // numbers + 1)
    lines, kept = [BAN_HEADER], []
    for k in range(addresses):
        street, n = streets[k // numbers], k % numbers + 1
        lon, lat = -5.4 + rng.random() * 0.3, 46.0 + rng.random() * 0.05      # across the quartier squares
        lines.append(f"X0101_abcd_{k:05d};;{n};;{street};99001;X0101;Villeneuve-Test;;;0;0;{lon:.6f};{lat:.6f};"
                     f"entrée;;;VILLENEUVE-TEST;{street.upper()};commune;commune;1;")
        kept.append((street, n))
    return gzip.compress(("\n".join(lines) + "\n").encode()), kept


def enedis_file(addresses: list[tuple[str, int]], rows: int) -> bytes:
    rng = random.Random(11)
    lines = [ENEDIS_HEADER]
    for i, (street, n) in enumerate(rng.sample(addresses, rows)):
        kind, name = street.split(" ", 1)
        dwellings = rng.randint(10, 120)
        mwh = round(dwellings * rng.uniform(1.5, 4.0), 3)
        plain = name.upper().replace("È", "E").replace("É", "E")
        lines.append(f"2019;X01010101;Centre;{n};;{kind.upper()};{plain};X0101;Villeneuve-Test;RESIDENTIEL;{dwellings};"
                     f"{mwh};{round(mwh / dwellings, 3)};3.1;{n} {kind.upper()} {plain};;;;{i}")
    return ("\n".join(lines) + "\n").encode()


def temperatures(regions: int = 13, years: int = 10) -> bytes:
    lines = ["ID;Date;Code INSEE région;Région;TMin (°C);TMax (°C);TMoy (°C)"]
    rng = random.Random(3)
    for r in range(regions):
        day = date(2016, 1, 1)
        while day < date(2016 + years, 1, 1):
            mean = round(12 - 8 * ((day.month - 7) / 6) ** 2 + rng.gauss(0, 2), 2)
            lines.append(f"{day.isoformat()}T00:00:00-{10 + r};{day:%d/%m/%y};{10 + r};Région {r};"
                         f"{mean - 4};{mean + 4};{mean}")
            day += timedelta(days=1)
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=100_000)
    parser.add_argument("--enedis", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = db.connect(build_tiny_workspace(Path(tmp) / "bench.duckdb", demo=False))
        cur = con.cursor()
        ban, kept = ban_file(args.addresses)
        start = time.perf_counter()
        index_files(cur, [FileSource("adresses-99.csv.gz", data=ban)])
        print(f"index BAN ({args.addresses:,} addresses): {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        outcome = import_one(cur, FileSource("enedis.csv", data=enedis_file(kept, args.enedis)))
        print(f"import Enedis ({args.enedis:,} addresses): {time.perf_counter() - start:.1f} s — {outcome.message[:150]}")
        batch = cur.execute("SELECT max(id) FROM import_batch").fetchone()[0]
        start = time.perf_counter()
        undo_import(cur, batch)
        print(f"undo Enedis: {time.perf_counter() - start:.2f} s")
        data = temperatures()
        start = time.perf_counter()
        outcome = import_one(cur, FileSource("temperatures.csv", data=data))
        print(f"import ODRE temperatures ({len(data) / 1e6:.1f} MB, 13 regions x 10 years): "
              f"{time.perf_counter() - start:.1f} s — {outcome.status}")
        con.close()


if __name__ == "__main__":
    main()
