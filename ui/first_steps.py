"""What to do next in a workspace that holds nothing yet, and a workspace of one's own from the demo."""

from __future__ import annotations

import streamlit as st

from dq_core.errors import DQError
from dq_core.store import workspace
from ui import cache, state

OFFICIAL_PAGE = "pages/officiel.py"
IMPORT_PAGE = "pages/importer.py"
EMPTY_MESSAGE = ("Cet espace de travail ne contient encore aucun quartier. Commencez par importer les fichiers "
                 "officiels (liste ou contours des quartiers, bases thématiques de l'Insee), puis, si vous le "
                 "souhaitez, les fichiers de vos partenaires.")


def import_links(container=st, *, short: bool = False) -> None:
    """The two ways data comes in, as links (short labels for the sidebar)."""
    container.page_link(OFFICIAL_PAGE, label="Données officielles (Insee, ANCT)" if short else
                        "Données officielles : importer les fichiers de l'Insee et de l'ANCT",
                        icon=":material/cloud_download:")
    container.page_link(IMPORT_PAGE, label="Importer le fichier d'un partenaire", icon=":material/upload_file:")


def empty_workspace(container=st) -> None:
    """Said where a quartier would be shown, in a workspace without any."""
    container.info(EMPTY_MESSAGE, icon=":material/lightbulb:")
    import_links(container)


def quartier_or_stop(code: str | None) -> str:
    """The chosen quartier; else say what to do next and stop the page."""
    if code:
        return code
    if cache.quartiers(state.data_key()):
        st.info("Choisissez un quartier dans le menu de gauche.")
    else:
        empty_workspace()
    st.stop()


def offer_own_workspace(form_key: str, default_name: str) -> None:
    """A form that creates the user's own workspace and opens it (the demo stays fictional)."""
    from ui import frame, room

    if room.active():                     # no new file on the trainer's computer from a participant
        st.caption("En formation, vous travaillez dans votre copie de la démonstration : la personne qui "
                   "anime la formation peut y autoriser les imports.")
        return
    with st.form(form_key, border=False):
        name = st.text_input("Nom de votre espace de travail", value=default_name, key=f"{form_key}_name")
        if st.form_submit_button("Créer mon espace de travail et l'ouvrir", icon=":material/add:"):
            try:
                frame.open_workspace(workspace.create_workspace(name))
            except DQError as exc:
                frame.show_error(exc)


def official_downloads() -> None:
    """Which files to download from which producer's page; the addresses are text to copy (no request)."""
    from dq_core.files import official_guide

    for page, producer, downloads in official_guide.by_page():
        st.markdown(f"**{producer}** — adresse à ouvrir dans votre navigateur :")
        st.code(page, language=None, wrap_lines=True)
        st.markdown("\n".join(f"- {d.what} : {d.files}" for d in downloads))
    st.markdown("**Vos partenaires** — " + " ; ".join(official_guide.NOT_DOWNLOADED.values()) + ".")
    st.caption(official_guide.ADVICE)
