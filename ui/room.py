"""The training room inside the app: who is at the keyboard (the room's signed cookie), their own
copy of the demo, what else they may open, and the trainer's extra page. Inactive (every function
unused) unless the app runs in a room (`DQ_ROOM_DIR`, set by `python tasks.py formation`)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import streamlit as st

from dq_core.room.connections import ConnectionPool, drop_stale_copies
from dq_core.room.gate import COOKIE, ENTRY
from dq_core.room.session import Identity, Room
from dq_core.store import db

# The identity token may also sit in the session state (AppTest cannot send cookies); it is signed,
# and no widget has this key (nor IDENTITY_KEY's), so a browser cannot put one there.
TOKEN_KEY = "room_token"


def active() -> bool:
    return bool(os.environ.get("DQ_ROOM_DIR"))


@st.cache_resource(show_spinner=False)
def _room(folder: str) -> Room:
    return Room(Path(folder))


@st.cache_resource(show_spinner=False)
def _pool(folder: str) -> ConnectionPool:
    return ConnectionPool()


def room() -> Room:
    return _room(os.environ["DQ_ROOM_DIR"])


def pool() -> ConnectionPool:
    return _pool(os.environ["DQ_ROOM_DIR"])


IDENTITY_KEY = "_room_identity"


def identity() -> Identity | None:
    """Who this session is. A session's websocket carries one cookie for its whole life (the door let
    it in with it), so the answer is kept in the session, not read again at each of a run's many asks."""
    known = st.session_state.get(IDENTITY_KEY)
    if known is not None:
        return known
    cookie = st.context.cookies.get(COOKIE)
    token = cookie if isinstance(cookie, str) else None      # (AppTest's stand-in client is no string)
    who = room().identity(token or st.session_state.get(TOKEN_KEY))
    if who is not None:
        st.session_state[IDENTITY_KEY] = who
    return who


def require_identity() -> Identity:
    """The participant or trainer of this session; without the room's cookie, nothing but a link to the
    code page (the door already stops such a browser: this is the second lock)."""
    who = identity()
    if who is None:
        st.title("Salle de formation")
        st.markdown(f"Entrez d'abord le code d'accès : [page du code]({ENTRY}).")
        st.stop()
    return who


def own_copy() -> Path:
    """This participant's copy of the demo (made at the first visit, made anew after a reset)."""
    who = require_identity()
    path = room().copy_path(who.id)
    if pool().current_copy.get(who.id) != path or not path.exists():    # first visit, or after a reset
        drop_stale_copies(room(), pool(), who.id)
        room().ensure_copy(who.id)
        pool().current_copy[who.id] = path
    return path


def workspace_path(chosen: str | None) -> Path:
    """The workspace chosen in the sidebar if this participant may open it, else their own copy."""
    who = require_identity()
    if chosen and room().owns(who, Path(chosen)):
        return Path(chosen)
    return own_copy()


def connection(path: str) -> duckdb.DuckDBPyConnection:
    return pool().get(room(), path)


def cache_path(path: Path, version: str) -> str:
    """The file the caches are keyed on: while a copy is untouched (same data version as the demo it
    was copied from), the shared demo itself, so thirty fresh copies share one set of cached answers."""
    reference = room().reference
    if not room().is_reference(path) and version == _reference_version(str(reference)):
        return str(reference)
    return str(path)


@st.cache_resource(show_spinner=False)
def _reference_version(path: str) -> str:
    with connection(path).cursor() as cur:
        return db.data_version(cur)


def workspace_choices() -> dict[str, str]:
    """What a participant may open: their own copy, then each workspace offered read-only."""
    who = require_identity()
    mine = "Ma copie de la démonstration" + ("" if who.is_trainer else f" (participant n° {who.number})")
    choices = {str(own_copy().resolve()): mine}      # resolved, as ui.state compares them
    choices.update({str(o.path.resolve()): o.name for o in room().offered})
    return choices


def read_only(path: Path) -> bool:
    return active() and room().is_reference(path)


def imports_allowed() -> bool:
    return room().imports_allowed


def is_trainer() -> bool:
    who = identity()
    return who is not None and who.is_trainer


def badge() -> None:
    who = require_identity()
    st.sidebar.caption("Salle de formation : **formateur**" if who.is_trainer
                       else f"Salle de formation : **participant n° {who.number}**")
