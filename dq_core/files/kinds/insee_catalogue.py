"""The official indicators: every column of INSEE's QPV thematic bases mapped to a catalogue entry.

Column names are those of the "Données par thématique" files (DEMO, IPRO, REVN, editions 2017-2022)
and of INSEE's raw `data_DEMO_*_V1_QP.csv`. Ids shared with the demo catalogue keep their meaning
(`pop_totale`, `taux_pauvrete`…), so that pages built on the demo work on real data.
"""

from __future__ import annotations

from dataclasses import replace

from dq_core.store.catalogue import C2S_CAVEAT, DEMO_CATALOGUE, SECRET_RULE_FISCAL, Indicator

RP, RP_DS = "Insee", "Recensement de la population"
CAF, CAF_DS = "Cnaf", "Allocataires des caisses d'allocations familiales au 31 décembre"
FT, FT_DS = "France Travail – Dares", "Demandeurs d'emploi inscrits en fin de mois (STMT), 4e trimestre"
ASP, ASP_DS = "Agence de services et de paiement (ASP)", "Contrats aidés"
FILO, FILO_DS = "Insee – DGFiP", "Filosofi (fichier localisé social et fiscal)"
CNAM, CNAM_DS = "Cnam", "Bénéficiaires du régime général de l'assurance maladie"

SECRET_RULE_PRODUCER = ("Effectif inférieur à 5 : non diffusé par le producteur (case vide dans le fichier "
                        "de l'Insee) ; une case vide n'est jamais lue comme un zéro.")
NON_ADDITIVE = ("Indicateur non additif (taux, part ou médiane) : il ne se somme pas et ne se moyenne pas "
                "entre quartiers.")
CNAM_CAVEAT = C2S_CAVEAT         # the census advice on consecutive editions is not about the Cnam's figures
QUALIFICATION_CAVEAT = ("Le fichier de l'Insee numérote les niveaux de qualification de 1 à 5 sans en donner "
                        "les intitulés : l'application ne les nomme pas. Les cinq niveaux additionnés "
                        "redonnent, aux arrondis près, les demandeurs d'emploi A, B, C.")
FILO_CAVEAT = ("Filosofi 2021 est le dernier millésime diffusé par l'Insee (suppression de la taxe "
               "d'habitation) : pas de valeur plus récente à attendre. " + NON_ADDITIVE)
DERIVED = " Calculé par l'application à partir des effectifs publiés par l'Insee."


def _count(id, label, domain, producer, dataset, definition, direction="neutral", **kw) -> Indicator:
    kw.setdefault("secret_threshold", 5)
    kw.setdefault("secret_rule", SECRET_RULE_PRODUCER)
    return Indicator(id, label, domain, kw.pop("unit", "personnes"), "count", direction, producer, dataset,
                     definition, decimals=0, **kw)


def _rate(id, label, domain, producer, dataset, definition, num, den, direction="neutral", **kw) -> Indicator:
    kw.setdefault("secret_threshold", None)
    kw.setdefault("secret_rule", "Valeur non diffusée par l'Insee quand l'effectif sous-jacent est trop faible.")
    kw.setdefault("caveat", NON_ADDITIVE)
    return Indicator(id, label, domain, "%", "rate", direction, producer, dataset, definition, scale=100.0,
                     numerator_label=num, denominator_label=den, **kw)


def _euros(id, label, definition, **kw) -> Indicator:
    kw.setdefault("caveat", FILO_CAVEAT)
    return Indicator(id, label, "revenus", "€", "median" if "médian" in label.lower() else "index",
                     kw.pop("direction", "higher_better"), FILO, FILO_DS, definition,
                     secret_threshold=None, secret_rule=SECRET_RULE_FISCAL, decimals=0, **kw)


def _filo_rate(id, label, definition, num, den, direction="neutral", **kw) -> Indicator:
    return _rate(id, label, "revenus", FILO, FILO_DS, definition, num, den, direction,
                 secret_rule=SECRET_RULE_FISCAL, caveat=FILO_CAVEAT, **kw)


_DEMO_BY_ID = {ind.id: ind for ind in DEMO_CATALOGUE}


def _reuse(id: str, **changes) -> Indicator:
    """A demo catalogue entry with the official producer's wording where it differs."""
    return replace(_DEMO_BY_ID[id], **changes)


