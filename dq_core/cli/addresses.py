"""Command-line commands of the page « Adresses »: index the address base, locate a list of addresses.

`locate` writes the per-address result only where the user says (`--out`) and prints the aggregated
counts: nothing of the list reaches the workspace.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from dq_core import fmt
from dq_core.addresses.index import index_files
from dq_core.addresses.locate import Columns, Located, locate
from dq_core.errors import DQError
from dq_core.export.tables import table_to_csv
from dq_core.files.kinds.address_list import guess_columns, read_addresses
from dq_core.files.read.source import FileSource
from dq_core.store import workspace


def add_commands(command: Callable) -> None:
    index = command("index-adresses", "indexe la Base Adresse Nationale (adresses-DD.csv.gz) dans la base, "
                    "pour localiser des adresses sans les envoyer nulle part", _index)
    index.add_argument("files", nargs="+", type=Path, metavar="FICHIER", help="fichiers adresses-DD.csv.gz")
    where = command("locate", "localise une liste d'adresses et compte celles qui sont en quartier prioritaire "
                    "(le fichier reste chez vous : rien n'est enregistré dans la base)", _locate)
    where.add_argument("file", type=Path, metavar="FICHIER", help="tableau CSV ou Excel des adresses")
    where.add_argument("--out", type=Path, required=True, metavar="RESULTAT.csv",
                       help="où écrire le résultat adresse par adresse (pour vous seul)")
    where.add_argument("--geographie", type=int, choices=[2024, 2015], default=2024,
                       help="géographie prioritaire (défaut : 2024)")
    how = where.add_mutually_exclusive_group()
    how.add_argument("--colonne-adresse", metavar="NOM", help="la colonne qui contient l'adresse")
    how.add_argument("--colonnes", metavar="numero,voie,code_postal,commune",
                     help="les colonnes numéro, voie, code postal et commune (laissez vide une colonne absente)")
    how.add_argument("--coordonnees", metavar="lat,lon", help="les colonnes latitude et longitude (WGS84)")
    how.add_argument("--lambert", metavar="x,y", help="les colonnes x et y en Lambert-93")
    where.add_argument("--json", action="store_true", help="le résumé en un objet JSON")


def _index(args) -> int:
    from dq_core.store import db

    con = db.connect(workspace.resolve(args.db))
    try:
        report = index_files(con.cursor(), [FileSource.from_path(p) for p in args.files])
    finally:
        con.close()
    for outcome in report.outcomes:
        print(f"{outcome.status_label.upper():<13} {outcome.name} — {outcome.message}")
    return 1 if report.errors else 0


def columns_from_args(args, header: list[str]) -> Columns:
    def two(text: str, what: str) -> list[str]:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 2 or not all(parts):
            raise DQError(f"--{what} attend deux noms de colonnes séparés par une virgule.")
        return parts

    if args.colonne_adresse:
        guessed = guess_columns(header)
        return Columns(address=args.colonne_adresse, postcode=guessed.postcode, commune=guessed.commune)
    if args.colonnes:
        parts = ([p.strip() or None for p in args.colonnes.split(",")] + [None] * 4)[:4]
        return Columns(number=parts[0], street=parts[1], postcode=parts[2], commune=parts[3])
    if args.coordonnees:
        lat, lon = two(args.coordonnees, "coordonnees")
        return Columns(lat=lat, lon=lon)
    if args.lambert:
        x, y = two(args.lambert, "lambert")
        return Columns(x=x, y=y)
    return guess_columns(header)


def _locate(args) -> int:
    frame = read_addresses(FileSource.from_path(args.file))
    columns = columns_from_args(args, list(frame.columns))
    with workspace.open_cursor(args.db) as cur:
        located = locate(cur, frame, columns, args.geographie)
    args.out.write_bytes(table_to_csv(located.rows))
    summary = summary_json(located)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(summary_text(located))
    print(f"Résultat adresse par adresse écrit dans {args.out} (vos données : gardez-le pour vous).", file=sys.stderr)
    return 0


def summary_json(located: Located) -> dict:
    return {
        "geographie": located.vintage, "total": located.total, "localisees": located.located,
        "dans_un_qpv": located.in_qpv, "introuvables": located.quality_counts().get("introuvable", 0),
        "qualite": located.quality_counts(),
        "quartiers": located.by_quartier.to_dict(orient="records"),
        "communes": located.by_commune.to_dict(orient="records"),
    }


def summary_text(located: Located) -> str:
    share = 100.0 * located.in_qpv / located.located if located.located else 0.0
    lines = [f"{fmt.number(located.total, 0)} adresses, {fmt.number(located.located, 0)} localisées, dont "
             f"{fmt.number(located.in_qpv, 0)} en quartier prioritaire ({fmt.number(share, 1)} %, géographie "
             f"{located.vintage})."]
    for row in located.by_quartier.itertuples(index=False):
        lines.append(f"  {row.code_quartier}\t{row.nom_quartier}\t{fmt.number(row.adresses, 0)}\t"
                     f"{fmt.number(row.part, 1)} %")
    unmatched = len(located.unmatched)
    if unmatched:
        lines.append(f"{fmt.number(unmatched, 0)} adresses sans position (voir la colonne « qualite » du résultat).")
    return "\n".join(lines)
