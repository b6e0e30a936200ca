"""The checks of an import, on `dq_rows`: every problem, in French, with file line, column and value."""

from __future__ import annotations

import difflib

import duckdb

from dq_core import fmt
from dq_core.files.partner.layouts import Mapping
from dq_core.files.report import ERROR, MAX_LINES_LISTED, MAX_PER_KIND, WARNING, Problem
from dq_core.files.sql import first as _first


def run_checks(cur: duckdb.DuckDBPyConnection, mapping: Mapping, sheet: str | None) -> list[Problem]:
    columns = mapping.columns
    fixed_ind = mapping.fixed.get("indicator")
    fixed_period = mapping.fixed.get("period")
    col_t = columns.get("territory", "code_territoire")
    col_i = columns.get("indicator", "indicateur" if not fixed_ind else None)
    col_p = columns.get("period", "periode" if not fixed_period else None)
    problems: list[Problem] = []
    conditions = {
        "territoire_vide": "r.territory IS NULL OR r.territory = ''",
        "territoire_inconnu": "r.territory <> '' AND t.code IS NULL",
        "indicateur_vide": "r.indicator IS NULL AND (r.indicator_raw IS NULL OR r.indicator_raw = '')",
        "indicateur_inconnu": "r.indicator IS NULL AND r.indicator_raw <> ''",
        "periode_vide": "r.period IS NULL AND (r.period_raw IS NULL OR r.period_raw = '')",
        "periode_illisible": "r.period IS NULL AND r.period_raw <> ''",
        "valeur_illisible": "r.value_raw IS NOT NULL",
        "numerator_illisible": "r.numerator_raw IS NOT NULL",
        "denominator_illisible": "r.denominator_raw IS NOT NULL",
        "statut_inconnu": "NOT r.status_ok",
        "effectif_negatif": "i.kind = 'count' AND r.value < 0",
        "numerator_negatif": "r.numerator < 0",
        "denominator_negatif": "r.denominator < 0",
        "taux_hors_bornes": "i.kind = 'rate' AND (r.value < 0 OR r.value > coalesce(i.scale, 100))",
        "numerateur_superieur": "i.kind = 'rate' AND r.numerator > r.denominator",
        "valeur_incoherente": """i.scale IS NOT NULL AND r.value IS NOT NULL AND r.numerator IS NOT NULL
                 AND r.denominator > 0 AND abs(r.value - i.scale * r.numerator / r.denominator)
                     > greatest(0.06, 0.01 * abs(r.value))""",
    }
    counts = dict(zip(conditions, _first(cur.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {c})" for c in conditions.values())
        + " FROM dq_rows r LEFT JOIN dq_ind i ON i.id = r.indicator LEFT JOIN territory t ON t.code = r.territory "
        "WHERE NOT r.skip")), strict=True))

    def grouped(kind, where, value_sql, message_fn, column):
        if not counts.get(kind):
            return
        rows = cur.execute(f"""
            SELECT {value_sql} AS v, list(line ORDER BY line)[1:{MAX_LINES_LISTED}], count(*), min(line) AS first
            FROM dq_rows WHERE NOT skip AND ({where}) GROUP BY v ORDER BY first NULLS LAST LIMIT {MAX_PER_KIND}""").fetchall()
        for value, lines, count, _ in rows:
            problems.append(Problem(kind, message_fn(value), lines=tuple(x for x in lines if x is not None),
                                    column=column, value=value, count=count, sheet=sheet))

    def per_line(kind, where, message, column, value_sql, severity=ERROR):
        total = counts.get(kind)
        if not total:
            return
        rows = cur.execute(f"""SELECT r.line, r.value_column, {value_sql} FROM dq_rows r
            LEFT JOIN dq_ind i ON i.id = r.indicator WHERE NOT r.skip AND ({where})
            ORDER BY r.line LIMIT {MAX_PER_KIND}""").fetchall()
        for line, value_column, value in rows:
            where_col = value_column if (value_column and column == value_col) else column
            problems.append(Problem(kind, message, severity=severity, lines=(line,) if line is not None else (), column=where_col,
                                    value=_shown(value), sheet=sheet))
        if total > len(rows):
            problems.append(Problem(kind, f"{message} — et {fmt.number(total - len(rows), 0)} autres lignes "
                                    "avec le même problème.", severity=severity, count=total - len(rows), sheet=sheet))

    # Territories.
    codes = dict(cur.execute("SELECT code, name FROM territory").fetchall())
    names = {name.lower(): code for code, name in codes.items()}
    grouped("territoire_vide", "territory IS NULL OR territory = ''", "territory",
            lambda v: "code du territoire vide.", col_t)
    grouped("territoire_inconnu", "territory <> '' AND territory NOT IN (SELECT code FROM territory)",
            "territory", lambda v: "code de territoire inconnu dans cette base." + _suggest_territory(v, codes, names),
            col_t)
    # Indicators.
    if not fixed_ind or col_i:
        grouped("indicateur_vide", "indicator IS NULL AND (indicator_raw IS NULL OR indicator_raw = '')",
                "indicator_raw", lambda v: "indicateur vide.", col_i)
    indicators = dict(cur.execute("SELECT id, label FROM dq_ind").fetchall())
    grouped("indicateur_inconnu", "indicator IS NULL AND indicator_raw <> ''", "indicator_raw",
            lambda v: "indicateur inconnu du catalogue." + _suggest_indicator(v, indicators)
            + " Un nouvel indicateur se déclare dans une feuille « indicateurs » (ou un fichier à part).",
            col_i)
    # Periods.
    grouped("periode_vide", "period IS NULL AND (period_raw IS NULL OR period_raw = '')", "period_raw",
            lambda v: "période vide.", col_p)
    grouped("periode_illisible", "period IS NULL AND period_raw <> ''", "period_raw",
            lambda v: "période illisible. Formats acceptés : 2023, 2023-T2, T2 2023, 2023-04, 04/2023, avril 2023.",
            col_p)
    # Numbers.
    value_col = columns.get("value", "valeur")
    per_line("valeur_illisible", "r.value_raw IS NOT NULL",
             "ce n'est pas un nombre lisible (exemples acceptés : 1234 ; 1 234,5 ; 12,5 %).",
             value_col, "r.value_raw")
    for role, name in (("numerator", "numérateur"), ("denominator", "dénominateur")):
        if role in columns:
            per_line(f"{role}_illisible", f"r.{role}_raw IS NOT NULL",
                     f"{name} illisible : ce n'est pas un nombre.", columns[role], f"r.{role}_raw")
    if "status" in columns:
        grouped("statut_inconnu", "NOT status_ok", "status_raw",
                lambda v: "statut inconnu. Statuts acceptés : secret (s), provisoire (p), estimé (e), "
                "rupture de série (r), ou vide.", columns["status"])
    # Plausibility.
    per_line("effectif_negatif", "i.kind = 'count' AND r.value < 0",
             "un effectif ne peut pas être négatif.", value_col, "r.value")
    for role, name in (("numerator", "numérateur"), ("denominator", "dénominateur")):
        if role in columns:
            per_line(f"{role}_negatif", f"r.{role} < 0", f"le {name} est un effectif : il ne peut pas être négatif.",
                     columns[role], f"r.{role}")
    per_line("taux_hors_bornes", "i.kind = 'rate' AND (r.value < 0 OR r.value > coalesce(i.scale, 100))",
             "un taux doit être compris entre 0 et 100 %.", value_col, "r.value")
    if "numerator" in columns and "denominator" in columns:
        per_line("numerateur_superieur", "i.kind = 'rate' AND r.numerator > r.denominator",
                 "le numérateur est plus grand que le dénominateur : une part ne peut pas dépasser le tout.",
                 columns["numerator"], "r.numerator::VARCHAR || ' > ' || r.denominator::VARCHAR")
        per_line("valeur_incoherente", """i.scale IS NOT NULL AND r.value IS NOT NULL AND r.numerator IS NOT NULL
                 AND r.denominator > 0 AND abs(r.value - i.scale * r.numerator / r.denominator)
                     > greatest(0.06, 0.01 * abs(r.value))""",
                 "la valeur ne correspond pas au numérateur divisé par le dénominateur (elle est gardée telle quelle).",
                 value_col, "r.value", WARNING)
    # Duplicates (same territory, indicator and period twice in the file).
    # Keys first (a plain count per key), then the lines of the few duplicated keys only.
    cur.execute(f"""CREATE OR REPLACE TEMP TABLE dq_duplicates AS
        SELECT territory, indicator, period FROM dq_rows
        WHERE NOT skip AND indicator IS NOT NULL AND period IS NOT NULL AND territory <> ''
        GROUP BY ALL HAVING count(*) > 1 LIMIT {MAX_PER_KIND}""")
    rows = cur.execute(f"""
        SELECT territory, indicator, period, list(line ORDER BY line)[1:{MAX_LINES_LISTED}], count(*), min(line) m
        FROM dq_rows JOIN dq_duplicates USING (territory, indicator, period)
        WHERE NOT skip GROUP BY ALL ORDER BY m""").fetchall()
    for territory, indicator, period, lines, count, _ in rows:
        problems.append(Problem("doublon", f"ligne en double : {territory}, {indicator}, {fmt.period(period)} "
                                f"apparaît {count} fois. Gardez une seule ligne.",
                                lines=tuple(x for x in lines if x is not None), count=count, sheet=sheet))
    return problems


