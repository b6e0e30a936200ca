"""Every Streamlit cache of the app: the workspace connection and the dq_core answers, one place.

Each cached call takes `key` = (workspace file, data version) from `state.data_key()`: an import or a
new group changes the version, so the next run reads fresh answers; the file picks the connection.
`cache_data` returns a copy (pickled) of small answers; `cache_resource` shares one object between
sessions for what is large and read-only (shapes, the latest cells) — nothing may modify those.
"""

from __future__ import annotations

import duckdb
import streamlit as st

from dq_core.explore import compare, evolution, groups, maps
from dq_core.explore.fiche import Fiche, build_fiche
from dq_core.store import db, workspace
from dq_core.store.catalogue import Indicator, load_indicators
from dq_core.store.summary import WorkspaceSummary, indicator_coverage, workspace_summary
from dq_core.store.territories import Quartier, list_quartiers

Key = tuple[str, str]


def connection(path: str) -> duckdb.DuckDBPyConnection:
    """One connection per workspace for the whole server; every run takes its own cursor (DuckDB 2
    refuses concurrent calls on one connection). In a training room, the room's own pool."""
    from ui import room

    if room.active():
        return room.connection(path)
    return _connection(path)


@st.cache_resource(show_spinner="Préparation des données de démonstration (première ouverture)…")
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return workspace.open_connection(path)


def _cursor(key: Key) -> duckdb.DuckDBPyConnection:
    return connection(key[0]).cursor()


# --- the workspace -------------------------------------------------------------------------------

@st.cache_data(max_entries=32, show_spinner=False)
def quartiers(key: Key) -> list[Quartier]:
    with _cursor(key) as cur:
        return list_quartiers(cur)


@st.cache_data(max_entries=32, show_spinner=False)
def is_demo(key: Key) -> bool:
    with _cursor(key) as cur:
        return db.is_demo(cur)


@st.cache_data(max_entries=32, show_spinner=False)
def summary(key: Key) -> WorkspaceSummary:
    with _cursor(key) as cur:
        return workspace_summary(cur)


@st.cache_data(max_entries=32, show_spinner=False)
def coverage(key: Key):
    with _cursor(key) as cur:
        return indicator_coverage(cur)


@st.cache_data(max_entries=16, show_spinner=False)
def indicators(key: Key) -> list[Indicator]:
    with _cursor(key) as cur:
        return load_indicators(cur)


@st.cache_data(max_entries=8, show_spinner=False)
def indicator_labels(key: Key) -> dict[str, str]:
    with _cursor(key) as cur:
        return {ind.id: ind.label for ind in load_indicators(cur)}


@st.cache_data(max_entries=16, show_spinner=False)
def domains(key: Key) -> dict[str, str]:
    from dq_core.store.catalogue import domain_labels

    with _cursor(key) as cur:
        return domain_labels(cur)


# --- fiche ---------------------------------------------------------------------------------------

@st.cache_data(max_entries=256, show_spinner=False)
def fiche(key: Key, code: str) -> Fiche:
    with _cursor(key) as cur:
        return build_fiche(cur, code)


# --- Évolution, Comparer, Carte --------------------------------------------------------------------

@st.cache_data(max_entries=16, show_spinner=False)
def places(key: Key) -> compare.Places:
    with _cursor(key) as cur:
        return compare.quartier_places(cur)


# Read-only, shared by every session (cache_resource): the latest cells of every quartier.
@st.cache_resource(max_entries=4, show_spinner="Préparation des comparaisons…")
def latest_store(key: Key) -> compare.LatestStore:
    with _cursor(key) as cur:
        return compare.load_latest_store(cur)


@st.cache_data(max_entries=16, show_spinner=False)
def group_list(key: Key) -> list[groups.Group]:
    with _cursor(key) as cur:
        return groups.list_groups(cur)


@st.cache_data(max_entries=128, show_spinner=False)
def evolution_view(key: Key, indicator_ids: tuple[str, ...], quartiers: tuple[str, ...],
                   references: tuple[str, ...], group_codes: tuple[str, ...], base100: bool,
                   base_period: str | None) -> evolution.Evolution:
    with _cursor(key) as cur:
        return evolution.build_evolution(cur, list(indicator_ids), list(quartiers), list(references),
                                         list(group_codes), base100=base100, base_period=base_period)


@st.cache_data(max_entries=128, show_spinner=False)
def comparison(key: Key, indicator_ids: tuple[str, ...], filters: compare.Filters,
               selected: str | None) -> compare.Comparison:
    with _cursor(key) as cur:
        return compare.build_comparison(cur, list(indicator_ids), filters, selected, places(key),
                                        latest_store(key), indicators(key))


