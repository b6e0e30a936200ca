"""What the Évolution and Carte views show before anyone chooses: the default indicator."""

from __future__ import annotations

from collections.abc import Iterable

from dq_core.store.catalogue import Indicator

# The figure people ask about first in a quartier; a workspace without it falls back on its catalogue.
PREFERRED_INDICATOR = "taux_pauvrete"


def default_indicator(catalogue: Iterable[Indicator]) -> str | None:
    """The poverty rate if the catalogue has it, else its first key indicator, else its first
    indicator; None for an empty catalogue."""
    indicators = list(catalogue)
    for rule in (lambda i: i.id == PREFERRED_INDICATOR, lambda i: i.is_key, lambda i: True):
        found = next((i.id for i in indicators if rule(i)), None)
        if found:
            return found
    return None
