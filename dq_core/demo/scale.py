"""Scales of the demo and its calendar: years, months, sources' coverage, breaks and their notes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
