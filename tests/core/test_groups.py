"""Groups of quartiers: kept in the database, aggregated by the rules (sums, rates from sums, no medians)."""

import itertools

import pytest

from dq_core.errors import DQError
from dq_core.explore.compare import quartier_places
from dq_core.explore.groups import (
    create_group,
    delete_group,
    get_group,
    group_series,
    list_groups,
    member_source_label,
    member_sources,
    update_group,
    with_territory,
)
from dq_core.privacy import Relation, recoverable_cells
from dq_core.store import db
from dq_core.store.catalogue import load_indicators
from dq_core.store.territories import get_quartier, list_quartiers
from tests.compare_factory import observations


@pytest.fixture
def cur(fresh_compare_db):
    con = db.connect(fresh_compare_db)
    yield con.cursor()
    con.close()


def _indicators(cur, *ids):
    catalogue = {i.id: i for i in load_indicators(cur)}
    return [catalogue[i] for i in ids]


def _cell(territory, indicator, year=2021):
    return next(r for r in observations() if (r["territory"], r["indicator"], r["period"]) ==
                (territory, indicator, str(year)))


def test_a_group_is_kept_in_the_database_as_a_territory(cur):
    version = db.data_version(cur)
    group = create_group(cur, "  Contrat de ville   Agglo Une ", ["qc01", "QC02", "QC03", "QC02"])
    assert group.code == "GRP0001"
    assert group.name == "Contrat de ville Agglo Une"
    assert group.members == ("QC01", "QC02", "QC03")          # upper-cased, deduplicated, in order
    assert group.vintage == 2024
    assert db.data_version(cur) != version                     # page caches are refreshed
    assert cur.execute("SELECT level FROM territory WHERE code = 'GRP0001'").fetchone() == ("groupe",)
    assert cur.execute("SELECT parent, rank FROM territory_link WHERE child = 'GRP0001' ORDER BY rank"
                       ).fetchall() == [("QC01", 1), ("QC02", 2), ("QC03", 3)]
    assert create_group(cur, "Deux", ["QC04", "QC05"]).code == "GRP0002"
    assert [g.name for g in list_groups(cur)] == ["Contrat de ville Agglo Une", "Deux"]


def test_groups_leave_the_quartiers_ancestry_untouched(cur):
    before = get_quartier(cur, "QC01")
    create_group(cur, "G", ["QC01", "QC02"])
    after = get_quartier(cur, "QC01")
    assert after.references == before.references and after.communes == before.communes
    assert "GRP0001" not in {q.code for q in list_quartiers(cur)}


def test_rename_change_members_and_delete(cur):
    group = create_group(cur, "G", ["QC01", "QC02"])
    group = update_group(cur, group.code, name="Nouveau nom", members=["QC01", "QC02", "QC11"])
    assert (group.name, group.members) == ("Nouveau nom", ("QC01", "QC02", "QC11"))
    delete_group(cur, group.code)
    assert list_groups(cur) == []
    assert cur.execute("SELECT count(*) FROM territory_link WHERE child = ?", [group.code]).fetchone()[0] == 0
    with pytest.raises(DQError, match="Groupe inconnu"):
        get_group(cur, group.code)


@pytest.mark.parametrize("name, members, message", [
    ("", ["QC01", "QC02"], "Donnez un nom"),
    ("x" * 81, ["QC01", "QC02"], "trop long"),
    ("Seul", ["QC01"], "au moins 2 quartiers"),
    ("Inconnu", ["QC01", "QZ99"], "QZ99"),
    ("Mélange", ["QC01", "QP01"], "même géographie prioritaire"),
])
def test_bad_groups_are_refused_in_french_and_nothing_is_written(cur, name, members, message):
    with pytest.raises(DQError, match=message):
        create_group(cur, name, members)
    assert list_groups(cur) == []
    assert cur.execute("SELECT count(*) FROM territory_link WHERE child LIKE 'GRP%'").fetchone()[0] == 0


def test_two_groups_cannot_share_a_name(cur):
    create_group(cur, "Centre", ["QC01", "QC02"])
    with pytest.raises(DQError, match="déjà"):
        create_group(cur, "centre", ["QC04", "QC05"])


