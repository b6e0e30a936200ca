"""The import pipeline: read → map to long rows → check → protect → write (one transaction) → report.

    report = check_file(cur, source, options)        # validator mode: stores nothing
    report = import_file(cur, source, options)       # stores when the file is valid

Both return an `ImportReport` (French summary, every problem with line/column/value, a preview of
the rows as they would be stored). Work tables (`dq_raw`, `dq_rows`, …) are temporary tables of the
given cursor: use a fresh cursor per import (the CLI and the page do).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from dq_core import fmt, french
from dq_core.errors import DQError
from dq_core.files import checks, energy_import, kinds, protect, refused
from dq_core.files import history as store
from dq_core.files.kinds import partner_tables
from dq_core.files.partner import declarations, layouts
from dq_core.files.partner.layouts import Mapping
from dq_core.files.partner.template import HELPER_COLUMNS
from dq_core.files.read import raw as readers
from dq_core.files.read.numbers import MISSING_TOKENS, SECRET_TOKENS, install_macros
from dq_core.files.read.periods import parse_period
from dq_core.files.read.source import KIND_MESSAGES, FileSource, sniff_kind
from dq_core.files.read.text import normalise_text
from dq_core.files.report import CHOICE, WARNING, ImportReport, Problem, finish
from dq_core.files.sql import first as _first
from dq_core.files.sql import register
from dq_core.files.status import ImportStatus
from dq_core.store import db
from dq_core.store.catalogue import Indicator, load_indicators

STATUS_WORDS = {
    "s": "secret", "secret": "secret", "c": "secret", "confidentiel": "secret", "secret_statistique": "secret",
    "p": "provisional", "provisoire": "provisional", "e": "estimated", "estime": "estimated",
    "estimation": "estimated", "r": "break", "rupture": "break", "rupture_de_serie": "break",
    "d": "final", "definitif": "final", "ok": "final", "": "final",
}


@dataclass
class ImportOptions:
    """How to import a file. `mode`: 'replace' or 'keep' the values already stored for the same
    territory, indicator and period (None: ask when there are some)."""
    mode: str | None = None
    dry_run: bool = False
    partner: str | None = None             # the source: its remembered mapping and secrecy threshold
    comment: str | None = None
    mapping: Mapping | None = None         # the assistant's mapping (else remembered, else guessed)
    remember_mapping: bool = True
    secret_threshold: int | None = None    # overrides the partner's and the catalogue's thresholds
    period: str | None = None              # period of the whole file when it has no period column
    indicators_file: FileSource | None = None
    source: str = "partenaire"
    progress: Callable[[float, str], None] | None = None
    fault: Callable[[str], None] | None = field(default=None, repr=False)   # test hook (writes)


@dataclass
class FileInfo:
    """What the assistant shows before mapping: columns, first rows, the proposed mapping."""
    kind: str
    headers: list[str]
    preview: pd.DataFrame
    mapping: Mapping
    remembered: bool
    rows: int


def split_uploads(sources: list[FileSource]) -> tuple[FileSource | None, FileSource | None]:
    """(data file, indicator declarations file) among the files a user dropped together."""
    data, declared = None, None
    for source in sources:
        is_declarations = False
        if source.size < 2_000_000 and sniff_kind(source) in ("csv", "xlsx"):
            con = db.open_duckdb()
            try:
                cur = con.cursor()
                install_macros(cur)
                raw = readers.read_raw(cur, source, sniff_kind(source), layouts.header_cell_known({}))
                is_declarations = declarations.is_declaration_header(raw.headers)
            except DQError:
                pass
            finally:
                con.close()
        if is_declarations and declared is None:
            declared = source
        elif data is None:
            data = source
        else:
            raise DQError("Déposez un seul fichier de données à la fois (plus, si besoin, un fichier "
                          "déclarant les nouveaux indicateurs).")
    if data is None and declared is not None:
        data, declared = declared, None
    return data, declared


def check_file(cur: duckdb.DuckDBPyConnection, source: FileSource,
               options: ImportOptions | None = None) -> ImportReport:
    """Validator mode: every check and the privacy rules, nothing stored."""
    return import_file(cur, source, replace(options or ImportOptions(), dry_run=True))


def inspect_file(cur: duckdb.DuckDBPyConnection, source: FileSource, partner: str | None = None) -> FileInfo:
    """Read a file's columns and first rows and propose a mapping (raises DQError when unreadable)."""
    kind = sniff_kind(source)
    if kind not in ("csv", "xlsx"):
        raise DQError(_kind_message(kind, source.name))
    install_macros(cur)
    catalogue = _catalogue_labels(cur)
    raw = readers.read_raw(cur, source, kind, layouts.header_cell_known(catalogue))
    remembered = layouts.recall_mapping(cur, partner, raw.headers)
    mapping = remembered or layouts.guess_mapping(raw.headers, catalogue)
    rows = cur.execute("SELECT * EXCLUDE (line) FROM dq_raw ORDER BY line LIMIT 20").fetchall()
    preview = pd.DataFrame(rows, columns=raw.headers, dtype="string")
    return FileInfo(kind, raw.headers, preview, mapping, remembered is not None, raw.rows)


