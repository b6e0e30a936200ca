"""The project's two commands, with their own set-up (standard library only, any OS).

    python tasks.py app [--db PATH]   start the app (demo data unless --db or DQ_DB says otherwise)
    python tasks.py test [PYTEST_ARGS]   run the whole test suite (lint, unit, app and browser tests)
    python tasks.py formation [--code CODE] [--port N] [--adresse IP] …   a training room (--help)

Each creates `.venv` and installs the pinned requirements when they changed, then runs.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
import urllib.request
import venv
import webbrowser
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _stamp(requirements: str) -> Path:
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]
    return VENV / f".installed-{requirements}-{digest}"


def installed(requirements: str) -> bool:
    """Whether `requirements` are installed as they are now (the test requirements include the app's)."""
    return _stamp(requirements).exists() or (requirements == "requirements.txt"
                                             and _stamp("requirements-dev.txt").exists())


def ensure_venv(requirements: str) -> None:
    """Create the virtual environment and install `requirements` unless already done."""
    if installed(requirements):
        return
    if not PYTHON.exists():
        print("Création de l'environnement Python (.venv)…", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"Installation des dépendances ({requirements}) : quelques minutes la première fois, "
          "connexion à Internet nécessaire.", flush=True)
    _pip_install(requirements)
    for old in VENV.glob(f".installed-{requirements}-*"):
        old.unlink()
    _stamp(requirements).touch()


def _pip_install(requirements: str) -> None:
    """pip, with one French line per package as it goes (pip's own output is kept for an error)."""
    pip = subprocess.Popen([str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check",
                            "--progress-bar", "off", "-r", str(ROOT / requirements)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                           errors="replace")
    said: list[str] = []
    for line in pip.stdout:
        said.append(line)
        step = pip_progress(line)
        if step:
            print(f"  {step}", flush=True)
    if pip.wait():
        sys.stdout.write("".join(said[-30:]))
        raise SystemExit("L'installation des dépendances a échoué (message de pip ci-dessus). Vérifiez la "
                         "connexion à Internet, puis relancez la même commande.")


def pip_progress(line: str) -> str | None:
    """A line of pip's output said in French, or None when it is not a step worth telling."""
    line = line.strip()
    if line.startswith("Collecting "):
        return f"téléchargement de {line.split()[1]}"
    if line.startswith("Installing collected packages:"):
        count = len(line.split(":", 1)[1].split(","))
        return f"installation de {count} paquet{'s' if count > 1 else ''}…"
    if line.startswith("Successfully installed"):
        return "dépendances installées."
    return None


# Streamlit's own English lines, said better by this script (the address) or not worth saying.
NOISE = ("You can now view your Streamlit app", "Local URL:", "Network URL:", "External URL:", "URL:",
         "missing ScriptRunContext", "Stopping...", "For better performance, install the Watchdog",
         "xcode-select --install", "pip install watchdog", "Collecting usage statistics",
         "No runtime found, using MemoryCacheStorageManager", "Uvicorn server started")


def is_noise(line: str) -> bool:
    return not line.strip() or any(marker in line for marker in NOISE)


def said(line: str) -> str | None:
    """What the terminal shows for one line of Streamlit's output (None: nothing)."""
    if "is already in use" in line and "Port" in line:
        return ("Ce port est déjà utilisé (une autre copie de l'application ?) : fermez-la, ou choisissez un "
                "autre port : python tasks.py app --server.port 8502\n")
    return None if is_noise(line) else line


def _relay(stream) -> None:
    for line in stream:
        shown = said(line)
        if shown:
            sys.stdout.write(shown)
            sys.stdout.flush()


def run_app(args: list[str]) -> int:
    ensure_venv("requirements.txt")
    # Streamlit's own options (--server.port 8502, --server.address 0.0.0.0…) go to Streamlit,
    # the rest (--db PATH) to the app.
    streamlit_options, app_args = _split_streamlit_options(args)
    # `streamlit run`, with a French page for a request the web server refuses (ui/server.py).
    command = [str(PYTHON), "-m", "ui.server", str(ROOT / "app.py"), *streamlit_options]
    if app_args:
        command += ["--", *app_args]
    if "--db" not in app_args and not os.environ.get("DQ_DB"):
        # Build the demo now rather than in the first browser request.
        subprocess.run([str(PYTHON), "-c", "from dq_core.store import workspace; "
                        "workspace.ensure_exists(workspace.resolve())"], cwd=ROOT, check=True)
    # Streamlit runs headless (no first-run e-mail prompt); we open the browser once it answers.
    port = _option_value(streamlit_options, "--server.port") or "8501"
    url = f"http://localhost:{port}"
    print("Démarrage de Data & Quartiers…", flush=True)
    # Its own process group: Ctrl+C reaches this script only, which stops the server in order.
    group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" else {"start_new_session": True}
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              encoding="utf-8", errors="replace", **group)
    threading.Thread(target=_relay, args=(server.stdout,), daemon=True).start()
    try:
        if _wait_until_up(url, server):
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


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> bool:
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


def _split_streamlit_options(args: list[str]) -> tuple[list[str], list[str]]:
    streamlit_options, app_args = [], []
    i = 0
    while i < len(args):
        if args[i].startswith(("--server.", "--browser.", "--theme.", "--client.")):
            takes_value = "=" not in args[i] and i + 1 < len(args)
            streamlit_options += args[i:i + 1 + takes_value]
            i += 1 + takes_value
        else:
            app_args.append(args[i])
            i += 1
    return streamlit_options, app_args


def run_formation(args: list[str]) -> int:
    """The training room (dq_core.room.cli): it stops on Ctrl+C by itself, removing the copies."""
    ensure_venv("requirements.txt")
    room = subprocess.Popen([str(PYTHON), "-m", "dq_core.room", *args], cwd=ROOT)
    while True:
        try:
            return room.wait()
        except KeyboardInterrupt:          # the room got the same Ctrl+C: let it close in order
            continue


def run_tests(args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", "."], cwd=ROOT)
    if lint:
        return lint
    # Two workers: the suite's browser tests wait on their own app servers, so both cores stay busy.
    return subprocess.call([str(PYTHON), "-m", "pytest", "-n", "2", *args], cwd=ROOT)


def main() -> int:
    tasks = {"app": run_app, "test": run_tests, "formation": run_formation}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        print(__doc__)
        return 2
    task, args = sys.argv[1], sys.argv[2:]
    try:
        return tasks[task](args)
    except KeyboardInterrupt:          # during the installation or the demo's construction
        print("\nInterrompu : relancez la même commande pour reprendre.", flush=True)
        return 130


if __name__ == "__main__":
    sys.exit(main())
