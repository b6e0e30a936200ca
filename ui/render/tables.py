"""HTML and styled tables for the explore pages: French number formats, `s` for secret cells.

Tables come from dq_core with numbers as numbers, "s" for secret cells and None for missing values;
these helpers only format them. Every text is escaped: names may come from imported files.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd

from dq_core import fmt
from dq_core.store.glossary import GLOSSARY

STYLE = """
<style>
table.dq-data {border-collapse: collapse; font-size: 0.84rem; width: 100%}
table.dq-data caption {text-align: left; font-size: 0.78rem; color: #555; caption-side: bottom; padding-top: 4px}
table.dq-data th {text-align: right; font-weight: 600; border-bottom: 2px solid #999; padding: 3px 6px;
  vertical-align: bottom; min-width: 4.5rem}
table.dq-data td {text-align: right; padding: 3px 6px; border-bottom: 1px solid #e2e2e2; white-space: nowrap}
table.dq-data th:first-child, table.dq-data td:first-child {text-align: left}
table.dq-data td.note {text-align: left; white-space: normal; color: #555; font-size: 0.78rem; min-width: 12rem}
table.dq-data thead th {position: sticky; top: 0; background: #fff}
table.dq-data th.note {text-align: left}
table.dq-data abbr {text-decoration: underline dotted; cursor: help}
table.dq-data .muted {color: #888}
</style>
"""


__all__ = ["MISSING", "STYLE", "cell_text", "escape", "html_table", "styled"]


def cell_text(value, decimals: int) -> str:
    if isinstance(value, str):
        if value == fmt.SECRET_MARK:
            return f"<abbr title='{escape(GLOSSARY['Secret statistique'])}'>s</abbr>"
        return escape(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<span class='muted'>–</span>"
    return escape(fmt.number(float(value), decimals))


def _header(label: str) -> str:
    """'Commune : Villeneuve' → the kind on a small first line, the name below (narrower columns)."""
    kind, sep, name = label.partition(" : ")
    if not sep:
        return escape(label)
    return f"<span style='font-weight:400;color:#555'>{escape(kind)}</span><br>{escape(name)}"


def html_table(table: pd.DataFrame, decimals: int, caption: str | None = None,
               note_columns: tuple[str, ...] = ("Remarques",), max_height: str = "26rem") -> str:
    """A plain, accessible HTML table (screen readers, copy-paste into a document)."""
    head = "".join(f"<th scope='col' class='{'note' if c in note_columns else ''}'>{_header(str(c))}</th>"
                   for c in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for i, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            if column in note_columns:
                cells.append(f"<td class='note'>{escape(value or '')}</td>")
            elif i == 0:
                cells.append(f"<th scope='row' style='text-align:left;font-weight:400;white-space:nowrap'>"
                             f"{escape(str(value))}</th>")
            else:
                cells.append(f"<td>{cell_text(value, decimals)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f"<div style='overflow:auto;max-height:{max_height}'><table class='dq-data'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


MISSING = "–"        # st.dataframe(..., placeholder=MISSING): how an empty cell reads


def styled(table: pd.DataFrame, decimals: dict[str, int], highlight_code: str | None = None,
           code_column: str = "Code"):
    """A pandas Styler for st.dataframe (pass `placeholder=tables.MISSING`): numeric columns stay
    numbers, so sorting works, displayed the French way; the chosen quartier's row is highlighted.

    A secret cell must read "s": st.dataframe shows every empty cell with the same placeholder, so a
    secret cell carries −∞ (no information, and it sorts with the other secret cells at one end) and
    is displayed "s".
    """
    data = table.copy()
    secret_rows = {}
    for column in decimals:
        secret = data[column].map(lambda v: isinstance(v, str) and v == fmt.SECRET_MARK).to_numpy(bool)
        numbers = pd.to_numeric(data[column].where(~secret, None), errors="coerce").astype(float)
        numbers[secret] = -np.inf
        data[column] = numbers
        secret_rows[column] = data.index[secret]
    styler = data.style
    for column, places in decimals.items():
        styler = styler.format(lambda v, places=places: MISSING if pd.isna(v) else fmt.number(v, places),
                               subset=[column])
        if len(secret_rows[column]):
            styler = styler.format(lambda _v: fmt.SECRET_MARK, subset=pd.IndexSlice[secret_rows[column], [column]])
    if highlight_code is not None and code_column in data.columns:
        def mark(row):
            on = row[code_column] == highlight_code
            return ["background-color: #fde3c8; font-weight: 700" if on else "" for _ in row]
        styler = styler.apply(mark, axis=1)
    return styler
