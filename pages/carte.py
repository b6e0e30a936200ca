"""Carte: an indicator over every quartier, on commune outlines, offline (no basemap needed)."""

from html import escape

import streamlit as st

from dq_core import fmt, french
from dq_core.errors import DQError
from dq_core.explore import compare, maps
from dq_core.explore.defaults import default_indicator
from dq_core.store.territories import VINTAGE_LABELS
from ui import cache, explore, first_steps, frame, state, url
from ui.render import tables
from ui.render.deck import choropleth_deck
from ui.render.text import plain

frame.require_app()
key = state.data_key()
code = st.session_state.get(frame.QUARTIER_KEY)
st.title("Carte")
code = first_steps.quartier_or_stop(code)

catalogue = {i.id: i for i in cache.indicators(key)}
if not catalogue:
    st.info("Aucun indicateur dans cette base.")
    st.stop()
domains = cache.domains(key)
choices = maps.indicator_choices(list(catalogue.values()), domains)
places = cache.places(key)
row = places.frame[places.frame["code"] == code].iloc[0]
ALL = "toutes"
vintages = [v for v, _ in compare.filter_options(places, compare.Filters())["vintage"]]

# --- view state: URL first, then this session, then defaults ----------------------------------------
CLASS_COUNTS = [str(k) for k in range(maps.MIN_CLASSES, maps.MAX_CLASSES + 1)]
own_vintage = str(int(row["vintage"])) if row["vintage"] == row["vintage"] else ALL
INDICATOR = url.UrlState("map_indicateur", "indicateur", catalogue, default_indicator(catalogue.values()))
METHOD = url.UrlState("map_methode", "methode", maps.METHODS, maps.DEFAULT_METHOD)
CLASSES = url.UrlState("map_classes", "classes", CLASS_COUNTS, str(maps.DEFAULT_CLASSES))
VINTAGE = url.UrlState("map_geographie", "geographie", [*vintages, ALL], own_vintage if own_vintage in vintages else ALL)
ZOOM = url.UrlState("map_cadrage", "cadrage", ["quartier"], False, parse=lambda _: True,
                    dump=lambda on: "quartier" if on else None)
url.bind(INDICATOR, METHOD, CLASSES, VINTAGE, ZOOM)

controls = st.columns([3, 2, 1, 1.4])
controls[0].selectbox("Indicateur", list(catalogue), key="map_indicateur", format_func=choices.get,
                      on_change=INDICATOR.write)
controls[1].selectbox("Classement", list(maps.METHODS), key="map_methode", format_func=maps.METHODS.get,
                      on_change=METHOD.write,
                      help="Quantiles : autant de quartiers dans chaque classe. Intervalles égaux : classes de "
                      "même largeur. Seuils naturels (Jenks) : coupures là où les valeurs se séparent le mieux.")
controls[2].selectbox("Classes", CLASS_COUNTS, key="map_classes", on_change=CLASSES.write)
controls[3].selectbox("Géographie prioritaire", [*vintages, ALL], key="map_geographie",
                      format_func=lambda v: "Toutes" if v == ALL else VINTAGE_LABELS.get(int(v), v).capitalize(),
                      on_change=VINTAGE.write)
st.toggle("Centrer sur le quartier choisi", key="map_cadrage", on_change=ZOOM.write,
          help="Montre le quartier et ses voisins (quelques kilomètres) ; sinon, tous les quartiers.")
url.write(INDICATOR, METHOD, CLASSES, VINTAGE, ZOOM)

indicator_id = INDICATOR.value
try:
    choro = cache.choropleth(key, indicator_id, METHOD.value, int(CLASSES.value),
                               int(VINTAGE.value) if VINTAGE.value != ALL else None)
except DQError as exc:
    frame.show_error(exc)
    st.stop()
ind = choro.indicator

# --- the map --------------------------------------------------------------------------------------
own_shape = cache.geometries(key, "quartier").bounds.get(code)
deck = choropleth_deck(choro, cache.commune_outlines(key), code,
                       maps.around(own_shape) if ZOOM.value and own_shape else None)

map_col, legend_col = st.columns([4, 1.3], gap="medium")
with map_col:
    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map_selection",
                            height=560, alt=f"Carte des quartiers : {ind.label} ({fmt.period(choro.period or '')})")
legend_rows = "".join(
    f"<li><span style='display:inline-block;width:1.1rem;height:0.8rem;margin-right:0.4rem;vertical-align:middle;"
    f"background:{item.colour};border:1px solid #555'></span>{escape(item.label)} "
    f"<span style='color:#666'>({fmt.number(item.count, 0)})</span></li>" for item in choro.legend)
legend_col.html(
    f"<div style='font-size:0.86rem'><b>{escape(ind.label)}</b><br><span style='color:#555'>"
    f"{escape(domains.get(ind.domain, ind.domain))} · "
    f"{escape(fmt.period(choro.period) if choro.period else 'pas de donnée')} · "
    f"{escape(maps.METHODS[choro.method].split(' (')[0].lower())}</span>"
    f"<ul style='list-style:none;padding-left:0;margin-top:0.5rem'>{legend_rows}</ul>"
    f"<p style='color:#555'>{escape(choro.note)} Le quartier choisi est cerné de noir"
    f"{' ; les limites des communes sont en gris' if cache.commune_outlines(key)['features'] else ''}.</p>"
    f"<p style='color:#555'>Cliquez sur un quartier pour le choisir.</p>"
    f"<p style='color:#555;font-size:0.8rem'>Source : {escape(choro.source)}.</p></div>")

# A click selects the quartier (it becomes the quartier of every page) and offers its fiche. The
# selection stays in the widget after the click, so act only on a new one.
picked = None
objects = (event.selection or {}).get("objects", {}) if event is not None else {}
if objects.get("quartiers"):
    picked = (objects["quartiers"][0].get("properties") or {}).get("code")
if picked and picked != st.session_state.get("map_last_pick"):
    st.session_state["map_last_pick"] = picked
    if picked != code and picked in set(places.frame["code"]):
        st.query_params["quartier"] = picked
        st.rerun()
name = row["name"]
with map_col:
    st.page_link("pages/fiche.py", label=f"Ouvrir la fiche {plain(french.of(name))}", icon=":material/description:",
                 query_params={"quartier": code})
for message in choro.messages:
    st.caption(plain(message))

explore.page_links("carte", [indicator_id])

# The table of 1,600 quartiers costs a few tenths of a second to send: built only when asked for.
if st.toggle(f"Afficher le tableau des valeurs ({fmt.number(len(choro.table), 0)} quartiers)", key="map_tableau"):
    table = maps.map_table(choro)
    st.dataframe(tables.styled(table, {"Valeur": ind.decimals}, highlight_code=code), hide_index=True, placeholder=tables.MISSING,
                 width="stretch", height=min(38 + 35 * len(table), 420),
                 column_config={"Quartier": st.column_config.TextColumn(pinned=True)})