@st.cache_data(max_entries=128, show_spinner=False)
def distribution(key: Key, indicator_ids: tuple[str, ...], filters: compare.Filters,
                 selected: str | None, indicator_id: str) -> compare.Distribution:
    with _cursor(key) as cur:
        return compare.build_distribution(cur, comparison(key, indicator_ids, filters, selected), indicator_id)


@st.cache_data(max_entries=128, show_spinner=False)
def similarity(key: Key, code: str, indicator_ids: tuple[str, ...], k: int,
               filters: compare.Filters) -> compare.Similarity:
    with _cursor(key) as cur:
        return compare.similar_quartiers(cur, code, list(indicator_ids), k, filters, places=places(key),
                                         store=latest_store(key), catalogue=indicators(key))


# Shapes and maps are large and read-only: shared between sessions (cache_resource) rather than
# copied on every run (cache_data pickles). Nothing may modify what these return.
@st.cache_resource(max_entries=8, show_spinner="Préparation des contours…")
def geometries(key: Key, level: str) -> maps.Geometries:
    with _cursor(key) as cur:
        return maps.load_geometries(cur, level)


@st.cache_resource(max_entries=8, show_spinner=False)
def commune_outlines(key: Key) -> dict:
    return maps.outlines(geometries(key, "commune"))


@st.cache_resource(max_entries=64, show_spinner=False)
def choropleth(key: Key, indicator_id: str, method: str, k: int, vintage: int | None) -> maps.Choropleth:
    with _cursor(key) as cur:
        return maps.build_choropleth(cur, indicator_id, method, k, vintage=vintage,
                                     geometries=geometries(key, "quartier"), places=places(key),
                                     store=latest_store(key), catalogue=indicators(key))


# --- data: official files, partner imports, exports -------------------------------------------------

@st.cache_data(max_entries=32, show_spinner=False)
def official_batches(key: Key):
    from dq_core.files.official import official_batches as batches

    with _cursor(key) as cur:
        return batches(cur)


@st.cache_data(max_entries=8, show_spinner=False)
def import_history(key: Key):
    from dq_core.files import import_history as history

    with _cursor(key) as cur:
        return history(cur)


@st.cache_data(max_entries=8, show_spinner=False)
def partners(key: Key) -> list[str]:
    from dq_core.files import partners as known

    with _cursor(key) as cur:
        return known(cur)


@st.cache_data(max_entries=4, show_spinner="Lecture du fichier…")
def inspect_upload(key: Key, name: str, data: bytes, partner: str | None):
    """Columns, first rows and proposed mapping of an uploaded file (read once, not at every click)."""
    from dq_core.files import FileSource, inspect_file

    with _cursor(key) as cur:
        return inspect_file(cur, FileSource.from_bytes(name, data), partner)


@st.cache_data(max_entries=32, show_spinner=False)
def batch_scopes(key: Key) -> dict[str, list[tuple[str, str, int]]]:
    from dq_core import export

    with _cursor(key) as cur:
        return export.batch_scopes(cur)


# --- Énergie -------------------------------------------------------------------------------------------

@st.cache_data(max_entries=64, show_spinner=False)
def energy_view(key: Key, code: str, energy: str):
    from dq_core.energy.view import quartier_energy

    with _cursor(key) as cur:
        return quartier_energy(cur, code, energy)


# Every residence, group and quartier with its bill and incomes: shared by the scenario and the targeting list.
@st.cache_resource(max_entries=4, show_spinner="Calcul des factures de toutes les résidences…")
def energy_units(key: Key):
    from dq_core.energy import portfolio

    with _cursor(key) as cur:
        return tuple(portfolio.units(cur))


@st.cache_data(max_entries=16, show_spinner=False)
def energy_targets(key: Key):
    from dq_core.energy.targeting import targeting

    with _cursor(key) as cur:
        return targeting(cur, list(energy_units(key)))


@st.cache_data(max_entries=64, show_spinner=False)
def energy_scenario(key: Key, rise_pct: float):
    from dq_core.energy.scenario import scenario

    with _cursor(key) as cur:
        return scenario(cur, rise_pct, list(energy_units(key)))


@st.cache_data(max_entries=8, show_spinner="Recherche des alertes dans tous les quartiers…")
def energy_alerts(key: Key):
    from dq_core.energy import alerts

    with _cursor(key) as cur:
        return alerts.scan(cur)


@st.cache_data(max_entries=8, show_spinner=False)
def energy_sources(key: Key) -> list[str]:
    from dq_core.export.energy_workbook import workspace_sources

    with _cursor(key) as cur:
        return workspace_sources(cur)


@st.cache_data(max_entries=8, show_spinner=False)
def energy_prices(key: Key):
    from dq_core.energy import prices

    with _cursor(key) as cur:
        return prices.read_prices(cur)