def import_file(cur: duckdb.DuckDBPyConnection, source: FileSource,
                options: ImportOptions | None = None) -> ImportReport:
    """Check, protect and (unless `dry_run`, an error, or an unanswered conflict) store a file."""
    options = options or ImportOptions()
    if options.mode not in (None, "replace", "keep"):
        raise DQError("Mode inconnu : choisissez « remplacer » ou « garder ».")
    if energy_import.is_residence_file(source):      # its own tables: residences and their consumption
        return energy_import.import_residences(cur, source, options)
    run = ImportRun(cur, source, options, ImportReport(source.name, mode=options.mode))
    for stage in STAGES:
        if not stage(run):
            _collect_refused_lines(run)
            return finish(run.report)
    return run.report


def _collect_refused_lines(run: ImportRun) -> None:
    """A refused file's lines with their problems, for a workbook to correct (while the work tables exist)."""
    if not run.report.errors or run.raw is None:
        return
    if not run.cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'dq_raw'").fetchone()[0]:
        # dq_raw is dropped once parsed (memory): read the file again, the same way, for its refused lines
        stored_labels = {i: ind.label for i, ind in run.stored.items()}
        readers.read_raw(run.cur, run.source, sniff_kind(run.source), layouts.header_cell_known(stored_labels))
    run.report.refused_lines = refused.refused_lines(run.cur, run.report.errors, run.raw.headers)
    run.cur.execute("DROP TABLE IF EXISTS dq_raw")


@dataclass
class ImportRun:
    """One file on its way through the stages: what each found, for the next ones."""
    cur: duckdb.DuckDBPyConnection
    source: FileSource
    options: ImportOptions
    report: ImportReport
    raw: readers.RawTable | None = None
    stored: dict[str, Indicator] = field(default_factory=dict)
    declared: list[Indicator] = field(default_factory=list)
    sums: list[tuple[str, str]] = field(default_factory=list)
    mapping: Mapping | None = None
    protect_stored: set = field(default_factory=set)

    def progress(self, fraction: float, label: str) -> None:
        if self.options.progress:
            self.options.progress(fraction, label)

    def refuse(self, kind: str, message: str) -> bool:
        self.report.problems.append(Problem(kind, message))
        return False

    @property
    def labels(self) -> dict[str, str]:
        """Indicator id → label, the catalogue's and the file's new ones."""
        return {i: ind.label for i, ind in self.stored.items()} | {ind.id: ind.label for ind in self.declared}


