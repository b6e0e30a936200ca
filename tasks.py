"""The project's two commands, with their own set-up (standard library only, any OS).

    python tasks.py app [--db PATH]   start the app (demo data unless --db or DQ_DB says otherwise)
    python tasks.py test [PYTEST_ARGS]   run the whole test suite (lint, unit, app and browser tests)

Each creates `.venv` and installs the pinned requirements when they changed, then runs.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import urllib.request
import venv
import webbrowser
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(requirements: str) -> None:
    """Create the virtual environment and install `requirements` unless already done."""
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]
    stamp = VENV / f".installed-{requirements}-{digest}"
    if stamp.exists():
        return
    if not PYTHON.exists():
        print("Création de l'environnement Python (.venv)…", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"Installation des dépendances ({requirements})…", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "-r", str(ROOT / requirements)], check=True)
    for old in VENV.glob(f".installed-{requirements}-*"):
        old.unlink()
    stamp.touch()


def run_app(args: list[str]) -> int:
    ensure_venv("requirements.txt")
    # Streamlit's own options (--server.port 8502, --server.address 0.0.0.0…) go to Streamlit,
    # the rest (--db PATH) to the app.
    streamlit_options, app_args = _split_streamlit_options(args)
    command = [str(PYTHON), "-m", "streamlit", "run", str(ROOT / "app.py"), *streamlit_options]
    if app_args:
        command += ["--", *app_args]
    if "--db" not in app_args and not os.environ.get("DQ_DB"):
        # Build the demo now rather than in the first browser request.
        subprocess.run([str(PYTHON), "-c", "from dq_core.store import workspace; "
                        "workspace.ensure_exists(workspace.resolve())"], cwd=ROOT, check=True)
    # Streamlit runs headless (no first-run e-mail prompt); we open the browser once it answers.
    port = _option_value(streamlit_options, "--server.port") or "8501"
    url = f"http://localhost:{port}"
    server = subprocess.Popen(command, cwd=ROOT)
    try:
        if _wait_until_up(url, server):
            print(f"Data & Quartiers : {url} (Ctrl+C pour arrêter)", flush=True)
            webbrowser.open(url)
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


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


def run_tests(args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", "."], cwd=ROOT)
    if lint:
        return lint
    # Two workers: the suite's browser tests wait on their own app servers, so both cores stay busy.
    return subprocess.call([str(PYTHON), "-m", "pytest", "-n", "2", *args], cwd=ROOT)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("app", "test"):
        print(__doc__)
        return 2
    task, args = sys.argv[1], sys.argv[2:]
    return run_app(args) if task == "app" else run_tests(args)


if __name__ == "__main__":
    sys.exit(main())
