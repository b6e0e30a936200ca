"""Exporter: the Excel fiches of many quartiers at once — a commune, an EPCI, a département, all."""

import streamlit as st

from dq_core import export, fmt
from dq_core.errors import DQError
from dq_core.store import territories
from ui import cache, frame, state
from ui.render.text import plain

frame.require_app()
st.title("Exporter des fiches", anchor=False)
st.markdown("Les fiches Excel de plusieurs quartiers en une fois : chaque fiche contient la synthèse, "
            "les séries complètes avec leurs graphiques, les sources et les avertissements. "
            "Pour un seul quartier, le bouton « Télécharger la fiche » de la fiche quartier suffit.")

key = state.data_key()
scopes = cache.batch_scopes(key)
SCOPES = {
    "quartier": "Le quartier choisi",
    "commune": "Une commune",
    "epci": "Une agglomération (EPCI)",
    "departement": "Un département",
    "all": "Tous les quartiers",
}
CHOOSER_LABELS = {"commune": "Commune", "epci": "Agglomération (EPCI)", "departement": "Département"}
scope = st.radio("Quartiers à exporter", list(SCOPES), format_func=SCOPES.get, horizontal=True,
                 key="export_scope")
code = None
label = ""
try:
    with state.cursor() as cur:
        if scope == "quartier":
            current = st.session_state.get(frame.QUARTIER_KEY)
            codes = territories.select_quartiers(cur, [current] if current else [])
            label = current or ""
        elif scope == "all":
            codes = territories.select_quartiers(cur, all_quartiers=True)
            label = "tous les quartiers"
        else:
            options = {c: (name, n) for c, name, n in scopes[scope]}
            if not options:
                st.info("Aucun territoire de ce niveau ne contient de quartier dans cette base.")
                st.stop()
            # Start from the territory of the quartier chosen in the sidebar.
            current = st.session_state.get(frame.QUARTIER_KEY)
            around = cache.fiche(key, current).quartier.references.get(scope) if current else None
            index = list(options).index(around.code) if around and around.code in options else 0
            code = st.selectbox(CHOOSER_LABELS[scope], list(options), index=index,
                                format_func=lambda c: f"{options[c][0]} ({c}) — "
                                f"{options[c][1]} quartier{'s' if options[c][1] > 1 else ''}",
                                key=f"export_{scope}")
            codes = territories.select_quartiers(cur, **{scope: code})
            label = f"{options[code][0]} {code}"
except DQError as exc:
    frame.show_error(exc)
    st.stop()

kind = st.radio("Format", list(export.BATCH_KINDS), format_func=export.BATCH_KINDS.get, key="export_kind")
st.caption(f"{fmt.number(len(codes), 0)} quartier{'s' if len(codes) > 1 else ''} à exporter "
           f"(durée estimée : {export.estimated_duration(len(codes), kind)}).")

request = (key, scope, code, tuple(codes), kind)


def _ask_for_export() -> None:
    # A flag in the session rather than the button's own value: it survives a rerun of the page.
    st.session_state["export_requested"] = True


st.button("Préparer l'export", type="primary", icon=":material/table_view:", on_click=_ask_for_export)
if st.session_state.pop("export_requested", False):
    bar = st.progress(0.0, text="Préparation…")

    def progress(done: int, total: int, what: str) -> None:
        bar.progress(done / total, text=f"{done} / {total} — {plain(what)}")
    try:
        with state.cursor() as cur:
            content, file_name, mime = export.batch_bytes(cur, codes, kind, label, progress=progress)
    except DQError as exc:
        frame.show_error(exc)
        st.stop()
    bar.empty()
    st.session_state["export_result"] = {"request": request, "data": content, "name": file_name,
                                         "mime": mime}

result = st.session_state.get("export_result")
if result and result["request"] == request:
    size = len(result["data"]) / 1_000_000
    st.success(f"Export prêt : {fmt.number(len(codes), 0)} quartier{'s' if len(codes) > 1 else ''}, "
               f"{fmt.number(size, 1)} Mo.", icon=":material/check_circle:")
    st.download_button(f"Télécharger {result['name']}", data=result["data"], file_name=result["name"],
                       mime=result["mime"], on_click="ignore", type="primary",
                       icon=":material/download:", key="export_download")