OFFICIAL_INDICATORS: list[Indicator] = [
    # --- Démographie (recensement)
    _reuse("pop_totale", definition="Population municipale du quartier au recensement : personnes ayant "
           "leur résidence habituelle dans le quartier.", secret_threshold=None, secret_rule=None),
    _count("pop_quartiers_commune", "Population des quartiers prioritaires des communes du quartier",
           "demographie", RP, RP_DS, "Cumul de la population municipale de tous les quartiers prioritaires "
           "de la ou des communes englobant le quartier.", unit="habitants", secret_threshold=None,
           secret_rule=None),
    _count("pop_commune_englobante", "Population des communes englobant le quartier", "demographie", RP,
           RP_DS, "Population municipale de la ou des communes sur lesquelles s'étend le quartier.",
           unit="habitants", secret_threshold=None, secret_rule=None),
    _rate("part_femmes", "Part des femmes", "demographie", RP, RP_DS,
          "Femmes rapportées à l'ensemble de la population.", "femmes", "habitants"),
    _reuse("part_moins_25", caveat=NON_ADDITIVE),
    _rate("part_moins_25_femmes", "Part des moins de 25 ans parmi les femmes", "demographie", RP, RP_DS,
          "Femmes de moins de 25 ans rapportées à l'ensemble des femmes.", "femmes de moins de 25 ans", "femmes"),
    _reuse("part_60_plus", caveat=NON_ADDITIVE),
    _rate("part_60_plus_femmes", "Part des 60 ans et plus parmi les femmes", "demographie", RP, RP_DS,
          "Femmes de 60 ans ou plus rapportées à l'ensemble des femmes.", "femmes de 60 ans ou plus", "femmes"),
    _reuse("indice_jeunesse", definition="Population de 0 à 19 ans rapportée à la population de 60 ans ou "
           "plus.", caveat=NON_ADDITIVE),
    _reuse("part_menages_1pers", caveat=NON_ADDITIVE),
    _reuse("part_grands_menages", caveat=NON_ADDITIVE),
    _reuse("part_etrangers", caveat=NON_ADDITIVE),
    _rate("part_etrangeres", "Part des étrangères parmi les femmes", "demographie", RP, RP_DS,
          "Femmes de nationalité étrangère rapportées à l'ensemble des femmes.", "étrangères", "femmes"),
    # --- Familles allocataires (Caf)
    _reuse("allocataires_caf", definition="Foyers allocataires percevant au moins une prestation de la "
           "caisse d'allocations familiales.", secret_threshold=5, secret_rule=SECRET_RULE_PRODUCER),
    _count("personnes_couvertes_caf", "Personnes couvertes par au moins une prestation de la Caf",
           "demographie", CAF, CAF_DS, "Allocataires, conjoints, enfants et autres personnes à charge des "
           "foyers percevant au moins une prestation de la Caf.", is_key=True),
    _count("allocataires_monoparents", "Allocataires monoparents", "demographie", CAF, CAF_DS,
           "Allocataires élevant seuls un ou plusieurs enfants.", unit="allocataires"),
    _count("allocataires_isoles", "Allocataires isolés sans enfant", "demographie", CAF, CAF_DS,
           "Allocataires vivant seuls, sans enfant à charge.", unit="allocataires"),
    _count("allocataires_couples_sans_enfant", "Allocataires en couple sans enfant", "demographie", CAF,
           CAF_DS, "Allocataires vivant en couple sans enfant à charge.", unit="allocataires"),
    _count("allocataires_couples_avec_enfants", "Allocataires en couple avec au moins un enfant", "demographie", CAF,
           CAF_DS, "Allocataires vivant en couple avec au moins un enfant à charge.", unit="allocataires"),
    _count("allocataires_couples_3_enfants", "Allocataires en couple avec 3 enfants ou plus", "demographie",
           CAF, CAF_DS, "Allocataires vivant en couple avec au moins trois enfants à charge.",
           unit="allocataires"),
    _count("allocataires_jeunes_non_etudiants", "Allocataires de moins de 25 ans non étudiants",
           "demographie", CAF, CAF_DS, "Allocataires âgés de moins de 25 ans qui ne sont pas étudiants.",
           unit="allocataires"),
    _count("allocataires_etudiants", "Allocataires étudiants", "demographie", CAF, CAF_DS,
           "Allocataires étudiants (le plus souvent au titre d'une aide au logement).", unit="allocataires"),
    _count("enfants_couverts_caf", "Enfants couverts par la Caf", "demographie", CAF, CAF_DS,
           "Enfants à charge des foyers allocataires de la Caf.", unit="enfants"),
    *[_count(f"enfants_couverts_{suffix}", f"Enfants couverts par la Caf : {ages}", "demographie", CAF, CAF_DS,
             f"Enfants à charge des foyers allocataires, âgés de {ages}.", unit="enfants")
      for suffix, ages in [("0_2", "0 à 2 ans"), ("3_5", "3 à 5 ans"), ("6_10", "6 à 10 ans"),
                           ("11_14", "11 à 14 ans"), ("15_17", "15 à 17 ans"), ("18_24", "18 à 24 ans")]],
    # --- Revenus (Filosofi)
    _filo_rate("part_menages_imposes", "Part des ménages fiscaux imposés",
               "Ménages fiscaux dont le montant d'impôt sur le revenu est positif, parmi l'ensemble des "
               "ménages fiscaux.", "ménages imposés", "ménages fiscaux", "higher_better"),
    _filo_rate("part_menages_revenu_chomage", "Part des ménages vivant principalement d'indemnités de chômage",
               "Ménages dont l'origine principale du revenu déclaré est constituée d'indemnités de chômage.",
               "ménages", "ménages fiscaux", "higher_worse"),
    _euros("revenu_declare_median_uc", "Revenu déclaré médian par unité de consommation",
           "Revenu déclaré au fisc par unité de consommation qui partage les habitants en deux moitiés "
           "(avant prestations sociales et impôts)."),
    _euros("revenu_declare_q1_uc", "Revenu déclaré par UC : 1er quartile",
           "Revenu déclaré par unité de consommation en dessous duquel se situent 25 % des habitants."),
    _euros("revenu_declare_q3_uc", "Revenu déclaré par UC : 3e quartile",
           "Revenu déclaré par unité de consommation en dessous duquel se situent 75 % des habitants."),
    _euros("revenu_declare_d1_uc", "Revenu déclaré par UC : 1er décile",
           "Revenu déclaré par unité de consommation en dessous duquel se situent 10 % des habitants."),
    _euros("revenu_declare_d9_uc", "Revenu déclaré par UC : 9e décile",
           "Revenu déclaré par unité de consommation au-dessus duquel se situent 10 % des habitants."),
    Indicator("rapport_interdecile_declare", "Rapport interdécile (D9/D1) du revenu déclaré", "revenus",
              "ratio", "index", "higher_worse", FILO, FILO_DS, "Rapport entre le 9e et le 1er décile du "
              "revenu déclaré par unité de consommation.", secret_threshold=None,
              secret_rule=SECRET_RULE_FISCAL, caveat=FILO_CAVEAT, decimals=1),
    # BREV sits among the declared-income columns (DECUC_*) and exceeds TP60 everywhere: it is measured on
    # declared income, before social benefits and taxes — not the poverty rate.
    _filo_rate("taux_bas_revenus", "Taux de bas revenus déclarés",
               "Part des personnes dont le revenu déclaré par unité de consommation (avant prestations "
               "sociales et impôts) est inférieur à 60 % du revenu déclaré médian. Ce n'est pas le taux "
               "de pauvreté, mesuré sur le revenu disponible (après prestations et impôts).",
               "personnes à bas revenus déclarés", "habitants", "higher_worse"),
    _reuse("revenu_median_uc", caveat=FILO_CAVEAT, secret_threshold=None),
    _euros("revenu_q1_uc", "Revenu disponible par UC : 1er quartile",
           "Niveau de vie en dessous duquel se situent 25 % des habitants."),
    _euros("revenu_q3_uc", "Revenu disponible par UC : 3e quartile",
           "Niveau de vie en dessous duquel se situent 75 % des habitants."),
    _euros("revenu_d1_uc", "Revenu disponible par UC : 1er décile",
           "Niveau de vie en dessous duquel se situent les 10 % les plus modestes."),
    _euros("revenu_d9_uc", "Revenu disponible par UC : 9e décile",
           "Niveau de vie au-dessus duquel se situent les 10 % les plus aisés."),
    _reuse("rapport_interdecile", caveat=FILO_CAVEAT, secret_threshold=None),
    _reuse("taux_pauvrete", caveat=FILO_CAVEAT, secret_threshold=None),
    _filo_rate("part_revenus_activite", "Part des revenus d'activité dans le revenu disponible",
               "Salaires et revenus d'indépendants (y compris indemnités de chômage) rapportés au revenu "
               "disponible.", "revenus d'activité (€)", "revenu disponible (€)"),
    _filo_rate("part_pensions_retraites", "Part des pensions, retraites et rentes dans le revenu disponible",
               "Pensions, retraites et rentes rapportées au revenu disponible.", "pensions (€)",
               "revenu disponible (€)"),
    _reuse("part_prestations_revenu", caveat=FILO_CAVEAT, secret_threshold=None),
    _filo_rate("part_impots_revenu", "Part des impôts dans le revenu disponible",
               "Impôts directs (impôt sur le revenu, taxe d'habitation, prélèvements sociaux), comptés en "
               "négatif, rapportés au revenu disponible.", "impôts (€)", "revenu disponible (€)"),
    _filo_rate("part_revenus_patrimoine", "Part des revenus du patrimoine dans le revenu disponible",
               "Revenus du patrimoine (fonciers, financiers) rapportés au revenu disponible.",
               "revenus du patrimoine (€)", "revenu disponible (€)"),
    # --- Prestations (Caf)
    _count("allocataires_dependants_50", "Allocataires dont les prestations font au moins 50 % des ressources",
           "revenus", CAF, CAF_DS, "Allocataires dont les prestations versées par la Caf représentent au "
           "moins la moitié des ressources.", unit="allocataires", direction="higher_worse"),
    _count("allocataires_dependants_100", "Allocataires dont les ressources sont constituées à 100 % de "
           "prestations", "revenus", CAF, CAF_DS, "Allocataires dont les ressources proviennent entièrement "
           "des prestations versées par la Caf.", unit="allocataires", direction="higher_worse"),
    _reuse("part_alloc_dependants", definition="Allocataires dont les prestations représentent au moins la "
           "moitié des ressources, parmi l'ensemble des allocataires." + DERIVED, producer=CAF,
           dataset=CAF_DS, secret_threshold=None, secret_rule=None, caveat=NON_ADDITIVE),
    _count("allocataires_rsa", "Allocataires du revenu de solidarité active (RSA)", "revenus", CAF, CAF_DS,
           "Foyers allocataires percevant le RSA (socle ou activité).", unit="allocataires",
           direction="higher_worse"),
    _count("allocataires_rsa_socle", "Allocataires du RSA socle", "revenus", CAF, CAF_DS,
           "Foyers allocataires percevant le RSA socle (sans revenu d'activité suffisant).",
           unit="allocataires", direction="higher_worse"),
    _count("allocataires_prime_activite", "Allocataires de la prime d'activité", "revenus", CAF, CAF_DS,
           "Foyers allocataires percevant la prime d'activité.", unit="allocataires"),
    _count("allocataires_aah", "Allocataires de l'allocation aux adultes handicapés (AAH)", "revenus", CAF,
           CAF_DS, "Foyers allocataires percevant l'allocation aux adultes handicapés.", unit="allocataires"),
    # --- Santé (Cnam)
    _count("beneficiaires_regime_general", "Bénéficiaires du régime général de l'assurance maladie", "sante",
           CNAM, CNAM_DS, "Assurés et ayants droit du régime général."),
    # One series: the CMU-C column of the editions up to 2019 (CCMUC) feeds it, with a break at the
    # first C2S period (SERIES_BREAKS in insee_thematic).
    _count("beneficiaires_c2s", "Bénéficiaires de la Complémentaire santé solidaire (C2S)", "sante", CNAM,
           CNAM_DS, "Bénéficiaires de la Complémentaire santé solidaire, gratuite ou avec participation "
           "financière ; jusqu'en 2019, bénéficiaires de la CMU complémentaire (CMU-C), qu'elle a "
           "remplacée en novembre 2019.", direction="higher_worse", caveat=CNAM_CAVEAT),
    _count("beneficiaires_c2s_gratuite", "Bénéficiaires de la C2S sans participation financière", "sante",
           CNAM, CNAM_DS, "Bénéficiaires de la Complémentaire santé solidaire non participative (gratuite).",
           direction="higher_worse", caveat=CNAM_CAVEAT),
    _count("beneficiaires_c2s_participative", "Bénéficiaires de la C2S avec participation financière", "sante",
           CNAM, CNAM_DS, "Bénéficiaires de la Complémentaire santé solidaire participative.",
           direction="higher_worse", caveat=CNAM_CAVEAT),
    _reuse("part_c2s", definition="Bénéficiaires de la Complémentaire santé solidaire rapportés aux "
           "bénéficiaires du régime général." + DERIVED, dataset=CNAM_DS, secret_threshold=None,
           secret_rule=None, caveat=CNAM_CAVEAT + " " + NON_ADDITIVE),
    # --- Emploi (recensement)
    _reuse("taux_emploi", caveat=NON_ADDITIVE),
    _reuse("taux_emploi_femmes", caveat=NON_ADDITIVE),
    _rate("taux_emploi_etrangers", "Taux d'emploi des étrangers de 15-64 ans", "emploi", RP, RP_DS,
          "Étrangers de 15 à 64 ans ayant un emploi, rapportés aux étrangers de cet âge.",
          "étrangers de 15-64 ans en emploi", "étrangers de 15-64 ans", "higher_better"),
    _reuse("part_emplois_precaires", label="Part des emplois précaires (à durée limitée)",
           definition="Salariés en emploi à durée limitée (CDD, intérim, emplois aidés, apprentissage, "
           "stages) parmi les personnes en emploi.", caveat=NON_ADDITIVE),
    _rate("part_emplois_precaires_femmes", "Part des emplois précaires (à durée limitée) chez les femmes",
          "emploi", RP, RP_DS, "Femmes en emploi à durée limitée parmi les femmes en emploi.",
          "femmes en emploi à durée limitée", "femmes en emploi", "higher_worse"),
    _rate("part_emplois_precaires_etrangers", "Part des emplois précaires (à durée limitée) chez les étrangers",
          "emploi", RP, RP_DS, "Étrangers en emploi à durée limitée parmi les étrangers en emploi.",
          "étrangers en emploi à durée limitée", "étrangers en emploi", "higher_worse"),
    # --- Contrats aidés (ASP)
    _count("contrats_aides", "Bénéficiaires de contrats aidés", "emploi", ASP, ASP_DS,
           "Habitants bénéficiaires d'un contrat aidé (contrat unique d'insertion, emploi d'avenir)."),
    _count("contrats_aides_femmes", "Bénéficiaires de contrats aidés : femmes", "emploi", ASP, ASP_DS,
           "Femmes bénéficiaires d'un contrat aidé."),
    _count("contrats_aides_hommes", "Bénéficiaires de contrats aidés : hommes", "emploi", ASP, ASP_DS,
           "Hommes bénéficiaires d'un contrat aidé."),
    _count("contrats_cui", "Contrats uniques d'insertion (CUI)", "emploi", ASP, ASP_DS,
           "Bénéficiaires d'un contrat unique d'insertion (CIE dans le secteur marchand, CAE dans le "
           "secteur non marchand)."),
    _count("contrats_cui_femmes", "Contrats uniques d'insertion : femmes", "emploi", ASP, ASP_DS,
           "Femmes bénéficiaires d'un contrat unique d'insertion."),
    _count("contrats_cui_hommes", "Contrats uniques d'insertion : hommes", "emploi", ASP, ASP_DS,
           "Hommes bénéficiaires d'un contrat unique d'insertion."),
    _count("contrats_cie", "Contrats initiative emploi (CIE)", "emploi", ASP, ASP_DS,
           "Bénéficiaires d'un contrat initiative emploi (secteur marchand)."),
    _count("contrats_cie_hors_starter", "Contrats initiative emploi hors « CIE Starter »", "emploi", ASP, ASP_DS,
           "Bénéficiaires d'un contrat initiative emploi, hors dispositif « CIE Starter » pour les jeunes."),
    _count("contrats_cie_starter", "Contrats « CIE Starter »", "emploi", ASP, ASP_DS,
           "Bénéficiaires d'un contrat initiative emploi « Starter », réservé aux jeunes."),
    _count("contrats_cae", "Contrats d'accompagnement dans l'emploi (CAE)", "emploi", ASP, ASP_DS,
           "Bénéficiaires d'un contrat d'accompagnement dans l'emploi (secteur non marchand)."),
    _count("emplois_avenir", "Emplois d'avenir", "emploi", ASP, ASP_DS, "Jeunes bénéficiaires d'un emploi d'avenir."),
    _count("emplois_avenir_femmes", "Emplois d'avenir : femmes", "emploi", ASP, ASP_DS,
           "Jeunes femmes bénéficiaires d'un emploi d'avenir."),
    _count("emplois_avenir_hommes", "Emplois d'avenir : hommes", "emploi", ASP, ASP_DS,
           "Jeunes hommes bénéficiaires d'un emploi d'avenir."),
    *[_count(f"contrats_cui_{suffix}", f"Contrats uniques d'insertion : {label}", "emploi", ASP, ASP_DS,
             f"Bénéficiaires d'un contrat unique d'insertion, {label}.")
      for suffix, label in [("moins_26", "moins de 26 ans"), ("26_49", "26 à 49 ans"), ("50_plus", "50 ans ou plus"),
                            ("infcap", "niveau inférieur au CAP"), ("cap", "niveau CAP-BEP"),
                            ("bac", "niveau baccalauréat"), ("supbac", "niveau supérieur au baccalauréat")]],
    *[_count(f"emplois_avenir_{suffix}", f"Emplois d'avenir : {label}", "emploi", ASP, ASP_DS,
             f"Bénéficiaires d'un emploi d'avenir, {label}.")
      for suffix, label in [("infcap", "niveau inférieur au CAP"), ("cap", "niveau CAP-BEP"),
                            ("supcap", "niveau supérieur au CAP-BEP")]],
    _count("entrees_contrats_aides", "Entrées en contrats aidés dans l'année", "emploi", ASP, ASP_DS,
           "Habitants entrés en contrat aidé au cours de l'année."),
    _count("entrees_contrats_aides_annee_precedente", "Entrées en contrats aidés l'année précédente", "emploi",
           ASP, ASP_DS, "Habitants entrés en contrat aidé au cours de l'année précédente."),
    Indicator("evolution_entrees_contrats_aides", "Évolution des entrées en contrats aidés sur un an", "emploi",
              "%", "index", "neutral", ASP, ASP_DS, "Variation, en pourcentage, du nombre d'entrées en contrats "
              "aidés entre l'année précédente et l'année.", secret_threshold=None, secret_rule=None,
              caveat="Évolution calculée sur de petits effectifs : à lire avec prudence."),
    # --- Demandeurs d'emploi (France Travail)
    _count("demandeurs_emploi_abcde", "Demandeurs d'emploi de catégories A à E", "emploi", FT, FT_DS,
           "Personnes inscrites à France Travail en fin d'année, toutes catégories (A, B, C, D, E).",
           direction="higher_worse"),
    _count("demandeurs_emploi_abcde_femmes", "Demandeurs d'emploi de catégories A à E : femmes", "emploi", FT,
           FT_DS, "Femmes inscrites à France Travail, catégories A à E.", direction="higher_worse"),
    _count("demandeurs_emploi_abcde_hommes", "Demandeurs d'emploi de catégories A à E : hommes", "emploi", FT,
           FT_DS, "Hommes inscrits à France Travail, catégories A à E.", direction="higher_worse"),
    _reuse("demandeurs_emploi_abc", dataset=FT_DS, secret_threshold=5, secret_rule=SECRET_RULE_PRODUCER),
    _count("demandeurs_emploi_abc_femmes", "Demandeurs d'emploi de catégories A, B, C : femmes", "emploi", FT,
           FT_DS, "Femmes inscrites à France Travail, tenues de rechercher un emploi (catégories A, B, C).",
           direction="higher_worse"),
    _count("demandeurs_emploi_abc_hommes", "Demandeurs d'emploi de catégories A, B, C : hommes", "emploi", FT,
           FT_DS, "Hommes inscrits à France Travail, tenus de rechercher un emploi (catégories A, B, C).",
           direction="higher_worse"),
    _count("demandeurs_emploi_abc_rsa", "Demandeurs d'emploi de catégories A, B, C au RSA", "emploi", FT, FT_DS,
           "Demandeurs d'emploi de catégories A, B, C bénéficiaires du revenu de solidarité active.",
           direction="higher_worse"),
    _count("demandeurs_emploi_abc_rsa_femmes", "Demandeurs d'emploi A, B, C au RSA : femmes", "emploi", FT,
           FT_DS, "Femmes demandeuses d'emploi de catégories A, B, C bénéficiaires du RSA.",
           direction="higher_worse"),
    _count("demandeurs_emploi_abc_rsa_hommes", "Demandeurs d'emploi A, B, C au RSA : hommes", "emploi", FT,
           FT_DS, "Hommes demandeurs d'emploi de catégories A, B, C bénéficiaires du RSA.",
           direction="higher_worse"),
    _count("demandeurs_emploi_a", "Demandeurs d'emploi de catégorie A", "emploi", FT, FT_DS,
           "Personnes inscrites à France Travail, sans emploi et tenues de rechercher un emploi "
           "(catégorie A).", direction="higher_worse"),
    _count("demandeurs_emploi_a_femmes", "Demandeurs d'emploi de catégorie A : femmes", "emploi", FT, FT_DS,
           "Femmes demandeuses d'emploi de catégorie A.", direction="higher_worse"),
    _count("demandeurs_emploi_a_hommes", "Demandeurs d'emploi de catégorie A : hommes", "emploi", FT, FT_DS,
           "Hommes demandeurs d'emploi de catégorie A.", direction="higher_worse"),
    *[_count(f"demandeurs_emploi_abc_{suffix}", f"Demandeurs d'emploi A, B, C : {label}", "emploi", FT, FT_DS,
             f"Demandeurs d'emploi de catégories A, B, C, {label}.", direction="higher_worse")
      for suffix, label in [("moins_26", "moins de 26 ans"), ("26_49", "26 à 49 ans"),
                            ("50_plus", "50 ans ou plus"), ("francais", "de nationalité française"),
                            ("etrangers", "de nationalité étrangère")]],
    *[_count(f"demandeurs_emploi_abc_{level}{sex_id}", f"Demandeurs d'emploi A, B, C : {label}{sex_label}",
             "emploi", FT, FT_DS, f"Demandeurs d'emploi de catégories A, B, C de {label}{sex_label}.",
             direction="higher_worse")
      for level, label in [("infcap", "niveau inférieur au CAP-BEP"), ("cap", "niveau CAP-BEP"),
                           ("bac", "niveau baccalauréat"), ("supbac", "niveau supérieur au baccalauréat")]
      for sex_id, sex_label in [("", ""), ("_femmes", ", femmes"), ("_hommes", ", hommes")]],
    # ABC_QAL1..5 (editions 2017-2018): the file names the levels by number only.
    *[_count(f"demandeurs_emploi_abc_qualif{n}",
             f"Demandeurs d'emploi A, B, C : niveau de qualification {n} (selon la nomenclature de France "
             "Travail)", "emploi", FT, FT_DS,
             f"Demandeurs d'emploi de catégories A, B, C classés au niveau de qualification {n} (colonne "
             f"ABC_QAL{n}) de la nomenclature de France Travail.", direction="higher_worse",
             caveat=QUALIFICATION_CAVEAT)
      for n in range(1, 6)],
    *[_count(f"demandeurs_emploi_abc_{dur}{sex_id}", f"Demandeurs d'emploi A, B, C inscrits {label}{sex_label}",
             "emploi", FT, FT_DS, f"Demandeurs d'emploi de catégories A, B, C inscrits {label}{sex_label}.",
             direction="higher_worse")
      for dur, label in [("moins_6_mois", "depuis moins de 6 mois"), ("6_12_mois", "depuis 6 mois à moins d'un an"),
                         ("1_2_ans", "depuis un an à moins de deux ans"), ("2_ans_plus", "depuis deux ans ou plus")]
      for sex_id, sex_label in [("", ""), ("_femmes", ", femmes"), ("_hommes", ", hommes")]],
    _reuse("part_de_longue_duree", definition="Demandeurs d'emploi de catégories A, B, C inscrits depuis un an "
           "ou plus, parmi l'ensemble des demandeurs d'emploi A, B, C." + DERIVED, dataset=FT_DS,
           secret_threshold=None, secret_rule=None, caveat=NON_ADDITIVE),
    _reuse("part_de_moins_26", definition="Demandeurs d'emploi de catégories A, B, C de moins de 26 ans, parmi "
           "l'ensemble des demandeurs d'emploi A, B, C." + DERIVED, dataset=FT_DS, secret_threshold=None,
           secret_rule=None, caveat=NON_ADDITIVE),
    _count("demandeurs_emploi_a_t4", "Demandeurs d'emploi de catégorie A au 4e trimestre", "emploi", FT, FT_DS,
           "Demandeurs d'emploi de catégorie A inscrits au 4e trimestre de l'année.", direction="higher_worse"),
    _count("demandeurs_emploi_a_t4_annee_precedente", "Demandeurs d'emploi de catégorie A au 4e trimestre de "
           "l'année précédente", "emploi", FT, FT_DS, "Demandeurs d'emploi de catégorie A inscrits au 4e "
           "trimestre de l'année précédente.", direction="higher_worse"),
    *[Indicator(f"evolution_demandeurs_emploi_{cat}{sex_id}", f"Évolution sur un an des demandeurs d'emploi "
                f"{label}{sex_label}", "emploi", "%", "index", "higher_worse", FT, FT_DS,
                f"Variation, en pourcentage, du nombre de demandeurs d'emploi {label}{sex_label} entre le 4e "
                "trimestre de l'année précédente et celui de l'année.", secret_threshold=None, secret_rule=None,
                caveat="Évolution calculée sur de petits effectifs : à lire avec prudence.")
      for cat, label in [("abc", "de catégories A, B, C"), ("a", "de catégorie A")]
      for sex_id, sex_label in [("", ""), ("_femmes", " (femmes)"), ("_hommes", " (hommes)")]],
]