def read(run: ImportRun) -> bool:
    """Stage 1: the file's cells as text in `dq_raw` (CSV or Excel; anything else refused)."""
    run.progress(0.0, "Lecture du fichier…")
    container = sniff_kind(run.source)
    run.report.file_kind = container if container in ("csv", "xlsx") else ""
    if container == "empty":
        return run.refuse("fichier_vide", "Le fichier est vide : il ne contient aucune donnée.")
    if container not in ("csv", "xlsx"):
        return run.refuse("type_fichier", _kind_message(container, run.source.name))
    hint = _official_hint(run.source)
    if hint:
        return run.refuse("fichier_officiel", hint)
    run.report.file_hash = run.source.sha256
    install_macros(run.cur)
    run.stored = {ind.id: ind for ind in load_indicators(run.cur)}
    try:
        run.raw = readers.read_raw(run.cur, run.source, container, layouts.header_cell_known(run.labels))
    except DQError as exc:
        return run.refuse("fichier_illisible", exc.message)
    run.report.encoding, run.report.delimiter = run.raw.encoding, run.raw.delimiter
    run.report.rows_read = run.raw.rows
    return True


def declare(run: ImportRun) -> bool:
    """Stage 2: new indicators, from a sheet of the workbook or a companion file."""
    run.progress(0.15, "Contrôle des colonnes…")
    raw, options, report = run.raw, run.options, run.report
    rows, where = raw.declarations, raw.declarations_sheet
    if options.indicators_file is not None:
        rows, where = _companion_rows(options.indicators_file, run.labels, report)
    if declarations.is_declaration_header(raw.headers) and not options.indicators_file:
        return run.refuse("fichier_indicateurs_seul", "Ce fichier déclare des indicateurs mais ne contient pas de "
                          "valeurs : importez-le avec le fichier de données (feuille « indicateurs » du classeur, "
                          "ou fichier d'indicateurs joint).")
    if rows:
        parsed = declarations.parse_declarations(rows, run.stored, partner=options.partner, where=where)
        run.declared, run.sums = parsed.indicators, parsed.sums
        report.problems.extend(parsed.problems)
        report.new_indicators = [ind.id for ind in run.declared]
    if raw.rows == 0:
        return run.refuse("fichier_vide", "Le fichier ne contient aucune ligne de données sous la ligne "
                          "d'en-tête." + (f" (en-tête trouvé ligne {raw.header_line})" if raw.header_line > 1 else ""))
    return True


def map_columns(run: ImportRun) -> bool:
    """Stage 3: which column means what (the assistant's mapping, else the partner's, else a guess)."""
    raw, options, report = run.raw, run.options, run.report
    mapping = options.mapping or layouts.recall_mapping(run.cur, options.partner, raw.headers) \
        or layouts.guess_mapping(raw.headers, run.labels)
    if options.period and mapping.layout in ("wide_indicator", "points") and "period" not in mapping.columns:
        mapping = replace(mapping, fixed={**mapping.fixed, "period": options.period})
    run.mapping = mapping
    report.layout, report.mapping = mapping.layout, _mapping_dict(mapping)
    mapping_errors = layouts.mapping_problems(mapping, raw.headers)
    if mapping_errors:
        return run.refuse("colonnes", "Colonnes attendues introuvables : " + " ; ".join(mapping_errors) + ". Colonnes "
                          "du fichier (ligne " + str(raw.header_line) + ") : " + ", ".join(f"« {h} »" for h in raw.headers)
                          + ". Le format attendu est : code_territoire ; indicateur ; periode ; valeur (voir le modèle).")
    report.problems.extend(_shape_problems(raw))
    report.problems.extend(protect.personal_data_problems(run.cur, raw.headers, mapping.layout,
                                                          mapping.columns.get("period")))
    _unused_columns(raw.headers, mapping, report)
    return True


