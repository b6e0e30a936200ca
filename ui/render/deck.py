"""pydeck glue without Streamlit: the Carte page's map built from dq_core's choropleth."""

from __future__ import annotations

import json

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dq_core.explore import maps

# No basemap: tiles need the network and, from Carto, now a key (STACK-NOTES C15). With no style at
# all, Streamlit's frontend still fetches Carto's style; this value of `mapStyle` is the one it reads
# as "no basemap" (Streamlit 1.67; tests/browser/test_explore_browser.py checks that nothing is requested
# outside 127.0.0.1).
NO_BASEMAP = "__MAP_STYLE__"
TOOLTIP_STYLE = {"backgroundColor": "#ffffff", "color": "#1f2933", "fontSize": "13px",
                 "border": "1px solid #9aa5b1", "padding": "6px"}


class CompactDeck(pdk.Deck):
    """A pydeck Deck serialised without indentation: pydeck indents its JSON, which makes the map of
    every quartier about three times bigger and, through Python's pure-Python indenting encoder,
    several times slower to produce."""

    def to_json(self) -> str:
        return json.dumps(self, default=default_serialize, separators=(",", ":"))


def choropleth_deck(choro: maps.Choropleth, communes: dict, selected: str | None,
                    view_bounds: tuple[float, float, float, float] | None = None) -> CompactDeck:
    """Commune outlines (grey lines), the coloured quartiers (pickable: tooltip and click; a light
    outline, so that the colour of a small quartier still shows at a regional scale), the chosen
    quartier outlined in black. `view_bounds`: what to show first (default: every quartier). Line widths come from `line_width_min_pixels`: with Streamlit 1.67's deck.gl,
    `line_width_units="pixels"` paints the whole canvas in the line colour."""
    commune_layer = pdk.Layer(
        "GeoJsonLayer", communes, id="communes", pickable=False, stroked=True, filled=False,
        get_line_color=[150, 158, 168, 255], line_width_min_pixels=1)
    quartier_layer = pdk.Layer(
        "GeoJsonLayer", choro.features, id="quartiers", pickable=True, auto_highlight=True,
        highlight_color=[26, 90, 150, 120], stroked=True, filled=True, get_fill_color="properties.fill",
        get_line_color=[40, 40, 40, 110], line_width_min_pixels=1)
    own = [f for f in choro.features["features"] if f["properties"]["code"] == selected]
    chosen_layer = pdk.Layer(
        "GeoJsonLayer", {"type": "FeatureCollection", "features": own}, id="choisi", pickable=False,
        stroked=True, filled=False, get_line_color=[0, 0, 0, 255], line_width_min_pixels=3)
    return CompactDeck(layers=[commune_layer, quartier_layer, chosen_layer], map_provider=None,
                       map_style=NO_BASEMAP,
                       tooltip={"html": maps.tooltip_html(choro), "style": TOOLTIP_STYLE},
                       initial_view_state=pdk.ViewState(**maps.view_for(view_bounds or choro.bounds), pitch=0,
                                                        bearing=0))
