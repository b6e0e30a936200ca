"""Over-long and malformed requests against the started app server (ui/server.py): the app or a French page,
never the web server's English "Invalid HTTP request received.", and never a hang."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

from tests.browser.harness import app_server
from tests.factories import build_tiny_workspace

ENGLISH = b"Invalid HTTP request"


def _ask(url: str, head: bytes, first_packet: int | None = None) -> bytes:
    """Send a raw request head (the first `first_packet` bytes alone, as a browser's first TCP segment) and
    return the answer; a socket timeout fails the test instead of hanging it."""
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=20) as s:
        if first_packet:
            s.sendall(head[:first_packet])
            time.sleep(0.3)                 # the server reads this part alone, as over a real network
            head = head[first_packet:]
        s.sendall(head)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer and (b"</html>" in answer or b"\r\n0\r\n" in answer):
                break
        return answer


def _get(url: str, target: str) -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: {urlsplit(url).netloc}\r\nConnection: close\r\n\r\n".encode()


def test_long_links_reach_the_app_and_worse_requests_get_a_french_page(tmp_path):
    with app_server(build_tiny_workspace(tmp_path / "tiny.duckdb")) as url:
        # 100 KB, arriving in two packets: before, refused in English once the first 16 KB were read.
        answer = _ask(url, _get(url, "/fiche?quartier=" + "x" * 100_000), first_packet=20_000)
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        assert ENGLISH not in answer

        for head, first in ((_get(url, "/fiche?quartier=" + "x" * 2_000_000), 20_000),
                            (b"N'IMPORTE QUOI\r\n\r\n", None)):
            answer = _ask(url, head, first)
            assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
            assert ENGLISH not in answer
            page = answer.decode("utf-8")
            assert "Lien trop long ou illisible" in page and 'lang="fr"' in page
            assert "ouvrez <a href=\"/\">l'accueil de Data &amp; Quartiers</a>" in page
