"""Flags and labels of the official data: why a cell is blank, honest labels, series breaks."""

from datetime import date

import pytest

from dq_core import flags
from dq_core.explore.fiche import IndicatorLine, Point
from dq_core.explore.texts import indicator_sentence
from dq_core.export.notes_sheets import _point_warnings
from dq_core.files import ImportOptions, import_file
from dq_core.files.kinds import insee_thematic as thematic
from dq_core.files.kinds.insee_catalogue import OFFICIAL_BY_ID, THEME_COLUMNS
from dq_core.files.kinds.insee_thematic import NOTE_C2S_2022, NOTE_CMUC_TO_C2S
from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.files.read.tables import read_csv_text
from dq_core.store import db
from tests.factories import user_workspace
from tests.import_files import HEADER, csv_bytes
from tests.official_fixtures import REGIONAL, require_official


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


# --- why a cell has no figure ----------------------------------------------------------------

def test_three_cases_are_told_apart():
    assert flags.blank_reason(False, None) == flags.NO_DATA == "pas de donnée"
    assert flags.blank_reason(True, flags.NOTE_PRODUCER_BLANK) == "non diffusé par le producteur"
    assert flags.blank_reason(True, "Population au recensement de 2013. " + flags.NOTE_PRODUCER_BLANK) \
        == flags.PRODUCER_BLANK
    for note in (flags.NOTE_BELOW_THRESHOLD, flags.NOTE_SECONDARY, None):
        assert flags.blank_reason(True, note) == "secret statistique appliqué par l'application"
    legacy = "Case vide dans le fichier de l'Insee : secret statistique ou donnée non disponible."
    assert flags.blank_reason(True, legacy) == flags.PRODUCER_BLANK
    assert flags.secret_explanation(legacy) == flags.NOTE_PRODUCER_BLANK
    assert flags.secret_explanation(None) == flags.NOTE_APPLICATION
    assert flags.secret_explanation(flags.NOTE_SECONDARY) == flags.NOTE_SECONDARY
    assert "moins de 11" not in flags.LEGEND and "pas de donnée" in flags.LEGEND


def test_insee_blanks_and_the_apps_own_secrets_carry_different_notes():
    header = "CODGEO;LIBGEO;TX_TOT_EMPL;ABC;ABC_F;ABC_H;C;C_C2SNP;C_C2SP"
    rows = ["QP044013;Malakoff;46,0;660;;344;3\u202f848;1\u202f215;308",      # ABC_F blank at INSEE
            "QP044014;Bout;40,0;400;3;397;1\u202f000;2;50"]                    # ABC_F = 3 < 5: the app hides it
    obs = thematic.read_thematic("IPRO_2022.csv", read_csv_text("\n".join([header, *rows])),
                                 "IPRO").observations.set_index(["territory", "indicator"])
    blank = obs.loc[("QP044013", "demandeurs_emploi_abc_femmes")]
    assert blank["is_secret"] and flags.blank_reason(True, blank["note"]) == flags.PRODUCER_BLANK
    assert blank["note"].startswith(thematic.NOTE_EMPTY) and thematic.NOTE_EMPTY == flags.NOTE_PRODUCER_BLANK
    assert blank["note"].endswith("l'année indiquée est celle de l'édition 2022.")     # job seekers: year unknown
    for code, indicator in (("QP044013", "demandeurs_emploi_abc_hommes"), ("QP044014", "demandeurs_emploi_abc_femmes"),
                            ("QP044014", "demandeurs_emploi_abc_hommes")):
        cell = obs.loc[(code, indicator)]
        assert cell["is_secret"] and flags.blank_reason(True, cell["note"]) == flags.APPLICATION_SECRET, indicator
    assert "secondaire" in obs.loc[("QP044013", "demandeurs_emploi_abc_hommes"), "note"]


def test_a_derived_figure_says_whose_secret_stopped_it():
    header = "CODGEO;LIBGEO;PMIMP;TP60;C;C_C2SNP;C_C2SP;NOTE_CNAM"
    rows = ["QP044013;Malakoff;22,8;47,3;3\u202f848;;308;0",            # blank at INSEE
            "QP044014;Bout;20,0;30,0;1\u202f000;2;50;0"]                 # 2 < 5: hidden by the app
    obs = thematic.read_thematic("REVN_2022.csv", read_csv_text("\n".join([header, *rows])),
                                 "REVN").observations.set_index(["territory", "indicator"])
    for indicator in ("beneficiaires_c2s", "part_c2s"):
        assert obs.loc[("QP044013", indicator), "note"].startswith(flags.NOTE_DERIVED_PRODUCER)
        assert obs.loc[("QP044014", indicator), "note"].startswith(flags.NOTE_DERIVED_APPLICATION)


def test_partner_secrets_say_whose_they_are(user_db):
    con = db.connect(user_db)
    with con.cursor() as cur:
        report = import_file(cur, FileSource.from_bytes("p.csv", csv_bytes(
            HEADER, "QNX0103N;pop_totale;2024;s", "QNX0101M;pop_totale;2024;8", "QNX0102I;pop_totale;2024;900")),
            ImportOptions(mode="replace"))
    assert report.status == "imported", report.text()
    notes = dict(con.execute("SELECT territory, note FROM observation WHERE indicator = 'pop_totale' "
                             "AND period = '2024'").fetchall())
    assert notes["QNX0103N"] == flags.NOTE_PRODUCER_MARKED
    assert notes["QNX0101M"] == flags.NOTE_BELOW_THRESHOLD and notes["QNX0102I"] is None
    con.close()


def test_warnings_sheet_and_dossier_text_name_the_case():
    producer = Point("2021", date(2021, 1, 1), None, secret=True, note=flags.NOTE_PRODUCER_BLANK)
    app = Point("2021", date(2021, 1, 1), None, secret=True, note=flags.NOTE_BELOW_THRESHOLD)
    assert _point_warnings(producer) == [("Secret statistique", flags.NOTE_PRODUCER_BLANK)]
    assert _point_warnings(app) == [("Secret statistique", flags.NOTE_BELOW_THRESHOLD)]
    assert _point_warnings(Point("2021", date(2021, 1, 1), None, secret=True)) == \
        [("Secret statistique", flags.NOTE_APPLICATION)]
    ind = OFFICIAL_BY_ID["part_menages_imposes"]
    notes: list[str] = []
    assert indicator_sentence(IndicatorLine(ind, [producer], producer), notes) is None
    assert "non diffusée par le producteur" in notes[0]
    notes.clear()
    indicator_sentence(IndicatorLine(ind, [app], app), notes)
    assert "secret statistique appliqué par l'application" in notes[0]
    notes.clear()
    indicator_sentence(IndicatorLine(ind, [], None), notes)
    assert "pas de donnée" in notes[0]
