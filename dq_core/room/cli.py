"""`python tasks.py formation` (and `data-quartiers formation`): start a training room, say how to
join it, and remove every participant's copy when it stops (Ctrl+C)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from dq_core import launch
from dq_core.cli.main import FrenchParser
from dq_core.errors import DQError
from dq_core.room import network, proxy
from dq_core.room.session import Room, create_room, remove_room
from dq_core.store import db

APP_DIR = db.PROJECT_DIR          # app.py, pages/ and ui/ (the room's Streamlit server is ui/room_server.py)


def parser(prog: str = "python tasks.py formation") -> argparse.ArgumentParser:
    p = FrenchParser(
        prog=prog, description="Salle de formation : chaque participant travaille dans sa propre copie "
        "de la démonstration, après avoir tapé le code d'accès.")
    p.add_argument("--code", help="code d'accès des participants (par défaut : trois mots tirés au hasard)")
    p.add_argument("--port", type=int, default=8501, help="port d'écoute (8501 par défaut)")
    p.add_argument("--adresse", default="0.0.0.0",
                   help="adresse d'écoute : 0.0.0.0 (toutes les interfaces, par défaut), l'adresse d'une seule "
                        "interface, ou 127.0.0.1 pour essayer sur cet ordinateur seulement")
    p.add_argument("--processus", type=int, default=1,
                   help="nombre de serveurs de l'application (plus de 1 : derrière nginx, à installer)")
    p.add_argument("--lecture-seule", action="append", default=[], metavar="BASE",
                   help="une base réelle offerte à tous en lecture seule (répétable)")
    p.add_argument("--modele", metavar="BASE",
                   help="la base dont chaque participant reçoit sa copie (par défaut : la démonstration)")
    p.add_argument("--taille-envoi", type=int, default=20, metavar="MO",
                   help="taille maximale d'un fichier envoyé, en Mo (20 par défaut)")
    return p


def main(argv: list[str], prog: str = "python tasks.py formation") -> int:
    """`prog`: how the trainer started the room, for the help (`data-quartiers formation` once installed)."""
    args = parser(prog).parse_args(argv)
    if not 1 <= args.processus <= 16:
        print("--processus : entre 1 et 16.", file=sys.stderr)
        return 2
    if args.processus > 1 and proxy.nginx_path() is None:
        print("Plusieurs processus demandent nginx (sous Debian ou Ubuntu : apt-get install nginx-light).",
              file=sys.stderr)
        return 2
    try:
        room = create_room(code=args.code, model=Path(args.modele) if args.modele else None, offered=[Path(p) for p in args.lecture_seule], upload_mb=args.taille_envoi)
    except DQError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    servers: list[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, _interrupt)       # stopped by the system: close the room in order too
    room.set_addresses([network.url(a, args.port) for a in network.reachable_addresses(args.adresse)])
    try:
        servers = start(room, args)
        if not all(launch.wait_until_up(f"http://127.0.0.1:{args.port if len(servers) == 1 else port}", server, 90)
                   for port, server in zip(backend_ports(args), servers, strict=False)):
            print("La salle de formation n'a pas pu démarrer (voir le message ci-dessus).", file=sys.stderr)
            return 1
        print(banner(room, args), flush=True)
        while all(server.poll() is None for server in servers):
            time.sleep(0.5)
        print("Un serveur de la salle s'est arrêté (voir le message ci-dessus).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(servers)
        remove_room(room)
        print("Salle de formation fermée : les copies des participants sont supprimées.", flush=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def backend_ports(args) -> list[int]:
    """The Streamlit servers' ports: the room's own for one process, the next ones behind nginx."""
    return [args.port] if args.processus == 1 else [args.port + 1 + i for i in range(args.processus)]


def start(room: Room, args) -> list[subprocess.Popen]:
    ports = backend_ports(args)
    behind_proxy = len(ports) > 1
    listen = "127.0.0.1" if behind_proxy else args.adresse
    servers = [server_process(room, listen, port, behind_proxy) for port in ports]
    if behind_proxy:
        config = proxy.write_nginx_config(room.folder, args.adresse, args.port, ports, room.upload_mb)
        servers.append(subprocess.Popen([proxy.nginx_path(), "-c", str(config), "-p", str(config.parent),
                                         "-e", str(config.parent / "error.log")], **_own_group()))
    return servers


def server_process(room: Room, listen: str, port: int, behind_proxy: bool) -> subprocess.Popen:
    env = dict(os.environ, DQ_ROOM_DIR=str(room.folder), DQ_SHARED_SERVER="1", DQ_ROOM_ADDRESS=listen,
               DQ_ROOM_PORT=str(port), DQ_ROOM_BEHIND_PROXY="1" if behind_proxy else "0")
    env.pop("DQ_DB", None)                 # participants never see the trainer's own workspace
    server = subprocess.Popen([sys.executable, str(APP_DIR / "ui" / "room_server.py")], cwd=APP_DIR, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                              errors="replace", **_own_group())
    threading.Thread(target=_relay, args=(server.stdout,), daemon=True).start()
    return server


# Streamlit's own English start-up lines: the banner says it better.
NOISE = ("You can now view your Streamlit app", "URL:", "Stopping...", "Collecting usage statistics",
         "Uvicorn server started", "missing ScriptRunContext")


def _relay(stream) -> None:
    for line in stream:
        if "is already in use" in line and "Port" in line:
            line = "Ce port est déjà utilisé (une autre salle, ou l'application ?) : choisissez-en un autre avec --port.\n"
        if line.strip() and not any(marker in line for marker in NOISE):
            sys.stderr.write(line)
            sys.stderr.flush()


def _own_group() -> dict:
    # Ctrl+C reaches this process only, which then stops the servers in order.
    return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" else {"start_new_session": True}


def stop(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        if server.poll() is None:
            server.terminate()
    for server in servers:
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def banner(room: Room, args) -> str:
    """What the trainer reads out: the addresses, a QR code of the first one, the access code."""
    urls = room.addresses()
    lines = ["", "Salle de formation Data & Quartiers ouverte.", "",
             "Adresse à donner aux participants :" if len(urls) == 1 else
             "Adresses à donner aux participants (celle du réseau de la salle) :"]
    lines += [f"  {u}" for u in urls]
    lines += ["", network.terminal_qr(urls[0]).rstrip("\n"), "",
              f"Code d'accès : {room.code}",
              f"Code formateur (pour vous seul : réinitialiser, compter, autoriser les imports) : {room.trainer_code}",
              "",
              f"Processus de l'application : {args.processus}"
              + (" (derrière nginx)" if args.processus > 1 else "") + f". Envois limités à {room.upload_mb} Mo.",
              "Ctrl+C ferme la salle et supprime les copies des participants."]
    if args.adresse in ("127.0.0.1", "localhost"):
        lines.insert(2, "Attention : --adresse 127.0.0.1, seul cet ordinateur peut entrer.")
    return "\n".join(lines)
