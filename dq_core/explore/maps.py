"""Carte: choropleth GeoJSON of an indicator over every quartier, with its classes and French legend.

Colours are computed here (tested, legend-consistent), not in the browser: each feature carries its
`fill` RGBA and preformatted French tooltip fields (name, commune, value; the indicator and the
period, the same for every quartier, are in `tooltip_html`). Palettes are ColorBrewer sequential schemes, safe
for colour-blind readers; the darkest class is always the least favourable situation when the
indicator has a direction (`higher_worse`: high values dark; `higher_better`: low values dark), the
highest values otherwise. Secret cells are grey and never carry a value; quartiers without data are
drawn as an outline only. Geometry is simplified once per workspace (shapely's topology-preserving
Douglas–Peucker) and reused.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import shapely
import shapely.errors
import shapely.geometry

from dq_core import fmt, french
from dq_core.errors import DQError
from dq_core.explore.compare import LatestStore, Places, latest_values, quartier_places
from dq_core.explore.sources import stored_sources
from dq_core.store.catalogue import Indicator, load_indicators

METHODS = {
    "quantiles": "Quantiles (autant de quartiers par classe)",
    "intervalles": "Intervalles égaux",
    "jenks": "Seuils naturels (Jenks)",
}
DEFAULT_METHOD = "quantiles"
MIN_CLASSES, MAX_CLASSES, DEFAULT_CLASSES = 3, 7, 5
DEFAULT_TOLERANCE = 0.0002          # degrees (about 20 m): invisible at the scale of a quartier map
COORD_DECIMALS = 5                  # about 1 m
SMALL_RING = 24                     # rings with fewer vertices are kept as they are (rounded)

# ColorBrewer sequential schemes (Cynthia Brewer, Apache-2.0), light → dark, all colour-blind safe.
ORRD = {
    3: ["#fee8c8", "#fdbb84", "#e34a33"],
    4: ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"],
    5: ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"],
    6: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"],
    7: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"],
}
BLUES = {
    3: ["#deebf7", "#9ecae1", "#3182bd"],
    4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
    5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
    6: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
    7: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"],
}
SECRET_COLOUR = "#9e9e9e"
MISSING_COLOUR = "#ffffff"
FILL_ALPHA = 230


# --- classification -------------------------------------------------------------------------------

def indicator_choices(indicators: list[Indicator], domains: dict[str, str]) -> dict[str, str]:
    """{id: what the indicator list shows}: the indicator's name alone, so that typing « pauvret »
    finds the poverty rate first — a domain in every label would match too, and the search box ranks
    equal matches by length (« Allocataires de la Caf · Revenus et pauvreté » came first). Two
    indicators of the same name are told apart by their domain."""
    counts: dict[str, int] = {}
    for ind in indicators:
        counts[ind.label] = counts.get(ind.label, 0) + 1
    return {ind.id: ind.label if counts[ind.label] == 1 else f"{ind.label} ({domains.get(ind.domain, ind.domain)})"
            for ind in indicators}


def classify(values, method: str = DEFAULT_METHOD, k: int = DEFAULT_CLASSES) -> list[float]:
    """Class breaks [min, b1, …, max] (at most k classes; fewer when values are too few or tied).
    A value v falls in class i when breaks[i] < v <= breaks[i+1] (the first class includes its minimum)."""
    if method not in METHODS:
        raise DQError(f"Méthode de classement inconnue : « {method} » (possibles : {', '.join(METHODS)}).")
    v = np.asarray([x for x in values if x is not None and not (isinstance(x, float) and math.isnan(x))],
                   dtype=float)
    if v.size == 0:
        return []
    k = max(1, min(int(k), MAX_CLASSES))
    low, high = float(v.min()), float(v.max())
    if low == high:
        return [low, high]
    if method == "intervalles":
        breaks = list(np.linspace(low, high, k + 1))
    elif method == "quantiles":
        breaks = list(np.quantile(v, np.linspace(0, 1, k + 1)))
    else:
        breaks = jenks_breaks(v, k)
    breaks[0], breaks[-1] = low, high
    return _dedupe([float(b) for b in breaks])


def _dedupe(breaks: list[float]) -> list[float]:
    out = [breaks[0]]
    for b in breaks[1:]:
        if b > out[-1]:
            out.append(b)
    return out if len(out) > 1 else [breaks[0], breaks[0]]


def jenks_breaks(values, k: int, max_levels: int = 600) -> list[float]:
    """Fisher–Jenks natural breaks: the partition of the sorted values into k contiguous classes with
    the smallest total within-class sum of squares (exact dynamic programming on the distinct values
    weighted by their counts). Beyond `max_levels` distinct values, values are first rounded to
    1/`max_levels` of their range — far finer than a legend shows — to keep the map fast."""
    v = np.asarray(values, dtype=float)
    distinct, counts = np.unique(v, return_counts=True)
    if distinct.size > max_levels:
        low, high = float(distinct[0]), float(distinct[-1])
        step = (high - low) / max_levels
        distinct, counts = np.unique(low + np.round((v - low) / step) * step, return_counts=True)
    n = distinct.size
    k = min(k, n)
    if k <= 1:
        return [float(v.min()), float(v.max())]
    w = counts.astype(float)
    s0 = np.concatenate([[0.0], np.cumsum(w)])
    s1 = np.concatenate([[0.0], np.cumsum(w * distinct)])
    s2 = np.concatenate([[0.0], np.cumsum(w * distinct ** 2)])
    ends = np.arange(1, n + 1)
    # cost[e - 1]: smallest sum of squares of distinct[0:e] in the current number of classes.
    cost = np.maximum(s2[1:] - s1[1:] ** 2 / s0[1:], 0.0)
    back = np.zeros((k, n), dtype=int)
    block = max(1, 500_000 // n)
    for m in range(1, k):
        prev = np.concatenate([[np.inf], cost[:-1]])   # prev[s]: best cost of distinct[0:s] in m classes
        new_cost = np.full(n, np.inf)
        for lo in range(0, n, block):
            hi = min(n, lo + block)
            end = ends[lo:hi]                          # the last class covers distinct[start:end]
            start = np.arange(m, hi)                   # at least one value per earlier class
            if start.size == 0:
                continue
            weight = s0[end][:, None] - s0[start][None, :]
            total = s1[end][:, None] - s1[start][None, :]
            squares = s2[end][:, None] - s2[start][None, :]
            valid = start[None, :] < end[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                matrix = prev[start][None, :] + np.maximum(squares - total * total / weight, 0.0)
            matrix[~valid] = np.inf
            best = np.argmin(matrix, axis=1)
            new_cost[lo:hi] = matrix[np.arange(hi - lo), best]
            back[m, lo:hi] = start[best]
        cost = new_cost
    # Walk back from the last value: back[m, end - 1] is where the (m+1)-th class starts.
    uppers = []
    end = n
    for m in range(k - 1, 0, -1):
        start = back[m, end - 1]
        uppers.append(float(distinct[start - 1]))
        end = start
    return [float(v.min()), *reversed(uppers), float(v.max())]


def class_of(values, breaks: list[float]) -> np.ndarray:
    """Class index of each value (-1 for NaN)."""
    v = np.asarray(values, dtype=float)
    if len(breaks) < 2:
        return np.where(np.isnan(v), -1, 0)
    index = np.searchsorted(np.asarray(breaks[1:-1]), v, side="left")
    return np.where(np.isnan(v), -1, index)


def within_class_ssd(values, breaks: list[float]) -> float:
    """Total within-class sum of squares of a classification (to compare methods)."""
    v = np.asarray(values, dtype=float)
    classes = class_of(v, breaks)
    return float(sum(((v[classes == c] - v[classes == c].mean()) ** 2).sum() for c in set(classes) if c >= 0))


# --- colours and legend ---------------------------------------------------------------------------

def palette(direction: str, k: int) -> list[str]:
    """k colours for classes from the lowest to the highest values (hex)."""
    k = max(MIN_CLASSES, min(k, MAX_CLASSES))
    if direction == "higher_worse":
        return list(ORRD[k])
    if direction == "higher_better":
        return list(reversed(ORRD[k]))
    return list(BLUES[k])


def colours_for(direction: str, n_classes: int) -> list[str]:
    """Colours for n classes (1 or 2 classes take the ends of the 3-class scheme)."""
    if n_classes >= MIN_CLASSES:
        return palette(direction, n_classes)
    three = palette(direction, 3)
    return [three[0], three[2]][:n_classes] if n_classes == 2 else [three[1]]


def rgba(hex_colour: str, alpha: int = FILL_ALPHA) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha]


def reading_note(direction: str) -> str:
    if direction in ("higher_worse", "higher_better"):
        return "Plus la couleur est foncée, moins la situation est favorable."
    return "Plus la couleur est foncée, plus la valeur est élevée (indicateur sans sens favorable)."


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str                      # hex
    count: int


def legend(indicator: Indicator, breaks: list[float], colours: list[str], counts: list[int],
           secret: int, missing: int) -> list[LegendItem]:
    """French legend lines, lowest values first, then secret and missing counts."""
    unit, decimals = indicator.unit, indicator.decimals
    items = []
    for i, colour in enumerate(colours):
        low, high = breaks[i], breaks[i + 1] if i + 1 < len(breaks) else breaks[i]
        if low == high:
            label = fmt.value(low, unit, decimals)
        else:
            label = f"de {fmt.number(low, decimals)} à {fmt.value(high, unit, decimals)}"
        items.append(LegendItem(label, colour, counts[i]))
    if secret:
        items.append(LegendItem("s : secret statistique", SECRET_COLOUR, secret))
    if missing:
        items.append(LegendItem("pas de donnée (contour seul)", MISSING_COLOUR, missing))
    return items


# --- geometry -------------------------------------------------------------------------------------

def simplify_polygon(rings, tolerance: float) -> list[list[list[float]]]:
    """Outer ring and holes of one polygon simplified together (shapely's topology-preserving
    Douglas–Peucker: a valid polygon stays valid, each ring keeps at least a triangle and its
    closure), coordinates rounded to about a metre."""
    if tolerance <= 0 or all(len(ring) <= SMALL_RING for ring in rings):
        # Nothing to gain on a handful of vertices: round them (plain Python is faster here).
        return [_rounded(ring) for ring in rings]
    try:
        simplified = shapely.simplify(shapely.Polygon(rings[0], rings[1:]), tolerance, preserve_topology=True)
    except (ValueError, shapely.errors.GEOSException):
        simplified = None                # a malformed ring (too few points…) is drawn as it is
    if simplified is None or simplified.is_empty or simplified.geom_type != "Polygon":
        return [_rounded(ring) for ring in rings]
    return [np.round(np.asarray(ring.coords)[:, :2], COORD_DECIMALS).tolist()
            for ring in (simplified.exterior, *simplified.interiors)]


def simplify_ring(ring, tolerance: float) -> list[list[float]]:
    """One closed ring simplified as a polygon without holes (see simplify_polygon)."""
    return simplify_polygon([ring], tolerance)[0]


def _rounded(ring) -> list[list[float]]:
    return [[round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)] for x, y, *_ in ring]


def simplify_geometry(geometry: dict, tolerance: float = DEFAULT_TOLERANCE) -> dict:
    kind = geometry.get("type")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": simplify_polygon(geometry["coordinates"], tolerance)}
    if kind == "MultiPolygon":
        return {"type": "MultiPolygon",
                "coordinates": [simplify_polygon(poly, tolerance) for poly in geometry["coordinates"] if poly]}
    return geometry


@dataclass
class Geometries:
    """Simplified shapes of one level of territories, parsed once per workspace."""
    shapes: dict[str, dict]
    bounds: dict[str, tuple[float, float, float, float]]
    vertices_before: int = 0
    vertices_after: int = 0


def load_geometries(cur: duckdb.DuckDBPyConnection, level: str, tolerance: float = DEFAULT_TOLERANCE
                    ) -> Geometries:
    shapes, bounds = {}, {}
    before = after = 0
    for code, text in cur.execute("SELECT code, geometry FROM territory WHERE level = ? AND geometry IS NOT NULL "
                                  "ORDER BY code", [level]).fetchall():
        try:
            geometry = json.loads(text)
        except (TypeError, ValueError):
            continue                     # an unreadable shape is left off the map, not fatal
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        simplified = simplify_geometry(geometry, tolerance)
        rings = _rings(simplified)
        before += sum(len(r) for r in _rings(geometry))
        after += sum(len(r) for r in rings)
        shapes[code] = simplified
        xs = [p[0] for r in rings for p in r]
        ys = [p[1] for r in rings for p in r]
        if xs:
            bounds[code] = (min(xs), min(ys), max(xs), max(ys))
    return Geometries(shapes, bounds, before, after)


def _rings(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def outlines(geometries: Geometries) -> dict:
    """The outlines (communes) as a FeatureCollection of one MultiLineString: context under the
    quartiers, never picked, so one feature of lines is enough — a browser draws it much faster than
    a thousand filled polygons (deck.gl's work grows with features and triangles)."""
    lines = []
    for shape in geometries.shapes.values():
        polygons = [shape["coordinates"]] if shape["type"] == "Polygon" else shape["coordinates"]
        lines += [polygon[0] for polygon in polygons if polygon]          # outer rings
    if not lines:
        return {"type": "FeatureCollection", "features": []}
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "MultiLineString", "coordinates": lines}}]}


