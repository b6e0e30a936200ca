"""The access codes of a training room: a few common French words, easy to read aloud and to type."""

from __future__ import annotations

import secrets
import unicodedata

# Plain words without accents (typed on any keyboard, phones included), four to eight letters, no two
# alike at a glance. About 400 words: three of them give some 64 million codes.
WORDS = tuple("""
abeille abricot acier agneau aigle aiguille algue amande ananas ancre anneau antenne arbre arche argent
argile armoire artiste atelier aurore autruche avion avocat balcon baleine ballon bambou banane banc
barque bassin bateau berger betterave bijou biscuit blaireau bouleau bocal bougie boussole bouton
branche brebis brioche brique brindille brume bureau cabane cactus cadre cahier caillou calme camion
canard canal canoe carafe carotte carte cascade castor cerise chalet chameau champ chanson chapeau
chariot chateau chaton chemin cheval chevre chouette ciboule cigale cinema citron clairon cloche
clocher coffre colline comete compas concert copain coquille corbeau corde cornet coton couleur
courge crayon creme criquet cristal cuillere cygne dauphin desert dessin diamant domino dragon dune
ecluse ecorce ecureuil elephant encre epice epine escalier etoile facteur falaise famille farine
fenetre fermier feuille ficelle figue flamme fleur fleuve flocon fontaine foret fougere fourmi fraise
framboise frigo fromage fusee galet garage gateau gazelle girafe glacier gland globe gomme gorille
goutte grain grenier grenouille grotte guitare hamac hameau harpe hautbois herbe hibou hirondelle
horloge houblon huile igloo ile jardin jasmin jonquille journal judo jument kayak kiwi lagune lama
lampe lapin laurier lavande legume lettre lezard licorne lilas limace lion livre loutre lucarne lune
lutin machine maison manche mangue manteau marche marmotte marron masque melon menthe meridien merle
miel miroir moineau montagne moulin mouette mouton muguet mur musique myrtille nacre nappe navire
neige nenuphar nid noisette nuage oasis ocean olive ombre orange orchidee oreiller orge ortie ourson
outil paille palmier panda panier papillon parapluie parc passage pastel patin pavot peche pelican
pelle pendule perle phare piano pierre pigeon pinceau pirate piscine placard plage planete platane
plume poire poisson pomme pompier pont portail potager poterie poulain poussin prairie prune puits
radis raisin rameau raquette reglisse renard requin riviere robot rocher roseau rouge ruche ruisseau
sable sabot safran salade sapin sardine satellite saule saumon savon sentier serpent sifflet singe
soleil sommet source souris sucre tableau tambour tapis taupe theiere tigre tilleul toboggan tomate
tortue toupie train trefle tresor tricot trompette tulipe tunnel vache vague valise vallee vanille
velo verger vigne village violon voilier volcan wagon yaourt zebre zephyr acajou agrume
aiglon albatros alouette ampoule anemone aquarelle ardoise automne avoine badge baobab barometre
basilic bergerie bocage bonbon bosquet bouquet bourgeon brouette buisson cacao caramel carillon
cerf chardon chene clementine coquelicot corail cormoran courant datte eglantine erable escargot
faucon feutre flute fusain gingembre glycine goeland grillon hangar hermine heron iris jonc lanterne
lierre lynx marelle mimosa noyer oranger ourse papyrus peuplier pivoine quartz radeau roitelet
""".split())

SEPARATOR = "-"


def new_code(words: int = 3) -> str:
    """A fresh access code, e.g. `lune-castor-tulipe` (cryptographically random)."""
    return SEPARATOR.join(secrets.choice(WORDS) for _ in range(words))


def normalise(text: str) -> str:
    """A code as typed (capitals, accents, spaces or other separators) in its one written form."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return SEPARATOR.join(words)


def same_code(typed: str, code: str) -> bool:
    """Whether `typed` is `code`, compared in constant time (no timing hint on how much matched)."""
    return secrets.compare_digest(normalise(typed).encode(), normalise(code).encode())
