"""Thresholds and constants of the energy computations, with the workspace's own choices (meta keys)."""

from __future__ import annotations

import duckdb

ENERGIES = ("electricite", "gaz", "chaleur")
ENERGY_LABELS = {"electricite": "électricité", "gaz": "gaz", "chaleur": "chaleur (réseau ou chaufferie)"}
# Quartier-level monthly consumption lives in `observation` (MWh of the month, denominator = delivery points).
QUARTIER_INDICATORS = {"electricite": "conso_elec_mensuelle", "gaz": "conso_gaz_mensuelle"}
HEATING_LABELS = {"electrique_individuel": "électrique individuel", "gaz_individuel": "gaz individuel",
                  "collectif": "collectif"}
DPE_CLASSES = ("A", "B", "C", "D", "E", "F", "G")

# Secrecy: the distributors' rule (Enedis, GRDF): no figure on fewer than 10 dwellings or delivery points.
SECRET_MIN = 10
SECRET_META_KEY = "energie_seuil_secret"

# ONPE effort thresholds: TEE_3D counts households of the first three income deciles spending more than
# 8 % of their income on home energy; its first definition used 10 %.
EFFORT_TEE_3D = 0.08
EFFORT_FIRST_DEFINITION = 0.10
EFFORT_THRESHOLDS = (EFFORT_TEE_3D, EFFORT_FIRST_DEFINITION)
# Consumption units of an average household (Insee, enquête Budget de famille: about 1.5 UC per household);
# incomes are given per consumption unit, bills per dwelling.
UC_PER_HOUSEHOLD = 1.5

# Climate correction: a fit needs a year of complete months and a real link with the weather.
FIT_MIN_MONTHS = 12
FIT_MIN_R2 = 0.3
REFERENCE_META_KEY = "energie_annee_reference"   # a year ('2022'); absent: the zone's average year

# Alert rule (see alerts.RULE_TEXT).
ALERT_BASELINE_YEARS = 3        # the same calendar month of the 3 previous years
ALERT_MIN_BASELINE = 2          # at least 2 of them measured
ALERT_Z = 3.5                   # robust z-score threshold (Iglewicz & Hoaglin)
ALERT_MIN_CHANGE = 0.20         # and at least ±20 % away from the baseline
ALERT_MIN_SCALE = 0.03          # floor of the robust spread (log scale): perfectly flat series exist
ALERT_LOOKBACK_MONTHS = 24      # the scan lists alerts of the last 24 months of data


def _meta(cur: duckdb.DuckDBPyConnection, key: str) -> str | None:
    # fetchall, not fetchone: a half-read result would block the cursor's next register() (DuckDB 2).
    rows = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def secret_min(cur: duckdb.DuckDBPyConnection) -> int:
    """The workspace's secrecy threshold (meta `energie_seuil_secret`), SECRET_MIN by default."""
    text = _meta(cur, SECRET_META_KEY)
    if text and text.strip().isdigit() and int(text) >= 1:
        return int(text)
    return SECRET_MIN


def reference_year(cur: duckdb.DuckDBPyConnection) -> int | None:
    """The reference year chosen for the climate correction, None for the average year of the zone."""
    text = _meta(cur, REFERENCE_META_KEY)
    return int(text) if text and text.strip().isdigit() else None

# Burden: spread of household bills around a residence's or quartier's mean bill (log scale; an
# assumption, with its range used for the uncertainty), and what "the last 12 months" need.
BILL_LOG_SD = 0.35
BILL_LOG_SD_RANGE = (0.25, 0.45)
BILL_MIN_MONTHS = 12
