"""On the fiche: download the quartier's workbook, and copy the « Texte pour un dossier »."""

from __future__ import annotations

import streamlit as st

from dq_core import export
from dq_core.explore.fiche import Fiche
from dq_core.explore.texts import dossier_text
from ui import state


def download_button(fiche: Fiche) -> None:
    """The workbook is generated only when the button is clicked (`data=callable`)."""
    st.download_button(
        "Télécharger la fiche (Excel)", data=state.fiche_workbook(fiche.quartier.code),
        file_name=export.fiche_filename(fiche.quartier, demo=fiche.demo), mime=export.XLSX_MIME, on_click="ignore",
        icon=":material/download:", key="fiche_xlsx",
        help="Synthèse, séries complètes avec graphiques par domaine, sources et avertissements : "
             "un classeur qui s'ouvre dans Excel ou LibreOffice.")


def dossier_text_box(fiche: Fiche) -> None:
    """Sentences to paste into a funding application, with a copy button (top right of the box)."""
    text = dossier_text(fiche)
    with st.expander("Texte pour un dossier", icon=":material/content_copy:"):
        st.caption("Phrases générées à partir des chiffres de cette fiche, avec leur source et leur "
                   "année. Copiez-les avec le bouton en haut à droite du cadre.")
        # st.code shows the text exactly as it is (no Markdown) and carries a copy button.
        st.code(text.text, language=None, wrap_lines=True)
