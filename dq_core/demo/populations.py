"""People: the atoms (each quartier, and the non-QPV rest of each area) and their latent profiles."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dq_core.demo.scale import FRANCE_POP, REF_YEAR, YEARS, Scale
from dq_core.demo.structure import Structure

# Every figure of a territory is the sum of its atoms, and indicators correlate as they do in reality.
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


def add_shares(values: np.ndarray, st: Structure, nc: int) -> np.ndarray:
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
    qpv = add_shares(qpop, st, nc)
    cpop = np.clip(qpv / rng.uniform(0.10, 0.25, nc), 8000, sc.max_commune_pop)
    # Quartiers are at most a quarter of their commune: communes stay far less poor than quartiers.
    shrink = np.minimum(1.0, 0.25 * cpop / qpv)
    qpop = np.maximum(1000, qpop * shrink[st.quartier_commune])
    qpv = add_shares(qpop, st, nc)
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


def build_atoms(sc: Scale, st: Structure, lay: Layout, rng: np.random.Generator) -> Atoms:
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
