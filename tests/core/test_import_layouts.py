"""The roles of each partner-file layout, as the Importer page asks for them."""

import pytest

from dq_core.files.partner.layouts import LAYOUT_ROLES, LAYOUTS, ROLE_LABELS, guess_mapping

HEADERS = {
    "long": ["code_territoire", "indicateur", "periode", "valeur", "numerateur", "denominateur", "statut"],
    "wide_period": ["code_territoire", "indicateur", "statut", "2022", "2023"],
    "wide_indicator": ["code_territoire", "periode", "pop_totale", "taux_pauvrete"],
    "points": ["latitude", "longitude", "periode", "pop_totale"],
}


def test_every_layout_has_its_roles_and_every_role_a_french_label():
    assert tuple(LAYOUT_ROLES) == LAYOUTS
    for layout, roles in LAYOUT_ROLES.items():
        assert roles and len(set(roles)) == len(roles), layout
        assert all(ROLE_LABELS.get(role) for role in roles), layout


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_guessed_mapping_only_uses_roles_the_page_asks_for(layout):
    mapping = guess_mapping(HEADERS[layout], {"pop_totale": "Population", "taux_pauvrete": "Taux de pauvreté"})
    assert mapping.layout == layout
    assert set(mapping.columns) <= set(LAYOUT_ROLES[layout])
