"""The checks of an import, on `dq_rows`: every problem, in French, with file line, column and value."""

from __future__ import annotations

import difflib
from datetime import date

import duckdb

from dq_core import fmt
from dq_core.files.partner.layouts import Mapping
from dq_core.files.report import ERROR, MAX_LINES_LISTED, MAX_PER_KIND, WARNING, Problem
from dq_core.files.sql import first as _first

# No figure of a quartier comes near this (the largest are euros of a whole population): beyond, or
# infinite (`1` followed by 400 zeros reads as inf), the cell is a typing or export accident.
HUGE = 1e15
# Kinds whose values cannot be negative besides counts (checked apart) and rates (bounded apart).
NON_NEGATIVE = {"median": ("mediane_negative", "une médiane ne peut pas être négative."),
                "mean": ("moyenne_negative", "une moyenne ne peut pas être négative."),
                "ratio": ("ratio_negatif", "un ratio ne peut pas être négatif.")}
# A period code says its periodicity: `2023`, `2023-T2`, `2023-04`.
PERIODICITY_MISMATCH = """r.period IS NOT NULL AND (
    (i.periodicity = 'annual' AND r.period LIKE '%-%')
    OR (i.periodicity = 'quarterly' AND r.period NOT LIKE '%-T%')
    OR (i.periodicity = 'monthly' AND (r.period NOT LIKE '%-%' OR r.period LIKE '%-T%')))"""
PERIODICITY_WORDS = {"annual": ("annuel", "une année (2023)"), "quarterly": ("trimestriel", "un trimestre (2023-T2)"),
                     "monthly": ("mensuel", "un mois (2023-04)")}

# Every condition a row may fail, counted in one query before any problem is listed.
CONDITIONS = {
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
    "nombre_demesure": "r.huge_text IS NOT NULL",
    **{key: f"i.kind = '{kind}' AND r.value < 0" for kind, (key, _) in NON_NEGATIVE.items()},
    "pourcentage_effectif": "i.kind IN ('count', 'median') AND r.value_percent",
    "periode_future": "r.period_start >= make_date(year(current_date)::INTEGER + 2, 1, 1)",
    "periodicite": PERIODICITY_MISMATCH,
    "numerateur_superieur": "i.kind = 'rate' AND r.numerator > r.denominator",
    "valeur_incoherente": """i.scale IS NOT NULL AND r.value IS NOT NULL AND r.numerator IS NOT NULL
             AND r.denominator > 0 AND abs(r.value - i.scale * r.numerator / r.denominator)
                 > greatest(0.06, 0.01 * abs(r.value))""",
}
NUMBER_ROLES = (("numerator", "numérateur"), ("denominator", "dénominateur"))


def run_checks(cur: duckdb.DuckDBPyConnection, mapping: Mapping, sheet: str | None) -> list[Problem]:
    """Every problem of the parsed rows, grouped by value or listed by line, in French."""
    checker = _Checker(cur, mapping, sheet)
    for check in (checker.territories, checker.indicators, checker.periods, checker.numbers,
                  checker.plausibility, checker.duplicates):
        check()
    return checker.problems


