"""`python tasks.py app`: French progress while installing, no English server noise, Ctrl+C stops it."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from dq_core import launch
from tests.factories import build_tiny_workspace

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
tasks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tasks)


@pytest.mark.parametrize(("line", "expected"), [
    ("Collecting streamlit==1.67.0 (from -r requirements.txt (line 2))\n", "téléchargement de streamlit==1.67.0"),
    ("Installing collected packages: pytz, duckdb, streamlit\n", "installation de 3 paquets…"),
    ("Installing collected packages: duckdb\n", "installation de 1 paquet…"),
    ("Successfully installed duckdb-2.0.1 streamlit-1.67.0\n", "dépendances installées."),
    ("  Downloading streamlit-1.67.0-py3-none-any.whl (9.1 MB)\n", None),
    ("Requirement already satisfied: pandas in ./.venv/lib\n", None),
])
def test_pip_steps_are_said_in_french(line, expected):
    assert tasks.pip_progress(line) == expected


@pytest.mark.parametrize("line", [
    "  You can now view your Streamlit app in your browser.\n", "  Local URL: http://localhost:8501\n",
    "2026-12-02 04:04:32.637 Thread 'MainThread': missing ScriptRunContext! This warning can be ignored when "
    "running in bare mode.\n", "  Stopping...\n", "\n", "2026-12-02 04:26:00.913 Uvicorn server started on localhost:8611\n",
])
def test_streamlit_noise_is_not_shown(line):
    assert launch.said(line) is None


def test_errors_are_shown_and_a_busy_port_is_explained_in_french():
    error = 'Traceback (most recent call last):\n'
    assert launch.said(error) == error
    assert "--server.port 8502" in launch.said("Port 8501 is already in use\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(os.name == "nt", reason="Ctrl+C is sent as SIGINT")
@pytest.mark.skipif(not tasks.PYTHON.exists() or not tasks.installed("requirements.txt"),
                    reason="the project's .venv is not installed (python tasks.py test installs it)")
def test_the_app_starts_says_where_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    env = dict(os.environ, DQ_DB=str(build_tiny_workspace(tmp_path / "mine.duckdb", demo=False)), BROWSER="true")
    app = subprocess.Popen([sys.executable, str(ROOT / "tasks.py"), "app", "--server.port", str(port)], cwd=ROOT,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            line = app.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl+C pour arrêter" in line:
                break
        assert any(f"http://localhost:{port}" in line for line in lines), "".join(lines)
        app.send_signal(signal.SIGINT)                    # what Ctrl+C sends to this script
        rest, _ = app.communicate(timeout=20)
    finally:
        if app.poll() is None:
            app.kill()
    output = "".join(lines) + rest
    assert app.returncode == 0, output
    assert "Data & Quartiers est arrêté." in output
    for english in ("You can now view", "Stopping", "ScriptRunContext", "Uvicorn", "Traceback", "URL:"):
        assert english not in output, output
    with socket.socket() as s:                             # the server is gone with it
        assert s.connect_ex(("127.0.0.1", port)) != 0
