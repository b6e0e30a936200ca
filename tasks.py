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
import venv
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
    command = [str(PYTHON), "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=false"]
    if args:
        command += ["--", *args]
    if "--db" not in args and not os.environ.get("DQ_DB"):
        # Build the demo now rather than in the first browser request.
        subprocess.run([str(PYTHON), "-c", "from dq_core import workspace; "
                        "workspace.ensure_exists(workspace.resolve())"], cwd=ROOT, check=True)
    print("Data & Quartiers : ouvrez http://localhost:8501 dans votre navigateur (Ctrl+C pour arrêter).",
          flush=True)
    return subprocess.call(command, cwd=ROOT)


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