# --- "Données par source" bases (Filosofi QPV files, QPV 2024 bases): the indicators they add. Their
# variable stems are mapped in `kinds/insee_sources.py`; entries reused from above keep their ids.
DEPP, DEPP_EDUC_DS = "Ministère de l'Éducation nationale – DEPP", "Élèves du second degré domiciliés (rentrée)"
DNB_DS = "Résultats au diplôme national du brevet, élèves domiciliés"
RPLS, RPLS_DS = "Ministère de la Transition écologique – SDES", "RPLS"
_ORDINALS = {2: "2e", 3: "3e", 4: "4e", 6: "6e", 7: "7e", 8: "8e"}
SOURCE_INDICATORS: list[Indicator] = [
    *[_euros(f"revenu_d{n}_uc", f"Revenu disponible par UC : {o} décile",
             f"Niveau de vie en dessous duquel se situent {n * 10} % des habitants.")
      for n, o in _ORDINALS.items()],
    Indicator("ecart_interquartile_relatif", "Écart interquartile du revenu disponible rapporté à la médiane",
              "revenus", "ratio", "index", "higher_worse", FILO, FILO_DS, "Écart entre le 3e et le 1er "
              "quartile du revenu disponible par unité de consommation, divisé par la médiane.",
              secret_threshold=None, secret_rule=SECRET_RULE_FISCAL, caveat=FILO_CAVEAT, decimals=2),
    Indicator("indice_gini", "Indice de Gini du revenu disponible", "revenus", "indice", "index", "higher_worse",
              FILO, FILO_DS, "Mesure des inégalités de niveau de vie, de 0 (égalité parfaite) à 1 (un seul "
              "habitant a tout le revenu).", secret_threshold=None, secret_rule=SECRET_RULE_FISCAL,
              caveat=FILO_CAVEAT, decimals=3),
    Indicator("rapport_s80s20", "Rapport S80/S20 du revenu disponible", "revenus", "ratio", "index",
              "higher_worse", FILO, FILO_DS, "Masse des niveaux de vie des 20 % les plus aisés rapportée à "
              "celle des 20 % les plus modestes.", secret_threshold=None, secret_rule=SECRET_RULE_FISCAL,
              caveat=FILO_CAVEAT, decimals=1),
    _filo_rate("part_salaires_revenu", "Part des salaires dans le revenu disponible",
               "Salaires et traitements rapportés au revenu disponible.", "salaires (€)", "revenu disponible (€)"),
    _filo_rate("part_indemnites_chomage", "Part des indemnités de chômage dans le revenu disponible",
               "Indemnités de chômage rapportées au revenu disponible.", "indemnités de chômage (€)",
               "revenu disponible (€)", "higher_worse"),
    _filo_rate("part_revenus_non_salaries", "Part des revenus des activités non salariées dans le revenu "
               "disponible", "Bénéfices des indépendants rapportés au revenu disponible.", "bénéfices (€)",
               "revenu disponible (€)"),
    _filo_rate("part_prestations_familiales", "Part des prestations familiales dans le revenu disponible",
               "Prestations familiales rapportées au revenu disponible.", "prestations familiales (€)",
               "revenu disponible (€)"),
    _filo_rate("part_minima_sociaux", "Part des minima sociaux dans le revenu disponible",
               "Minima sociaux (RSA, minimum vieillesse, AAH…) rapportés au revenu disponible.",
               "minima sociaux (€)", "revenu disponible (€)", "higher_worse"),
    _filo_rate("part_prestations_logement", "Part des prestations logement dans le revenu disponible",
               "Aides au logement rapportées au revenu disponible.", "prestations logement (€)",
               "revenu disponible (€)"),
    _count("collegiens", "Collégiens domiciliés dans le quartier", "education", DEPP, DEPP_EDUC_DS,
           "Élèves scolarisés au collège (public ou privé sous contrat) et domiciliés dans le quartier, à la "
           "rentrée scolaire.", unit="élèves"),
    _count("collegiens_rep", "Collégiens scolarisés en éducation prioritaire (REP, REP+)", "education", DEPP,
           DEPP_EDUC_DS, "Collégiens domiciliés dans le quartier et scolarisés dans un collège REP ou REP+.",
           unit="élèves"),
    _count("eleves_6e", "Élèves de sixième domiciliés dans le quartier", "education", DEPP, DEPP_EDUC_DS,
           "Élèves inscrits en classe de sixième et domiciliés dans le quartier.", unit="élèves"),
    _count("eleves_6e_retard", "Élèves de sixième en retard d'au moins un an", "education", DEPP, DEPP_EDUC_DS,
           "Élèves de sixième domiciliés dans le quartier, nés avant l'année attendue.", unit="élèves",
           direction="higher_worse"),
    _count("candidats_dnb", "Candidats présents au diplôme national du brevet", "education", DEPP, DNB_DS,
           "Candidats domiciliés dans le quartier présents aux épreuves du brevet de la session.",
           unit="candidats"),
    _count("admis_dnb", "Admis au diplôme national du brevet", "education", DEPP, DNB_DS,
           "Candidats domiciliés dans le quartier admis au brevet à la session.", unit="candidats",
           direction="higher_better"),
    _count("logements_sociaux", "Logements locatifs sociaux", "logement", RPLS, RPLS_DS,
           "Logements du répertoire des logements locatifs des bailleurs sociaux situés dans le quartier, "
           "au 1er janvier.", unit="logements", secret_threshold=None, secret_rule=None),
    _count("logements_sociaux_vacants", "Logements sociaux vacants", "logement", RPLS, RPLS_DS,
           "Logements sociaux proposés à la location mais vacants au 1er janvier.", unit="logements",
           direction="higher_worse", secret_threshold=None, secret_rule=None),
    *[_reuse(id, secret_threshold=None, secret_rule="Valeur non diffusée par l'Insee quand l'effectif "
             "sous-jacent est trop faible.", caveat=NON_ADDITIVE)
      for id in ("part_retard_6e", "part_college_rep", "taux_reussite_dnb", "taux_vacance_social")],
    _reuse("loyer_moyen_social", caveat=NON_ADDITIVE),
]
OFFICIAL_INDICATORS += SOURCE_INDICATORS

