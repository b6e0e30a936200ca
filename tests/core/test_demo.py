"""The fictional demo workspace: structure, maps, realistic and consistent figures, determinism."""

from __future__ import annotations

import json
import re

import duckdb
import pytest
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from dq_core.demo import NOTE_C2S, build_demo
from dq_core.errors import DQError
from dq_core.store import db
from dq_core.store.catalogue import DEMO_CATALOGUE, DOMAINS, RATIO_KINDS


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(path, summary) of the regional demo, built once for the module."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return path, build_demo(path)


@pytest.fixture(scope="module")
def cur(demo):
    con = duckdb.connect(str(demo[0]), read_only=True)
    yield con.cursor()
    con.close()


def rows(cur, sql, params=None):
    return cur.execute(sql, params or []).fetchall()


def scalar(cur, sql, params=None):
    return cur.execute(sql, params or []).fetchone()[0]


def geometries(cur, level):
    return {code: shape(json.loads(geo)) for code, geo in rows(
        cur, "SELECT code, geometry FROM territory WHERE level = ? ORDER BY code", [level])}


# --- structure --------------------------------------------------------------------------------------


def test_regional_scale_has_the_announced_territories(cur, demo):
    counts = dict(rows(cur, "SELECT level, count(*) FROM territory GROUP BY level"))
    assert counts["quartier"] == 78 and counts["commune"] == 32 and counts["region"] == 2
    assert counts["departement"] == 5 and 12 <= counts["epci"] <= 14
    assert counts["france"] == 1 and counts["ensemble"] == 1
    summary = demo[1]
    assert (summary["quartiers"], summary["communes"], summary["regions"]) == (78, 32, 2)
    assert summary["observations"] == scalar(cur, "SELECT count(*) FROM observation")
    assert summary["seconds"] > 0          # its speed is measured by bench/, not by a timed test


def test_codes_cannot_collide_with_real_ones(cur):
    patterns = {"quartier": r"QNX\d{2}\d{2}[MIN]", "commune": r"X\d{4}", "epci": r"XE\d{3}",
                "departement": r"X\d{2}", "region": r"XR\d{2}", "france": "FRANCE", "ensemble": "ENSQP"}
    for code, level in rows(cur, "SELECT code, level FROM territory"):
        assert re.fullmatch(patterns[level], code), code
    for code, commune in rows(cur, "SELECT child, parent FROM territory_link WHERE rank = 1 "
                                   "AND child LIKE 'QN%'"):
        assert code[2:5] == commune[:3]          # the quartier's code carries its département
    letters = [c for (c,) in rows(cur, "SELECT right(code, 1) FROM territory WHERE level = 'quartier'")]
    assert letters.count("M") > len(letters) / 2 and "I" in letters
    assert rows(cur, "SELECT DISTINCT vintage FROM territory WHERE level IN ('quartier', 'ensemble')") == [(2024,)]
    assert scalar(cur, "SELECT count(*) FROM territory WHERE vintage IS NOT NULL") == 79
    statuses = dict(rows(cur, "SELECT t.code, c.status FROM territory t JOIN correspondence c "
                              "ON c.qp2024 = t.code"))
    assert all(code.endswith(status) for code, status in statuses.items())
    assert all(re.fullmatch(r"QPX\d{5}", c) for (c,) in rows(cur, "SELECT qp2015 FROM correspondence"))


def test_names_are_unique_where_they_must_be(cur):
    for level in ("commune", "epci", "departement", "region"):
        names = [n for (n,) in rows(cur, "SELECT name FROM territory WHERE level = ?", [level])]
        assert len(set(names)) == len(names) and all(names), level
    per_commune = rows(cur, """
        SELECT l.parent, count(*), count(DISTINCT t.name) FROM territory_link l
        JOIN territory t ON t.code = l.child WHERE t.level = 'quartier' GROUP BY l.parent""")
    assert len(per_commune) == 32 and all(n == distinct for _, n, distinct in per_commune)
    sizes = sorted(n for _, n, _ in rows(cur, """
        SELECT parent, count(*), 0 FROM territory_link WHERE rank = 1 AND child LIKE 'QN%' GROUP BY 1"""))
    assert sizes[0] == 1 and 6 <= sizes[-1] <= 8 and sum(n <= 2 for n in sizes) >= 14
    epci = [n for (n,) in rows(cur, "SELECT name FROM territory WHERE level = 'epci'")]
    assert any("Métropole" in n for n in epci) and any("Agglomération" in n for n in epci)


