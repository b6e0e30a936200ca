"""The exported workbooks open in LibreOffice (headless conversion to PDF), as a finance officer's would.

One soffice run converts the three kinds of workbook (a few seconds). On a laptop without LibreOffice
the test is skipped with a message; in CI (`CI` set, `.ci/run` installs libreoffice-calc-nogui) it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date

import pandas as pd
import pytest

from dq_core import export
from dq_core.store import db, territories

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    if SOFFICE:
        return SOFFICE
    message = ("LibreOffice (soffice) is missing: install it to check that exports open "
               "(Debian/Ubuntu: `apt-get install libreoffice-calc-nogui`).")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_workbooks_open_in_libreoffice(tiny_db, tmp_path):
    soffice = require_soffice()
    day = date(2026, 3, 12)
    con = db.connect(tiny_db)
    cur = con.cursor()
    fiche = tmp_path / "fiche.xlsx"
    fiche.write_bytes(export.fiche_workbook_bytes(cur, "QNX0101M", exported_on=day))
    export.write_combined_workbook(cur, territories.select_quartiers(cur, all_quartiers=True),
                                   tmp_path / "ensemble.xlsx", exported_on=day)
    con.close()
    frame = pd.DataFrame({"Année": ["2020", "2021"], "Quartier": [40.0, "s"], "Commune": [18.9, 18.9]})
    (tmp_path / "tableau.xlsx").write_bytes(export.table_to_xlsx(
        "Taux de pauvreté", frame, chart=export.ChartSpec(), units={"Quartier": "%", "Commune": "%"}))
    out = tmp_path / "pdf"
    # A private profile: no clash with another LibreOffice running on the machine.
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out),
         str(fiche), str(tmp_path / "ensemble.xlsx"), str(tmp_path / "tableau.xlsx")],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr
    pages = {}
    for name in ("fiche", "ensemble", "tableau"):
        pdf = (out / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF"), name
        pages[name] = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages["fiche"] >= 6                   # Synthèse, three domains, sources, warnings
    assert pages["ensemble"] >= 6                # overview, sources, warnings, three quartiers
    assert pages["tableau"] >= 1
