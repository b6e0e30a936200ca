"""The training room's Streamlit server: app.py behind the room's door (started by dq_core.room.cli,
one process per port; its settings come from the environment the launcher sets)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))           # run as a script: the project's packages come first

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from dq_core.room.gate import RoomGate  # noqa: E402
from dq_core.room.session import Room  # noqa: E402


def config(room: Room) -> dict:
    """Streamlit's settings in the room: only where the trainer chose, nothing sent outside."""
    return {
        "server.address": os.environ["DQ_ROOM_ADDRESS"],
        "server.port": int(os.environ["DQ_ROOM_PORT"]),
        "server.headless": True,
        "server.enableXsrfProtection": True,
        "server.enableCORS": True,
        "server.maxUploadSize": room.upload_mb,
        "server.fileWatcherType": "none",
        "server.enableStaticServing": False,
        "browser.gatherUsageStats": False,
        "client.toolbarMode": "viewer",
        "client.showErrorDetails": "none",
    }


def main() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    # Thirty participants open their links at once, right after the start: every first request must run
    # through app.py (st.navigation), none in Streamlit's old "pages folder" mode (see frame.py).
    PagesManager.uses_pages_directory = False
    room = Room(Path(os.environ["DQ_ROOM_DIR"]))
    gate = Middleware(RoomGate, room_dir=room.folder, behind_proxy=os.environ.get("DQ_ROOM_BEHIND_PROXY") == "1")
    st.App(ROOT / "app.py", middleware=[gate]).run(config=config(room))


if __name__ == "__main__":
    main()
