"""Real-browser test helpers: start the app on 127.0.0.1 in a subprocess, drive Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
APP_DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def require_browser() -> None:
    """Skip on a laptop without Chromium; in CI the browser tests must run, never skip."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "the playwright package"
    else:
        missing = None if CHROMIUM else "Chromium"
    if missing is None:
        return
    message = (f"{missing} is missing: install it to run the browser tests "
               "(Debian/Ubuntu: `apt-get install chromium`; Python: `python tasks.py test` installs playwright).")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(db_path: Path, extra_env: dict | None = None):
    """Start the app as `python tasks.py app` does (ui/server.py) on a free port; yield its base URL; stop it afterwards."""
    port = free_port()
    env = dict(os.environ, DQ_DB=str(db_path), **(extra_env or {}))
    log = open(db_path.parent / f"server-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.server", str(ROOT / "app.py"), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited: {(db_path.parent / f'server-{port}.log').read_text()}")
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


_playwright = None
_browser = None


def shared_browser():
    """One Chromium per test module, started on first use: launching it costs more CPU than most browser
    tests; each test still gets its own context (cookies, storage, routes). `stop_shared_browser` ends it
    after each module (tests/conftest.py): Playwright's sync API holds an event loop in this thread."""
    global _playwright, _browser
    if _browser is None or not _browser.is_connected():
        from playwright.sync_api import sync_playwright

        _playwright = sync_playwright().start()
        _browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    return _browser


def stop_shared_browser() -> None:
    global _playwright, _browser
    if _playwright is not None:
        try:
            if _browser is not None:
                _browser.close()
        finally:
            _playwright.stop()
    _playwright = _browser = None


@contextmanager
def chromium_page(block_outside: bool = True, allowed: tuple[str, ...] = ("http://127.0.0.1", "ws://127.0.0.1")):
    """A fresh French-locale page; with block_outside, every request not to `allowed` is aborted."""
    context = shared_browser().new_context(locale="fr-FR", viewport={"width": 1400, "height": 900})
    outside: list[str] = []
    if block_outside:
        def route(r):
            if r.request.url.startswith((*allowed, "data:", "blob:")):
                return r.continue_()
            outside.append(r.request.url)
            return r.abort()
        context.route("**/*", route)
    page = context.new_page()
    page.outside_requests = outside
    try:
        yield page
    finally:
        context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    page.wait_for_selector(APP_DONE, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector(APP_DONE, timeout=timeout)


def page_problems(page) -> list[str]:
    """Errors, exceptions and warnings shown on the page."""
    selector = ("[data-testid='stException'], [data-testid='stAlertContentError'], "
                "[data-testid='stAlertContentWarning']")
    return [e.inner_text()[:300] for e in page.query_selector_all(selector)]