def view_for(bounds: tuple[float, float, float, float] | None, width_px: int = 640, height_px: int = 520
             ) -> dict:
    """Longitude, latitude and zoom that show the whole bounding box (Web Mercator)."""
    if bounds is None:
        return {"longitude": 2.5, "latitude": 46.5, "zoom": 4.8}
    min_lon, min_lat, max_lon, max_lat = bounds
    lon, lat = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2

    def merc(y):
        return math.log(math.tan(math.pi / 4 + math.radians(y) / 2))

    span_lon = max(max_lon - min_lon, 1e-4) * 1.15
    span_merc = max(merc(max_lat) - merc(min_lat), 1e-6) * 1.15
    zoom_lon = math.log2(360 * width_px / (512 * span_lon))        # deck.gl: the world is 512 px at zoom 0
    zoom_lat = math.log2(2 * math.pi * height_px / (512 * span_merc))
    return {"longitude": lon, "latitude": lat, "zoom": round(max(3.0, min(14.0, zoom_lon, zoom_lat)), 2)}


def around(bounds: tuple[float, float, float, float], km: float = 6.0) -> tuple[float, float, float, float]:
    """A box of about `km` kilometres around a territory (to show a quartier among its neighbours)."""
    west, south, east, north = bounds
    lon, lat = (west + east) / 2, (south + north) / 2
    half_lat = km / 2 / 111.0
    half_lon = half_lat / max(math.cos(math.radians(lat)), 0.1)
    return (min(west, lon - half_lon), min(south, lat - half_lat), max(east, lon + half_lon),
            max(north, lat + half_lat))