def check(run: ImportRun) -> bool:
    """Stage 4: the file as long rows (`dq_rows`), parsed, every value checked."""
    run.progress(0.3, "Contrôle des valeurs…")
    cur, raw, mapping, report = run.cur, run.raw, run.mapping, run.report
    threshold = run.options.secret_threshold or layouts.partner_threshold(cur, run.options.partner)
    _indicator_table(cur, run.stored, run.declared, run.sums, threshold)
    partner_tables.BY_LAYOUT[mapping.layout].stage(cur, raw, mapping, run.labels, report)
    _parse_rows(cur)
    report.rows_ignored = _first(cur.execute("SELECT count(*) FROM dq_rows WHERE skip"))[0] + len(raw.notes)
    empty_rows = report.rows_ignored - len(raw.notes)
    if empty_rows and mapping.layout == "long":
        report.problems.append(Problem("valeur_vide", f"{fmt.number(empty_rows, 0)} ligne{'s' if empty_rows > 1 else ''} "
                                       "sans valeur ni statut : ignorée" + ("s" if empty_rows > 1 else "") + ".",
                                       severity=WARNING, lines=_lines(cur, "skip"),
                                       column=raw.headers and mapping.columns.get("value"), count=empty_rows,
                                       sheet=raw.sheet))
    report.problems.extend(checks.run_checks(cur, mapping, raw.sheet))
    report.rows_valid = _first(cur.execute("SELECT count(*) FROM dq_rows WHERE NOT skip"))[0]
    if report.rows_valid == 0 and not report.errors:
        report.problems.append(Problem("fichier_vide", "Aucune valeur à importer : toutes les lignes sont vides."))
    return True


def resolve_conflicts(run: ImportRun) -> bool:
    """Stage 5: values the workspace already holds (same territory, indicator, period): replace or keep?"""
    run.progress(0.55, "Comparaison avec la base…")
    if run.report.ok:
        _conflicts(run.cur, run.report, run.options.mode)
    return True


def protect_cells(run: ImportRun) -> bool:
    """Stage 6: secret statistique, primary then secondary; the preview of what would be stored."""
    run.progress(0.65, "Secret statistique…")
    cur, report = run.cur, run.report
    cur.execute("CREATE OR REPLACE TEMP TABLE dq_hide (territory VARCHAR, indicator VARCHAR, period VARCHAR, hide BOOLEAN)")
    if report.ok:
        _secrecy(run)
    report.preview = _preview(cur)
    return report.ok and not run.options.dry_run and not (report.rows_conflicting and run.options.mode is None)


def write(run: ImportRun) -> bool:
    """Stage 7: one transaction, one batch in the history (undoable)."""
    run.progress(0.7, "Enregistrement…")
    options, report = run.options, run.report
    result = store.write_import(
        run.cur, source=options.source, file_name=run.source.name, file_hash=report.file_hash,
        comment=options.comment, partner=options.partner, mode=options.mode or "replace",
        rows_read=report.rows_read, new_indicators=run.declared, sums=run.sums, protect_stored=run.protect_stored,
        progress=lambda fraction, label: run.progress(0.7 + 0.3 * fraction, label), fault=options.fault)
    if options.partner and options.remember_mapping:
        layouts.remember_mapping(run.cur, options.partner, run.raw.headers, run.mapping)
    report.batch_id, report.mode = result.batch_id, options.mode or "replace"
    report.rows_inserted, report.rows_replaced, report.rows_kept = result.inserted, result.replaced, result.kept
    report.status = ImportStatus.IMPORTED
    return True


STAGES = (read, declare, map_columns, check, resolve_conflicts, protect_cells, write)


def _official_hint(source: FileSource) -> str | None:
    """When a file is an official base (and no partner layout), say where it goes."""
    sample = kinds.Sample(source)
    try:
        kind = kinds.recognise(sample)
        if kind is None or kind.is_partner or any(k.recognise(sample) for k in kinds.KINDS if k.is_partner):
            return None
    except DQError:
        return None
    return (f"Ce fichier est une {kind.label} : importez-le depuis la page « Données officielles » (ou "
            "`python -m dq_core import-official`), qui le reconnaît et l'importe tel quel.")