# Enedis, « consommation annuelle résidentielle par adresse » aggregated per quartier by the app
# (`kinds.enedis_addresses`): only addresses of 10 dwellings or more are published by Enedis.
ENEDIS = "Enedis"
ENEDIS_DS = "Consommation annuelle résidentielle par adresse"
ENEDIS_SECRET = ("Moins de 10 logements couverts dans le quartier : valeur non diffusée (règle des "
                 "gestionnaires de réseau, seuil réglable de l'espace de travail).")
ENEDIS_CAVEAT = ("Seules les adresses d'au moins 10 logements sont publiées par Enedis : les maisons et petits "
                 "immeubles manquent ; la couverture du quartier dit quelle part de ses logements est comptée.")
OFFICIAL_INDICATORS += [
    _reuse("conso_elec_logement", dataset=ENEDIS_DS, secret_threshold=None, secret_rule=None,
           definition="Électricité résidentielle consommée dans l'année par la commune, rapportée à ses points de "
                      "livraison résidentiels (moyenne publiée par Enedis)."),
    Indicator("conso_elec_adresse_logement", "Consommation d'électricité par logement (adresses Enedis)",
              "energie", "MWh", "mean", "higher_worse", ENEDIS, ENEDIS_DS,
              "Électricité résidentielle consommée dans l'année par les adresses du quartier publiées par "
              "Enedis, rapportée à leur nombre de logements.", scale=1.0, numerator_label="MWh",
              denominator_label="logements", secret_threshold=10, secret_rule=ENEDIS_SECRET,
              caveat=ENEDIS_CAVEAT, decimals=2),
    Indicator("couverture_conso_elec_adresse", "Part des logements couverts par les adresses Enedis",
              "energie", "%", "rate", "neutral", ENEDIS, ENEDIS_DS,
              "Logements des adresses du quartier publiées par Enedis, rapportés aux ménages (résidences "
              "principales) du quartier, tels que la base les connaît (dénominateur d'une part de ménages, "
              "précisé dans la note).", scale=100.0,
              numerator_label="logements des adresses Enedis", denominator_label="ménages",
              secret_threshold=10, secret_rule=ENEDIS_SECRET,
              caveat="Peut dépasser 100 % : Enedis compte les logements (vacants compris), le recensement "
                     "les ménages. " + ENEDIS_CAVEAT, decimals=0),
]

