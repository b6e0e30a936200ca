"""Streamlit's own interface strings in French (uploader, toolbars, aria-labels), for every page."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

# Its element container is hidden so it adds no gap; the script runs once per tab (it guards itself).
_HOLDER = ("<span class='dq-fr'></span><style>[data-testid='stElementContainer']:has(.dq-fr)"
           "{display:none}</style>")


@cache
def _script() -> str:
    return (Path(__file__).with_name("streamlit_fr.js")).read_text(encoding="utf-8")


def install() -> None:
    """Put the translator on the page; call it at the same place on every run (app.py)."""
    st.html(f"{_HOLDER}<script>{_script()}</script>", unsafe_allow_javascript=True)
