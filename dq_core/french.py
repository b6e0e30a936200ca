"""French grammar where a name or a count enters a sentence: « des Fontaines », « du Bois-Fleuri », « 8 problèmes »."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dq_core import fmt

# A leading article, as names are written (« Les Fontaines », « le Bois-Fleuri », « L'Épine »).
_ARTICLE = re.compile(r"^(?P<article>les|le|la|l['’])(?P<space>\s*)(?P<rest>.+)$", re.IGNORECASE | re.DOTALL)
# Words starting with a mute h (elided: « d'Hérouville », « de l'Hôpital »); any other h is aspirated.
MUTE_H = ("hérouville", "hem", "hôpital", "hôtel", "horloge", "herbe", "hermitage", "hippodrome", "horizon",
          "huilerie", "hautil")


def _starts_with_vowel_sound(word: str) -> bool:
    bare = unicodedata.normalize("NFD", word.lstrip("«“\"( ")).lower()
    if not bare:
        return False
    if bare[0] in "aeiouy" and not bare.startswith(("yu", "ya", "yo", "ye")):
        return True
    return bare[0] == "h" and unicodedata.normalize("NFC", bare).startswith(MUTE_H)


def of(name: str) -> str:
    """« de » + a name, contracted as French wants it.

    « Les Fontaines » → « des Fontaines », « Le Bois-Fleuri » → « du Bois-Fleuri », « La Source » →
    « de la Source », « L'Épine » → « de l'Épine », « Amiens » → « d'Amiens », « Bellevue » → « de Bellevue ».
    """
    name = name.strip()
    m = _ARTICLE.match(name)
    if m and (m["space"] or m["article"][-1] in "'’"):
        article, rest = m["article"].lower(), m["rest"]
        if article == "les":
            return f"des {rest}"
        if article == "le" and not _starts_with_vowel_sound(rest):
            return f"du {rest}"
        if article == "la" and not _starts_with_vowel_sound(rest):
            return f"de la {rest}"
        return f"de l'{rest}"
    return f"d'{name}" if _starts_with_vowel_sound(name) else f"de {name}"


def at(name: str) -> str:
    """« à » + a name: « aux Fontaines », « au Bois-Fleuri », « à la Source », « à l'Épine », « à Amiens »."""
    contracted = of(name)
    for de, a in (("des ", "aux "), ("du ", "au "), ("de la ", "à la "), ("de l'", "à l'"), ("d'", "à "),
                  ("de ", "à ")):
        if contracted.startswith(de):
            return a + contracted[len(de):]
    return f"à {name}"


def list_of(names: list[str]) -> str:
    """« de Poissy, des Mureaux et du Pecq »: each name with its own « de »."""
    parts = [of(n) for n in names]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"


# Words a regular plural leaves as they are (« fichiers déjà importés », « valeurs sans donnée »).
INVARIABLE = {"à", "au", "aux", "avec", "dans", "de", "déjà", "des", "du", "en", "et", "la", "le", "les", "l'",
              "ne", "non", "ou", "par", "pas", "plus", "pour", "sans", "sur", "très", "d'", "encore"}


def plural_of(words: str) -> str:
    """The regular plural of each word (« valeur inconnue » → « valeurs inconnues »; s, x, z unchanged)."""
    return " ".join(w if w.endswith(("s", "x", "z")) or len(w) < 2 or w.lower() in INVARIABLE else f"{w}s"
                    for w in words.split(" "))


def agree(count: float, singular: str, plural: str | None = None) -> str:
    """The word agreed with a count, without it: French takes the singular below 2 (« 0 ou 1 fichier »)."""
    return singular if abs(count) < 2 else (plural or plural_of(singular))


def count(n: float, singular: str, plural: str | None = None, decimals: int = 0) -> str:
    """« 1 problème », « 8 problèmes », « 1 234 valeurs » (French number formatting)."""
    return f"{fmt.number(n, decimals)} {agree(n, singular, plural)}"


@dataclass(frozen=True)
class Noun:
    """A noun with its gender, for sentences whose adjectives agree with it (« références inconnues »)."""
    singular: str
    plural: str | None = None
    feminine: bool = False

    def form(self, n: int) -> str:
        return agree(n, self.singular, self.plural)

    def adjective(self, masculine: str, n: int) -> str:
        """« inconnu » agreed with this noun: inconnu, inconnue, inconnus, inconnues."""
        word = masculine + ("e" if self.feminine and not masculine.endswith("e") else "")
        return agree(n, word)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
