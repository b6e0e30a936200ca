"""What the Évolution and Comparer views export: their tables as shown, a chart, sources and notes.

Each `*_export` function turns a view (as the page draws it) into a `ViewExport`, whose `xlsx()` is
a workbook (one sheet per table, native Excel charts) and `csv()` a CSV French Excel opens (UTF-8
with BOM, `;`, decimal comma). The cells are those of the screen's tables (`evolution_table`,
`comparison_table`, `similarity_table`): numbers as numbers, "s" for secret cells, empty when there
is no value. No Streamlit here: the pages call these from a download button's callable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dq_core import fmt, french
from dq_core.explore.compare import (
    Comparison,
    Similarity,
    comparison_table,
    indicator_header,
    similarity_table,
)
from dq_core.explore.evolution import Evolution, evolution_table
from dq_core.export.formats import DEMO_SUFFIX, slug
from dq_core.export.tables import ChartSpec, TableSheet, table_to_csv, tables_to_xlsx
from dq_core.store.catalogue import Indicator

MAX_BAR_ROWS = 30          # a bar chart of more quartiers than this is unreadable: none then
CELL_LEGEND = "s : secret statistique ; cellule vide : pas de donnée."


@dataclass
class ViewExport:
    """One view, ready to be written: the workbook's sheets and the CSV's table."""
    title: str
    sheets: list[TableSheet]
    csv_frame: pd.DataFrame
    csv_decimals: dict[str, int] = field(default_factory=dict)
    demo: bool = False

    def xlsx(self, exported_on: date | None = None) -> bytes:
        return tables_to_xlsx(self.title, self.sheets, demo=self.demo, exported_on=exported_on)

    def csv(self) -> bytes:
        return table_to_csv(self.csv_frame, decimals=self.csv_decimals)


def filename(view: str, name: str, code: str, extension: str, *, demo: bool = False,
             exported_on: date | None = None) -> str:
    """`evolution_les-tilleuls-QNX0101M_2026-03-12.xlsx` (a demo workspace's files say so)."""
    code = re.sub(r"[^A-Za-z0-9]+", "", code) or "code"
    day = (exported_on or date.today()).isoformat()
    return f"{view}_{slug(name)}-{code}_{day}{DEMO_SUFFIX if demo else ''}.{extension}"


def sources(indicators: Sequence[Indicator], lines: dict[str, str] | None = None) -> list[str]:
    """« Source : … » once per source line (the stored editions, else producer and dataset); named per
    indicator when several. `lines`: indicator id → `explore.sources.source_line`."""
    by_line: dict[str, list[str]] = {}
    for ind in indicators:
        line = (lines or {}).get(ind.id) or f"{ind.producer}, {ind.dataset}"
        by_line.setdefault(line, []).append(ind.label)
    if len(indicators) <= 1:
        return [f"Source : {line}." for line in by_line]
    return [f"Source ({', '.join(labels)}) : {line}." for line, labels in by_line.items()]


def _rounded(value, decimals: int):
    """A number rounded as on screen; "s", text and None unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float) or pd.isna(value):
        return value
    return round(float(value), decimals)


# --- Évolution ------------------------------------------------------------------------------------

def evolution_export(evo: Evolution, *, demo: bool = False) -> ViewExport:
    """One sheet per indicator (its table and a line chart of every territory with a value); the CSV
    stacks the indicators' tables (they share their columns) under « Indicateur » and « Unité »."""
    sheets: list[TableSheet] = []
    stacked: list[pd.DataFrame] = []
    for ind in evo.indicators:
        table = evolution_table(evo, ind.id)
        unit = table.attrs.get("unit", ind.unit)
        decimals = int(table.attrs.get("decimals", ind.decimals))
        territories = [c for c in table.columns if c not in ("Période", "Remarques")]
        drawn = [c for c in territories if any(isinstance(v, int | float) and not pd.isna(v) for v in table[c])]
        chart = ChartSpec("line", categories="Période", values=drawn, title=ind.label,
                          y_title=None if unit in ("", "ratio") else unit,
                          zero_based=ind.kind == "count" and not evo.base100) if drawn else None
        unit_words = "" if unit in ("", "ratio") else f" ({unit})"
        notes = [CELL_LEGEND, *evo.notes_for(ind.id)]
        if evo.base100 and evo.bases.get(ind.id):
            notes.insert(0, f"Base 100 : chaque série vaut 100 en {fmt.period(evo.bases[ind.id])} ; on "
                            "compare des rythmes d'évolution, pas des niveaux.")
        sheets.append(TableSheet(ind.label, ind.label + unit_words, table, chart,
                                 units={c: unit for c in territories} if unit == "%" else {},
                                 decimals={c: decimals for c in territories}, notes=notes, sources=sources([ind], evo.sources)))
        flat = table.copy()
        for c in territories:
            flat[c] = [_rounded(v, decimals) for v in flat[c]]
        flat.insert(0, "Unité", "" if unit == "ratio" else unit)
        flat.insert(0, "Indicateur", ind.label)
        stacked.append(flat)
    csv_frame = (pd.concat(stacked, ignore_index=True) if stacked
                 else pd.DataFrame(columns=["Indicateur", "Unité", "Période", "Remarques"]))
    return ViewExport("Évolution", sheets, csv_frame, demo=demo)


# --- Comparer -------------------------------------------------------------------------------------

def comparison_export(comparison: Comparison, scope: str = "", *, demo: bool = False) -> ViewExport:
    """The table of every quartier kept by the filters; a bar chart of the first indicator when
    there are few enough quartiers to read one (else none, and a note says so)."""
    table = comparison_table(comparison)
    headers = {ind.id: indicator_header(ind, comparison.periods.get(ind.id)) for ind in comparison.indicators}
    units = {headers[i.id]: i.unit for i in comparison.indicators if i.unit == "%"}
    decimals = {headers[i.id]: i.decimals for i in comparison.indicators}
    chart = None
    notes = [CELL_LEGEND]
    if scope:
        notes.insert(0, f"Quartiers retenus : {scope}.")
    first = comparison.indicators[0] if comparison.indicators else None
    if first is not None and 0 < len(table) <= MAX_BAR_ROWS:
        chart = ChartSpec("bar", categories="Quartier", values=[headers[first.id]], title=headers[first.id])
    elif first is not None and len(table):
        notes.append(f"Pas de graphique : {fmt.number(len(table), 0)} quartiers, trop pour un diagramme "
                     f"lisible (au plus {MAX_BAR_ROWS}).")
    notes += comparison.notes
    sheet = TableSheet("Quartiers", "Comparer les quartiers", table, chart, units, decimals, notes,
                       sources(comparison.indicators, comparison.sources))
    return ViewExport("Comparer les quartiers", [sheet], table, decimals, demo=demo)


def similarity_export(similarity: Similarity, name: str, *, demo: bool = False) -> ViewExport:
    """The quartiers most like `name` (its code in `similarity.quartier`), as the page lists them."""
    table = similarity_table(similarity)
    labels = [i.label for i in similarity.indicators]
    units = {i.label: i.unit for i in similarity.indicators if i.unit == "%"}
    decimals = {"Écart moyen (écarts-types)": 2, **{i.label: i.decimals for i in similarity.indicators}}
    notes = ["Écart moyen : 0 = identiques, 1 = un écart-type en moyenne (valeurs centrées et réduites, "
             "effectifs en logarithme).",
             "Indicateurs de ressemblance : " + (", ".join(labels) or "aucun") + ".", *similarity.notes]
    if similarity.excluded:
        notes.append(f"{french.count(similarity.excluded, 'quartier écarté')} : trop peu d'indicateurs en "
                     "commun avec ce quartier.")
    title = f"Quartiers similaires {french.at(name)} ({similarity.quartier})"
    sheet = TableSheet("Quartiers similaires", title, table, None, units, decimals, notes,
                       sources(similarity.indicators))
    return ViewExport(title, [sheet], table, decimals, demo=demo)
