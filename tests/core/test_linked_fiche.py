"""A 2024 quartier's fiche, Évolution, workbook and CLI continue its 2015 predecessor(s) through ANCT's
correspondence: the figure says whose it is, the perimeter change is marked, merged quartiers sum their
counts and refuse medians, an unchanged perimeter continues without a break, and an empty fiche says
which file would fill it."""

import io
import json
import shutil

import openpyxl
import pytest

from dq_core.cli import main
from dq_core.explore.evolution import build_evolution, evolution_table
from dq_core.explore.fiche import build_fiche
from dq_core.explore.texts import dossier_text
from dq_core.export.fiche_workbook import fiche_workbook_bytes
from dq_core.store import db
from tests.linked_fixtures import add_2024_base, build_linked_db


def _workspace(tmp_path_factory, name, **options):
    return build_linked_db(tmp_path_factory.mktemp(name) / f"{name}.duckdb", **options)


@pytest.fixture(scope="module")
def without_2024(tmp_path_factory):
    return _workspace(tmp_path_factory, "without2024", with_2024=False)


@pytest.fixture(scope="module")
def with_2024(without_2024, tmp_path_factory):
    path = tmp_path_factory.mktemp("with2024") / "with2024.duckdb"
    shutil.copyfile(without_2024, path)
    return add_2024_base(path)


@pytest.fixture
def cur_2024(with_2024):
    con = db.connect(with_2024)
    yield con.cursor()
    con.close()


@pytest.fixture
def cur_2015(without_2024):
    con = db.connect(without_2024)
    yield con.cursor()
    con.close()


def test_one_predecessor_without_a_2024_base(cur_2015):
    fiche = build_fiche(cur_2015, "QN04413M")
    line = fiche.line("taux_pauvrete")
    assert [(p.period, p.value) for p in line.series] == [("2013", 38.0), ("2018", 47.3)]
    assert line.latest_from_predecessor and line.link.whose == "du quartier 2015 QP044013"
    assert line.change_previous == pytest.approx(9.3) and line.previous.period == "2013"
    assert fiche.lineage.text.startswith("Périmètre modifié en 2024 : série du quartier 2015 QP044013 "
                                         "jusqu'en 2022. Aucune base de l'Insee en géographie 2024")
    assert fiche.population.value == 3486 and fiche.population_origin() == "quartier 2015 QP044013"
    sentence = next(s.text for s in dossier_text(fiche).sentences if s.indicator_id == "taux_pauvrete")
    assert "47,3" in sentence and "(chiffre du quartier 2015 QP044013, géographie 2015)" in sentence


def test_own_2024_figures_follow_their_predecessor_after_a_break(cur_2024):
    fiche = build_fiche(cur_2024, "QN04413M")
    line = fiche.line("taux_pauvrete")
    assert [(p.period, p.value, p.is_break) for p in line.series] == [
        ("2013", 38.0, False), ("2018", 47.3, False), ("2024", 45.0, True)]
    assert not line.latest_from_predecessor and line.latest.value == 45.0
    assert line.previous.period == "2018" and line.change_previous is None      # not across the break
    assert fiche.line("pop_totale").latest_from_predecessor                      # no 2024 population
    assert "rupture de série, comparer avec prudence" in fiche.lineage.text


def test_an_unchanged_perimeter_continues_without_a_break(cur_2024):
    line = build_fiche(cur_2024, "QN03503I").line("taux_pauvrete")
    assert [p.value for p in line.series] == [30.0, 31.0, 32.0] and not any(p.is_break for p in line.series)
    assert line.change_previous == pytest.approx(1.0)


def test_merged_quartiers_sum_counts_and_refuse_medians(cur_2015):
    fiche = build_fiche(cur_2015, "QN04405M")
    caf = fiche.line("allocataires_caf")
    assert [(p.period, p.value, p.secret) for p in caf.series] == [("2017", 2500.0, False), ("2022", None, True)]
    assert caf.latest.secret and caf.previous is None            # a secret member keeps the sum secret
    assert caf.latest.note.startswith("Non diffusé par le producteur")         # INSEE's blank, inherited
    assert fiche.population.value == 6000 and fiche.population_origin() == "quartiers 2015 QP044005 et QP044006"
    median = fiche.line("revenu_median_uc")
    assert median.latest is None and "médiane" in median.link.refused
    rate = fiche.line("taux_pauvrete")
    assert not rate.has_value and "non recalculable" in rate.link.refused    # never an average of rates
    assert "série des quartiers 2015 QP044005 et QP044006 (effectifs additionnés" in fiche.lineage.text
    notes = " ".join(dossier_text(fiche).notes)
    assert "Taux de pauvreté (seuil à 60 %) : non recalculable" in notes


