"""The door of the training room: an ASGI middleware in front of the Streamlit server. Without the
room's cookie, a request gets nothing but the code page — no page, no websocket (so no script run, no
data), no media or download, no upload. Pure ASGI: no web framework needed to run or test it."""

from __future__ import annotations

import asyncio
import html
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from dq_core.errors import DQError
from dq_core.room.limiter import AttemptLimiter, Verdict
from dq_core.room.session import Identity, Room

COOKIE = "dq_salle"
ENTRY = "/_salle/entree"
OPEN_PATHS = ("/_stcore/health",)      # the launcher waits on it; it says nothing but "ok"
MAX_FORM_BYTES = 4096
COOKIE_SECONDS = 12 * 3600           # a day of training; the room's secret dies with the session anyway


class RoomGate:
    """Wraps the Streamlit ASGI app. `behind_proxy`: the client's address is the proxy's X-Real-IP."""

    def __init__(self, app, room_dir: str | Path, *, behind_proxy: bool = False,
                 limiter: AttemptLimiter | None = None, sleep=asyncio.sleep):
        self.app = app
        self.room = Room(Path(room_dir))
        self.behind_proxy = behind_proxy
        self.limiter = limiter or AttemptLimiter()
        self.sleep = sleep

    async def __call__(self, scope, receive, send):
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            return await self.app(scope, receive, send)      # lifespan
        path = scope.get("path", "")
        if kind == "http" and path == ENTRY:
            return await self._entry(scope, receive, send)
        if kind == "http" and path in OPEN_PATHS:
            return await self.app(scope, receive, send)
        if self.room.identity(cookie(scope)) is not None:
            return await self.app(scope, receive, send)
        if kind == "websocket":
            await receive()                                  # websocket.connect
            return await send({"type": "websocket.close", "code": 1008})
        if scope.get("method") in ("GET", "HEAD") and _is_page(path):
            query = scope.get("query_string", b"").decode("latin-1")
            wanted = path + (f"?{query}" if query else "")
            return await _redirect(send, f"{ENTRY}?suite={quote(wanted, safe='')}")
        return await _respond(send, 403, "Accès réservé aux participants de la formation : entrez d'abord "
                              "le code d'accès.", "text/plain")

    async def _entry(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        wanted = safe_next(query.get("suite", ["/"])[0])
        if self.room.identity(cookie(scope)) is not None:
            return await _redirect(send, wanted)
        if scope.get("method") != "POST":
            return await _respond(send, 200, code_page(wanted))
        if not same_origin(scope):
            return await _respond(send, 403, "Requête refusée (autre origine).", "text/plain")
        form = parse_qs((await _read_body(receive, MAX_FORM_BYTES)).decode("utf-8", "replace"))
        wanted = safe_next(form.get("suite", [wanted])[0])
        client = self.client_address(scope)
        verdict = self.limiter.before(client)
        if verdict.refused:
            return await _respond(send, 429, code_page(wanted, locked_message(verdict)))
        await self.sleep(verdict.delay)
        try:
            identity = self.room.enter(form.get("code", [""])[0])
        except DQError as full:
            return await _respond(send, 503, code_page(wanted, full.message))
        if identity is None:
            after = self.limiter.failed(client)
            message = locked_message(after) if after.refused else ("Ce code n'est pas le bon. Vérifiez-le "
                                                                   "auprès de la personne qui anime la formation.")
            return await _respond(send, 401, code_page(wanted, message))
        self.limiter.succeeded(client)
        return await _redirect(send, wanted, set_cookie=self._cookie(identity))

    def _cookie(self, identity: Identity) -> str:
        return (f"{COOKIE}={self.room.token(identity)}; Path=/; HttpOnly; SameSite=Lax; "
                f"Max-Age={COOKIE_SECONDS}")

    def client_address(self, scope) -> str:
        peer = (scope.get("client") or ("inconnu", 0))[0]
        if self.behind_proxy and peer in ("127.0.0.1", "::1"):
            forwarded = _header(scope, b"x-real-ip")
            if forwarded:
                return forwarded
        return peer


def cookie(scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:                 # a malformed Cookie header is just no cookie
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


def safe_next(target: str) -> str:
    """Where to go after the code: a path of this server only (never another site)."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(c in target for c in "\r\n"):
        return "/"
    return "/" if urlsplit(target).path == ENTRY else target


def same_origin(scope) -> bool:
    origin = _header(scope, b"origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == _header(scope, b"host")


def locked_message(verdict: Verdict) -> str:
    minutes = max(1, round(verdict.locked_for / 60))
    return (f"Trop d'essais avec un code faux : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}, "
            "avec le code donné par la personne qui anime la formation.")


def _is_page(path: str) -> bool:
    return not path.startswith(("/_stcore/", "/media/", "/component/", "/static/", "/app/", "/_salle/"))


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _read_body(receive, limit: int) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > limit:
            return b""
        if not message.get("more_body"):
            return body


SECURITY_HEADERS = [(b"cache-control", b"no-store"), (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                    (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")]


async def _respond(send, status: int, body: str, kind: str = "text/html") -> None:
    data = body.encode("utf-8")
    headers = [(b"content-type", f"{kind}; charset=utf-8".encode()), (b"content-length", str(len(data)).encode()),
               *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _redirect(send, location: str, set_cookie: str | None = None) -> None:
    headers = [(b"location", location.encode("latin-1", "replace")), (b"content-length", b"0"), *SECURITY_HEADERS]
    if set_cookie:
        headers.append((b"set-cookie", set_cookie.encode("latin-1")))
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def code_page(wanted: str, message: str | None = None) -> str:
    """The only page shown without the code (French, self-contained: no script, nothing fetched)."""
    alert = f'<p class="alerte" role="alert">{html.escape(message)}</p>' if message else ""
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data &amp; Quartiers — formation</title>
<style>
body {{ font-family: sans-serif; background: #f2f5f8; color: #1f2933; margin: 0; }}
main {{ max-width: 28rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: .5rem;
        box-shadow: 0 1px 4px #0002; }}
h1 {{ font-size: 1.4rem; margin-top: 0; color: #1a5a96; }}
label {{ display: block; font-weight: bold; margin: 1rem 0 .4rem; }}
input[type=text] {{ width: 100%; box-sizing: border-box; font-size: 1.2rem; padding: .5rem; }}
button {{ margin-top: 1rem; font-size: 1.1rem; padding: .5rem 1.2rem; background: #1a5a96; color: #fff;
          border: 0; border-radius: .3rem; }}
.alerte {{ background: #fdecea; color: #8a1c12; padding: .6rem; border-radius: .3rem; }}
</style></head>
<body><main>
<h1>Data &amp; Quartiers — salle de formation</h1>
<p>Entrez le code d'accès donné par la personne qui anime la formation (quelques mots, avec ou sans
tirets).</p>
{alert}
<form method="post" action="{ENTRY}">
<label for="code">Code d'accès</label>
<input type="text" id="code" name="code" autocomplete="off" autocapitalize="none" spellcheck="false"
       required autofocus>
<input type="hidden" name="suite" value="{html.escape(wanted, quote=True)}">
<button type="submit">Entrer</button>
</form>
</main></body></html>
"""
