"""2015 ↔ 2024: the perimeter notice of a 2024 quartier and its series followed back through ANCT's
correspondence, with the break marked (fixture files written here in the official layouts)."""

import pytest

from dq_core.errors import DQError
from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.store import db
from dq_core.store.geography import linked_series, perimeter_notice, predecessors, quartier_notice, successors
from tests.linked_fixtures import revn
from tests.official_fixtures import correspondence_csv

LIST_2024 = ("\ufeffcode_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci;;;\n"
             "QN04413M;Malakoff;52;Pays de la Loire;44;Loire-Atlantique;44109;Nantes;244400404;Nantes Métropole;;;\n"
             'QN04405M;Bellevue;52;Pays de la Loire;44;Loire-Atlantique;"44109; 44162";"Nantes; Saint-Herblain";'
             "244400404;Nantes Métropole;;;\n"
             "QN03503I;Bréquigny - Champs-Manceaux - Les Clôteaux;53;Bretagne;35;Ille-et-Vilaine;35238;Rennes;"
             "243500139;Rennes Métropole;;;\n"
             "QN04914N;Gide - Colomb;52;Pays de la Loire;49;Maine-et-Loire;49353;Trélazé;244900015;Angers Loire "
             "Métropole;;;\n").encode("utf-8")


@pytest.fixture
def linked_db(tmp_path):
    con = db.connect(tmp_path / "linked.duckdb")
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
    files = [
        ("REVN_2017.csv", revn("QP044013;Malakoff;20,0;38,0;12\u202f000;0;1\u202f200;300;400;100;0",
                               "QP044005;Bellevue;20,0;40,0;11\u202f000;0;2\u202f000;300;400;100;0",
                               "QP044006;Bellevue Ouest;20,0;40,0;11\u202f000;0;500;300;400;100;0",
                               "QP035003;Les Clôteaux - Champs Manceaux;20,0;30,0;14\u202f000;0;900;300;400;100;0")),
        ("REVN_2022.csv", revn("QP044013;Malakoff;22,8;47,3;13\u202f320;0;1\u202f301;456;336;134;0",
                               "QP044005;Bellevue;20,0;41,0;11\u202f500;0;2\u202f100;300;400;100;0",
                               "QP044006;Bellevue Ouest;20,0;41,0;11\u202f500;0;;300;400;100;0",
                               "QP035003;Les Clôteaux - Champs Manceaux;20,0;31,0;14\u202f500;0;950;300;400;100;0")),
        # A 2024-geography edition for one quartier: its own series starts in 2024.
        ("REVN_2024.csv", revn("QN04413M;Malakoff;23,0;45,0;13\u202f900;0;1\u202f250;400;300;120;0",
                               "QN03503I;Bréquigny;21,0;32,0;14\u202f800;0;1\u202f000;300;400;100;0")),
        ("listeqp2024-cog2024.csv", LIST_2024),
        ("liste-correspondance-qp2024-qp2015.csv", correspondence_csv([
            ("QN04413M", "Malakoff", "Modifié", [("QP044013", "Malakoff")]),
            ("QN04405M", "Bellevue", "Modifié", [("QP044005", "Bellevue"), ("QP044006", "Bellevue Ouest")]),
            ("QN03503I", "Bréquigny - Champs-Manceaux - Les Clôteaux", "Inchangé",
             [("QP035003", "Les Clôteaux - Champs Manceaux")]),
            ("QN04914N", "Gide - Colomb", "Nouveau", [])])),
    ]
    report = import_sources(cur, [FileSource(name, data=data) for name, data in files])
    assert not report.errors and len(report.imported) == 5, report.summary()
    yield cur
    con.close()


def test_perimeter_notice_from_the_code_letter():
    assert perimeter_notice("QP044013") is None
    modified = perimeter_notice("QN04413M", [("QP044013", "Malakoff")])
    assert modified.caution and modified.text.startswith("Périmètre modifié en 2024 : comparer avec prudence")
    assert "Malakoff (QP044013)" in modified.text
    assert not perimeter_notice("QN04914N").caution and "Nouveau" in perimeter_notice("QN04914N").text
    assert "inchangé" in perimeter_notice("QN03503I").text


