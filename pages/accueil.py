"""Accueil: what the app is for, which workspace is open, what it holds, where to start."""

import streamlit as st

from dq_core import fmt
from ui import cache, first_steps, frame, state
from ui.render.text import code as code_span
from ui.render.text import plain

frame.require_app()
summary = cache.summary(state.data_key())

st.title("Data & Quartiers")
st.markdown(
    "Les chiffres des **quartiers prioritaires de la politique de la ville** : choisissez un quartier, "
    "suivez ses indicateurs dans le temps et comparez-le à sa commune, son agglomération, son "
    "département, sa région, la France et l'ensemble des quartiers.  \n"
    "Tout fonctionne sur cet ordinateur, sans connexion : les données restent chez vous.")

st.subheader("Espace de travail ouvert")
kind = ("la **démonstration** : territoires et chiffres **fictifs**, pour apprendre à se servir de "
        "l'outil" if summary.demo else "**vos données**")
st.markdown(f"« {plain(state.workspace_label())} » — {kind}.  \nFichier : {code_span(state.workspace_path())}")
cols = st.columns(4)
cols[0].metric("Quartiers", fmt.number(summary.quartiers, 0))
cols[1].metric("Communes", fmt.number(summary.communes, 0))
cols[2].metric("Indicateurs", fmt.number(summary.indicators, 0))
cols[3].metric("Observations", fmt.number(summary.observations, 0))

st.subheader("Par où commencer")
if not summary.quartiers:
    first_steps.empty_workspace()
code = st.session_state.get(frame.QUARTIER_KEY)
if code:
    st.page_link("pages/fiche.py", label="Ouvrir la fiche du quartier choisi dans le menu de gauche",
                 icon=":material/description:", query_params={"quartier": code})
st.page_link("pages/catalogue.py", label="Voir le catalogue des indicateurs et le glossaire",
             icon=":material/menu_book:")

st.subheader("Sources des données")
rows = [{"Producteur": s.producer, "Source": s.dataset, "Indicateurs": s.indicators,
         "Première période": fmt.period(s.first_period) if s.first_period else "–",
         "Dernière période": fmt.period(s.last_period) if s.last_period else "–",
         "Mise à jour": fmt.date_fr(s.updated_at) if s.updated_at else "–"} for s in summary.sources]
if rows:
    st.dataframe(rows, hide_index=True, width="stretch")
else:
    st.caption("Aucune donnée pour l'instant : les sources apparaîtront ici après le premier import.")
