"""Starting the app's server and opening the browser: `python tasks.py app` (from a clone) and the installed
`data-quartiers` command (dq_core/command.py) both come here.

Standard library only: tasks.py imports this module before the dependencies are installed, and runs the
server with the project's .venv Python; the installed command runs it with its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from pathlib import Path

# Streamlit's own English lines, said better here (the address) or not worth saying.
NOISE = ("You can now view your Streamlit app", "Local URL:", "Network URL:", "External URL:", "URL:",
         "missing ScriptRunContext", "Stopping...", "For better performance, install the Watchdog",
         "xcode-select --install", "pip install watchdog", "Collecting usage statistics",
         "No runtime found, using MemoryCacheStorageManager", "Uvicorn server started")


def is_noise(line: str) -> bool:
    return not line.strip() or any(marker in line for marker in NOISE)


def said(line: str, command: str = "python tasks.py app") -> str | None:
    """What the terminal shows for one line of Streamlit's output (None: nothing); `command` is how the
    user started the app, for the advice."""
    if "is already in use" in line and "Port" in line:
        return ("Ce port est déjà utilisé (une autre copie de l'application ?) : fermez-la, ou choisissez un "
                f"autre port : {command} --server.port 8502\n")
    return None if is_noise(line) else line


def _relay(stream, command: str) -> None:
    for line in stream:
        shown = said(line, command)
        if shown:
            sys.stdout.write(shown)
            sys.stdout.flush()


def run_app(python: Path, app_dir: Path, args: list[str], command: str) -> int:
    """Start the app's server (ui/server.py: `streamlit run app.py`) with `python`, open the browser once it answers, stop on Ctrl+C.

    Streamlit's own options (--server.port 8502, --server.address 0.0.0.0…) go to Streamlit, the rest
    (--db PATH) to the app. The server runs in `app_dir`, whose .streamlit/config.toml keeps it on this
    computer with no telemetry."""
    streamlit_options, app_args = split_streamlit_options(args)
    app_args, env = from_here(app_args), environment_from_here()
    # `streamlit run`, with a French page for a request the web server refuses (ui/server.py).
    server_command = [str(python), "-m", "ui.server", str(app_dir / "app.py"), *streamlit_options]
    if app_args:
        server_command += ["--", *app_args]
    if "--db" not in app_args and not env.get("DQ_DB"):
        # Build the demo now rather than in the first browser request.
        subprocess.run([str(python), "-c", "from dq_core.store import workspace; "
                        "workspace.ensure_exists(workspace.resolve())"], cwd=app_dir, env=env, check=True)
    # Streamlit runs headless (no first-run e-mail prompt); we open the browser once it answers.
    port = _option_value(streamlit_options, "--server.port") or "8501"
    url = f"http://localhost:{port}"
    print("Démarrage de Data & Quartiers…", flush=True)
    # Its own process group: Ctrl+C reaches this process only, which stops the server in order.
    group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" else {"start_new_session": True}
    server = subprocess.Popen(server_command, cwd=app_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, encoding="utf-8", errors="replace", **group)
    threading.Thread(target=_relay, args=(server.stdout, command), daemon=True).start()
    try:
        _stop_like_ctrl_c_on_hangup()
        if wait_until_up(url, server):
            print(f"Data & Quartiers : {url} (Ctrl+C pour arrêter)", flush=True)
            webbrowser.open(url)
        elif server.poll() is not None:
            print("Data & Quartiers n'a pas pu démarrer (voir le message ci-dessus).", flush=True)
        else:
            print(f"Le serveur ne répond pas encore sur {url} : patientez, ou arrêtez-le (Ctrl+C).", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        print("\nArrêt de Data & Quartiers…", flush=True)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        print("Data & Quartiers est arrêté.", flush=True)
        return 0


def from_here(app_args: list[str]) -> list[str]:
    """`--db PATH` (or `--db=PATH`) as the user meant it: relative to the folder they typed the command in,
    not to the one the server runs in."""
    anchored, i = [], 0
    while i < len(app_args):
        if app_args[i].startswith("--db="):
            anchored += ["--db", _absolute(app_args[i].split("=", 1)[1])]
        elif app_args[i] == "--db" and i + 1 < len(app_args):
            anchored += ["--db", _absolute(app_args[i + 1])]
            i += 1
        else:
            anchored.append(app_args[i])
        i += 1
    return anchored


def environment_from_here() -> dict[str, str]:
    """This process's environment, with the paths of DQ_DB and DQ_WORKSPACES made absolute likewise."""
    env = dict(os.environ)
    for name in ("DQ_DB", "DQ_WORKSPACES"):
        if env.get(name, "").strip():
            env[name] = _absolute(env[name].strip())
    return env


def _absolute(path: str) -> str:
    return str(Path(path).expanduser().resolve())


def _stop_like_ctrl_c_on_hangup() -> None:
    """Closing the terminal (SIGHUP) or a plain `kill` (SIGTERM) stops the server as Ctrl+C does: in its
    own session, it would otherwise outlive this process and keep the port taken."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    for name in ("SIGTERM", "SIGHUP"):          # Windows has no SIGHUP, and ends a console's processes itself
        if hasattr(signal, name) and os.name != "nt":
            signal.signal(getattr(signal, name), interrupt)


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> bool:
    """Whether the Streamlit server at `url` answers its health check before `seconds` (False if it exits)."""
    deadline = time.time() + seconds
    while time.time() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return True
        except OSError:
            time.sleep(0.2)
    return False


def _option_value(options: list[str], name: str) -> str | None:
    for i, option in enumerate(options):
        if option.startswith(f"{name}="):
            return option.split("=", 1)[1]
        if option == name and i + 1 < len(options):
            return options[i + 1]
    return None


STREAMLIT_PREFIXES = ("--server.", "--browser.", "--theme.", "--client.")


def split_streamlit_options(args: list[str]) -> tuple[list[str], list[str]]:
    streamlit_options, app_args = [], []
    i = 0
    while i < len(args):
        if args[i].startswith(STREAMLIT_PREFIXES):
            takes_value = "=" not in args[i] and i + 1 < len(args)
            streamlit_options += args[i:i + 1 + takes_value]
            i += 1 + takes_value
        else:
            app_args.append(args[i])
            i += 1
    return streamlit_options, app_args
