"""« Texte pour un dossier »: plain-French sentences, with source and year, generated from a fiche.

People paste these sentences into funding applications, so every figure they state comes from the
fiche and is written by `dq_core.fmt`; a comparison is said in words (« environ le double de »),
a trend only where the series allows it (a value five years earlier, no break in between); a
secret or missing figure is never stated, only noted.

French agreement (le/la/l'/les, ce/cette/cet, celui/celle/ceux/celles, resté/restée) follows from
the head noun of the indicator's label, looked up in `HEAD_NOUNS`; a label whose head noun is unknown
reads as masculine singular, which is right for most French statistical nouns (taux, nombre…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dq_core import flags, fmt
from dq_core.explore.fiche import POPULATION_INDICATOR, Fiche, IndicatorLine, ReferenceValue
from dq_core.explore.sources import citation
from dq_core.store.territories import VINTAGE_LABELS

# Gender and number of the first noun of a label: ("m" | "f", plural?).
HEAD_NOUNS: dict[str, tuple[str, bool]] = {
    **{w: ("m", False) for w in (
        "taux", "revenu", "rapport", "indice", "nombre", "temps", "montant", "niveau", "ratio",
        "âge", "loyer", "salaire", "prix", "effectif", "solde", "coût", "écart", "score", "délai",
        "volume", "poids", "budget", "parc", "total", "pourcentage", "seuil", "accès", "recours")},
    **{w: ("f", False) for w in (
        "part", "population", "distance", "consommation", "durée", "densité", "proportion",
        "surface", "superficie", "moyenne", "médiane", "dépense", "taille", "espérance", "offre",
        "couverture", "précarité", "vacance", "natalité", "mortalité", "fécondité", "production",
        "émission", "superficie", "valeur", "somme")},
    **{w: ("m", True) for w in (
        "allocataires", "demandeurs", "médecins", "logements", "ménages", "habitants", "emplois",
        "élèves", "jeunes", "bénéficiaires", "établissements", "équipements", "actifs", "licenciés",
        "salariés", "chômeurs", "enfants", "étudiants", "inscrits", "commerces", "locaux", "points")},
    **{w: ("f", True) for w in ("personnes", "familles", "entreprises", "places", "naissances",
                                "associations", "structures")},
}
_VOWELS = "aeiouyàâäéèêëîïôöùûü"

# The reference territories in a sentence: "celui de la commune (18,9 %)".
REFERENCE_NAMES = {
    "commune": "la commune",
    "epci": "l'agglomération",
    "departement": "le département",
    "region": "la région",
    "france": "la France",
    "quartiers": "l'ensemble des quartiers prioritaires",
}
# The reference a quartier is compared with: its commune, else the next one that has a value.
COMPARISON_ORDER = ("commune", "epci", "departement", "france", "quartiers", "region")

# Nicer wordings for a few rates: the value is the share of a population ({v} is the figure).
RATE_PHRASES: dict[str, str] = {
    "taux_pauvrete": "{v} des habitants du quartier vivent sous le seuil de pauvreté",
    "part_couverts_rsa": "{v} des habitants du quartier sont couverts par le RSA",
    "taux_emploi": "{v} des habitants de 15 à 64 ans du quartier ont un emploi",
    "taux_chomage": "{v} des actifs de 15 à 64 ans du quartier se déclarent au chômage",
    "part_sans_diplome": "{v} des habitants de 15 ans ou plus non scolarisés du quartier n'ont aucun diplôme",
    "part_familles_monoparentales": "{v} des familles avec enfants du quartier sont monoparentales",
    "part_menages_sans_voiture": "{v} des ménages du quartier n'ont pas de voiture",
    "part_logements_sociaux": "{v} des résidences principales du quartier sont des logements sociaux",
    "part_moins_25": "{v} des habitants du quartier ont moins de 25 ans",
}

SIMILAR = 0.03          # same tolerance as the fiche's "close" assessment
# Heads the text of a demo workspace (worded apart from the app's banner, which appears once a page).
DEMO_NOTE = "[Démonstration : territoires et chiffres fictifs, ces phrases ne doivent pas être citées.]"


@dataclass(frozen=True)
class Noun:
    """The grammar of an indicator's label, for agreement."""
    label: str            # the label with a lower-case first letter when it is a common noun
    head: str
    gender: str           # "m" or "f"
    plural: bool

    @property
    def article(self) -> str:
        """`le taux de pauvreté`, `la part des…`, `l'indice…`, `les demandeurs…`."""
        if self.plural:
            return f"les {self.label}"
        if self.label[:1].lower() in _VOWELS:
            return f"l'{self.label}"
        return f"{'la' if self.gender == 'f' else 'le'} {self.label}"

    @property
    def demonstrative(self) -> str:
        """`ce taux`, `cet indice`, `cette part`; plural heads talk about `leur nombre`."""
        if self.plural:
            return "leur nombre"
        if self.gender == "f":
            return f"cette {self.head}"
        return f"{'cet' if self.head[:1] in _VOWELS else 'ce'} {self.head}"

    @property
    def pronoun(self) -> str:
        """What stands for the same figure of another territory: `celui de la commune`."""
        return {("m", False): "celui", ("f", False): "celle", ("m", True): "ceux",
                ("f", True): "celles"}[(self.gender, self.plural)]

    @property
    def subject_feminine(self) -> bool:
        """Gender of `demonstrative` (plural heads use `leur nombre`, masculine)."""
        return self.gender == "f" and not self.plural


