"""Command-line export of the page « Énergie »: the targeting list, the alerts and the price scenario of one
quartier (or of every quartier) as the page's workbook (`dq_core.export.energy_workbook`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dq_core import fmt
from dq_core.errors import DQError
from dq_core.store import workspace


def add_commands(command: Callable) -> None:
    sub = command("energie-export", "exporte la liste de ciblage, les alertes et le scénario de prix de la page "
                  "Énergie (classeur Excel)", _export)
    sub.add_argument("code", nargs="?", metavar="CODE", help="code du quartier (sans code : tous les quartiers)")
    sub.add_argument("--hausse", type=float, default=15.0, metavar="POURCENT",
                     help="hausse des prix du scénario, en % (défaut : 15)")
    sub.add_argument("--out", type=Path, required=True, metavar="FICHIER.xlsx", help="où écrire le classeur")


def _export(args) -> int:
    from dq_core.export import energy_workbook
    from dq_core.store import db

    if args.out.suffix.lower() != ".xlsx":
        raise DQError(f"« {args.out} » : le classeur s'écrit dans un fichier .xlsx.")
    con = db.connect(workspace.resolve(args.db))
    try:
        data = energy_workbook.energy_workbook(con.cursor(), args.code.strip().upper() if args.code else None,
                                               args.hausse)
    finally:
        con.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    scope = f"du quartier {args.code.upper()}" if args.code else "de tous les quartiers"
    print(f"Classeur {scope} écrit dans {args.out} ({fmt.number(len(data) / 1024, 0)} Ko ; scénario : prix "
          f"{fmt.number(args.hausse, 0, sign=True)} %).")
    return 0
