"""Carte: classification breaks, colour-blind-safe palettes by direction, French legend, geometry."""

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dq_core.errors import DQError
from dq_core.explore.maps import (
    BLUES,
    METHODS,
    MISSING_COLOUR,
    ORRD,
    SECRET_COLOUR,
    around,
    build_choropleth,
    class_of,
    classify,
    indicator_choices,
    jenks_breaks,
    legend,
    load_geometries,
    outlines,
    palette,
    rgba,
    simplify_ring,
    tooltip_html,
    view_for,
    within_class_ssd,
)
from dq_core.shapes import point_inside
from dq_core.store import db
from dq_core.store.catalogue import Indicator
from tests.compare_factory import INDICATORS, latest_figures

RATE = next(i for i in INDICATORS if i.id == "taux_pauvrete")


@pytest.fixture
def cur(compare_db):
    con = db.connect(compare_db)
    yield con.cursor()
    con.close()


# --- classification -------------------------------------------------------------------------------

def test_natural_breaks_find_the_obvious_groups():
    values = [1, 2, 3, 10, 11, 12, 20, 21, 22]
    assert jenks_breaks(values, 3) == [1, 3, 12, 22]
    assert classify(values, "jenks", 3) == [1, 3, 12, 22]


def test_equal_intervals_and_quantiles():
    values = list(range(0, 101))
    assert classify(values, "intervalles", 4) == [0, 25, 50, 75, 100]
    assert classify(values, "quantiles", 4) == [0, 25, 50, 75, 100]
    skewed = [1] * 50 + [2, 3, 4, 100]
    assert classify(skewed, "quantiles", 4)[:2] == [1, 1.75] or classify(skewed, "quantiles", 4)[0] == 1


def test_breaks_are_strictly_increasing_even_with_ties_and_few_values():
    assert classify([5, 5, 5, 5], "quantiles", 5) == [5, 5]
    breaks = classify([1, 1, 1, 1, 1, 2, 3], "quantiles", 5)
    assert breaks == sorted(set(breaks)) and breaks[0] == 1 and breaks[-1] == 3
    assert classify([], "jenks", 5) == []
    assert classify([1.0, None, float("nan"), 3.0], "intervalles", 2) == [1, 2, 3]
    with pytest.raises(DQError, match="Méthode de classement inconnue"):
        classify([1, 2], "au hasard", 3)


def test_a_value_falls_in_one_class_boundaries_included_above():
    breaks = [0, 10, 20, 30]
    assert list(class_of([0, 5, 10, 10.01, 20, 30, np.nan], breaks)) == [0, 0, 0, 1, 1, 2, -1]


def _brute_force_ssd(values, k):
    v = np.sort(np.asarray(values, dtype=float))
    best = math.inf
    for cuts in itertools.combinations(range(1, len(v)), k - 1):
        bounds = [0, *cuts, len(v)]
        parts = [v[bounds[i]:bounds[i + 1]] for i in range(k)]
        if any(p[-1] == q[0] for p, q in zip(parts, parts[1:], strict=False)):
            continue                              # equal values cannot be split between classes
        best = min(best, sum(((p - p.mean()) ** 2).sum() for p in parts))
    return best


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=4, max_size=10), st.integers(2, 4))
def test_natural_breaks_are_optimal(values, k):
    if len(set(values)) < k:
        return
    breaks = jenks_breaks(values, k)
    assert within_class_ssd(values, breaks) == pytest.approx(_brute_force_ssd(values, k), abs=1e-6)


def test_natural_breaks_beat_the_other_methods_on_clustered_data():
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(m, 1.0, 200) for m in (10, 25, 60)])
    scores = {m: within_class_ssd(values, classify(values, m, 3)) for m in METHODS}
    assert scores["jenks"] <= min(scores.values()) + 1e-6


def test_natural_breaks_stay_fast_on_many_distinct_values():
    values = np.random.default_rng(1).normal(30, 10, 5000)
    breaks = jenks_breaks(values, 7)
    assert len(breaks) == 8 and breaks[0] == values.min() and breaks[-1] == values.max()


# --- colours and legend ---------------------------------------------------------------------------

def test_the_darkest_colour_is_the_least_favourable_situation():
    assert palette("higher_worse", 5) == ORRD[5]                         # high values dark
    assert palette("higher_better", 5) == list(reversed(ORRD[5]))       # low values dark
    assert palette("neutral", 5) == BLUES[5]
    assert palette("neutral", 12) == BLUES[7] and palette("neutral", 1) == BLUES[3]
    assert rgba("#b30000") == [179, 0, 0, 230]


