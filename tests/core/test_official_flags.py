"""Flags and labels of the official data: why a cell is blank, honest labels, series breaks."""

from dq_core.files.kinds.insee_catalogue import OFFICIAL_BY_ID, THEME_COLUMNS


def test_brev_is_the_low_declared_income_rate_not_the_poverty_rate():
    brev = OFFICIAL_BY_ID[THEME_COLUMNS["REVN"]["BREV"]]
    assert brev.label == "Taux de bas revenus déclarés"
    assert "revenu déclaré" in brev.definition and "pas le taux de pauvreté" in brev.definition
    assert THEME_COLUMNS["REVN"]["TP60"] != THEME_COLUMNS["REVN"]["BREV"]


def test_qualification_levels_are_labelled_by_number_with_a_caveat():
    for n in range(1, 6):
        ind = OFFICIAL_BY_ID[THEME_COLUMNS["IPRO"][f"ABC_QAL{n}"]]
        assert f"niveau de qualification {n} (selon la nomenclature de France Travail)" in ind.label
        assert "sans en donner les intitulés" in ind.caveat
