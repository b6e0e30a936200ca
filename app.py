"""Data & Quartiers: navigation and the state shared by every page (run: `python tasks.py app`)."""

from pathlib import Path

import streamlit as st

from ui import cache, frame, room, state, streamlit_fr, url
from ui.render.text import plain

st.set_page_config(page_title="Data & Quartiers", page_icon=str(Path(__file__).parent / "data/assets/favicon.png"), layout="wide")
frame.leave_legacy_pages_mode()
url.limit_params()                         # before anything reads a link's parameters
streamlit_fr.install()

PAGES = {
    "Explorer": [
        st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
        st.Page("pages/fiche.py", title="Fiche quartier", icon=":material/description:"),
        st.Page("pages/evolution.py", title="Évolution", icon=":material/show_chart:"),
        st.Page("pages/comparer.py", title="Comparer", icon=":material/leaderboard:"),
        st.Page("pages/carte.py", title="Carte", icon=":material/map:"),
        st.Page("pages/energie.py", title="Énergie", icon=":material/bolt:"),
    ],
    "Données": [
        st.Page("pages/officiel.py", title="Données officielles", icon=":material/cloud_download:"),
        st.Page("pages/importer.py", title="Importer", icon=":material/upload_file:"),
        st.Page("pages/adresses.py", title="Adresses", icon=":material/location_on:"),
        st.Page("pages/exporter.py", title="Exporter", icon=":material/download:"),
    ],
    "Aide": [
        st.Page("pages/catalogue.py", title="Catalogue des indicateurs", icon=":material/menu_book:"),
    ],
}

if room.active():                          # a training room: nothing without the code; the trainer's page
    room.require_identity()
    if room.is_trainer():
        PAGES["Formation"] = [st.Page("ui/room_page.py", title="Salle de formation", icon=":material/groups:",
                                      url_path="salle")]

page = st.navigation(PAGES)


def sidebar() -> None:
    if room.active():
        room.badge()
    st.sidebar.caption(f"Espace de travail ouvert : **{plain(state.workspace_label())}**")
    frame.choose_quartier()


def main() -> None:
    if cache.is_demo(state.data_key()):
        frame.demo_notice()
    page.run()


# A damaged or foreign base gives its French message; the workspace chooser is drawn whatever happens.
ready = frame.workspace_ready() and frame.guarded(sidebar)
frame.choose_workspace()
if ready:
    frame.guarded(main)
