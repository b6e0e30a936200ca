"""INSEE's reference files (Filosofi DISP, Caf per IRIS) and the fiche's references of the same data year."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from dq_core.cli.main import fiche_to_json
from dq_core.errors import DQError
from dq_core.explore.fiche import build_fiche
from dq_core.explore.texts import dossier_text
from dq_core.export import fiche_workbook
from dq_core.files import kinds
from dq_core.files.history import undo_import
from dq_core.files.kinds import caf_iris, insee_references
from dq_core.files.official import import_sources, read_file
from dq_core.files.read.source import FileSource
from dq_core.store import reference
from tests.core.test_official_readers import MALAKOFF_DEMO_2022, demo_csv
from tests.factories import user_workspace
from tests.reference_fixtures import caf_csv, caf_row, disp_csv, disp_row

NANTES, SAINT_HERBLAIN, NANTES_METROPOLE = "44109", "44162", "244400404"
FORMER_COMMUNE = "44004"            # Anetz, a commune déléguée of Vair-sur-Loire (44163) since 2016


def _read(name: str, data: bytes):
    kind, reading = read_file(FileSource(name, data=data))
    return kind.name, reading, reading.observations.set_index(["territory", "indicator"])


def _disp_files(year: int = 2018) -> list[FileSource]:
    """A DISP file of each level, named so that the name says nothing about it."""
    return [
        FileSource("a.csv", data=disp_csv(year, disp_row(year, NANTES, "Nantes", 22600),
                                          disp_row(year, FORMER_COMMUNE, "Anetz", 21000),
                                          disp_row(year, "44001", "Abbaretz", 20500, small=True))),
        FileSource("b.csv", data=disp_csv(year, disp_row(year, NANTES_METROPOLE, "Nantes Métropole", 23390))),
        FileSource("c.csv", data=disp_csv(year, disp_row(year, "44", "Loire-Atlantique", 22610),
                                          disp_row(year, "85", "Vendée", 21000))),
        FileSource("d.csv", data=disp_csv(year, disp_row(year, "52", "Pays de la Loire", 21620),
                                          disp_row(year, "53", "Bretagne", 21700),
                                          disp_row(year, "11", "Île-de-France", 23860))),
        FileSource("e.csv", data=disp_csv(year, disp_row(year, "1", "France métropolitaine", 21730))),
    ]


# --- reading ------------------------------------------------------------------------------------

def test_disp_levels_years_and_codes_from_the_content():
    name, reading, obs = _read("export.csv", _disp_files()[0].data)
    assert name == "insee_filosofi_disp"
    assert obs.loc[(NANTES, "revenu_median_uc"), "value"] == 22600
    assert set(reading.observations["period"]) == {"2018"}
    assert obs.loc[(NANTES, "rapport_interdecile"), "value"] == 3.4
    assert obs.loc[(NANTES, "part_impots_revenu"), "value"] == -18.51
    # A former commune is not a current territory; a small commune keeps only its median (no blank rows).
    assert FORMER_COMMUNE not in reading.observations["territory"].to_numpy()
    assert set(obs.loc["44001"].index) == {"revenu_median_uc"}
    assert "1 commune" in reading.detail or "1 communes" in reading.detail
    assert "3" not in reading.detail.split("gardées")[0][-3:]          # 2 kept, not the file's 3 lines
    # Départements and régions share two-digit codes: the names tell which.
    _, deps, _ = _read("x.csv", _disp_files()[2].data)
    _, regs, _ = _read("y.csv", _disp_files()[3].data)
    assert set(deps.observations["territory"]) == {"DEP44", "DEP85"}
    assert set(regs.observations["territory"]) == {"REG52", "REG53", "REG11"}
    _, epci, eobs = _read("z.csv", _disp_files()[1].data)
    assert "périmètre de Filosofi 2018" in eobs.loc[(NANTES_METROPOLE, "revenu_median_uc"), "note"]


def test_the_metropole_file_is_france_metropolitaine_never_france():
    _, reading, obs = _read("m.csv", _disp_files()[4].data)
    assert set(reading.observations["territory"]) == {reference.FRANCE_METRO_CODE}
    assert reading.territories.loc[0, "name"] == "France métropolitaine"
    assert "hors départements d'outre-mer" in obs.loc[(reference.FRANCE_METRO_CODE, "revenu_median_uc"), "note"]
    assert "France métropolitaine" in reading.label and "France entière" in reading.detail


def test_2014_layout_and_a_new_vintage_load_without_code_change():
    _, old, obs = _read("f.csv", disp_csv(2014, disp_row(2014, NANTES, "Nantes", 19900)))
    pact = obs.loc[(NANTES, "part_revenus_activite")]
    assert pact["value"] == pytest.approx(67.4 + 5.6) and "PTSAC14" in pact["note"]
    assert set(old.observations["period"]) == {"2014"}
    _, new, _ = _read("g.csv", disp_csv(2027, disp_row(2027, NANTES, "Nantes", 26000), trailing=70))
    assert set(new.observations["period"]) == {"2027"}


def test_disp_refusals_in_french():
    mixed = disp_csv(2018, disp_row(2018, NANTES, "Nantes", 22600)).replace(b"Q318", b"Q319")
    with pytest.raises(DQError, match="plusieurs millésimes"):
        read_file(FileSource("h.csv", data=mixed))
    with pytest.raises(DQError, match="Niveau géographique non reconnu"):
        read_file(FileSource("i.csv", data=disp_csv(2018, disp_row(2018, "ZZZZZZ", "Nulle part", 1))))


def test_caf_iris_sums_only_whole_territories():
    paris = [caf_row(f"751{a:02d}0101", 1000 + a) for a in range(1, 21)]         # every arrondissement
    rows = [caf_row(f"{NANTES}0101", 1200), caf_row(f"{NANTES}0102", 800, blank=("AC3ENF",)),
            caf_row(f"{NANTES}0103", None),                                          # an IRIS left blank
            caf_row(f"{FORMER_COMMUNE}0000", 400), *paris]
    name, reading, obs = _read("data_CAF_2020_IRIS.csv", caf_csv(*rows))
    assert name == "caf_iris" and set(reading.observations["period"]) == {"2020"}
    nantes = obs.loc[(NANTES, "allocataires_caf")]
    assert nantes["value"] == 2000 and nantes["is_estimated"] and "minimum" in nantes["note"]
    # Paris is whole through its 20 arrondissements, and so is its département; not the région.
    assert obs.loc[("75056", "allocataires_caf"), "value"] == sum(1000 + a for a in range(1, 21))
    assert obs.loc[("DEP75", "allocataires_caf"), "value"] == obs.loc[("75056", "allocataires_caf"), "value"]
    assert not obs.loc[("75056", "allocataires_caf"), "is_estimated"]
    territories = set(reading.observations["territory"])
    assert "REG11" not in territories and "FRANCE" not in territories and NANTES_METROPOLE not in territories
    # Vair-sur-Loire is in the file only through one of its former communes: left out.
    assert "44163" not in territories and "incomplète" in reading.detail
    assert "AAL" in reading.detail                                   # columns without an indicator are named


def test_caf_an_epci_whose_every_commune_is_in_the_file_and_shares_of_exact_terms():
    cog = reference.load_reference().frame
    communes = cog[(cog["level"] == "commune") & (cog["epci"] == "200060457")]["code"].tolist()
    rows = [caf_row(f"{c}0000", 500 + i, extra=True) for i, c in enumerate(communes)]
    rows.append(caf_row(f"{NANTES}0101", 900, blank=("APRES50",), extra=True))
    _, reading, obs = _read("caf 2016.csv", caf_csv(*rows, extra=True))
    assert obs.loc[("200060457", "allocataires_caf"), "value"] == sum(500 + i for i in range(len(communes)))
    share = obs.loc[("200060457", "part_alloc_dependants")]
    assert share["value"] == pytest.approx(round(100 * share["numerator"] / share["denominator"], 1))
    # Nantes's APRES50 has a blank IRIS: its sum is a minimum, so no share is computed from it.
    assert (NANTES, "part_alloc_dependants") not in obs.index


def test_caf_iris_needs_its_year_in_the_name():
    with pytest.raises(DQError, match="Année introuvable"):
        read_file(FileSource("caf.csv", data=caf_csv(caf_row(f"{NANTES}0101", 1200))))


def test_reference_kinds_come_before_partner_tables():
    for data in (_disp_files()[0].data, caf_csv(caf_row(f"{NANTES}0101", 1200))):
        assert kinds.recognise(kinds.Sample(FileSource("x.csv", data=data))).name in (
            insee_references.KIND.name, caf_iris.KIND.name)


# --- the fiche ------------------------------------------------------------------------------------

def _malakoff_demo() -> FileSource:
    return FileSource("DEMO_2022.csv", data=demo_csv(MALAKOFF_DEMO_2022))


def _revn(year_of_file: int, median: int) -> FileSource:
    """A REVN base whose Filosofi columns the reader dates (whatever year that is: the test reads it back)."""
    header = "CODGEO;LIBGEO;DISP_Q2;DISP_D1D9;TP60;PPSOC"
    return FileSource(f"REVN_{year_of_file}.csv",
                      data=("\ufeff" + f"{header}\r\nQP044013;Malakoff;{median};2,8;47,3;26,3\r\n").encode())


@pytest.fixture
def workspace(tmp_path):
    con, cur = user_workspace(tmp_path / "refs.duckdb")
    yield cur
    con.close()


def _median_year(cur) -> str:
    return cur.execute("SELECT period FROM observation WHERE territory = 'QP044013' "
                       "AND indicator = 'revenu_median_uc'").fetchone()[0]


def test_fiche_references_of_the_same_year_whatever_the_order_of_files(workspace, tmp_path):
    cur = workspace
    outcomes = import_sources(cur, _disp_files(2018)).outcomes            # before the quartier's files
    assert all(o.status == "imported" for o in outcomes), [o.message for o in outcomes]
    import_sources(cur, [_malakoff_demo(), _revn(2022, 13320)])
    year = _median_year(cur)
    # REVN 2022 holds Filosofi 2018; should the reader date it otherwise, references of that year are added.
    import_sources(cur, _disp_files(int(year)) if year != "2018" else [])
    line = build_fiche(cur, "QP044013").line("revenu_median_uc")
    refs = line.references
    assert {k: refs[k].period for k in ("commune", "epci", "departement", "region", "france")} == dict.fromkeys(
        ("commune", "epci", "departement", "region", "france"), year)
    assert (refs["commune"].value, refs["epci"].value, refs["departement"].value, refs["region"].value) == (
        22600, 23390, 22610, 21620)
    assert refs["france"].name == "France métropolitaine" and refs["france"].is_metropole
    assert refs["france"].value == 21730
    # Population stays France entière (the COG's legal populations).
    assert build_fiche(cur, "QP044013").line("pop_totale").references["france"].code == "FRANCE"


def test_a_reference_of_another_year_says_its_year_everywhere(workspace):
    cur = workspace
    import_sources(cur, [_malakoff_demo(), _revn(2022, 13320)])
    year = int(_median_year(cur))
    older = _disp_files(year - 3)                                     # only an older Filosofi for the references
    import_sources(cur, [older[0], older[4]])
    fiche = build_fiche(cur, "QP044013")
    ref = fiche.line("revenu_median_uc").references["commune"]
    assert ref.period == str(year - 3) and ref.value == 22600
    # CLI JSON: each reference carries its own period.
    entry = next(i for i in fiche_to_json(fiche)["indicators"] if i["id"] == "revenu_median_uc")
    assert entry["period"] == str(year) and entry["references"]["commune"]["period"] == str(year - 3)
    assert entry["references"]["france"]["name"] == "France métropolitaine"
    json.dumps(entry)
    # Dossier text: the year of the reference in the sentence, and a note that two years are compared.
    text = dossier_text(fiche)
    sentence = next(s.text for s in text.sentences if s.indicator_id == "revenu_median_uc")
    assert f"22\u202f600\u00a0€ en {year - 3}" in sentence and "Revenus disponibles localisés" in sentence
    assert any("deux années différentes" in n for n in text.notes)
    # Page: the reference cell shows its year and says France métropolitaine.
    from ui.render.fiche_table import domain_table
    revenus = next(lines for d, _, lines in fiche.domains if d == "revenus")
    html = domain_table([ln for ln in revenus if ln.indicator.id == "revenu_median_uc"], {})
    assert f"<span class='period'>{year - 3}</span>" in html and "France métro." in html
    # Excel: the year (and « métropole ») is in the cell's number format, the value stays a number.
    book = openpyxl.load_workbook(io.BytesIO(fiche_workbook.fiche_workbook_bytes(cur, "QP044013")))
    cells = [c for row in book["Synthèse"].iter_rows() for c in row
             if isinstance(c.value, int | float) and c.value == 22600]
    assert cells and f"({year - 3})" in cells[0].number_format
    assert any("métropole" in c.number_format for row in book["Synthèse"].iter_rows() for c in row
               if c.value == 21730)


def test_an_overseas_quartier_is_not_compared_with_france_metropolitaine(workspace):
    cur = workspace
    row = MALAKOFF_DEMO_2022.replace("QP044013;Malakoff", "QP974049;Le Chaudron").replace(";Nantes;", ";Saint-Denis;")
    import_sources(cur, [FileSource("DEMO_2022.csv", data=demo_csv(row)), _disp_files(2018)[4]])
    fiche = build_fiche(cur, "QP974049")
    assert fiche.line("revenu_median_uc").references["france"].value is None


def test_undoing_a_reference_file_removes_its_figures(workspace):
    cur = workspace
    before = cur.execute("SELECT count(*) FROM observation").fetchone()[0]
    import_sources(cur, [_disp_files(2018)[4]])
    batch = cur.execute("SELECT max(id) FROM import_batch").fetchone()[0]
    undo_import(cur, batch)
    assert cur.execute("SELECT count(*) FROM observation").fetchone()[0] == before
    assert not cur.execute("SELECT 1 FROM territory WHERE code = ?", [reference.FRANCE_METRO_CODE]).fetchall()


def test_a_quartier_file_imported_after_the_references_can_be_undone_alone(workspace):
    cur = workspace
    import_sources(cur, [_disp_files(2018)[0]])
    import_sources(cur, [_malakoff_demo()])
    demo_batch = cur.execute("SELECT max(id) FROM import_batch").fetchone()[0]
    undo_import(cur, demo_batch)                       # the commune it added holds the earlier file's figures
    assert not cur.execute("SELECT 1 FROM territory WHERE code = ?", [NANTES]).fetchall()
    assert cur.execute("SELECT value FROM observation WHERE territory = ? AND indicator = 'revenu_median_uc'",
                       [NANTES]).fetchone() == (22600,)
