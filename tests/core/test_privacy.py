"""Secret statistique: small counts are hidden, and so is whatever would reveal them by subtraction."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dq_core.privacy import Relation, primary_secret, recoverable_cells, secondary_suppression


def test_primary_rule_hides_counts_below_the_threshold():
    assert primary_secret(10) and primary_secret(0)
    assert not primary_secret(11) and not primary_secret(None) and not primary_secret(3, None)


def test_total_minus_the_other_part_cannot_reveal_a_secret_part():
    values = {"ABC": 120, "ABC_F": 112, "ABC_H": 8}
    hidden = secondary_suppression(values, {"ABC_H"}, [Relation("ABC", ("ABC_F", "ABC_H"))])
    assert hidden == {"ABC_H", "ABC_F"}
    assert recoverable_cells(values, hidden, [Relation("ABC", ("ABC_F", "ABC_H"))]) == set()


def test_a_group_total_minus_the_other_quartiers_cannot_reveal_one_quartier():
    values = {"groupe": 95, "q1": 40, "q2": 47, "q3": 8}
    hidden = secondary_suppression(values, {"q3"}, [Relation("groupe", ("q1", "q2", "q3"))])
    assert "q3" in hidden and len(hidden) >= 2


def test_nothing_is_hidden_without_a_secret_cell():
    values = {"t": 30, "a": 15, "b": 15}
    assert secondary_suppression(values, set(), [Relation("t", ("a", "b"))]) == set()


def test_unavailable_cells_already_protect():
    values = {"t": 30, "a": None, "b": 5}
    assert secondary_suppression(values, {"b"}, [Relation("t", ("a", "b"))]) == {"b"}


def test_chained_relations_are_audited_as_a_whole():
    # rows and columns of a 2x2 table with margins: hiding one cell per row is not enough.
    values = {"a": 20, "b": 30, "c": 5, "d": 40, "r1": 50, "r2": 45, "c1": 25, "c2": 70, "t": 95}
    relations = [Relation("r1", ("a", "b")), Relation("r2", ("c", "d")), Relation("c1", ("a", "c")),
                 Relation("c2", ("b", "d")), Relation("t", ("r1", "r2"))]
    hidden = secondary_suppression(values, {"c"}, relations)
    assert recoverable_cells(values, hidden, relations) == set()


@st.composite
def tables(draw):
    """A random two-level table: rows of categories with row totals, column totals and a grand total."""
    n_rows, n_cols = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    cells = {(r, c): draw(st.integers(0, 60)) for r in range(n_rows) for c in range(n_cols)}
    values = dict(cells)
    relations = []
    for r in range(n_rows):
        values[(r, "total")] = sum(cells[(r, c)] for c in range(n_cols))
        relations.append(Relation((r, "total"), tuple((r, c) for c in range(n_cols))))
    if n_rows > 1:
        for c in range(n_cols):
            values[("total", c)] = sum(cells[(r, c)] for r in range(n_rows))
            relations.append(Relation(("total", c), tuple((r, c) for r in range(n_rows))))
    return values, relations


@settings(max_examples=150, deadline=None)
@given(tables())
def test_no_secret_cell_can_be_recovered_by_arithmetic(table):
    values, relations = table
    secret = {key for key, v in values.items() if primary_secret(v)}
    hidden = secondary_suppression(values, secret, relations)
    assert secret <= hidden
    assert recoverable_cells(values, hidden, relations) == set()
