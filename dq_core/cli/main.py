"""The command line (`python -m dq_core …`): the same functions as the pages, in a terminal."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from dq_core import __version__, flags, fmt, french
from dq_core.cli import addresses, energy, energy_export, explore
from dq_core.errors import DQError
from dq_core.explore.fiche import Fiche, build_fiche
from dq_core.files.status import BatchStatus, ImportStatus
from dq_core.store import db, failures, territories, workspace
from dq_core.store.territories import REFERENCE_KEYS, REFERENCE_LABELS, list_quartiers

# argparse speaks English; people using this tool read French.
_ARGPARSE_FR = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s : %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "ignored explicit argument %r": "cette option ne prend pas de valeur (%r donné)",
    "not allowed with argument %s": "incompatible avec %s",
    "one of the arguments %s is required": "l'un de ces arguments est obligatoire : %s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut être %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}
# Messages whose wording depends on how many names follow: marked here, worded by `FrenchParser.error`.
_COUNTED = {"the following arguments are required: %s": ("required", "argument obligatoire manquant", ", "),
            "unrecognized arguments: %s": ("unrecognized", "argument non reconnu", " ")}
_MARK = "\x00"
argparse._ = lambda text: f"{_MARK}{_COUNTED[text][0]}{_MARK}%s" if text in _COUNTED else _ARGPARSE_FR.get(text, text)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "%s valeur est attendue" if n < 2 else "%s valeurs sont attendues"
    return singular if n == 1 else plural


argparse.ngettext = _ngettext


def _counted(message: str) -> str:
    """« argument obligatoire manquant : CODE », « arguments obligatoires manquants : CODE, --out »."""
    _, tag, names = message.split(_MARK, 2)
    words, separator = next((w, sep) for t, w, sep in _COUNTED.values() if t == tag)
    return f"{french.agree(len(names.split(separator)), words)} : {names}"


class FrenchParser(argparse.ArgumentParser):
    """argparse for this project's commands: its own texts in French (above), errors as « Erreur : … »."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : {_counted(message) if message.startswith(_MARK) else message}\n")


def main(argv: list[str] | None = None, prog: str = "python -m dq_core",
         more_commands: tuple[tuple[str, str], ...] = ()) -> int:
    """Run one command; `prog` and `more_commands` (name, help) are how the installed `data-quartiers`
    command (dq_core/command.py) lists its own commands beside these ones."""
    _quiet_logging()
    parser = _build_parser(prog, more_commands)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except DQError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:          # a damaged file or a full disk met while working
        explained = failures.explain(exc, workspace.resolve(getattr(args, "db", None)))
        if explained is None:
            raise
        print(f"Erreur : {explained.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:               # `… | head` closed the pipe: the rest was not wanted
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's own flush error
        return 0
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


def _quiet_logging() -> None:
    """A bug met while reading a file is logged with its traceback, for developers: shown with DQ_DEBUG=1, never
    to someone importing a file, who reads the French message (Python would print it on stderr otherwise)."""
    root = logging.getLogger()
    if not os.environ.get("DQ_DEBUG") and not root.handlers:
        root.addHandler(logging.NullHandler())


def _build_parser(prog: str, more_commands: tuple[tuple[str, str], ...]) -> argparse.ArgumentParser:
    parser = FrenchParser(prog=prog, description="Data & Quartiers en ligne de commande : les mêmes calculs que "
                     "l'application.")
    parser.add_argument("--version", action="version", version=f"Data & Quartiers {__version__}",
                        help="affiche la version et quitte")
    commands = parser.add_subparsers(title="commandes", metavar="COMMANDE", parser_class=FrenchParser)
    for name, help_text in more_commands:          # run by their own command before this parser
        commands.add_parser(name, help=help_text, add_help=False)

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
    _add_import_commands(command)
    official = command("import-official", "importe les fichiers officiels (Insee, ANCT) d'un dossier dans "
                       "votre base (défaut : donnees-officielles.duckdb dans le dossier des espaces de travail)", _import_official)
    official.add_argument("folder", type=Path, metavar="DOSSIER", help="dossier des fichiers téléchargés")
    fetch = command("fetch-official", "télécharge les fichiers officiels à jour chez leurs producteurs, "
                    "puis les importe", _fetch_official)
    fetch.add_argument("--config", type=Path, help="fichier des adresses (défaut : celui de l'application, "
                       "data/official_sources.toml)")
    fetch.add_argument("--dossier", dest="dest", type=Path,
                       help="où enregistrer les fichiers téléchargés (défaut : un dossier temporaire)")
    _add_export_command(command)
    explore.add_commands(command)              # groupes, evolution, similaires (dq_core/cli/explore.py)
    addresses.add_commands(command)            # index-adresses, locate (dq_core/cli/addresses.py)
    energy.add_commands(command)               # energie, energie-alertes, energie-scenario… (dq_core/cli/energy.py)
    energy_export.add_commands(command)        # energie-export (dq_core/cli/energy_export.py)
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
            "source": line.citation,
            "data_year_established": not (latest and flags.is_edition_year(latest.note)),
            **_origin_json(line),
        })
    return {
        "quartier": {"code": q.code, "name": q.name, "vintage": q.vintage,
                     "commune": names[0] if len(names) == 1 else names,
                     "population": fiche.population.value if fiche.population else None,
                     "population_period": fiche.population.period if fiche.population else None},
        "demo": fiche.demo,
        "references": {key: {"code": t.code, "name": t.name} for key, t in q.references.items()},
        "indicators": indicators,
        **_lineage_json(fiche),
    }


