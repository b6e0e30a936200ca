"""Streamlit glue of the Évolution, Comparer and Carte pages: cached dq_core calls, links between the
pages (their view state in the URL is `ui.url`)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dq_core.explore import compare, evolution, groups, maps
from dq_core.store.catalogue import Indicator, load_indicators
from ui import frame, state

EXPLORE_PAGES = {
    "fiche": ("pages/fiche.py", "Fiche quartier", ":material/description:"),
    "evolution": ("pages/evolution.py", "Évolution", ":material/show_chart:"),
    "comparer": ("pages/comparer.py", "Comparer", ":material/leaderboard:"),
    "carte": ("pages/carte.py", "Carte", ":material/map:"),
}


# --- cached core calls (keyed by workspace file + data version) -------------------------------------

@st.cache_data(max_entries=16, show_spinner=False)
def indicators(key: tuple[str, str]) -> list[Indicator]:
    with state.cursor() as cur:
        return load_indicators(cur)


@st.cache_data(max_entries=16, show_spinner=False)
def places(key: tuple[str, str]) -> compare.Places:
    with state.cursor() as cur:
        return compare.quartier_places(cur)


# Read-only, shared by every session (cache_resource): the latest cells of every quartier.
@st.cache_resource(max_entries=4, show_spinner="Préparation des comparaisons…")
def latest_store(key: tuple[str, str]) -> compare.LatestStore:
    with state.cursor() as cur:
        return compare.load_latest_store(cur)


@st.cache_data(max_entries=16, show_spinner=False)
def group_list(key: tuple[str, str]) -> list[groups.Group]:
    with state.cursor() as cur:
        return groups.list_groups(cur)


@st.cache_data(max_entries=128, show_spinner=False)
def evolution_view(key: tuple[str, str], indicator_ids: tuple[str, ...], quartiers: tuple[str, ...],
                   references: tuple[str, ...], group_codes: tuple[str, ...], base100: bool,
                   base_period: str | None) -> evolution.Evolution:
    with state.cursor() as cur:
        return evolution.build_evolution(cur, list(indicator_ids), list(quartiers), list(references),
                                         list(group_codes), base100=base100, base_period=base_period)


@st.cache_data(max_entries=128, show_spinner=False)
def comparison(key: tuple[str, str], indicator_ids: tuple[str, ...], filters: compare.Filters,
               selected: str | None) -> compare.Comparison:
    with state.cursor() as cur:
        return compare.build_comparison(cur, list(indicator_ids), filters, selected, places(key),
                                        latest_store(key), indicators(key))


@st.cache_data(max_entries=128, show_spinner=False)
def distribution(key: tuple[str, str], indicator_ids: tuple[str, ...], filters: compare.Filters,
                 selected: str | None, indicator_id: str) -> compare.Distribution:
    with state.cursor() as cur:
        return compare.build_distribution(cur, comparison(key, indicator_ids, filters, selected), indicator_id)


@st.cache_data(max_entries=128, show_spinner=False)
def similarity(key: tuple[str, str], code: str, indicator_ids: tuple[str, ...], k: int,
               filters: compare.Filters) -> compare.Similarity:
    with state.cursor() as cur:
        return compare.similar_quartiers(cur, code, list(indicator_ids), k, filters, places=places(key),
                                         store=latest_store(key), catalogue=indicators(key))


# Shapes and maps are large and read-only: shared between sessions (cache_resource) rather than
# copied on every run (cache_data pickles). Nothing may modify what these return.
@st.cache_resource(max_entries=8, show_spinner="Préparation des contours…")
def geometries(key: tuple[str, str], level: str) -> maps.Geometries:
    with state.cursor() as cur:
        return maps.load_geometries(cur, level)


@st.cache_resource(max_entries=8, show_spinner=False)
def commune_outlines(key: tuple[str, str]) -> dict:
    return maps.outlines(geometries(key, "commune"))


@st.cache_resource(max_entries=64, show_spinner=False)
def choropleth(key: tuple[str, str], indicator_id: str, method: str, k: int, vintage: int | None
               ) -> maps.Choropleth:
    with state.cursor() as cur:
        return maps.build_choropleth(cur, indicator_id, method, k, vintage=vintage,
                                     geometries=geometries(key, "quartier"), places=places(key),
                                     store=latest_store(key), catalogue=indicators(key))


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


@st.cache_data(max_entries=16, show_spinner=False)
def domains(key: tuple[str, str]) -> dict[str, str]:
    from dq_core.store.catalogue import domain_labels

    with state.cursor() as cur:
        return domain_labels(cur)
