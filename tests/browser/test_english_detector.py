"""The English detector of the browser walk: it finds Streamlit's English and lets French through."""

import pytest

from tests.browser.english import english_in


@pytest.mark.parametrize("text", [
    "Select all", "Select 2 matches", "Browse files", "Drag and drop file here", "200MB per file", "320.0B",
    "Add: Mission locale du Val", "aria-label: Show/hide columns", "aria-label: Download as CSV",
    "aria-label: Fullscreen", "aria-label: Show data", "aria-label: Help for Quartier",
    "placeholder: Choose an option", "aria-label: X-axis for a time scale with values from 2016 to 2021",
])
def test_english_is_found(text):
    assert english_in([text]), text


@pytest.mark.parametrize("text", [
    "Données fictives de démonstration", "Taux de pauvreté (seuil à 60 %)", "Jusqu’à 200\u00a0Mo par fichier",
    "Aide : Quartier", "Ajouter : Mission locale du Val", "Télécharger en CSV", "Plein écran",
    "Historique des imports", "/tmp/essai.duckdb", "pop_totale", "Data & Quartiers", "Insee – DGFiP, Filosofi",
    "Choisissez un quartier", "Rang des Fontaines", "La case affiche « s »",
])
def test_french_passes(text):
    assert english_in([text]) == {}, text
