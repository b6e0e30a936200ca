"""`python -m dq_core export`: the same exports from a terminal, with French errors."""

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dq_core.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["export", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_one_quartier_to_an_xlsx(tiny_db, tmp_path, capsys):
    target = tmp_path / "tilleuls.xlsx"
    code, out, err = run(capsys, "QNX0101M", "--db", tiny_db, "--out", target)
    assert code == 0, err
    assert out.strip() == str(target)
    assert "Terminé : 1 fiche quartier, 1 fichier écrit." in err
    assert openpyxl.load_workbook(target).sheetnames[0] == "Synthèse"


def test_commune_to_a_zip_and_all_to_a_directory(tiny_db, tmp_path, capsys):
    code, _, err = run(capsys, "--commune", "X0102", "--db", tiny_db, "--out", tmp_path / "bourg.zip")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "bourg.zip") as zf:
        assert len([n for n in zf.namelist() if n.endswith(".xlsx")]) == 2
    code, out, _ = run(capsys, "--all", "--db", tiny_db, "--out", tmp_path / "fiches")
    assert code == 0 and len(out.split()) == 3
    assert len(list((tmp_path / "fiches").glob("fiche_*.xlsx"))) == 3


def test_epci_to_one_combined_workbook(tiny_db, tmp_path, capsys):
    target = tmp_path / "agglo.xlsx"
    code, _, err = run(capsys, "--epci", "XE001", "--db", tiny_db, "--out", target)
    assert code == 0, err
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == "Vue d'ensemble" and len(wb.sheetnames) == 6
    assert wb["Vue d'ensemble"]["A1"].value == "Vue d'ensemble — Agglo Test (XE001)"


@pytest.mark.parametrize(("args", "message"), [
    ((), "Indiquez les quartiers à exporter"),
    (("QP999",), "Quartier inconnu : « QP999 »"),
    (("--departement", "99"), "Département inconnu : « 99 »"),
    (("QNX0101M", "--all"), "une seule sélection"),
])
def test_bad_selection_is_a_french_error(tiny_db, tmp_path, capsys, args, message):
    code, out, err = run(capsys, *args, "--db", tiny_db, "--out", tmp_path / "x.xlsx")
    assert code == 1 and out == ""
    assert err.startswith("Erreur : ") and message in err
    assert not (tmp_path / "x.xlsx").exists()


def test_bad_output_is_a_french_error(tiny_db, tmp_path, capsys):
    code, _, err = run(capsys, "QNX0101M", "--db", tiny_db, "--out", tmp_path / "fiche.ods")
    assert code == 1 and "Format « .ods » non pris en charge" in err


def test_missing_out_exits_non_zero_in_a_real_process(tiny_db):
    result = subprocess.run([sys.executable, "-m", "dq_core", "export", "QNX0101M", "--db", str(tiny_db)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Erreur : argument obligatoire manquant : --out" in result.stderr
