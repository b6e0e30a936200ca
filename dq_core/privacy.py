"""Secret statistique: primary suppression of small counts and secondary suppression of the cells
that would let anyone recover a secret cell by subtraction.

The tables people publish hold additive relations: a total and its parts (job-seekers ABC = women +
men; a commune's total = its quartiers + the rest). If exactly one cell of such a relation is secret,
it equals the total minus the others. Secondary suppression hides more cells until every relation
has either no secret cell or at least two, which is what INSEE's rules ask of published tables —
checked on the whole system of relations, so that no combination of subtractions recovers a cell.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

DEFAULT_THRESHOLD = 11


@dataclass(frozen=True)
class Relation:
    """`total` = sum of `parts` (keys of cells in the same table)."""
    total: Hashable
    parts: tuple[Hashable, ...]

    @property
    def cells(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


def primary_secret(count: float | None, threshold: int | None = DEFAULT_THRESHOLD) -> bool:
    """A count computed from fewer than `threshold` units is secret (zero included: 0 < 11)."""
    return threshold is not None and count is not None and count < threshold


def secondary_suppression(values: Mapping[Hashable, float | None], secret: Iterable[Hashable],
                          relations: Iterable[Relation],
                          prefer: Callable[[Hashable], bool] | None = None) -> set[Hashable]:
    """The full set of cells to hide: the given secret cells plus complementary ones, so that no
    hidden cell can be recovered by combining the relations (not only one subtraction at a time).

    `values` holds every cell of the table (None = not available: unknown, so it protects like a
    hidden cell, but it is not returned). While some hidden cell is determined by the relations and
    the visible cells, the smallest visible part of a relation involving a determined cell is hidden
    too (parts before totals: a published total is the figure people use most).
    Deterministic: ties are broken by the key's text. `prefer(cell)` True marks the cells to hide
    first (an import hides its own cells before cells already published).
    """
    hidden = set(secret)
    relations = [r for r in relations if all(cell in values for cell in r.cells)]
    while True:
        leaking = recoverable_cells(values, hidden, relations)
        if not leaking:
            return hidden
        # Prefer a cell next to a leaking one; a leak can also come through other relations
        # (the row totals of a table sum to its column totals), then any visible cell will do.
        visible = (_visible(values, hidden, [r for r in relations if leaking & set(r.cells)])
                   or _visible(values, hidden, relations))
        if not visible:
            return hidden
        totals = {r.total for r in relations}
        hidden.add(min(visible, key=lambda c: (prefer is not None and not prefer(c), c in totals,
                                               values[c], str(c))))


def recoverable_cells(values: Mapping[Hashable, float | None], hidden: Iterable[Hashable],
                      relations: Iterable[Relation]) -> set[Hashable]:
    """Hidden cells whose value follows from the visible cells and the additive relations.

    A hidden cell is determined when its unit vector lies in the row space of the relations
    restricted to the unknown cells (hidden or unavailable).
    """
    hidden = [c for c in hidden if c in values]
    unknown = sorted({*hidden, *(c for c, v in values.items() if v is None)}, key=str)
    column = {c: i for i, c in enumerate(unknown)}
    rows = []
    for relation in relations:
        row = np.zeros(len(unknown))
        for cell, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
            if cell in column:
                row[column[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    leaking = set()
    for cell in hidden:
        unit = np.zeros(len(unknown))
        unit[column[cell]] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            leaking.add(cell)
    return leaking


def _visible(values, hidden, relations: list[Relation]) -> list[Hashable]:
    return [c for r in relations for c in r.cells if c not in hidden and values[c] is not None]
