"""Where participants reach the room: every address of this machine, and a QR code of one of them.
Nothing is sent on the network to find them (the interfaces are read, not probed)."""

from __future__ import annotations

import io
import ipaddress
import socket
import subprocess


def local_addresses() -> list[str]:
    """The machine's IPv4 addresses, private networks first, loopback last."""
    found = set(_from_ip_command()) | set(_from_host_name())
    found.add("127.0.0.1")
    return sorted(found, key=_rank)


def reachable_addresses(listen: str) -> list[str]:
    """The addresses participants can type for a server listening on `listen`."""
    if listen in ("0.0.0.0", "", "::"):
        return local_addresses()
    return [listen]


def _rank(address: str) -> tuple[int, tuple[int, ...]]:
    ip = ipaddress.ip_address(address)
    order = 2 if ip.is_loopback else 0 if ip.is_private else 1
    return order, tuple(int(part) for part in address.split("."))


def _from_ip_command() -> list[str]:
    """Linux: `ip -4 -o addr`; elsewhere (or without it) nothing, the host name gives the rest."""
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    addresses = []
    for line in out.splitlines():
        parts = line.split()
        if "inet" in parts:
            addresses.append(parts[parts.index("inet") + 1].split("/")[0])
    return [a for a in addresses if _is_ipv4(a)]


def _from_host_name() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [info[4][0] for info in infos if _is_ipv4(info[4][0])]


def _is_ipv4(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv4Address)
    except ValueError:
        return False


def url(address: str, port: int) -> str:
    return f"http://{address}:{port}"


def terminal_qr(text: str) -> str:
    """A QR code drawn with block characters, for the terminal (segno, pure Python)."""
    import segno

    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def svg_qr(text: str) -> str:
    """The same QR code as SVG, for the page the trainer projects."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=10, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()
