"""Territory rows: codes, names, drawings, links and the 2015 correspondence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dq_core.demo.geometry import Geometry, to_geojson, to_lonlat
from dq_core.demo.names import (
    QUARTIER_NAMES,
    REGION_NAMES,
    commune_names,
    departement_names,
    epci_name,
    quartier_names,
)
from dq_core.demo.populations import Atoms, Layout
from dq_core.demo.scale import REF
from dq_core.demo.series import aggregate, level_index
from dq_core.demo.structure import Structure
from dq_core.errors import DQError


@dataclass
class Territories:
    codes: list[str]                 # in layout order (quartiers ... France, ensemble)
    table: pd.DataFrame
    links: pd.DataFrame
    correspondence: pd.DataFrame


def build_territories(st: Structure, lay: Layout, at: Atoms, geo: Geometry,
                      rng: np.random.Generator) -> Territories:
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
    communes = commune_names(nc, rng)
    q_names = _all_quartier_names(st, nc, rng)
    pop = aggregate(at.pop[:, REF:REF + 1], st, lay)[:, 0]
    epci_names = _epci_names(st, lay, communes, pop)
    names = (q_names + [full for full, _ in communes] + epci_names
             + departement_names(lay.nd, rng) + REGION_NAMES[:lay.nr]
             + ["France (référence fictive)", "Ensemble des quartiers"])
    levels = ["quartier", "commune", "epci", "departement", "region", "france", "ensemble"]
    level = [levels[k] for k in level_index(lay)]
    points = _territory_points(st, lay, geo)
    lonlat = to_lonlat(points)
    geometry = [to_geojson(r) for r in geo.quartier_rings] + [to_geojson(r) for r in geo.commune_rings]
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
        for q, name in zip(mine, quartier_names(len(mine), rng), strict=True):
            names[q] = name
    for q in np.flatnonzero(st.second_commune >= 0):
        taken = {names[k] for k in range(len(names)) if k != q and st.second_commune[q] in (
            st.quartier_commune[k], st.second_commune[k])}
        taken |= {names[k] for k in np.flatnonzero(st.quartier_commune == st.quartier_commune[q]) if k != q}
        pool = [n for n in QUARTIER_NAMES if n not in taken]
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
        name = epci_name(communes[main][0], communes[main][1], float(epci_pop[e]), bool(metropole[e]), taken)
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
