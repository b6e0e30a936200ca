"""Official figures at the year their data describe: the edition dictionary, one observation for a value
two editions repeat, the ensemble of the quartiers, and the real files read back by the test itself."""

from __future__ import annotations

import csv
import io

import pytest

from dq_core.explore.fiche import build_fiche
from dq_core.explore.texts import indicator_sentence
from dq_core.files.kinds import insee_thematic as thematic
from dq_core.files.kinds.insee_editions import data_year
from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.files.read.tables import read_csv_text
from tests.factories import user_workspace
from tests.official_fixtures import NATIONAL, OFFICIAL, require_official


def test_the_edition_dictionary_gives_each_column_its_data_year():
    assert data_year("REVN", "DISP_Q2", 2022).period == "2018"
    assert data_year("REVN", "TP60", 2021).period == "2017"
    assert data_year("REVN", " tp60 ", 2022).period == "2018"          # names as INSEE spells them
    inferred = data_year("REVN", "DISP_Q2", 2019)
    assert inferred.period == "2015" and "déduite" in inferred.note
    assert data_year("DEMO", "POP_MUN", 2019).period == "2013"
    assert data_year("DEMO", "POP_MUN", 2022).period == "2018"
    assert data_year("DEMO", "TX_F", 2018).period == "2013" and data_year("IPRO", "TX_TOT_EMPL", 2017).period == "2013"
    # Not established: the edition's year, said in the note — never a guess.
    for theme, column, edition in (("DEMO", "TX_F", 2022), ("DEMO", "A", 2022), ("IPRO", "ABC", 2022),
                                   ("REVN", "C_C2SNP", 2022), ("REVN", "DISP_Q2", 2024)):
        year = data_year(theme, column, edition)
        assert year.period == str(edition) and not year.established
        assert f"celle de l'édition {edition}" in year.note


def demo_csv(edition_rows: list[str]) -> bytes:
    header = "CODGEO;LIBGEO;POP_MUN;TX_F;A"
    return ("\ufeff" + "\r\n".join([header, *edition_rows]) + "\r\n").encode("utf-8")


def test_a_value_two_editions_repeat_is_one_observation(tmp_path):
    con, cur = user_workspace(tmp_path / "w.duckdb")
    same = "QP044013;Malakoff;3\u202f500;51,0;{a}"
    import_sources(cur, [FileSource.from_bytes("DEMO_2017.csv", demo_csv([same.format(a="1\u202f200")])),
                         FileSource.from_bytes("DEMO_2018.csv", demo_csv([same.format(a="1\u202f250")]))])
    rows = cur.execute("SELECT indicator, period, edition, value FROM observation WHERE territory = 'QP044013' "
                       "ORDER BY indicator, period").fetchall()
    # Census: one figure (2013), kept from the newer edition; Caf counts: one per edition (year unknown).
    assert rows == [("allocataires_caf", "2017", "2017", 1200.0), ("allocataires_caf", "2018", "2018", 1250.0),
                    ("part_femmes", "2013", "2018", 51.0), ("pop_totale", "2013", "2018", 3500.0)]
    fiche = build_fiche(cur, "QP044013")
    women = fiche.line("part_femmes")
    assert women.previous is None and women.latest.period == "2013"      # no change between editions
    con.close()


def national_like(n: int, blank_at: int | None = None) -> bytes:
    rows = []
    for i in range(n):
        a = "" if i == blank_at else "100"
        rows.append(f"QP{i // 100 + 1:03d}{i % 100 + 1:03d};Q{i};1\u202f000;50,0;{a}")
    return demo_csv(rows)


