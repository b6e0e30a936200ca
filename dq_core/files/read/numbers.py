"""French numbers as people write them (`1 234,5`, `1 234,5`, `12,5 %`, `1.234.567`) and the codes for "no figure".

One rule, three twins that tests keep in agreement: `parse_number` (one value), `numbers` (a pandas
column) and the SQL macro `dq_number` (millions of cells in a large partner file, parsed by DuckDB).
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

# Spaces people and spreadsheets put in numbers: space, no-break space, narrow no-break space, tab.
SPACES = " \t\u00a0\u202f\u2009"
# Cells meaning "no figure" (INSEE: `nd` non disponible, `ns` non significatif, `so` sans objet,
# `nc` non communiqué) and cells meaning "secret" (INSEE's `s`).
MISSING_TOKENS = {"", "-", "–", "—", "nd", "n.d.", "n/d", "na", "nan", "null", "none", "ns", "so", "s.o.", "nc"}
SECRET_TOKENS = {"s", "secret", "c", "confidentiel", "secret statistique"}


_SPACES_RE = "[" + SPACES + "]"
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_DOTTED_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?|[+-]?\d{1,3}(\.\d{3})+,\d+")


def parse_number(raw: object) -> float | None:
    """`1 234,5` / `1 234,5` / `12,5 %` / `1.234.567` / `3.5` → float; unreadable → None.

    The Python twin of the SQL macro `dq_number` (same rules; tests check they agree).
    """
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = "".join(ch for ch in str(raw).strip() if ch not in SPACES).rstrip("%")
    text = text.replace("\u2212", "-")
    if _DOTTED_THOUSANDS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _NUMBER.fullmatch(text):
        text = text.replace(",", ".")
    else:
        return None
    return float(text)


def numbers(column: pd.Series) -> pd.Series:
    """`parse_number` over a column of text, vectorised: floats, NaN where there is no readable number."""
    text = column.astype("string").str.strip().str.replace(_SPACES_RE, "", regex=True)
    text = text.str.rstrip("%").str.replace("\u2212", "-", regex=False)
    readable = text.str.fullmatch(_NUMBER.pattern).fillna(False).astype(bool)
    if text.str.contains(".", regex=False).any():          # `1.234.567` only then (rare: checked apart)
        dotted = text.str.fullmatch(_DOTTED_THOUSANDS.pattern).fillna(False).astype(bool)
        text = text.where(~dotted, text.str.replace(".", "", regex=False))
        readable |= dotted
    text = text.where(readable).str.replace(",", ".", regex=False)
    return pd.Series(text.astype("float64").to_numpy(dtype=float, na_value=float("nan")), index=column.index)


def number_to_text(value: float | int) -> str:
    """A number read from a spreadsheet cell, written so that `parse_number` reads it back exactly."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.15f}".rstrip("0")
    return text.replace(".", ",")


def install_macros(cur: duckdb.DuckDBPyConnection) -> None:
    """SQL twins of the Python parsers, as temporary macros of this cursor.

    `dq_clean(s)`: the text without spaces (any kind), final '%' and with '−' as '-';
    `dq_parse_clean(x)`: a DOUBLE or NULL from cleaned text; `dq_number(s)` = both;
    `dq_token(s)`: lower-case trimmed text for status words.
    """
    chain = "s"
    for ch in SPACES:
        chain = f"replace({chain}, '{ch}', '')"
    cur.execute(f"""CREATE OR REPLACE TEMP MACRO dq_clean(s) AS
        replace(rtrim({chain}, '%'), '\u2212', '-')""")
    # Nested CASEs: DuckDB evaluates a branch only on the rows that reach it (an AND would run the
    # regular expression on every row).
    cur.execute(r"""CREATE OR REPLACE TEMP MACRO dq_parse_clean(x) AS (
        CASE WHEN strpos(x, '.') > 0 AND strpos(x, '.') < length(x) - 2
             THEN CASE WHEN regexp_full_match(x, '[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?|[+-]?\d{1,3}(\.\d{3})+,\d+')
                       THEN TRY_CAST(replace(replace(x, '.', ''), ',', '.') AS DOUBLE)
                       WHEN regexp_full_match(x, '[+-]?(\d+([.,]\d*)?|[.,]\d+)')
                       THEN TRY_CAST(replace(x, ',', '.') AS DOUBLE) END
             WHEN regexp_full_match(x, '[+-]?(\d+([.,]\d*)?|[.,]\d+)')
             THEN TRY_CAST(replace(x, ',', '.') AS DOUBLE)
        END)""")
    # Most cells are plain numbers (`1234`, `12,5`): read them directly, clean the others.
    cur.execute(r"""CREATE OR REPLACE TEMP MACRO dq_number(s) AS (
        CASE WHEN regexp_full_match(s, '[+-]?[0-9]+([.,][0-9]+)?') THEN TRY_CAST(replace(s, ',', '.') AS DOUBLE)
             ELSE dq_parse_clean(dq_clean(s)) END)""")
    cur.execute("CREATE OR REPLACE TEMP MACRO dq_token(s) AS lower(trim(coalesce(s, '')))")
