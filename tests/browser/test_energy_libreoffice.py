"""The energy workbook opens in LibreOffice (headless conversion to PDF), as an energy officer's would, and
prints French text with the secret residences absent (skipped without LibreOffice, required in CI)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

from dq_core.export import energy_workbook
from dq_core.store import db
from tests.browser.test_export_libreoffice import require_soffice
from tests.energy_page_fixtures import QUARTIER, build_energy_workspace

PDFTOTEXT = shutil.which("pdftotext")


def test_the_energy_workbook_opens_in_libreoffice(tmp_path):
    soffice = require_soffice()
    con = db.connect(build_energy_workspace(tmp_path / "energie.duckdb"))
    try:
        data = energy_workbook.energy_workbook(con.cursor(), QUARTIER, 15, exported_on=date(2026, 3, 12))
    finally:
        con.close()
    book = tmp_path / "ciblage.xlsx"
    book.write_bytes(data)
    out = tmp_path / "pdf"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(book)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    pdf = (out / "ciblage.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 4      # one sheet at least per page
    if PDFTOTEXT:                                                # poppler-utils: read what was printed
        text = subprocess.run([PDFTOTEXT, "-layout", str(out / "ciblage.pdf"), "-"], capture_output=True,
                              text=True, timeout=60).stdout
        for words in ("Liste de ciblage — Les Tilleuls (QNX0101M)", "Alertes de consommation", "Scénario : prix",
                      "Méthodes et sources", "Résidence du Parc", "Données fictives de démonstration"):
            assert words in text, words
        assert "Les Trois Maisons" not in text and "Résidence des Lilas" not in text
