"""New indicators declared by a file (a sheet « indicateurs » or a small companion file).

One row per indicator: `id; libelle; domaine; unite; nature; sens; source; definition` and optional
`producteur; periodicite; echelle; numerateur; denominateur; seuil_secret; somme_de`. `somme_de`
declares that the indicator is the sum of others (`femmes + hommes`): secondary suppression then
keeps any secret part from being recovered by subtraction from the total.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from dq_core.files.read.numbers import parse_number
from dq_core.files.read.text import normalise_text
from dq_core.files.report import ERROR, WARNING, Problem
from dq_core.store.catalogue import DOMAINS, SECRET_RULE_COUNTS, Indicator

KINDS = {
    "effectif": "count", "nombre": "count", "count": "count", "comptage": "count",
    "taux": "rate", "part": "rate", "pourcentage": "rate", "rate": "rate",
    "rapport": "ratio", "ratio": "ratio", "moyenne": "mean", "mean": "mean",
    "mediane": "median", "median": "median", "indice": "index", "index": "index",
}
DIRECTIONS = {
    "plus_c_est_haut_mieux_c_est": "higher_better", "hausse_favorable": "higher_better",
    "favorable": "higher_better", "higher_better": "higher_better", "positif": "higher_better",
    "plus_c_est_haut_moins_c_est_favorable": "higher_worse", "hausse_defavorable": "higher_worse",
    "defavorable": "higher_worse", "higher_worse": "higher_worse", "negatif": "higher_worse",
    "neutre": "neutral", "neutral": "neutral", "": "neutral",
}
# The words the template and the instructions use for each stored code (each one read back by KINDS/DIRECTIONS).
KIND_WORDS = {"count": "effectif", "rate": "taux", "ratio": "rapport", "mean": "moyenne", "median": "médiane",
              "index": "indice"}
DIRECTION_WORDS = {"higher_better": "hausse favorable", "higher_worse": "hausse défavorable", "neutral": "neutre"}
PERIODICITIES = {"annuelle": "annual", "annuel": "annual", "annual": "annual", "": "annual",
                 "mensuelle": "monthly", "mensuel": "monthly", "monthly": "monthly",
                 "trimestrielle": "quarterly", "trimestriel": "quarterly", "quarterly": "quarterly"}
FIELDS = {
    "id": ("id", "identifiant", "indicateur", "code", "code_indicateur"),
    "label": ("libelle", "label", "nom_indicateur", "intitule"),
    "domain": ("domaine", "domain", "theme", "thematique"),
    "unit": ("unite", "unit"),
    "kind": ("nature", "kind", "type"),
    "direction": ("sens", "direction", "lecture"),
    "dataset": ("source", "jeu_de_donnees", "dataset", "base"),
    "producer": ("producteur", "producer", "partenaire", "fournisseur"),
    "definition": ("definition", "description"),
    "periodicity": ("periodicite", "frequence"),
    "scale": ("echelle", "scale", "multiplicateur"),
    "numerator_label": ("numerateur", "libelle_numerateur"),
    "denominator_label": ("denominateur", "libelle_denominateur"),
    "secret_threshold": ("seuil_secret", "seuil", "secret_threshold"),
    "sum_of": ("somme_de", "somme", "total_de", "sum_of"),
}
REQUIRED = ("id", "label", "domain", "unit", "kind")
DECLARATION_HEADER = ["id", "libelle", "domaine", "unite", "nature", "sens", "source", "producteur",
                      "definition", "periodicite", "seuil_secret", "somme_de"]
_ID = re.compile(r"[a-z][a-z0-9_]{1,62}")


@dataclass(frozen=True)
class Declarations:
    indicators: list[Indicator]
    sums: list[tuple[str, str]]        # (total id, part id)
    problems: list[Problem]


def is_declaration_header(headers: list[str]) -> bool:
    names = {normalise_text(h) for h in headers}
    return bool(names & set(FIELDS["label"])) and bool(names & set(FIELDS["kind"]) | names & set(FIELDS["unit"]))


class _Refused(Exception):
    """A declaration row that cannot be used: (message, column, value, severity) for its Problem."""

    def __init__(self, message: str, column: str | None = None, value: str | None = None, severity: str = ERROR):
        super().__init__(message, column, value, severity)


def parse_declarations(rows: list[dict], catalogue: dict[str, Indicator], *, partner: str | None,
                       where: str | None) -> Declarations:
    """Validate declared indicators (French problems with the sheet/file line) and build them."""
    problems: list[Problem] = []
    declared: dict[str, Indicator] = {}
    pending_sums: list[tuple[int, str, str]] = []
    for row in rows:
        line, fields = row.get("_line"), _fields(row)

        def say(message, column=None, value=None, severity=ERROR, line=line):
            problems.append(Problem("declaration_indicateur", message, severity=severity,
                                    lines=(line,) if line else (), column=column, value=value, sheet=where))
        try:
            indicator = _declared_indicator(fields, catalogue, declared, partner, say)
        except _Refused as refusal:
            say(*refusal.args)
            continue
        declared[indicator.id] = indicator
        pending_sums += [(line, indicator.id, normalise_text(part))
                         for part in re.split(r"[+,;/]| et ", fields.get("sum_of") or "") if part.strip()]
    sums = _checked_sums(pending_sums, {**catalogue, **declared}, problems, where)
    return Declarations(list(declared.values()), sums, problems)


def _declared_indicator(fields: dict[str, str], catalogue: dict[str, Indicator], declared: dict[str, Indicator],
                        partner: str | None, say) -> Indicator:
    """One declaration row as an Indicator; raises _Refused with the first thing wrong."""
    ind_id = _declared_id(fields, catalogue, declared)
    kind, domain, direction, periodicity = _declared_terms(fields)
    scale, threshold = _declared_numbers(fields, kind)
    unit = fields["unit"].strip()
    if kind == "rate" and unit not in ("%", "pourcent", "pour cent"):
        say("un taux s'exprime en « % » : l'unité indiquée est remplacée par « % ».", "unite", unit, WARNING)
    if kind == "rate":
        unit = "%"
    producer = (fields.get("producer") or partner or fields.get("dataset") or "Partenaire").strip()
    return Indicator(
        ind_id, _text(fields["label"]), domain, unit, kind, direction, _text(producer),
        _text(fields.get("dataset") or "Données partenaire"),
        _text(fields.get("definition") or fields["label"]), scale=scale,
        numerator_label=_text(fields.get("numerator_label")) or None,
        denominator_label=_text(fields.get("denominator_label")) or None,
        periodicity=periodicity, secret_threshold=threshold,
        secret_rule=(SECRET_RULE_COUNTS.replace("11", str(threshold)) if threshold else None),
        decimals=0 if kind == "count" else 1, sort_order=1000 + len(declared))


def _declared_id(fields: dict[str, str], catalogue: dict[str, Indicator], declared: dict[str, Indicator]) -> str:
    missing = [name for name in REQUIRED if not (fields.get(name) or "").strip()]
    if missing:
        raise _Refused("déclaration d'indicateur incomplète : il manque "
                       + ", ".join(f"« {_FRENCH[m]} »" for m in missing) + ".")
    raw_id = fields["id"].strip()
    ind_id = normalise_text(raw_id)
    if not _ID.fullmatch(ind_id):
        raise _Refused("identifiant d'indicateur invalide : lettres minuscules, chiffres et « _ », "
                       "commençant par une lettre (par exemple « nb_logements_vacants »).", "id", raw_id)
    if ind_id in catalogue:
        raise _Refused("cet indicateur existe déjà dans le catalogue : sa déclaration est ignorée et la "
                       "définition du catalogue est gardée.", "id", raw_id, WARNING)
    if ind_id in declared:
        raise _Refused("indicateur déclaré deux fois.", "id", raw_id)
    return ind_id


def _declared_terms(fields: dict[str, str]) -> tuple[str, str, str, str]:
    """(kind, domain, direction, periodicity) from the French words of the declaration."""
    kind = KINDS.get(normalise_text(fields["kind"]))
    if kind is None:
        raise _Refused("nature inconnue : indiquez effectif, taux, rapport, moyenne, médiane ou indice.",
                       "nature", fields["kind"])
    domain_ids = {d: d for d, _ in DOMAINS} | {normalise_text(label): d for d, label in DOMAINS}
    domain = domain_ids.get(normalise_text(fields["domain"]))
    if domain is None:
        close = difflib.get_close_matches(normalise_text(fields["domain"]), list(domain_ids), 2, 0.5)
        hint = f" Vouliez-vous dire : {', '.join(dict(DOMAINS)[domain_ids[c]] for c in close)} ?" if close else ""
        raise _Refused("domaine inconnu. Domaines possibles : " + ", ".join(label for _, label in DOMAINS)
                       + "." + hint, "domaine", fields["domain"])
    direction = DIRECTIONS.get(normalise_text(fields.get("direction") or ""))
    if direction is None:
        raise _Refused("sens inconnu : « plus c'est haut, mieux c'est », « plus c'est haut, moins c'est "
                       "favorable » ou « neutre ».", "sens", fields.get("direction"))
    periodicity = PERIODICITIES.get(normalise_text(fields.get("periodicity") or ""))
    if periodicity is None:
        raise _Refused("périodicité inconnue : annuelle, trimestrielle ou mensuelle.", "periodicite",
                       fields.get("periodicity"))
    return kind, domain, direction, periodicity


def _declared_numbers(fields: dict[str, str], kind: str) -> tuple[float | None, int | None]:
    """(scale, secrecy threshold): the declaration's, else the kind's defaults."""
    scale = {"rate": 100.0, "ratio": 1.0, "mean": 1.0}.get(kind)
    if fields.get("scale"):
        scale = parse_number(fields["scale"])
        if scale is None or scale <= 0:
            raise _Refused("échelle illisible (un nombre positif, par exemple 100 pour un taux).",
                           "echelle", fields["scale"])
    threshold: int | None = 11 if kind in ("count", "rate", "ratio", "mean") else None
    if fields.get("secret_threshold"):
        number = parse_number(fields["secret_threshold"])
        if number is None or number < 1 or not float(number).is_integer():
            raise _Refused("seuil du secret illisible (un nombre entier, 11 par défaut).", "seuil_secret",
                           fields["secret_threshold"])
        threshold = int(number)
    return scale, threshold


def _checked_sums(pending: list[tuple[int, str, str]], known: dict[str, Indicator], problems: list[Problem],
                  where: str | None) -> list[tuple[str, str]]:
    """The `somme_de` relations whose parts exist and are counts (problems for the others)."""
    sums = []
    for line, total, part in pending:
        if part not in known:
            message = "« somme_de » cite un indicateur inconnu."
        elif known[part].kind != "count" or known[total].kind != "count":
            message = ("seuls des effectifs s'additionnent : « somme_de » ne peut relier que des indicateurs "
                       "de nature effectif.")
        else:
            sums.append((total, part))
            continue
        problems.append(Problem("declaration_indicateur", message, lines=(line,) if line else (),
                                column="somme_de", value=part, sheet=where))
    return sums


_FRENCH = {"id": "id", "label": "libelle", "domain": "domaine", "unit": "unite", "kind": "nature"}


def _fields(row: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for header, value in row.items():
        if header == "_line":
            continue
        name = normalise_text(header)
        for field, names in FIELDS.items():
            if name in names and field not in out:
                out[field] = "" if value is None else str(value)
    return out


def _text(value: str | None) -> str:
    """Text from a file, kept as text: trimmed, control characters removed (never markup)."""
    if value is None:
        return ""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", str(value)).strip()
