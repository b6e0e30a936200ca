"""The demo's residences, their monthly electricity and gas, the regions' degree days and the price table.

Everything is fictional and seeded. Each residence (a landlord's building) has its own base load and
thermosensitivity (kWh per dwelling and degree day, larger for electric heating and for poor DPE classes),
and monthly noise. A few anomalies are planted so that the alerts and the targeting list have something
real to find (`PLANTED`, also used by the tests):

- DEMO-R0001 « Résidence Les Tilleuls » — gaz ×1.6 from January 2025 (a boiler fault), still running;
- DEMO-R0002 « Résidence Le Belvédère » — électricité ×2.2 in December 2024 only (a one-month spike);
- DEMO-R0003 « Résidence Les Acacias » — électricité ×0.45 from March 2025 (half the building vacated);
- DEMO-R0004 « Résidence La Roseraie » — électricité ×1.35 from October 2024 (extra electric heaters; DPE G).
Some residences have fewer than 10 dwellings: they are never shown alone (secret statistique).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from dq_core.energy import prices

FIRST_MONTH = (2016, 1)
LAST_MONTH = (2025, 9)            # the demo's last month of energy data (its monthly series end there too)
DJU_FIRST_YEAR = 2015
# Monthly heating degree days (base 18 °C) of a mild oceanic climate, January to December.
NORMAL_DJU = np.array([335, 300, 265, 190, 110, 40, 12, 14, 45, 140, 250, 320], dtype=float)
DJU_SOURCE = "Démonstration : degrés-jours fictifs (base 18 °C), cohérents avec les séries de la démonstration"
LANDLORDS = ["Habitat de la Lise", "Logis des Marches", "Foyer Armor-Sauvène", "Office Vrenne Habitat",
             "Toits de l'Orbelle", "Cités Océanes"]
_NAMES = ["Les Tilleuls", "Le Belvédère", "Les Acacias", "La Roseraie", "Les Mimosas", "Les Cèdres",
          "Le Grand-Pré", "Les Alizés", "Les Sorbiers", "Le Clos-Fleuri", "Les Ajoncs", "Les Genêts",
          "La Pommeraie", "Les Platanes", "Le Mail", "Les Hortensias", "Les Camélias", "Les Érables",
          "Les Marronniers", "La Source", "Les Pins", "Les Charmilles", "Le Pont-Rouge", "Les Vergers"]
HEATINGS = ("electrique_individuel", "gaz_individuel", "collectif")
_DPE_FACTOR = {"A": 0.35, "B": 0.5, "C": 0.7, "D": 0.9, "E": 1.1, "F": 1.35, "G": 1.6}


@dataclass(frozen=True)
class Planted:
    residence: str
    energy: str
    start: date
    end: date | None                 # None: still running at the end of the data
    factor: float
    what: str


PLANTED = (
    Planted("DEMO-R0001", "gaz", date(2025, 1, 1), None, 1.6, "panne de chaudière"),
    Planted("DEMO-R0002", "electricite", date(2024, 12, 1), date(2024, 12, 1), 2.2, "pic d'un mois"),
    Planted("DEMO-R0003", "electricite", date(2025, 3, 1), None, 0.45, "bâtiment à moitié vidé"),
    Planted("DEMO-R0004", "electricite", date(2024, 10, 1), None, 1.35, "radiateurs d'appoint"),
)
# The planted residences' fixed traits (the rest is drawn): (dwellings, heating, dpe).
_PLANTED_TRAITS = {"DEMO-R0001": (64, "gaz_individuel", "E"), "DEMO-R0002": (48, "electrique_individuel", "D"),
                   "DEMO-R0003": (80, "electrique_individuel", "E"), "DEMO-R0004": (36, "electrique_individuel", "G")}


def months() -> list[date]:
    (y0, m0), (y1, m1) = FIRST_MONTH, LAST_MONTH
    return [date(y, m, 1) for y in range(y0, y1 + 1) for m in range(1, 13) if (y0, m0) <= (y, m) <= (y1, m1)]


def _days(ms: list[date]) -> np.ndarray:
    return np.array([(date(d.year + (d.month == 12), d.month % 12 + 1, 1) - d).days for d in ms], dtype=float)


def degree_days(regions: list[str], region_names: list[str], weather: dict[tuple[int, int], float],
                rng: np.random.Generator) -> pd.DataFrame:
    """Monthly DJU of every region, DJU_FIRST_YEAR → LAST_MONTH. `weather` holds the demo's common winter
    anomalies (colder > 0) so that the quartiers' own monthly series follow the same winters."""
    ms = [date(y, m, 1) for y in range(DJU_FIRST_YEAR, LAST_MONTH[0] + 1) for m in range(1, 13)
          if (y, m) <= LAST_MONTH]
    anomaly = np.array([weather.get((d.year, d.month), rng.normal(0, 0.07) if d.month in (1, 2, 3, 11, 12)
                                    else 0.0) for d in ms])
    rows = []
    for r, (code, name) in enumerate(zip(regions, region_names, strict=True)):
        level = 0.92 + 0.16 * r / max(1, len(regions) - 1)
        own = rng.normal(0, 0.05, len(ms))
        dju = NORMAL_DJU[[d.month - 1 for d in ms]] * level * np.clip(1 + 2.5 * anomaly + own, 0.3, 2)
        days = _days(ms).astype(int)
        rows.append(pd.DataFrame({"zone": code, "zone_name": name, "month": ms, "dju": np.round(dju, 1),
                                  "days_observed": days, "days_in_month": days, "method": "meteo",
                                  "source": DJU_SOURCE}))
    return pd.concat(rows, ignore_index=True)


