"""What an import check found, in French: each problem with its file line, column and value."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field

import pandas as pd

from dq_core import fmt, french
from dq_core.files.status import ImportStatus

# Severities: an error refuses the file; a choice (conflicts with stored data) waits for the user's
# explicit "replace" or "keep"; a warning is said but does not stop the import.
ERROR, CHOICE, WARNING = "erreur", "choix", "avertissement"

# How many lines are listed for one problem (the count says how many there are in all).
MAX_LINES_LISTED = 8
# How many problems of the same kind are listed one by one (then summarised).
MAX_PER_KIND = 200


@dataclass(frozen=True)
class Problem:
    kind: str                        # stable code, e.g. 'territoire_inconnu'
    message: str                     # French, for the user
    _: KW_ONLY
    severity: str = ERROR
    lines: tuple[int, ...] = ()      # file lines (1 = first line of the file), first few only
    column: str | None = None        # the column's name as written in the file
    value: str | None = None         # the value found, as written in the file
    count: int = 1                   # how many rows have this problem
    sheet: str | None = None

    @property
    def where(self) -> str:
        """`ligne 12`, `lignes 12, 13 et 40 autres`, with the sheet when there is one."""
        parts = []
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.lines:
            shown = ", ".join(str(n) for n in self.lines[:MAX_LINES_LISTED])
            rest = self.count - min(len(self.lines), MAX_LINES_LISTED)
            word = "ligne" if self.count == 1 else "lignes"
            parts.append(f"{word} {shown}" + (f" et {fmt.number(rest, 0)} autre{'s' if rest > 1 else ''}"
                                              if rest > 0 else ""))
        return ", ".join(parts)

    def text(self) -> str:
        """One line of the French report."""
        head = self.where
        col = f"colonne « {self.column} »" if self.column else ""
        place = " — ".join(p for p in (head, col) if p)
        value = f" : valeur « {_short(self.value)} »" if self.value is not None else ""
        return f"{place}{value} : {self.message}" if place else f"{self.message}{value}"


def _short(text: str, limit: int = 60) -> str:
    text = str(text).replace("\n", " ").replace("\r", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ImportReport:
    """Everything a check or an import found and did; `status` says what happened."""
    file_name: str
    file_hash: str = ""
    file_kind: str = ""              # 'csv', 'xlsx'
    layout: str = ""                 # 'long', 'wide_period', 'wide_indicator', 'points'
    encoding: str | None = None
    delimiter: str | None = None
    rows_read: int = 0               # data rows read from the file (points: points read)
    rows_valid: int = 0              # rows (cells) that would be stored
    rows_ignored: int = 0            # empty rows/cells, notes
    rows_conflicting: int = 0        # already stored for the same territory, indicator, period
    rows_identical: int = 0          # of which identical to what is stored
    rows_secret: int = 0             # hidden by the primary rule (small counts)
    rows_secret_secondary: int = 0   # hidden so that no secret cell can be recovered
    stored_cells_protected: int = 0  # stored cells hidden by secondary suppression
    points_outside: int = 0          # points outside every quartier (not counted)
    new_indicators: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    preview: pd.DataFrame | None = None   # the first normalised rows, as they would be stored
    mapping: dict | None = None
    status: ImportStatus = ImportStatus.CHECKED
    batch_id: int | None = None
    mode: str | None = None          # 'replace', 'keep'
    rows_inserted: int = 0
    rows_replaced: int = 0
    rows_kept: int = 0
    refused_lines: pd.DataFrame | None = None   # a refused file's lines with their problems (files.refused)
    detail: str = ""                 # what was read, in French (residence files: residences, quartiers, months)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """No error: the file can be imported (possibly after choosing replace or keep)."""
        return not self.errors

    @property
    def needs_choice(self) -> bool:
        return self.ok and self.rows_conflicting > 0 and self.mode is None

    def _written(self) -> str:
        """« 2 valeurs ajoutées, 1 remplacée » — a replaced value is written too, but is not one more value."""
        residences = self.layout == "residences"
        added_words = ("relevé ajouté", "relevés ajoutés") if residences else ("valeur ajoutée", "valeurs ajoutées")
        replaced_alone = ("relevé remplacé", "relevés remplacés") if residences else ("valeur remplacée",
                                                                                       "valeurs remplacées")
        replaced = ("remplacé", "remplacés") if residences else ("remplacée", "remplacées")
        added = max(self.rows_inserted - self.rows_replaced, 0)
        parts = [french.count(added, *added_words)] if added or not self.rows_replaced else []
        if self.rows_replaced:
            parts.append(french.count(self.rows_replaced, *(replaced if parts else replaced_alone)))
        if self.rows_kept:
            parts.append(french.count(self.rows_kept, *(("déjà présent gardé tel quel", "déjà présents gardés tels quels")
                                                        if residences else ("déjà présente gardée telle quelle",
                                                                            "déjà présentes gardées telles quelles"))))
        return ", ".join(parts)

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table (text cells only: values from the file are data, not markup)."""
        return pd.DataFrame([{
            "Gravité": p.severity, "Où": p.where or "fichier", "Colonne": p.column or "",
            "Valeur trouvée": "" if p.value is None else _short(p.value, 120),
            "Problème": p.message, "Lignes concernées": p.count,
        } for p in self.problems], columns=["Gravité", "Où", "Colonne", "Valeur trouvée", "Problème",
                                             "Lignes concernées"])

    def summary(self) -> str:
        """The French verdict in one or two sentences."""
        if self.status == ImportStatus.IMPORTED:
            text = f"Import n° {self.batch_id} enregistré : {self._written()}."
        elif self.errors:
            count = sum(p.count for p in self.errors)
            kinds = "d'un seul type" if len(self.errors) == 1 else f"de {len(self.errors)} types"
            text = (f"Fichier refusé : {french.count(count, 'problème')} à corriger ({kinds}). "
                    "Rien n'a été enregistré.")
        elif self.needs_choice:
            text = (f"Fichier valide, mais {french.count(self.rows_conflicting, 'valeur existe', 'valeurs existent')}"
                    " déjà dans la base "
                    + ("(même résidence, énergie et période)" if self.layout == "residences" else
                       "(même territoire, indicateur et période)") + " : choisissez de les remplacer ou de garder "
                    "celles de la base. Rien n'a été enregistré.")
        else:
            ready = (("relevé prêt", "relevés prêts", "importé") if self.layout == "residences" else
                     ("valeur prête", "valeurs prêtes", "importée"))
            text = (f"Fichier valide : {french.count(self.rows_valid, ready[0], ready[1])} à être "
                    f"{french.agree(self.rows_valid, ready[2])}. "
                    "Rien n'a été enregistré (vérification seulement).")
        if self.detail and self.ok:
            text += f" Lu : {self.detail}."
        secret = self.rows_secret + self.rows_secret_secondary
        if secret and self.ok:
            text += (f" {french.count(secret, 'valeur couverte', 'valeurs couvertes')} par le secret statistique "
                     f"({french.agree(secret, 'enregistrée')} sans le chiffre).")
        return text

    def text(self) -> str:
        """The full French report (CLI)."""
        lines = [f"Fichier « {self.file_name} »" + (f" ({self.file_kind.upper()}, {_LAYOUTS.get(self.layout, self.layout)})"
                                                    if self.file_kind else ""), self.summary()]
        if self.rows_read:
            lines.append(f"Lignes lues : {fmt.number(self.rows_read, 0)} ; valeurs trouvées : "
                         f"{fmt.number(self.rows_valid, 0)} ; lignes ignorées : {fmt.number(self.rows_ignored, 0)}.")
        if self.new_indicators:
            lines.append("Nouveaux indicateurs : " + ", ".join(self.new_indicators) + ".")
        for severity in (ERROR, CHOICE, WARNING):
            chosen = [p for p in self.problems if p.severity == severity]
            if chosen:
                lines.append(f"\n{severity.capitalize()}s :" if severity != CHOICE else "\nÀ choisir :")
                lines.extend(f"  - {p.text()}" for p in chosen)
        return "\n".join(lines)


_LAYOUTS = {"long": "format long", "wide_period": "une colonne par période",
            "wide_indicator": "une colonne par indicateur", "points": "données ponctuelles",
            "residences": "consommation par résidence"}


def finish(report: ImportReport) -> ImportReport:
    """The verdict of a checked file that was not written: refused, waiting for a choice, or ready."""
    if report.errors:
        report.status = ImportStatus.REFUSED
    elif report.rows_conflicting and report.mode is None:
        report.status = ImportStatus.NEEDS_CHOICE
    else:
        report.status = ImportStatus.CHECKED
    return report