def test_a_2015_quartier_is_not_linked(cur_2024):
    fiche = build_fiche(cur_2024, "QP044013")
    assert fiche.lineage is None and all(line.link is None for line in fiche.lines())


def test_an_empty_2024_fiche_says_which_file_would_fill_it(cur_2015):
    new = build_fiche(cur_2015, "QN04914N").lineage.empty_reason
    assert "nouveau quartier prioritaire en 2024" in new and "insee.fr/fr/statistiques/8186144" in new
    left_out = build_fiche(cur_2015, "QN04401M").lineage.empty_reason
    assert "ne lui donne aucun quartier 2015" in left_out
    assert build_fiche(cur_2015, "QN04413M").lineage.empty_reason is None
    cur_2015.execute("BEGIN TRANSACTION")
    cur_2015.execute("DELETE FROM correspondence")            # as before ANCT's table is imported
    db.bump_data_version(cur_2015)                            # as every write through dq_core does
    reason = build_fiche(cur_2015, "QN04413M").lineage.empty_reason
    cur_2015.execute("ROLLBACK")
    assert "liste-correspondance-qp2024-qp2015.csv) n'est pas importée" in reason


def test_evolution_continues_the_predecessor_with_the_change_marked(cur_2024):
    evo = build_evolution(cur_2024, ["taux_pauvrete"], ["QN04413M"])
    table = evolution_table(evo, "taux_pauvrete")
    assert table["Malakoff"].tolist() == [38.0, 47.3, 45.0]
    assert table["Remarques"].tolist() == ["valeur du quartier 2015 QP044013 : Malakoff"] * 2 + [
        "rupture de série : Malakoff"]
    assert ("Malakoff : périmètre modifié en 2024 : série du quartier 2015 QP044013 jusqu'en 2018."
            in evo.notes_for("taux_pauvrete"))


def test_the_workbook_says_whose_figures_they_are(cur_2015):
    book = openpyxl.load_workbook(io.BytesIO(fiche_workbook_bytes(cur_2015, "QN04405M")))
    synthese = [str(c) for row in book["Synthèse"].iter_rows(values_only=True) for c in row if c is not None]
    assert any(c.startswith("Périmètre modifié en 2024 : série des quartiers 2015 QP044005 et QP044006")
               for c in synthese)
    assert any(c.endswith(", quartiers 2015 QP044005 et QP044006)") for c in synthese)    # the population
    assert "2018 (quartiers 2015 QP044005 et QP044006)" in synthese                   # a latest value's period
    warnings = [row for row in book["Avertissements"].iter_rows(values_only=True) if row[0]]
    perimeter = [row for row in warnings if row[0] == "Périmètre 2024"]
    assert len(perimeter) == 1 and perimeter[0][4].startswith("Périmètre modifié en 2024 : série des quartiers")


def test_the_cli_profile_marks_the_2015_figures(without_2024, capsys):
    assert main(["profile", "QN04413M", "--db", str(without_2024)]) == 0
    out = capsys.readouterr().out
    assert "Périmètre modifié en 2024 : série du quartier 2015 QP044013 jusqu'en 2022." in out
    assert "47,3\u00a0%*" in out and out.rstrip().endswith("* valeur du quartier 2015 QP044013 (géographie 2015)")
    assert main(["profile", "QN04413M", "QN04914N", "--json", "--db", str(without_2024)]) == 0
    linked, new = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    rate = next(i for i in linked["indicators"] if i["id"] == "taux_pauvrete")
    assert rate["value"] == 47.3 and rate["period"] == "2018" and rate["origin"] == ["QP044013"]
    assert rate["series_note"] == "Périmètre modifié en 2024 : série du quartier 2015 QP044013 jusqu'en 2018"
    assert linked["perimeter"]["status"] == "M" and linked["perimeter"]["predecessors"] == ["QP044013"]
    assert new["perimeter"]["empty_reason"].startswith("Pas de chiffre pour ce quartier : nouveau quartier")


def test_comparer_and_the_map_say_when_2024_quartiers_have_no_figure_of_their_own(cur_2015, cur_2024):
    from dq_core.explore import compare, maps

    without = compare.build_comparison(cur_2015, ["taux_pauvrete"], compare.Filters())
    assert any("géographie 2024 n'ont pas de chiffre propre" in n for n in without.notes)
    assert without.rows.set_index("code")["taux_pauvrete"].isna()["QN04413M"]   # no 2015 figure put in
    assert any("pas de chiffre propre" in m for m in maps.build_choropleth(cur_2015, "taux_pauvrete").messages)
    with_own = compare.build_comparison(cur_2024, ["taux_pauvrete"], compare.Filters())
    assert not any("pas de chiffre propre" in n for n in with_own.notes)
