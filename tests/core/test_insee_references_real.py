"""Against INSEE's real files (skipped when absent): the fiche's references are Filosofi's own figures of the
quartier's data year, read back here from the raw DISP files; Caf sums are those of the raw IRIS lines."""

from __future__ import annotations

import csv

import pytest

from dq_core.explore.fiche import build_fiche
from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.store import db
from tests.official_fixtures import NATIONAL, OFFICIAL, require_official

pytestmark = pytest.mark.official
REFERENCES = OFFICIAL / "insee_references"
LEVELS = {"commune": "COM", "epci": "EPCI", "departement": "DEP", "region": "REG", "france": "METROPOLE"}
# Malakoff (Nantes); Saint Henri (Marseille 16e: the commune is Marseille, the région code 93 is also a département's).
QUARTIERS = ("QP044013", "QP013003")


def _raw(path, column: str) -> dict[str, float]:
    """CODGEO → value of `column`, read with nothing but the csv module (decimal comma, empty = absent)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["CODGEO"]: float(row[column].replace(",", ".").replace(" ", ""))
                for row in csv.DictReader(handle, delimiter=";") if row.get(column)}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    require_official()
    con = db.connect(tmp_path_factory.mktemp("refs-real") / "refs.duckdb")
    cur = con.cursor()
    with db.transaction(cur):
        db.set_meta(cur, "workspace_kind", "user")
    paths = [NATIONAL / "DEMO_2022.csv", NATIONAL / "REVN_2022.csv",
             *(REFERENCES / "filosofi_disp" / f"FILO2018_DISP_{level}.csv" for level in LEVELS.values()),
             REFERENCES / "caf_iris" / "data_CAF_2018_IRIS.csv"]
    report = import_sources(cur, [FileSource(p.name, path=p) for p in paths])
    assert len(report.imported) == len(paths), [(o.name, o.message) for o in report.outcomes]
    yield cur
    con.close()


@pytest.mark.parametrize("code", QUARTIERS)
def test_income_references_are_filosofi_2018_read_from_the_raw_files(workspace, code):
    line = build_fiche(workspace, code).line("revenu_median_uc")
    refs = line.references
    for key, level in LEVELS.items():
        raw = _raw(REFERENCES / "filosofi_disp" / f"FILO2018_DISP_{level}.csv", "Q218")
        territory = refs[key].code
        raw_code = "1" if key == "france" else territory.removeprefix("DEP").removeprefix("REG")
        assert (key, refs[key].period, refs[key].value) == (key, "2018", raw[raw_code])
    assert refs["france"].name == "France métropolitaine"
    if code == "QP013003":
        assert refs["commune"].code == "13055" and refs["region"].code == "REG93"
    if line.latest.period != "2018":
        pytest.skip("REVN 2022's Filosofi columns are dated by the edition year until the data-year change "
                    f"(part 1 of the issue) lands: quartier at {line.latest.period}, references at 2018")
    assert line.latest.period == "2018"


def test_caf_sums_are_the_raw_iris_lines_of_the_commune(workspace):
    totals: dict[str, float] = {}
    blanks = 0
    with open(REFERENCES / "caf_iris" / "data_CAF_2018_IRIS.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["CODGEO"].startswith("44109"):
                if row["A"]:
                    totals["44109"] = totals.get("44109", 0) + float(row["A"].replace(" ", ""))
                else:
                    blanks += 1
    value, estimated = workspace.execute(
        "SELECT value, is_estimated FROM observation WHERE territory = '44109' AND indicator = 'allocataires_caf' "
        "AND period = '2018'").fetchone()
    assert value == totals["44109"] and estimated == (blanks > 0)
