"""Build the reference file of communes, EPCI, départements and régions shipped with the app.

    python scripts/build_reference.py [--tarball PATH | --package-dir DIR] [--out data/reference]

Source: the npm package `@etalab/decoupage-administratif` (code MIT, data Licence Ouverte: INSEE's
official geographic code, DGCL's EPCI composition, INSEE's legal populations). Without --tarball or
--package-dir the script runs `npm pack @etalab/decoupage-administratif` in a temporary folder (the
only step that needs the network). It writes `cog.parquet` (one row per territory, a few hundred KB)
and `cog.json` (provenance), which the app reads offline.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "@etalab/decoupage-administratif"
# The package version of year N carries INSEE's legal populations of year N - 3 (in force on 1 January N).
POPULATION_LAG = 3
ALIAS_TYPES = {"arrondissement-municipal": "arrondissement", "commune-deleguee": "deleguee",
               "commune-associee": "associee"}


def fetch_package(workdir: Path) -> Path:
    out = subprocess.run(["npm", "pack", PACKAGE], cwd=workdir, capture_output=True, text=True, check=True)
    return workdir / out.stdout.strip().splitlines()[-1]


def unpack(tarball: Path, workdir: Path) -> Path:
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def build_frame(package_dir: Path) -> tuple[pd.DataFrame, dict]:
    data = package_dir / "data"
    communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
    epcis = json.loads((data / "epci.json").read_text(encoding="utf-8"))
    departements = json.loads((data / "departements.json").read_text(encoding="utf-8"))
    regions = json.loads((data / "regions.json").read_text(encoding="utf-8"))
    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))

    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    rows = []
    for c in communes:
        kind = c.get("type")
        if kind == "commune-actuelle":
            rows.append({"code": c["code"], "level": "commune", "name": c["nom"], "commune": c["code"],
                         "epci": epci_of.get(c["code"]), "departement": c.get("departement"),
                         "region": c.get("region"), "zone": c.get("zone"), "population": c.get("population")})
        elif kind in ALIAS_TYPES:
            # Former communes and municipal arrondissements: only to recognise their codes and names.
            current = c.get("commune") or c.get("chefLieu")
            rows.append({"code": c["code"], "level": ALIAS_TYPES[kind], "name": c["nom"], "commune": current,
                         "epci": None, "departement": c.get("departement"), "region": c.get("region"),
                         "zone": c.get("zone"), "population": c.get("population")})
    for e in epcis:
        rows.append({"code": e["code"], "level": "epci", "name": e["nom"], "commune": None, "epci": e["code"],
                     "departement": None, "region": None, "zone": None,
                     "population": e.get("populationMunicipale")})
    frame = pd.DataFrame(rows)
    current = frame[frame["level"] == "commune"]
    # Départements, régions and France: sums of their communes' municipal populations (additive).
    dep_pop = current.groupby("departement")["population"].sum()
    reg_pop = current.groupby("region")["population"].sum()
    extra = []
    for d in departements:
        extra.append({"code": d["code"], "level": "departement", "name": d["nom"], "commune": None,
                      "epci": None, "departement": d["code"], "region": d.get("region"), "zone": d.get("zone"),
                      "population": int(dep_pop.get(d["code"], 0)) or None})
    for r in regions:
        extra.append({"code": r["code"], "level": "region", "name": r["nom"], "commune": None, "epci": None,
                      "departement": None, "region": r["code"], "zone": r.get("zone"),
                      "population": int(reg_pop.get(r["code"], 0)) or None})
    france = int(current[current["zone"].isin(["metro", "drom"])]["population"].sum())
    extra.append({"code": "FRANCE", "level": "france", "name": "France", "commune": None, "epci": None,
                  "departement": None, "region": None, "zone": None, "population": france})
    frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    frame["population"] = frame["population"].astype("Int64")
    year = int(meta["version"].split(".")[0]) + 2020   # 6.x = millésime 2026 (see the package README)
    provenance = {
        "source": f"npm {PACKAGE} {meta['version']}",
        "repository": meta.get("repository"),
        "licence": "Code MIT ; données Licence Ouverte (Etalab) : Code officiel géographique (Insee), "
                   "composition des EPCI à fiscalité propre (DGCL), populations légales (Insee).",
        "cog_year": year,
        "population_year": year - POPULATION_LAG,
        "rows": {level: int(n) for level, n in frame["level"].value_counts().items()},
    }
    return frame, provenance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path)
    parser.add_argument("--package-dir", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "reference")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        package_dir = args.package_dir or unpack(args.tarball or fetch_package(work), work)
        frame, provenance = build_frame(package_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "cog.parquet"
    con = duckdb.connect()
    con.register("cog", frame)
    con.execute(f"COPY (SELECT * FROM cog ORDER BY level, code) TO '{target}' "
                "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 19)")
    (args.out / "cog.json").write_text(json.dumps(provenance, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    print(f"{target}: {len(frame)} lignes, {target.stat().st_size // 1024} Ko ; {provenance['rows']}")


if __name__ == "__main__":
    main()
