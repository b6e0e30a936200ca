"""Opening the app in AppTest the way a browser does: app.py with query parameters, then a page."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.render.text import WORD_JOINER

ROOT = Path(__file__).resolve().parents[1]


def shown(markdown: str) -> str:
    """What a reader sees of a Markdown text escaped by `ui.render.text.plain` (escapes and joiners gone)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def open_app(page: str | None = None, *, timeout: float = 60, **query_params: str) -> AppTest:
    """Run app.py (workspace from `DQ_DB`) with the given query parameters, then switch to `page`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for name, value in query_params.items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at
