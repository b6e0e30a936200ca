"""The demo's residences, degree days and prices: built by init-demo, fictional, and the planted anomalies
are what the alert scan and the targeting list find; the CLI commands on it."""

from __future__ import annotations

import json

import pytest

from dq_core.demo import build_demo
from dq_core.demo.energy import PLANTED
from dq_core.energy import alerts, targeting
from dq_core.energy.view import quartier_energy
from dq_core.store import db


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("energy-demo") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture
def demo_cur(demo):
    con = db.connect(demo)
    yield con.cursor()
    con.close()


def test_demo_holds_residences_consumption_degree_days_and_prices(demo_cur):
    count = lambda sql: demo_cur.execute(sql).fetchall()[0][0]       # noqa: E731
    assert 200 <= count("SELECT count(*) FROM residence") <= 500
    assert count("SELECT count(*) FROM residence WHERE dwellings < 10") > 0
    assert count("SELECT count(DISTINCT heating) FROM residence") == 3
    assert count("SELECT count(DISTINCT year(period_start)) FROM energy_use") == 10
    assert count("SELECT count(DISTINCT zone) FROM degree_days") == 2
    assert count("SELECT count(*) FROM energy_price") >= 4
    assert count("SELECT count(*) FROM energy_use e JOIN residence r ON r.id = e.residence "
                 "WHERE r.heating = 'electrique_individuel' AND e.energy = 'gaz'") == 0
    assert count("SELECT count(DISTINCT batch_id) FROM energy_use") == 1


def test_the_scan_finds_every_planted_anomaly_and_little_else(demo_cur):
    found = alerts.scan(demo_cur)
    for p in PLANTED:
        hits = [a for a in found if a.code == p.residence and a.energy == p.energy]
        assert hits, p
        assert min(a.month for a in hits) == p.start
        assert all((a.change_pct > 0) == (p.factor > 1) for a in hits)
    planted = {p.residence for p in PLANTED}
    others = [a for a in found if a.scope == "residence" and a.code not in planted]
    assert len(others) <= 3, others                  # ~600 residence series × 24 months tested
    assert [a.month for a in found] == sorted((a.month for a in found), reverse=True)


def test_the_planted_rise_with_a_g_label_tops_the_targeting_list(demo_cur):
    top = targeting.targeting(demo_cur)[:5]
    assert "DEMO-R0004" in {t.code for t in top}


def test_quartier_view_of_the_demo(demo_cur):
    code = demo_cur.execute("SELECT quartier FROM residence WHERE id = 'DEMO-R0001'").fetchall()[0][0]
    v = quartier_energy(demo_cur, code, "gaz")
    assert v.zone == "XR01" and v.energies == ("electricite", "gaz")
    assert v.series[0].kind == "quartier" and v.series[0].thermo.applied
    assert any(a.code == "DEMO-R0001" for a in v.alerts)
    assert v.burden is not None and v.burden.bill > 0 and v.burden.tee_3d is not None


def test_cli_energie_commands(demo, cli):
    code = "QNX0101M"
    text = cli("energie", code, "--db", demo, "--mois", "2")
    assert text.returncode == 0 and "kWh par logement" in text.stdout and "Thermosensibilité" in text.stdout
    data = json.loads(cli("energie", code, "--energie", "gaz", "--json", "--db", demo).stdout)
    assert data["quartier"]["code"] == code and data["energy"] == "gaz" and data["series"]
    assert {"period", "raw", "corrected", "dju"} <= set(data["series"][0]["points"][0])
    scan = cli("energie-alertes", "--json", "--db", demo)
    assert scan.returncode == 0 and all("reason" in json.loads(line) for line in scan.stdout.splitlines())
    what_if = cli("energie-scenario", "--hausse", "15", "--db", demo)
    assert what_if.returncode == 0 and "franchissant le seuil de 8 %" in what_if.stdout
    assert json.loads(cli("energie-scenario", "--hausse", "15", "--json", "--db", demo).stdout)["rise_pct"] == 15
    unknown = cli("energie", "QX000", "--db", demo)
    assert unknown.returncode == 1 and "Quartier inconnu" in unknown.stderr and "Traceback" not in unknown.stderr
    refused = cli("energie-prix", "--remplacer", demo, "--db", demo)
    assert refused.returncode == 1 and "Erreur" in refused.stderr
