"""Catalogue des indicateurs: definitions, units, sources, coverage, caveats, and the glossary."""

import streamlit as st

from dq_core import fmt
from dq_core.glossary import GLOSSARY
from ui import frame, state

frame.require_app()
st.title("Catalogue des indicateurs")
coverage = state.coverage(state.data_key())
KIND_LABELS = {"count": "effectif", "rate": "taux", "ratio": "rapport", "mean": "moyenne",
               "median": "médiane", "index": "indice"}
DIRECTION_LABELS = {"higher_better": "plus c'est haut, mieux c'est",
                    "higher_worse": "plus c'est haut, moins c'est favorable", "neutral": "neutre"}

domains = ["Tous"] + list(dict.fromkeys(coverage["domain"]))
domain = st.selectbox("Domaine", domains)
shown = coverage if domain == "Tous" else coverage[coverage["domain"] == domain]
table = shown.assign(
    kind=shown["kind"].map(KIND_LABELS),
    direction=shown["direction"].map(DIRECTION_LABELS),
    periods=[f"{fmt.period(a)} – {fmt.period(b)}" if a else "aucune donnée"
             for a, b in zip(shown["first_period"], shown["last_period"], strict=True)],
)[["label", "domain", "unit", "kind", "direction", "producer", "dataset", "definition", "periods",
   "quartiers", "caveat", "secret_rule", "id"]]
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "label": st.column_config.TextColumn("Indicateur", width="medium"),
    "domain": "Domaine", "unit": "Unité", "kind": "Nature", "direction": "Sens",
    "producer": "Producteur", "dataset": "Source", "definition": st.column_config.TextColumn(
        "Définition", width="large"),
    "periods": "Périodes", "quartiers": st.column_config.NumberColumn("Quartiers couverts"),
    "caveat": "Précautions", "secret_rule": "Secret statistique", "id": "Identifiant"})

st.header("Glossaire")
for term, definition in GLOSSARY.items():
    st.markdown(f"**{term}** — {definition}")
