"""Alerts: residences and quartiers whose climate-corrected consumption moved beyond what their own
history makes normal (a robust rule, RULE_TEXT), newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np

from dq_core import fmt, french
from dq_core.energy import scope, settings
from dq_core.energy.engine import Panel

RULE_TEXT = (
    "Règle des alertes. Pour chaque résidence et chaque quartier, et pour chaque énergie, la consommation "
    "par logement corrigée du climat d'un mois est comparée à sa normale : la médiane du même mois des "
    f"{settings.ALERT_BASELINE_YEARS} années précédentes (au moins {settings.ALERT_MIN_BASELINE} mesurées). "
    "L'écart est mesuré en logarithme, puis rapporté à la dispersion habituelle de la série elle-même : "
    "écart robuste z = (écart − médiane des écarts) / (1,4826 × écart absolu médian), une règle qui ne se "
    "laisse pas entraîner par quelques mois extrêmes (Iglewicz et Hoaglin). Une alerte est levée quand "
    f"|z| dépasse {fmt.number(settings.ALERT_Z, 1)} et que la consommation s'écarte d'au moins "
    f"{round(settings.ALERT_MIN_CHANGE * 100)} % de sa normale. Les variations saisonnières (hiver plus "
    "froid, été) ne déclenchent pas d'alerte : elles sont retirées par la correction climatique et par la "
    f"comparaison au même mois. Les alertes des {settings.ALERT_LOOKBACK_MONTHS} derniers mois de chaque "
    "série sont listées, de la plus récente à la plus ancienne ; les résidences regroupées par le secret "
    "statistique n'ont pas d'alerte propre.")


@dataclass(frozen=True)
class Alert:
    scope: str                      # 'residence' | 'quartier'
    code: str                       # residence id or quartier code
    name: str
    quartier: str | None            # the quartier's code (the residence's, or itself)
    energy: str
    month: date
    value: float                    # corrected kWh per dwelling of the month
    expected: float                 # its normal: median of the same month of the previous years
    change_pct: float               # (value / expected − 1) × 100
    score: float                    # the robust z-score (signed)
    reason: str                     # a French sentence
    raw: float | None = None        # measured kWh per dwelling of the month
    last_year: float | None = None  # measured, same month a year before
    landlord: str | None = None

    @property
    def period(self) -> str:
        return self.month.strftime("%Y-%m")


def from_panel(cur: duckdb.DuckDBPyConnection, panel: Panel) -> list[Alert]:
    """The alerts of a computed panel, newest first (then strongest)."""
    rows, cols, crows = panel.alert_cells()
    if len(rows) == 0:
        return []
    info = panel.series
    keys = info["key"].to_numpy()
    residence_ids = sorted({keys[r] for r in rows if info["scope"].iat[r] == "residence"})
    quartier_ids = sorted({keys[r] for r in rows if info["scope"].iat[r] == "quartier"})
    residences = {r[0]: r[1:] for r in cur.execute(
        "SELECT id, name, quartier, landlord FROM residence WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [residence_ids]).fetchall()}
    names = dict(cur.execute("SELECT code, name FROM territory WHERE code IN (SELECT unnest(?::VARCHAR[]))",
                             [quartier_ids]).fetchall())
    out = []
    for r, c, k in zip(rows.tolist(), cols.tolist(), crows.tolist(), strict=True):
        kind, key, energy = info["scope"].iat[r], keys[r], info["energy"].iat[r]
        if kind == "residence":
            name, quartier, landlord = residences.get(key, (key, None, None))
        else:
            name, quartier, landlord = names.get(key, key), key, None
        raw, last_year = _number(panel.y[r, c]), panel.last_year_at(r, c)
        value, expected, change, z = (float(panel.corrected[r, c]), float(panel.expected[k, c]),
                                      float(panel.change[k, c]), float(panel.z[k, c]))
        month = panel.months[c]
        out.append(Alert(kind, key, name, quartier, energy, month, value, expected, 100 * change, z,
                         reason(kind, name, energy, month, value, expected, change, z, raw, last_year),
                         raw, last_year, landlord))
    return sorted(out, key=lambda a: (a.month, abs(a.score), a.code, a.energy), reverse=True)


def _number(x) -> float | None:
    return None if x is None or np.isnan(x) else float(x)


def scan(cur: duckdb.DuckDBPyConnection) -> list[Alert]:
    """Every alert of every residence shown and every quartier, newest first."""
    return from_panel(cur, scope.panel(cur, scope.everything(cur)))


def for_quartier(cur: duckdb.DuckDBPyConnection, code: str) -> list[Alert]:
    """The alerts of one quartier and of its residences shown, newest first."""
    return from_panel(cur, scope.panel(cur, scope.quartier(cur, code)))


def reason(kind: str, name: str, energy: str, month: date, value: float, expected: float, change: float,
           z: float, raw: float | None, last_year: float | None) -> str:
    """The French sentence of an alert."""
    where = f"la résidence « {name} »" if kind == "residence" else f"le quartier {name}"
    moved = "hausse" if change > 0 else "baisse"
    month_name = fmt.MONTHS[month.month - 1]
    text = (f"{fmt.period(month.strftime('%Y-%m')).capitalize()}, {settings.ENERGY_LABELS.get(energy, energy)}, "
            f"{where} : {fmt.number(value, 0)} kWh par logement corrigés du climat, {moved} de "
            f"{fmt.number(abs(change) * 100, 0)} % par rapport à sa normale d'un mois {french.of(month_name)} "
            f"({fmt.number(expected, 0)} kWh, médiane des années précédentes) ; écart robuste z = "
            f"{fmt.number(z, 1, sign=True)} (seuil {fmt.number(settings.ALERT_Z, 1)})")
    if raw is not None and last_year:
        text += (f" ; mesuré : {fmt.number(raw, 0)} kWh contre {fmt.number(last_year, 0)} un an plus tôt "
                 f"({fmt.number((raw / last_year - 1) * 100, 0, sign=True)} %)")
    return text + "."
