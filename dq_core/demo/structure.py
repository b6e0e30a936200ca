"""Structure of the fictional country: régions > départements > EPCI > communes > quartiers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dq_core.demo.scale import Scale


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


def build_structure(sc: Scale, rng: np.random.Generator) -> Structure:
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
