"""Catalogue des indicateurs: definitions, units, sources, coverage, caveats, and the glossary."""

import streamlit as st

from dq_core import fmt
from dq_core.store.glossary import GLOSSARY
from ui import cache, frame, state
from ui.render.text import plain

KIND_LABELS = {"count": "effectif", "rate": "taux", "ratio": "rapport", "mean": "moyenne",
               "median": "médiane (ne s'additionne pas)", "index": "indice (ne s'additionne pas)"}
DIRECTION_LABELS = {"higher_better": "une valeur plus haute est plus favorable",
                    "higher_worse": "une valeur plus haute est moins favorable",
                    "neutral": "ni favorable ni défavorable en soi"}

frame.require_app()
st.title("Catalogue des indicateurs")
coverage = cache.coverage(state.data_key())
st.caption(f"{len(coverage)} indicateurs. Chaque chiffre de l'application renvoie à l'une de ces définitions.")

left, right = st.columns([2, 1])
search = left.text_input("Rechercher", placeholder="pauvreté, logement, Caf…").strip().lower()
domain = right.selectbox("Domaine", ["Tous les domaines", *dict.fromkeys(coverage["domain"])])
shown = coverage if domain == "Tous les domaines" else coverage[coverage["domain"] == domain]
if search:
    text = (shown["label"] + " " + shown["definition"] + " " + shown["producer"] + " " + shown["dataset"])
    shown = shown[text.str.lower().str.contains(search, regex=False)]
if shown.empty:
    st.info("Aucun indicateur ne correspond à cette recherche.")

for row in shown.itertuples(index=False):
    periods = (f"de {fmt.period(row.first_period)} à {fmt.period(row.last_period)}" if isinstance(row.first_period, str)
               else "aucune donnée dans cette base")
    with st.container(border=True):
        st.markdown(f"**{plain(row.label)}** · {plain(row.domain)} · `{row.id.replace('`', '')}`  \n"
                    f"{plain(row.definition)}")
        st.caption(
            f"Unité : {plain(row.unit)} · Nature : {KIND_LABELS.get(row.kind, row.kind)} · "
            f"Sens : {DIRECTION_LABELS.get(row.direction, row.direction)}  \n"
            f"Source : {plain(row.producer)}, {plain(row.dataset)} · Périodes : {periods} · "
            f"{fmt.number(row.quartiers, 0)} quartiers couverts"
            + (f"  \nSecret statistique : {plain(row.secret_rule)}" if row.secret_rule.strip() else "")
            + (f"  \n**Précaution** : {plain(row.caveat)}" if row.caveat.strip() else ""))

st.header("Glossaire")
for term, definition in GLOSSARY.items():
    st.markdown(f"**{term}** — {definition}")