def _origin_json(line) -> dict:
    """A 2024 quartier's line: whose figure the value is, and how its series continues the 2015 one."""
    if line.link is None:
        return {}
    origin = list(line.link.predecessors) if line.latest_from_predecessor else None
    return {"origin": origin, "series_note": line.link.text if line.link.until else line.link.refused}


def _lineage_json(fiche: Fiche) -> dict:
    lineage = fiche.lineage
    if lineage is None:
        return {}
    return {"perimeter": {"status": lineage.notice.status if lineage.notice else None,
                          "text": lineage.text, "predecessors": [c for c, _ in lineage.predecessors],
                          "empty_reason": lineage.empty_reason}}


def _reference_json(ref) -> dict | None:
    """A reference's figure with its own data year (`period`), which may differ from the quartier's."""
    if ref is None:
        return None
    return {"code": ref.code, "name": ref.name, "period": ref.period,
            "value": None if ref.secret else ref.value, "secret": ref.secret, "source": ref.source}


def _reference_text(ref, line) -> str:
    """A reference's figure, with its year when it is not the quartier's, and « métro. » for France métropolitaine."""
    if ref is None or (ref.value is None and not ref.secret):
        return "–"
    text = fmt.value(ref.value, line.indicator.unit, line.indicator.decimals, secret=ref.secret)
    said = [fmt.period(ref.period)] if line.latest is not None and ref.period != line.latest.period else []
    said += ["métro."] if ref.is_metropole else []
    return f"{text} ({', '.join(said)})" if said else text


def fiche_to_text(fiche: Fiche) -> str:
    q = fiche.quartier
    out = []
    if fiche.demo:
        out.append("*** Données fictives de démonstration ***")
    origin = f", {fiche.population_origin()}" if fiche.population and fiche.population_origin() else ""
    pop = (f"{fmt.value(fiche.population.value, 'habitants', 0)} ({fiche.population.period}{origin})"
           if fiche.population else "population inconnue")
    out.append(f"{q.name} ({q.code}) — {q.commune_names} — {pop}")
    lineage = fiche.lineage
    out += [text for text in (lineage.text, lineage.empty_reason) if text] if lineage else []
    marked = set()
    header = "  ".join(REFERENCE_LABELS[k][:12] for k in REFERENCE_KEYS)
    for _, label, lines in fiche.domains:
        out.append(f"\n{label.upper()}")
        out.append(f"  {'indicateur':<58} {'période':<9} {'valeur':>14}  | {header}")
        for line in lines:
            ind, latest = line.indicator, line.latest
            shown = fmt.value(latest.value, ind.unit, ind.decimals, secret=latest.secret) if latest else "–"
            if line.latest_from_predecessor:
                shown += "*"
                marked.add(line.link.whose)
            refs = "  ".join(_reference_text(r, line) for r in (line.references.get(k) for k in REFERENCE_KEYS))
            out.append(f"  {ind.label[:58]:<58} {fmt.period(latest.period) if latest else '–':<9} "
                       f"{shown:>14}  | {refs}")
    if marked:
        out.append(f"\n* valeur {' ; '.join(sorted(marked))} (géographie 2015)")
    return "\n".join(out)


