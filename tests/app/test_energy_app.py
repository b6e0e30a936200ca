"""The page « Énergie » through app.py (AppTest): the quartier's chart, residences under secrecy, alerts,
burden, the price scenario's slider, the targeting list and its download, the price table."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from dq_core.energy import prices
from dq_core.store import db
from tests.apptest import open_app, shown
from tests.energy_page_fixtures import QUARTIER, build_energy_workspace
from tests.factories import build_tiny_workspace

PAGE = "pages/energie.py"
SECRET_NAMES = ("Les Trois Maisons", "Résidence des Lilas")


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("energy-app")
    return {"demo": build_energy_workspace(folder / "demo.duckdb"),
            "user": build_energy_workspace(folder / "user.duckdb", demo=False),
            "empty": build_tiny_workspace(folder / "tiny.duckdb")}


@pytest.fixture
def open_page(templates, tmp_path, monkeypatch):
    def start(kind: str = "demo", keep: bool = False, **params) -> AppTest:
        path = tmp_path / f"{kind}.duckdb"
        if not keep:                       # keep: the test has prepared its own copy
            shutil.copyfile(templates[kind], path)
        monkeypatch.setenv("DQ_DB", str(path))
        at = open_app(PAGE, quartier=QUARTIER, **params)
        assert not at.exception, at.exception
        return at
    return start


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "info", "caption", "markdown", "error", "success", "warning")
             for e in getattr(at, kind)]
    parts += [h.proto.body for h in at.get("html")]
    return shown(" ".join(parts))


def _chart_rows(at: AppTest) -> pd.DataFrame:
    """The rows the first chart draws (Streamlit sends Altair's data as Arrow datasets beside the spec)."""
    chart = (at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))[0]
    assert json.loads(chart.proto.spec)["usermeta"]["embedOptions"]["renderer"] == "svg"
    return pd.concat([convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets])


def test_the_page_shows_the_quartier_its_residences_and_the_planted_alert(open_page):
    at = open_page()
    assert at.title[0].value == "Énergie"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["12 derniers mois"].endswith("kWh") and metrics["Facture par an"].endswith("€")
    assert "kWh par degré-jour" in metrics
    # The chart: the quartier and, because it is in alert, the planted residence, measured and corrected.
    rows = _chart_rows(at)
    assert set(rows["series"]) == {"Les Tilleuls", "Résidence du Parc"}
    assert set(rows["measure"]) == {"corrigée du climat", "mesurée"}
    residences = at.dataframe[0].value
    assert list(residences["Résidence"]) == ["Résidence du Parc", "Autres résidences"]
    text = _texts(at)
    assert "Décembre 2024, électricité, la résidence « Résidence du Parc »" in text
    assert "En alerte 3 mois depuis octobre 2024" in text
    assert "Autres résidences : 2 résidences, 36 logements" in text
    assert "Correction climatique" in text and "Règle des alertes" in text and "TEE_3D" in text
    assert at.get("download_button")[0].proto.label == "Télécharger la liste de ciblage et les alertes (Excel)"
    for name in SECRET_NAMES:                                   # never on screen, in no table, no chart
        assert name not in text
        assert all(name not in df.value.to_string() for df in at.dataframe)
        assert name not in rows.to_string()
    # The targeting list: the planted residence first, with its reasons.
    targets = next(df.value for df in at.dataframe if "Raisons" in df.value.columns)
    assert list(targets["Résidence"])[0] == "Résidence du Parc"
    assert "DPE) F" in targets["Raisons"].iloc[0]
    assert "Résidence du Parc</b> (rang 1, " in text and "étiquette énergétique (DPE) F : 15 points" in text
    # The demo's price table reads only.
    assert not [b for b in at.button if b.key == "energie_prix_enregistrer"]
    assert "le tableau des prix se lit sans se modifier" in text


def test_the_scenario_follows_the_slider_and_the_link(open_page):
    at = open_page(hausse="40")
    assert at.select_slider[0].value == 40
    assert "Avec une hausse des prix de 40 %" in _texts(at)
    at.select_slider[0].set_value(0).run()
    assert "Aux prix actuels, environ 0 logements" in _texts(at)
    assert at.query_params["hausse"] == "0"                 # the link says what is shown


def test_measured_only_and_the_energy_from_a_link(open_page):
    at = open_page(energie="gaz")                       # no gas here: electricity is shown, the link follows
    assert at.segmented_control[0].value == "electricite"
    at.segmented_control(key="energie_mesure").set_value("raw").run()
    assert set(_chart_rows(at)["measure"]) == {"mesurée"}


def test_without_degree_days_the_page_says_so_and_draws_measured_figures_only(open_page, templates, tmp_path):
    con = db.connect(shutil.copyfile(templates["demo"], tmp_path / "demo.duckdb"))
    with db.transaction(con.cursor()) as cur:
        cur.execute("DELETE FROM degree_days")
        db.bump_data_version(cur)
    con.close()
    at = open_page(keep=True)
    assert "Pas de degrés-jours pour la région Région Test" in _texts(at)
    assert set(_chart_rows(at)["measure"]) == {"mesurée"}
    assert at.segmented_control(key="energie_mesure").disabled


def test_a_workspace_without_energy_data_says_where_it_comes_from(open_page):
    at = open_page("empty")
    assert not at.error
    text = _texts(at)
    assert "Pas de consommation d'énergie pour le quartier Les Tilleuls dans cet espace de travail" in text
    assert "Correction climatique" in text


def _saved_prices(path) -> list[prices.Price]:
    con = db.connect(path)
    try:
        return prices.read_prices(con.cursor())
    finally:
        con.close()


def _edit_first_price(at: AppTest, eur_per_kwh: float) -> None:
    at.session_state["energie_prix"] = {"edited_rows": {"0": {"eur_per_kwh": eur_per_kwh}}, "added_rows": [],
                                        "deleted_rows": []}
    at.run()
    at.button(key="energie_prix_enregistrer").click().run()
    assert not at.exception


def test_the_price_table_refuses_a_wrong_price_then_saves_an_undoable_import(open_page, tmp_path):
    at = open_page("user")
    _edit_first_price(at, 9)
    assert "le prix par kWh doit être un nombre positif" in " ".join(e.value for e in at.error)
    st.cache_resource.clear()                                   # the app's connection: let the test read
    assert _saved_prices(tmp_path / "user.duckdb") == list(prices.DEFAULT_PRICES)
    _edit_first_price(at, 0.3)
    assert "Tableau des prix enregistré" in _texts(at)
    st.cache_resource.clear()
    saved = _saved_prices(tmp_path / "user.duckdb")
    assert saved[0].eur_per_kwh == 0.3 and saved[1:] == list(prices.DEFAULT_PRICES)[1:]


def test_a_workspace_without_prices_takes_the_published_tariffs_in_one_click(open_page, templates, tmp_path):
    con = db.connect(shutil.copyfile(templates["user"], tmp_path / "user.duckdb"))
    with db.transaction(con.cursor()) as cur:
        cur.execute("DELETE FROM energy_price")
        db.bump_data_version(cur)
    con.close()
    at = open_page("user", keep=True)
    assert "Pas de facture estimée pour ce quartier" in _texts(at)
    at.button(key="energie_prix_defaut").click().run()
    assert "Tableau des prix enregistré" in _texts(at)
    assert "Pas de facture estimée" not in _texts(at)
    st.cache_resource.clear()
    assert _saved_prices(tmp_path / "user.duckdb") == list(prices.DEFAULT_PRICES)