OFFICIAL_BY_ID = {ind.id: ind for ind in OFFICIAL_INDICATORS}

# Sort official indicators after the demo order where they reuse it, else in catalogue order.
_DEMO_ORDER = {ind.id: ind.sort_order for ind in DEMO_CATALOGUE}
OFFICIAL_INDICATORS = [replace(ind, sort_order=_DEMO_ORDER.get(ind.id, 100 + i))
                       for i, ind in enumerate(OFFICIAL_INDICATORS)]
OFFICIAL_BY_ID = {ind.id: ind for ind in OFFICIAL_INDICATORS}


# Column → indicator, per theme (the same name means different things: `A` is Caf allocataires in DEMO
# and REVN, job-seekers of category A in IPRO). Names are compared upper-case and stripped (INSEE wrote
# "EVOL_CA_N_E " with a trailing space). Renamed columns map to the same indicator, with a break.
_SEX = {"_F": "_femmes", "_H": "_hommes", "": ""}
DEMO_COLUMNS = {
    "POP_MUN": "pop_totale", "POP_COM_QP": "pop_quartiers_commune", "POP_COM": "pop_commune_englobante",
    "TX_F": "part_femmes", "TX_TOT_0A24": "part_moins_25", "TX_F_0A24": "part_moins_25_femmes",
    "TX_TOT_60ETPLUS": "part_60_plus", "TX_F_60ETPLUS": "part_60_plus_femmes", "IND_JEUNE": "indice_jeunesse",
    "TX_TOT_MEN1": "part_menages_1pers", "TX_TOT_MEN6": "part_grands_menages", "TX_TOT_ET": "part_etrangers",
    "TX_F_ET": "part_etrangeres", "A": "allocataires_caf", "PERCOU": "personnes_couvertes_caf",
    "AM": "allocataires_monoparents", "AI": "allocataires_isoles", "ACSSENF": "allocataires_couples_sans_enfant",
    "ACAVENF": "allocataires_couples_avec_enfants", "AC3ENF": "allocataires_couples_3_enfants",
    "A_NETUD_24": "allocataires_jeunes_non_etudiants", "A_ETUD": "allocataires_etudiants",
    "ENF": "enfants_couverts_caf", "ENF_2": "enfants_couverts_0_2", "ENF_3_5": "enfants_couverts_3_5",
    "ENF_6_10": "enfants_couverts_6_10", "ENF_11_14": "enfants_couverts_11_14",
    "ENF_15_17": "enfants_couverts_15_17", "ENF_18_24": "enfants_couverts_18_24",
}
REVN_COLUMNS = {
    "PMIMP": "part_menages_imposes", "PART_CHOMPRINC": "part_menages_revenu_chomage",
    "DECUC_Q2": "revenu_declare_median_uc", "DECUC_Q1": "revenu_declare_q1_uc", "DECUC_Q3": "revenu_declare_q3_uc",
    "DECUC_D1": "revenu_declare_d1_uc", "DECUC_D9": "revenu_declare_d9_uc",
    "DECUC_D1D9": "rapport_interdecile_declare", "BREV": "taux_bas_revenus",
    "DISP_Q2": "revenu_median_uc", "DISP_Q1": "revenu_q1_uc", "DISP_Q3": "revenu_q3_uc",
    "DISP_D1": "revenu_d1_uc", "DISP_D9": "revenu_d9_uc", "DISP_D1D9": "rapport_interdecile",
    "TP60": "taux_pauvrete", "PACT": "part_revenus_activite", "PPEN": "part_pensions_retraites",
    "PPSOC": "part_prestations_revenu", "PIMPOT": "part_impots_revenu", "PPAT": "part_revenus_patrimoine",
    "CCMUC": "beneficiaires_c2s", "C": "beneficiaires_regime_general", "CC2S": "beneficiaires_c2s",
    "C_C2SNP": "beneficiaires_c2s_gratuite", "C_C2SP": "beneficiaires_c2s_participative",
    "A": "allocataires_caf", "APRES50": "allocataires_dependants_50", "APRES100": "allocataires_dependants_100",
    "ARSA": "allocataires_rsa", "ARSAS": "allocataires_rsa_socle", "APPA": "allocataires_prime_activite",
    "AAAH": "allocataires_aah",
}
IPRO_COLUMNS = {
    "TX_TOT_EMPL": "taux_emploi", "TX_F_EMPL": "taux_emploi_femmes", "TX_ET_EMPL": "taux_emploi_etrangers",
    "TX_TOT_EPREC": "part_emplois_precaires", "TX_F_EPREC": "part_emplois_precaires_femmes",
    "TX_ET_EPREC": "part_emplois_precaires_etrangers",
    "TX_TOT_EDLIM": "part_emplois_precaires", "TX_F_EDLIM": "part_emplois_precaires_femmes",
    "TX_ET_EDLIM": "part_emplois_precaires_etrangers",
    "CA": "contrats_aides", "CA_F": "contrats_aides_femmes", "CA_H": "contrats_aides_hommes",
    "CUI": "contrats_cui", "CUI_F": "contrats_cui_femmes", "CUI_H": "contrats_cui_hommes",
    "CIE": "contrats_cie", "CIE_HS": "contrats_cie_hors_starter", "CIE_S": "contrats_cie_starter",
    "CAE": "contrats_cae", "EAV": "emplois_avenir", "EAV_F": "emplois_avenir_femmes",
    "EAV_H": "emplois_avenir_hommes", "CUI_25": "contrats_cui_moins_26", "CUI_26A49": "contrats_cui_26_49",
    "CUI_50": "contrats_cui_50_plus", "CUI_INFCAP": "contrats_cui_infcap", "CUI_CAP": "contrats_cui_cap",
    "CUI_BAC": "contrats_cui_bac", "CUI_SUPBAC": "contrats_cui_supbac", "EAV_INFCAP": "emplois_avenir_infcap",
    "EAV_CAP": "emplois_avenir_cap", "EAV_SUPCAP": "emplois_avenir_supcap",
    "CA_N_E": "entrees_contrats_aides", "CA_N1_E": "entrees_contrats_aides_annee_precedente",
    "EVOL_CA_N_E": "evolution_entrees_contrats_aides",
    **{f"ABCDE{s}": f"demandeurs_emploi_abcde{t}" for s, t in _SEX.items()},
    **{f"ABC{s}": f"demandeurs_emploi_abc{t}" for s, t in _SEX.items()},
    **{f"ABC_RSA{s}": f"demandeurs_emploi_abc_rsa{t}" for s, t in _SEX.items()},
    **{f"A{s}": f"demandeurs_emploi_a{t}" for s, t in _SEX.items()},
    "ABC_25": "demandeurs_emploi_abc_moins_26", "ABC_2649": "demandeurs_emploi_abc_26_49",
    "ABC_50": "demandeurs_emploi_abc_50_plus", "ABC_FR": "demandeurs_emploi_abc_francais",
    "ABC_E": "demandeurs_emploi_abc_etrangers",
    **{f"ABC_{col}{s}": f"demandeurs_emploi_abc_{level}{t}"
       for col, level in [("INFCAPBEP", "infcap"), ("CAPBEP", "cap"), ("BAC", "bac"), ("SUPBAC", "supbac")]
       for s, t in _SEX.items()},
    **{f"ABC_QAL{n}": f"demandeurs_emploi_abc_qualif{n}" for n in range(1, 6)},
    **{f"ABC_DUR{n}{s}": f"demandeurs_emploi_abc_{dur}{t}"
       for n, dur in [(1, "moins_6_mois"), (2, "6_12_mois"), (3, "1_2_ans"), (4, "2_ans_plus")]
       for s, t in _SEX.items()},
    "A_N_T4": "demandeurs_emploi_a_t4", "A_N1_T4": "demandeurs_emploi_a_t4_annee_precedente",
    **{f"EVOL_{cat}{s}_T4": f"evolution_demandeurs_emploi_{cat.lower()}{t}"
       for cat in ("ABC", "A") for s, t in _SEX.items()},
}
THEME_COLUMNS = {"DEMO": DEMO_COLUMNS, "IPRO": IPRO_COLUMNS, "REVN": REVN_COLUMNS}
THEME_LABELS = {"DEMO": "démographie", "IPRO": "insertion professionnelle", "REVN": "revenus"}

