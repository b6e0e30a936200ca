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
import venv
from pathlib import Path

from dq_core import launch  # standard library only: usable before .venv exists

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


def run_app(args: list[str]) -> int:
    ensure_venv("requirements.txt")
    return launch.run_app(PYTHON, ROOT, args, command="python tasks.py app")


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