def test_every_quartier_has_its_chain_of_territories(cur):
    chains = rows(cur, """
        SELECT q.code, c.level, e.level, d.level, r.level, f.code
        FROM territory q
        JOIN territory_link lc ON lc.child = q.code AND lc.rank = 1 JOIN territory c ON c.code = lc.parent
        JOIN territory_link le ON le.child = c.code JOIN territory e ON e.code = le.parent AND e.level = 'epci'
        JOIN territory_link ld ON ld.child = c.code
        JOIN territory d ON d.code = ld.parent AND d.level = 'departement'
        JOIN territory_link lr ON lr.child = d.code JOIN territory r ON r.code = lr.parent
        JOIN territory_link lf ON lf.child = r.code JOIN territory f ON f.code = lf.parent
        WHERE q.level = 'quartier'""")
    assert len(chains) == 78
    assert {c[1:] for c in chains} == {("commune", "epci", "departement", "region", "FRANCE")}
    two = rows(cur, "SELECT child, list(rank ORDER BY rank) FROM territory_link WHERE child LIKE 'QN%' "
                    "GROUP BY child HAVING count(*) > 1")
    assert len(two) == 2 and all(ranks == [1, 2] for _, ranks in two)
    assert scalar(cur, "SELECT count(*) FROM territory_link WHERE child = 'ENSQP' OR parent = 'ENSQP'") == 0


# --- maps -------------------------------------------------------------------------------------------


def test_communes_tile_the_map_without_overlapping(cur):
    communes = geometries(cur, "commune")
    assert len(communes) == 32 and all(g.is_valid for g in communes.values())
    polys = list(communes.values())
    tree = STRtree(polys)
    touching = 0
    for i, poly in enumerate(polys):
        for j in tree.query(poly):
            if j > i:
                assert poly.intersection(polys[j]).area < 1e-12
                touching += poly.touches(polys[j])
    assert touching >= 32                        # adjacent like a real map, not scattered islands
    for g in polys:
        width = max(g.bounds[2] - g.bounds[0], g.bounds[3] - g.bounds[1])
        assert 0.05 <= width <= 0.16
    for code, lon, lat in rows(cur, "SELECT code, lon, lat FROM territory WHERE level = 'commune'"):
        assert communes[code].contains(Point(lon, lat))


def test_the_fictional_territory_lies_in_the_open_atlantic(cur):
    lon0, lon1, lat0, lat1 = cur.execute(
        "SELECT min(lon), max(lon), min(lat), max(lat) FROM territory").fetchone()
    assert -9.6 <= lon0 and lon1 <= -5.5 and 44.5 <= lat0 and lat1 <= 47.5
    for (text,) in rows(cur, "SELECT geometry FROM territory WHERE geometry IS NOT NULL"):
        geometry = json.loads(text)
        assert geometry["type"] == "Polygon" and len(geometry["coordinates"]) == 1
        ring = geometry["coordinates"][0]
        assert ring[0] == ring[-1] and shape(geometry).exterior.is_ccw      # RFC 7946 winding
        for lon, lat in ring:
            assert -9.6 <= lon <= -5.5 and 44.5 <= lat <= 47.5
            assert round(lon, 5) == lon and round(lat, 5) == lat


def test_quartiers_lie_inside_their_communes_and_never_overlap(cur):
    communes = geometries(cur, "commune")
    quartiers = geometries(cur, "quartier")
    parents: dict[str, list[str]] = {}
    for child, parent in rows(cur, "SELECT child, parent FROM territory_link WHERE child LIKE 'QN%' "
                                   "ORDER BY child, rank"):
        parents.setdefault(child, []).append(parent)
    for code, geom in quartiers.items():
        assert geom.is_valid and 8 <= len(geom.exterior.coords) - 1 <= 14, code
        area = communes[parents[code][0]]
        for other in parents[code][1:]:
            area = area.union(communes[other])
            # A two-commune quartier really straddles the border.
            assert geom.intersection(communes[other]).area > 0.05 * geom.area, code
        assert geom.within(area), code
    polys = list(quartiers.values())
    tree = STRtree(polys)
    for i, poly in enumerate(polys):
        assert all(j == i or not poly.intersects(polys[j]) for j in tree.query(poly))
    for code, lon, lat in rows(cur, "SELECT code, lon, lat FROM territory WHERE level = 'quartier'"):
        assert quartiers[code].contains(Point(lon, lat))