def union_bounds(boxes) -> tuple[float, float, float, float] | None:
    boxes = list(boxes)
    if not boxes:
        return None
    arr = np.asarray(boxes, dtype=float)
    return float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max())


# --- the choropleth -------------------------------------------------------------------------------

@dataclass
class Choropleth:
    indicator: Indicator
    period: str | None
    method: str
    breaks: list[float]
    legend: list[LegendItem]
    features: dict                   # GeoJSON FeatureCollection of the quartiers
    table: pd.DataFrame              # one row per quartier shown (see map_table)
    bounds: tuple[float, float, float, float] | None
    note: str
    without_shape: int = 0           # quartiers with a value but no geometry
    messages: list[str] = field(default_factory=list)
    source: str = ""                 # the sources of the figures shown, one line


def build_choropleth(cur: duckdb.DuckDBPyConnection, indicator_id: str, method: str = DEFAULT_METHOD,
                     k: int = DEFAULT_CLASSES, *, vintage: int | None = None,
                     geometries: Geometries | None = None, places: Places | None = None,
                     store: LatestStore | None = None, catalogue: list[Indicator] | None = None) -> Choropleth:
    """The map of one indicator: latest period, every quartier (of one geography vintage if given).
    `geometries`, `places`, `store` and `catalogue` are what the app caches per workspace."""
    catalogue = {i.id: i for i in (catalogue if catalogue is not None else load_indicators(cur))}
    if indicator_id not in catalogue:
        raise DQError(f"Indicateur inconnu : « {indicator_id} ».")
    indicator = catalogue[indicator_id]
    places = places or quartier_places(cur)
    geometries = geometries or load_geometries(cur, "quartier")
    frame = places.frame if vintage is None else places.frame[places.frame["vintage"] == vintage]
    values = latest_values(cur, [indicator_id], list(frame["code"]), store)
    choropleth = assemble_choropleth(indicator, frame, values, geometries, method, k)
    choropleth.source = stored_sources(cur, [indicator], {indicator_id: choropleth.period})[indicator_id]
    return choropleth


