"""The vectorised `numbers` and `parse_number` read every French number alike (one rule, twins)."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dq_core.files.read.numbers import numbers, parse_number

CASES = ["1 234,5", "1\u202f234,5", "1\u00a0428\u00a0400", "12,5 %", "1.234.567", "1.234,5", "3.5", "5,", ",5",
         "+2", "-10,1", "\u221210", "s", "nd", "so", "", None, "1e5", "inf", "nan", "abc", "1,2,3"]


def _same(vector: float, single: float | None) -> bool:
    return (single is None and vector != vector) or vector == single


def test_known_cases_agree():
    for text, value in zip(CASES, numbers(pd.Series(CASES, dtype="string")), strict=True):
        assert _same(value, parse_number(text)), text


@settings(deadline=None)             # a property, not a timing: a busy machine must not fail it
@given(st.lists(st.text(alphabet="0123456789 ,.%-+\u202fs", max_size=9), max_size=30))
def test_any_text_agrees(texts):
    for text, value in zip(texts, numbers(pd.Series(texts, dtype="string")), strict=True):
        assert _same(value, parse_number(text)), text
