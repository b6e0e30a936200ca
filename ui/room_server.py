"""The training room's Streamlit server: app.py behind the room's door (started by dq_core.room.cli,
one process per port; its settings come from the environment the launcher sets)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))           # run as a script: the project's packages come first

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from dq_core.room.gate import RoomGate  # noqa: E402
from dq_core.room.session import Room  # noqa: E402
from ui import server  # noqa: E402


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
        # Streamlit runs a full garbage collection after every script run: with thirty sessions clicking,
        # that was the largest part of the server's time per click (bench/bench_room.py, cProfile).
        # Python's own collector still runs as usual.
        "runner.postScriptGC": False,
    }


DOWNLOAD_GRACE_SECONDS = 120.0


def keep_fresh_downloads() -> None:
    """A file made by a download button (`data=callable`) belongs to no session in Streamlit 1.67: the
    end of any session's script run marks it, the next one deletes it. With thirty sessions running,
    that can happen before the browser fetches it (a 404 seen in bench/bench_room.py). Keep each such
    file for two minutes after it is made."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, float] = {}
    execute_deferred, delete_file = MediaFileManager.execute_deferred, MediaFileManager._delete_file

    def execute_and_remember(self, file_id: str) -> str:
        url = execute_deferred(self, file_id)
        made[url.rsplit("/", 1)[-1].split(".", 1)[0]] = time.monotonic()
        return url

    def delete_unless_fresh(self, file_id: str) -> None:
        if time.monotonic() - made.get(file_id, float("-inf")) < DOWNLOAD_GRACE_SECONDS:
            return
        made.pop(file_id, None)
        delete_file(self, file_id)
    MediaFileManager.execute_deferred = execute_and_remember
    MediaFileManager._delete_file = delete_unless_fresh


def stop_with_the_launcher() -> None:
    """The launcher removes the room when it stops; should it die without doing so, stop as well
    rather than serve a room whose folder may be gone."""
    import threading

    launcher = os.getppid()

    def watch() -> None:
        while os.getppid() == launcher:
            time.sleep(2)
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


def main() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    stop_with_the_launcher()
    # Thirty participants open their links at once, right after the start: every first request must run
    # through app.py (st.navigation), none in Streamlit's old "pages folder" mode (see frame.py).
    PagesManager.uses_pages_directory = False
    keep_fresh_downloads()
    server.install()                   # long links and refused requests get the app's French page
    room = Room(Path(os.environ["DQ_ROOM_DIR"]))
    gate = Middleware(RoomGate, room_dir=room.folder, behind_proxy=os.environ.get("DQ_ROOM_BEHIND_PROXY") == "1")
    st.App(ROOT / "app.py", middleware=[gate]).run(config=config(room))


if __name__ == "__main__":
    main()
