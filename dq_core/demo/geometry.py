"""Maps: a jittered grid in the open Atlantic (no invented figure ever sits on a real place)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from dq_core.demo.scale import Scale
from dq_core.demo.structure import Structure

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


def build_geometry(sc: Scale, st: Structure, pop: np.ndarray, rng: np.random.Generator) -> Geometry:
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


def to_lonlat(points: np.ndarray) -> np.ndarray:
    return np.round(np.stack([points[:, 0] / COS_LAT, points[:, 1]], axis=1), 5)


def to_geojson(ring: np.ndarray) -> str:
    coords = to_lonlat(ring).tolist()
    return json.dumps({"type": "Polygon", "coordinates": [coords + [coords[0]]]}, separators=(",", ":"))