def assemble_choropleth(indicator: Indicator, frame: pd.DataFrame, values: pd.DataFrame,
                        geometries: Geometries, method: str, k: int) -> Choropleth:
    if method not in METHODS:
        raise DQError(f"Méthode de classement inconnue : « {method} ».")
    k = max(MIN_CLASSES, min(int(k), MAX_CLASSES))
    cells = values.set_index("territory")
    period = values["period"].iloc[0] if len(values) else None
    codes = frame["code"].to_numpy()
    value = pd.Series(codes).map(cells["value"]).astype(float).to_numpy()
    secret = pd.Series(codes).map(cells["is_secret"]).fillna(False).astype(bool).to_numpy()
    known = value[~np.isnan(value)]
    breaks = classify(known, method, k)
    n_classes = max(len(breaks) - 1, 1) if breaks else 0
    colours = colours_for(indicator.direction, n_classes) if n_classes else []
    classes = class_of(value, breaks) if breaks else np.full(len(codes), -1)
    counts = [int((classes == i).sum()) for i in range(n_classes)]
    missing_mask = np.isnan(value) & ~secret
    items = legend(indicator, breaks, colours, counts, int(secret.sum()), int(missing_mask.sum())) if n_classes \
        else legend(indicator, [], [], [], int(secret.sum()), int(missing_mask.sum()))
    period_label = fmt.period(period) if period else "–"
    features = []
    shown_codes = []
    for i, row in enumerate(frame.itertuples(index=False)):
        shape = geometries.shapes.get(row.code)
        if secret[i]:
            colour, shown = rgba(SECRET_COLOUR), fmt.SECRET_MARK + " (secret statistique)"
        elif np.isnan(value[i]):
            colour, shown = rgba(MISSING_COLOUR, 0), "pas de donnée"
        else:
            colour, shown = rgba(colours[classes[i]]), fmt.value(value[i], indicator.unit, indicator.decimals)
        if shape is None:
            continue
        shown_codes.append(i)
        features.append({"type": "Feature", "geometry": shape, "properties": {
            "code": row.code, "nom": row.name, "commune": row.commune, "valeur": shown, "fill": colour}})
    without_shape = len(frame) - len(shown_codes)
    table = pd.DataFrame({
        "Quartier": frame["name"].to_numpy(), "Code": codes, "Commune": frame["commune"].to_numpy(),
        "Valeur": pd.Series([fmt.SECRET_MARK if s else (None if np.isnan(v) else float(v))
                             for v, s in zip(value, secret, strict=True)], dtype=object),
        "Classe": [items[c].label if c >= 0 and not s else "" for c, s in zip(classes, secret, strict=True)],
    })
    table.attrs["title"] = f"{indicator.label} ({period_label})"
    messages = []
    if without_shape:
        messages.append(f"{french.count(without_shape, 'quartier')} sans contour dans la base : "
                        f"{french.agree(without_shape, 'absent', 'absents')} de la carte, "
                        f"{french.agree(without_shape, 'présent', 'présents')} dans le tableau.")
    bounds = union_bounds(geometries.bounds[c] for c in codes if c in geometries.bounds)
    return Choropleth(indicator, period, method, breaks, items,
                      {"type": "FeatureCollection", "features": features}, table, bounds,
                      reading_note(indicator.direction), without_shape, messages)


def tooltip_html(choropleth: Choropleth) -> str:
    """The deck.gl tooltip template: {nom}, {commune}, {valeur} come from each quartier; the indicator
    and the period are written in, escaped (a label from a partner's file is text, and its braces
    must not be read as placeholders)."""
    def text(value: str) -> str:
        return html.escape(value).replace("{", "&#123;").replace("}", "&#125;")

    period = fmt.period(choropleth.period) if choropleth.period else "pas de donnée"
    return (f"<b>{{nom}}</b><br/>{{commune}}<br/>{text(choropleth.indicator.label)} : <b>{{valeur}}</b>"
            f"<br/>{text(period)}")


def map_table(choropleth: Choropleth) -> pd.DataFrame:
    """The table under the map (and its export): quartier, code, commune, value ("s" if secret), class."""
    return choropleth.table
