"""Finding English on a page: the words a person sees or hears (text, aria-labels, titles, placeholders)."""

from __future__ import annotations

import re
from functools import cache

# Names and units that are the same in French, or proper names of the product, places and producers.
ALLOWED = {
    "data",            # « Data & Quartiers », the product's name
    "excel", "csv", "xlsx", "zip", "png", "svg", "json", "geojson", "duckdb", "insee", "anct", "caf",
    "cnam", "asp", "dgfip", "filosofi", "stmt", "bit", "epci", "qpv", "cog", "iris", "mwh", "kwh",
    "vega", "lite", "lambert", "ban", "gz",     # Lambert-93 (the projection), Base Adresse Nationale files
    # French words missing from the French word list
    "case", "cases", "export", "exports", "import", "imports", "mo", "ko", "go",
    "an",              # « par an », « sur un an » (English's article, French's year)
    "log",             # « log-normale », « écart-type logarithmique »
}

# English interface words that the English word list lacks.
ALWAYS_ENGLISH = {"fullscreen", "dropdown", "checkbox", "toolbar", "sidebar", "tooltip"}

# Everything visible to a person: text nodes outside icon ligatures, and the attributes read aloud.
COLLECT_JS = """() => {
  const out = [];
  const icon = (el) => getComputedStyle(el).fontFamily.includes('Material');   // ligatures: « upload »
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.nodeValue.trim() || icon(el) || ['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    out.push(n.nodeValue.trim());
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push(`${a}: ${v.trim()}`);
    }
  }
  return out;
}"""


@cache
def _dictionaries():
    from spellchecker import SpellChecker

    return SpellChecker(language="en"), SpellChecker(language="fr")


def is_english(word: str) -> bool:
    """A word common in English and at least ten times rarer in French (« and », « show », « file(s) » not)."""
    w = word.lower().strip("'’")
    if len(w) < 2 or w in ALLOWED:
        return False
    if w in ALWAYS_ENGLISH:
        return True
    en, fr = _dictionaries()
    in_english = en.word_usage_frequency(w)
    return in_english > 1e-7 and in_english > 10 * fr.word_usage_frequency(w)


# File sizes the English way (« 320.0B », « 200MB »): French says « 320,0 o », « 200 Mo ».
ENGLISH_SIZE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:B|KB|MB|GB)\b")


def english_in(texts: list[str]) -> dict[str, list[str]]:
    """English word (or size) → the texts it was found in."""
    found: dict[str, list[str]] = {}
    for text in texts:
        if ENGLISH_SIZE.search(text):
            found.setdefault("taille en anglais", []).append(text[:160])
        body = text.split(": ", 1)[1] if re.match(r"^(aria-label|title|placeholder|alt): ", text) else text
        body = re.sub(r"\S*[/\\]\S*", " ", body)                   # file paths and addresses
        for word in re.findall(r"[\w’']+", body):
            if "_" not in word and not any(c.isdigit() for c in word) and is_english(word):   # identifiers
                found.setdefault(word, []).append(text[:160])
    return found