# --- workspace --------------------------------------------------------------------------------------


def test_workspace_says_it_is_a_demo_with_one_batch(cur):
    assert db.is_demo(cur)
    meta = dict(rows(cur, "SELECT key, value FROM meta"))
    assert meta["workspace_name"] == "Démonstration (données fictives)" and meta["demo_scale"] == "regional"
    assert meta["created_at"][:2] == "20" and int(meta["schema_version"]) == db.SCHEMA_VERSION
    batches = rows(cur, "SELECT id, source, rows_inserted FROM import_batch")
    assert len(batches) == 1 and batches[0][1] == "demo"
    assert batches[0][2] == scalar(cur, "SELECT count(*) FROM observation")
    for table in ("observation", "territory", "indicator"):
        assert rows(cur, f"SELECT DISTINCT batch_id FROM {table}") == [(batches[0][0],)]
    assert scalar(cur, "SELECT count(*) FROM indicator") == len(DEMO_CATALOGUE)


def test_observations_are_stored_in_fiche_order(cur):
    stored = rows(cur, "SELECT territory, indicator, period_start FROM observation")
    assert stored == sorted(stored)
    assert scalar(cur, "SELECT count(*) - count(DISTINCT (territory, indicator, period)) FROM observation") == 0


def test_same_seed_gives_the_same_workspace_and_another_seed_does_not(cur, tmp_path):
    digest = """SELECT md5(string_agg(concat_ws('|', territory, indicator, period, period_start, value,
                numerator, denominator, is_secret, is_provisional, is_estimated, is_break, note), ';'
                ORDER BY territory, indicator, period)) FROM observation"""
    places = """SELECT md5(string_agg(concat_ws('|', code, level, name, vintage, geometry, lon, lat), ';'
                ORDER BY code)) FROM territory"""
    again = build_demo(tmp_path / "again.duckdb")
    other = build_demo(tmp_path / "other.duckdb", seed=7)
    for path, same in ((tmp_path / "again.duckdb", True), (tmp_path / "other.duckdb", False)):
        con = duckdb.connect(str(path), read_only=True)
        try:
            assert (scalar(con, digest) == scalar(cur, digest)) is same
            assert (scalar(con, places) == scalar(cur, places)) is same
        finally:
            con.close()
    assert again["observations"] == scalar(cur, "SELECT count(*) FROM observation")
    assert other["quartiers"] == 78


def test_build_replaces_the_file_atomically(tmp_path):
    target = tmp_path / "sub" / "demo.duckdb"
    build_demo(target)
    stale = target.with_suffix(".tmp-build")
    stale.write_bytes(b"half-built file left by a crash")
    first = target.stat().st_ino
    summary = build_demo(target, seed=5)
    assert not stale.exists() and target.stat().st_ino != first
    assert sorted(p.name for p in target.parent.iterdir()) == ["demo.duckdb"]
    con = db.connect(target)
    try:
        assert db.get_meta(con, "demo_seed") == "5"
        assert scalar(con, "SELECT count(*) FROM observation") == summary["observations"]
    finally:
        con.close()


def test_unknown_scale_is_refused_in_french(tmp_path):
    with pytest.raises(DQError, match="Échelle de démonstration inconnue"):
        build_demo(tmp_path / "x.duckdb", scale="mondial")
    assert not list(tmp_path.iterdir())


# --- figures ----------------------------------------------------------------------------------------


