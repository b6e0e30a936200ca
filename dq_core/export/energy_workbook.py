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

from dq_core import fmt
from dq_core.energy import alerts as alert_rules
from dq_core.energy import burden, climate, display, portfolio, prices, secrecy, settings
from dq_core.energy.alerts import Alert
from dq_core.energy.prices import Price
from dq_core.energy.scenario import Scenario, ScenarioLine
from dq_core.energy.scenario import scenario as scenario_of
from dq_core.energy.targeting import Target, score_text, targeting
from dq_core.energy.view import quartier_energy
from dq_core.export.formats import DEMO_SUFFIX, slug
from dq_core.export.tables import TableSheet, tables_to_xlsx
from dq_core.store import db

CELL_LEGEND = "s : secret statistique ; cellule vide : pas de donnée."
METHODS_NOTE = "Règles et méthodes : feuille « Méthodes et sources »."


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
                   display.TARGETING_DECIMALS, [CELL_LEGEND, *display.TARGETING_NOTES, METHODS_NOTE], sources),
        TableSheet("Alertes", f"Alertes de consommation — {data.scope}", data.alerts, None, {},
                   display.ALERT_DECIMALS, [CELL_LEGEND, "De la plus récente à la plus ancienne.", METHODS_NOTE],
                   sources),
    ]
    if data.scenario is not None:
        sheets.append(TableSheet("Scénario de prix", data.scenario_title or f"Scénario de prix — {data.scope}",
                                 data.scenario, None, {}, display.SCENARIO_DECIMALS,
                                 [CELL_LEGEND, *display.SCENARIO_NOTES, *data.notes], sources))
    methods = pd.DataFrame([{"Sujet": subject if i == 0 else "", "Explication": part}
                            for subject, text in data.methods for i, part in enumerate(_paragraphs(subject, text))],
                           columns=["Sujet", "Explication"])
    sheets.append(TableSheet("Méthodes et sources", f"Méthodes et sources — {data.scope}", methods,
                             notes=sources, widths={"Sujet": 16, "Explication": 58}))
    return tables_to_xlsx(f"Énergie — {data.scope}", sheets, demo=data.demo, exported_on=exported_on)


def build_export(scope: str, targets: Sequence[Target], alerts: Sequence[Alert], scenario: Scenario | None,
                 scenario_lines: Sequence[ScenarioLine], methods: Sequence[tuple[str, str]], sources: Sequence[str],
                 quartier_names: dict[str, str], *, demo: bool = False) -> EnergyExport:
    """The export of what the page shows for `scope` (a quartier, or every quartier)."""
    scenario_frame, title, notes = None, "", []
    if scenario is not None:
        scenario_frame = display.scenario_table(scenario_lines)
        title = f"Scénario : prix de l'énergie {_rise_words(scenario.rise_pct)} — {scope}"
        notes = [*scenario.notes]
    return EnergyExport(scope, display.targeting_table(targets), display.alert_table(alerts, quartier_names),
                        scenario_frame, title, methods, sources, notes, demo)


def energy_workbook(cur: duckdb.DuckDBPyConnection, quartier: str | None = None, rise_pct: float = 15.0, *,
                    exported_on: date | None = None) -> bytes:
    """The workbook of one quartier (or of every quartier), computed from the workspace (CLI, tests)."""
    units = portfolio.units(cur)
    chosen = scenario_of(cur, rise_pct, units)
    names = dict(cur.execute("SELECT code, name FROM territory WHERE level = 'quartier'").fetchall())
    if quartier is None:
        view = None
        scope, found = "tous les quartiers", alert_rules.scan(cur)
        targets, lines, sources = targeting(cur, units), list(chosen.lines), workspace_sources(cur)
    else:
        view = quartier_energy(cur, quartier)
        scope, found = f"{view.name} ({view.code})", list(view.alerts)
        targets = [t for t in targeting(cur, units) if t.quartier == quartier]     # ranks among all, as on the page
        lines = [line for line in chosen.lines if line.quartier == quartier]
        sources = (*view.sources, *display.data_years(view))
    texts = method_texts(view.texts if view else {}, chosen, prices.read_prices(cur), settings.secret_min(cur))
    return build_export(scope, targets, found, chosen, lines, texts, sources, names,
                        demo=db.is_demo(cur)).xlsx(exported_on)


def workspace_sources(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Where every quartier's and residence's figures come from (the export of all quartiers)."""
    out = [f"{producer}, {dataset}" for producer, dataset in cur.execute(
        "SELECT producer, dataset FROM indicator WHERE id IN (?, ?) ORDER BY id",
        list(settings.QUARTIER_INDICATORS.values())).fetchall()]
    out += [f"Résidences : {name}" for (name,) in cur.execute(
        "SELECT DISTINCT coalesce(b.file_name, b.source) FROM residence r JOIN import_batch b ON b.id = r.batch_id "
        "ORDER BY 1").fetchall()]
    out += [f"Degrés-jours : {source}" for (source,) in cur.execute(
        "SELECT DISTINCT source FROM degree_days WHERE source IS NOT NULL ORDER BY 1").fetchall()]
    first, last = cur.execute("SELECT min(period_start), max(period_start) FROM energy_use").fetchone()
    if first is not None:
        out.append(f"Consommations des résidences : de {display.month_label(first)} à {display.month_label(last)}")
    return out


def method_texts(texts: dict[str, str], scenario: Scenario | None, price_table: Sequence[Price],
                 threshold: int) -> list[tuple[str, str]]:
    """(subject, French text) of every method behind the page's and the workbook's figures."""
    out = [("Correction climatique", texts.get("climat") or climate.METHOD_TEXT),
           ("Règle des alertes", texts.get("alertes") or alert_rules.RULE_TEXT),
           ("Précarité énergétique", texts.get("precarite") or burden.METHOD_TEXT)]
    if scenario is not None and scenario.method:
        out.append(("Scénario de prix", scenario.method))
    out += [("Score de ciblage", score_text()),
            ("Secret statistique", texts.get("secret") or secrecy.SECRECY_TEXT.format(n=threshold))]
    if price_table:
        out.append(("Prix de l'énergie", " ".join(
            f"{p.text[:1].upper()}{p.text[1:]}" + (f" ({p.source})." if p.source else ".") for p in price_table)))
    return [(subject, text) for subject, text in out if text]


def _rise_words(rise_pct: float) -> str:
    if rise_pct > 0:
        return f"en hausse de {fmt.number(rise_pct, 0)} %"
    if rise_pct < 0:
        return f"en baisse de {fmt.number(-rise_pct, 0)} %"
    return "inchangés"


def _paragraphs(subject: str, text: str) -> list[str]:
    """A method note as short paragraphs, one row each (readable in a column, printable): sentences, or the
    items of a list separated by « ; » (prices); a heading repeating the subject is dropped."""
    parts = [p.strip() for p in re.split(r"(?<=\.)\s+(?=[A-ZÀ-Ý«])", text) if p.strip()]
    if parts and parts[0].rstrip(".").lower() == subject.lower():
        parts = parts[1:]
    out = []
    for part in parts:
        out += [f"{item.strip().rstrip('.')}." for item in part.split(" ; ")] if len(part) > 600 else [part]
    return out or [text]


def filename(scope_slug: str, *, demo: bool = False, exported_on: date | None = None) -> str:
    """`energie_les-tilleuls-QNX0101M_2026-03-12.xlsx` (a demo workspace's files say so)."""
    day = (exported_on or date.today()).isoformat()
    return f"energie_{slug(scope_slug)}_{day}{DEMO_SUFFIX if demo else ''}.xlsx"