# --- partner imports (issue 5) ----------------------------------------------------------------

def _add_import_commands(command: Callable) -> None:
    imp = command("import", "vérifie et importe un fichier de données (CSV ou Excel)", _import)
    imp.add_argument("file", type=Path, metavar="FICHIER", help="fichier CSV ou XLSX")
    imp.add_argument("--dry-run", action="store_true",
                     help="vérifie seulement : rien n'est enregistré (mode validateur)")
    choice = imp.add_mutually_exclusive_group()
    choice.add_argument("--replace", action="store_true",
                        help="remplace les valeurs déjà présentes (elles reviennent si l'import est annulé)")
    choice.add_argument("--keep", action="store_true", help="garde les valeurs déjà présentes")
    imp.add_argument("--partner", metavar="NOM", help="nom du partenaire (mémorise sa présentation de fichier et son seuil)")
    imp.add_argument("--comment", metavar="TEXTE", help="commentaire gardé dans l'historique")
    imp.add_argument("--indicators", type=Path, metavar="FICHIER",
                     help="fichier joint déclarant de nouveaux indicateurs")
    imp.add_argument("--period", metavar="PERIODE", help="période de tout le fichier quand il n'a pas de colonne période")
    imp.add_argument("--secret-threshold", type=int, metavar="N",
                     help="seuil du secret statistique pour ce fichier (défaut : celui du partenaire, sinon 11)")
    history = command("history", "liste les imports, du plus récent au plus ancien", _history)
    history.add_argument("--json", action="store_true", help="un objet JSON par ligne")
    undo = command("undo", "annule un import (ses valeurs sont retirées, celles qu'il remplaçait reviennent)",
                   _undo)
    undo.add_argument("batch_id", type=int, metavar="NUMERO", help="numéro de l'import (voir history)")
    template = command("template", "écrit le modèle de fichier à remplir (CSV ou XLSX)", _template)
    template.add_argument("--out", type=Path, required=True, metavar="CHEMIN",
                          help="fichier à écrire : .csv ou .xlsx")
    template.add_argument("--residences", action="store_true",
                          help="modèle de consommation d'énergie par résidence (bailleurs, distributeurs)")


DEMO_STAYS_FICTIONAL = ("la base ouverte est la démonstration (données fictives), qui le reste : vérifiez le fichier "
                        "avec --dry-run, ou importez-le dans votre propre espace de travail avec --db CHEMIN "
                        "(créez-le dans l'application : « Espace de travail » → « Nouvel espace ou autre fichier »).")


def _import(args) -> int:
    from dq_core.files import FileSource, ImportOptions, import_file

    source = FileSource.from_path(args.file)
    options = ImportOptions(
        mode="replace" if args.replace else "keep" if args.keep else None, dry_run=args.dry_run,
        partner=args.partner, comment=args.comment, period=args.period,
        secret_threshold=args.secret_threshold,
        indicators_file=FileSource.from_path(args.indicators) if args.indicators else None)
    con = workspace.open_connection(args.db)
    try:
        if not args.dry_run and db.is_demo(con.cursor()):
            raise DQError(DEMO_STAYS_FICTIONAL)
        # The import runs in this process alone: cap DuckDB's memory (it spills to disk beyond).
        con.execute("SET memory_limit = '500MB'")
        with con.cursor() as cur:
            report = import_file(cur, source, options)
    finally:
        con.close()
    if report.status in (ImportStatus.IMPORTED, ImportStatus.CHECKED):
        print(report.text())
        return 0
    print(report.text(), file=sys.stderr)
    if report.status == ImportStatus.NEEDS_CHOICE:
        print("Relancez avec --replace ou --keep.", file=sys.stderr)
    return 1


def _history(args) -> int:
    from dq_core.files import import_history

    with workspace.open_cursor(args.db) as cur:
        entries = import_history(cur)
    for entry in entries:
        if args.json:
            print(json.dumps(entry.to_json(), ensure_ascii=False))
        else:
            state = "annulé" if entry.status == BatchStatus.UNDONE else "importé"
            print(f"{entry.id}\t{entry.imported_at:%d/%m/%Y %H:%M}\t{entry.file or ''}\t"
                  f"{fmt.number(entry.rows, 0)} valeurs\t{state}\t{entry.comment or ''}")
    if not entries and not args.json:
        print("Aucun import dans cette base.", file=sys.stderr)
    return 0


