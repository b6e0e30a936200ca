"""The installed command, `data-quartiers` (pyproject.toml), for people who are not developers:

    data-quartiers [--db PATH] [--server.port N]   starts the app and opens the browser
    data-quartiers formation …                     the training room
    data-quartiers COMMANDE …                      everything `python -m dq_core` does

Only what a command needs is imported: starting the app loads neither DuckDB nor pandas here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dq_core import launch

PROG = "data-quartiers"
APP_HELP = "lance l'application dans le navigateur (commande par défaut)"
FORMATION_HELP = "lance une salle de formation : chaque participant a sa copie de la démonstration"
APP_USAGE = f"""usage : {PROG} [app] [--db CHEMIN] [--server.port N]

Lance Data & Quartiers et l'ouvre dans le navigateur, sur cet ordinateur seulement (Ctrl+C pour
l'arrêter). Sans --db, la démonstration (données fictives) : construite au premier lancement dans
votre dossier de données.

options :
  --db CHEMIN           ouvre cet espace de travail (fichier .duckdb) au lieu de la démonstration
  --server.port N       un autre port que 8501 (s'il est déjà pris)
  -h, --help            affiche cette aide et quitte
"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    first = argv[0] if argv else "app"
    if first == "app" or first.startswith(("--db", *launch.STREAMLIT_PREFIXES)):
        return _app(argv[1:] if first == "app" else argv)
    if first == "formation":
        return _formation(argv[1:])
    from dq_core.cli import main as cli

    return cli(argv, prog=PROG, more_commands=(("app", APP_HELP), ("formation", FORMATION_HELP)))


def _app(args: list[str]) -> int:
    if "-h" in args or "--help" in args:
        print(APP_USAGE, end="")
        return 0
    from dq_core.store import places

    try:
        return launch.run_app(Path(sys.executable), places.APP_DIR, args, command=PROG)
    except KeyboardInterrupt:          # during the demo's construction
        print("\nInterrompu : relancez la même commande pour reprendre.", flush=True)
        return 130


def _formation(args: list[str]) -> int:
    from dq_core.room.cli import main as room

    return room(args, prog=f"{PROG} formation")