def residences(quartiers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A few fictional residences per quartier (`quartiers`: code, commune)."""
    per_quartier = 2 + rng.poisson(2.0, len(quartiers))
    q = np.repeat(np.arange(len(quartiers)), per_quartier)
    n = len(q)
    dwellings = np.clip(np.rint(rng.lognormal(np.log(55), 0.7, n)), 4, 400).astype(int)
    small = rng.random(n) < 0.08
    dwellings[small] = rng.integers(4, 10, int(small.sum()))
    heating = rng.choice(HEATINGS, n, p=[0.4, 0.35, 0.25])
    dpe = rng.choice(list(_DPE_FACTOR) + [None], n, p=[0.02, 0.05, 0.13, 0.3, 0.28, 0.13, 0.06, 0.03])
    ids = [f"DEMO-R{i + 1:04d}" for i in range(n)]
    names = [f"Résidence {_NAMES[i % len(_NAMES)]}" + ("" if i < len(_NAMES) else f" {i // len(_NAMES) + 1}")
             for i in range(n)]
    frame = pd.DataFrame({"id": ids, "name": names, "landlord": rng.choice(LANDLORDS, n),
                          "quartier": quartiers["code"].to_numpy()[q], "commune": quartiers["commune"].to_numpy()[q],
                          "dwellings": dwellings, "heating": heating, "dpe": dpe})
    for rid, (d, h, e) in _PLANTED_TRAITS.items():
        if rid in set(frame["id"]):
            frame.loc[frame["id"] == rid, ["dwellings", "heating", "dpe"]] = [d, h, e]
    return frame


def consumption(res: pd.DataFrame, dju: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly kWh of every residence and energy (electricity for all, gas for gas and collective heating)."""
    ms = months()
    days = _days(ms)
    zone_of = list(res["zone"])
    table = dju.pivot(index="zone", columns="month", values="dju")[ms]
    frames = []
    n = len(res)
    dpe = res["dpe"].map(_DPE_FACTOR).fillna(1.0).to_numpy()
    heating = res["heating"].to_numpy()
    trend = 0.995 ** (np.array([d.year for d in ms]) - 2016)
    for energy in ("electricite", "gaz"):
        if energy == "electricite":
            base = rng.lognormal(np.log(6.5), 0.2, n)
            k = np.where(heating == "electrique_individuel", 2.4 * dpe, 0.12) * rng.lognormal(0, 0.2, n)
            has = np.ones(n, dtype=bool)
        else:
            base = np.where(heating == "collectif", 5.5, 4.5) * rng.lognormal(0, 0.2, n)
            k = 4.8 * dpe * rng.lognormal(0, 0.2, n)
            has = heating != "electrique_individuel"
        zone_dju = table.reindex(zone_of).to_numpy()
        per_dwelling = (base[:, None] * days[None, :] + k[:, None] * zone_dju) * trend[None, :]
        per_dwelling *= rng.lognormal(0, 0.04, per_dwelling.shape)
        per_dwelling *= _planted_factors(res["id"].to_numpy(), energy, ms)
        kwh = np.round(per_dwelling * res["dwellings"].to_numpy()[:, None], 0)
        points = np.where(heating == "collectif", 1, np.maximum(1, np.rint(0.96 * res["dwellings"].to_numpy())))
        if energy == "electricite":
            points = np.maximum(1, np.rint(0.97 * res["dwellings"].to_numpy()))
        rows = np.flatnonzero(has)
        frames.append(pd.DataFrame({
            "residence": np.repeat(res["id"].to_numpy()[rows], len(ms)), "energy": energy,
            "period": np.tile([d.strftime("%Y-%m") for d in ms], len(rows)),
            "period_start": np.tile(np.array(ms, dtype="datetime64[D]"), len(rows)),
            "kwh": kwh[rows].ravel(), "delivery_points": np.repeat(points[rows], len(ms)).astype(np.int32),
            "is_estimated": rng.random(len(rows) * len(ms)) < 0.01}))
    return pd.concat(frames, ignore_index=True)


def _planted_factors(ids: np.ndarray, energy: str, ms: list[date]) -> np.ndarray:
    factors = np.ones((len(ids), len(ms)))
    for p in PLANTED:
        if p.energy != energy:
            continue
        rows = np.flatnonzero(ids == p.residence)
        cols = [j for j, d in enumerate(ms) if d >= p.start and (p.end is None or d <= p.end)]
        factors[np.ix_(rows, cols)] *= p.factor
    return factors


def weather_by_month(weather: np.ndarray) -> dict[tuple[int, int], float]:
    """The demo series' winter anomalies (one per month of 2018-2025) keyed by (year, month)."""
    return {(2018 + i // 12, i % 12 + 1): float(w) for i, w in enumerate(weather)}


def write_energy(cur: duckdb.DuckDBPyConnection, batch: int, weather: np.ndarray, seed: int) -> dict[str, int]:
    """Write the demo's residences, consumption, degree days and prices under the demo batch (in the
    caller's transaction, after the territories)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 14]))
    regions = cur.execute("SELECT code, name FROM territory WHERE level = 'region' ORDER BY code").fetchall()
    quartiers = cur.execute("""
        WITH zone AS (SELECT q.child AS quartier, min(d.parent) AS region
                      FROM territory_link q JOIN territory_link c ON c.child = q.parent
                      JOIN territory_link d ON d.child = c.parent
                      JOIN territory t ON t.code = d.parent AND t.level = 'region'
                      WHERE q.rank = 1 GROUP BY q.child)
        SELECT t.code, l.parent AS commune, z.region AS zone FROM territory t
        JOIN territory_link l ON l.child = t.code AND l.rank = 1
        LEFT JOIN zone z ON z.quartier = t.code
        WHERE t.level = 'quartier' ORDER BY t.code""").df()
    dju = degree_days([c for c, _ in regions], [n for _, n in regions], weather_by_month(weather), rng)
    res = residences(quartiers, rng)
    res["zone"] = quartiers.set_index("code").loc[res["quartier"], "zone"].to_numpy()
    use = consumption(res, dju, rng)
    out = {}
    for table, frame in (("residence", res.drop(columns="zone")), ("energy_use", use), ("degree_days", dju)):
        cur.register("demo_energy", frame.assign(batch_id=batch))
        cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM demo_energy")
        cur.unregister("demo_energy")
        out[table] = len(frame)
    out["energy_price"] = prices.write_prices(cur, prices.DEFAULT_PRICES, batch)
    return out