def test_a_modified_quartier_continues_its_predecessor_with_a_break(linked_db):
    series = linked_series(linked_db, "QN04413M", "taux_pauvrete")
    assert [(p.territory, p.point.period, p.point.value) for p in series.points] == [
        ("QP044013", "2013", 38.0), ("QP044013", "2018", 47.3), ("QN04413M", "2024", 45.0)]
    assert [p.point.is_break for p in series.points] == [False, False, True]
    assert series.break_period == "2024" and series.predecessors == [("QP044013", "Malakoff")]
    assert "prudence" in series.notice.text


def test_an_unchanged_quartier_continues_without_a_break(linked_db):
    series = linked_series(linked_db, "QN03503I", "taux_pauvrete")
    assert [p.point.value for p in series.points] == [30.0, 31.0, 32.0]
    assert not any(p.point.is_break for p in series.points) and series.break_period is None


def test_merged_quartiers_sum_their_counts_and_refuse_rates(linked_db):
    counts = linked_series(linked_db, "QN04405M", "allocataires_caf")
    assert [(p.point.period, p.point.value, p.point.secret) for p in counts.points] == [
        ("2017", 2500.0, False), ("2022", None, True)]            # a secret member keeps the sum secret
    assert counts.break_period == "2024"
    rates = linked_series(linked_db, "QN04405M", "taux_pauvrete")
    assert [p.point.value for p in rates.points] == [None, None]   # no numerator/denominator published


def test_a_new_quartier_has_no_history(linked_db):
    series = linked_series(linked_db, "QN04914N", "taux_pauvrete")
    assert series.points == [] and series.predecessors == []
    assert quartier_notice(linked_db, "QN04914N").status == "N"


def test_links_both_ways(linked_db):
    assert predecessors(linked_db, "QN04405M") == [("QP044005", "Bellevue"), ("QP044006", "Bellevue Ouest")]
    assert successors(linked_db, "QP044013") == [("QN04413M", "Malakoff")]
    assert linked_series(linked_db, "QP044013", "taux_pauvrete").predecessors == []


def _state(cur) -> dict[str, tuple]:
    """Every table's checksum but the history's own bookkeeping."""
    from tests.core.test_import_refusals import database_checksum
    return {t: v for t, v in database_checksum(cur).items()
            if t not in ("import_batch", "meta") and not t.startswith("journal_")}


def test_official_imports_are_listed_and_undone_exactly(tmp_path):
    from dq_core.files.history import import_history, undo_import

    con = db.connect(tmp_path / "undo.duckdb")
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
    empty = _state(cur)
    first = import_sources(cur, [FileSource("REVN_2017.csv", data=revn(
        "QP044013;Malakoff;20,0;38,0;12\u202f000;0;1\u202f200;300;400;100;0"))])
    after_first = _state(cur)
    later = import_sources(cur, [FileSource(name, data=data) for name, data in [
        ("REVN_2022.csv", revn("QP044013;Malakoff Nord;22,8;47,3;13\u202f320;0;1\u202f301;456;336;134;0",
                               "QP044005;Bellevue;20,0;41,0;11\u202f500;0;2\u202f100;300;400;100;0")),
        ("listeqp2024-cog2024.csv", LIST_2024),
        ("liste-correspondance-qp2024-qp2015.csv", correspondence_csv([
            ("QN04413M", "Malakoff", "Modifié", [("QP044013", "Malakoff")])]))]])
    assert len(first.imported) == 1 and len(later.imported) == 3, later.summary()
    history = import_history(cur)
    assert [h.source for h in history] == ["officiel"] * 4 and all(h.undoable for h in history)
    with pytest.raises(DQError, match="annulez d'abord"):
        undo_import(cur, history[-1].id)          # the 2022 edition replaced some of its values
    for entry in history[:3]:
        undo_import(cur, entry.id)
    assert _state(cur) == after_first
    undo_import(cur, history[-1].id)
    # The eight domains are the catalogue's fixed frame, written with the first indicators and kept.
    assert {t: v for t, v in _state(cur).items() if t != "domain"} == {t: v for t, v in empty.items() if t != "domain"}
    assert import_sources(cur, [FileSource("REVN_2017.csv", data=revn(
        "QP044013;Malakoff;20,0;38,0;12\u202f000;0;1\u202f200;300;400;100;0"))]).imported, "undone: importable again"
    con.close()
