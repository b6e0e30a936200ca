"""Deterministic generator of the fictional demo workspace: territories, maps and observations."""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dq_core.errors import DQError
from dq_core.store import catalogue, db
from dq_core.store.catalogue import DEMO_CATALOGUE, Indicator

# ---------------------------------------------------------------------------------------------------
# Scales and calendar
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    regions: int
    departements: int
    communes: int
    quartiers: int
    epci: int
    max_per_commune: int     # quartiers of the biggest city
    spanning: int            # quartiers lying across two communes
    grid_order: int          # the map is a Hilbert grid of 2**order cells a side
    fiscal_secret: int       # smallest quartiers whose Filosofi figures are secret some years
    perimeter_breaks: int    # quartiers whose perimeter changed mid-series
    max_commune_pop: int


SCALES = {
    "regional": Scale(2, 5, 32, 78, 13, 8, 2, 3, 2, 2, 300_000),
    "national": Scale(13, 96, 1000, 1600, 400, 30, 24, 5, 16, 8, 900_000),
}

YEARS = np.arange(2014, 2026)
REF_YEAR = 2021            # latent levels are those of this year; trends run around it
REF = int(np.flatnonzero(YEARS == REF_YEAR)[0])
MONTHS = [(y, m) for y in range(2018, 2026) for m in range(1, 13) if (y, m) <= (2025, 9)]
PROVISIONAL_MONTHS = 3     # the last months of the energy series are provisional
FRANCE_POP = 66_200_000
GAP_SHARE = 0.025          # share of quartier and commune cells randomly missing

# Where each source has data (inclusive years): what a user sees in the real files.
RP = (2014, 2022)
COVERAGE: dict[str, tuple[int, int]] = {
    **{i: RP for i in (
        "pop_totale", "part_moins_25", "part_60_plus", "indice_jeunesse", "part_etrangers",
        "part_familles_monoparentales", "part_menages_1pers", "part_grands_menages", "taux_emploi",
        "taux_emploi_femmes", "taux_chomage", "part_emplois_precaires", "part_jeunes_neet",
        "part_sans_diplome", "taux_scolarisation_18_24", "part_menages_sans_voiture", "part_actifs_tc",
        "part_actifs_hors_commune", "distance_travail_mediane", "part_locataires", "part_suroccupation")},
    **{i: (2014, 2021) for i in (
        "taux_pauvrete", "revenu_median_uc", "rapport_interdecile", "part_prestations_revenu")},
    **{i: (2014, 2025) for i in (
        "allocataires_caf", "part_couverts_rsa", "part_alloc_dependants", "demandeurs_emploi_abc",
        "part_de_longue_duree", "part_de_moins_26", "taux_reussite_dnb", "part_logements_sociaux",
        "taux_vacance_social", "taux_rotation_social", "loyer_moyen_social")},
    **{i: (2015, 2024) for i in ("part_retard_6e", "part_college_rep")},
    **{i: (2016, 2024) for i in (
        "part_c2s", "medecins_pour_10000", "part_sans_medecin_traitant", "part_recours_dentiste",
        "part_ald")},
    "temps_acces_centre": (2019, 2025),
    "conso_elec_logement": (2018, 2024),
    "conso_gaz_logement": (2018, 2024),
    "part_dpe_fg": (2021, 2025),
    "part_precarite_energetique": (2016, 2022),
}
SKIPPED_YEARS = {"taux_reussite_dnb": {2020}}   # the 2020 brevet was awarded without exams
PROVISIONAL = {i: {2025} for i in (
    "allocataires_caf", "part_couverts_rsa", "part_alloc_dependants", "demandeurs_emploi_abc",
    "part_de_longue_duree", "part_de_moins_26")}
ESTIMATED = {"part_precarite_energetique"}       # Géodip is a model, not a count
FISCAL = ("taux_pauvrete", "revenu_median_uc", "rapport_interdecile", "part_prestations_revenu")

NOTE_C2S = ("La Complémentaire santé solidaire remplace la CMU-C et l'ACS en novembre 2019 : série non "
            "comparable avant 2020.")
NOTE_STMT = ("Rupture fictive de démonstration : changement de méthode de localisation des demandeurs "
             "d'emploi en 2018, série non comparable avant.")
NOTE_PERIMETER = ("Périmètre du quartier modifié en {year} : les valeurs antérieures portent sur l'ancien "
                  "périmètre et ne sont pas comparables.")
BREAKS = {"part_c2s": (2020, NOTE_C2S), "demandeurs_emploi_abc": (2018, NOTE_STMT),
          "part_de_longue_duree": (2018, NOTE_STMT), "part_de_moins_26": (2018, NOTE_STMT)}


# ---------------------------------------------------------------------------------------------------
# Names: every word below is invented, so that no real place carries made-up figures
# ---------------------------------------------------------------------------------------------------

_PREFIXES = ["Ker", "Plou", "Lan", "Tré", "Pen", "Mor", "Loc", "Guer", "Quin", "Bré", "Ros", "Val",
             "Mon", "Ver", "Cor", "Sau", "Bel", "Mar", "Vil", "Fon", "Aur", "Char", "Bran", "Gor",
             "Sar", "Orv", "Ven", "Dour", "Cam", "Sal", "Lor", "Jus", "Neu", "Ber", "Chal", "Riv"]
_ENDINGS = ["vanec", "drivel", "sélan", "quivet", "tanic", "rouvel", "baudec", "lorvan", "stival",
            "mazel", "gonnec", "villac", "brenouët", "faulay", "ternic", "mélou", "sorgan", "quenec",
            "vézan", "landrec", "nouzel", "brigan", "tholec", "rozac", "gavrin", "pellic", "daniou"]
_RIVERS = ["Lise", "Vrenne", "Orbelle", "Sauvène", "Ardise", "Morvelle", "Quinelle", "Aubrette",
           "Lorgue", "Brivaine", "Escaude", "Vézenne", "Salvaise", "Odrenne"]
_PAYS = ["Arvenne", "Morlande", "Brenois", "Quévraz", "Salvène", "Lisois", "Orbellois", "Ardinois"]
_SAINTS = ["Aubrin", "Gwenoc", "Mérel", "Tudan", "Brévan", "Ivel", "Loën", "Sulvin", "Ardoin", "Hervel"]
_PLURALS = ["Grèves", "Landes", "Bruyères", "Prés", "Marais", "Sables", "Vignes", "Forges"]
_QUARTIER_NAMES = [
    "Les Glycines", "Le Plateau des Landes", "Bellevue", "Les Tilleuls", "Centre-Ville", "La Croix-Verte",
    "Les Acacias", "Les Peupliers", "Le Bois-Fleuri", "La Grande Prairie", "Les Chênes", "Les Hortensias",
    "Le Moulin-Neuf", "Les Sablons", "La Butte", "Les Coteaux", "Le Val-Fleuri", "La Roseraie",
    "Les Mimosas", "Les Bruyères", "Beaulieu", "Le Petit-Bois", "Les Lilas", "La Source", "Champ-Fleuri",
    "Les Rives", "Les Fontaines", "La Gare", "Les Quatre-Vents", "Les Grands-Champs", "Les Érables",
    "Les Charmilles", "Le Parc", "Les Forges", "Les Mouettes", "La Découverte", "Les Terres-Neuves",
    "Le Carrousel", "Les Jardins", "Le Château-d'Eau", "La Fontaine-Blanche", "Les Vergers",
    "Saint-Exupéry", "Les Genêts", "Les Ajoncs", "Le Belvédère", "Les Marronniers", "Le Haut-Pont",
    "Jean-Moulin", "Pablo-Picasso", "Les Camélias", "La Pommeraie", "Le Clos-Fleuri", "Les Pins",
    "La Vigne-Blanche", "Les Hameaux", "Le Stade", "Les Écrivains", "Les Musiciens", "Le Pré-Vert",
    "Les Horizons", "Le Grand-Pré", "Les Cèdres", "La Lande-Haute", "Les Platanes", "Le Mail",
    "Les Rochers", "La Fraternité", "Le Pont-Rouge", "Les Sorbiers", "La Prairie-Basse", "Les Alizés"]
_REGIONS = ["Région Océane", "Région des Marches-de-Lise", "Région Armor-Sauvène",
            "Région des Hautes-Terres", "Région Val-d'Orbelle", "Région Grand-Large",
            "Région Vrenne-et-Ardise", "Région Nord-Morvelle", "Région Pays-de-Quinelle",
            "Région Brenois-Escaude", "Région Aubrette-Atlantique", "Région des Trois-Caps",
            "Région Salvaise-Odrenne"]
_DEPARTEMENTS = ["Lise-et-Vrenne", "Côtes-d'Orbelle", "Haute-Sauvène", "Monts-d'Ardise",
                 "Morvelle-Atlantique"]


def _de(word: str, joiner: str = "-") -> str:
    """French elision: « d'Orbelle » but « de-Lise » (in a place name) or « de Lise » (in a sentence)."""
    return f"d'{word}" if word[0] in "AEIOUÉÈ" else f"de{joiner}{word}"


