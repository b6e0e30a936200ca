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

from dq_core import flags, fmt, french
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


# Bands of a ratio taken from 1 upwards (quartier / reference, or its inverse): the words when the
# quartier is above, and the mirror words when it is below, so that the two directions agree.
# (upper bound, words above, takes « de », words below, takes « de »)
RATIO_BANDS = [
    (1.15, "un peu au-dessus", True, "un peu en dessous", True),
    (1.4, "nettement au-dessus", True, "nettement en dessous", True),
    (1.75, "environ une fois et demie", False, "environ les deux tiers", True),
    (2.25, "environ le double", True, "environ la moitié", True),
    (2.75, "environ 2,5 fois", False, "environ les deux cinquièmes", True),
    (3.5, "environ le triple", True, "environ le tiers", True),
    (4.5, "environ 4 fois", False, "environ le quart", True),
    (5.5, "environ 5 fois", False, "environ le cinquième", True),
]


def ratio_band(ratio: float) -> tuple[str, bool]:
    """Words for quartier / reference, and whether they take `de` before what follows.

    >>> ratio_band(2.5), ratio_band(1 / 2.5)
    (('environ 2,5 fois', False), ('environ les deux cinquièmes', True))
    """
    if 1 / (1 + SIMILAR) <= ratio <= 1 + SIMILAR:
        return "du même ordre que", False
    upward = ratio if ratio > 1 else 1 / ratio
    for bound, above, above_de, below, below_de in RATIO_BANDS:
        if upward < bound:
            return (above, above_de) if ratio > 1 else (below, below_de)
    return (f"environ {round(upward)} fois", False) if ratio > 1 else ("moins du cinquième", True)


# Gaps between two rates (unit %) are said in points, with the same thresholds everywhere; a ratio
# (« environ le double ») only when both rates are far from 0 and 100 % and the ratio is large.
RATE_CLOSE_POINTS = 1.0         # below (and within 15 % of each other): « du même ordre »
RATE_SLIGHT_POINTS = 3.0        # below: « un peu au-dessus / en dessous »; from there: « nettement »
RATE_RATIO_RANGE = (5.0, 50.0)  # both rates in this range for a ratio to read right
RATE_RATIO_FROM = 1.4           # … and one at least 1,4 times the other


@dataclass(frozen=True)
class Gap:
    """How a quartier's figure stands against a reference's, in words."""
    words: str               # « nettement en dessous », « environ le double », « du même ordre que »
    takes_de: bool           # the words take « de » before what follows (« en dessous de celui… »)
    points: str | None = None   # for rates: « écart de 9,0 points »


def gap(value: float, reference: float, unit: str, decimals: int = 1) -> Gap | None:
    """The words comparing `value` with `reference`, or None when no comparison reads right."""
    if unit == "%":
        return _rate_gap(value, reference, decimals)
    if value > 0 and reference > 0:
        return Gap(*ratio_band(value / reference))
    return None


def _rate_gap(value: float, reference: float, decimals: int) -> Gap:
    delta = round(value - reference, decimals)
    spread = f"écart de {points(abs(delta), decimals)}"
    low, high = sorted((value, reference))
    ratio = value / reference if reference > 0 else None
    if ratio and RATE_RATIO_RANGE[0] <= low and high <= RATE_RATIO_RANGE[1] and \
            max(ratio, 1 / ratio) >= RATE_RATIO_FROM:
        return Gap(*ratio_band(ratio), points=spread)
    if abs(delta) < RATE_CLOSE_POINTS and (ratio is None or abs(ratio - 1) <= 0.15 or high < RATE_CLOSE_POINTS):
        return Gap("du même ordre que", False, points=spread)
    side = "au-dessus" if delta > 0 else "en dessous"
    degree = "un peu" if abs(delta) < RATE_SLIGHT_POINTS else "nettement"
    return Gap(f"{degree} {side}", True, points=spread)


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
        where = f"à cheval sur les communes {french.list_of(names)}"
    elif names:
        where = f"situé {french.at(names[0])}"
    else:
        where = "dont la commune n'est pas renseignée"
    vintage = VINTAGE_LABELS.get(q.vintage)
    code = f"{q.code}, {vintage}" if vintage else q.code
    text = f"Le quartier prioritaire « {q.name} » ({code}) est {where}"
    pop = fiche.population
    if pop is not None and pop.value is not None:
        line = next((ln for ln in fiche.lines() if ln.indicator.id == POPULATION_INDICATOR), None)
        source = f" {source_aside(line.indicator, pop.period, pop.source)}" if line else ""
        text += (f" ; il compte {fmt.value(pop.value, 'habitants', 0)} "
                 f"{_in_period(pop.period)}{source}")
    return text + "."