def noun(label: str) -> Noun:
    words = re.findall(r"[\wÀ-ÿ'’-]+", label)
    head = words[0].lower() if words else ""
    # An unknown head ending in -s or -x is most likely a plural ("Bénévoles", "Travaux").
    gender, plural = HEAD_NOUNS.get(head, ("m", head[-1:] in ("s", "x")))
    text = label[:1].lower() + label[1:] if label[1:2].islower() else label
    return Noun(text, head, gender, plural)


def de(phrase: str) -> str:
    """`de` + a noun phrase with the French contractions: du taux, des habitants, de la part."""
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    if phrase.startswith("les "):
        return "des " + phrase[4:]
    return "de " + phrase


def ratio_band(ratio: float) -> tuple[str, bool]:
    """Words for quartier / reference, and whether they take `de` before what follows.

    >>> ratio_band(2.5)
    ('environ 2,5 fois', False)
    """
    if ratio < 0.2:
        return "moins du cinquième", True
    if ratio < 0.29:
        return "environ le quart", True
    if ratio < 0.42:
        return "environ le tiers", True
    if ratio < 0.6:
        return "environ la moitié", True
    if ratio < 0.85:
        return "nettement en dessous", True
    if ratio < 1 - SIMILAR:
        return "un peu en dessous", True
    if ratio <= 1 + SIMILAR:
        return "du même ordre que", False
    if ratio < 1.15:
        return "un peu au-dessus", True
    if ratio < 1.4:
        return "nettement au-dessus", True
    if ratio < 1.75:
        return "environ une fois et demie", False
    if ratio < 2.25:
        return "environ le double", True
    if ratio < 2.75:
        return "environ 2,5 fois", False
    if ratio < 3.5:
        return "environ le triple", True
    return f"environ {round(ratio)} fois", False


@dataclass(frozen=True)
class Sentence:
    indicator_id: str | None     # None for the sentence presenting the quartier
    text: str