def _shape_problems(raw: readers.RawTable) -> list[Problem]:
    """What reading noticed about the file's shape: cells beyond the header, a cut last line, quotes, notes."""
    problems = []
    if raw.extra_columns:
        problems.append(Problem("colonnes_en_trop", "cette ligne a plus de valeurs que l'en-tête n'a de "
                                "colonnes (séparateur dans une valeur ? guillemets manquants ?).",
                                lines=tuple(raw.extra_lines), count=raw.extra_columns, sheet=raw.sheet))
    if raw.truncated_line is not None:
        problems.append(Problem("fichier_tronque", "la dernière ligne du fichier s'arrête au milieu : le "
                                "fichier semble tronqué (copie ou envoi interrompu). Renvoyez le fichier "
                                "complet.", lines=(raw.truncated_line,)))
    if raw.open_quote_lines:
        problems.append(Problem("guillemet", "un guillemet (\") ouvre une valeur qui n'est jamais refermée : "
                                "la suite du fichier est lue comme une seule valeur. Retirez ce guillemet "
                                "ou refermez-le.", lines=tuple(raw.open_quote_lines[:8]),
                                count=len(raw.open_quote_lines)))
    if raw.formula_count:
        problems.append(Problem("formule_sans_valeur", f"{fmt.number(raw.formula_count, 0)} cellule(s) de formule "
                                "sans valeur calculée (" + ", ".join(raw.formula_cells)
                                + ("…" if raw.formula_count > len(raw.formula_cells) else "") + ") : le classeur a "
                                "été produit par un programme qui n'a pas calculé ses formules, et ces cellules "
                                "paraîtraient vides. Ouvrez-le dans Excel ou LibreOffice, enregistrez-le, puis "
                                "recommencez.", count=raw.formula_count, sheet=raw.sheet))
    if raw.notes:
        problems.append(Problem("notes", "lignes sous le tableau (notes, sources) mises de côté : « "
                                + " » ; « ".join(_clip(t) for _, t in raw.notes[:3]) + " ».", severity=WARNING,
                                lines=tuple(n for n, _ in raw.notes[:8]), count=len(raw.notes), sheet=raw.sheet))
    return problems


def _conflicts(cur, report: ImportReport, mode: str | None) -> None:
    conflicts, identical = _first(cur.execute("""
        SELECT count(*), count(*) FILTER (WHERE o.value IS NOT DISTINCT FROM r.value)
        FROM dq_rows r JOIN observation o USING (territory, indicator, period) WHERE NOT r.skip"""))
    report.rows_conflicting, report.rows_identical = conflicts, identical
    if not conflicts:
        return
    examples = cur.execute("""
        SELECT r.line, r.territory, r.indicator, r.period FROM dq_rows r
        JOIN observation o USING (territory, indicator, period) WHERE NOT r.skip
        ORDER BY r.line LIMIT 8""").fetchall()
    plural = conflicts > 1
    said = (f"{fmt.number(conflicts, 0)} valeur{'s' if plural else ''} du fichier "
            f"existe{'nt' if plural else ''} déjà dans la base (même territoire, indicateur et "
            f"période ; {fmt.number(identical, 0)} identique{'s' if identical > 1 else ''}), par exemple "
            + ", ".join(f"{t} {i} {fmt.period(p)}" for _, t, i, p in examples[:3]))
    if mode is None:
        said += (". Choisissez « remplacer » (les valeurs de la base sont mises de côté et reviennent "
                 "si l'import est annulé) ou « garder » (les valeurs de la base restent).")
    elif mode == "replace":
        said += " : elles seront remplacées (et reviendront si l'import est annulé)."
    else:
        said += " : les valeurs de la base sont gardées, celles du fichier ne sont pas enregistrées."
    report.problems.append(Problem("conflit", said, severity=CHOICE if mode is None else WARNING,
                                   lines=tuple(x[0] for x in examples if x[0] is not None), count=conflicts))


