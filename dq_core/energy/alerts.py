"""Alerts: residences and quartiers whose climate-corrected consumption moved beyond what their own
history makes normal (a robust rule, RULE_TEXT), newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from dq_core import fmt
from dq_core.energy import scope, settings

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


# The rule itself, on a row of `scored` (shared by the scan and by the quartier's view).
ALERT_CONDITION = (
    f"(s.scope IN ('residence', 'quartier') AND s.d IS NOT NULL AND abs(s.z) > {settings.ALERT_Z} "
    f"AND abs(s.change) >= {settings.ALERT_MIN_CHANGE} "
    f"AND s.month > s.series_last_month - INTERVAL {settings.ALERT_LOOKBACK_MONTHS} MONTH)")

_FINAL = """
SELECT s.scope, s.key, coalesce(r.name, t.name, s.key) AS name,
       CASE WHEN s.scope = 'residence' THEN r.quartier ELSE s.key END AS quartier,
       s.energy, s.month, s.y_corr, s.expected, s.change, s.z, s.y, s.y_last_year, r.landlord
FROM scored s
LEFT JOIN residence r ON s.scope = 'residence' AND r.id = s.key
LEFT JOIN territory t ON s.scope = 'quartier' AND t.code = s.key
WHERE {condition}
ORDER BY s.month DESC, abs(s.z) DESC, s.scope, s.key, s.energy
"""


def _final() -> str:
    return _FINAL.format(condition=ALERT_CONDITION)


def scan(cur: duckdb.DuckDBPyConnection) -> list[Alert]:
    """Every alert of every residence shown and every quartier, newest first."""
    return [make_alert(row) for row in scope.run(cur, _final(), scope.everything(cur))]


def for_quartier(cur: duckdb.DuckDBPyConnection, code: str) -> list[Alert]:
    """The alerts of one quartier and of its residences shown, newest first."""
    return [make_alert(row) for row in scope.run(cur, _final(), scope.quartier(cur, code))]


def make_alert(row) -> Alert:
    kind, key, name, quartier, energy, month, value, expected, change, z, raw, last_year, landlord = row
    return Alert(kind, key, name, quartier, energy, month, float(value), float(expected), 100 * float(change),
                 float(z), reason(kind, name, energy, month, value, expected, change, z, raw, last_year),
                 raw, last_year, landlord)


def reason(kind: str, name: str, energy: str, month: date, value: float, expected: float, change: float,
           z: float, raw: float | None, last_year: float | None) -> str:
    """The French sentence of an alert."""
    where = f"la résidence « {name} »" if kind == "residence" else f"le quartier {name}"
    moved = "hausse" if change > 0 else "baisse"
    month_name = fmt.MONTHS[month.month - 1]
    text = (f"{fmt.period(month.strftime('%Y-%m')).capitalize()}, {settings.ENERGY_LABELS.get(energy, energy)}, "
            f"{where} : {fmt.number(value, 0)} kWh par logement corrigés du climat, {moved} de "
            f"{fmt.number(abs(change) * 100, 0)} % par rapport à sa normale d'un mois de {month_name} "
            f"({fmt.number(expected, 0)} kWh, médiane des années précédentes) ; écart robuste z = "
            f"{fmt.number(z, 1, sign=True)} (seuil {fmt.number(settings.ALERT_Z, 1)})")
    if raw is not None and last_year:
        text += (f" ; mesuré : {fmt.number(raw, 0)} kWh contre {fmt.number(last_year, 0)} un an plus tôt "
                 f"({fmt.number((raw / last_year - 1) * 100, 0, sign=True)} %)")
    return text + "."
