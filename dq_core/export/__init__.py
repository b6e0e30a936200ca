"""Excel and CSV exports: the workbook of a quartier, batches of quartiers, and any table view.

Public API (no Streamlit; pages and the CLI call these), one module per job:

- `fiche_workbook`: `fiche_workbook_bytes(cur, code)` / `write_fiche_workbook(data, target)` — the
  workbook a funding application needs: Synthèse (identity, key indicators with changes and the six
  references, « Texte pour un dossier »), one sheet per domain (full series of the quartier and its
  references, one native line chart per indicator), Sources et définitions, Avertissements.
- `batch`: `write_zip`, `write_directory`, `batch_bytes`, `export_to_path`, `estimated_duration` and
  `combined_workbook.write_combined_workbook` — batches, with a progress callback and bounded memory
  (a few quartiers at a time; the combined workbook streams its rows with XlsxWriter's `constant_memory`).
  `workers`: a zip or a folder of many quartiers is written by two processes on a snapshot of the
  workspace (`worker_count` says how many a batch gets); `fast_chart`: XlsxWriter's line chart with
  its cached points written in one pass.
  The quartiers of a batch are chosen with `dq_core.store.territories.select_quartiers`.
- `tables`: `table_to_xlsx(title, frame, chart=ChartSpec(...))` and `table_to_csv(frame)` — what a
  table view shows, as a workbook with a native chart, or as a CSV French Excel opens; `views` builds
  those of the Évolution and Comparer views.
- `formats` and `book`: the words, safe text, names and number formats every writer shares; `paper`:
  how each sheet prints on A4 (orientation, scale, wide tables split with their key columns repeated).

Rules every writer here follows:
- Text that comes from data is written with `write_string`, never `write`; text starting with
  `=`, `+`, `-`, `@`, a tab or a carriage return also gets Excel's "quote prefix" so that editing
  the cell keeps it text. Chart titles that come from data are cell references, never literal
  strings (XlsxWriter reads a literal starting with `=` as a formula); series names are our own
  words. In CSV such text is prefixed with an apostrophe.
- Secret cells are the string `s`, never a number; charts point at numeric ranges where a secret
  cell is empty (Excel would plot the text `s` as zero).
- Number formats use Excel's US notation (`#,##0.0`, `0.0%`); French Excel and LibreOffice display
  them as `1 234,5` and `12,5 %`. Percentages are stored as fractions (46 % → 0.46); changes of
  rates are stored in points.
"""

from dq_core.export.batch import (
    BATCH_KINDS,
    batch_bytes,
    batch_scopes,
    estimated_duration,
    export_to_path,
    write_directory,
    write_zip,
)
from dq_core.export.combined_workbook import write_combined_workbook
from dq_core.export.fiche_workbook import fiche_workbook_bytes, key_lines, write_fiche_workbook
from dq_core.export.formats import (
    APP_NAME,
    CSV_MIME,
    DEMO_BANNER,
    XLSX_MIME,
    ZIP_MIME,
    batch_filename,
    fiche_filename,
    sheet_name,
    slug,
)
from dq_core.export.loader import FicheLoader, Progress, QuartierExport, load_export
from dq_core.export.tables import ChartSpec, TableSheet, table_to_csv, table_to_xlsx, tables_to_xlsx
from dq_core.export.workers import worker_count

__all__ = [
    "APP_NAME", "BATCH_KINDS", "CSV_MIME", "DEMO_BANNER", "XLSX_MIME", "ZIP_MIME",
    "ChartSpec", "FicheLoader", "Progress", "QuartierExport", "TableSheet",
    "batch_bytes", "batch_filename", "batch_scopes", "estimated_duration", "export_to_path", "fiche_filename",
    "fiche_workbook_bytes", "key_lines", "load_export", "sheet_name", "slug", "table_to_csv",
    "table_to_xlsx", "tables_to_xlsx", "write_combined_workbook", "write_directory",
    "worker_count", "write_fiche_workbook", "write_zip",
]
