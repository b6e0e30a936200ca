"""French articles and plurals around names and counts (dq_core.french)."""

import pytest

from dq_core import french


@pytest.mark.parametrize("name, expected", [
    ("Les Fontaines", "des Fontaines"),
    ("Le Bois-Fleuri", "du Bois-Fleuri"),
    ("La Source", "de la Source"),
    ("L'Épine", "de l'Épine"),
    ("L’Argonne", "de l'Argonne"),
    ("Le Hameau", "du Hameau"),              # aspirated h: no elision
    ("Le Hôpital", "de l'Hôpital"),          # mute h
    ("La Île-Verte", "de l'Île-Verte"),
    ("Amiens", "d'Amiens"),
    ("Orly", "d'Orly"),
    ("Hérouville-Saint-Clair", "d'Hérouville-Saint-Clair"),
    ("Hautepierre", "de Hautepierre"),
    ("Bellevue", "de Bellevue"),
    ("Lesquin", "de Lesquin"),               # « Les » only as a word
    ("Lac-Bleu", "de Lac-Bleu"),
    ("Yutz", "de Yutz"),
    ("les Tilleuls", "des Tilleuls"),
    ("  Le Plateau ", "du Plateau"),
])
def test_of(name, expected):
    assert french.of(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("Les Fontaines", "aux Fontaines"), ("Le Mans", "au Mans"), ("La Source", "à la Source"),
    ("L'Épine", "à l'Épine"), ("Amiens", "à Amiens"), ("Bellevue", "à Bellevue"),
])
def test_at(name, expected):
    assert french.at(name) == expected


def test_list_of_gives_each_name_its_article():
    assert french.list_of(["Poissy", "Les Mureaux", "Le Pecq"]) == "de Poissy, des Mureaux et du Pecq"
    assert french.list_of(["Amiens"]) == "d'Amiens"


@pytest.mark.parametrize("n, expected", [
    (0, "0 problème"), (1, "1 problème"), (2, "2 problèmes"), (8, "8 problèmes"), (1234, "1\u202f234 problèmes"),
])
def test_count(n, expected):
    assert french.count(n, "problème").replace("\u00a0", "\u202f") == expected.replace("\u00a0", "\u202f")


def test_count_of_a_phrase_and_of_irregular_words():
    assert french.count(3, "valeur inconnue") == "3 valeurs inconnues"
    assert french.count(1, "valeur inconnue") == "1 valeur inconnue"
    assert french.count(17, "indicateur") == "17 indicateurs"
    assert french.count(2, "fichier déjà importé") == "2 fichiers déjà importés"   # « déjà »: see plural
    assert french.count(2, "fiche quartier", "fiches quartier") == "2 fiches quartier"
    assert french.count(4, "prix") == "4 prix" and french.count(2, "niveau", "niveaux") == "2 niveaux"


def test_nouns_agree_their_adjectives():
    ref = french.Noun("référence", feminine=True)
    ind = french.Noun("indicateur")
    assert (ref.form(2), ref.adjective("inconnu", 2), ref.adjective("ignoré", 1)) == (
        "références", "inconnues", "ignorée")
    assert (ind.form(1), ind.adjective("inconnu", 1), ind.adjective("ignoré", 3)) == (
        "indicateur", "inconnu", "ignorés")