def test_an_edition_without_ensemble_row_gets_the_sum_of_its_quartiers_where_it_is_one():
    read = thematic.read_thematic("DEMO_2022.csv", read_csv_text(national_like(1200).decode("utf-8-sig")), "DEMO")
    ensemble = read.observations[read.observations["territory"] == "ENSQP2015"].set_index("indicator")
    assert ensemble.loc["pop_totale", "value"] == 1_200_000 and ensemble.loc["pop_totale", "period"] == "2018"
    assert ensemble.loc["allocataires_caf", "value"] == 120_000
    assert "somme des 1\u202f200 quartiers" in ensemble.loc["pop_totale", "note"]
    assert "part_femmes" not in ensemble.index                # a published rate without its terms: absent
    # One quartier blank at INSEE: the sum is unknown, so there is no ensemble figure for it.
    read = thematic.read_thematic("DEMO_2022.csv", read_csv_text(national_like(1200, 7).decode("utf-8-sig")),
                                  "DEMO")
    ensemble = read.observations[read.observations["territory"] == "ENSQP2015"]
    assert set(ensemble["indicator"]) == {"pop_totale"}
    # A regional extract is no ensemble of the quartiers.
    read = thematic.read_thematic("DEMO_2022.csv", read_csv_text(national_like(80).decode("utf-8-sig")), "DEMO")
    assert not (read.observations["territory"] == "ENSQP2015").any()


def test_a_figure_whose_data_year_is_unknown_says_so_in_the_dossier_text(tmp_path):
    con, cur = user_workspace(tmp_path / "w.duckdb")
    import_sources(cur, [FileSource.from_bytes("DEMO_2022.csv", demo_csv(["QP044013;Malakoff;3\u202f486;51,1;1\u202f301"]))])
    fiche = build_fiche(cur, "QP044013")
    line = fiche.line("allocataires_caf")
    sentence = indicator_sentence(line, [])
    assert sentence.startswith("Selon l'édition 2022 (l'Insee ne précise pas l'année des données)")
    assert "édition 2022 — Allocataires au 31 décembre 2022" in sentence
    con.close()


# --- the real files, read back by the test itself ----------------------------------------------------

def raw_rows(path, code_column="CODGEO") -> dict[str, dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    return {row[code_column].strip(): {k.strip().upper(): v for k, v in row.items() if k} for row in reader}


def number(text: str) -> float:
    return float(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))


@pytest.mark.official
def test_real_revn_2022_shows_filosofi_2018_at_its_year(tmp_path):
    require_official()
    con, cur = user_workspace(tmp_path / "w.duckdb")
    import_sources(cur, [FileSource.from_path(NATIONAL / "REVN_2022.csv")])
    filo18 = raw_rows(OFFICIAL / "insee_references" / "filosofi_qp_par_source" / "data_filo18_qp_revdis.csv")
    for code in ("QP044013", "QP035002", "QP001002"):
        fiche = build_fiche(cur, code)
        median, poverty = fiche.line("revenu_median_uc"), fiche.line("taux_pauvrete")
        raw = filo18[code]
        if raw["DISP_MED_A18"].strip():
            assert median.latest.value == number(raw["DISP_MED_A18"]) and median.latest.period == "2018"
        if raw["DISP_TP60_A18"].strip():
            assert poverty.latest.value == number(raw["DISP_TP60_A18"]) and poverty.latest.period == "2018"
        assert median.citation == ("Insee, Données par thématique QPV « Revenus », édition 2022 — Filosofi 2018")
    con.close()


def test_a_series_names_its_editions_once():
    from dq_core.explore.sources import source_line
    from dq_core.files.kinds.insee_catalogue import OFFICIAL_BY_ID
    ind = OFFICIAL_BY_ID["taux_pauvrete"]
    revn = "Insee, Données par thématique QPV « Revenus », édition {}"
    assert source_line(ind, [revn.format(2022), revn.format(2021), None, revn.format(2022)]) == (
        "Insee, Données par thématique QPV « Revenus », éditions 2021 et 2022 — Filosofi")
    assert source_line(ind, [revn.format(2022)]).endswith("édition 2022 — Filosofi")
    assert source_line(ind, []) == f"{ind.producer}, {ind.dataset}"
    mixed = source_line(ind, [revn.format(2022), "Insee, Revenus par quartier, données par source"])
    assert mixed.count(" — Filosofi") == 2 and " ; " in mixed
