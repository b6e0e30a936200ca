"""Short definitions of the words people meet in the app, shown on hover and on the catalogue page."""

GLOSSARY: dict[str, str] = {
    "QPV": "Quartier prioritaire de la politique de la ville : quartier urbain d'au moins 1 000 "
           "habitants où le revenu médian est très inférieur à celui de son agglomération. La liste "
           "est fixée par décret (géographie 2015, puis 2024 pour les contrats de ville 2024-2030).",
    "Géographie prioritaire": "Liste et contours des QPV à une date donnée. Les codes 2015 s'écrivent "
                              "QP035002, les codes 2024 QN03502M (la lettre finale dit : N nouveau, "
                              "M périmètre modifié, I inchangé).",
    "EPCI": "Établissement public de coopération intercommunale : communauté de communes, "
            "d'agglomération, communauté urbaine ou métropole. Ici « agglomération ».",
    "Contrat de ville": "Contrat signé par l'État, les collectivités et leurs partenaires pour les "
                        "quartiers prioritaires d'un territoire (génération 2024-2030 : « Engagements "
                        "Quartiers 2030 »).",
    "Unité de consommation (UC)": "Pondération des membres d'un ménage pour comparer des niveaux de vie : "
                                  "1 pour le premier adulte, 0,5 pour les autres personnes de 14 ans ou "
                                  "plus, 0,3 pour les enfants de moins de 14 ans.",
    "Niveau de vie": "Revenu disponible du ménage divisé par son nombre d'unités de consommation.",
    "Taux de pauvreté à 60 %": "Part des personnes dont le niveau de vie est inférieur à 60 % du niveau "
                               "de vie médian de la France métropolitaine.",
    "Médiane": "Valeur qui partage une population en deux moitiés égales. Une médiane ne s'additionne "
               "pas et ne se moyenne pas : celle d'un groupe de quartiers ne peut pas être calculée à "
               "partir des médianes de chaque quartier.",
    "Demandeurs d'emploi catégories A, B, C": "Catégorie A : sans emploi, tenus de chercher un emploi. "
                                              "B et C : ayant travaillé moins (B) ou plus (C) de 78 "
                                              "heures dans le mois. ABC : les trois ensemble.",
    "Taux de chômage (recensement)": "Chômeurs déclarés au recensement parmi les actifs. Il diffère du "
                                     "taux de chômage du BIT et du nombre d'inscrits à France Travail.",
    "Secret statistique": "Règle qui interdit de diffuser un chiffre calculé sur trop peu de personnes "
                          "ou de ménages : la case affiche « s ». Soit le producteur ne l'a pas diffusé "
                          "(case vide dans son fichier, qui ne dit pas si c'est un secret ou une donnée "
                          "manquante), soit l'application l'a masqué elle-même (effectif sous son seuil, "
                          "ou total qui permettrait de le retrouver par soustraction). « – » : pas de "
                          "donnée pour la période.",
    "Rupture de série": "Changement de source, de méthode ou de périmètre : les valeurs avant et après "
                        "ne se comparent pas directement.",
    "Valeur provisoire": "Chiffre publié avant sa version définitive ; il peut encore être révisé.",
    "Point (de pourcentage)": "Écart entre deux taux : passer de 40 % à 42 % fait +2 points (et non +2 %).",
    "C2S": "Complémentaire santé solidaire : complémentaire santé gratuite ou à faible coût pour les "
           "ménages modestes, qui remplace depuis novembre 2019 la CMU-C et l'ACS.",
    "RSA": "Revenu de solidarité active : revenu minimum versé par la Caf ou la MSA.",
    "RPLS": "Répertoire des logements locatifs des bailleurs sociaux, tenu par le ministère chargé du "
            "logement.",
    "DPE": "Diagnostic de performance énergétique : classe un logement de A (sobre) à G (très "
           "énergivore).",
    "Précarité énergétique": "Situation d'un ménage modeste qui consacre une part élevée de ses revenus "
                             "à l'énergie de son logement (plus de 8 % pour les 30 % les plus modestes).",
}
