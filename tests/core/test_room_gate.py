"""The room's door, driven as an ASGI app in-process: without the code, nothing gets through."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest

from dq_core.room import limiter
from dq_core.room.gate import COOKIE, ENTRY, RoomGate, safe_next
from dq_core.room.session import remove_room
from tests.room_fixtures import CODE, forged_token, participant_token, tiny_room


class Inner:
    """Stands for Streamlit: records what reached it."""

    def __init__(self):
        self.reached: list[str] = []

    async def __call__(self, scope, receive, send):
        self.reached.append(scope["path"])
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"streamlit"})


@pytest.fixture
def door(tmp_path, tiny_db):
    room = tiny_room(tmp_path, tiny_db)
    inner = Inner()
    waits: list[float] = []

    async def sleep(seconds):
        waits.append(seconds)
    gate = RoomGate(inner, room.folder, sleep=sleep)
    gate.waits = waits
    gate.inner = inner
    yield gate
    remove_room(room)


def call(gate, path, *, method="GET", kind="http", query="", body=b"", cookie=None, client="10.0.0.5",
         origin=None):
    headers = [(b"host", b"salle:8501")]
    if cookie:
        headers.append((b"cookie", f"{COOKIE}={cookie}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    scope = {"type": kind, "path": path, "method": method, "query_string": query.encode(), "headers": headers,
             "client": (client, 50000)}
    incoming = [{"type": "websocket.connect"}] if kind == "websocket" else [{"type": "http.request", "body": body}]
    sent = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
    asyncio.run(gate(scope, receive, send))
    start = sent[0]
    if kind == "websocket":
        return start["type"], start.get("code")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:]).decode()


def enter(gate, code, suite="/", client="10.0.0.5"):
    return call(gate, ENTRY, method="POST", body=urlencode({"code": code, "suite": suite}).encode(), client=client)


@pytest.mark.parametrize("path", ["/", "/fiche", "/carte", "/exporter"])
def test_a_deep_link_without_the_code_only_leads_to_the_code_page(door, path):
    status, headers, _ = call(door, path, query="quartier=QNX0101M")
    assert status == 303 and headers["location"].startswith(f"{ENTRY}?suite=")
    status, _, page = call(door, ENTRY, query=headers["location"].split("?", 1)[1])
    assert status == 200 and "Code d'accès" in page and "Les Tilleuls" not in page
    assert door.inner.reached == []


@pytest.mark.parametrize("path,method", [("/media/8c5f1e.xlsx", "GET"), ("/_stcore/upload_file/s/f", "PUT"),
                                         ("/_stcore/host-config", "GET"), ("/static/js/index.js", "GET"),
                                         ("/component/x/index.html", "GET")])
def test_no_file_no_upload_no_streamlit_endpoint_without_the_code(door, path, method):
    status, _, body = call(door, path, method=method)
    assert status == 403 and "code d'accès" in body
    assert door.inner.reached == []


def test_no_websocket_so_no_script_run_without_a_valid_cookie(door):
    assert call(door, "/_stcore/stream", kind="websocket") == ("websocket.close", 1008)
    assert call(door, "/_stcore/stream", kind="websocket", cookie=forged_token(door.room)) == ("websocket.close", 1008)
    assert door.inner.reached == []
    assert call(door, "/_stcore/stream", kind="websocket", cookie=participant_token(door.room))[0] == "websocket.accept"


def test_the_right_code_opens_the_link_asked_for_and_the_cookie_stays(door):
    status, _, page = enter(door, "mauvais code")
    assert status == 401 and "pas le bon" in page
    status, headers, _ = enter(door, "Lune castor tulipe", suite="/fiche?quartier=QNX0102I")
    assert status == 303 and headers["location"] == "/fiche?quartier=QNX0102I"
    token = headers["set-cookie"].split(";")[0].split("=", 1)[1]
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Lax" in headers["set-cookie"]
    assert door.room.identity(token).number == 1
    assert call(door, "/fiche", cookie=token)[2] == "streamlit"           # a reload: same participant
    assert call(door, "/media/abc.xlsx", cookie=token)[0] == 200


def test_brute_force_is_slowed_then_locked_even_for_the_right_code(door):
    for _ in range(limiter.LOCK_AFTER - 1):
        assert enter(door, "essai")[0] == 401
    status, _, page = enter(door, "essai")
    assert status == 401 and "Trop d&#x27;essais" in page
    assert door.waits == [0, 0, 0, 1, 2, 4]
    assert enter(door, CODE)[0] == 429                                   # locked: not even checked
    assert enter(door, CODE, client="10.0.0.9")[0] == 303                 # the participant next door


def test_links_and_forms_stay_on_this_server(door):
    assert safe_next("//autre.site/x") == "/" and safe_next("https://autre.site") == "/"
    assert safe_next("/\\autre.site") == "/" and safe_next("/fiche?quartier=A") == "/fiche?quartier=A"
    status, headers, _ = enter(door, CODE, suite="//autre.site")
    assert headers["location"] == "/"
    body = urlencode({"code": CODE}).encode()
    assert call(door, ENTRY, method="POST", body=body, origin="http://autre.site")[0] == 403