def test_counts_add_up_and_rates_are_recomputed_from_numerators_and_denominators(cur):
    group = create_group(cur, "G", ["QC01", "QC02", "QC03"])
    series = group_series(cur, group, _indicators(cur, "pop_totale", "taux_pauvrete"))
    pop = {p.period: p for p in series["pop_totale"]}
    assert pop["2021"].status == "ok"
    assert pop["2021"].value == sum(_cell(q, "pop_totale")["value"] for q in ("QC01", "QC02", "QC03"))
    rate = {p.period: p for p in series["taux_pauvrete"]}["2021"]
    cells = [_cell(q, "taux_pauvrete") for q in ("QC01", "QC02", "QC03")]
    numerator, denominator = sum(c["numerator"] for c in cells), sum(c["denominator"] for c in cells)
    assert rate.value == pytest.approx(100 * numerator / denominator)
    mean_of_rates = sum(c["value"] for c in cells) / 3
    assert abs(rate.value - mean_of_rates) > 0.5              # not the average of the rates
    assert [p.period for p in series["pop_totale"]] == [str(y) for y in range(2016, 2022)]


def test_medians_are_non_aggregable_never_averaged(cur):
    group = create_group(cur, "G", ["QC01", "QC02"])
    series = group_series(cur, group, _indicators(cur, "revenu_median_uc"))["revenu_median_uc"]
    assert series and all(p.status == "non_agregeable" and p.value is None for p in series)


def test_a_secret_member_makes_the_group_cell_secret(cur):
    group = create_group(cur, "G", ["QC03", "QC11"])
    series = {p.period: p for p in group_series(cur, group, _indicators(cur, "taux_pauvrete"))["taux_pauvrete"]}
    assert series["2021"].secret and series["2021"].value is None
    assert series["2020"].status == "ok"                        # QC11 is secret in 2021 only


def test_a_member_without_data_leaves_the_group_incomplete(cur):
    group = create_group(cur, "G", ["QC06", "QC12"])            # QC12 has no unemployment rate
    series = group_series(cur, group, _indicators(cur, "taux_chomage"))["taux_chomage"]
    assert series and all(p.status == "incomplet" and p.value is None and p.missing_members == 1 for p in series)


def test_groups_never_let_a_secret_quartier_be_recovered(cur):
    """Whatever groups a user builds, the published group totals and the visible quartiers never
    determine a secret quartier's count by subtraction."""
    cur.execute("UPDATE observation SET value = NULL, is_secret = true "
                "WHERE territory = 'QC11' AND indicator = 'pop_totale' AND period = '2021'")
    members = ["QC01", "QC03", "QC11", "QC02"]
    indicator = _indicators(cur, "pop_totale")[0]
    values = {q: (None if q == "QC11" else _cell(q, "pop_totale")["value"]) for q in members}
    values["QC11"] = 0.0                                          # its true value: unknown to a reader
    hidden, relations = {"QC11"}, []
    for size in (2, 3, 4):
        for combo in itertools.combinations(members, size):
            group = create_group(cur, "G " + " ".join(combo), list(combo))
            cell = {p.period: p for p in group_series(cur, group, [indicator])[indicator.id]}["2021"]
            assert cell.secret == ("QC11" in combo)
            values[group.code] = cell.value if not cell.secret else 0.0
            if cell.secret:
                hidden.add(group.code)
            relations.append(Relation(group.code, combo))
    assert recoverable_cells(values, hidden, relations) == set()


def test_building_a_group_is_not_listed_as_an_import(cur):
    from dq_core.files.history import import_history

    before = import_history(cur)
    create_group(cur, "Contrat de ville Est", ["QC01", "QC02"])
    assert import_history(cur) == before


def test_the_territories_offered_for_adding_quartiers_at_once(cur):
    places = quartier_places(cur)
    assert member_sources(places) == ["E2", "E3", "E1", "C1", "C2", "C4", "C5", "C3", "C6", "D2", "D3", "D1"]
    assert member_source_label(places, "E1") == "Agglomération : Agglo Une"
    assert member_source_label(places, "C6") == "Commune : Zêta-les-Bains"


def test_adding_a_territory_adds_its_quartiers_of_the_same_geography_once(cur):
    places = quartier_places(cur)
    assert with_territory([], places, "C1", 2024) == ["QC02", "QC01"]           # by name; not QP01 (2015)
    assert with_territory([], places, "C1", 2015) == ["QP01"]
    # QC10 lies in Zêta-les-Bains and Epsilon: adding Epsilon brings it too, after what was chosen.
    assert with_territory(["QC10", "QC01"], places, "C5", 2024) == ["QC10", "QC01", "QC08", "QC07"]
    members = with_territory(["QC01"], places, "E1", 2024)
    assert sorted(members) == ["QC01", "QC02", "QC03", "QC11"] and members[0] == "QC01"
    assert create_group(cur, "Agglo Une", members).members == tuple(members)
