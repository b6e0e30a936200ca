"""Fiche quartier: every indicator of every domain, its changes and the six references."""

import streamlit as st

from dq_core import fmt
from dq_core.errors import DQError
from dq_core.territories import REFERENCE_LABELS, VINTAGE_LABELS
from ui import fiche_table, frame, state

frame.require_app()
code = st.session_state.get(frame.QUARTIER_KEY)
if not code:
    st.info("Choisissez un quartier dans le menu de gauche.")
    st.stop()
try:
    fiche = state.fiche(state.data_key(), code)
except DQError as exc:
    frame.show_error(exc)
    st.stop()

q = fiche.quartier
st.title(q.name)
vintage = VINTAGE_LABELS.get(q.vintage, "géographie non précisée")
refs = q.references
population = (f"{fmt.value(fiche.population.value, 'habitants', 0)} ({fmt.period(fiche.population.period)})"
              if fiche.population and fiche.population.value is not None else "population non disponible")
st.markdown(
    f"**{fiche_table.abbr('Quartier prioritaire', 'QPV')}** `{q.code}` · "
    f"{fiche_table.abbr(vintage.capitalize(), 'Géographie prioritaire')}  \n"
    f"**{'Communes' if len(q.communes) > 1 else 'Commune'}** : {q.commune_names} · "
    f"**{fiche_table.abbr('EPCI')}** : {refs['epci'].name if 'epci' in refs else '–'} · "
    f"**Département** : {refs['departement'].name if 'departement' in refs else '–'}  \n"
    f"**Population** : {population}", unsafe_allow_html=True)

reference_names = {key: f"{REFERENCE_LABELS[key]} : {t.name}" for key, t in refs.items()}
st.html(fiche_table.STYLE)
for domain_id, label, lines in fiche.domains:
    st.subheader(label, anchor=domain_id)
    st.html(fiche_table.domain_table(lines, reference_names))

st.caption("**s** : secret statistique (moins de 11 personnes ou ménages, valeur non diffusée). "
           "« – » : pas de donnée. ▲▼ : plus ou moins favorable selon le sens de l'indicateur "
           "(couleur bleue = plus favorable, orange = moins favorable). Survolez ⓘ pour la définition "
           "et la source.")
