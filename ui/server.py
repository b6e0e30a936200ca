"""Start the app's web server: `streamlit run`, with room for a long link and a French page for a bad request.

    python -m ui.server app.py [--server.port 8502 …] [-- --db PATH]     (what `python tasks.py app` runs)

Streamlit serves pages with uvicorn and h11, which answer a request whose head is over 16 KB (a shared link
of 20 KB, sent in several packets) or malformed with an English "Invalid HTTP request received.", before the
app runs; Streamlit has no setting for either. Here the limit is raised so that such a link reaches the app,
whose `url.limit_params()` drops it with a French notice, and anything beyond it or unreadable gets a short
French page instead.
"""

from __future__ import annotations

import logging
import sys

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

# A request line and headers up to 1 MiB are read (per connection, then freed): a link of 100 KB opens the
# app and gets its French notice; a longer one gets REFUSED_PAGE.
MAX_REQUEST_HEAD = 1_048_576
DRAIN_SECONDS = 5
UVICORN_MESSAGE = "Invalid HTTP request received."
REFUSED_LOG = "Requête refusée : adresse trop longue (plus d'1 Mo) ou mal formée."
REFUSED_PAGE = ("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Data &amp; Quartiers : "
                "lien refusé</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\">"
                "<h1>Lien trop long ou illisible</h1><p>Cette adresse ne peut pas être ouverte : elle est trop "
                "longue (plus d'1 Mo) ou mal formée. Vérifiez le lien reçu, ou ouvrez "
                "<a href=\"/\">l'accueil de Data &amp; Quartiers</a>.</p></body></html>")


class FrenchH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol whose answer to a request it cannot read is a French page."""

    def send_400_response(self, msg: str) -> None:
        body = REFUSED_PAGE.encode("utf-8")
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body),
                      h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        # Closing now, with the rest of a long request unread, would reset the connection and the browser
        # would show its own error instead of the page: say we are done, drop what still comes, then close.
        self._refused = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(DRAIN_SECONDS, self.transport.close)

    def data_received(self, data: bytes) -> None:
        if not getattr(self, "_refused", False):
            super().data_received(data)


class _FrenchRefusalLog(logging.Filter):
    """The terminal says the refusal in French too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == UVICORN_MESSAGE:
            record.msg, record.args = REFUSED_LOG, ()
        return True


def install() -> None:
    """Make every uvicorn server Streamlit starts from now on in this process use FrenchH11Protocol."""
    from streamlit.web.server.starlette import starlette_server

    # A private seam of Streamlit 1.67 (pinned); should a later version drop it, the app still starts, and
    # tests/app/test_long_links_server.py says the refusals are English again.
    streamlit_kwargs = getattr(starlette_server, "_get_uvicorn_config_kwargs", None)
    if streamlit_kwargs is None or getattr(streamlit_kwargs, "french", False):
        return

    def kwargs() -> dict:
        return {**streamlit_kwargs(), "http": FrenchH11Protocol, "h11_max_incomplete_event_size": MAX_REQUEST_HEAD}

    kwargs.french = True
    starlette_server._get_uvicorn_config_kwargs = kwargs
    logging.getLogger("uvicorn.error").addFilter(_FrenchRefusalLog())


def main(args: list[str]) -> int:
    install()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *args]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
