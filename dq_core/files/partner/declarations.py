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


def parse_declarations(rows: list[dict], catalogue: dict[str, Indicator], *, partner: str | None,
                       where: str | None) -> Declarations:
    """Validate declared indicators (French problems with the sheet/file line) and build them."""
    problems: list[Problem] = []
    indicators: list[Indicator] = []
    sums: list[tuple[str, str]] = []
    declared: dict[str, Indicator] = {}
    domain_ids = {d: d for d, _ in DOMAINS} | {normalise_text(label): d for d, label in DOMAINS}
    pending_sums: list[tuple[int, str, str]] = []
    for row in rows:
        line = row.get("_line")
        fields = _fields(row)

        def problem(message, column=None, value=None, severity=ERROR, line=line):
            problems.append(Problem("declaration_indicateur", message, severity=severity, lines=(line,) if line else (),
                                    column=column, value=value, sheet=where))
        raw_id = (fields.get("id") or "").strip()
        missing = [name for name in REQUIRED if not (fields.get(name) or "").strip()]
        if missing:
            problem("déclaration d'indicateur incomplète : il manque " + ", ".join(
                f"« {_FRENCH[m]} »" for m in missing) + ".")
            continue
        ind_id = normalise_text(raw_id)
        if not _ID.fullmatch(ind_id):
            problem("identifiant d'indicateur invalide : lettres minuscules, chiffres et « _ », "
                    "commençant par une lettre (par exemple « nb_logements_vacants »).", "id", raw_id)
            continue
        if ind_id in catalogue:
            problem("cet indicateur existe déjà dans le catalogue : sa déclaration est ignorée et la "
                    "définition du catalogue est gardée.", "id", raw_id, WARNING)
            continue
        if ind_id in declared:
            problem("indicateur déclaré deux fois.", "id", raw_id)
            continue
        kind = KINDS.get(normalise_text(fields["kind"]))
        if kind is None:
            problem("nature inconnue : indiquez effectif, taux, rapport, moyenne, médiane ou indice.",
                    "nature", fields["kind"])
            continue
        domain = domain_ids.get(normalise_text(fields["domain"]))
        if domain is None:
            close = difflib.get_close_matches(normalise_text(fields["domain"]), list(domain_ids), 2, 0.5)
            hint = f" Vouliez-vous dire : {', '.join(dict(DOMAINS)[domain_ids[c]] for c in close)} ?" if close else ""
            problem("domaine inconnu. Domaines possibles : " + ", ".join(label for _, label in DOMAINS)
                    + "." + hint, "domaine", fields["domain"])
            continue
        direction = DIRECTIONS.get(normalise_text(fields.get("direction") or ""))
        if direction is None:
            problem("sens inconnu : « plus c'est haut, mieux c'est », « plus c'est haut, moins c'est "
                    "favorable » ou « neutre ».", "sens", fields.get("direction"))
            continue
        periodicity = PERIODICITIES.get(normalise_text(fields.get("periodicity") or ""))
        if periodicity is None:
            problem("périodicité inconnue : annuelle, trimestrielle ou mensuelle.", "periodicite",
                    fields.get("periodicity"))
            continue
        scale = {"rate": 100.0, "ratio": 1.0, "mean": 1.0}.get(kind)
        if fields.get("scale"):
            scale = parse_number(fields["scale"])
            if scale is None or scale <= 0:
                problem("échelle illisible (un nombre positif, par exemple 100 pour un taux).",
                        "echelle", fields["scale"])
                continue
        threshold: int | None = 11 if kind in ("count", "rate", "ratio", "mean") else None
        if fields.get("secret_threshold"):
            number = parse_number(fields["secret_threshold"])
            if number is None or number < 1 or not float(number).is_integer():
                problem("seuil du secret illisible (un nombre entier, 11 par défaut).", "seuil_secret",
                        fields["secret_threshold"])
                continue
            threshold = int(number)
        unit = fields["unit"].strip()
        if kind == "rate" and unit not in ("%", "pourcent", "pour cent"):
            problem("un taux s'exprime en « % » : l'unité indiquée est remplacée par « % ».", "unite",
                    unit, WARNING)
        if kind == "rate":
            unit = "%"
        producer = (fields.get("producer") or partner or fields.get("dataset") or "Partenaire").strip()
        indicator = Indicator(
            ind_id, _text(fields["label"]), domain, unit, kind, direction, _text(producer),
            _text(fields.get("dataset") or "Données partenaire"),
            _text(fields.get("definition") or fields["label"]), scale=scale,
            numerator_label=_text(fields.get("numerator_label")) or None,
            denominator_label=_text(fields.get("denominator_label")) or None,
            periodicity=periodicity, secret_threshold=threshold,
            secret_rule=(SECRET_RULE_COUNTS.replace("11", str(threshold)) if threshold else None),
            decimals=0 if kind == "count" else 1, sort_order=1000 + len(declared))
        declared[ind_id] = indicator
        indicators.append(indicator)
        if fields.get("sum_of"):
            for part in re.split(r"[+,;/]| et ", fields["sum_of"]):
                if part.strip():
                    pending_sums.append((line, ind_id, normalise_text(part)))
    known = {**catalogue, **declared}
    for line, total, part in pending_sums:
        if part not in known:
            problems.append(Problem("declaration_indicateur", "« somme_de » cite un indicateur inconnu.",
                                    severity=ERROR, lines=(line,) if line else (), column="somme_de", value=part, sheet=where))
        elif known[part].kind != "count" or known[total].kind != "count":
            problems.append(Problem("declaration_indicateur", "seuls des effectifs s'additionnent : "
                                    "« somme_de » ne peut relier que des indicateurs de nature effectif.",
                                    severity=ERROR, lines=(line,) if line else (), column="somme_de", value=part, sheet=where))
        else:
            sums.append((total, part))
    return Declarations(indicators, sums, problems)


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
