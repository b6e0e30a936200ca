"""Command-line commands of the Évolution, Comparer and Carte pages: groups, series, similar quartiers.

Registered by `dq_core.cli` (`add_commands`); tables are printed tab-separated (French number format
for people, `--json` for programs), secret cells as `s`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pandas as pd

from dq_core import fmt
from dq_core.explore import compare, evolution, groups
from dq_core.store import workspace


def add_commands(command: Callable) -> None:
    listing = command("groupes", "liste les groupes de quartiers enregistrés", _groups)
    listing.add_argument("--json", action="store_true", help="un objet JSON par ligne")
    create = command("groupe-creer", "enregistre un groupe de quartiers (contrat de ville…)", _group_create)
    create.add_argument("nom", help="nom du groupe")
    create.add_argument("codes", nargs="+", metavar="CODE", help="codes des quartiers (au moins deux)")
    delete = command("groupe-supprimer", "supprime un groupe de quartiers", _group_delete)
    delete.add_argument("code", help="code du groupe (GRP0001…)")
    series = command("evolution", "séries d'indicateurs pour des quartiers, leurs références et des groupes",
                     _evolution)
    series.add_argument("codes", nargs="+", metavar="CODE", help="codes des quartiers")
    series.add_argument("--indicateurs", required=True, help="identifiants séparés par des virgules")
    series.add_argument("--references", default="", help="commune,epci,departement,region,france,quartiers")
    series.add_argument("--groupes", default="", help="codes de groupes séparés par des virgules")
    series.add_argument("--base100", action="store_true", help="indices base 100")
    series.add_argument("--base", help="période de base (défaut : première période commune)")
    series.add_argument("--json", action="store_true", help="les tableaux en JSON")
    similar = command("similaires", "les quartiers qui ressemblent le plus à un quartier", _similar)
    similar.add_argument("code", help="code du quartier")
    similar.add_argument("--indicateurs", help="identifiants séparés par des virgules (défaut : indicateurs clés)")
    similar.add_argument("-k", type=int, default=compare.DEFAULT_NEIGHBOURS, help="nombre de quartiers")
    similar.add_argument("--toutes-geographies", action="store_true",
                         help="comparer aussi aux quartiers de l'autre géographie prioritaire (2015/2024)")
    similar.add_argument("--json", action="store_true", help="un objet JSON par ligne")


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _groups(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        found = groups.list_groups(cur)
    for g in found:
        if args.json:
            print(json.dumps({"code": g.code, "name": g.name, "members": list(g.members), "vintage": g.vintage},
                             ensure_ascii=False))
        else:
            print(f"{g.code}\t{g.name}\t{len(g.members)} quartiers\t{', '.join(g.members)}")
    return 0


def _group_create(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        group = groups.create_group(cur, args.nom, args.codes)
    print(f"Groupe {group.code} « {group.name} » enregistré ({len(group.members)} quartiers).")
    return 0


def _group_delete(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        groups.delete_group(cur, args.code)
    print(f"Groupe {args.code.upper()} supprimé.")
    return 0


def _evolution(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        evo = evolution.build_evolution(cur, _split(args.indicateurs), args.codes, _split(args.references),
                                        _split(args.groupes), base100=args.base100, base_period=args.base)
    for ind in evo.indicators:
        table = evolution.evolution_table(evo, ind.id)
        if args.json:
            print(json.dumps({"indicator": ind.id, "label": ind.label, "unit": table.attrs.get("unit"),
                              "rows": [{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")]},
                             ensure_ascii=False))
            continue
        print(f"{ind.label} ({table.attrs.get('unit', ind.unit)})")
        print(_tsv(table, table.attrs.get("decimals", ind.decimals)))
        for note in evo.notes_for(ind.id):
            print(f"  note : {note}")
        print()
    return 0


def _similar(args) -> int:
    with workspace.open_cursor(args.db) as cur:
        places = compare.quartier_places(cur)
        own = places.frame[places.frame["code"] == args.code.strip().upper()]["vintage"]
        vintage = None if args.toutes_geographies or own.empty or pd.isna(own.iloc[0]) else int(own.iloc[0])
        result = compare.similar_quartiers(cur, args.code, _split(args.indicateurs) or None, args.k,
                                           compare.Filters(vintage=vintage), places=places)
    for note in result.notes:
        print(f"note : {note}")
    for rank, n in enumerate(result.neighbours, start=1):
        if args.json:
            print(json.dumps({"rank": rank, "code": n.code, "name": n.name, "commune": n.commune,
                              "distance": round(n.distance, 4), "compared": n.compared,
                              "closest": [f.indicator.id for f in n.closest],
                              "differences": [f.indicator.id for f in n.differences]}, ensure_ascii=False))
        else:
            differs = " ; ".join(f.text() for f in n.differences) or "rien de marquant"
            print(f"{rank}\t{n.code}\t{n.name}\t{n.commune}\técart {fmt.number(n.distance, 2)}\t"
                  f"proche sur : {' ; '.join(f.text() for f in n.closest)}\tdiffère sur : {differs}")
    return 0


def _plain(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _tsv(table: pd.DataFrame, decimals: int) -> str:
    lines = ["\t".join(str(c) for c in table.columns)]
    for row in table.itertuples(index=False):
        cells = []
        for value in row:
            if isinstance(value, str):
                cells.append(value)
            elif value is None or (isinstance(value, float) and math.isnan(value)):
                cells.append("–")
            else:
                cells.append(fmt.number(value, decimals))
        lines.append("\t".join(cells))
    return "\n".join(lines)
