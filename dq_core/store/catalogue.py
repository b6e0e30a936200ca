"""The indicator catalogue: what each figure means, where it comes from and how it aggregates."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import duckdb

DOMAINS: list[tuple[str, str]] = [
    ("demographie", "Démographie"),
    ("revenus", "Revenus et pauvreté"),
    ("emploi", "Emploi"),
    ("education", "Éducation"),
    ("sante", "Santé"),
    ("mobilite", "Mobilité"),
    ("logement", "Logement"),
    ("energie", "Énergie"),
]

# Kinds whose value can be rebuilt for a group of territories: counts add up, rates, ratios and means
# are recomputed from their summed numerators and denominators. Medians and indices never are.
ADDITIVE_KINDS = {"count"}
RATIO_KINDS = {"rate", "ratio", "mean"}
NON_AGGREGABLE_KINDS = {"median", "index"}

SECRET_RULE_COUNTS = ("Effectif inférieur à 11 : valeur couverte par le secret statistique, "
                      "non diffusée (ni à l'écran ni dans les exports).")
SECRET_RULE_FISCAL = ("Secret fiscal (DGFiP) : aucune valeur calculée sur moins de 11 ménages "
                      "n'est diffusée.")


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    domain: str
    unit: str
    kind: str
    direction: str
    producer: str
    dataset: str
    definition: str
    scale: float | None = None
    numerator_label: str | None = None
    denominator_label: str | None = None
    periodicity: str = "annual"
    secret_threshold: int | None = 11
    secret_rule: str | None = SECRET_RULE_COUNTS
    caveat: str | None = None
    decimals: int = 1
    is_key: bool = False
    sort_order: int = 0

    @property
    def aggregable(self) -> bool:
        return self.kind in ADDITIVE_KINDS or (self.kind in RATIO_KINDS and self.scale is not None)


def _rate(id, label, domain, direction, producer, dataset, definition, num, den, **kw) -> Indicator:
    return Indicator(id, label, domain, "%", "rate", direction, producer, dataset, definition,
                     scale=100.0, numerator_label=num, denominator_label=den, **kw)


RP = "Insee"
RP_DS = "Recensement de la population"
# A caveat belongs to the source it is about: the census one to census figures, never to the Cnam's.
RP_CAVEAT = ("Recensement de la population : deux millésimes consécutifs partagent quatre des cinq "
             "enquêtes annuelles ; l'Insee conseille de comparer des millésimes distants d'au moins cinq ans.")
C2S_CAVEAT = ("La Complémentaire santé solidaire a remplacé la CMU complémentaire et l'aide au paiement "
              "d'une complémentaire santé (ACS) le 1er novembre 2019 : comparer avec prudence avant et après.")
FILO = "Insee – DGFiP"
FILO_DS = "Filosofi (fichier localisé social et fiscal)"

DEMO_CATALOGUE: list[Indicator] = [
    # Démographie
    Indicator("pop_totale", "Population municipale", "demographie", "habitants", "count", "neutral",
              RP, RP_DS, "Nombre de personnes ayant leur résidence habituelle sur le territoire.",
              decimals=0, is_key=True, caveat=RP_CAVEAT),
    _rate("part_moins_25", "Part des moins de 25 ans", "demographie", "neutral", RP, RP_DS,
          "Habitants de moins de 25 ans rapportés à l'ensemble de la population.",
          "habitants de moins de 25 ans", "habitants", is_key=True),
    _rate("part_60_plus", "Part des 60 ans et plus", "demographie", "neutral", RP, RP_DS,
          "Habitants de 60 ans ou plus rapportés à l'ensemble de la population.",
          "habitants de 60 ans ou plus", "habitants"),
    Indicator("indice_jeunesse", "Indice de jeunesse", "demographie", "ratio", "ratio", "neutral",
              RP, RP_DS, "Nombre de moins de 20 ans pour un habitant de 60 ans ou plus.",
              scale=1.0, numerator_label="moins de 20 ans", denominator_label="60 ans ou plus",
              decimals=2),
    _rate("part_etrangers", "Part des étrangers", "demographie", "neutral", RP, RP_DS,
          "Personnes de nationalité étrangère rapportées à l'ensemble de la population.",
          "étrangers", "habitants"),
    _rate("part_familles_monoparentales", "Part des familles monoparentales", "demographie",
          "higher_worse", RP, RP_DS,
          "Familles composées d'un seul parent et de ses enfants, parmi les familles avec enfants.",
          "familles monoparentales", "familles avec enfants", is_key=True),
    _rate("part_menages_1pers", "Part des ménages d'une personne", "demographie", "neutral", RP,
          RP_DS, "Ménages composés d'une seule personne parmi l'ensemble des ménages.",
          "ménages d'une personne", "ménages"),
    _rate("part_grands_menages", "Part des ménages de 6 personnes ou plus", "demographie", "neutral",
          RP, RP_DS, "Ménages de six personnes ou plus parmi l'ensemble des ménages.",
          "ménages de 6 personnes ou plus", "ménages"),
    # Revenus et pauvreté
    _rate("taux_pauvrete", "Taux de pauvreté (seuil à 60 %)", "revenus", "higher_worse", FILO,
          FILO_DS, "Part des habitants dont le niveau de vie est inférieur à 60 % du niveau de vie "
          "médian de France métropolitaine.", "personnes pauvres", "habitants",
          secret_rule=SECRET_RULE_FISCAL, is_key=True,
          caveat="Filosofi 2021 est le dernier millésime diffusé par l'Insee."),
    Indicator("revenu_median_uc", "Revenu disponible médian par unité de consommation", "revenus",
              "€", "median", "higher_better", FILO, FILO_DS,
              "Niveau de vie qui partage les habitants en deux moitiés égales ; le revenu du ménage "
              "est divisé par son nombre d'unités de consommation.", secret_rule=SECRET_RULE_FISCAL,
              decimals=0, is_key=True, caveat="Une médiane ne s'additionne pas et ne se moyenne pas."),
    Indicator("rapport_interdecile", "Rapport interdécile (D9/D1) du revenu disponible", "revenus",
              "ratio", "index", "higher_worse", FILO, FILO_DS,
              "Rapport entre le niveau de vie au-dessus duquel se situent les 10 % les plus aisés et "
              "celui en dessous duquel se situent les 10 % les plus modestes.",
              secret_rule=SECRET_RULE_FISCAL, decimals=1),
    _rate("part_prestations_revenu", "Part des prestations sociales dans le revenu disponible",
          "revenus", "higher_worse", FILO, FILO_DS,
          "Montant des prestations sociales (familiales, logement, minima sociaux) rapporté au "
          "revenu disponible des ménages.", "prestations sociales (€)", "revenu disponible (€)",
          secret_rule=SECRET_RULE_FISCAL),
    Indicator("allocataires_caf", "Allocataires de la Caf", "revenus", "allocataires", "count",
              "neutral", "Cnaf", "Allocataires au 31 décembre (fichier FILEAS)",
              "Foyers percevant au moins une prestation de la Caisse d'allocations familiales.",
              decimals=0),
    _rate("part_couverts_rsa", "Part de la population couverte par le RSA", "revenus",
          "higher_worse", "Cnaf", "Allocataires au 31 décembre (fichier FILEAS)",
          "Personnes (allocataires, conjoints, enfants) couvertes par le revenu de solidarité "
          "active, rapportées à la population.", "personnes couvertes par le RSA", "habitants",
          is_key=True),
    _rate("part_alloc_dependants", "Part des allocataires dépendant à 50 % ou plus des prestations",
          "revenus", "higher_worse", "Cnaf", "Allocataires au 31 décembre (fichier FILEAS)",
          "Allocataires dont les prestations représentent au moins la moitié des ressources.",
          "allocataires dépendants", "allocataires"),
    # Emploi
    _rate("taux_emploi", "Taux d'emploi des 15-64 ans", "emploi", "higher_better", RP, RP_DS,
          "Personnes de 15 à 64 ans ayant un emploi, rapportées à la population de cet âge.",
          "actifs occupés de 15-64 ans", "habitants de 15-64 ans", is_key=True),
    _rate("taux_emploi_femmes", "Taux d'emploi des femmes de 15-64 ans", "emploi", "higher_better",
          RP, RP_DS, "Femmes de 15 à 64 ans ayant un emploi, rapportées aux femmes de cet âge.",
          "femmes de 15-64 ans en emploi", "femmes de 15-64 ans"),
    _rate("taux_chomage", "Taux de chômage des 15-64 ans (recensement)", "emploi", "higher_worse",
          RP, RP_DS, "Chômeurs déclarés au recensement parmi les actifs de 15 à 64 ans.",
          "chômeurs de 15-64 ans", "actifs de 15-64 ans", is_key=True),
    Indicator("demandeurs_emploi_abc", "Demandeurs d'emploi de catégories A, B, C", "emploi",
              "personnes", "count", "higher_worse", "France Travail – Dares",
              "Statistiques du marché du travail (STMT), fin d'année",
              "Personnes inscrites à France Travail, tenues de rechercher un emploi, ayant ou non "
              "exercé une activité réduite dans le mois.", decimals=0,
              secret_rule="Effectif inférieur à 5 : non diffusé par France Travail ; "
              "l'application applique le seuil de 11."),
    _rate("part_de_longue_duree", "Part des demandeurs d'emploi inscrits depuis plus d'un an",
          "emploi", "higher_worse", "France Travail – Dares",
          "Statistiques du marché du travail (STMT), fin d'année",
          "Demandeurs d'emploi de catégories A, B, C inscrits depuis un an ou plus.",
          "demandeurs d'emploi de longue durée", "demandeurs d'emploi ABC"),
    _rate("part_de_moins_26", "Part des moins de 26 ans parmi les demandeurs d'emploi", "emploi",
          "neutral", "France Travail – Dares", "Statistiques du marché du travail (STMT), fin d'année",
          "Demandeurs d'emploi de catégories A, B, C âgés de moins de 26 ans.",
          "demandeurs d'emploi de moins de 26 ans", "demandeurs d'emploi ABC"),
    _rate("part_emplois_precaires", "Part des emplois précaires", "emploi", "higher_worse", RP, RP_DS,
          "Salariés en CDD, intérim, emploi aidé, apprentissage ou stage parmi les salariés.",
          "emplois précaires", "salariés"),
    _rate("part_jeunes_neet", "Part des 16-25 ans ni en emploi, ni en études, ni en formation",
          "emploi", "higher_worse", RP, RP_DS,
          "Jeunes de 16 à 25 ans qui ne sont ni en emploi ni scolarisés (NEET).",
          "jeunes NEET", "habitants de 16-25 ans"),
    # Éducation
    _rate("part_sans_diplome", "Part des 15 ans ou plus non scolarisés sans diplôme", "education",
          "higher_worse", RP, RP_DS,
          "Personnes non scolarisées de 15 ans ou plus sans aucun diplôme ou avec au plus un "
          "certificat d'études primaires.", "non-diplômés", "non-scolarisés de 15 ans ou plus",
          is_key=True),
    _rate("taux_scolarisation_18_24", "Taux de scolarisation des 18-24 ans", "education",
          "higher_better", RP, RP_DS, "Jeunes de 18 à 24 ans inscrits dans un établissement "
          "d'enseignement.", "18-24 ans scolarisés", "habitants de 18-24 ans"),
    _rate("taux_reussite_dnb", "Taux de réussite au diplôme national du brevet", "education",
          "higher_better", "Ministère de l'Éducation nationale – DEPP",
          "Résultats au diplôme national du brevet, élèves domiciliés",
          "Candidats domiciliés sur le territoire admis au brevet, parmi les présents.",
          "admis", "candidats présents", is_key=True),
    _rate("part_retard_6e", "Part des élèves entrant en 6e avec au moins un an de retard",
          "education", "higher_worse", "Ministère de l'Éducation nationale – DEPP",
          "Base élèves du second degré (SYSCA)", "Élèves de sixième nés avant l'année attendue.",
          "élèves de 6e en retard", "élèves de 6e"),
    _rate("part_college_rep", "Part des collégiens scolarisés en éducation prioritaire (REP, REP+)",
          "education", "neutral", "Ministère de l'Éducation nationale – DEPP",
          "Base élèves du second degré (SYSCA)",
          "Collégiens domiciliés sur le territoire scolarisés dans un collège REP ou REP+.",
          "collégiens en REP/REP+", "collégiens"),
    # Santé
    _rate("part_c2s", "Part des assurés couverts par la Complémentaire santé solidaire", "sante",
          "higher_worse", "Cnam", "Bénéficiaires du régime général (SNDS)",
          "Assurés et ayants droit bénéficiant de la C2S, gratuite ou participative.",
          "bénéficiaires de la C2S", "assurés", is_key=True,
          caveat=C2S_CAVEAT),
    Indicator("medecins_pour_10000", "Médecins généralistes pour 10 000 habitants", "sante",
              "pour 10 000 hab.", "ratio", "higher_better", "Cnam", "Professionnels de santé libéraux",
              "Médecins généralistes libéraux exerçant sur le territoire, pour 10 000 habitants.",
              scale=10000.0, numerator_label="médecins généralistes", denominator_label="habitants",
              secret_threshold=None, secret_rule=None),
    _rate("part_sans_medecin_traitant", "Part des assurés sans médecin traitant", "sante",
          "higher_worse", "Cnam", "Bénéficiaires du régime général (SNDS)",
          "Assurés de 17 ans ou plus n'ayant pas déclaré de médecin traitant.",
          "assurés sans médecin traitant", "assurés de 17 ans ou plus", is_key=True),
    _rate("part_recours_dentiste", "Part des assurés ayant consulté un dentiste dans l'année",
          "sante", "higher_better", "Cnam", "Consommation de soins (SNDS)",
          "Assurés ayant eu au moins un acte dentaire remboursé dans l'année.",
          "assurés ayant consulté", "assurés"),
    _rate("part_ald", "Part des assurés en affection de longue durée", "sante", "higher_worse",
          "Cnam", "Bénéficiaires du régime général (SNDS)",
          "Assurés reconnus en affection de longue durée (ALD), standardisée sur l'âge.",
          "assurés en ALD", "assurés"),
    # Mobilité
    _rate("part_menages_sans_voiture", "Part des ménages sans voiture", "mobilite", "neutral", RP,
          RP_DS, "Ménages ne disposant d'aucune voiture.", "ménages sans voiture", "ménages",
          is_key=True),
    _rate("part_actifs_tc", "Part des actifs allant travailler en transports en commun",
          "mobilite", "neutral", RP, RP_DS + " (mobilités professionnelles)",
          "Actifs occupés utilisant principalement les transports en commun pour aller travailler.",
          "actifs en transports en commun", "actifs occupés"),
    _rate("part_actifs_hors_commune", "Part des actifs travaillant hors de leur commune",
          "mobilite", "neutral", RP, RP_DS + " (mobilités professionnelles)",
          "Actifs occupés dont le lieu de travail est situé dans une autre commune.",
          "actifs travaillant ailleurs", "actifs occupés"),
    Indicator("distance_travail_mediane", "Distance domicile-travail médiane", "mobilite", "km",
              "median", "neutral", RP, RP_DS + " (mobilités professionnelles)",
              "Distance routière médiane entre le domicile et le lieu de travail des actifs occupés.",
              decimals=1, caveat="Une médiane ne s'additionne pas et ne se moyenne pas."),
    Indicator("temps_acces_centre", "Temps d'accès au centre-ville en transports en commun",
              "mobilite", "minutes", "mean", "higher_worse", "Autorité organisatrice des mobilités",
              "Horaires théoriques du réseau (GTFS)",
              "Temps moyen, en heure de pointe du matin, pour rejoindre l'hôtel de ville en "
              "transports en commun depuis les adresses du territoire.",
              scale=1.0, numerator_label="minutes cumulées", denominator_label="adresses",
              secret_threshold=None, secret_rule=None, decimals=0),
    # Logement
    _rate("part_logements_sociaux", "Part des logements sociaux", "logement", "neutral",
          "Ministère de la Transition écologique – SDES", "Répertoire des logements locatifs des "
          "bailleurs sociaux (RPLS)", "Logements locatifs sociaux parmi les résidences principales.",
          "logements sociaux", "résidences principales", is_key=True),
    _rate("part_locataires", "Part des ménages locataires", "logement", "neutral", RP, RP_DS,
          "Ménages locataires (parc privé ou social) parmi l'ensemble des ménages.",
          "ménages locataires", "ménages"),
    _rate("part_suroccupation", "Part des résidences principales suroccupées", "logement",
          "higher_worse", RP, RP_DS,
          "Logements comptant moins de pièces que la norme d'occupation pour le ménage.",
          "logements suroccupés", "résidences principales", is_key=True),
    _rate("taux_vacance_social", "Taux de vacance dans le parc social", "logement", "higher_worse",
          "Ministère de la Transition écologique – SDES", "RPLS",
          "Logements sociaux proposés à la location mais vacants au 1er janvier.",
          "logements vacants", "logements sociaux proposés à la location"),
    _rate("taux_rotation_social", "Taux de rotation dans le parc social", "logement", "neutral",
          "Ministère de la Transition écologique – SDES", "RPLS",
          "Emménagements dans l'année rapportés aux logements sociaux loués.",
          "emménagements", "logements loués"),
    Indicator("loyer_moyen_social", "Loyer moyen du parc social", "logement", "€/m²", "mean",
              "neutral", "Ministère de la Transition écologique – SDES", "RPLS",
              "Loyer principal moyen par mètre carré de surface habitable, hors charges.",
              scale=1.0, numerator_label="loyers (€)", denominator_label="surface habitable (m²)",
              decimals=2, secret_threshold=None, secret_rule=None),
    # Énergie
    Indicator("conso_elec_mensuelle", "Consommation d'électricité résidentielle", "energie", "MWh",
              "count", "neutral", "Enedis", "Consommation mensuelle agrégée par maille",
              "Électricité soutirée par les logements du territoire au cours du mois.",
              denominator_label="points de livraison", periodicity="monthly", decimals=0,
              secret_rule="Moins de 11 points de livraison : valeur non diffusée."),
    Indicator("conso_gaz_mensuelle", "Consommation de gaz résidentielle", "energie", "MWh", "count",
              "neutral", "GRDF", "Consommation mensuelle agrégée par maille",
              "Gaz naturel consommé par les logements raccordés du territoire au cours du mois.",
              denominator_label="points de livraison", periodicity="monthly", decimals=0,
              secret_rule="Moins de 11 points de livraison : valeur non diffusée."),
    Indicator("conso_elec_logement", "Consommation annuelle d'électricité par logement", "energie",
              "MWh", "mean", "higher_worse", "Enedis", "Consommation annuelle résidentielle",
              "Électricité résidentielle consommée dans l'année rapportée au nombre de logements "
              "desservis.", scale=1.0, numerator_label="MWh", denominator_label="logements",
              decimals=2, is_key=True),
    Indicator("conso_gaz_logement", "Consommation annuelle de gaz par logement raccordé", "energie",
              "MWh", "mean", "higher_worse", "GRDF", "Consommation annuelle résidentielle",
              "Gaz consommé dans l'année rapporté au nombre de logements raccordés.", scale=1.0,
              numerator_label="MWh", denominator_label="logements raccordés", decimals=2),
    _rate("part_dpe_fg", "Part des logements classés F ou G (DPE)", "energie", "higher_worse",
          "Ademe", "Diagnostics de performance énergétique des logements existants",
          "Logements dont le dernier DPE est classé F ou G, parmi les logements diagnostiqués.",
          "logements F ou G", "logements diagnostiqués",
          caveat="Seuls les logements ayant fait l'objet d'un DPE depuis juillet 2021 sont "
          "comptés ; méthode modifiée en 2026 pour l'électricité."),
    _rate("part_precarite_energetique", "Part des ménages en précarité énergétique (logement)",
          "energie", "higher_worse", "Observatoire national de la précarité énergétique",
          "Géodip", "Ménages des trois premiers déciles de revenu consacrant plus de 8 % de leur "
          "revenu à l'énergie du logement.", "ménages en précarité", "ménages", is_key=True),
]
DEMO_CATALOGUE = [Indicator(**{**asdict(ind), "sort_order": i}) for i, ind in enumerate(DEMO_CATALOGUE)]

INDICATOR_COLUMNS = [f.name for f in fields(Indicator)]


def save_domains(cur: duckdb.DuckDBPyConnection) -> None:
    cur.executemany("INSERT OR REPLACE INTO domain VALUES (?, ?, ?)",
                    [(d, label, i) for i, (d, label) in enumerate(DOMAINS)])


def save_indicators(cur: duckdb.DuckDBPyConnection, indicators: list[Indicator],
                    batch_id: int | None = None) -> None:
    """Insert or update catalogue entries (a handful of rows: executemany is fine here)."""
    cols = INDICATOR_COLUMNS + ["batch_id"]
    placeholders = ", ".join("?" for _ in cols)
    cur.executemany(f"INSERT OR REPLACE INTO indicator ({', '.join(cols)}) VALUES ({placeholders})",
                    [[getattr(ind, c) for c in INDICATOR_COLUMNS] + [batch_id] for ind in indicators])


def load_indicators(cur: duckdb.DuckDBPyConnection) -> list[Indicator]:
    """The catalogue of the open workspace, ordered by domain then by the catalogue's order."""
    rows = cur.execute(
        f"SELECT {', '.join('i.' + c for c in INDICATOR_COLUMNS)} FROM indicator i "
        "LEFT JOIN domain d ON d.id = i.domain ORDER BY d.sort_order, i.sort_order, i.id").fetchall()
    return [Indicator(*row) for row in rows]


def domain_labels(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute("SELECT id, label FROM domain ORDER BY sort_order").fetchall())
