"""Benchmark in a real browser: cold start to a visible fiche, and switching quartier.

    python bench/bench_browser.py [--switches 30] [--national PATH | --no-national]

Uses a fresh demo database and Debian's Chromium. Prints:
- first-ever start: demo generation + server start + fiche visible (database absent);
- cold start: from the run command to the fiche visible (database already built);
- quartier switch: from pressing Enter on another quartier in the sidebar chooser to the updated
  fiche (its title, and the script done), each quartier shown for the first time (median, p90);
  on the demo, then on the national demo (bench/.cache/national.duckdb, built if missing).
  Target: median <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from common import demo_db  # noqa: E402

from dq_core.demo import build_demo  # noqa: E402
from dq_core.store import workspace  # noqa: E402
from dq_core.store.territories import list_quartiers  # noqa: E402
from tests.browser.harness import CHROMIUM, LAUNCH_ARGS, free_port  # noqa: E402

DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def start_server(db: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ui.server", str(ROOT / "app.py"), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1"], cwd=ROOT,
        env=dict(os.environ, DQ_DB=str(db)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_health(port: int) -> None:
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.05)


def fiche_visible(page, port: int, code: str, name: str) -> None:
    page.goto(f"http://127.0.0.1:{port}/fiche?quartier={code}")
    page.wait_for_function("(n) => [...document.querySelectorAll('h1')].some(h => h.innerText.includes(n))",
                           arg=name, timeout=60_000)


def switch_times(page, quartiers, count: int) -> list[float]:
    """Milliseconds from Enter in the sidebar chooser to the fiche of each quartier (shown for the first time)."""
    times = []
    for q in quartiers[:count]:
        box = page.locator(".st-key-quartier input")
        box.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(q.code)
        t = time.perf_counter()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(n) => [...document.querySelectorAll('h1')].some(h => h.innerText.includes(n))",
            arg=q.name, timeout=30_000)
        page.wait_for_selector(DONE)
        times.append((time.perf_counter() - t) * 1000)
    return times


def report_switches(label: str, times: list[float]) -> None:
    times = sorted(times)
    print(f"quartier switch to updated fiche ({label}): median {statistics.median(times):.0f} ms, "
          f"p90 {times[int(0.9 * (len(times) - 1))]:.0f} ms over {len(times)} (target <= 300 ms)")


def national_switches(page, path: Path, count: int) -> list[float]:
    con = workspace.open_connection(path)
    quartiers = random.Random(1).sample(list_quartiers(con.cursor()), count + 1)
    con.close()
    port = free_port()
    server = start_server(path, port)
    try:
        wait_health(port)
        fiche_visible(page, port, quartiers[0].code, quartiers[0].name)
        return switch_times(page, quartiers[1:], count)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--switches", type=int, default=30)
    parser.add_argument("--national", type=Path, help="national workspace (default: bench/.cache/national.duckdb)")
    parser.add_argument("--no-national", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="fr-FR", viewport={"width": 1400, "height": 900})

        # First-ever start: the demo database does not exist yet.
        fresh = Path(tmp) / "demo.duckdb"
        port = free_port()
        t = time.perf_counter()
        build_demo(fresh)
        generation = time.perf_counter() - t
        server = start_server(fresh, port)
        wait_health(port)
        con = workspace.open_connection(fresh)
        quartiers = list_quartiers(con.cursor())
        con.close()
        first = quartiers[0]
        fiche_visible(page, port, first.code, first.name)
        first_start = time.perf_counter() - t
        server.terminate()
        server.wait()
        print(f"first-ever start (demo generation {generation:.1f} s included): {first_start:.1f} s "
              "(target <= 20 s)")

        # Cold start with the database built.
        port = free_port()
        t = time.perf_counter()
        server = start_server(fresh, port)
        wait_health(port)
        fiche_visible(page, port, first.code, first.name)
        print(f"cold start to the fiche visible: {time.perf_counter() - t:.1f} s (target <= 6 s)")

        # Switching quartier from the sidebar chooser.
        times = switch_times(page, quartiers[1:], args.switches)
        server.terminate()
        server.wait()
        report_switches("démo, 78 quartiers", times)
        if not args.no_national:
            report_switches("démo nationale, 1 600 quartiers",
                            national_switches(page, demo_db("national", args.national), args.switches))
        browser.close()


if __name__ == "__main__":
    shutil.which("chromium") or sys.exit("Chromium is needed: apt-get install chromium")
    main()
