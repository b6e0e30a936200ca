"""The install for people who are not developers, end to end: the wheel is built from this clone, installed
with `uv tool install` (the README's command) into a fresh environment of its own, and used from a folder
outside the clone with an empty home: `data-quartiers --help`, `profile` on the demo, then the app itself,
opened in Chromium where the command sent the browser; and `data-quartiers formation`.

The wheel is built and installed once for the module (the `installed` fixture); the CLI and app steps
are one test because each needs the one before."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.browser import harness

pytestmark = [pytest.mark.install, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")


def build_wheel(out: Path) -> Path:
    """`pip wheel` of the clone, with the backend already installed (requirements-dev.txt): nothing fetched."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--disable-pip-version-check", "-w", str(out), str(ROOT)], check=True, capture_output=True)
    return next(out.glob("data_quartiers-*.whl"))


def uv_tool_install(wheel: Path, tools: Path, bin_dir: Path) -> Path:
    """`uv tool install WHEEL`: a new environment with nothing but the package and its pinned dependencies,
    from uv's cache when it has them (no network), else from PyPI."""
    env = dict(os.environ, UV_TOOL_DIR=str(tools), UV_TOOL_BIN_DIR=str(bin_dir), UV_PYTHON_DOWNLOADS="never",
               UV_NO_CONFIG="1")
    command = [UV, "tool", "install", "--quiet", "--python", sys.executable, str(wheel)]
    done = subprocess.run([*command, "--offline"], env=env, capture_output=True, text=True)
    if done.returncode:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return bin_dir / ("data-quartiers.exe" if os.name == "nt" else "data-quartiers")


