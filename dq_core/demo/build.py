"""Build the demo in memory and write it, atomically, as a workspace file (`build_demo`)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dq_core.demo.energy import write_energy
from dq_core.demo.geometry import build_geometry
from dq_core.demo.model import atom_figures
from dq_core.demo.observations import observation_frame, period_frame
from dq_core.demo.populations import Layout, build_atoms
from dq_core.demo.scale import REF, SCALES
from dq_core.demo.series import annual_series, filosofi_withheld, monthly_figures, monthly_series
from dq_core.demo.structure import build_structure
from dq_core.demo.territories import Territories, build_territories
from dq_core.errors import DQError
from dq_core.store import catalogue, db
from dq_core.store.catalogue import DEMO_CATALOGUE


@dataclass
class Demo:
    territories: Territories
    observations: pd.DataFrame
    notes: list[str]
    layout: Layout
    weather: np.ndarray          # winter anomaly of each month of 2018-2025, for the degree days


def generate(scale: str = "regional", seed: int = 2024) -> Demo:
    """Everything the workspace will hold, in memory (same seed, same content)."""
    sc = SCALES[scale]
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    rng_structure, rng_data, rng_geo, rng_cells, rng_names = streams
    st = build_structure(sc, rng_structure)
    lay = Layout(sc.quartiers, sc.communes, sc.epci, sc.departements, sc.regions)
    at = build_atoms(sc, st, lay, rng_data)
    fig = atom_figures(at, st, lay, rng_data)
    monthly, weather = monthly_figures(at, fig, rng_data)
    geo = build_geometry(sc, st, at.pop[:lay.nq, REF], rng_geo)
    fiscal = filosofi_withheld(sc, at, lay, rng_cells)
    series = annual_series(fig, at, st, lay, fiscal, rng_cells) + monthly_series(monthly, st, lay)
    territories = build_territories(st, lay, at, geo, rng_names)
    observations, notes = observation_frame(series, st)
    return Demo(territories, observations, notes, lay, weather)


_INSERT_OBSERVATIONS = """
INSERT INTO observation BY NAME
SELECT c.code AS territory, i.id AS indicator, p.period, p.period_start, o.value, o.numerator,
       o.denominator, o.is_secret, o.is_provisional, o.is_estimated, o.is_break, n.note,
       ?::INTEGER AS batch_id
FROM demo_obs o
JOIN demo_codes c USING (t)
JOIN demo_indicators i USING (i)
JOIN demo_periods p USING (p)
LEFT JOIN demo_notes n USING (note_id)
ORDER BY territory, indicator, period_start
"""


def _write(path: Path, scale: str, seed: int, demo: Demo) -> int:
    """Write the whole workspace in one transaction; return the number of observations."""
    con = db.connect(path)
    try:
        cur = con.cursor()
        with db.transaction(cur):
            db.set_meta(cur, "workspace_kind", "demo")
            db.set_meta(cur, "workspace_name", "Démonstration (données fictives)")
            db.set_meta(cur, "demo_scale", scale)
            db.set_meta(cur, "demo_seed", str(seed))
            db.set_meta(cur, "created_at", datetime.now(UTC).isoformat(timespec="seconds"))
            batch = db.new_batch(cur, "demo", file_name="générateur de démonstration",
                                 comment=f"Espace de démonstration : territoires et chiffres entièrement "
                                         f"fictifs (échelle {scale}, graine {seed}).")
            catalogue.save_domains(cur)
            catalogue.save_indicators(cur, DEMO_CATALOGUE, batch)
            terr = demo.territories
            _insert(cur, "territory", terr.table.assign(batch_id=batch))
            _insert(cur, "territory_link", terr.links)
            _insert(cur, "correspondence", terr.correspondence)
            tables = {"demo_obs": demo.observations, "demo_periods": period_frame(),
                      "demo_codes": pd.DataFrame({"t": np.arange(len(terr.codes), dtype=np.int32),
                                                  "code": terr.codes}),
                      "demo_indicators": pd.DataFrame({"i": np.arange(len(DEMO_CATALOGUE), dtype=np.int16),
                                                       "id": [ind.id for ind in DEMO_CATALOGUE]}),
                      "demo_notes": pd.DataFrame({"note_id": np.arange(len(demo.notes), dtype=np.int16),
                                                  "note": demo.notes})}
            for name, frame in tables.items():
                cur.register(name, frame)
            cur.execute(_INSERT_OBSERVATIONS, [batch])
            for name in tables:
                cur.unregister(name)
            write_energy(cur, batch, demo.weather, seed)
            rows = cur.execute("SELECT count(*) FROM observation").fetchone()[0]
            cur.execute("UPDATE import_batch SET rows_inserted = ? WHERE id = ?", [rows, batch])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return rows


def _insert(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    cur.register("demo_frame", frame)
    cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM demo_frame")
    cur.unregister("demo_frame")


def build_demo(path: str | Path, scale: str = "regional", seed: int = 2024) -> dict:
    """Write the fictional demo workspace at `path`, atomically; return what it holds.

    The file is built next to `path` and moved onto it only when complete, so that a crash never
    leaves a half-built demo. The same seed always gives the same territories and figures.
    """
    started = time.perf_counter()
    if scale not in SCALES:
        raise DQError(f"Échelle de démonstration inconnue : « {scale} ». Choisissez « regional » "
                      "(78 quartiers) ou « national » (environ 1 600 quartiers).")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp-build")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    demo = generate(scale, seed)
    try:
        rows = _write(tmp, scale, seed, demo)
        # A journal left by the previous file would be replayed onto the new one.
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        os.replace(tmp, path)
    except PermissionError as exc:      # Windows: the file is open in another program
        tmp.unlink(missing_ok=True)
        raise DQError(f"Impossible de remplacer la base « {path} » : elle est ouverte par un autre "
                      "programme, probablement l'application Data & Quartiers. Fermez-la puis "
                      "recommencez.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    lay = demo.layout
    return {"path": str(path), "scale": scale, "seed": seed, "quartiers": lay.nq, "communes": lay.nc,
            "epci": lay.ne, "departements": lay.nd, "regions": lay.nr, "observations": int(rows),
            "seconds": round(time.perf_counter() - started, 2)}