# Quality columns: which columns each NOTE_* qualifies (by producer prefix of their indicator).
NOTE_COLUMNS = {
    "NOTE_RP": ("Recensement", {"DEMO": [c for c in DEMO_COLUMNS if c.startswith(("TX_", "IND_", "POP_"))]}),
    "NOTE_CNAF": ("Caf", {"DEMO": [c for c in DEMO_COLUMNS if not c.startswith(("TX_", "IND_", "POP_"))],
                          "REVN": ["A", "APRES50", "APRES100", "ARSA", "ARSAS", "APPA", "AAAH"]}),
    "NOTE_CNAM": ("Cnam", {"REVN": ["CCMUC", "C", "CC2S", "C_C2SNP", "C_C2SP"]}),
    "NOTE_FILO": ("Filosofi", {"REVN": [c for c in REVN_COLUMNS if c not in
                                        ("A", "APRES50", "APRES100", "ARSA", "ARSAS", "APPA", "AAAH",
                                         "CCMUC", "C", "CC2S", "C_C2SNP", "C_C2SP")]}),
    "NOTE_ASP": ("ASP", {"IPRO": [c for c in IPRO_COLUMNS if c.startswith(("CA", "CUI", "CIE", "EAV"))
                                  and c not in ("CA_N_E", "CA_N1_E")]}),
    "NOTE_ASP_E": ("ASP (entrées)", {"IPRO": ["CA_N_E", "CA_N1_E", "EVOL_CA_N_E"]}),
    "NOTE_PE": ("France Travail", {"IPRO": [c for c in IPRO_COLUMNS if c.startswith(("ABC", "A_", "A"))
                                            and "T4" not in c and c in IPRO_COLUMNS
                                            and not c.startswith("A_N")]}),
    "NOTE_PE_T": ("France Travail (trimestriel)", {"IPRO": [c for c in IPRO_COLUMNS if "T4" in c]}),
}


