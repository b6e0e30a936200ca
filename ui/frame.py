"""The frame every page runs in: navigation, the shared quartier choice, the demo notice."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dq_core.errors import DQError
from dq_core.store import failures
from ui import cache, room, state
from ui.render.text import plain

QUARTIER_KEY = "quartier"


def leave_legacy_pages_mode() -> None:
    """Make the first request after a server start run through app.py.

    Streamlit sees the `pages/` folder next to app.py and, until some script calls `st.navigation`,
    serves a deep link such as `/fiche?quartier=…` in its old "pages directory" mode, running the
    page without app.py (no shared state, wrong sidebar). Switching the mode off and rerunning once
    sends that very first request through app.py, with its query string kept.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def choose_quartier() -> str | None:
    """The quartier chooser in the sidebar; the choice lives in the URL (`?quartier=CODE`)."""
    quartiers = cache.quartiers(state.data_key())
    if not quartiers:
        from ui import first_steps

        st.sidebar.caption("Aucun quartier dans cet espace de travail pour l'instant. Pour commencer :")
        first_steps.import_links(st.sidebar, short=True)
        return None
    labels = {q.code: q.label for q in quartiers}
    wanted = (st.query_params.get(QUARTIER_KEY) or "").strip().upper()
    if wanted and wanted in labels and wanted != st.session_state.get(QUARTIER_KEY):
        st.session_state[QUARTIER_KEY] = wanted            # a shared link, or the back button
    elif wanted and wanted not in labels:
        st.sidebar.info(f"Le quartier « {plain(wanted)} » n'existe pas dans cette base : choisissez-en un.")
    if st.session_state.get(QUARTIER_KEY) not in labels:
        st.session_state[QUARTIER_KEY] = quartiers[0].code
    code = st.sidebar.selectbox(
        "Quartier", list(labels), key=QUARTIER_KEY, format_func=labels.get,
        help="Tapez une partie du nom, de la commune ou du code.", on_change=_sync_url,
        placeholder="Choisissez un quartier")
    if st.query_params.get(QUARTIER_KEY) != code:
        st.query_params[QUARTIER_KEY] = code               # page changes clear query parameters
    return code


def _sync_url() -> None:
    st.query_params[QUARTIER_KEY] = st.session_state[QUARTIER_KEY]


def choose_workspace() -> None:
    """Which workspace is open, and switching to another or creating one (kept for the session)."""

    from dq_core.store import workspace

    current = state.workspace_path().resolve()
    labels = state.workspace_choices()
    options = list(labels)
    if st.session_state.get("workspace_choice") not in options:
        st.session_state["workspace_choice"] = str(current)

    def switch() -> None:
        st.session_state[state.WORKSPACE_KEY] = st.session_state["workspace_choice"]
        st.session_state.pop(QUARTIER_KEY, None)

    if room.active():                    # a training room: one's own copy, or a workspace offered read-only
        st.sidebar.selectbox("Espace de travail", options, key="workspace_choice", format_func=labels.get,
                             on_change=switch, help="Votre propre copie de la démonstration : ce que vous y "
                             "faites ne change rien pour les autres participants.")
        return
    st.sidebar.selectbox("Espace de travail", options, key="workspace_choice", format_func=labels.get,
                         on_change=switch, help="Vos données réelles vivent dans votre propre espace de "
                         "travail (un fichier .duckdb) ; la démonstration reste à part.")
    with st.sidebar.popover("Nouvel espace ou autre fichier", icon=":material/add:"):
        name = st.text_input("Nom du nouvel espace de travail", key="new_workspace_name",
                             placeholder="Par exemple : Contrat de ville de Rennes")
        if st.button("Créer et ouvrir", key="create_workspace"):
            try:
                open_workspace(workspace.create_workspace(name))
            except DQError as exc:
                show_error(exc)
        if not workspace.shared_server():        # on a shared server, no path typed in the browser is read
            open_other_file()


def open_other_file() -> None:
    from pathlib import Path

    other = st.text_input("Ou ouvrir une base existante (chemin du fichier .duckdb)", key="other_workspace")
    if st.button("Ouvrir", key="open_workspace") and other.strip():
        target = Path(other.strip()).expanduser()
        if target.suffix != ".duckdb" or not target.is_file():
            show_error(DQError(f"« {target} » n'est pas un fichier .duckdb existant."))
        else:
            open_workspace(target.resolve())


def open_workspace(path) -> None:
    st.session_state[state.WORKSPACE_KEY] = str(path)
    st.session_state.pop(QUARTIER_KEY, None)
    st.session_state.pop("workspace_choice", None)
    st.rerun()


def demo_notice() -> None:
    """Said on every page while the demo workspace is open."""
    st.info("**Données fictives de démonstration** — territoires et chiffres inventés, à ne pas "
            "citer. Chargez vos données réelles pour travailler.", icon=":material/science:")


def show_error(exc: DQError) -> None:
    st.error(plain(exc.message), icon=":material/error:")


def workspace_ready() -> bool:
    """Open the workspace (building the demo on first start); a French message if it cannot."""
    return guarded(state.data_key)


def guarded(run: Callable[[], object]) -> bool:
    """Run a part of the page; a damaged or foreign base, a full disk give their French message instead
    of a crash, so that the rest of the frame (the workspace chooser) is still drawn. False on failure."""
    try:
        run()
    except DQError as exc:
        show_error(exc)
        return False
    except duckdb.Error as exc:
        explained = failures.explain(exc, state.workspace_path())
        if explained is None:
            raise                                  # a bug: Streamlit logs it
        show_error(explained)
        return False
    return True


def require_app() -> None:
    """First line of every page: a page run outside app.py hands over to it."""
    leave_legacy_pages_mode()