def test_every_domain_and_most_indicators_have_figures(cur):
    with_data = {i for (i,) in rows(cur, "SELECT DISTINCT indicator FROM observation")}
    assert len(with_data) >= 40 and with_data == {ind.id for ind in DEMO_CATALOGUE}
    domains = {d for (d,) in rows(cur, "SELECT DISTINCT i.domain FROM observation o "
                                       "JOIN indicator i ON i.id = o.indicator")}
    assert domains == {d for d, _ in DOMAINS}
    per_level = rows(cur, "SELECT t.level, count(DISTINCT o.indicator) FROM observation o "
                          "JOIN territory t ON t.code = o.territory GROUP BY 1")
    assert all(n == len(DEMO_CATALOGUE) for _, n in per_level)


def test_values_respect_their_kind(cur):
    kinds = {ind.id: ind for ind in DEMO_CATALOGUE}
    bad = []
    for ind_id, value, num, den in rows(cur, "SELECT indicator, value, numerator, denominator "
                                             "FROM observation WHERE NOT is_secret"):
        ind = kinds[ind_id]
        if ind.kind == "count":
            ok = value >= 0 and value == int(value) and num is None
        elif ind.kind in RATIO_KINDS:
            ok = (num is not None and den > 0 and 0 <= num and num == int(num) and den == int(den)
                  and abs(value - ind.scale * num / den) <= 0.5 * 10 ** -max(ind.decimals, 1) + 1e-9)
            ok = ok and (ind.kind != "rate" or (num <= den and 0 <= value <= 100))
        else:
            ok = value > 0 and num is None and den is None
        if not ok:
            bad.append((ind_id, value, num, den))
    assert not bad, bad[:5]


def test_secret_cells_hide_every_number(cur):
    assert scalar(cur, "SELECT count(*) FROM observation WHERE is_secret AND "
                       "(value IS NOT NULL OR numerator IS NOT NULL OR denominator IS NOT NULL)") == 0
    secret, total = cur.execute("""
        SELECT count(*) FILTER (WHERE is_secret), count(*) FROM observation o
        JOIN territory t ON t.code = o.territory WHERE t.level = 'quartier'""").fetchone()
    assert 0.005 <= secret / total <= 0.04
    by_indicator = dict(rows(cur, "SELECT indicator, max(period) FROM observation WHERE is_secret GROUP BY 1"))
    assert "taux_pauvrete" in by_indicator and "revenu_median_uc" in by_indicator   # secret fiscal
    assert any(period == "2024" for period in by_indicator.values())               # recent years too
    # What is shown is above the threshold.
    thresholds = {ind.id: ind.secret_threshold for ind in DEMO_CATALOGUE}
    for ind_id, low in rows(cur, "SELECT indicator, min(coalesce(numerator, value)) FROM observation o "
                                 "JOIN indicator i ON i.id = o.indicator WHERE NOT is_secret "
                                 "AND i.kind IN ('count', 'rate') GROUP BY 1"):
        assert thresholds[ind_id] is None or low >= thresholds[ind_id], ind_id


def test_series_have_breaks_provisional_values_and_gaps(cur):
    notes = dict(rows(cur, "SELECT indicator, any_value(note) FROM observation WHERE is_break AND "
                           "territory = 'FRANCE' GROUP BY 1"))
    assert notes["part_c2s"] == NOTE_C2S and "demandeurs_emploi_abc" in notes
    assert rows(cur, "SELECT DISTINCT period FROM observation WHERE is_break AND indicator = 'part_c2s' "
                     "AND note LIKE 'La Complémentaire%'") == [("2020",)]
    assert scalar(cur, "SELECT count(*) FROM observation WHERE is_break AND note IS NULL") == 0
    perimeter = rows(cur, "SELECT DISTINCT territory FROM observation WHERE is_break AND note LIKE 'Périmètre%'")
    assert 1 <= len(perimeter) <= 2 and all(t.startswith("QN") for (t,) in perimeter)
    provisional = rows(cur, "SELECT DISTINCT indicator, period FROM observation WHERE is_provisional "
                            "AND period = '2025'")
    assert ("allocataires_caf", "2025") in provisional
    assert scalar(cur, "SELECT count(*) FROM observation WHERE indicator = 'taux_reussite_dnb' "
                       "AND period = '2020'") == 0
    holes = scalar(cur, """
        SELECT count(*) FROM (SELECT territory, indicator, count(*) n,
               max(year(period_start)) - min(year(period_start)) + 1 span
        FROM observation WHERE length(period) = 4 GROUP BY ALL) WHERE n < span AND indicator <> 'taux_reussite_dnb'""")
    assert holes > 10


