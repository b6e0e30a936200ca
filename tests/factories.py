"""Small workspaces with known figures, shared by unit, app and browser tests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from dq_core.store import catalogue, db
from dq_core.store.catalogue import Indicator

TINY_INDICATORS = [
    Indicator("pop_totale", "Population municipale", "demographie", "habitants", "count", "neutral",
              "Insee", "Recensement de la population", "Habitants.", decimals=0, is_key=True),
    Indicator("taux_pauvrete", "Taux de pauvreté (seuil à 60 %)", "revenus", "%", "rate",
              "higher_worse", "Insee – DGFiP", "Filosofi", "Part des habitants pauvres.", scale=100.0,
              numerator_label="personnes pauvres", denominator_label="habitants", is_key=True),
    Indicator("revenu_median_uc", "Revenu disponible médian par UC", "revenus", "€", "median",
              "higher_better", "Insee – DGFiP", "Filosofi", "Médiane.", decimals=0),
    Indicator("demandeurs_emploi_abc", "Demandeurs d'emploi ABC", "emploi", "personnes", "count",
              "higher_worse", "France Travail", "STMT", "Inscrits.", decimals=0),
]

# (code, level, name, vintage, parents)
TINY_TERRITORIES = [
    ("FRANCE", "france", "France (référence fictive)", None, []),
    ("XR01", "region", "Région Test", None, ["FRANCE"]),
    ("X01", "departement", "Département Test", None, ["XR01"]),
    ("XE001", "epci", "Agglo Test", None, []),
    ("X0101", "commune", "Villeneuve-Test", None, ["XE001", "X01"]),
    ("X0102", "commune", "Bourg-Test", None, ["XE001", "X01"]),
    ("QNX0101M", "quartier", "Les Tilleuls", 2024, ["X0101"]),
    ("QNX0102I", "quartier", "Le Plateau", 2024, ["X0101", "X0102"]),
    ("QNX0103N", "quartier", "Petit Quartier", 2024, ["X0102"]),
    ("ENSQP", "ensemble", "Ensemble des quartiers", 2024, []),
]

# Poverty (numerator, denominator) per year for Les Tilleuls: 2016 → 2021.
TILLEULS_POOR = {2016: (1200, 3000), 2017: (1230, 3000), 2018: (1260, 3000), 2019: (1300, 3100),
                 2020: (1330, 3100), 2021: (1380, 3000)}


def _square(lon: float, lat: float, size: float) -> str:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _obs(territory: str, indicator: str, year: int, value, num=None, den=None, **flags) -> dict:
    return {"territory": territory, "indicator": indicator, "period": str(year),
            "period_start": date(year, 1, 1), "value": value, "numerator": num, "denominator": den,
            "is_secret": flags.get("secret", False), "is_provisional": flags.get("provisional", False),
            "is_estimated": False, "is_break": flags.get("is_break", False),
            "note": flags.get("note"), "edition": None}


def tiny_observations() -> list[dict]:
    rows = []
    for year, (num, den) in TILLEULS_POOR.items():
        rows.append(_obs("QNX0101M", "taux_pauvrete", year, 100 * num / den, num, den))
        rows.append(_obs("QNX0102I", "taux_pauvrete", year, 40.0, 800, 2000))
        rows.append(_obs("X0101", "taux_pauvrete", year, 18.9, 3780, 20000))
        rows.append(_obs("FRANCE", "taux_pauvrete", year, 14.5, 9_570_000, 66_000_000))
    rows.append(_obs("QNX0103N", "taux_pauvrete", 2021, None, secret=True))
    for year in range(2016, 2022):
        rows.append(_obs("QNX0101M", "pop_totale", year, 3000 + 10 * (year - 2016)))
        rows.append(_obs("QNX0101M", "revenu_median_uc", year, 12000 + 100 * (year - 2016)))
        rows.append(_obs("X0101", "revenu_median_uc", year, 21000.0))
    # Job-seekers: a break in 2019, a gap in 2020, provisional 2021.
    for year, value in [(2016, 400), (2017, 390), (2018, 380), (2019, 300), (2021, 310)]:
        rows.append(_obs("QNX0101M", "demandeurs_emploi_abc", year, value,
                         is_break=year == 2019, provisional=year == 2021,
                         note="Changement de méthode." if year == 2019 else None))
    rows.append(_obs("QNX0103N", "demandeurs_emploi_abc", 2021, None, secret=True))
    return rows


def insert_observations(cur, rows: list[dict], batch: int) -> None:
    """Bulk-insert observation rows, ordered by territory as the app stores them."""
    frame = pd.DataFrame(rows).assign(batch_id=batch)
    cur.register("incoming", frame)
    cur.execute("INSERT INTO observation BY NAME SELECT * FROM incoming "
                "ORDER BY territory, indicator, period_start")
    cur.unregister("incoming")


def build_tiny_workspace(path: str | Path, *, demo: bool = True) -> Path:
    """Three quartiers in two communes with hand-written figures; returns the path."""
    con = db.connect(path)
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "demo" if demo else "user")
        db.set_meta(cur, "workspace_name", "Test")
        batch = db.new_batch(cur, "demo", file_name="factories.py")
        catalogue.save_domains(cur)
        catalogue.save_indicators(cur, TINY_INDICATORS, batch)
        for i, (code, level, name, vintage, parents) in enumerate(TINY_TERRITORIES):
            geometry = _square(-6 + 0.1 * i, 46, 0.05) if level in ("quartier", "commune") else None
            cur.execute("INSERT INTO territory VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [code, level, name, vintage, geometry, -6 + 0.1 * i, 46, batch])
            for rank, parent in enumerate(parents, start=1):
                parent_rank = rank if level == "quartier" else 1
                cur.execute("INSERT INTO territory_link VALUES (?, ?, ?)", [code, parent, parent_rank])
        insert_observations(cur, tiny_observations(), batch)
    con.close()
    return Path(path)


def user_workspace(path):
    """(connection, cursor) on a new or existing workspace marked as the user's own (official imports go there)."""
    con = db.connect(path)
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
    return con, cur