def _secrecy(run: ImportRun) -> None:
    cur, report = run.cur, run.report
    report.rows_secret = _first(cur.execute(
        "SELECT count(*) FROM dq_rows WHERE NOT skip AND (primary_secret OR status_secret)"))[0]
    file_cells, run.protect_stored = protect.secondary_cells(cur, run.options.mode)
    if file_cells:
        register(cur, "dq_hide_file", pd.DataFrame([(c.territory, c.indicator, c.period, True) for c in file_cells],
                                                   columns=["territory", "indicator", "period", "hide"]))
        cur.execute("INSERT INTO dq_hide SELECT * FROM dq_hide_file")
    report.rows_secret_secondary = len(file_cells)
    report.stored_cells_protected = len(run.protect_stored)
    report.problems.extend(protect.secrecy_warnings(cur))
    if run.protect_stored:
        n = len(run.protect_stored)
        report.problems.append(Problem("secret_secondaire_base", f"{french.count(n, 'valeur déjà enregistrée')} "
                                       f"{french.agree(n, 'sera masquée', 'seront masquées')} pour que les valeurs "
                                       "secrètes du fichier ne puissent pas être retrouvées par soustraction.",
                                       severity=WARNING, count=n))


def _kind_message(kind: str, name: str) -> str:
    if kind == "empty":
        return "Le fichier est vide : il ne contient aucune donnée."
    return f"« {name} » n'est pas un fichier CSV ou Excel (.xlsx) lisible. " + KIND_MESSAGES.get(kind, KIND_MESSAGES["binary"])


def _clip(text: str, limit: int = 50) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines(cur, where: str) -> tuple[int, ...]:
    return tuple(r[0] for r in cur.execute(f"SELECT line FROM dq_rows WHERE {where} AND line IS NOT NULL "
                                           "ORDER BY line LIMIT 8").fetchall())


def _catalogue_labels(cur) -> dict[str, str]:
    return {ind.id: ind.label for ind in load_indicators(cur)}


def _mapping_dict(mapping: Mapping) -> dict:
    return {"layout": mapping.layout, "columns": dict(mapping.columns), "fixed": dict(mapping.fixed),
            "value_columns": dict(mapping.value_columns)}


def _companion_rows(companion: FileSource, labels: dict[str, str], report: ImportReport):
    kind = sniff_kind(companion)
    if kind not in ("csv", "xlsx"):
        report.problems.append(Problem("type_fichier", "Fichier d'indicateurs : " + _kind_message(kind, companion.name)))
        return None, None
    try:
        headers, rows = readers.read_rows(companion, kind, layouts.header_cell_known(labels))
    except DQError as exc:
        report.problems.append(Problem("fichier_illisible", f"Fichier d'indicateurs « {companion.name} » : {exc.message}"))
        return None, None
    if not declarations.is_declaration_header(headers):
        report.problems.append(Problem("colonnes", f"Le fichier d'indicateurs « {companion.name} » doit avoir les "
                                       "colonnes : " + " ; ".join(declarations.DECLARATION_HEADER) + "."))
        return None, None
    return rows, companion.name


def _unused_columns(headers: list[str], mapping: Mapping, report: ImportReport) -> None:
    used = set(mapping.columns.values()) | set(mapping.value_columns)
    unused = [h for h in headers if h not in used and not h.startswith("colonne ")
              and normalise_text(h) not in HELPER_COLUMNS]
    if unused:
        what = french.agree(len(unused), "colonne non utilisée, ignorée", "colonnes non utilisées, ignorées")
        report.problems.append(Problem("colonne_ignoree", f"{what} : "
                                       + ", ".join(f"« {_clip(h)} »" for h in unused) + ".", severity=WARNING))


