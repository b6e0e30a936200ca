"""Importing data files (partners' files now, official files later): one reusable pipeline.

    read/decode → map to long rows → check → protect → write in ONE transaction → report

Public API (everything a page, the CLI or another importer needs):

    from dq_core.files import FileSource, ImportOptions, check_file, import_file
    with workspace.open_cursor(path) as cur:
        report = check_file(cur, FileSource.from_path("fichier.csv"))          # stores nothing
        report = import_file(cur, FileSource.from_path("fichier.csv"),
                             ImportOptions(mode="replace", partner="Bailleur X", comment="..."))
    report.ok, report.status, report.summary(), report.text(), report.problems_frame(), report.preview
    import_history(cur) ; undo_import(cur, batch_id) ; build_template(cur, "modele.xlsx")

- `FileSource`: a path or uploaded bytes (`from_bytes(name, data)`), hashed and decoded in chunks.
- `ImportOptions`: `mode` ('replace' / 'keep' / None = ask), `dry_run`, `partner` (remembered
  mapping, secrecy threshold), `comment`, `mapping` (assistant), `period` (fixed period),
  `indicators_file` (companion declarations), `source` ('partenaire', 'officiel'…), `progress`.
- `ImportReport`: French summary, problems with file line / column / value, preview, counts.
- Work tables are temporary tables of the cursor: take a fresh cursor per import.
- Reusing the machinery for another kind of source (official files): produce a `dq_raw` table
  (`readers.read_raw`) or directly a `dq_staging` view of long rows (`line, value_column, t, i, p,
  v, n, d, s`, all text), then the same `_parse_rows`, `checks.run_checks`, `protect` and
  `store.write_import` apply — see `pipeline.import_file` for the order.
"""

from dq_core.files.history import HistoryEntry, import_history, undo_import
from dq_core.files.partner.layouts import (
    LAYOUTS,
    ROLE_LABELS,
    Mapping,
    guess_mapping,
    partner_threshold,
    partners,
    recall_mapping,
    remember_mapping,
    set_partner_threshold,
)
from dq_core.files.partner.template import FORMAT_HELP, build_template
from dq_core.files.pipeline import (
    FileInfo,
    ImportOptions,
    check_file,
    import_file,
    inspect_file,
    split_uploads,
)
from dq_core.files.protect import PRIVACY_RULES
from dq_core.files.read.source import FileSource
from dq_core.files.report import CHOICE, ERROR, WARNING, ImportReport, Problem

__all__ = [
    "CHOICE", "ERROR", "FORMAT_HELP", "LAYOUTS", "PRIVACY_RULES", "ROLE_LABELS", "WARNING", "FileInfo",
    "FileSource", "HistoryEntry", "ImportOptions", "ImportReport", "Mapping", "Problem", "build_template",
    "check_file", "guess_mapping", "import_file", "import_history", "inspect_file", "partner_threshold",
    "partners", "recall_mapping", "remember_mapping", "set_partner_threshold", "split_uploads", "undo_import",
]