def _suggest_territory(value: str | None, codes: dict[str, str], names: dict[str, str]) -> str:
    if not value:
        return ""
    close = difflib.get_close_matches(value, list(codes), n=3, cutoff=0.6)
    by_name = difflib.get_close_matches(value.lower(), list(names), n=2, cutoff=0.6)
    close += [names[n] for n in by_name if names[n] not in close]
    if not close:
        return ""
    return " Codes proches : " + ", ".join(f"{c} ({codes[c]})" for c in close[:4]) + "."


def _suggest_indicator(value: str | None, indicators: dict[str, str]) -> str:
    if not value:
        return ""
    low = value.lower()
    close = difflib.get_close_matches(low, list(indicators), n=3, cutoff=0.6)
    labels = {label.lower(): i for i, label in indicators.items()}
    close += [labels[c] for c in difflib.get_close_matches(low, list(labels), n=2, cutoff=0.6)
              if labels[c] not in close]
    if not close:
        return ""
    return " Indicateurs proches : " + ", ".join(f"{c} ({indicators[c]})" for c in close[:4]) + "."


def _shown(value) -> str | None:
    """A value for a message: numbers the French way, text as found."""
    if value is None:
        return None
    if isinstance(value, float):
        return fmt.number(value, 0 if value.is_integer() else 4).rstrip("0").rstrip(",") if not value.is_integer() \
            else fmt.number(value, 0)
    return str(value)