def _indicator_table(cur, stored: dict[str, Indicator], declared: list[Indicator],
                     sums: list[tuple[str, str]], threshold: int | None) -> None:
    rows = [(i.id, i.label, i.kind, i.scale, i.unit, threshold or i.secret_threshold, i.periodicity)
            for i in [*stored.values(), *declared]]
    frame = pd.DataFrame(rows, columns=["id", "label", "kind", "scale", "unit", "threshold", "periodicity"])
    frame["threshold"] = frame["threshold"].astype("Int64")
    frame["scale"] = frame["scale"].astype("Float64")
    cur.register("dq_ind_df", frame)
    cur.execute("CREATE OR REPLACE TEMP TABLE dq_ind AS SELECT * FROM dq_ind_df")
    cur.unregister("dq_ind_df")
    stored_sums = cur.execute("SELECT total, part FROM indicator_sum").fetchall()
    sums_frame = pd.DataFrame(sorted(set(stored_sums) | set(sums)), columns=["total", "part"], dtype="string")
    cur.register("dq_sums_df", sums_frame)
    cur.execute("CREATE OR REPLACE TEMP TABLE dq_sums AS SELECT total::VARCHAR AS total, part::VARCHAR AS part FROM dq_sums_df")
    cur.unregister("dq_sums_df")


def _parse_rows(cur) -> None:
    """`dq_rows`: the staging rows with codes resolved, periods and numbers parsed, flags set."""
    for column, name in (("i", "dq_ind_names"), ("p", "dq_period_names"), ("s", "dq_status_names")):
        values = [r[0] for r in cur.execute(f"SELECT DISTINCT trim({column}) FROM dq_staging").fetchall()]
        if name == "dq_ind_names":
            ids = {r[0]: r[1] for r in cur.execute("SELECT id, label FROM dq_ind").fetchall()}
            by_norm = {normalise_text(i): i for i in ids} | {normalise_text(lbl): i for i, lbl in ids.items()}
            frame = pd.DataFrame([(v, by_norm.get(normalise_text(v)) if v else None) for v in values],
                                 columns=["raw", "id"], dtype="string")
        elif name == "dq_period_names":
            parsed = [(v, parse_period(v)) for v in values]
            frame = pd.DataFrame([(v, p.code if p else None, p.start if p else None) for v, p in parsed],
                                 columns=["raw", "code", "start"])
            frame["raw"] = frame["raw"].astype("string")
            frame["code"] = frame["code"].astype("string")
            frame["start"] = pd.to_datetime(frame["start"])
        else:
            rows = []
            for v in values:
                words = [normalise_text(w) for w in str(v or "").replace("+", ",").replace("/", ",").split(",")]
                flags = [STATUS_WORDS.get(w) for w in words] if any(words) else ["final"]
                rows.append((normalise_text(v or ""), all(f is not None for f in flags), "secret" in flags,
                             "provisional" in flags, "estimated" in flags, "break" in flags))
            frame = pd.DataFrame(rows, columns=["raw", "ok", "secret", "provisional", "estimated", "brk"])
            frame = frame.drop_duplicates("raw")
            frame["raw"] = frame["raw"].astype("string")
        register(cur, name, frame)
    # Words meaning "secret" or "no value" in a number cell (constants of this module, not user text).
    secret_words = ", ".join("'" + t.replace("'", "''") + "'" for t in sorted(SECRET_TOKENS))
    missing_words = ", ".join("'" + t.replace("'", "''") + "'" for t in sorted(MISSING_TOKENS))

    def token(column: str) -> str:
        return (f"CASE WHEN {column} IS NULL THEN 'missing' WHEN dq_token({column}) IN ({secret_words}) THEN 'secret' "
                f"WHEN dq_token({column}) IN ({missing_words}) THEN 'missing' END")
    cur.execute(f"""CREATE OR REPLACE TEMP TABLE dq_rows AS
        WITH parsed AS (
            SELECT s.line, s.value_column, upper(trim(s.t)) AS territory, trim(s.i) AS indicator_raw,
                   n.id::VARCHAR AS indicator, trim(s.p) AS period_raw, p.code::VARCHAR AS period,
                   p.start::DATE AS period_start, s.v AS v_text, dq_number(s.v) AS value,
                   s.n AS n_text, dq_number(s.n) AS numerator, s.d AS d_text, dq_number(s.d) AS denominator,
                   s.s AS status_raw, coalesce(st.ok, true) AS status_ok,
                   coalesce(st.secret, false) AS st_secret, coalesce(st.provisional, false) AS is_provisional,
                   coalesce(st.estimated, false) AS is_estimated, coalesce(st.brk, false) AS is_break
            FROM dq_staging s
            LEFT JOIN dq_ind_names n ON n.raw = trim(s.i)
            LEFT JOIN dq_period_names p ON p.raw = trim(s.p)
            LEFT JOIN dq_status_names st ON st.raw = {_normalised_sql('s.s')}),
        tokens AS (
            SELECT *, CASE WHEN value IS NULL THEN {token('v_text')} END AS v_token,
                   CASE WHEN numerator IS NULL THEN {token('n_text')} END AS n_token,
                   CASE WHEN denominator IS NULL THEN {token('d_text')} END AS d_token
            FROM parsed),
        flagged AS (
            SELECT line, value_column, territory,
                   CASE WHEN indicator IS NULL THEN indicator_raw END AS indicator_raw, indicator,
                   CASE WHEN period IS NULL THEN period_raw END AS period_raw, period, period_start,
                   value, CASE WHEN value IS NULL AND v_token IS NULL THEN v_text END AS value_raw,
                   value IS NOT NULL AND contains(v_text, '%') AS value_percent,
                   CASE WHEN NOT isfinite(value) OR abs(value) >= {checks.HUGE:.0e} THEN v_text
                        WHEN NOT isfinite(numerator) OR abs(numerator) >= {checks.HUGE:.0e} THEN n_text
                        WHEN NOT isfinite(denominator) OR abs(denominator) >= {checks.HUGE:.0e} THEN d_text
                   END AS huge_text,
                   numerator, CASE WHEN numerator IS NULL AND n_token IS NULL THEN n_text END AS numerator_raw,
                   denominator, CASE WHEN denominator IS NULL AND d_token IS NULL THEN d_text END AS denominator_raw,
                   CASE WHEN NOT status_ok THEN status_raw END AS status_raw, status_ok,
                   st_secret OR v_token IS NOT DISTINCT FROM 'secret' AS status_secret,
                   is_provisional, is_estimated, is_break,
                   value IS NULL AND v_token IS NOT DISTINCT FROM 'missing' AND NOT st_secret AS skip
            FROM tokens)
        SELECT r.*, coalesce({protect.PRIMARY_SQL}, false) AS primary_secret
        FROM flagged r LEFT JOIN dq_ind i ON i.id = r.indicator""")
    cur.execute("DROP VIEW IF EXISTS dq_staging")
    cur.execute("DROP TABLE IF EXISTS dq_raw")        # everything needed is in dq_rows now (memory)


