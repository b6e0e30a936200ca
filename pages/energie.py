"""Énergie: consumption per dwelling of the quartier and its residences (measured and climate-corrected),
alerts, energy burden, price scenario, targeting list and its export, the price table and the methods."""

import streamlit as st

from dq_core import fmt, french
from dq_core.energy import display, settings
from dq_core.energy.targeting import score_text
from dq_core.errors import DQError
from ui import cache, energy_parts, first_steps, frame, state, url
from ui.render import energy_charts, tables
from ui.render.text import plain

frame.require_app()
key = state.data_key()
code = first_steps.quartier_or_stop(st.session_state.get(frame.QUARTIER_KEY))
st.title("Énergie")

ENERGY = url.UrlState("energie_energie", "energie", settings.ENERGIES, "electricite",
                      kind=french.Noun("énergie", feminine=True))
RISE = url.UrlState("energie_hausse", "hausse", [str(n) for n in energy_parts.RISES], energy_parts.DEFAULT_RISE,
                    parse=int, dump=lambda v: None if v == energy_parts.DEFAULT_RISE else str(v), kind=None)
url.bind(ENERGY, RISE)

try:
    view = energy_parts.view_with_data(key, code, ENERGY.value)
except DQError as exc:
    frame.show_error(exc)
    st.stop()

st.caption(energy_parts.intro(view))
if not view.energies:
    energy_parts.no_energy_data(view)
    energy_parts.prices_section(key, folded=False)
    energy_parts.methods_section(view, key)
    st.stop()

if view.energy != ENERGY.value:                  # no data here for the link's energy: the first one that has
    st.session_state[ENERGY.key] = view.energy
controls = st.columns([2, 2, 2], vertical_alignment="bottom")
controls[0].segmented_control("Énergie", list(view.energies), key=ENERGY.key, required=True,
                              format_func=display.energy_label, on_change=ENERGY.write)
measures = controls[1].segmented_control("Consommation par logement", list(energy_parts.MEASURE_CHOICES),
                                         key="energie_mesure", default="both", required=True, format_func=energy_parts.MEASURE_CHOICES.get,
                                         disabled=view.zone is None,
                                         help="Mesurée, ou corrigée du climat : ramenée aux degrés-jours de l'année de "
                                         "référence (voir « Méthodes » en bas de page).")
span = controls[2].selectbox("Période affichée", list(energy_parts.SPANS), key="energie_periode",
                             format_func=energy_parts.SPANS.get)
url.write(ENERGY, RISE)
if view.climate_note:
    st.info(plain(view.climate_note), icon=":material/thermostat:")

headline = display.headlines(view)
for column, line in zip(st.columns(len(headline) or 1), headline, strict=False):
    column.metric(line.label, line.value, delta=fmt.ascii_sign(line.delta) if line.delta else None,
                  delta_color="inverse", help=plain(line.help))

# --- the chart ---------------------------------------------------------------------------------------
st.subheader("Consommation par logement, mois par mois", anchor="consommation")
chart_frame = view.frame()
choices = energy_parts.series_choices(view)
shown = st.multiselect("Courbes", list(choices), default=energy_parts.default_series(view),
                       key=f"energie_courbes_{code}_{view.energy}", format_func=choices.get, placeholder="Choisissez le quartier, ses résidences, ses références",
                       select_all=False)
since = energy_parts.since(view, span)
wanted = energy_parts.MEASURES_OF[measures or "both"]
if view.zone is None:
    wanted = ("raw",)
drawn = energy_charts.consumption_frame(chart_frame, shown, wanted, since)
energy_label = settings.ENERGY_LABELS.get(view.energy, view.energy)
if drawn.empty:
    st.info("Aucune valeur à tracer pour ces courbes (valeurs secrètes ou non mesurées).")
else:
    st.altair_chart(energy_charts.consumption_chart(drawn, shown, energy_label), width="stretch")
    st.caption(energy_parts.chart_key(view, wanted))
if view.zone is not None and chart_frame["dju"].notna().any():
    with st.expander(f"Degrés-jours utilisés ({plain(view.zone_name or view.zone)})", icon=":material/thermostat:"):
        st.altair_chart(energy_charts.degree_days_chart(chart_frame, since), width="stretch")
        st.caption(f"Barres : degrés-jours unifiés (DJU, base 18 °C) de chaque mois ; ligne : ceux de l'"
                   f"{plain(view.reference_label)}, auxquels la consommation corrigée est ramenée.")

# --- residences ------------------------------------------------------------------------------------
st.subheader("Résidences du quartier", anchor="residences")
energy_parts.residences_section(view)

# --- alerts --------------------------------------------------------------------------------------------
st.subheader("Alertes", anchor="alertes")
energy_parts.alerts_section(view, key)

# --- burden and scenario ---------------------------------------------------------------------------
st.subheader("Précarité énergétique et scénario de prix", anchor="precarite")
energy_parts.burden_section(view)
rise = st.select_slider("Si les prix de l'énergie augmentent de… (%)", options=energy_parts.RISES,
                        key=RISE.key, on_change=RISE.write, format_func=lambda n: f"{n:+d} %".replace("-", "−"),
                        help="Par exemple à la fin d'un bouclier tarifaire : tous les prix (kWh et abonnement) du "
                        "tableau des prix augmentent d'autant ; la consommation des 12 derniers mois est gardée.")
scenario = cache.energy_scenario(key, float(rise))
energy_parts.scenario_section(scenario, view)

# --- targeting list ----------------------------------------------------------------------------------
st.subheader("Liste de ciblage", anchor="ciblage")
st.caption(plain(score_text()))
everywhere = st.toggle("Toutes les résidences de l'espace de travail (pas seulement ce quartier)",
                       key="energie_ciblage_tous")
energy_parts.targeting_section(view, key, everywhere, scenario)

st.divider()
energy_parts.prices_section(key)
energy_parts.methods_section(view, key, scenario)
st.html(tables.STYLE)
