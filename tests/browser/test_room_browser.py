"""The training room in Chromium, started by its own command: a deep link without the code shows only
the code page; with it, the view opens in the participant's own copy and survives a reload."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.harness import ROOT, chromium_page, free_port, require_browser, wait_for_app
from tests.room_fixtures import CODE

pytestmark = pytest.mark.browser


@pytest.fixture
def room_url(tiny_db, tmp_path):
    require_browser()
    port = free_port()
    env = dict(os.environ, TMPDIR=str(tmp_path))
    env.pop("DQ_DB", None)
    log = open(tmp_path / "room.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "dq_core.room", "--port", str(port), "--adresse", "127.0.0.1",
                             "--code", CODE, "--modele", str(tiny_db)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, (tmp_path / "room.log").read_text()
                time.sleep(0.3)
        while "Code d'accès" not in (tmp_path / "room.log").read_text():
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(2)                   # Ctrl+C: the room closes and removes its copies
        proc.wait(20)
        log.close()
    assert "copies des participants sont supprimées" in (tmp_path / "room.log").read_text()
    assert not list(tmp_path.glob("dq-formation-*"))


def test_deep_link_goes_through_the_code_page_into_ones_own_copy(room_url):
    with chromium_page() as page:
        page.goto(f"{room_url}/fiche?quartier=QNX0102I")
        page.wait_for_selector("input[name=code]")
        assert page.query_selector("[data-testid='stApp']") is None and "Le Plateau" not in page.content()
        page.fill("input[name=code]", "pas le code")
        page.click("button[type=submit]")
        assert "pas le bon" in page.inner_text("body")
        page.fill("input[name=code]", "Lune Castor Tulipe")
        page.click("button[type=submit]")
        wait_for_app(page)
        assert "/fiche?quartier=QNX0102I" in page.url
        page.wait_for_selector("text=participant n° 1")
        assert page.get_by_text("Le Plateau").count()
        page.reload()
        wait_for_app(page)
        assert page.get_by_text("participant n° 1").count() and "input[name=code]" not in page.content()
        assert page.outside_requests == []