def _normalised_sql(expr: str) -> str:
    """SQL twin of normalise_text for short status words."""
    return (f"trim(regexp_replace(lower(strip_accents(coalesce({expr}, ''))), '[^a-z0-9]+', '_', 'g'), '_')")


def _preview(cur, limit: int = 50) -> pd.DataFrame:
    """The first rows as they would be stored (secret cells without a figure)."""
    rows = cur.execute(f"""
        SELECT r.line, r.territory, r.indicator, r.period,
               CASE WHEN r.primary_secret OR r.status_secret OR coalesce(x.hide, false) THEN NULL ELSE r.value END,
               r.primary_secret OR r.status_secret OR coalesce(x.hide, false)
        FROM dq_rows r LEFT JOIN dq_hide x USING (territory, indicator, period)
        WHERE NOT r.skip ORDER BY r.line NULLS LAST LIMIT {int(limit)}""").fetchall()
    frame = pd.DataFrame(rows, columns=["Ligne", "Territoire", "Indicateur", "Période", "Valeur", "Secret"])
    frame["Période"] = [fmt.period(p) if isinstance(p, str) else "" for p in frame["Période"]]
    frame["Valeur"] = ["s" if secret else ("–" if v is None else fmt.number(v, 2).rstrip("0").rstrip(","))
                       for v, secret in zip(frame["Valeur"], frame["Secret"], strict=True)]
    return frame.drop(columns=["Secret"]).astype("string")