@dataclass
class DossierText:
    """The sentences for one quartier, and the notes on what they leave out."""
    title: str
    sentences: list[Sentence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    demo: bool = False

    @property
    def text(self) -> str:
        """Plain text to paste: one paragraph per sentence, then the notes."""
        parts = []
        if self.demo:
            parts.append(DEMO_NOTE)
        parts += [s.text for s in self.sentences]
        if self.notes:
            parts.append("À noter : " + " ".join(self.notes))
        return "\n\n".join(parts)


def dossier_text(fiche: Fiche, indicator_ids: list[str] | None = None) -> DossierText:
    """Sentences for the key indicators of every domain (or the given ones), with notes."""
    q = fiche.quartier
    result = DossierText(f"{q.name} ({q.code})", demo=fiche.demo)
    result.sentences.append(Sentence(None, _presentation(fiche)))
    if fiche.lineage is not None and fiche.lineage.series_text:
        result.notes.append(fiche.lineage.series_text)
    for line in _chosen_lines(fiche, indicator_ids):
        sentence = indicator_sentence(line, result.notes)
        if sentence:
            result.sentences.append(Sentence(line.indicator.id, sentence))
    return result


def _chosen_lines(fiche: Fiche, indicator_ids: list[str] | None) -> list[IndicatorLine]:
    if indicator_ids is not None:
        return [fiche.line(i) for i in indicator_ids]
    chosen = []
    for _, _, lines in fiche.domains:
        key = [line for line in lines if line.indicator.is_key]
        chosen += [line for line in key if line.indicator.id != POPULATION_INDICATOR]
    return chosen


def _presentation(fiche: Fiche) -> str:
    q = fiche.quartier
    names = [c.name for c in q.communes]
    if len(names) > 1:
        where = f"à cheval sur les communes de {', '.join(names[:-1])} et {names[-1]}"
    elif names:
        where = f"situé à {names[0]}"
    else:
        where = "dont la commune n'est pas renseignée"
    vintage = VINTAGE_LABELS.get(q.vintage)
    code = f"{q.code}, {vintage}" if vintage else q.code
    text = f"Le quartier prioritaire « {q.name} » ({code}) est {where}"
    pop = fiche.population
    if pop is not None and pop.value is not None:
        line = next((ln for ln in fiche.lines() if ln.indicator.id == POPULATION_INDICATOR), None)
        source = f" (Source : {citation(line.indicator, pop.period, pop.source)})" if line else ""
        text += (f" ; il compte {fmt.value(pop.value, 'habitants', 0)} "
                 f"{_in_period(pop.period)}{source}")
    return text + "."


def indicator_sentence(line: IndicatorLine, notes: list[str]) -> str | None:
    """One sentence for one indicator, or None (with a note saying why) when it has no figure."""
    ind, latest = line.indicator, line.latest
    if latest is None or (latest.value is None and not latest.secret):
        refused = line.link.refused if line.link is not None else None      # merged 2015 quartiers
        notes.append(f"{ind.label} : {refused or 'pas de donnée pour ce quartier'}.")
        return None
    if latest.secret:
        why = ("valeur non diffusée par le producteur"
               if flags.blank_reason(True, latest.note) == flags.PRODUCER_BLANK
               else "valeur couverte par le secret statistique appliqué par l'application")
        notes.append(f"{ind.label} ({fmt.period(latest.period)}) : {why} pour ce quartier, elle n'est "
                     "pas citée.")
        return None
    n = noun(ind.label)
    shown = fmt.value(latest.value, ind.unit, ind.decimals)
    custom = RATE_PHRASES.get(ind.id) if ind.unit == "%" else None
    if custom:
        main = custom.format(v=shown)
        reference_word = f"{'la' if n.gender == 'f' else 'le'} {n.head}"
    elif n.plural:
        main = f"le quartier compte {fmt.number(latest.value, ind.decimals)} {n.label}"
        reference_word = n.pronoun
    else:
        main = f"{n.article} est de {shown} dans le quartier"
        reference_word = n.pronoun
    if latest.provisional:
        main += " (valeur provisoire)"
    if line.latest_from_predecessor:       # a 2024 quartier quoted with its 2015 predecessor's figure
        main += f" (chiffre {line.link.whose}, géographie 2015)"
    text = f"{_opening(latest)}, {main}"
    if ind.kind != "count":
        text += _comparison(line, reference_word, notes)
    text += _trend(line, n, notes)
    return f"{text}. (Source : {citation(ind, latest.period, latest.source)})"


def _comparison(line: IndicatorLine, reference_word: str, notes: list[str]) -> str:
    ind, value = line.indicator, line.latest.value
    secret_refs = []
    for key in COMPARISON_ORDER:
        ref: ReferenceValue | None = line.references.get(key)
        if ref is None:
            continue
        if ref.secret:
            secret_refs.append(key)
            continue
        if ref.value is None:
            continue
        ref_text = fmt.value(ref.value, ind.unit, ind.decimals)
        if ref.period != line.latest.period:
            ref_text += f" {_in_period(ref.period)}"
        if value > 0 and ref.value > 0:
            words, takes_de = ratio_band(value / ref.value)
            target = de(reference_word) if takes_de else reference_word
            return f", soit {words} {target} {de(REFERENCE_NAMES[key])} ({ref_text})"
        return f", contre {ref_text} pour {REFERENCE_NAMES[key]}"
    if secret_refs:
        notes.append(f"{line.indicator.label} : la valeur {de(REFERENCE_NAMES[secret_refs[0]])} est "
                     "couverte par le secret statistique, la comparaison n'est pas faite.")
    return ""


def _trend(line: IndicatorLine, n: Noun, notes: list[str]) -> str:
    ind = line.indicator
    if line.break_in_5y:
        notes.append(f"{ind.label} : la série est interrompue (rupture de série) entre "
                     f"{fmt.period(line.five_years_ago.period)} et {fmt.period(line.latest.period)}, "
                     "l'évolution sur cinq ans n'est pas commentée.")
        return ""
    if line.change_5y is None or line.five_years_ago is None:
        return ""
    earlier = line.five_years_ago
    delta = line.change_5y
    subject = n.demonstrative
    then = f"{fmt.value(earlier.value, ind.unit, ind.decimals)} {_in_period(earlier.period)}"
    if round(delta, ind.decimals) == 0:
        stable = "restée stable" if n.subject_feminine else "resté stable"
        return f" ; {subject} est {stable} en cinq ans ({then})"
    verb = "augmenté" if delta > 0 else "baissé"
    if ind.unit == "%":
        amount = points(abs(delta), ind.decimals)
    elif n.plural:
        amount = fmt.number(abs(delta), ind.decimals)
    else:
        amount = fmt.value(abs(delta), ind.unit, ind.decimals)
    if ind.kind == "count" and earlier.value:
        amount += f" ({fmt.number(100 * delta / earlier.value, 1, sign=True)}{fmt.NBSP}%)"
    return f" ; {subject} a {verb} de {amount} en cinq ans ({then})"


def points(delta: float, decimals: int = 1) -> str:
    """A difference of rates: `1,2 point`, `2,0 points` (plural from two, as French has it)."""
    word = "point" if abs(round(delta, decimals)) < 2 else "points"
    return f"{fmt.number(delta, decimals)}{fmt.NBSP}{word}"


def _opening(point) -> str:
    """`En 2018`, or — when INSEE does not give the data year — the edition the figure comes from."""
    if flags.is_edition_year(point.note):
        return f"Selon l'édition {fmt.period(point.period)} (l'Insee ne précise pas l'année des données)"
    return _in_period(point.period).capitalize()


def _in_period(code: str) -> str:
    """`en 2021`, `en mars 2024`, `au 2e trimestre 2023`."""
    text = fmt.period(code)
    return f"au {text}" if "trimestre" in text else f"en {text}"
