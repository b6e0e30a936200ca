"""The default indicator of the Évolution and Carte views."""

from dataclasses import replace

from dq_core.explore.defaults import default_indicator
from tests.compare_factory import INDICATORS

BY_ID = {i.id: i for i in INDICATORS}


def test_the_poverty_rate_comes_first_wherever_it_is_in_the_catalogue():
    assert default_indicator(INDICATORS) == "taux_pauvrete"
    assert default_indicator(reversed(INDICATORS)) == "taux_pauvrete"


def test_without_it_the_first_key_indicator_then_the_first_indicator():
    others = [i for i in INDICATORS if i.id != "taux_pauvrete"]
    assert default_indicator([BY_ID["taux_emploi"], *others]) == "pop_totale"     # taux_emploi is not key
    not_key = [replace(i, is_key=False) for i in others]
    assert default_indicator(not_key) == not_key[0].id
    assert default_indicator([]) is None
