"""Benchmark: resident memory of the app with the national workspace open and five people browsing.

    python bench/bench_app_memory.py [--sessions 5] [--rounds 3] [--db PATH]

Starts the app (`streamlit run app.py`) on a copy of the national demo workspace (bench/.cache/, built
if missing), opens five browser sessions in headless Chromium (one context each: five Streamlit
sessions), and has each visit the fiche of a different quartier, switch quartier, and open Évolution,
Comparer, Carte and Exporter, round after round. Prints the server's resident memory after each round
and its peak (VmHWM). Target (issue 16): <= 400 MB resident.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import demo_db  # noqa: E402

from dq_core.store import db, territories  # noqa: E402
from tests.browser.harness import APP_DONE, CHROMIUM, LAUNCH_ARGS, app_server  # noqa: E402

TARGET_MB = 400
PAGES = ("fiche", "evolution", "comparer", "carte", "exporter")


def server_pid(port: int) -> int:
    """The process listening on `port` (the Streamlit server)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":      # LISTEN
                inode = fields[9]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) == f"socket:[{inode}]":
                    return int(entry.name)
        except OSError:
            continue
    raise RuntimeError(f"no process listens on port {port}")


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def visit(page, url: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(APP_DONE, timeout=120_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(APP_DONE, timeout=120_000)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    source = demo_db("national", args.db)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "national.duckdb"
        shutil.copyfile(source, workspace)
        con = db.connect(workspace)
        codes = territories.select_quartiers(con.cursor(), all_quartiers=True)
        con.close()
        with app_server(workspace) as url, sync_playwright() as p:
            pid = server_pid(int(url.rsplit(":", 1)[1]))
            print(f"server pid {pid}, {len(codes)} quartiers; at start {memory_mb(pid)[0]:.0f} MB resident; "
                  f"load average {os.getloadavg()[0]:.1f}")
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            pages = [browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900}).new_page()
                     for _ in range(args.sessions)]
            step = max(len(codes) // (args.sessions * args.rounds * len(PAGES)), 1)
            visited = 0
            for round_ in range(args.rounds):
                seconds, growth = [], []
                for name in PAGES:
                    for s, page in enumerate(pages):
                        code = codes[(visited * step + s * 7) % len(codes)]
                        seconds.append(visit(page, f"{url}/{name}?quartier={code}"))
                        visited += 1
                    growth.append(f"{name} {memory_mb(pid)[0]:.0f}")
                rss, peak = memory_mb(pid)
                print(f"  resident after each page (MB): {', '.join(growth)}")
                print(f"round {round_ + 1}: {len(seconds)} page views by {args.sessions} sessions "
                      f"(slowest {max(seconds):.1f} s); server {rss:.0f} MB resident, peak {peak:.0f} MB")
            rss, peak = memory_mb(pid)
            browser.close()
    ok = max(rss, peak) <= TARGET_MB
    print(f"\napp with the national workspace and {args.sessions} sessions: {rss:.0f} MB resident, peak "
          f"{peak:.0f} MB (target <= {TARGET_MB} MB) {'OK' if ok else 'MISSED'}")


if __name__ == "__main__":
    shutil.which("chromium") or sys.exit("Chromium is needed: apt-get install chromium")
    main()
