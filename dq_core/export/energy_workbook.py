"""The energy workbook: the targeting list, the alerts and the price scenario of the page « Énergie », with
the methods and sources behind them — the same rules as every export (French, sources and years,
secrecy, printable on A4; `export.tables`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from dq_core.energy import alerts as alert_rules
from dq_core.energy import display
from dq_core.export.formats import DEMO_SUFFIX, slug
from dq_core.export.tables import TableSheet, tables_to_xlsx
from dq_core.store import db

CELL_LEGEND = "s : secret statistique ; cellule vide : pas de donnée."


@dataclass
class EnergyExport:
    """What the workbook holds, already computed (by the page, from its cached answers, or by `build`)."""
    scope: str                                  # « quartier Les Tilleuls (QNX0101M) », « tous les quartiers »
    targeting: pd.DataFrame
    alerts: pd.DataFrame
    scenario: pd.DataFrame | None = None
    scenario_title: str = ""
    methods: Sequence[tuple[str, str]] = ()     # (subject, French text)
    sources: Sequence[str] = ()
    notes: Sequence[str] = field(default_factory=list)
    demo: bool = False

    def xlsx(self, exported_on: date | None = None) -> bytes:
        return energy_workbook_bytes(self, exported_on=exported_on)


def energy_workbook_bytes(data: EnergyExport, *, exported_on: date | None = None) -> bytes:
    """« Ciblage », « Alertes », « Scénario de prix » (when given) and « Méthodes et sources »."""
    sources = [f"Source : {s}." for s in data.sources]
    sheets = [
        TableSheet("Ciblage", f"Liste de ciblage — {data.scope}", data.targeting, None, {},
                   display.TARGETING_DECIMALS, [CELL_LEGEND, *display.TARGETING_NOTES, *data.notes], sources),
        TableSheet("Alertes", f"Alertes de consommation — {data.scope}", data.alerts, None, {},
                   display.ALERT_DECIMALS, [CELL_LEGEND, "Les alertes sont listées de la plus récente à la plus "
                                            "ancienne.", alert_rules.RULE_TEXT], sources),
    ]
    if data.scenario is not None:
        sheets.append(TableSheet("Scénario de prix", data.scenario_title or f"Scénario de prix — {data.scope}",
                                 data.scenario, None, {}, display.SCENARIO_DECIMALS,
                                 [CELL_LEGEND, *display.SCENARIO_NOTES], sources))
    methods = pd.DataFrame([{"Sujet": subject, "Explication": sentence}
                            for subject, text in data.methods for sentence in _sentences(text)],
                           columns=["Sujet", "Explication"])
    sheets.append(TableSheet("Méthodes et sources", f"Méthodes et sources — {data.scope}", methods,
                             notes=sources))
    return tables_to_xlsx(f"Énergie — {data.scope}", sheets, demo=data.demo, exported_on=exported_on)


def _sentences(text: str) -> list[str]:
    """A long method note split into short paragraphs (one row each, readable in a column)."""
    parts = [p.strip() for p in re.split(r"(?<=[.;])\s+(?=[A-ZÀ-Ý«])", text) if p.strip()]
    return parts or [text]


def filename(scope_slug: str, *, demo: bool = False, exported_on: date | None = None) -> str:
    """`energie_les-tilleuls-QNX0101M_2026-03-12.xlsx` (a demo workspace's files say so)."""
    day = (exported_on or date.today()).isoformat()
    return f"energie_{slug(scope_slug)}_{day}{DEMO_SUFFIX if demo else ''}.xlsx"


def is_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    return db.is_demo(cur)
