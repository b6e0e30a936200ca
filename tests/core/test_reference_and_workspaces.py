"""The shipped reference file (offline), its build script, and the user's own workspaces."""

import json
import subprocess
import sys

import pytest

from dq_core.errors import DQError
from dq_core.store import db, reference, workspace
from tests.factories import build_tiny_workspace
from tests.official_fixtures import ROOT


def test_reference_file_is_small_and_complete():
    assert reference.COG_PATH.stat().st_size < 1_000_000
    frame = reference.load_reference().frame
    counts = frame["level"].value_counts()
    assert counts["commune"] > 34_000 and counts["epci"] > 1_200 and counts["departement"] >= 101
    assert counts["region"] >= 18 and counts["france"] == 1
    nantes = frame[(frame["code"] == "44109") & (frame["level"] == "commune")].iloc[0]
    assert nantes["name"] == "Nantes" and nantes["epci"] == "244400404" and nantes["population"] > 300_000
    provenance = json.loads((reference.REFERENCE_DIR / "cog.json").read_text(encoding="utf-8"))
    assert "decoupage-administratif" in provenance["source"] and "Licence Ouverte" in provenance["licence"]
    assert reference.load_reference().population_period == str(provenance["population_year"])


def test_communes_are_found_by_code_former_code_or_name():
    assert reference.commune_from_code("13216") == "13055"                # arrondissement → Marseille
    assert reference.resolve_communes(None, ["Nantes", "Saint-Herblain"], "44") == ["44109", "44162"]
    assert reference.commune_from_name("Marseille 15e Arrondissement", "13") == "13055"
    assert reference.commune_from_name("Oissel", "76") == "76484"         # renamed Oissel-sur-Seine
    assert reference.departement_of_quartier("QP02A001") == "2A"
    assert reference.departement_of_quartier("QN97401I") == "974"


def test_reference_territories_walk_up_to_france():
    territories, links, populations = reference.reference_territories({"35238"})
    assert set(territories["code"]) == {"35238", "243500139", "DEP35", "REG53", "FRANCE"}
    assert ("DEP35", "REG53", 1) in set(links.itertuples(index=False, name=None))
    assert populations.set_index("territory").loc["FRANCE", "value"] > 60_000_000


def test_build_script_turns_the_package_json_into_the_reference(tmp_path):
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": "6.0.0", "repository": "x"}))
    data = {
        "communes": [{"code": "44109", "nom": "Nantes", "type": "commune-actuelle", "departement": "44",
                      "region": "52", "zone": "metro", "population": 327734},
                     {"code": "13201", "nom": "Marseille 1er Arrondissement", "type": "arrondissement-municipal",
                      "commune": "13055", "departement": "13", "region": "93", "zone": "metro"}],
        "epci": [{"code": "244400404", "nom": "Nantes Métropole", "populationMunicipale": 683981,
                  "membres": [{"code": "44109"}]}],
        "departements": [{"code": "44", "nom": "Loire-Atlantique", "region": "52", "zone": "metro"}],
        "regions": [{"code": "52", "nom": "Pays de la Loire", "zone": "metro"}],
    }
    for name, content in data.items():
        (package / "data" / f"{name}.json").write_text(json.dumps(content), encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_reference.py"), "--package-dir", str(package),
                    "--out", str(out)], check=True, capture_output=True, cwd=ROOT)
    import duckdb
    rows = duckdb.connect().execute("SELECT code, level, epci, population FROM read_parquet(?) ORDER BY code",
                                    [str(out / "cog.parquet")]).fetchall()
    assert ("44109", "commune", "244400404", 327734) in rows
    assert ("FRANCE", "france", None, 327734) in rows and ("44", "departement", None, 327734) in rows
    assert json.loads((out / "cog.json").read_text())["population_year"] == 2023


def test_workspaces_are_created_listed_and_never_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("DQ_WORKSPACES", str(tmp_path))
    monkeypatch.delenv("DQ_DB", raising=False)
    path = workspace.create_workspace("Contrat de ville de Saint-Étienne")
    assert path.name == "contrat-de-ville-de-saint-etienne.duckdb"
    assert workspace.list_workspaces()[0] == db.DEMO_DB_PATH.resolve() and path in workspace.list_workspaces()
    con = db.connect(path)
    assert not db.is_demo(con.cursor())
    assert db.get_meta(con.cursor(), "workspace_name") == "Contrat de ville de Saint-Étienne"
    con.close()
    with pytest.raises(DQError, match="existe déjà"):
        workspace.create_workspace("Contrat de ville de Saint-Etienne")
    with pytest.raises(DQError, match="nom"):
        workspace.create_workspace("  !! ")
    default = workspace.official_target(None)
    assert default == tmp_path / "donnees-officielles.duckdb" and default.exists()
    demo = build_tiny_workspace(tmp_path / "demo.duckdb", demo=True)
    with pytest.raises(DQError, match="démonstration"):
        workspace.init_user_workspace(demo, "x")
