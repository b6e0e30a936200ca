"""Évolution, Comparer and Carte through app.py (AppTest): views from the URL, empty selections,
quartiers with missing data, groups created and deleted from the page."""

import json
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.apptest import open_app, shown
from tests.compare_factory import build_compare_workspace
from tests.factories import build_tiny_workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explore")
    from dq_core.demo import build_demo

    build_demo(folder / "demo.duckdb", scale="regional")
    return {"tiny": build_tiny_workspace(folder / "tiny.duckdb"),
            "compare": build_compare_workspace(folder / "compare.duckdb"), "demo": folder / "demo.duckdb"}


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()          # close the workspace before the next test copies files


@pytest.fixture
def open_page(databases, tmp_path, monkeypatch):
    def start(page: str, db: str = "tiny", **params) -> AppTest:
        path = tmp_path / f"{db}.duckdb"
        if not path.exists():
            shutil.copy(databases[db], path)
        monkeypatch.setenv("DQ_DB", str(path))
        at = open_app(f"pages/{page}.py", **params)
        assert not at.exception, at.exception
        return at
    return start


def _html(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def _texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("info", "caption", "markdown", "error", "success", "warning")
                    for e in getattr(at, kind))


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("arrow_vega_lite_chart")] or \
        [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


# --- Évolution ------------------------------------------------------------------------------------

def test_evolution_deep_link_with_two_quartiers_and_references(open_page):
    at = open_page("evolution", quartier="QNX0101M", indicateurs="taux_pauvrete", quartiers="QNX0102I",
                   references="commune,france")
    assert not at.error
    assert at.title[0].value == "Évolution"
    assert len(_charts(at)) == 1
    html = _html(at)
    for name in ("Les Tilleuls", "Le Plateau", "Villeneuve-Test", "France (référence fictive)"):
        assert name in html
    assert "46,0" in html                                   # Les Tilleuls 2021, French number format
    assert at.query_params["quartiers"] == "QNX0102I" and at.query_params["indicateurs"] == "taux_pauvrete"


@pytest.mark.parametrize("params", [
    {"quartier": "QNX0101M"},
    {"quartier": "QNX0101M", "indicateurs": "taux_pauvrete,revenu_median_uc,demandeurs_emploi_abc",
     "quartiers": "QNX0102I,QNX0103N", "references": "commune,epci,departement,region,france,quartiers"},
    {"quartier": "QNX0102I", "indicateurs": "demandeurs_emploi_abc,pop_totale", "base100": "oui"},
    {"quartier": "QNX0101M", "indicateurs": "demandeurs_emploi_abc", "base100": "oui", "base": "2017"},
])
def test_evolution_runs_for_several_combinations(open_page, params):
    at = open_page("evolution", **params)
    assert not at.error
    wanted = params.get("indicateurs", "taux_pauvrete").split(",")
    assert len(at.subheader) == len(wanted)


def test_evolution_base_100_axis_and_table(open_page):
    at = open_page("evolution", quartier="QNX0101M", indicateurs="taux_pauvrete", base100="oui")
    spec = json.dumps(_charts(at)[0], ensure_ascii=False)
    assert "base 100 en 2016" in spec
    assert "115,0" in _html(at)
    assert at.toggle[0].value is True


def test_evolution_empty_selection_says_what_to_do(open_page):
    at = open_page("evolution", quartier="QNX0101M", indicateurs="")
    assert "Choisissez au moins un indicateur" in _texts(at)
    assert not _charts(at)


def test_evolution_quartier_with_only_secret_data(open_page):
    at = open_page("evolution", quartier="QNX0103N", indicateurs="taux_pauvrete,revenu_median_uc")
    assert not at.error
    html = _html(at)
    assert "Secret statistique" in html and "Petit Quartier en 2021" in html
    assert "Aucune valeur à tracer" in _texts(at)


def test_evolution_link_values_are_checked(open_page):
    at = open_page("evolution", quartier="QNX0101M", indicateurs="taux_pauvrete,<script>",
                   quartiers="QX0000,QNX0102I", references="lune,commune", groupes="GRP0042")
    texts = shown(_texts(at))
    assert "<script>" in texts and "QX0000" in texts and "lune" in texts and "GRP0042" in texts
    assert at.query_params["indicateurs"] == "taux_pauvrete"
    assert at.query_params["quartiers"] == "QNX0102I" and at.query_params["references"] == "commune"
    assert "groupes" not in at.query_params


def test_changing_the_view_updates_the_link(open_page):
    at = open_page("evolution", quartier="QNX0101M")
    at.multiselect(key="evo_indicateurs").select("revenu_median_uc").run()
    at.multiselect(key="evo_references").select("france").run()
    assert at.query_params["indicateurs"] == "taux_pauvrete,revenu_median_uc"
    assert at.query_params["references"] == "commune,france"
    assert len(at.subheader) == 2


def test_a_group_is_created_shown_and_deleted_from_the_page(open_page):
    at = open_page("evolution", quartier="QNX0101M", indicateurs="taux_pauvrete")
    at.text_input(key="grp_name").input("Contrat de ville Test")
    at.multiselect(key="grp_members").select("QNX0101M").select("QNX0102I")
    at.button(key="grp_save").click().run()
    assert not at.exception and not at.error
    assert any("Contrat de ville Test" in s.value for s in at.success)
    assert at.query_params["groupes"] == "GRP0001"
    html = _html(at)
    assert "Groupe" in html and "Contrat de ville Test" in html and "43,6" in html   # (1380+800)/(3000+2000)
    at.button(key="grp_delete_GRP0001").click().run()
    assert at.button(key="grp_delete_GRP0001").label == "Confirmer la suppression"
    at.button(key="grp_delete_GRP0001").click().run()
    assert not at.exception
    assert "groupes" not in at.query_params
    assert not [b for b in at.button if b.key == "grp_delete_GRP0001"]


def test_every_quartier_of_a_commune_is_added_to_the_group_at_once(open_page):
    at = open_page("evolution", quartier="QNX0101M")
    at.multiselect(key="grp_members").select("QNX0103N")
    assert at.selectbox(key="grp_add_from").options == ["Agglomération : Agglo Test", "Commune : Bourg-Test",
                                                        "Commune : Villeneuve-Test", "Département : Département Test"]
    at.selectbox(key="grp_add_from").set_value("X0102")
    at.button(key="grp_add").click().run()
    assert not at.exception
    assert at.multiselect(key="grp_members").value == ["QNX0103N", "QNX0102I"]   # once each, in order


def test_a_bad_group_is_refused_with_a_french_message(open_page):
    at = open_page("evolution", quartier="QNX0101M")
    at.text_input(key="grp_name").input("Seul")
    at.multiselect(key="grp_members").select("QNX0101M")
    at.button(key="grp_save").click().run()
    assert "au moins 2 quartiers" in at.error[0].value


# --- Comparer -------------------------------------------------------------------------------------

def test_comparer_table_rank_distribution_and_similar_quartiers(open_page):
    at = open_page("comparer", "compare", quartier="QC03")
    assert not at.error
    table = at.dataframe[0].value
    assert len(table) == 12                                  # the quartier's own geography (2024)
    html = _html(at)
    assert "Rang des Jumeaux A" in html and "sur 11 quartiers" in html
    assert "1. Les Jumeaux B" in html                        # the planted twin comes first
    assert len(_charts(at)) == 1                             # the distribution
    assert at.query_params["geographie"] == "2024"


def test_comparer_filters_from_the_link(open_page):
    at = open_page("comparer", "compare", quartier="QC03", region="R2", indicateurs="taux_pauvrete")
    assert len(at.dataframe[0].value) == 4
    assert "n'est pas dans la sélection" in _texts(at)
    assert at.selectbox(key="cmp_region").value == "R2"


def test_comparer_rejects_unknown_filters_and_indicators(open_page):
    at = open_page("comparer", "compare", quartier="QC03", region="XX", indicateurs="nope,taux_pauvrete")
    texts = _texts(at)
    assert "XX" in texts and "nope" in texts
    assert "region" not in at.query_params and at.query_params["indicateurs"] == "taux_pauvrete"


def test_comparer_quartier_with_missing_data(open_page):
    at = open_page("comparer", "compare", quartier="QC12")
    assert not at.error
    html = _html(at)
    assert "pas de rang (pas de valeur à cette période)" in html
    assert "pas de valeur pour ce quartier" in _texts(at)


def test_comparer_with_no_indicator(open_page):
    at = open_page("comparer", "compare", quartier="QC03", indicateurs="", similaires="")
    texts = _texts(at)
    assert "Choisissez au moins un indicateur" in texts
    assert "Choisissez au moins un indicateur de ressemblance" in texts


def test_comparer_all_geographies(open_page):
    at = open_page("comparer", "compare", quartier="QP01", geographie="toutes", voisins="3")
    assert len(at.dataframe[0].value) == 14
    assert "2. " in _html(at) and "4. " not in _html(at)


# --- Carte ----------------------------------------------------------------------------------------

def _deck(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def test_carte_draws_quartiers_over_communes_without_basemap(open_page):
    at = open_page("carte", "compare", quartier="QC03")
    assert not at.error
    deck = _deck(at)
    assert [layer["id"] for layer in deck["layers"]] == ["communes", "quartiers", "choisi"]
    quartiers = deck["layers"][1]["data"]["features"]
    assert len(quartiers) == 12
    assert deck["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in deck
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    assert "{nom}" in tooltip["html"] and "{valeur}" in tooltip["html"] and "2021" in tooltip["html"]
    assert deck["layers"][2]["data"]["features"][0]["properties"]["code"] == "QC03"
    html = _html(at)
    assert "de " in html and "s : secret statistique" in html and "Taux de pauvreté" in html
    assert at.query_params["indicateur"] == "taux_pauvrete" and at.query_params["methode"] == "quantiles"
    assert not at.dataframe                                   # the table of values, on demand
    at.toggle(key="map_tableau").set_value(True).run()
    table = at.dataframe[0].value
    assert len(table) == 12


@pytest.mark.parametrize("method", ["quantiles", "intervalles", "jenks"])
@pytest.mark.parametrize("indicator", ["taux_pauvrete", "revenu_median_uc", "pop_totale"])
def test_carte_methods_and_indicators(open_page, method, indicator):
    at = open_page("carte", "compare", quartier="QC12", indicateur=indicator, methode=method, classes="4")
    assert not at.error
    assert len(_deck(at)["layers"][1]["data"]["features"]) == 12


def test_carte_centred_on_the_quartier(open_page):
    wide = _deck(open_page("carte", "compare", quartier="QC03"))["initialViewState"]
    at = open_page("carte", "compare", quartier="QC03", cadrage="quartier")
    close = _deck(at)["initialViewState"]
    assert close["zoom"] > wide["zoom"] + 1 and at.toggle(key="map_cadrage").value is True
    assert close["longitude"] == pytest.approx(2.625, abs=0.01)   # QC03: 2.55–2.70


def test_carte_bad_link_values_fall_back(open_page):
    at = open_page("carte", "compare", quartier="QC03", indicateur="nope", methode="magie", classes="12")
    texts = _texts(at)
    assert "nope" in texts and "magie" in texts and "12" in texts
    assert at.query_params["indicateur"] == "taux_pauvrete"


def test_carte_on_the_tiny_workspace_with_every_geography(open_page):
    at = open_page("carte", quartier="QNX0103N", geographie="toutes", indicateur="demandeurs_emploi_abc")
    assert not at.error
    assert len(_deck(at)["layers"][1]["data"]["features"]) == 3


# --- the regional demo (50 indicators, monthly series, secret cells, breaks) -------------------------

@pytest.mark.parametrize("page, params", [
    ("evolution", {"indicateurs": "taux_pauvrete,conso_elec_mensuelle,revenu_median_uc", "references": "commune,france",
                   "quartiers": "QNX0102M"}),
    ("evolution", {"indicateurs": "conso_gaz_mensuelle,part_c2s", "base100": "oui"}),
    ("comparer", {}),
    ("comparer", {"geographie": "toutes", "distribution": "pop_totale"}),
    ("carte", {}),
    ("carte", {"indicateur": "revenu_median_uc", "methode": "jenks", "classes": "7"}),
])
def test_pages_on_the_regional_demo(open_page, page, params):
    at = open_page(page, "demo", quartier="QNX0101M", **params)
    assert not at.error and not at.exception