def test_sources_cover_the_years_they_really_cover(cur):
    spans = {i: (a, b) for i, a, b in rows(cur, "SELECT indicator, min(period), max(period) FROM observation "
                                                "WHERE territory = 'FRANCE' GROUP BY 1")}
    assert spans["pop_totale"] == ("2014", "2022") and spans["taux_pauvrete"] == ("2014", "2021")
    assert spans["allocataires_caf"] == ("2014", "2025") and spans["part_c2s"] == ("2016", "2024")
    assert spans["part_dpe_fg"] == ("2021", "2025") and spans["temps_acces_centre"] == ("2019", "2025")
    assert spans["conso_elec_mensuelle"] == ("2018-01", "2025-09")


def test_quartiers_are_poorer_than_their_communes_as_in_reality(cur):
    latest = """
        SELECT territory, arg_max(value, period_start) FROM observation
        WHERE indicator = 'taux_pauvrete' AND value IS NOT NULL GROUP BY 1"""
    poverty = dict(rows(cur, latest))
    levels = dict(rows(cur, "SELECT code, level FROM territory"))
    for code, commune in rows(cur, "SELECT child, parent FROM territory_link WHERE rank = 1 AND child LIKE 'QN%'"):
        assert 30 <= poverty[code] <= 60, code
        assert 10 <= poverty[commune] <= 20, commune
    assert all(8 <= v <= 18 for c, v in poverty.items() if levels[c] == "departement")
    assert poverty["FRANCE"] == 14.5 and 35 <= poverty["ENSQP"] <= 50
    pop = dict(rows(cur, "SELECT territory, value FROM observation WHERE indicator = 'pop_totale' "
                         "AND period = '2021'"))
    assert all(1000 <= pop[c] <= 20000 for c, lv in levels.items() if lv == "quartier")
    assert all(8000 <= pop[c] <= 320_000 for c, lv in levels.items() if lv == "commune")
    assert 60e6 <= pop["FRANCE"] <= 70e6


def test_quartier_indicators_correlate_so_that_similar_quartiers_exist(cur):
    corr = dict(rows(cur, """
        WITH v AS (SELECT o.territory, o.indicator, o.value FROM observation o JOIN territory t
                   ON t.code = o.territory WHERE t.level = 'quartier' AND o.period = '2021')
        SELECT b.indicator, corr(a.value, b.value) FROM v a JOIN v b USING (territory)
        WHERE a.indicator = 'taux_pauvrete' GROUP BY 1"""))
    assert corr["taux_chomage"] > 0.5 and corr["part_c2s"] > 0.5 and corr["part_couverts_rsa"] > 0.5
    assert corr["revenu_median_uc"] < -0.7 and corr["taux_emploi"] < -0.5


def test_commune_counts_cover_their_quartiers(cur):
    short = rows(cur, """
        SELECT l.parent, o.indicator, o.period, c.value, sum(o.value) FROM territory_link l
        JOIN observation o ON o.territory = l.child
        JOIN observation c ON c.territory = l.parent AND c.indicator = o.indicator AND c.period = o.period
        JOIN indicator i ON i.id = o.indicator
        WHERE l.child LIKE 'QN%' AND i.kind = 'count'
        GROUP BY ALL HAVING c.value < sum(o.value)""")
    assert not short, short[:5]


