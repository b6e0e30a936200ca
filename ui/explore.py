"""Streamlit glue of the explore pages (fiche, Évolution, Comparer, Carte): links between them, and
indicator labels for their choosers (their caches are in `ui.cache`, their URL state in `ui.url`)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dq_core.store.catalogue import Indicator
from ui import frame

EXPLORE_PAGES = {
    "fiche": ("pages/fiche.py", "Fiche quartier", ":material/description:"),
    "evolution": ("pages/evolution.py", "Évolution", ":material/show_chart:"),
    "comparer": ("pages/comparer.py", "Comparer", ":material/leaderboard:"),
    "carte": ("pages/carte.py", "Carte", ":material/map:"),
}


# --- links ----------------------------------------------------------------------------------------

def page_links(current: str, indicators: list[str] | None = None) -> None:
    """Links to the other views of the same quartier (the quartier, and the indicators, follow)."""
    code = st.session_state.get(frame.QUARTIER_KEY)
    indicators = list(indicators or [])
    others = [(name, spec) for name, spec in EXPLORE_PAGES.items() if name != current]
    columns = st.columns(len(others))
    for column, (name, (path, title, icon)) in zip(columns, others, strict=True):
        params = {"quartier": code} if code else {}
        if indicators and name in ("evolution", "comparer"):
            params["indicateurs"] = ",".join(indicators)
        elif indicators and name == "carte":
            params["indicateur"] = indicators[0]
        column.page_link(path, label="Fiche du quartier" if name == "fiche" else title, icon=icon,
                         query_params=params or None)


def indicator_label(catalogue: dict[str, Indicator], domains: dict[str, str]) -> Callable[[str], str]:
    def label(indicator_id: str) -> str:
        ind = catalogue.get(indicator_id)
        return f"{ind.label} · {domains.get(ind.domain, ind.domain)}" if ind else indicator_id
    return label
