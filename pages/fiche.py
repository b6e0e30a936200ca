"""Fiche quartier: every indicator of every domain, its changes and the six references."""

import streamlit as st

from dq_core import flags, fmt
from dq_core.errors import DQError
from dq_core.store.territories import REFERENCE_LABELS, VINTAGE_LABELS
from ui import cache, explore, fiche_exports, first_steps, frame, state
from ui.render import fiche_table
from ui.render.text import plain

frame.require_app()
code = st.session_state.get(frame.QUARTIER_KEY)
code = first_steps.quartier_or_stop(code)
try:
    fiche = cache.fiche(state.data_key(), code)
except DQError as exc:
    frame.show_error(exc)
    st.stop()

q = fiche.quartier
st.title(plain(q.name), anchor=False)
st.html(fiche_table.STYLE + fiche_table.header(fiche, VINTAGE_LABELS.get(q.vintage, "géographie non précisée")))
lineage = fiche.lineage          # a 2024 quartier: its perimeter, where its figures come from
if lineage is not None and lineage.text and (lineage.caution or lineage.series_text):
    st.info(plain(lineage.text), icon=":material/history:")
elif lineage is not None and lineage.text:
    st.caption(plain(lineage.text))
if lineage is not None and lineage.empty_reason:
    st.info(plain(lineage.empty_reason), icon=":material/info:")
fiche_exports.download_button(fiche)

headline = fiche.headline(4)
for column, line in zip(st.columns(len(headline) or 1), headline, strict=False):
    ind, latest = line.indicator, line.latest
    delta = fmt.change(line.change_5y, ind.unit, ind.decimals) if line.change_5y is not None else None
    unit = fmt.unit_note(ind.unit)
    column.metric(plain(f"{ind.label} ({unit})" if unit else ind.label), fmt.cell(latest.value, ind.unit, ind.decimals),
                  delta=fmt.ascii_sign(f"{delta} en 5 ans") if delta else None,
                  delta_color={"higher_better": "normal", "higher_worse": "inverse"}.get(ind.direction, "off"),
                  help=plain(line.citation + (f" — valeur {line.link.whose}" if line.latest_from_predecessor else "")))

fiche_exports.dossier_text_box(fiche)
explore.page_links("fiche")
st.html(fiche_table.domain_nav(fiche.domains))
reference_names = {key: f"{REFERENCE_LABELS[key]} : {t.name}" for key, t in q.references.items()}
# One HTML block for all domains: a single element to sanitise and lay out keeps a quartier switch fast.
st.html(fiche_table.STYLE + fiche_table.domains_html(fiche.domains, reference_names))

st.caption(f"{flags.LEGEND} ▲ ▼ : plus ou moins favorable selon le sens de l'indicateur "
           "(bleu : plus favorable, orange : moins favorable). Survolez le **i** pour la définition "
           "et la source, les mots soulignés en pointillé pour leur explication.")