def indicator_sentence(line: IndicatorLine, notes: list[str]) -> str | None:
    """One sentence for one indicator, or None (with a note saying why) when it has no figure."""
    ind, latest = line.indicator, line.latest
    if latest is None or (latest.value is None and not latest.secret):
        notes.append(f"{ind.label} : pas de donnée pour ce quartier.")
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
    text = f"{_opening(latest)}, {main}"
    if ind.kind != "count":
        text += _comparison(line, reference_word, notes)
    text += _trend(line, n, notes)
    return f"{text} {source_aside(ind, latest.period, latest.source)}."


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
        name = "la France métropolitaine" if ref.is_metropole else REFERENCE_NAMES[key]
        if ref.period != line.latest.period:
            # Two different years are never compared without saying so, in the sentence and in a note.
            ref_text += f" {_in_period(ref.period)}, dernière année disponible"
            notes.append(f"{ind.label} : la valeur {de(name)} date de {fmt.period(ref.period)}, celle du "
                         f"quartier de {fmt.period(line.latest.period)} ; la comparaison porte sur deux "
                         "années différentes.")
        if ref.source and ref.source != line.latest.source:
            ref_text += f" ; source : {citation(ind, ref.period, ref.source)}"
        said = gap(value, ref.value, ind.unit, ind.decimals)
        if said is None:
            return f", contre {ref_text} pour {name}"
        target = de(reference_word) if said.takes_de else reference_word
        detail = f"{ref_text}, {said.points}" if said.points else ref_text
        return f", soit {said.words} {target} {de(name)} ({detail})"
    if secret_refs:
        notes.append(f"{line.indicator.label} : la valeur {de(REFERENCE_NAMES[secret_refs[0]])} est "
                     "couverte par le secret statistique, la comparaison n'est pas faite.")
    return ""


def _trend(line: IndicatorLine, n: Noun, notes: list[str]) -> str:
    ind = line.indicator
    if line.break_in_5y:
        notes.append(break_note(line))
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


def break_note(line: IndicatorLine) -> str:
    """The break within five years, named by its year and what it means (its stored note, when any)."""
    start, end = line.five_years_ago.period_start, line.latest.period_start
    brk = [p for p in line.series if p.is_break and start < p.period_start <= end][-1]
    year = fmt.period(brk.period)
    why = (brk.note or "").strip().rstrip(".")
    if why:
        return (f"{line.indicator.label} : série non comparable avant et après {year} ({why}) ; "
                "l'évolution sur cinq ans n'est pas commentée.")
    return (f"{line.indicator.label} : la définition change en {year} : série non comparable avant et "
            "après ; l'évolution sur cinq ans n'est pas commentée.")


def points(delta: float, decimals: int = 1) -> str:
    """A difference of rates: `1,2 point`, `2,0 points` (plural from two, as French has it)."""
    word = "point" if abs(round(delta, decimals)) < 2 else "points"
    return f"{fmt.number(delta, decimals)}{fmt.NBSP}{word}"


def _opening(point) -> str:
    """`En 2018`, or — when INSEE does not give the data year — the edition the figure comes from."""
    if flags.is_edition_year(point.note):
        return f"Selon l'édition {fmt.period(point.period)} (l'Insee ne précise pas l'année des données)"
    return _in_period(point.period).capitalize()


def source_aside(indicator, period: str, source: str | None = None) -> str:
    """The source at the end of every sentence, in one style: `(source : Insee, Filosofi 2021)`."""
    return f"(source : {citation(indicator, period, source)})"


def _in_period(code: str) -> str:
    """`en 2021`, `en mars 2024`, `au 2e trimestre 2023`."""
    text = fmt.period(code)
    return f"au {text}" if "trimestre" in text else f"en {text}"
