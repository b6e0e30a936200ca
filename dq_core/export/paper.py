"""How a sheet goes on A4 paper: portrait or landscape, scale, and where a wide table splits.

Excel's « fit to one page wide » shrinks a wide table until nobody can read it (the Synthèse printed
at 4–5 pt). Instead a sheet is printed at a fixed scale no smaller than `MIN_SCALE`, and a table too
wide for one page is split between whole columns, its key columns (quartier, indicator) repeated on
every page as print titles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

A4_INCHES = (8.27, 11.69)
SIDE_MARGIN = 0.4                # inches, left and right
TOP_MARGIN, BOTTOM_MARGIN = 0.7, 0.6
DEFAULT_WIDTH = 8.43             # characters: a column whose width was never set
BASE_FONT = 10                   # points: every cell of an export (titles are larger)
MIN_PRINTED_FONT = 8.5           # points on paper: BASE_FONT × scale, at least this
MIN_SCALE = MIN_PRINTED_FONT / BASE_FONT


# A column `width` characters wide is stored as width + 5 px of padding (`width + 0.71`); Excel prints
# such a character at 5.25 pt (7 px of Calibri 11), LibreOffice wider, at about 5.57 pt (measured: A4
# portrait pages of columns 5, 10, 20 and 40 wide). Plans use the wider, so both print what is planned.
POINTS_PER_CHARACTER = 5.6


def column_points(width: float) -> float:
    """Printed width of a column `width` characters wide, as LibreOffice prints it (wider than Excel)."""
    return (width + 5 / 7) * POINTS_PER_CHARACTER


def printable_points(landscape: bool) -> float:
    paper = A4_INCHES[1] if landscape else A4_INCHES[0]
    return (paper - 2 * SIDE_MARGIN) * 72


def page_height_points(plan: PrintPlan) -> float:
    """Height of a page's printable area, in the sheet's own (unscaled) points."""
    paper = A4_INCHES[0] if plan.landscape else A4_INCHES[1]
    return (paper - TOP_MARGIN - BOTTOM_MARGIN) * 72 * 100 / plan.scale


@dataclass(frozen=True)
class PrintPlan:
    landscape: bool
    scale: int                               # percent
    breaks: tuple[int, ...] = ()             # first column of each page after the first
    key_columns: int = 0                     # columns repeated on every page (only when split)


def plan(widths: Sequence[float], *, key_columns: int = 0, min_points: float = 0.0) -> PrintPlan:
    """The print layout of a sheet whose columns are `widths` characters wide (and whose drawings
    need `min_points` of width): portrait if it is readable so, else landscape, else landscape
    split into pages of whole columns with the first `key_columns` repeated."""
    points = [column_points(w) for w in widths]
    total = max(sum(points), min_points)
    for landscape in (False, True):
        scale = min(1.0, printable_points(landscape) / total)
        if scale >= MIN_SCALE:
            return PrintPlan(landscape, _percent(scale))
    page = printable_points(True)
    key = sum(points[:key_columns])
    budget = page / MIN_SCALE - key
    breaks, used, widest = [], 0.0, 0.0
    for col in range(key_columns, len(points)):
        if used and used + points[col] > budget:
            breaks.append(col)
            widest, used = max(widest, used), 0.0
        used += points[col]
    widest = max(widest, used, min_points - key)
    return PrintPlan(True, _percent(min(1.0, page / (key + widest))), tuple(breaks),
                     key_columns if breaks else 0)


def printed_columns(widths: Sequence[float], min_points: float = 0.0) -> int:
    """How many columns a sheet prints: its table's, and enough default-width ones (8.43
    characters) after them to hold drawings `min_points` wide."""
    count, points = len(widths), sum(column_points(w) for w in widths)
    while points < min_points:
        count, points = count + 1, points + column_points(DEFAULT_WIDTH)
    return max(count, 1)


def _percent(scale: float) -> int:
    return max(10, math.floor(scale * 100))
