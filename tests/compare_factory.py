"""A small "region" of 14 quartiers with known figures, for comparisons, similarity and maps.

- 12 quartiers of the 2024 geography in 6 communes, 3 EPCI, 3 départements, 2 régions, and 2 of the
  2015 geography (vintage filter);
- QC07 "Les Jumeaux B" is a planted twin of QC03 "Les Jumeaux A" (key figures within 1 %);
- QC11 has a secret poverty rate in 2021, QC12 has no unemployment rate and no median income;
- QC05's outline has 400 vertices (simplification), the other shapes are squares.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date
from pathlib import Path

from dq_core.store import catalogue, db
from dq_core.store.catalogue import Indicator
from tests.factories import insert_observations

INDICATORS = [
    Indicator("pop_totale", "Population municipale", "demographie", "habitants", "count", "neutral",
              "Insee", "Recensement de la population", "Habitants.", decimals=0, is_key=True),
    Indicator("taux_pauvrete", "Taux de pauvreté (seuil à 60 %)", "revenus", "%", "rate", "higher_worse",
              "Insee – DGFiP", "Filosofi", "Part des habitants pauvres.", scale=100.0,
              numerator_label="personnes pauvres", denominator_label="habitants", is_key=True),
    Indicator("revenu_median_uc", "Revenu disponible médian par UC", "revenus", "€", "median",
              "higher_better", "Insee – DGFiP", "Filosofi", "Médiane.", decimals=0, is_key=True),
    Indicator("taux_chomage", "Taux de chômage des 15-64 ans", "emploi", "%", "rate", "higher_worse",
              "Insee", "Recensement de la population", "Chômeurs parmi les actifs.", scale=100.0,
              numerator_label="chômeurs", denominator_label="actifs", is_key=True),
    Indicator("part_logements_sociaux", "Part des logements sociaux", "logement", "%", "rate", "neutral",
              "SDES", "RPLS", "Logements sociaux parmi les résidences principales.", scale=100.0,
              numerator_label="logements sociaux", denominator_label="résidences principales", is_key=True),
    Indicator("taux_emploi", "Taux d'emploi des 15-64 ans", "emploi", "%", "rate", "higher_better",
              "Insee", "Recensement de la population", "Actifs occupés parmi les 15-64 ans.", scale=100.0,
              numerator_label="actifs occupés", denominator_label="15-64 ans"),
]

# (code, level, name, vintage, parents)
PLACES = [
    ("FR", "france", "France", None, []),
    ("R1", "region", "Région Nord-Test", None, ["FR"]),
    ("R2", "region", "Région Sud-Test", None, ["FR"]),
    ("D1", "departement", "Département Un", None, ["R1"]),
    ("D2", "departement", "Département Deux", None, ["R1"]),
    ("D3", "departement", "Département Trois", None, ["R2"]),
    ("E1", "epci", "Agglo Une", None, []),
    ("E2", "epci", "Agglo Deux", None, []),
    ("E3", "epci", "Agglo Trois", None, []),
    ("C1", "commune", "Alpha-Ville", None, ["E1", "D1"]),
    ("C2", "commune", "Beta-Bourg", None, ["E1", "D1"]),
    ("C3", "commune", "Gamma-Cité", None, ["E2", "D2"]),
    ("C4", "commune", "Delta-sur-Mer", None, ["E2", "D2"]),
    ("C5", "commune", "Epsilon", None, ["E3", "D3"]),
    ("C6", "commune", "Zêta-les-Bains", None, ["E3", "D3"]),
    ("ENS24", "ensemble", "Ensemble des quartiers 2024", 2024, []),
    ("ENS15", "ensemble", "Ensemble des quartiers 2015", 2015, []),
]
QUARTIERS = [  # code, name, vintage, communes
    ("QC01", "Les Acacias", 2024, ["C1"]),
    ("QC02", "Le Bois", 2024, ["C1"]),
    ("QC03", "Les Jumeaux A", 2024, ["C2"]),
    ("QC04", "La Colline", 2024, ["C3"]),
    ("QC05", "Le Méandre", 2024, ["C3"]),
    ("QC06", "Le Port", 2024, ["C4"]),
    ("QC07", "Les Jumeaux B", 2024, ["C5"]),
    ("QC08", "Les Dunes", 2024, ["C5"]),
    ("QC09", "La Gare", 2024, ["C6"]),
    ("QC10", "Les Vignes", 2024, ["C6", "C5"]),
    ("QC11", "Le Petit Clos", 2024, ["C2"]),
    ("QC12", "Les Nouveaux", 2024, ["C4"]),
    ("QP01", "Ancien Centre", 2015, ["C1"]),
    ("QP02", "Ancienne Cité", 2015, ["C6"]),
]
YEARS = range(2016, 2022)
COMMUNE_ORIGIN = {f"C{i}": (2.0 + 0.5 * ((i - 1) % 3), 45.0 + 0.5 * ((i - 1) // 3)) for i in range(1, 7)}


def latest_figures() -> dict[str, dict[str, float]]:
    """2021 figures per quartier (population, rates, median income), deterministic."""
    rng = random.Random(7)
    figures = {}
    for code, *_ in QUARTIERS:
        figures[code] = {
            "pop_totale": float(rng.randrange(1500, 9000)),
            "taux_pauvrete": round(rng.uniform(20, 60), 1),
            "taux_chomage": round(rng.uniform(10, 35), 1),
            "part_logements_sociaux": round(rng.uniform(30, 95), 1),
            "revenu_median_uc": float(rng.randrange(9000, 16000, 10)),
            "taux_emploi": round(rng.uniform(35, 65), 1),
        }
    twin = figures["QC03"]
    figures["QC07"] = {k: (round(v * 1.005, 1) if k != "pop_totale" else v + 20) for k, v in twin.items()}
    return figures


def _ring_square(lon: float, lat: float, size: float) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def _ring_wiggly(lon: float, lat: float, size: float, n: int = 400) -> list[list[float]]:
    cx, cy, r = lon + size / 2, lat + size / 2, size / 2
    ring = [[cx + r * (1 + 0.002 * math.sin(40 * a)) * math.cos(a), cy + r * math.sin(a)]
            for a in (2 * math.pi * k / n for k in range(n))]
    return ring + [ring[0]]


def _geometry(ring) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def quartier_shape(code: str) -> str:
    i = [q[0] for q in QUARTIERS].index(code)
    commune = QUARTIERS[i][3][0]
    lon, lat = COMMUNE_ORIGIN[commune]
    slot = sum(1 for q in QUARTIERS[:i] if q[3][0] == commune)
    x, y = lon + 0.05 + 0.2 * (slot % 2), lat + 0.05 + 0.2 * (slot // 2)
    return _geometry(_ring_wiggly(x, y, 0.15) if code == "QC05" else _ring_square(x, y, 0.15))


def _obs(territory, indicator, year, value, num=None, den=None, secret=False) -> dict:
    return {"territory": territory, "indicator": indicator, "period": str(year),
            "period_start": date(year, 1, 1), "value": None if secret else value,
            "numerator": None if secret else num, "denominator": None if secret else den,
            "is_secret": secret, "is_provisional": False, "is_estimated": False, "is_break": False,
            "note": None, "edition": None}


def observations() -> list[dict]:
    rows = []
    figures = latest_figures()
    for code, *_ in QUARTIERS:
        f = figures[code]
        for year in YEARS:
            drift = 2021 - year
            pop = f["pop_totale"] - 15 * drift
            rows.append(_obs(code, "pop_totale", year, pop))
            for ind, den in (("taux_pauvrete", pop), ("taux_chomage", pop * 0.45),
                             ("part_logements_sociaux", pop * 0.4), ("taux_emploi", pop * 0.6)):
                if code == "QC12" and ind == "taux_chomage":
                    continue
                rate = f[ind] - 0.3 * drift
                secret = code == "QC11" and ind == "taux_pauvrete" and year == 2021
                rows.append(_obs(code, ind, year, rate, round(rate * den / 100, 3), den, secret=secret))
            if code != "QC12":
                rows.append(_obs(code, "revenu_median_uc", year, f["revenu_median_uc"] - 100 * drift))
    for code, value in (("C1", 25.0), ("C2", 22.0), ("C3", 30.0), ("C4", 18.0), ("C5", 20.0), ("C6", 27.0),
                        ("E1", 21.0), ("E2", 24.0), ("E3", 19.0), ("D1", 17.0), ("D2", 18.5), ("D3", 16.0),
                        ("R1", 16.5), ("R2", 15.5), ("FR", 14.5), ("ENS24", 43.0), ("ENS15", 42.0)):
        for year in YEARS:
            rows.append(_obs(code, "taux_pauvrete", year, value, value * 100, 10000))
    return rows


def build_compare_workspace(path: str | Path) -> Path:
    con = db.connect(path)
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "demo")
        db.set_meta(cur, "workspace_name", "Comparaisons")
        batch = db.new_batch(cur, "demo", file_name="compare_factory.py")
        catalogue.save_domains(cur)
        catalogue.save_indicators(cur, INDICATORS, batch)
        for code, level, name, vintage, parents in PLACES:
            geometry, lon, lat = None, None, None
            if level == "commune":
                lon, lat = COMMUNE_ORIGIN[code]
                geometry = _geometry(_ring_square(lon, lat, 0.45))
            cur.execute("INSERT INTO territory VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [code, level, name, vintage, geometry, lon, lat, batch])
            for parent in parents:
                cur.execute("INSERT INTO territory_link VALUES (?, ?, 1)", [code, parent])
        for code, name, vintage, communes in QUARTIERS:
            lon, lat = COMMUNE_ORIGIN[communes[0]]
            cur.execute("INSERT INTO territory VALUES (?, 'quartier', ?, ?, ?, ?, ?, ?)",
                        [code, name, vintage, quartier_shape(code), lon + 0.1, lat + 0.1, batch])
            for rank, commune in enumerate(communes, start=1):
                cur.execute("INSERT INTO territory_link VALUES (?, ?, ?)", [code, commune, rank])
        insert_observations(cur, observations(), batch)
    con.close()
    return Path(path)