class _Checker:
    def __init__(self, cur: duckdb.DuckDBPyConnection, mapping: Mapping, sheet: str | None):
        self.cur, self.columns, self.sheet = cur, mapping.columns, sheet
        self.fixed_indicator, fixed_period = mapping.fixed.get("indicator"), mapping.fixed.get("period")
        self.col_t = self.columns.get("territory", "code_territoire")
        self.col_i = self.columns.get("indicator", "indicateur" if not self.fixed_indicator else None)
        self.col_p = self.columns.get("period", "periode" if not fixed_period else None)
        self.col_v = self.columns.get("value", "valeur")
        self.problems: list[Problem] = []
        self.counts = dict(zip(CONDITIONS, _first(cur.execute(
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE {c})" for c in CONDITIONS.values())
            + " FROM dq_rows r LEFT JOIN dq_ind i ON i.id = r.indicator LEFT JOIN territory t ON t.code = r.territory "
            "WHERE NOT r.skip")), strict=True))

    def grouped(self, kind, where, value_sql, message_fn, column, shown=None) -> None:
        """One problem per distinct value (an unknown code found on 2,000 lines is one problem); `shown`: the
        part of a composite value that is the cell's own text."""
        if not self.counts.get(kind):
            return
        rows = self.cur.execute(f"""
            SELECT {value_sql} AS v, list(line ORDER BY line)[1:{MAX_LINES_LISTED}], count(*), min(line) AS first
            FROM dq_rows r LEFT JOIN dq_ind i ON i.id = r.indicator WHERE NOT skip AND ({where}) GROUP BY v ORDER BY first NULLS LAST LIMIT {MAX_PER_KIND}""").fetchall()
        for value, lines, count, _ in rows:
            self.problems.append(Problem(kind, message_fn(value), lines=tuple(x for x in lines if x is not None),
                                         column=column, value=shown(value) if shown else value, count=count,
                                         sheet=self.sheet))

    def per_line(self, kind, where, message, column, value_sql, severity=ERROR) -> None:
        """One problem per line (a number that cannot be read), then a count of the rest."""
        total = self.counts.get(kind)
        if not total:
            return
        rows = self.cur.execute(f"""SELECT r.line, r.value_column, {value_sql} FROM dq_rows r
            LEFT JOIN dq_ind i ON i.id = r.indicator WHERE NOT r.skip AND ({where})
            ORDER BY r.line LIMIT {MAX_PER_KIND}""").fetchall()
        for line, value_column, value in rows:
            where_col = value_column if (value_column and column == self.col_v) else column
            self.problems.append(Problem(kind, message, severity=severity, lines=(line,) if line is not None else (),
                                         column=where_col, value=_shown(value), sheet=self.sheet))
        if total > len(rows):
            self.problems.append(Problem(kind, f"{message} — et {fmt.number(total - len(rows), 0)} autres lignes "
                                         "avec le même problème.", severity=severity, count=total - len(rows),
                                         sheet=self.sheet))

    def territories(self) -> None:
        codes = dict(self.cur.execute("SELECT code, name FROM territory").fetchall())
        names = {name.lower(): code for code, name in codes.items()}
        self.grouped("territoire_vide", "territory IS NULL OR territory = ''", "territory",
                     lambda v: "code du territoire vide.", self.col_t)
        self.grouped("territoire_inconnu", "territory <> '' AND territory NOT IN (SELECT code FROM territory)",
                     "territory", lambda v: "code de territoire inconnu dans cette base."
                     + _suggest_territory(v, codes, names), self.col_t)

    def indicators(self) -> None:
        if not self.fixed_indicator or self.col_i:
            self.grouped("indicateur_vide", "indicator IS NULL AND (indicator_raw IS NULL OR indicator_raw = '')",
                         "indicator_raw", lambda v: "indicateur vide.", self.col_i)
        indicators = dict(self.cur.execute("SELECT id, label FROM dq_ind").fetchall())
        self.grouped("indicateur_inconnu", "indicator IS NULL AND indicator_raw <> ''", "indicator_raw",
                     lambda v: "indicateur inconnu du catalogue." + _suggest_indicator(v, indicators)
                     + " Un nouvel indicateur se déclare dans une feuille « indicateurs » (ou un fichier à part).",
                     self.col_i)

    def periods(self) -> None:
        self.grouped("periode_vide", "period IS NULL AND (period_raw IS NULL OR period_raw = '')", "period_raw",
                     lambda v: "période vide.", self.col_p)
        self.grouped("periode_illisible", "period IS NULL AND period_raw <> ''", "period_raw",
                     lambda v: "période illisible. Formats acceptés : 2023, 2023-T2, T2 2023, 2023-04, 04/2023, "
                     "avril 2023.", self.col_p)

    def numbers(self) -> None:
        self.per_line("valeur_illisible", "r.value_raw IS NOT NULL",
                      "ce n'est pas un nombre lisible (exemples acceptés : 1234 ; 1 234,5 ; 12,5 %).",
                      self.col_v, "r.value_raw")
        for role, name in NUMBER_ROLES:
            if role in self.columns:
                self.per_line(f"{role}_illisible", f"r.{role}_raw IS NOT NULL",
                              f"{name} illisible : ce n'est pas un nombre.", self.columns[role], f"r.{role}_raw")
        if "status" in self.columns:
            self.grouped("statut_inconnu", "NOT status_ok", "status_raw",
                         lambda v: "statut inconnu. Statuts acceptés : secret (s), provisoire (p), estimé (e), "
                         "rupture de série (r), ou vide.", self.columns["status"])

    def plausibility(self) -> None:
        self.per_line("effectif_negatif", CONDITIONS["effectif_negatif"],
                      "un effectif ne peut pas être négatif.", self.col_v, "r.value")
        for role, name in NUMBER_ROLES:
            if role in self.columns:
                self.per_line(f"{role}_negatif", f"r.{role} < 0",
                              f"le {name} est un effectif : il ne peut pas être négatif.", self.columns[role], f"r.{role}")
        self.per_line("taux_hors_bornes", CONDITIONS["taux_hors_bornes"],
                      "un taux doit être compris entre 0 et 100 %.", self.col_v, "r.value")
        self.per_line("nombre_demesure", CONDITIONS["nombre_demesure"], "nombre démesuré ou infini (au-delà de "
                      "mille milliards) : une faute de frappe ou d'export ? Corrigez la cellule.", self.col_v,
                      "r.huge_text")
        for key, message in NON_NEGATIVE.values():
            self.per_line(key, CONDITIONS[key], message, self.col_v, "r.value")
        self.per_line("pourcentage_effectif", CONDITIONS["pourcentage_effectif"], "un pourcentage pour un "
                      "effectif ou une médiane : la valeur doit être un nombre (sans %). Vérifiez l'indicateur "
                      "ou la colonne.", self.col_v, "r.value")
        self.periods_plausible()
        if "numerator" in self.columns and "denominator" in self.columns:
            self.per_line("numerateur_superieur", CONDITIONS["numerateur_superieur"],
                          "le numérateur est plus grand que le dénominateur : une part ne peut pas dépasser le tout.",
                          self.columns["numerator"], "r.numerator::VARCHAR || ' > ' || r.denominator::VARCHAR")
            self.per_line("valeur_incoherente", CONDITIONS["valeur_incoherente"],
                          "la valeur ne correspond pas au numérateur divisé par le dénominateur (elle est gardée "
                          "telle quelle).", self.col_v, "r.value", WARNING)

    def periods_plausible(self) -> None:
        """A period after next year, or not of the indicator's periodicity (a month for a yearly figure,
        often an Excel date), would become a fiche's latest value."""
        next_year = date.today().year + 1
        self.grouped("periode_future", CONDITIONS["periode_future"], "r.period",
                     lambda v: f"période dans le futur ({fmt.period(v)}) : les valeurs vont au plus jusqu'à "
                     f"{next_year}. Vérifiez l'année (faute de frappe ?).", self.col_p)
        self.grouped("periodicite", PERIODICITY_MISMATCH, "r.period || '|' || i.periodicity || '|' || i.id",
                     _periodicity_message, self.col_p, shown=lambda v: v.split("|", 1)[0])

    def duplicates(self) -> None:
        """Same territory, indicator and period twice: keys first, then the lines of those few keys."""
        self.cur.execute(f"""CREATE OR REPLACE TEMP TABLE dq_duplicates AS
            SELECT territory, indicator, period FROM dq_rows
            WHERE NOT skip AND indicator IS NOT NULL AND period IS NOT NULL AND territory <> ''
            GROUP BY ALL HAVING count(*) > 1 LIMIT {MAX_PER_KIND}""")
        rows = self.cur.execute(f"""
            SELECT territory, indicator, period, list(line ORDER BY line)[1:{MAX_LINES_LISTED}], count(*), min(line) m
            FROM dq_rows JOIN dq_duplicates USING (territory, indicator, period)
            WHERE NOT skip GROUP BY ALL ORDER BY m""").fetchall()
        for territory, indicator, period, lines, count, _ in rows:
            self.problems.append(Problem("doublon", f"ligne en double : {territory}, {indicator}, {fmt.period(period)} "
                                         f"apparaît {count} fois. Gardez une seule ligne.",
                                         lines=tuple(x for x in lines if x is not None), count=count, sheet=self.sheet))


def _periodicity_message(value: str) -> str:
    period, periodicity, indicator = value.split("|", 2)
    word, expected = PERIODICITY_WORDS.get(periodicity, (periodicity, ""))
    said = (f"période {fmt.period(period)} pour l'indicateur {word} « {indicator} » : chaque valeur doit porter "
            f"sur {expected}.")
    if periodicity == "annual" and period.endswith("-01"):
        said += (" Une date (1er janvier) a sans doute été saisie au lieu de l'année : écrivez l'année seule "
                 f"({period[:4]}).")
    return said


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