def test_ensemble_is_rebuilt_from_the_quartiers(cur):
    scales = {ind.id: (ind.scale, max(ind.decimals, 1)) for ind in DEMO_CATALOGUE if ind.kind in RATIO_KINDS}
    sums = rows(cur, """
        SELECT o.indicator, o.period, sum(o.numerator), sum(o.denominator), sum(o.value), e.value
        FROM observation o JOIN territory t ON t.code = o.territory AND t.level = 'quartier'
        JOIN observation e ON e.territory = 'ENSQP' AND e.indicator = o.indicator AND e.period = o.period
        JOIN indicator i ON i.id = o.indicator
        WHERE NOT o.is_secret AND i.kind IN ('count', 'rate', 'ratio', 'mean') GROUP BY ALL""")
    assert len(sums) > 500
    for ind_id, _period, num, den, total, value in sums:
        if ind_id in scales:
            scale, decimals = scales[ind_id]
            assert abs(value - scale * num / den) <= 0.5 * 10 ** -decimals + 1e-9, ind_id
        else:
            assert value == total, ind_id
    medians = dict(rows(cur, "SELECT indicator, value FROM observation WHERE territory = 'ENSQP' "
                             "AND period = '2021' AND indicator IN ('revenu_median_uc', 'rapport_interdecile')"))
    assert 11_000 <= medians["revenu_median_uc"] <= 15_500 and medians["rapport_interdecile"] > 2


def test_monthly_energy_is_seasonal_and_gas_is_missing_somewhere(cur):
    months = dict(rows(cur, "SELECT indicator, count(DISTINCT territory) FROM observation o "
                            "JOIN territory t ON t.code = o.territory WHERE t.level = 'quartier' "
                            "AND o.indicator LIKE 'conso_%_mensuelle' GROUP BY 1"))
    assert months["conso_elec_mensuelle"] == 78 and 60 <= months["conso_gaz_mensuelle"] < 78
    per_quartier = rows(cur, "SELECT territory, count(*) FROM observation WHERE indicator = "
                             "'conso_elec_mensuelle' AND territory LIKE 'QN%' GROUP BY 1")
    assert {n for _, n in per_quartier} == {93}
    profile = dict(rows(cur, """
        SELECT indicator || '-' || right(period, 2), avg(value / denominator) FROM observation
        WHERE indicator LIKE 'conso_%_mensuelle' AND territory LIKE 'QN%' AND period LIKE '2019-%'
        GROUP BY 1"""))
    assert profile["conso_gaz_mensuelle-01"] > 3 * profile["conso_gaz_mensuelle-07"]
    assert 1.3 < profile["conso_elec_mensuelle-01"] / profile["conso_elec_mensuelle-07"] < 2.0
    assert 0.2 < profile["conso_elec_mensuelle-01"] < 0.6
    sobriety = dict(rows(cur, "SELECT left(period, 4), sum(value) FROM observation WHERE territory = 'ENSQP' "
                              "AND indicator = 'conso_gaz_mensuelle' GROUP BY 1"))
    assert sobriety["2023"] < 0.9 * sobriety["2021"]
    per_person = rows(cur, "SELECT o.denominator / p.value FROM observation o JOIN observation p ON "
                           "p.territory = o.territory AND p.indicator = 'pop_totale' AND p.period = '2021' "
                           "WHERE o.indicator = 'conso_elec_mensuelle' AND o.period = '2021-06'")
    assert len(per_person) == 132 and all(0.35 <= r <= 0.5 for (r,) in per_person)   # delivery points


def test_national_scale_builds(tmp_path):
    # How fast it builds is measured by bench/ (a timed test fails on a busy machine, not on a slow build).
    summary = build_demo(tmp_path / "national.duckdb", scale="national")
    assert (summary["quartiers"], summary["departements"], summary["regions"]) == (1600, 96, 13)
    con = duckdb.connect(str(tmp_path / "national.duckdb"), read_only=True)
    try:
        counts = dict(rows(con, "SELECT level, count(*) FROM territory GROUP BY 1"))
        assert counts["commune"] == 1000 and counts["quartier"] == 1600
        assert scalar(con, "SELECT count(DISTINCT name) FROM territory WHERE level = 'commune'") == 1000
        assert scalar(con, "SELECT count(*) FROM territory_link WHERE rank = 2") >= 10
        poverty = rows(con, "SELECT t.level, min(o.value), max(o.value) FROM observation o JOIN territory t "
                            "ON t.code = o.territory WHERE o.indicator = 'taux_pauvrete' AND o.period = '2021' "
                            "AND t.level IN ('quartier', 'commune') GROUP BY 1")
        assert all((30 <= lo and hi <= 60) if lv == "quartier" else (10 <= lo and hi <= 20)
                   for lv, lo, hi in poverty)
    finally:
        con.close()
