"""Why a cell shows no figure: the three cases the app tells apart, and their French wording.

An INSEE blank (the producer's secret or a figure INSEE does not have: its files cannot say which),
a figure the application hides itself (its thresholds and the secondary suppression it adds), and a
period with nothing at all. Stored cells keep `is_secret`; their note says which secret it is.
"""

from __future__ import annotations

PRODUCER_BLANK = "non diffusé par le producteur"
APPLICATION_SECRET = "secret statistique appliqué par l'application"
NO_DATA = "pas de donnée"

# Stored notes: each starts with the case it is, so that any reader of the note can tell.
NOTE_PRODUCER_BLANK = ("Non diffusé par le producteur : case vide dans le fichier de l'Insee (secret "
                       "statistique de l'Insee ou donnée non disponible, le fichier ne dit pas lequel).")
NOTE_PRODUCER_MARKED = "Non diffusé par le producteur : valeur marquée comme secrète dans le fichier importé."
NOTE_BELOW_THRESHOLD = ("Secret statistique appliqué par l'application : effectif inférieur au seuil de "
                        "diffusion, valeur masquée.")
NOTE_SECONDARY = ("Secret statistique appliqué par l'application (secret secondaire) : valeur masquée, car "
                  "elle se déduirait sinon des autres cases publiées.")
NOTE_DERIVED_PRODUCER = ("Non diffusé par le producteur : une des cases de l'Insee nécessaires au calcul est "
                         "vide.")
NOTE_DERIVED_APPLICATION = ("Secret statistique appliqué par l'application : une des valeurs nécessaires au "
                            "calcul est masquée.")
NOTE_APPLICATION = "Secret statistique appliqué par l'application : valeur masquée."
# A figure whose data year INSEE's file does not give: its period is the edition's year (`insee_editions`).
NOTE_EDITION_YEAR = ("Année des données non précisée par l'Insee pour cette colonne : l'année indiquée est celle "
                     "de l'édition {edition}.")
# Older workspaces stored this for an INSEE blank.
_LEGACY_PRODUCER = "Case vide dans le fichier de l'Insee"

LEGEND = ("**s** : valeur non diffusée, soit par le producteur (case vide dans son fichier : secret "
          "statistique ou donnée non disponible, le fichier ne dit pas lequel), soit par l'application "
          "(secret statistique appliqué par l'application : effectif sous son seuil, ou secret secondaire) ; "
          "survolez le **s** pour savoir lequel. « – » : pas de donnée pour cette période.")
SHEET_LEGEND = ("s : valeur non diffusée, par le producteur (case vide dans son fichier) ou par l'application "
                "(secret statistique appliqué par l'application) ; la colonne « Détail » dit lequel. Une "
                "valeur « s » n'est jamais diffusée, ni à l'écran ni dans les exports. « – » : pas de donnée.")


def blank_reason(secret: bool, note: str | None) -> str:
    """PRODUCER_BLANK, APPLICATION_SECRET or NO_DATA for a cell without a figure."""
    if not secret:
        return NO_DATA
    if note and (PRODUCER_BLANK in note.lower() or _LEGACY_PRODUCER in note):
        return PRODUCER_BLANK
    # Every other secret cell was hidden by the app's own rules (thresholds, secondary suppression).
    return APPLICATION_SECRET


def secret_explanation(note: str | None) -> str:
    """The sentence explaining a secret cell: its stored note when that says why, else the app's rule."""
    if note and (PRODUCER_BLANK in note.lower() or APPLICATION_SECRET in note.lower()):
        return note
    if note and _LEGACY_PRODUCER in note:
        return NOTE_PRODUCER_BLANK
    return NOTE_APPLICATION


def is_edition_year(note: str | None) -> bool:
    """Whether a stored note says the period shown is the edition's year, not the data's."""
    return bool(note) and "Année des données non précisée" in note
