"""Every file the app reads comes in here: one reader stack, a registry of file kinds, one history.

    read/      bytes → text and tables: sources, decoding, delimiters, French numbers and periods, xlsx
    kinds/     one module a kind of file, each recognised from its content (`kinds.KINDS`, `kinds.recognise`)
    partner/   what partners' tables need from the user: layouts and mappings, new indicators, template
    pipeline   a partner's table through named stages: read → declare → map → check → resolve
               conflicts → protect → write (`STAGES`), each testable on its own
    official   a folder of official files: each recognised, read whole, written by `official_write`
    checks, protect, history, journal   shared: checks, secret statistique, the one transaction,
               the import history and its exact undo (official batches journal their territory changes)

Public API for pages and the CLI:

    from dq_core.files import FileSource, ImportOptions, check_file, import_file
    with workspace.open_cursor(path) as cur:
        report = check_file(cur, FileSource.from_path("fichier.csv"))          # stores nothing
        report = import_file(cur, FileSource.from_path("fichier.csv"),
                             ImportOptions(mode="replace", partner="Bailleur X", comment="..."))
    report.ok, report.status, report.summary(), report.text(), report.problems_frame(), report.preview
    import_history(cur) ; undo_import(cur, batch_id) ; build_template(cur, "modele.xlsx")
    official.import_folder(cur, folder) ; official.read_file(source) → (kind, reading)

Adding a kind of file: one module in `kinds/` defining a `FileKind` (how to recognise it, how to read
it into a `kinds.Reading`, what it needs from the user) and one line in `kinds.KINDS`; the test of
`tests/core/test_file_kinds.py` then asks for its examples. Work tables are temporary tables of the
cursor: take a fresh cursor per import.
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