# Which year each column's figures describe: `insee_editions`.

# Rates derived from published counts (kept only when every count is published).
DERIVED_RATES = {
    "part_c2s": (("beneficiaires_c2s",), ("beneficiaires_regime_general",)),
    "part_alloc_dependants": (("allocataires_dependants_50",), ("allocataires_caf",)),
    "part_de_longue_duree": (("demandeurs_emploi_abc_1_2_ans", "demandeurs_emploi_abc_2_ans_plus"),
                             ("demandeurs_emploi_abc",)),
    "part_de_moins_26": (("demandeurs_emploi_abc_moins_26",), ("demandeurs_emploi_abc",)),
}
# Totals derived as the sum of published parts (2022: C2S = non participative + participative).
DERIVED_SUMS = {"beneficiaires_c2s": ("beneficiaires_c2s_gratuite", "beneficiaires_c2s_participative")}

# Additive relations that hold exactly in the published files (checked on every national edition):
# total = sum of parts. Used for secondary suppression, per quartier row.
RELATIONS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "IPRO": [
        *[(base, (f"{base}_F", f"{base}_H")) for base in
          ("ABCDE", "ABC", "ABC_RSA", "A", "CA", "CUI", "EAV", "ABC_DUR1", "ABC_DUR2", "ABC_DUR3", "ABC_DUR4",
           "ABC_INFCAPBEP", "ABC_CAPBEP", "ABC_BAC", "ABC_SUPBAC")],
        ("ABC", ("ABC_25", "ABC_2649", "ABC_50")),
        ("ABC", ("ABC_DUR1", "ABC_DUR2", "ABC_DUR3", "ABC_DUR4")),
        ("ABC_F", ("ABC_DUR1_F", "ABC_DUR2_F", "ABC_DUR3_F", "ABC_DUR4_F")),
        ("ABC_H", ("ABC_DUR1_H", "ABC_DUR2_H", "ABC_DUR3_H", "ABC_DUR4_H")),
        ("CA", ("CUI", "EAV")), ("CUI", ("CIE", "CAE")), ("CIE", ("CIE_HS", "CIE_S")),
        ("CUI", ("CUI_25", "CUI_26A49", "CUI_50")), ("EAV", ("EAV_INFCAP", "EAV_CAP", "EAV_SUPCAP")),
    ],
    "DEMO": [
        ("A", ("AM", "AI", "ACSSENF", "ACAVENF")),
        ("ENF", ("ENF_2", "ENF_3_5", "ENF_6_10", "ENF_11_14", "ENF_15_17", "ENF_18_24")),
    ],
    "REVN": [],
}