def test_french_legend_with_counts_secret_and_missing():
    items = legend(RATE, [20.0, 25.5, 1234.25], ["#fee8c8", "#e34a33"], [3, 4], secret=1, missing=2)
    assert [i.label for i in items] == ["de 20,0 à 25,5\u00a0%", "de 25,5 à 1\u202f234,2\u00a0%",
                                        "s : secret statistique", "pas de donnée (contour seul)"]
    assert [i.count for i in items] == [3, 4, 1, 2]
    assert items[2].colour == SECRET_COLOUR and items[3].colour == MISSING_COLOUR


# --- geometry -------------------------------------------------------------------------------------

def test_simplification_keeps_a_closed_ring_close_to_the_original():
    angles = np.linspace(0, 2 * np.pi, 401)
    ring = [[2 + 0.01 * math.cos(a) * (1 + 0.0005 * math.sin(50 * a)), 45 + 0.01 * math.sin(a)] for a in angles]
    ring[-1] = ring[0]
    simplified = simplify_ring(ring, 0.0002)
    assert 8 <= len(simplified) < len(ring) / 4
    assert simplified[0] == simplified[-1]
    # every original vertex lies within the tolerance of the simplified outline (radius check)
    radii = [math.hypot(x - 2, y - 45) for x, y in simplified]
    assert min(radii) > 0.0097 and max(radii) < 0.0103


def test_small_rings_are_kept_and_rings_never_collapse_below_a_triangle():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    assert simplify_ring(square, 10) == square
    circle = [[math.cos(a), math.sin(a)] for a in np.linspace(0, 2 * np.pi, 60)]
    circle[-1] = circle[0]
    collapsed = simplify_ring(circle, 100)
    assert len(collapsed) == 4 and collapsed[0] == collapsed[-1]
    triangle_like = simplify_ring([[0, 0], [1, 0], [1, 1e-9], [0.5, 1e-9], [0, 1e-9], [0, 0]], 1)
    assert len(triangle_like) >= 4 and triangle_like[0] == triangle_like[-1]


def test_geometries_are_simplified_once_and_bounded(cur):
    shapes = load_geometries(cur, "quartier")
    assert len(shapes.shapes) == 14
    assert shapes.vertices_after < shapes.vertices_before                # QC05 has 401 vertices
    assert len(shapes.shapes["QC05"]["coordinates"][0]) < 100
    assert shapes.bounds["QC01"] == pytest.approx((2.05, 45.05, 2.2, 45.2))
    communes = outlines(load_geometries(cur, "commune"))
    assert len(communes["features"]) == 1                          # one feature of lines: fast to draw
    assert communes["features"][0]["geometry"]["type"] == "MultiLineString"
    assert len(communes["features"][0]["geometry"]["coordinates"]) == 6


def test_simplified_quartiers_stay_valid_polygons(cur):
    import shapely.geometry

    shapes = load_geometries(cur, "quartier").shapes
    assert all(shapely.geometry.shape(shape).is_valid for shape in shapes.values())


def test_the_point_inside_a_concave_quartier_is_inside_it_unlike_its_centroid():
    import shapely.geometry

    # A C-shaped quartier opening to the east: its centroid falls in the gap, outside the quartier.
    c_shape = {"type": "Polygon", "coordinates": [[[2.0, 45.0], [2.03, 45.0], [2.03, 45.005], [2.005, 45.005],
                                                   [2.005, 45.025], [2.03, 45.025], [2.03, 45.03], [2.0, 45.03],
                                                   [2.0, 45.0]]]}
    polygon = shapely.geometry.shape(c_shape)
    assert not polygon.contains(polygon.centroid)
    lon, lat = point_inside(c_shape)
    assert polygon.contains(shapely.geometry.Point(lon, lat))
    multi = {"type": "MultiPolygon", "coordinates": [c_shape["coordinates"]]}
    assert polygon.contains(shapely.geometry.Point(*point_inside(multi)))
    assert point_inside({"type": "Polygon", "coordinates": []}) is None


def test_view_shows_the_whole_box():
    view = view_for((2.0, 45.0, 3.5, 46.0))
    assert view["longitude"] == pytest.approx(2.75) and view["latitude"] == pytest.approx(45.5)
    assert 7 < view["zoom"] < 9
    assert view_for(None)["zoom"] < 6


