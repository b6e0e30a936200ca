"""The downloadable Excel template reads as a document, in the words its instructions use."""

from __future__ import annotations

import io

import openpyxl

from dq_core.files import build_template
from dq_core.files.partner.declarations import DIRECTION_WORDS, DIRECTIONS, KIND_WORDS, KINDS
from dq_core.files.partner.template import CATALOGUE_COLUMNS
from dq_core.files.read.text import normalise_text
from dq_core.store.catalogue import load_indicators


def workbook(cur):
    return openpyxl.load_workbook(io.BytesIO(build_template(cur, kind="xlsx")))


def test_the_instructions_sheet_holds_no_markdown_and_its_table_is_in_columns(cur):
    sheet = workbook(cur)["mode_d_emploi"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    joined = "\n".join(texts)
    assert "|" not in joined and "**" not in joined and "`" not in joined and "---" not in joined
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "colonne")
    assert header[:3] == ("colonne", "contenu", "exemple")
    periode = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "periode")
    assert periode[2].startswith("2023 · 2023-T2")
    assert any("Séparateur « ; », « , » ou tabulation" in t for t in texts)
    assert any(t.startswith("Secret statistique. Un effectif") for t in texts)    # one paragraph, not cut lines


def test_the_catalogue_sheet_speaks_the_instructions_words(cur):
    sheet = workbook(cur)["catalogue"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CATALOGUE_COLUMNS
    kinds = {r[CATALOGUE_COLUMNS.index("nature")] for r in rows[1:]}
    directions = {r[CATALOGUE_COLUMNS.index("sens")] for r in rows[1:]}
    assert kinds <= set(KIND_WORDS.values()) and {"effectif", "taux"} <= kinds
    assert directions <= set(DIRECTION_WORDS.values())
    assert not kinds & {"count", "rate", "median", "ratio", "mean", "index"}
    stored = {ind.id: ind for ind in load_indicators(cur)}
    for row in rows[1:]:                    # each word reads back as the stored code in a declaration
        ind = stored[row[0]]
        assert KINDS[normalise_text(row[CATALOGUE_COLUMNS.index("nature")])] == ind.kind
        assert DIRECTIONS[normalise_text(row[CATALOGUE_COLUMNS.index("sens")])] == ind.direction
