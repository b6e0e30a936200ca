"""Invented place names: every word is made up, so that no real place carries made-up figures."""

from __future__ import annotations

import numpy as np

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
QUARTIER_NAMES = [
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
REGION_NAMES = ["Région Océane", "Région des Marches-de-Lise", "Région Armor-Sauvène",
                "Région des Hautes-Terres", "Région Val-d'Orbelle", "Région Grand-Large",
                "Région Vrenne-et-Ardise", "Région Nord-Morvelle", "Région Pays-de-Quinelle",
                "Région Brenois-Escaude", "Région Aubrette-Atlantique", "Région des Trois-Caps",
                "Région Salvaise-Odrenne"]
_DEPARTEMENTS = ["Lise-et-Vrenne", "Côtes-d'Orbelle", "Haute-Sauvène", "Monts-d'Ardise",
                 "Morvelle-Atlantique"]


def _de(word: str, joiner: str = "-") -> str:
    """French elision: « d'Orbelle » but « de-Lise » (in a place name) or « de Lise » (in a sentence)."""
    return f"d'{word}" if word[0] in "AEIOUÉÈ" else f"de{joiner}{word}"


def departement_names(n: int, rng: np.random.Generator) -> list[str]:
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


def commune_names(n: int, rng: np.random.Generator) -> list[tuple[str, str]]:
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


def quartier_names(n: int, rng: np.random.Generator) -> list[str]:
    """`n` names unique within one commune, typical of priority neighbourhoods."""
    pool = [QUARTIER_NAMES[i] for i in rng.permutation(len(QUARTIER_NAMES))]
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


def epci_name(main: str, stem: str, pop: float, metropole: bool, taken: set[str]) -> str:
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