def user_env(home: Path, **more: str) -> dict:
    """An empty home: the user's data folder is `~/.local/share/data-quartiers` in it (Linux)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DQ_", "PYTHON", "VIRTUAL_ENV"))}
    return dict(env, HOME=str(home), **more)


def package_files(site: Path) -> set[str]:
    """Files of the package's two folders, without the bytecode Python writes beside them."""
    return {p.relative_to(site).as_posix() for folder in ("dq_core", "data_quartiers")
            for p in (site / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


def wait_for_line(lines: queue.Queue, marker: str, seconds: float = 90) -> list[str]:
    seen: list[str] = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"« {marker} » never came:\n{''.join(seen)}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> SimpleNamespace:
    """The wheel built and installed once for this module's tests, with an empty home and a working folder
    outside the clone."""
    if os.name == "nt":
        pytest.skip("stopped by POSIX signals; the install itself is the same on Windows")
    if UV is None:
        pytest.skip("uv is missing: `python tasks.py test` installs it (requirements-dev.txt)")
    root = tmp_path_factory.mktemp("install")
    wheel = build_wheel(root / "dist")
    metadata = zipfile.ZipFile(wheel).read("data_quartiers-0.1.0.dist-info/METADATA").decode()
    from hatch_build import pinned_requirements

    pins = pinned_requirements(ROOT / "requirements.txt")
    assert sorted(re.findall(r"^Requires-Dist: (\S+)", metadata, re.M)) == sorted(p.lower() for p in pins)
    command = uv_tool_install(wheel, root / "tools", root / "bin")
    site = next((root / "tools" / "data-quartiers").glob("lib/python*/site-packages"))
    for folder in ("home", "elsewhere"):
        (root / folder).mkdir()
    return SimpleNamespace(command=command, site=site, shipped=package_files(site), root=root,
                           home=root / "home", elsewhere=root / "elsewhere", env=user_env(root / "home"))


def test_the_installed_command_runs_the_cli_and_the_app_outside_the_clone(installed):
    harness.require_browser()
    command, elsewhere, env = installed.command, installed.elsewhere, installed.env
    assert {"data_quartiers/app.py", "data_quartiers/ui/streamlit_fr.js", "data_quartiers/.streamlit/config.toml",
            "data_quartiers/data/reference/cog.parquet", "dq_core/demo/build.py"} <= installed.shipped

    helped = subprocess.run([str(command), "--help"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert helped.returncode == 0, helped.stderr
    assert "usage : data-quartiers" in helped.stdout
    for name in ("app", "formation", "profile", "import-official", "export"):
        assert re.search(rf"^\s+{name}\s", helped.stdout, re.M), helped.stdout

    # The demo is built on first use, in the user's data folder, never in the package.
    profile = subprocess.run([str(command), "profile", "QNX0101M", "--json"], cwd=elsewhere, env=env,
                             capture_output=True, text=True, encoding="utf-8")
    assert profile.returncode == 0, profile.stderr
    assert '"code": "QNX0101M"' in profile.stdout and "Le Haut-Pont" in profile.stdout
    assert (installed.home / ".local/share/data-quartiers/demo.duckdb").is_file()

    _see_a_fiche_from_the_installed_app(command, elsewhere, installed.root, installed.home)
    assert package_files(installed.site) == installed.shipped, "the installed package was written to"
    assert sorted(p.name for p in elsewhere.iterdir()) == []


def test_the_installed_command_opens_the_training_room(installed):
    """`data-quartiers formation` from the package: the room opens with its code, shows nothing but its
    door without it, and closes on Ctrl+C."""
    port = harness.free_port()
    room = subprocess.Popen([str(installed.command), "formation", "--adresse", "127.0.0.1", "--port", str(port),
                             "--code", "pomme-poire-prune"], cwd=installed.elsewhere, env=installed.env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(room.stdout, lines), daemon=True).start()
    try:
        said = wait_for_line(lines, "Code d'accès :")
        assert "Code d'accès : pomme-poire-prune" in "".join(said)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/fiche?quartier=QNX0101M", timeout=30) as door:
            page = door.read().decode("utf-8")
        assert "Code d'accès" in page and "Le Haut-Pont" not in page
        room.send_signal(signal.SIGINT)                 # what Ctrl+C sends
        wait_for_line(lines, "Salle de formation fermée", seconds=30)
        assert room.wait(timeout=10) == 0
    finally:
        if room.poll() is None:
            room.kill()
    assert package_files(installed.site) == installed.shipped, "the installed package was written to"


def _see_a_fiche_from_the_installed_app(command: Path, cwd: Path, tmp_path: Path, home: Path) -> None:
    """`data-quartiers` starts the server and opens the browser on its address (recorded by a stand-in
    browser), where Chromium finds the fiche; closing the terminal stops it all."""
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    browser.chmod(0o755)
    port = harness.free_port()
    app = subprocess.Popen([str(command), "--server.port", str(port)], cwd=cwd, env=user_env(home, BROWSER=str(browser)),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(app.stdout, lines), daemon=True).start()
    try:
        said = wait_for_line(lines, "Ctrl+C pour arrêter")
        url = f"http://localhost:{port}"
        assert f"Data & Quartiers : {url}" in "".join(said)
        deadline = time.time() + 10
        while not opened.exists() and time.time() < deadline:
            time.sleep(0.1)
        assert opened.read_text().split() == [url]
        _fiche_in_chromium(url)
        app.send_signal(signal.SIGHUP)                  # the terminal closed (tests/core/test_tasks: Ctrl+C)
        said += wait_for_line(lines, "Data & Quartiers est arrêté.", seconds=30)
        assert app.wait(timeout=10) == 0
    finally:
        if app.poll() is None:
            app.kill()
    with socket.socket() as s:                          # the server is gone with it
        assert s.connect_ex(("127.0.0.1", port)) != 0
    for english in ("You can now view", "Traceback", "URL:"):
        assert english not in "".join(said), "".join(said)


def _fiche_in_chromium(url: str) -> None:
    with harness.chromium_page(allowed=(url, url.replace("http", "ws", 1))) as page:
        page.goto(f"{url}/fiche?quartier=QNX0101M")
        harness.wait_for_app(page, timeout=60_000)
        page.locator("h1").filter(has_text="Le Haut-Pont").wait_for(timeout=30_000)
        harness.wait_for_app(page)
        assert harness.page_problems(page) == []
        assert "Données fictives de démonstration" in page.locator("[data-testid='stMain']").inner_text()
        assert page.outside_requests == []
