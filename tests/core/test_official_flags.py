"""Flags and labels of the official data: why a cell is blank, honest labels, series breaks."""

import pytest

from dq_core.files.kinds.insee_catalogue import OFFICIAL_BY_ID, THEME_COLUMNS
from dq_core.files.kinds.insee_thematic import NOTE_C2S_2022, NOTE_CMUC_TO_C2S
from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.store import db
from tests.official_fixtures import REGIONAL, require_official


def user_workspace(path):
    con = db.connect(path)
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
    return con, cur


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


def revn_csv(edition: int, cnam: dict[str, str]) -> bytes:
    header = ["CODGEO", "LIBGEO", "PMIMP", "TP60", *cnam, "NOTE_CNAM"]
    row = ["QP044013", "Malakoff", "22,8", "47,3", *cnam.values(), "0"]
    return ("\ufeff" + ";".join(header) + "\r\n" + ";".join(row) + "\r\n").encode("utf-8")


REVN_CNAM = {2019: {"CCMUC": "1\u202f100"}, 2021: {"C": "3\u202f800", "CC2S": "1\u202f400"},
             2022: {"C": "3\u202f848", "C_C2SNP": "1\u202f215", "C_C2SP": "308"}}


def c2s_series(cur, indicator="beneficiaires_c2s"):
    return cur.execute("SELECT period, value, is_break, note FROM observation WHERE territory = 'QP044013' "
                       "AND indicator = ? ORDER BY period", [indicator]).fetchall()


@pytest.mark.parametrize("order", [(2019, 2021, 2022), (2022, 2019, 2021)])
def test_cmuc_then_c2s_is_one_series_with_a_break_at_each_change_of_definition(tmp_path, order):
    con, cur = user_workspace(tmp_path / "c2s.duckdb")
    for edition in order:
        import_sources(cur, [FileSource(f"REVN_{edition}.csv", data=revn_csv(edition, REVN_CNAM[edition]))])
    series = c2s_series(cur)
    assert [(p, v, b) for p, v, b, _ in series] == [("2019", 1100, False), ("2021", 1400, True),
                                                     ("2022", 1523, True)]
    assert series[1][3].startswith(NOTE_CMUC_TO_C2S) and NOTE_C2S_2022 not in series[1][3]
    assert series[2][3].startswith(NOTE_C2S_2022) and NOTE_CMUC_TO_C2S not in series[2][3]
    assert "somme" in series[2][3]                   # the note of the derived sum is kept after the break's
    assert series[0][3] is None or "C2S" not in series[0][3]
    part = c2s_series(cur, "part_c2s")
    assert [(p, b) for p, _, b, _ in part] == [("2021", False), ("2022", True)]
    assert part[1][3].startswith(NOTE_C2S_2022)
    con.close()


def test_a_c2s_edition_alone_has_no_break(tmp_path):
    con, cur = user_workspace(tmp_path / "c2s.duckdb")
    import_sources(cur, [FileSource("REVN_2022.csv", data=revn_csv(2022, REVN_CNAM[2022]))])
    (period, _, is_break, note), = c2s_series(cur)
    assert period == "2022" and not is_break and NOTE_C2S_2022 not in (note or "")
    con.close()


def test_real_revn_editions_join_cmuc_and_c2s_with_breaks(tmp_path):
    require_official()
    con, cur = user_workspace(tmp_path / "revn.duckdb")
    import_sources(cur, [FileSource(p.name, path=p) for p in sorted(REGIONAL.glob("REVN_*_BRE_PDL.csv"))])
    breaks = cur.execute("SELECT period, count(*) FROM observation WHERE indicator = 'beneficiaires_c2s' "
                         "AND is_break GROUP BY period ORDER BY period").fetchall()
    assert [p for p, _ in breaks] == ["2021", "2022"]
    assert cur.execute("SELECT count(*) FROM observation WHERE indicator = 'beneficiaires_c2s' AND is_break "
                       "AND note NOT LIKE 'La Complémentaire%' AND note NOT LIKE 'Définition modifiée%'"
                       ).fetchone()[0] == 0
    periods = [r[0] for r in cur.execute("SELECT DISTINCT period FROM observation WHERE indicator = "
                                         "'beneficiaires_c2s' ORDER BY 1").fetchall()]
    assert periods == ["2017", "2018", "2019", "2021", "2022"]
    con.close()