def _departement_names(n: int, rng: np.random.Generator) -> list[str]:
    """The five regional names first, then invented combinations of invented rivers."""
    names = list(_DEPARTEMENTS)
    forms = [lambda a, b: f"{a}-et-{b}", lambda a, b: f"Haute-{a}", lambda a, b: f"Côtes-{_de(a)}",
             lambda a, b: f"Val-{_de(a)}", lambda a, b: f"Monts-{_de(a)}", lambda a, b: f"{a}-Atlantique",
             lambda a, b: f"Basse-{a}", lambda a, b: f"Marches-{_de(a)}", lambda a, b: f"{a}-Maritime"]
    seen = set(names)
    while len(names) < n:
        a, b = rng.choice(len(_RIVERS), 2, replace=False)
        name = forms[int(rng.integers(len(forms)))](_RIVERS[a], _RIVERS[b])
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names[:n]


def _commune_names(n: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """(full name, stem) pairs, unique: an invented stem always joined to an invented river, pays or
    saint, prefixes and endings drawn in turn so that neighbours rarely share a syllable."""
    prefixes = [_PREFIXES[i] for i in rng.permutation(len(_PREFIXES))]
    endings = [_ENDINGS[i] for i in rng.permutation(len(_ENDINGS))]
    names: list[tuple[str, str]] = []
    seen: set[str] = set()
    k = 0
    while len(names) < n:
        prefix = prefixes[k % len(prefixes)]
        ending = endings[(k + k // len(endings)) % len(endings)]
        k += 1
        if prefix[-1] == ending[0]:
            continue
        stem = prefix + ending
        form = rng.random()
        if form < 0.10:
            full = f"Le {stem}-sur-{_RIVERS[int(rng.integers(len(_RIVERS)))]}"
        elif form < 0.40:
            full = f"{stem}-sur-{_RIVERS[int(rng.integers(len(_RIVERS)))]}"
        elif form < 0.58:
            full = f"{stem}-en-{_PAYS[int(rng.integers(len(_PAYS)))]}"
        elif form < 0.75:
            full = f"Saint-{_SAINTS[int(rng.integers(len(_SAINTS)))]}-{_de(stem)}"
        else:
            full = f"{stem}-les-{_PLURALS[int(rng.integers(len(_PLURALS)))]}"
        if full not in seen:
            seen.add(full)
            names.append((full, stem))
    return names


def _quartier_names(n: int, rng: np.random.Generator) -> list[str]:
    """`n` names unique within one commune, typical of priority neighbourhoods."""
    pool = [_QUARTIER_NAMES[i] for i in rng.permutation(len(_QUARTIER_NAMES))]
    names: list[str] = []
    k = 0
    while len(names) < n:
        if rng.random() < 0.2 and k + 1 < len(pool):
            name = f"{pool[k]} – {pool[k + 1]}"      # two neighbourhoods joined into one quartier
            k += 2
        elif k < len(pool):
            name = pool[k]
            k += 1
        else:
            name = f"{pool[len(names) % len(pool)]} {len(names) + 1 - len(pool)}"
        if name not in names:
            names.append(name)
    return names


def _epci_name(main: str, stem: str, pop: float, metropole: bool, taken: set[str]) -> str:
    if metropole:
        candidates = [f"{main} Métropole", f"Métropole {_de(main, ' ')}"]
    elif pop >= 60_000:
        candidates = [f"{main} Agglomération", f"Communauté d'agglomération {_de(main, ' ')}"]
    else:
        candidates = [f"Communauté de communes du Pays {_de(stem, ' ')}",
                      f"Communauté de communes {_de(main, ' ')}"]
    for name in candidates:
        if name not in taken:
            return name
    return f"{candidates[0]} ({len(taken) + 1})"


# ---------------------------------------------------------------------------------------------------
# Structure: regions > départements > EPCI > communes > quartiers
# ---------------------------------------------------------------------------------------------------


def _allocate(total: int, weights: np.ndarray, lo: int | np.ndarray, hi: int | np.ndarray) -> np.ndarray:
    """Integers in [lo, hi] summing to `total`, close to proportional to `weights`."""
    target = total * weights / weights.sum()
    out = np.broadcast_to(np.asarray(lo, dtype=np.int64), weights.shape).copy()
    while out.sum() < total:
        gap = np.where(out < hi, target - out, -np.inf)
        out[int(np.argmax(gap))] += 1
    return out


def _hilbert_xy(order: int, d: int) -> tuple[int, int]:
    """Cell of rank `d` along a Hilbert curve: consecutive runs of cells form compact blocks."""
    x = y = 0
    s, t = 1, d
    while s < (1 << order):
        rx = 1 & (t // 2)
        ry = 1 & (t ^ rx)
        if ry == 0:
            if rx == 1:
                x, y = s - 1 - x, s - 1 - y
            x, y = y, x
        x += s * rx
        y += s * ry
        t //= 4
        s *= 2
    return x, y


@dataclass
class Structure:
    cells: np.ndarray              # (nc, 2) grid cell of each commune
    commune_dept: np.ndarray       # (nc,) département index
    commune_epci: np.ndarray       # (nc,) EPCI index
    epci_dept: np.ndarray          # (ne,)
    dept_region: np.ndarray        # (nd,)
    quartier_commune: np.ndarray   # (nq,) main commune
    second_commune: np.ndarray     # (nq,) other commune or -1
    main_share: np.ndarray         # (nq,) share of the quartier's people in its main commune
    status: np.ndarray             # (nq,) 2024 code letter: M modified, I unchanged, N new
    break_year: np.ndarray         # (nq,) year the perimeter changed, 0 if it did not
    break_factor: np.ndarray       # (nq,) population of the old perimeter relative to the new one


def _structure(sc: Scale, rng: np.random.Generator) -> Structure:
    nc, nd = sc.communes, sc.departements
    offset = ((1 << 2 * sc.grid_order) - nc) * 5 // 16     # off-centre run: a less square outline
    cells = np.array([_hilbert_xy(sc.grid_order, offset + k) for k in range(nc)])
    if sc.regions == 2:
        dept_per_region = np.array([2, 3])
    else:
        dept_per_region = _allocate(nd, rng.gamma(4.0, size=sc.regions), 4, 13)
    dept_region = np.repeat(np.arange(sc.regions), dept_per_region)
    communes_per_dept = _allocate(nc, rng.gamma(3.0, size=nd), 3, 99)
    commune_dept = np.repeat(np.arange(nd), communes_per_dept)
    epci_per_dept = _allocate(sc.epci, communes_per_dept.astype(float), 1, 99)
    commune_epci = np.empty(nc, dtype=np.int64)
    epci_dept = np.repeat(np.arange(nd), epci_per_dept)
    start, e0 = 0, 0
    for d in range(nd):
        n, k = int(communes_per_dept[d]), int(epci_per_dept[d])
        sizes = _allocate(n, rng.gamma(1.5, size=k), 1, n)
        commune_epci[start:start + n] = e0 + np.repeat(np.arange(k), sizes)
        start, e0 = start + n, e0 + k
    # Quartier codes number them within their département on two digits: at most 99 per département.
    per_dept = _allocate(sc.quartiers, communes_per_dept * rng.gamma(3.0, size=nd), communes_per_dept,
                         np.minimum(99, communes_per_dept * sc.max_per_commune))
    weights = rng.pareto(2.0, size=nc) + 0.03
    per_commune = np.concatenate([_allocate(int(per_dept[d]), weights[commune_dept == d], 1, sc.max_per_commune)
                                  for d in range(nd)])
    quartier_commune = np.repeat(np.arange(nc), per_commune)
    second = np.full(sc.quartiers, -1)
    share = np.ones(sc.quartiers)
    for a, b in _spanning_pairs(sc, cells, commune_epci, commune_dept, per_commune, rng):
        q = int(np.flatnonzero(quartier_commune == a)[-1])
        second[q] = b
        share[q] = rng.uniform(0.6, 0.8)
    status = rng.choice(np.array(["M", "I", "N"]), size=sc.quartiers, p=[0.75, 0.2, 0.05])
    break_year = np.zeros(sc.quartiers, dtype=np.int64)
    break_factor = np.ones(sc.quartiers)
    movable = np.flatnonzero((second < 0) & (per_commune[quartier_commune] >= 2))
    for q in rng.permutation(movable)[:sc.perimeter_breaks]:
        break_year[q] = rng.integers(2017, 2021)
        break_factor[q] = rng.uniform(0.8, 0.9) if rng.random() < 0.5 else rng.uniform(1.1, 1.2)
        status[q] = "M"
    return Structure(cells, commune_dept, commune_epci, epci_dept, dept_region, quartier_commune,
                     second, share, status, break_year, break_factor)


def _spanning_pairs(sc: Scale, cells: np.ndarray, commune_epci: np.ndarray, commune_dept: np.ndarray,
                    per_commune: np.ndarray, rng: np.random.Generator) -> list[tuple[int, int]]:
    """Adjacent communes, preferably of one EPCI and both towns with several quartiers (big enough
    for a quartier across their border to stay a small part of each)."""
    where = {(int(x), int(y)): i for i, (x, y) in enumerate(cells)}
    pairs = []
    for i, (x, y) in enumerate(cells):
        for dx, dy in ((1, 0), (0, 1)):
            j = where.get((int(x) + dx, int(y) + dy))
            if j is not None and commune_dept[i] == commune_dept[j]:
                same_epci = int(commune_epci[i] == commune_epci[j])
                size = min(int(per_commune[i]), int(per_commune[j]), 3)
                pairs.append((-size, -same_epci, float(rng.random()), i, j))
    chosen: list[tuple[int, int]] = []
    used: set[int] = set()
    for *_, i, j in sorted(pairs):
        if len(chosen) == sc.spanning:
            break
        if i not in used and j not in used:
            chosen.append((i, j) if per_commune[i] >= per_commune[j] else (j, i))
            used.update((i, j))
    return sorted(chosen)


# ---------------------------------------------------------------------------------------------------
# Geometry: a jittered grid in the open Atlantic (no invented figure ever sits on a real place)
# ---------------------------------------------------------------------------------------------------

CELL = 0.07               # cell side, in degrees of latitude (about 8 km)
CENTRE = (-7.6, 46.0)     # lon, lat of the map centre: ~250 km off the coast, far from any island
COS_LAT = math.cos(math.radians(CENTRE[1]))


@dataclass
class Lattice:
    corners: np.ndarray    # (n+1, n+1, 2) planar corners; x is longitude scaled by cos(latitude)
    h_edges: np.ndarray    # (n, n+1, 2, 2) two inner points of each horizontal edge
    v_edges: np.ndarray    # (n+1, n, 2, 2) two inner points of each vertical edge


def _lattice(order: int, rng: np.random.Generator) -> Lattice:
    n = 1 << order
    ii, jj = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    corners = np.stack([ii, jj], axis=-1) * CELL + rng.uniform(-0.2, 0.2, (n + 1, n + 1, 2)) * CELL
    h = np.empty((n, n + 1, 2, 2))
    v = np.empty((n + 1, n, 2, 2))
    for k, t in enumerate((1 / 3, 2 / 3)):
        h[:, :, k] = corners[:-1, :, :] * (1 - t) + corners[1:, :, :] * t
        v[:, :, k] = corners[:, :-1, :] * (1 - t) + corners[:, 1:, :] * t
    h[..., 1] += rng.uniform(-0.1, 0.1, (n, n + 1, 2)) * CELL    # wiggle across the edge
    v[..., 0] += rng.uniform(-0.1, 0.1, (n + 1, n, 2)) * CELL
    return Lattice(corners, h, v)


def _cell_ring(lat: Lattice, i: int, j: int) -> np.ndarray:
    """The 12 vertices of cell (i, j), counter-clockwise; neighbours share edges exactly."""
    c = lat.corners
    return np.array([c[i, j], *lat.h_edges[i, j], c[i + 1, j], *lat.v_edges[i + 1, j],
                     c[i + 1, j + 1], *lat.h_edges[i, j + 1][::-1], c[i, j + 1], *lat.v_edges[i, j][::-1]])


def _shared_edge(lat: Lattice, a: tuple[int, int], b: tuple[int, int]) -> np.ndarray:
    """The 4-point polyline the two adjacent cells have in common."""
    (ia, ja), (ib, jb) = a, b
    if ja == jb:
        i = max(ia, ib)
        return np.array([lat.corners[i, ja], *lat.v_edges[i, ja], lat.corners[i, ja + 1]])
    j = max(ja, jb)
    return np.array([lat.corners[ia, j], *lat.h_edges[ia, j], lat.corners[ia + 1, j]])


def _seg_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each point (m, 2) to its nearest segment a[k]-b[k] (k segments)."""
    ab = b - a
    ap = points[:, None, :] - a[None, :, :]
    t = np.clip((ap * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-18), 0, 1)
    d = ap - t[..., None] * ab[None]
    return np.sqrt((d * d).sum(-1)).min(axis=1)


def _inside(points: np.ndarray, ring: np.ndarray) -> np.ndarray:
    x1, y1 = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    px, py = points[:, :1], points[:, 1:]
    crosses = (y1 > py) != (y2 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
    return ((crosses & (px < xs)).sum(axis=1) % 2) == 1


def _star(centre: np.ndarray, radius: float, rng: np.random.Generator) -> np.ndarray:
    """An irregular star-shaped polygon of 8 to 14 vertices within `radius` of `centre`."""
    n = int(rng.integers(8, 15))
    angles = (np.arange(n) + rng.uniform(-0.3, 0.3, n)) * 2 * np.pi / n + rng.uniform(0, 2 * np.pi)
    radii = radius * rng.uniform(0.62, 1.0, n)
    return centre + np.stack([np.cos(angles), np.sin(angles)], axis=1) * radii[:, None]


MARGIN = 0.0012    # gap kept between a quartier and its commune's outline (about 130 m)
GAP = 0.0015       # gap kept between two quartiers


def _place(ring: np.ndarray, radius: float, placed: list[tuple[np.ndarray, float]],
           rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """A centre whose disc of `radius` lies inside `ring` and clear of the discs already placed."""
    a, b = ring, np.roll(ring, -1, axis=0)
    lo, hi = ring.min(axis=0), ring.max(axis=0)
    while True:
        for _ in range(30):
            cand = lo + rng.random((64, 2)) * (hi - lo)
            ok = _inside(cand, ring) & (_seg_distance(cand, a, b) >= radius + MARGIN)
            for centre, r in placed:
                ok &= np.hypot(*(cand - centre).T) >= radius + r + GAP
            if ok.any():
                return cand[int(np.argmax(ok))], radius
        radius *= 0.85


@dataclass
class Geometry:
    commune_rings: list[np.ndarray]
    commune_points: np.ndarray           # (nc, 2) planar
    quartier_rings: list[np.ndarray]
    quartier_points: np.ndarray          # (nq, 2) planar


def _geometry(sc: Scale, st: Structure, pop: np.ndarray, rng: np.random.Generator) -> Geometry:
    lat = _lattice(sc.grid_order, rng)
    rings = [_cell_ring(lat, int(i), int(j)) for i, j in st.cells]
    # Centre the drawn cells on CENTRE (in planar units: x = lon * cos(lat)).
    allpts = np.concatenate(rings)
    shift = np.array([CENTRE[0] * COS_LAT, CENTRE[1]]) - (allpts.min(0) + allpts.max(0)) / 2
    rings = [r + shift for r in rings]
    points = np.array([r[[0, 3, 6, 9]].mean(axis=0) for r in rings])
    nq = len(st.quartier_commune)
    radius = 0.0018 + 0.000105 * np.sqrt(pop)
    for c in range(len(rings)):     # crowded cities get smaller drawings, never overlapping ones
        mine = (st.quartier_commune == c) | (st.second_commune == c)
        x, y = rings[c].T
        area = 0.5 * abs((x * np.roll(y, -1) - np.roll(x, -1) * y).sum())
        need = np.pi * (radius[mine] ** 2).sum()
        if need > 0.2 * area:
            radius[mine] *= math.sqrt(0.2 * area / need)
    placed: list[list[tuple[np.ndarray, float]]] = [[] for _ in rings]
    centres = np.zeros((nq, 2))
    radii = np.zeros(nq)
    for q in np.flatnonzero(st.second_commune >= 0):
        a, b = int(st.quartier_commune[q]), int(st.second_commune[q])
        edge = _shared_edge(lat, tuple(st.cells[a]), tuple(st.cells[b])) + shift
        centre = (edge[1] + edge[2]) / 2
        starts = np.concatenate([rings[a], rings[b]])
        ends = np.concatenate([np.roll(rings[a], -1, axis=0), np.roll(rings[b], -1, axis=0)])
        # The disc may cross the shared edge, never another side of either commune.
        keep = ~np.array([_on_polyline(p, r, edge) for p, r in zip(starts, ends, strict=True)])
        room = _seg_distance(centre[None], starts[keep], ends[keep])[0] - MARGIN
        centres[q], radii[q] = centre, min(radius[q], 0.8 * room)
        placed[a].append((centre, radii[q]))
        placed[b].append((centre, radii[q]))
    for q in np.argsort(-radius, kind="stable"):
        if st.second_commune[q] >= 0:
            continue
        c = int(st.quartier_commune[q])
        centres[q], radii[q] = _place(rings[c], radius[q], placed[c], rng)
        placed[c].append((centres[q], radii[q]))
    quartier_rings = [_star(centres[q], radii[q], rng) for q in range(nq)]
    return Geometry(rings, points, quartier_rings, centres)


def _on_polyline(a: np.ndarray, b: np.ndarray, line: np.ndarray) -> bool:
    """True when segment a-b is one of the segments of `line` (either direction)."""
    for p, q in zip(line[:-1], line[1:], strict=True):
        if (np.allclose(a, p) and np.allclose(b, q)) or (np.allclose(a, q) and np.allclose(b, p)):
            return True
    return False


def _lonlat(points: np.ndarray) -> np.ndarray:
    return np.round(np.stack([points[:, 0] / COS_LAT, points[:, 1]], axis=1), 5)


def _geojson(ring: np.ndarray) -> str:
    coords = _lonlat(ring).tolist()
    return json.dumps({"type": "Polygon", "coordinates": [coords + [coords[0]]]}, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------------
# People: "atoms" (each quartier, and the non-QPV rest of each area) with latent profiles, so that
# every figure of a territory is the sum of its atoms and indicators correlate as they do in reality
# ---------------------------------------------------------------------------------------------------

Q, C_REST, E_REST, D_REST, F_REST = range(5)


@dataclass
class Atoms:
    kind: np.ndarray      # (A,) Q, C_REST, E_REST, D_REST or F_REST
    z: np.ndarray         # deprivation: 0 = France, about 1 = a typical quartier
    y: np.ndarray         # youth of the age pyramid, same scale
    u: np.ndarray         # urban density: 0 rural .. 1 big-city centre
    pop: np.ndarray       # (A, Y) population by year
    gas: np.ndarray       # (A,) share of dwellings on the gas network (0: no network)
    transit: np.ndarray   # (A,) served by a transit network


@dataclass
class Layout:
    nq: int
    nc: int
    ne: int
    nd: int
    nr: int

    @property
    def atoms(self) -> int:
        return self.nq + self.nc + self.ne + self.nd + 1

    @property
    def territories(self) -> int:
        """Quartiers, communes, EPCI, départements, régions, France and the ensemble."""
        return self.nq + self.nc + self.ne + self.nd + self.nr + 2

    def start(self, kind: int) -> int:
        return [0, self.nq, self.nq + self.nc, self.nq + self.nc + self.ne, self.atoms - 1][kind]


def _add_shares(values: np.ndarray, st: Structure, nc: int) -> np.ndarray:
    """Per-commune sums of quartier values, a two-commune quartier split by its shares."""
    out = np.zeros((nc,) + values.shape[1:])
    share = st.main_share.reshape((-1,) + (1,) * (values.ndim - 1))
    np.add.at(out, st.quartier_commune, values * share)
    two = st.second_commune >= 0
    np.add.at(out, st.second_commune[two], values[two] * (1 - share[two]))
    return out


def _populations(sc: Scale, st: Structure, lay: Layout, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(atom populations in REF_YEAR, commune populations)."""
    nq, nc, ne, nd = lay.nq, lay.nc, lay.ne, lay.nd
    per_commune = np.bincount(st.quartier_commune, minlength=nc)
    qpop = np.exp(rng.normal(np.log(2900), 0.6, nq)) * (1 + 0.04 * (per_commune[st.quartier_commune] - 1))
    qpop = np.clip(qpop, 1000, 20000)
    qpv = _add_shares(qpop, st, nc)
    cpop = np.clip(qpv / rng.uniform(0.10, 0.25, nc), 8000, sc.max_commune_pop)
    # Quartiers are at most a quarter of their commune: communes stay far less poor than quartiers.
    shrink = np.minimum(1.0, 0.25 * cpop / qpv)
    qpop = np.maximum(1000, qpop * shrink[st.quartier_commune])
    qpv = _add_shares(qpop, st, nc)
    cpop = np.maximum(cpop, qpv / 0.25)
    epci_pop = np.bincount(st.commune_epci, cpop, ne)
    epci_rest = epci_pop * rng.uniform(0.15, 0.9, ne)
    dept_core = np.bincount(st.epci_dept, epci_pop + epci_rest, nd)
    dept_target = np.clip(np.exp(rng.normal(np.log(650_000), 0.4, nd)), 250_000, 2_600_000)
    dept_rest = np.maximum(dept_target - dept_core, 0.15 * dept_core)
    # The villages and towns without quartiers fill what the fictional France leaves for them.
    room = 0.96 * FRANCE_POP - cpop.sum()
    fit = np.clip(room / (epci_rest.sum() + dept_rest.sum()), 0.2, 1.0)
    epci_rest, dept_rest = epci_rest * fit, dept_rest * fit
    inside = cpop.sum() + epci_rest.sum() + dept_rest.sum()
    france_rest = max(FRANCE_POP - inside, 0.03 * inside)
    return np.concatenate([qpop, cpop - qpv, epci_rest, dept_rest, [france_rest]]), cpop


def _atoms(sc: Scale, st: Structure, lay: Layout, rng: np.random.Generator) -> Atoms:
    nq, nc, ne, nd = lay.nq, lay.nc, lay.ne, lay.nd
    pop_ref, cpop = _populations(sc, st, lay, rng)
    kind = np.repeat([Q, C_REST, E_REST, D_REST, F_REST], [nq, nc, ne, nd, 1])
    growth = np.select([kind == Q, kind == C_REST, kind == E_REST],
                       [rng.normal(-0.002, 0.006, lay.atoms), rng.normal(0.004, 0.004, lay.atoms),
                        rng.normal(0.007, 0.003, lay.atoms)], 0.003)
    pop = pop_ref[:, None] * (1 + growth[:, None]) ** (YEARS - REF_YEAR)[None, :]
    _apply_perimeter_breaks(pop, st, lay)
    # Latent profiles; the deprivation of each commune's rest is set later, from its poverty rate.
    u_c = np.clip((np.log10(cpop) - 3.9) / 1.6, 0.05, 1.0)
    qc = st.quartier_commune
    z_q = np.clip(rng.normal(1.0, 0.27, nq) + 0.1 * (u_c[qc] - 0.5), 0.55, 1.55)
    u_q = np.clip(u_c[qc] + 0.12 + rng.normal(0, 0.05, nq), 0.05, 1.0)
    y_q = np.clip(0.5 * (z_q - 1) + rng.normal(1.0, 0.25, nq), 0.2, 1.8)
    z = np.concatenate([z_q, np.zeros(nc), rng.normal(-0.12, 0.08, ne), rng.normal(-0.05, 0.06, nd), [0]])
    y = np.concatenate([y_q, rng.normal(-0.05, 0.12, nc) + 0.1 * (u_c - 0.5), rng.normal(-0.1, 0.1, ne),
                        rng.normal(-0.15, 0.1, nd), [0]])
    u = np.concatenate([u_q, u_c - 0.05, np.full(ne, 0.25), np.full(nd, 0.12), [0.5]])
    gas = np.concatenate([rng.uniform(0.35, 0.85, nq), rng.uniform(0.25, 0.55, lay.atoms - nq - 1), [0.37]])
    gas[rng.permutation(nq)[:max(1, round(0.1 * nq))]] = 0.0      # no gas network in these quartiers
    transit = np.concatenate([cpop[qc] >= 15_000, cpop >= 15_000, np.ones(ne + nd + 1, bool)])
    return Atoms(kind, z, y, u, pop, gas, transit)


def _apply_perimeter_breaks(pop: np.ndarray, st: Structure, lay: Layout) -> None:
    """Before the change the quartier was smaller or larger; its commune's rest makes up the difference."""
    for q in np.flatnonzero(st.break_year > 0):
        before = YEARS < st.break_year[q]
        factor = st.break_factor[q]
        rest = lay.start(C_REST) + st.quartier_commune[q]
        pop[rest, before] += (1 - factor) * pop[q, before]
        pop[q, before] *= factor


# ---------------------------------------------------------------------------------------------------
# Indicator models: value = France level + effects of the latent profile + noise, then trends
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    fr: float                   # France, REF_YEAR
    dz: float                   # added per unit of deprivation (a typical quartier is z = 1)
    dy: float                   # added per unit of youth
    du: float                   # added per unit of urban density above 0.5
    sd: float                   # spread between quartiers
    lo: float
    hi: float
    den: str                    # denominator, see _denominators
    shape: str | None = None    # trend, see SHAPES
    amp: float = 0.0            # trends are (1 + amp * z) times larger in deprived places
    per: float = 100.0          # value = per * numerator / denominator
    mult: bool = False          # the shape multiplies the level instead of adding to it
    qrange: tuple[float, float] | None = None   # bounds for quartiers


def _rel(values: list[float]) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr - arr[REF]


def _lin(slope: float) -> np.ndarray:
    return slope * (YEARS - REF_YEAR).astype(float)


SHAPES: dict[str, np.ndarray] = {
    "poverty": _lin(0.05), "ageing": _lin(0.4), "younger": _lin(-0.1), "foreign": _lin(0.15),
    "up25": _lin(0.25), "up30": _lin(0.3), "down02": _lin(-0.02), "up05": _lin(0.05), "up10": _lin(0.1),
    "up20": _lin(0.2), "up35": _lin(0.35), "up40": _lin(0.4), "down10": _lin(-0.1), "down12": _lin(-0.12),
    "down25": _lin(-0.25), "down30": _lin(-0.3), "down50": _lin(-0.5), "down60": _lin(-0.6), "flat": _lin(0),
    "prestations": _rel([5.1, 5.15, 5.2, 5.25, 5.3, 5.35, 6.0, 5.8, 5.45, 5.5, 5.55, 5.6]),
    "rsa": _rel([5.2, 5.4, 5.5, 5.5, 5.5, 5.6, 6.1, 5.9, 5.6, 5.5, 5.4, 5.5]),
    "dependants": _rel([21, 21.3, 21.6, 21.8, 22, 22.2, 23.5, 22.8, 22.2, 22, 21.9, 22]),
    # Job-seekers: down from 2016, Covid rise in 2020, new geolocation in 2018 (+0.4 pt).
    "jobseekers": _rel([11.6, 12.0, 12.1, 11.9, 12.0, 11.6, 12.6, 12.0, 11.3, 11.2, 11.4, 11.7]),
    "long_term": _rel([44, 45.5, 46.5, 47, 46, 45, 46.5, 49, 46, 44, 43, 43.5]),
    "under26": _rel([15, 14.5, 14, 13.5, 13.2, 13, 13.8, 13, 12.8, 12.9, 13.2, 13.5]),
    "neet": _rel([14.5, 14.3, 14.1, 13.9, 13.6, 13.3, 14.0, 13.0, 12.8, 12.7, 12.6, 12.5]),
    "dnb": _rel([85.3, 86.3, 86.8, 87.4, 86.4, 86.5, 87.0, 87.4, 87.5, 86.7, 85.6, 86.1]),
    "c2s": _rel([7.0, 7.0, 7.1, 7.2, 7.3, 7.4, 10.7, 11.0, 11.3, 11.6, 11.9, 12.2]),   # CMU-C, then C2S
    "dentist": _rel([40, 40.3, 40.6, 40.9, 41.2, 41.5, 37.5, 42, 42.3, 42.6, 42.9, 43.2]),
    "vacancy": _rel([3.1, 3.0, 2.9, 2.8, 2.8, 2.7, 2.8, 2.7, 2.5, 2.4, 2.4, 2.5]),
    "dpe": _rel([15, 15, 15, 15, 15, 15, 15, 15, 14.2, 13.4, 11.5, 10.7]),
    "precarity": _rel([12, 11.8, 11.6, 11.4, 11.2, 11.0, 10.8, 11.0, 12.5, 12, 11.8, 11.6]),
    # Multiplicative: rents follow the rent index; energy drops with the 2022-2023 sobriety.
    "rent": np.array([0.915, 0.928, 0.941, 0.953, 0.966, 0.98, 0.99, 1.0, 1.02, 1.05, 1.085, 1.11]),
    "electricity": np.array([1.05, 1.04, 1.04, 1.03, 1.03, 1.02, 1.03, 1.0, 0.93, 0.9, 0.91, 0.905]),
    "gas": np.array([1.1, 1.08, 1.07, 1.06, 1.06, 1.04, 0.97, 1.0, 0.83, 0.8, 0.81, 0.8]),
}

M = Model
MODELS: dict[str, Model] = {
    "part_moins_25": M(29.5, 2, 8.5, 2, 1.5, 15, 55, "pop", "younger"),
    "part_60_plus": M(27, -2, -8, -2, 2.5, 5, 45, "pop", "ageing", -0.5),
    "part_etrangers": M(7.7, 9, 1.5, 4, 3, 0.3, 60, "pop", "foreign", 1),
    "part_familles_monoparentales": M(20, 13, 1.5, 2, 3, 8, 60, "families", "up25"),
    "part_menages_1pers": M(37.5, 4, -6, 10, 4, 12, 70, "households", "up30"),
    "part_grands_menages": M(2, 2, 2.5, 0, 1, 0.2, 16, "households", "down02"),
    "taux_pauvrete": M(14.5, 28.5, 0, 0, 2.5, 3, 70, "fiscal_pop", "poverty", 3, qrange=(30.2, 59.8)),
    "part_prestations_revenu": M(5.5, 11, 1.5, 0, 2, 1, 40, "income", "prestations", 1.5),
    "allocataires_caf": M(46, 19, 4, 3, 4, 20, 92, "households", "up20"),
    "part_couverts_rsa": M(5.6, 11, 1, 1, 2.5, 0.3, 40, "pop", "rsa", 1.5),
    "part_alloc_dependants": M(22, 16, 1, 1, 4, 5, 70, "claimants", "dependants", 1),
    "taux_emploi": M(67, -19, -1, -1, 3, 28, 82, "pop1564", "up35", 0.3),
    "taux_emploi_femmes": M(64, -22, -2, 0, 3.5, 22, 80, "women1564", "up40", 0.3),
    "taux_chomage": M(12.5, 14, 0, 1, 2.5, 3, 45, "active1564", "down25", 0.5),
    "demandeurs_emploi_abc": M(12, 9.5, 0, 1, 2, 3, 40, "pop1564", "jobseekers", 0.6),
    "part_de_longue_duree": M(48, 5, -1, 0, 4, 20, 75, "jobseekers", "long_term", 0.3),
    "part_de_moins_26": M(13, 1, 3, 0, 3, 3, 35, "jobseekers", "under26"),
    "part_emplois_precaires": M(15, 9, 0, 1, 3, 5, 45, "employees", "up10"),
    "part_jeunes_neet": M(13, 14, 0, -1, 3, 3, 50, "pop1625", "neet", 0.5),
    "part_sans_diplome": M(21, 15, -2, -1, 3, 5, 60, "adults", "down60", -0.2),
    "taux_scolarisation_18_24": M(53, -10, 0, 14, 5, 15, 88, "pop1824", "up30"),
    "taux_reussite_dnb": M(87.4, -8, 0, 0, 4, 50, 99.5, "candidates", "dnb", 0.3),
    "part_retard_6e": M(9, 7, 0, 0, 3, 1, 40, "pupils6", "down50", 0.3),
    "part_college_rep": M(20, 45, 0, 10, 14, 0, 99, "pupils", "flat"),
    "part_c2s": M(11, 20, 1, 1, 3.5, 1, 55, "insured", "c2s", 0.8),
    "medecins_pour_10000": M(8.5, -3, 0, 2, 2, 0, 25, "pop", "down12", per=10000.0),
    "part_sans_medecin_traitant": M(11, 5, 0, -2, 3, 3, 35, "insured17", "up35", 0.3),
    "part_recours_dentiste": M(42, -9, 1, 0, 3, 15, 65, "insured", "dentist"),
    "part_ald": M(18, 3.5, -1.5, 0, 2, 8, 35, "insured", "up20"),
    "part_menages_sans_voiture": M(19.5, 17, 0, 16, 5, 2, 78, "households", "down10"),
    "part_actifs_tc": M(15, 7, 0, 14, 4, 0.5, 60, "employed", "up10"),
    "part_actifs_hors_commune": M(65, -8, 0, -32, 6, 12, 93, "employed", "up30"),
    "temps_acces_centre": M(36, -3, 0, -26, 4, 6, 90, "addresses", "down30", per=1.0),
    "part_logements_sociaux": M(16.5, 50, 0, 8, 8, 1, 97, "households", "up10", -0.2, qrange=(25, 97)),
    "part_locataires": M(41, 38, 0, 12, 5, 10, 98, "households", "up05"),
    "part_suroccupation": M(5, 7, 3, 2, 2.5, 0.5, 35, "households", "down02"),
    "taux_vacance_social": M(2.7, 0.8, 0, -1.2, 1.5, 0.1, 15, "social_offered", "vacancy"),
    "taux_rotation_social": M(8.7, 1, 0, -1.5, 2, 2, 25, "social_let", "down25"),
    "loyer_moyen_social": M(6.2, -0.5, 0, 0.9, 0.35, 3.8, 11, "social_area", "rent", per=1.0, mult=True),
    "conso_elec_logement": M(4.6, -0.9, 0.2, -0.6, 0.35, 2, 9, "households", "electricity", per=1.0,
                             mult=True),
    "conso_gaz_logement": M(8.5, -3, 0.3, -0.8, 0.6, 2.5, 15, "gas_dwellings", "gas", per=1.0, mult=True),
    "part_dpe_fg": M(15, -2, 0, -1, 4, 3, 40, "diagnosed", "dpe"),
    "part_precarite_energetique": M(11, 7, 0, -1, 3, 3, 40, "households", "precarity"),
}
COUNT_FROM_RATE = {"allocataires_caf", "demandeurs_emploi_abc"}   # a rate of a population, kept as a count
DPE_DIAGNOSED = {2021: 0.06, 2022: 0.16, 2023: 0.25, 2024: 0.33, 2025: 0.40}


def _series(m: Model, at: Atoms, rng: np.random.Generator) -> np.ndarray:
    """(A, Y) values of one indicator for every atom and year."""
    quart = at.kind == Q
    spread = np.where(quart, 1.0, 0.4) * (at.kind != F_REST)
    base = m.fr + m.dz * at.z + m.dy * at.y + m.du * (at.u - 0.5) + rng.normal(0, m.sd, len(quart)) * spread
    # Year-to-year noise: only quartiers are small enough for it to show.
    size = np.minimum(1.5, np.sqrt(2000 / at.pop[:, REF])) * quart
    jitter = rng.normal(0, 1, at.pop.shape) * size[:, None]
    shape = SHAPES[m.shape] if m.shape else np.zeros(len(YEARS))
    if m.mult:
        values = base[:, None] * shape[None, :] * (1 + 0.012 * jitter)
    else:
        values = base[:, None] + shape[None, :] * (1 + m.amp * at.z)[:, None] + 0.25 * m.sd * jitter
    values = np.clip(values, m.lo, m.hi)
    if m.qrange:
        values[quart] = np.clip(values[quart], *m.qrange)
    return values


def _denominators(at: Atoms) -> dict[str, np.ndarray]:
    """Base populations (A, Y), whole numbers; others are added as their indicators are computed."""
    pop, y, z, u = at.pop, at.y[:, None], at.z[:, None], at.u[:, None]
    households = pop / (2.2 + 0.3 * y - 0.2 * (u - 0.5))
    pop1564 = pop * (0.62 - 0.01 * y)
    insured = pop * 0.88
    pupils6 = pop * (0.0122 + 0.003 * y)
    diagnosed = np.array([DPE_DIAGNOSED.get(int(t), 0.0) for t in YEARS])[None, :]
    dens = {
        "pop": pop, "fiscal_pop": pop * 0.97, "households": households,
        "families": households * (0.28 + 0.06 * y), "pop1564": pop1564, "women1564": pop1564 * 0.51,
        "active1564": pop1564 * (0.74 - 0.06 * z), "pop1625": pop * (0.12 + 0.02 * y + 0.03 * (u - 0.5)),
        "pop1824": pop * (0.085 + 0.015 * y + 0.03 * (u - 0.5)), "adults": pop * (0.74 - 0.05 * y),
        "candidates": pop * (0.0118 + 0.003 * y), "pupils6": pupils6, "pupils": pupils6 * 4,
        "insured": insured, "insured17": insured * (0.79 - 0.05 * y),
        "income": pop * 21500 * np.maximum(0.45, 1 - 0.27 * z) * 1.015 ** (YEARS - REF_YEAR)[None, :],
        "addresses": pop / (5 + 20 * u) * at.transit[:, None],
        "gas_dwellings": households * at.gas[:, None], "diagnosed": households * diagnosed,
    }
    return {k: np.rint(v) for k, v in dens.items()}


def _solve_poverty(at: Atoms, st: Structure, lay: Layout, dens: dict[str, np.ndarray],
                   rng: np.random.Generator) -> np.ndarray:
    """Poverty rates, choosing each commune's rest so that the commune lands at 11-19 % in REF_YEAR
    and the fictional France at 14.5 %; the rests' deprivation then drives every other indicator."""
    m = MODELS["taux_pauvrete"]
    values = _series(m, at, rng)
    den = dens["fiscal_pop"]
    q_num = _add_shares(np.rint(values[:lay.nq, REF] / 100 * den[:lay.nq, REF]), st, lay.nc)
    q_den = _add_shares(den[:lay.nq, REF], st, lay.nc)
    rests = slice(lay.start(C_REST), lay.start(E_REST))
    rest_den = den[rests, REF]
    floor = 100 * (q_num + 0.04 * rest_den) / (q_den + rest_den) + 0.3
    target = rng.uniform(np.minimum(np.maximum(floor, 10.8), 19.0), 19.2)
    rate = np.clip(100 * (target / 100 * (q_den + rest_den) - q_num) / rest_den, 4, 30)
    at.z[rests] = (rate - m.fr) / m.dz
    values[rests] = rate[:, None] + SHAPES[m.shape][None, :] * (1 + m.amp * at.z[rests, None])
    f = lay.atoms - 1
    others = np.rint(values[:f, REF] / 100 * den[:f, REF]).sum()
    rate_f = np.clip(100 * (m.fr / 100 * den[:, REF].sum() - others) / den[f, REF], 8, 40)
    at.z[f] = np.clip((rate_f - m.fr) / m.dz, -0.3, 0.8)
    values[f] = rate_f + SHAPES[m.shape] * (1 + m.amp * at.z[f])
    return values


@dataclass
class AtomFigures:
    num: dict[str, np.ndarray]      # numerators (or counts), (A, Y)
    den: dict[str, np.ndarray]      # denominators, (A, Y)


def _atom_figures(at: Atoms, st: Structure, lay: Layout, rng: np.random.Generator) -> AtomFigures:
    dens = _denominators(at)
    # Poverty first: it sets the deprivation of each commune's rest, which every indicator uses.
    poverty = _solve_poverty(at, st, lay, dens, rng)
    nums: dict[str, np.ndarray] = {"pop_totale": np.rint(at.pop)}
    den_of: dict[str, np.ndarray] = {}
    for ind in DEMO_CATALOGUE:
        m = MODELS.get(ind.id)
        if ind.id == "indice_jeunesse":     # under-20s (about 4/5 of the under-25s) over the 60+
            under20 = 0.8 * nums["part_moins_25"] / dens["pop"] * (1 + rng.normal(0, 0.02, at.pop.shape))
            nums[ind.id], den_of[ind.id] = np.rint(under20 * dens["pop"]), dens["pop60"]
            continue
        if m is None:
            continue          # population above; medians, indices and monthly series come later
        values = poverty if ind.id == "taux_pauvrete" else _series(m, at, rng)
        den = dens[m.den]
        nums[ind.id] = np.rint(values / m.per * den)
        if ind.id not in COUNT_FROM_RATE:
            den_of[ind.id] = den
        _derive(ind.id, nums[ind.id], dens)
    return AtomFigures(nums, den_of)


def _derive(ind_id: str, num: np.ndarray, dens: dict[str, np.ndarray]) -> None:
    """Denominators that are the numerator (or count) of an indicator computed earlier."""
    if ind_id == "part_60_plus":
        dens["pop60"] = num
    elif ind_id == "allocataires_caf":
        dens["claimants"] = num
    elif ind_id == "demandeurs_emploi_abc":
        dens["jobseekers"] = num
    elif ind_id == "taux_emploi":
        dens["employed"] = num
        dens["employees"] = np.rint(num * 0.87)
    elif ind_id == "part_logements_sociaux":
        dens["social_offered"] = np.rint(num * 0.985)
        dens["social_let"] = np.rint(num * 0.96)
        dens["social_area"] = np.rint(num * 64)


# ---------------------------------------------------------------------------------------------------
# From atoms to territories
# ---------------------------------------------------------------------------------------------------


def _aggregate(x: np.ndarray, st: Structure, lay: Layout) -> np.ndarray:
    """(A, P) atom figures -> (T, P) territory figures; the ensemble's row (last) is left at zero."""
    quartiers = x[:lay.nq]
    communes = x[lay.start(C_REST):lay.start(E_REST)] + _add_shares(quartiers, st, lay.nc)
    epci = x[lay.start(E_REST):lay.start(D_REST)].copy()
    np.add.at(epci, st.commune_epci, communes)
    depts = x[lay.start(D_REST):lay.start(F_REST)].copy()
    np.add.at(depts, st.epci_dept, epci)
    regions = np.zeros((lay.nr,) + x.shape[1:])
    np.add.at(regions, st.dept_region, depts)
    france = x[-1:] + regions.sum(axis=0, keepdims=True)
    return np.concatenate([quartiers, communes, epci, depts, regions, france, np.zeros_like(france)])


def _months_frame() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year index (in YEARS), month number and length factor of every month of 2018-2025."""
    year_idx = np.repeat(np.arange(2018, 2026) - YEARS[0], 12)
    month = np.tile(np.arange(1, 13), 8)
    days = np.array([(date(y + (m == 12), m % 12 + 1, 1) - date(y, m, 1)).days
                     for y in range(2018, 2026) for m in range(1, 13)]) / 30.44
    return year_idx, month, days


def _monthly(at: Atoms, fig: AtomFigures, rng: np.random.Generator) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Monthly MWh and delivery points per atom: the annual totals spread over a seasonal profile."""
    year_idx, month, days = _months_frame()
    season = np.cos(2 * np.pi * (month - 1) / 12)        # +1 in January, -1 in July
    weather = rng.normal(0, 0.07, len(month)) * (season > 0)   # cold or mild winter months, for all
    size = np.where(at.kind == Q, np.minimum(1.5, np.sqrt(2000 / at.pop[:, REF])), 0.1)
    out = {}
    for ind_id, annual, amplitude, sensitivity in (
            ("conso_elec_mensuelle", "conso_elec_logement", 0.23, 0.3),     # winter 1.6 x summer
            ("conso_gaz_mensuelle", "conso_gaz_logement", 0.6, 1.0)):       # winter 4 x summer
        weights = (days * (1 + amplitude * season) * (1 + sensitivity * weather))[None, :]
        weights = weights * (1 + rng.normal(0, 0.02, (len(at.kind), len(month))) * size[:, None])
        per_year = weights.reshape(len(at.kind), 8, 12).sum(axis=2)
        totals = fig.num[annual][:, year_idx]
        values = totals * weights / per_year[:, year_idx - year_idx[0]]
        out[ind_id] = (values[:, :len(MONTHS)], fig.den[annual][:, year_idx][:, :len(MONTHS)])
    return out


@dataclass
class Series:
    """One indicator for every territory: (T, P) arrays over its periods."""
    ind: Indicator
    periods: np.ndarray           # (P,) global period ids
    years: np.ndarray             # (P,) calendar year of each period
    value: np.ndarray
    num: np.ndarray | None
    den: np.ndarray | None
    present: np.ndarray
    secret: np.ndarray


def _levels(lay: Layout) -> np.ndarray:
    return np.repeat(np.arange(7), [lay.nq, lay.nc, lay.ne, lay.nd, lay.nr, 1, 1])


def _coverage(ind_id: str) -> np.ndarray:
    first, last = COVERAGE[ind_id]
    skipped = SKIPPED_YEARS.get(ind_id, set())
    return np.array([first <= y <= last and y not in skipped for y in YEARS])


def _secret(ind: Indicator, value: np.ndarray, num: np.ndarray | None, den: np.ndarray | None,
            present: np.ndarray) -> np.ndarray:
    """Cells under the threshold: counts below it, or ratios whose numerator is below it."""
    thr = ind.secret_threshold
    if thr is None or ind.kind in catalogue.NON_AGGREGABLE_KINDS:
        return np.zeros_like(present)
    if ind.kind == "count":
        small = value < thr
        if den is not None:
            small |= den < thr              # energy: fewer than 11 delivery points
        return present & small
    return present & (num < thr)


def _finish_ratio(ind: Indicator, num: np.ndarray, den: np.ndarray, present: np.ndarray, nq: int,
                  withheld: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill the ensemble from the quartiers' published rows; return (value, secret)."""
    secret = _secret(ind, num, num, den, present) | (present & withheld)
    shown = present[:nq] & ~secret[:nq]
    num[-1] = np.where(shown, num[:nq], 0).sum(axis=0)
    den[-1] = np.where(shown, den[:nq], 0).sum(axis=0)
    present[-1] = present[-1] & (den[-1] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = ind.scale * num / den
    secret = _secret(ind, num, num, den, present) | (present & withheld)
    return value, secret


def _finish_count(ind: Indicator, value: np.ndarray, den: np.ndarray | None, present: np.ndarray,
                  nq: int) -> np.ndarray:
    secret = _secret(ind, value, None, den, present)
    shown = present[:nq] & ~secret[:nq]
    value[-1] = np.where(shown, value[:nq], 0).sum(axis=0)
    if den is not None:
        den[-1] = np.where(shown, den[:nq], 0).sum(axis=0)
    present[-1] = present[-1] & shown.any(axis=0)
    return _secret(ind, value, None, den, present)


def _gaps(lay: Layout, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Randomly missing cells of quartiers and communes: real series have holes."""
    holes = np.zeros(shape, dtype=bool)
    holes[:lay.nq + lay.nc] = rng.random((lay.nq + lay.nc, shape[1])) < GAP_SHARE
    return holes


def _annual_series(fig: AtomFigures, at: Atoms, st: Structure, lay: Layout, fiscal_secret: np.ndarray,
                   rng: np.random.Generator) -> list[Series]:
    out: list[Series] = []
    computed: dict[str, np.ndarray] = {}
    urban = _territory_urban(at, st, lay)
    periods = np.arange(len(YEARS))
    for ind in DEMO_CATALOGUE:
        if ind.periodicity != "annual":
            continue
        cover = np.broadcast_to(_coverage(ind.id), (lay.territories, len(YEARS))).copy()
        if ind.kind in catalogue.NON_AGGREGABLE_KINDS:
            value = _territory_median(ind.id, computed, urban, _levels(lay), rng)
            present = cover & ~_gaps(lay, cover.shape, rng)
            secret = present & fiscal_secret if ind.id in FISCAL else np.zeros_like(present)
            out.append(Series(ind, periods, YEARS, value, None, None, present, secret))
            continue
        num = np.rint(_aggregate(fig.num[ind.id], st, lay))
        if ind.kind == "count":
            secret = _finish_count(ind, num, None, cover, lay.nq)
            out.append(Series(ind, periods, YEARS, num, None, None, cover, secret))
            continue
        den = np.rint(_aggregate(fig.den[ind.id], st, lay))
        present = cover & ~_gaps(lay, cover.shape, rng)
        present[:-1] &= den[:-1] > 0
        withheld = fiscal_secret if ind.id in FISCAL else np.zeros_like(present)
        value, secret = _finish_ratio(ind, num, den, present, lay.nq, withheld)
        computed[ind.id] = value
        out.append(Series(ind, periods, YEARS, value, num, den, present, secret))
    return out


# Median income per consumption unit against the poverty rate (REF_YEAR euros).
_MEDIAN_XP = [3, 8, 11, 14.5, 19, 30, 45, 60]
_MEDIAN_FP = [28000, 25000, 23000, 21800, 19600, 15300, 13000, 11100]


def _territory_urban(at: Atoms, st: Structure, lay: Layout) -> np.ndarray:
    """Population-weighted urban density of every territory (the ensemble: of all quartiers)."""
    pop = at.pop[:, REF:REF + 1]
    weighted = _aggregate(at.u[:, None] * pop, st, lay)[:, 0]
    total = _aggregate(pop, st, lay)[:, 0]
    weighted[-1], total[-1] = weighted[:lay.nq].sum(), total[:lay.nq].sum()
    return weighted / total


def _territory_median(ind_id: str, computed: dict[str, np.ndarray], urban: np.ndarray, levels: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """Medians and indices are made for each territory (never averaged from smaller ones)."""
    t = (YEARS - REF_YEAR)[None, :]
    n = len(urban)
    if ind_id == "revenu_median_uc":
        poverty = computed["taux_pauvrete"]
        base = np.interp(poverty[:, REF], _MEDIAN_XP, _MEDIAN_FP) * np.exp(rng.normal(0, 0.015, n))
        base[levels == 0] = np.clip(base[levels == 0], 11_000, 15_500)
        drift = 1 - 0.008 * (poverty - poverty[:, REF:REF + 1])
        return np.round(base[:, None] * 1.015 ** t * drift, -1)
    if ind_id == "rapport_interdecile":
        base = np.select([levels == 0, levels == 1, levels == 5, levels == 6],
                         [np.clip(rng.normal(2.9, 0.22, n), 2.3, 3.8), 3.0 + 0.9 * urban + rng.normal(0, 0.15, n),
                          np.full(n, 3.4), 3.0 + rng.normal(0, 0.03, n)],
                         3.1 + 0.5 * urban + rng.normal(0, 0.1, n))
        return np.round(base[:, None] + 0.01 * t + rng.normal(0, 0.03, (n, len(YEARS))), 1)
    base = 3.5 + 9 * (1 - urban) + rng.normal(0, 0.6, n) * (levels != 5)
    noise = rng.normal(0, 0.1, (n, len(YEARS)))
    return np.round(np.clip(base[:, None] + 0.06 * t + noise, 2, 30), 1)


def _monthly_series(monthly: dict[str, tuple[np.ndarray, np.ndarray]], st: Structure,
                    lay: Layout) -> list[Series]:
    out = []
    periods = len(YEARS) + np.arange(len(MONTHS))
    years = np.array([y for y, _ in MONTHS])
    for ind in DEMO_CATALOGUE:
        if ind.periodicity != "monthly":
            continue
        values, dwellings = monthly[ind.id]
        value = np.rint(_aggregate(values, st, lay))
        den = np.rint(_aggregate(dwellings, st, lay))
        present = np.ones(value.shape, dtype=bool)
        present[:-1] = den[:-1] > 0              # no gas network: no row at all
        secret = _finish_count(ind, value, den, present, lay.nq)
        out.append(Series(ind, periods, years, value, None, den, present, secret))
    return out


def _fiscal_secret(sc: Scale, at: Atoms, lay: Layout, rng: np.random.Generator) -> np.ndarray:
    """(T, Y) Filosofi cells withheld: the smallest quartiers, three years out of eight."""
    mask = np.zeros((lay.territories, len(YEARS)), dtype=bool)
    first, last = COVERAGE["taux_pauvrete"]
    filosofi = np.flatnonzero((YEARS >= first) & (YEARS <= last))
    for q in np.argsort(at.pop[:lay.nq, REF], kind="stable")[:sc.fiscal_secret]:
        mask[q, rng.choice(filosofi, 3, replace=False)] = True
    return mask


# ---------------------------------------------------------------------------------------------------
# Rows: observations, territories, links
# ---------------------------------------------------------------------------------------------------


def _round_value(ind: Indicator, value: np.ndarray) -> np.ndarray:
    if ind.kind == "count" or ind.id == "revenu_median_uc":
        return value
    return np.round(value, 1 if ind.kind == "rate" else max(ind.decimals, 1))


def _observation_frame(series: list[Series], st: Structure) -> tuple[pd.DataFrame, list[str]]:
    """One row per published cell with integer keys (the writer joins the codes back), and the notes."""
    notes: dict[str, int] = {}
    ind_index = {ind.id: k for k, ind in enumerate(DEMO_CATALOGUE)}
    parts = []
    for s in series:
        ind = s.ind
        t_idx, p_idx = np.nonzero(s.present)
        secret = s.secret[t_idx, p_idx]
        brk, note = _breaks(s, st, t_idx, p_idx, notes)
        value = np.where(secret, np.nan, _round_value(ind, s.value[t_idx, p_idx]))
        blank = np.full(len(p_idx), np.nan)
        num = np.where(secret, np.nan, s.num[t_idx, p_idx]) if ind.kind in catalogue.RATIO_KINDS else blank
        den = np.where(secret, np.nan, s.den[t_idx, p_idx]) if s.den is not None else blank
        parts.append(pd.DataFrame({
            "t": t_idx.astype(np.int32), "i": np.full(len(p_idx), ind_index[ind.id], dtype=np.int16),
            "p": s.periods[p_idx].astype(np.int16), "value": value, "numerator": num, "denominator": den,
            "is_secret": secret, "is_provisional": _provisional(s, p_idx),
            "is_estimated": np.full(len(p_idx), ind.id in ESTIMATED), "is_break": brk, "note_id": note}))
    return pd.concat(parts, ignore_index=True), list(notes)


def _provisional(s: Series, p_idx: np.ndarray) -> np.ndarray:
    if s.ind.periodicity == "monthly":
        return p_idx >= len(MONTHS) - PROVISIONAL_MONTHS
    return np.isin(s.years[p_idx], list(PROVISIONAL.get(s.ind.id, ())))


def _breaks(s: Series, st: Structure, t_idx: np.ndarray, p_idx: np.ndarray,
            notes: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(is_break, note id) of each row: the source's own breaks, then the quartiers' new perimeters."""
    year = s.years[p_idx]
    brk = np.zeros(len(p_idx), dtype=bool)
    note = np.full(len(p_idx), -1, dtype=np.int16)
    general_year, general = BREAKS.get(s.ind.id, (0, ""))
    if general:
        brk |= year == general_year
        note[year == general_year] = notes.setdefault(general, len(notes))
    opens_year = np.ones(len(p_idx), dtype=bool)
    if s.ind.periodicity == "monthly":
        opens_year = np.array([m == 1 for _, m in MONTHS])[p_idx]
    first_year = COVERAGE.get(s.ind.id, MONTHS[0])[0]
    for q in np.flatnonzero(st.break_year > 0):
        y = int(st.break_year[q])
        hit = (t_idx == q) & (year == y) & opens_year
        if y > first_year and hit.any():
            text = NOTE_PERIMETER.format(year=y)
            text = f"{general} {text}" if y == general_year else text
            note[hit] = notes.setdefault(text, len(notes))
            brk |= hit
    return brk, note


def _period_frame() -> pd.DataFrame:
    periods = [str(y) for y in YEARS] + [f"{y}-{m:02d}" for y, m in MONTHS]
    starts = [date(int(y), 1, 1) for y in YEARS] + [date(y, m, 1) for y, m in MONTHS]
    return pd.DataFrame({"p": np.arange(len(periods), dtype=np.int16), "period": periods,
                         "period_start": starts})


@dataclass
class Territories:
    codes: list[str]                 # in layout order (quartiers ... France, ensemble)
    table: pd.DataFrame
    links: pd.DataFrame
    correspondence: pd.DataFrame


def _territories(st: Structure, lay: Layout, at: Atoms, geo: Geometry, rng: np.random.Generator) -> Territories:
    """Codes, names, drawings and links of every territory, in layout order."""
    nq, nc = lay.nq, lay.nc
    dept_of_q = st.commune_dept[st.quartier_commune]
    order_in_dept = np.array([int((st.commune_dept[:c] == st.commune_dept[c]).sum()) for c in range(nc)])
    q_order = np.array([int((dept_of_q[:q] == dept_of_q[q]).sum()) for q in range(nq)])
    if q_order.max(initial=0) >= 99 or order_in_dept.max(initial=0) >= 99:
        raise DQError("Trop de quartiers ou de communes dans un département pour les codes de la démonstration.")
    dept_codes = [f"X{d + 1:02d}" for d in range(lay.nd)]
    codes = ([f"QN{dept_codes[dept_of_q[q]]}{q_order[q] + 1:02d}{st.status[q]}" for q in range(nq)]
             + [f"{dept_codes[st.commune_dept[c]]}{order_in_dept[c] + 1:02d}" for c in range(nc)]
             + [f"XE{e + 1:03d}" for e in range(lay.ne)] + dept_codes
             + [f"XR{r + 1:02d}" for r in range(lay.nr)] + ["FRANCE", "ENSQP"])
    communes = _commune_names(nc, rng)
    q_names = _all_quartier_names(st, nc, rng)
    pop = _aggregate(at.pop[:, REF:REF + 1], st, lay)[:, 0]
    epci_names = _epci_names(st, lay, communes, pop)
    names = (q_names + [full for full, _ in communes] + epci_names
             + _departement_names(lay.nd, rng) + _REGIONS[:lay.nr]
             + ["France (référence fictive)", "Ensemble des quartiers"])
    levels = ["quartier", "commune", "epci", "departement", "region", "france", "ensemble"]
    level = [levels[k] for k in _levels(lay)]
    points = _territory_points(st, lay, geo)
    lonlat = _lonlat(points)
    geometry = [_geojson(r) for r in geo.quartier_rings] + [_geojson(r) for r in geo.commune_rings]
    geometry += [None] * (lay.territories - nq - nc)
    vintage = pd.array([2024] * nq + [None] * (lay.territories - nq - 1) + [2024], dtype="Int32")
    table = pd.DataFrame({"code": codes, "level": level, "name": names, "vintage": vintage,
                          "geometry": geometry, "lon": lonlat[:, 0], "lat": lonlat[:, 1]})
    return Territories(codes, table, _links(st, lay, codes), _correspondence(st, codes, dept_of_q, rng))


def _all_quartier_names(st: Structure, nc: int, rng: np.random.Generator) -> list[str]:
    """Names unique within each commune, a two-commune quartier's in both of its communes."""
    names = [""] * len(st.quartier_commune)
    for c in range(nc):
        mine = np.flatnonzero(st.quartier_commune == c)
        for q, name in zip(mine, _quartier_names(len(mine), rng), strict=True):
            names[q] = name
    for q in np.flatnonzero(st.second_commune >= 0):
        taken = {names[k] for k in range(len(names)) if k != q and st.second_commune[q] in (
            st.quartier_commune[k], st.second_commune[k])}
        taken |= {names[k] for k in np.flatnonzero(st.quartier_commune == st.quartier_commune[q]) if k != q}
        pool = [n for n in _QUARTIER_NAMES if n not in taken]
        if names[q] in taken:
            names[q] = pool[int(rng.integers(len(pool)))]
    return names


def _epci_names(st: Structure, lay: Layout, communes: list[tuple[str, str]], pop: np.ndarray) -> list[str]:
    commune_pop = pop[lay.nq:lay.nq + lay.nc]
    epci_pop = pop[lay.nq + lay.nc:lay.nq + lay.nc + lay.ne]
    region = st.dept_region[st.epci_dept]
    # Métropoles: the biggest EPCI of each region (from 200,000 people), and any from 400,000.
    biggest = np.array([epci_pop[e] == epci_pop[region == region[e]].max() for e in range(lay.ne)])
    metropole = (epci_pop >= 400_000) | (biggest & (epci_pop >= 200_000))
    taken: set[str] = set()
    names = []
    for e in range(lay.ne):
        members = np.flatnonzero(st.commune_epci == e)
        main = int(members[np.argmax(commune_pop[members])])
        name = _epci_name(communes[main][0], communes[main][1], float(epci_pop[e]), bool(metropole[e]), taken)
        taken.add(name)
        names.append(name)
    return names


def _territory_points(st: Structure, lay: Layout, geo: Geometry) -> np.ndarray:
    """A point inside each quartier and commune; the mean of the communes' points above."""
    def mean_of(groups: np.ndarray, n: int, pts: np.ndarray) -> np.ndarray:
        sums = np.zeros((n, 2))
        np.add.at(sums, groups, pts)
        return sums / np.bincount(groups, minlength=n)[:, None]
    cpts = geo.commune_points
    epci = mean_of(st.commune_epci, lay.ne, cpts)
    dept = mean_of(st.commune_dept, lay.nd, cpts)
    region = mean_of(st.dept_region[st.commune_dept], lay.nr, cpts)
    centre = cpts.mean(axis=0, keepdims=True)
    return np.concatenate([geo.quartier_points, cpts, epci, dept, region, centre, centre])


def _links(st: Structure, lay: Layout, codes: list[str]) -> pd.DataFrame:
    nq, nc, ne, nd = lay.nq, lay.nc, lay.ne, lay.nd
    commune = nq
    epci, dept, region, france = nq + nc, nq + nc + ne, nq + nc + ne + nd, lay.territories - 2
    rows = [(q, commune + st.quartier_commune[q], 1) for q in range(nq)]
    rows += [(q, commune + st.second_commune[q], 2) for q in np.flatnonzero(st.second_commune >= 0)]
    rows += [(commune + c, epci + st.commune_epci[c], 1) for c in range(nc)]
    rows += [(commune + c, dept + st.commune_dept[c], 1) for c in range(nc)]
    rows += [(dept + d, region + st.dept_region[d], 1) for d in range(nd)]
    rows += [(region + r, france, 1) for r in range(lay.nr)]
    return pd.DataFrame({"child": [codes[c] for c, _, _ in rows], "parent": [codes[p] for _, p, _ in rows],
                         "rank": np.array([k for _, _, k in rows], dtype=np.int32)})


def _correspondence(st: Structure, codes: list[str], dept_of_q: np.ndarray,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Fictional 2015 predecessors: one for an unchanged quartier, one or two for a modified one."""
    counters: dict[int, int] = {}
    rows = []
    for q, status in enumerate(st.status):
        if status == "N":
            continue
        for _ in range(2 if status == "M" and rng.random() < 0.2 else 1):
            d = int(dept_of_q[q])
            counters[d] = counters.get(d, 0) + 1
            rows.append((codes[q], f"QPX{d + 1:02d}{counters[d]:03d}", str(status)))
    return pd.DataFrame(rows, columns=["qp2024", "qp2015", "status"])


# ---------------------------------------------------------------------------------------------------
# Build and write
# ---------------------------------------------------------------------------------------------------


@dataclass
class Demo:
    territories: Territories
    observations: pd.DataFrame
    notes: list[str]
    layout: Layout


def generate(scale: str = "regional", seed: int = 2024) -> Demo:
    """Everything the workspace will hold, in memory (same seed, same content)."""
    sc = SCALES[scale]
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    rng_structure, rng_data, rng_geo, rng_cells, rng_names = streams
    st = _structure(sc, rng_structure)
    lay = Layout(sc.quartiers, sc.communes, sc.epci, sc.departements, sc.regions)
    at = _atoms(sc, st, lay, rng_data)
    fig = _atom_figures(at, st, lay, rng_data)
    monthly = _monthly(at, fig, rng_data)
    geo = _geometry(sc, st, at.pop[:lay.nq, REF], rng_geo)
    fiscal = _fiscal_secret(sc, at, lay, rng_cells)
    series = _annual_series(fig, at, st, lay, fiscal, rng_cells) + _monthly_series(monthly, st, lay)
    territories = _territories(st, lay, at, geo, rng_names)
    observations, notes = _observation_frame(series, st)
    return Demo(territories, observations, notes, lay)


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
            tables = {"demo_obs": demo.observations, "demo_periods": _period_frame(),
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