def _undo(args) -> int:
    from dq_core.files import undo_import

    with workspace.open_cursor(args.db) as cur:
        entry = undo_import(cur, args.batch_id)
    print(f"Import n° {entry.id} (« {entry.file} ») annulé : {fmt.number(entry.rows, 0)} valeurs retirées"
          + (f", {fmt.number(entry.replaced, 0)} valeurs remplacées restaurées" if entry.replaced else "") + ".")
    return 0


def _template(args) -> int:
    from dq_core.files import build_template

    suffix = args.out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DQError(f"Extension « {suffix or '(aucune)'} » non prise en charge : le modèle s'écrit en .csv "
                      "ou en .xlsx.")
    with workspace.open_cursor(args.db) as cur:
        if args.residences:
            from dq_core.files.partner.residence_template import build_residence_template
            build_residence_template(cur, args.out)
        else:
            build_template(cur, args.out)
    print(f"Modèle écrit : {args.out}", file=sys.stderr)
    return 0
def _import_official(args) -> int:
    from dq_core.files.official import import_folder

    target = workspace.official_target(args.db)
    con = db.connect(target)
    try:
        report = import_folder(con.cursor(), args.folder, _print_progress)
    finally:
        con.close()
    return _print_report(report, target)


def _fetch_official(args) -> int:
    import tempfile

    from dq_core.files.fetch import fetch_official

    target = workspace.official_target(args.db)
    con = db.connect(target)
    try:
        if args.dest:
            report = fetch_official(con.cursor(), args.dest, args.config, progress=_print_progress)
        else:
            with tempfile.TemporaryDirectory(prefix="dq-officiel-") as tmp:
                report = fetch_official(con.cursor(), Path(tmp), args.config, progress=_print_progress)
    finally:
        con.close()
    return _print_report(report, target)


def _print_progress(done: int, total: int, name: str) -> None:
    if name:
        print(f"[{done + 1}/{total}] {name}", file=sys.stderr, flush=True)


def _print_report(report, target: Path) -> int:
    for outcome in report.outcomes:
        print(f"{outcome.status_label.upper():<13} {outcome.name} — {outcome.message}")
    print(f"{report.summary()} Base : {target}", file=sys.stderr)
    return 1 if report.errors else 0


# Export (issue 4) ---------------------------------------------------------------------------------

def _add_export_command(command: Callable) -> None:
    sub = command("export", "exporte la fiche Excel d'un ou plusieurs quartiers", _export)
    sub.add_argument("codes", nargs="*", metavar="CODE", help="code(s) du ou des quartiers")
    sub.add_argument("--all", action="store_true", dest="all_quartiers", help="tous les quartiers de la base")
    sub.add_argument("--commune", metavar="CODE", help="les quartiers d'une commune (code Insee)")
    sub.add_argument("--epci", metavar="CODE", help="les quartiers d'un EPCI (SIREN)")
    sub.add_argument("--departement", metavar="CODE", help="les quartiers d'un département")
    sub.add_argument("--out", type=Path, required=True, metavar="CHEMIN",
                     help="fichier .xlsx (un classeur ; pour plusieurs quartiers, une feuille par "
                     "quartier et une vue d'ensemble), fichier .zip ou dossier (un classeur par quartier)")


def _export(args) -> int:
    from dq_core import export

    selection = {"all_quartiers": args.all_quartiers, "commune": args.commune, "epci": args.epci,
                 "departement": args.departement}
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int, what: str) -> None:
        if interactive and total > 1:
            print(f"\r{done}/{total} {what[:60]:<60}", end="", file=sys.stderr, flush=True)

    with workspace.open_cursor(args.db) as cur:
        codes = territories.select_quartiers(cur, args.codes, **selection)
        title = territories.selection_label(cur, codes, **selection)
        print(f"Export de {len(codes)} quartier{'s' if len(codes) > 1 else ''} vers {args.out}…",
              file=sys.stderr)
        files = export.export_to_path(cur, codes, args.out, progress=progress, title=title)
    if interactive and len(codes) > 1:
        print(file=sys.stderr)
    for path in files:
        print(path)
    fiches = f"{len(codes)} fiche{'s' if len(codes) > 1 else ''} quartier"
    written = f"{len(files)} fichier{'s' if len(files) > 1 else ''} écrit{'s' if len(files) > 1 else ''}"
    print(f"Terminé : {fiches}, {written}.", file=sys.stderr)
    return 0
