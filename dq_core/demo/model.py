"""Indicator models: value = France level + effects of the latent profile + noise, then trends."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dq_core.demo.populations import C_REST, E_REST, F_REST, Atoms, Layout, Q, add_shares
from dq_core.demo.scale import REF, REF_YEAR, YEARS
from dq_core.demo.structure import Structure
from dq_core.store.catalogue import DEMO_CATALOGUE


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
    q_num = add_shares(np.rint(values[:lay.nq, REF] / 100 * den[:lay.nq, REF]), st, lay.nc)
    q_den = add_shares(den[:lay.nq, REF], st, lay.nc)
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


def atom_figures(at: Atoms, st: Structure, lay: Layout, rng: np.random.Generator) -> AtomFigures:
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
