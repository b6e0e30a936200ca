"""A training room built from the tiny workspace (fixture data is code): its folder, codes, tokens."""

from __future__ import annotations

from pathlib import Path

from dq_core.room.session import PARTICIPANT, Identity, Room, create_room

CODE = "lune-castor-tulipe"


def tiny_room(tmp_path: Path, model: Path, **options) -> Room:
    return create_room(tmp_path, code=CODE, model=model, **options)


def participant_token(room: Room) -> str:
    """A newly arrived participant's cookie value (as the code page gives it)."""
    identity = room.enter(CODE)
    assert identity is not None and identity.role == PARTICIPANT
    return room.token(identity)


def forged_token(room: Room) -> str:
    return room.token(Identity(PARTICIPANT, "abc", 1))[:-4] + "0000"
