"""The command line (`python -m dq_core …`): the same functions as the pages, in a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from dq_core import cli_explore, db, fmt, workspace
from dq_core.errors import DQError
from dq_core.fiche import Fiche, build_fiche
from dq_core.territories import REFERENCE_KEYS, REFERENCE_LABELS, list_quartiers

# argparse speaks English; people using this tool read French.
_ARGPARSE_FR = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "the following arguments are required: %s": "argument(s) obligatoire(s) manquant(s) : %s",
    "unrecognized arguments: %s": "argument(s) non reconnu(s) : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "expected one argument": "une valeur est attendue",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}
argparse._ = lambda text: _ARGPARSE_FR.get(text, text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except DQError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dq_core",
                     description="Data & Quartiers en ligne de commande : les mêmes calculs que "
                     "l'application.")
    commands = parser.add_subparsers(title="commandes", metavar="COMMANDE", parser_class=_Parser)

    def command(name: str, help_text: str, run: Callable) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", type=Path, help="base de données à utiliser (défaut : DQ_DB, sinon "
                         "la base de démonstration)")
        sub.set_defaults(run=run)
        return sub

    demo = command("init-demo", "(re)construit la base de démonstration (données fictives)",
                   _init_demo)
    demo.add_argument("--scale", choices=["regional", "national"], default="regional",
                      help="regional : 78 quartiers ; national : ~1 600 quartiers (mesures)")
    quartiers = command("quartiers", "liste les quartiers de la base", _quartiers)
    quartiers.add_argument("--json", action="store_true", help="un objet JSON par ligne")
    profile = command("profile", "affiche la fiche d'un ou plusieurs quartiers", _profile)
    profile.add_argument("codes", nargs="+", metavar="CODE", help="code du quartier")
    profile.add_argument("--json", action="store_true", help="un objet JSON par ligne et par quartier")
    cli_explore.add_commands(command)          # groupes, evolution, similaires (dq_core/cli_explore.py)
    return parser


def _init_demo(args) -> int:
    from dq_core.demo import build_demo

    path = args.db or db.DEMO_DB_PATH
    print(f"Construction de la base de démonstration ({args.scale}) dans {path}…", file=sys.stderr)
    summary = build_demo(path, scale=args.scale)
    print(f"Base prête : {summary.get('quartiers')} quartiers, {summary.get('communes')} communes, "
          f"{fmt.number(summary.get('observations'), 0)} observations.", file=sys.stderr)
    return 0


def _quartiers(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        quartiers = list_quartiers(cur)
    for q in quartiers:
        if args.json:
            names = [c.name for c in q.communes]
            print(json.dumps({"code": q.code, "name": q.name,
                              "commune": names[0] if len(names) == 1 else names,
                              "commune_codes": [c.code for c in q.communes],
                              "vintage": q.vintage}, ensure_ascii=False))
        else:
            print(f"{q.code}\t{q.name}\t{q.commune_names}\t{q.vintage or ''}")
    return 0


def _profile(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        fiches = [build_fiche(cur, code) for code in args.codes]
    for fiche in fiches:
        if args.json:
            print(json.dumps(fiche_to_json(fiche), ensure_ascii=False))
        else:
            print(fiche_to_text(fiche))
    return 0


def fiche_to_json(fiche: Fiche) -> dict:
    q = fiche.quartier
    names = [c.name for c in q.communes]
    indicators = []
    for line in fiche.lines():
        ind, latest = line.indicator, line.latest
        indicators.append({
            "id": ind.id, "label": ind.label, "domain": ind.domain, "kind": ind.kind, "unit": ind.unit,
            "period": latest.period if latest else None,
            "value": None if latest is None or latest.secret else latest.value,
            "secret": bool(latest and latest.secret),
            "provisional": bool(latest and latest.provisional),
            "previous": line.previous.value if line.previous else None,
            "previous_period": line.previous.period if line.previous else None,
            "change_previous": line.change_previous,
            "change_5y": line.change_5y,
            "references": {key: _reference_json(line.references.get(key)) for key in REFERENCE_KEYS},
            "source": f"{ind.producer}, {ind.dataset}",
        })
    return {
        "quartier": {"code": q.code, "name": q.name, "vintage": q.vintage,
                     "commune": names[0] if len(names) == 1 else names,
                     "population": fiche.population.value if fiche.population else None,
                     "population_period": fiche.population.period if fiche.population else None},
        "demo": fiche.demo,
        "references": {key: {"code": t.code, "name": t.name} for key, t in q.references.items()},
        "indicators": indicators,
    }


def _reference_json(ref) -> float | None:
    if ref is None or ref.secret:
        return None
    return ref.value


def fiche_to_text(fiche: Fiche) -> str:
    q = fiche.quartier
    out = []
    if fiche.demo:
        out.append("*** Données fictives de démonstration ***")
    pop = (f"{fmt.value(fiche.population.value, 'habitants', 0)} ({fiche.population.period})"
           if fiche.population else "population inconnue")
    out.append(f"{q.name} ({q.code}) — {q.commune_names} — {pop}")
    header = "  ".join(REFERENCE_LABELS[k][:12] for k in REFERENCE_KEYS)
    for _, label, lines in fiche.domains:
        out.append(f"\n{label.upper()}")
        out.append(f"  {'indicateur':<58} {'période':<9} {'valeur':>14}  | {header}")
        for line in lines:
            ind, latest = line.indicator, line.latest
            shown = fmt.value(latest.value, ind.unit, ind.decimals, secret=latest.secret) if latest else "–"
            refs = "  ".join(fmt.value(r.value, ind.unit, ind.decimals, secret=r.secret) if r else "–"
                             for r in (line.references.get(k) for k in REFERENCE_KEYS))
            out.append(f"  {ind.label[:58]:<58} {fmt.period(latest.period) if latest else '–':<9} "
                       f"{shown:>14}  | {refs}")
    return "\n".join(out)