# --- the choropleth -------------------------------------------------------------------------------

def test_choropleth_features_colours_and_tooltip_fields(cur):
    choro = build_choropleth(cur, "taux_pauvrete", "jenks", 4, vintage=2024)
    features = {f["properties"]["code"]: f for f in choro.features["features"]}
    assert len(features) == 12 and choro.period == "2021"
    props = features["QC03"]["properties"]
    assert set(props) == {"code", "nom", "commune", "valeur", "fill"}
    assert props["nom"] == "Les Jumeaux A" and props["commune"] == "Beta-Bourg"
    assert tooltip_html(choro) == ("<b>{nom}</b><br/>{commune}<br/>Taux de pauvreté (seuil à 60 %) : "
                                   "<b>{valeur}</b><br/>2021")
    assert props["valeur"] == f"{latest_figures()['QC03']['taux_pauvrete']:.1f}".replace(".", ",") + "\u00a0%"
    secret = features["QC11"]["properties"]
    assert secret["fill"] == rgba(SECRET_COLOUR) and "s" in secret["valeur"] and "," not in secret["valeur"]
    # the highest poverty rate is in the darkest class (poverty: higher is worse)
    figures = latest_figures()
    code = max((c for c in figures if c.startswith("QC") and c != "QC11"), key=lambda c: figures[c]["taux_pauvrete"])
    assert features[code]["properties"]["fill"] == rgba(ORRD[4][-1])
    assert sum(i.count for i in choro.legend) == 12
    json.dumps(choro.features)                                           # serialisable as is


def test_choropleth_of_a_higher_better_indicator_with_missing_data(cur):
    choro = build_choropleth(cur, "revenu_median_uc", "quantiles", 3, vintage=2024)
    features = {f["properties"]["code"]: f["properties"] for f in choro.features["features"]}
    assert features["QC12"]["fill"][3] == 0 and features["QC12"]["valeur"] == "pas de donnée"
    lowest = min((c for c in features if c != "QC12"), key=lambda c: latest_figures()[c]["revenu_median_uc"])
    assert features[lowest]["fill"] == rgba(ORRD[3][-1])                  # low income = darkest
    assert choro.note.startswith("Plus la couleur est foncée, moins la situation")
    table = choro.table.set_index("Code")
    assert table.loc["QC12", "Valeur"] is None and table.loc["QC03", "Classe"].startswith("de ")


def test_every_vintage_and_unknown_indicator(cur):
    assert len(build_choropleth(cur, "taux_pauvrete").features["features"]) == 14
    with pytest.raises(DQError, match="Indicateur inconnu"):
        build_choropleth(cur, "nope")


def test_the_tooltip_template_escapes_labels_and_their_braces(cur):
    choro = build_choropleth(cur, "taux_pauvrete")
    choro.indicator = choro.indicator.__class__(**{**choro.indicator.__dict__, "label": "<b>{nom}</b> & co"})
    assert "&lt;b&gt;&#123;nom&#125;&lt;/b&gt; &amp; co" in tooltip_html(choro)


def test_a_box_around_a_quartier_shows_its_neighbours():
    box = around((2.0, 45.0, 2.01, 45.01), km=6)
    assert box[0] < 2.0 and box[2] > 2.01 and (box[3] - box[1]) == pytest.approx(6 / 111, rel=0.01)
    assert 11 < view_for(box)["zoom"] < 13


def test_indicator_choices_name_each_indicator_alone():
    """Carte's indicator list: names only (a domain in every label outranked name matches in the
    search box), a domain only to tell two indicators of the same name apart."""
    base = Indicator("a", "Taux de pauvreté", "revenus", "%", "rate", "higher_worse", "Insee", "Filosofi", "")
    same_name = Indicator("b", "Taux de pauvreté", "logement", "%", "rate", "higher_worse", "Insee", "RP", "")
    other = Indicator("c", "Allocataires de la Caf", "revenus", "foyers", "count", "neutral", "Cnaf", "Caf", "")
    domains = {"revenus": "Revenus et pauvreté", "logement": "Logement"}
    assert indicator_choices([base, other], domains) == {"a": "Taux de pauvreté",
                                                              "c": "Allocataires de la Caf"}
    assert indicator_choices([base, same_name, other], domains) == {
        "a": "Taux de pauvreté (Revenus et pauvreté)", "b": "Taux de pauvreté (Logement)",
        "c": "Allocataires de la Caf"}
