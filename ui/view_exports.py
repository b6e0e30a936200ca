"""Download buttons of the Évolution and Comparer views: « Télécharger (Excel) » and « (CSV) ».

The files are generated only when a button is clicked (`data=callable`). Streamlit runs the callable
outside the script thread: it only calls dq_core on objects captured at render time, never Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable

from streamlit.delta_generator import DeltaGenerator

from dq_core import export
from dq_core.export import views as view_export
from dq_core.export.views import ViewExport


def download_buttons(build: Callable[[], ViewExport], view: str, name: str, code: str, key: str,
                     excel_in: DeltaGenerator, csv_in: DeltaGenerator, *, demo: bool = False,
                     in_excel: str = "le tableau", in_csv: str = "Le tableau") -> None:
    """Two buttons, in `excel_in` and `csv_in`; `build` turns the view into its export (pure dq_core).
    `in_excel` / `in_csv` say what each file holds (button help)."""
    built: list[ViewExport] = []

    def made() -> ViewExport:
        if not built:
            built.append(build())
        return built[0]

    excel_in.download_button(
        "Télécharger (Excel)", data=lambda: made().xlsx(), on_click="ignore", key=f"{key}_xlsx",
        file_name=view_export.filename(view, name, code, "xlsx", demo=demo), mime=export.XLSX_MIME,
        icon=":material/download:", width="stretch",
        help=f"Un classeur Excel : {in_excel}, avec les sources et les remarques.")
    csv_in.download_button(
        "Télécharger (CSV)", data=lambda: made().csv(), on_click="ignore", key=f"{key}_csv",
        file_name=view_export.filename(view, name, code, "csv", demo=demo), mime=export.CSV_MIME,
        icon=":material/download:", width="stretch",
        help=f"{in_csv}, en CSV (séparateur « ; », virgule décimale) : s'ouvre tel quel dans Excel.")
