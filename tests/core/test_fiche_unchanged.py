"""The fiche shows what it always showed, however it is computed: every quartier of the test workspaces
(tiny, comparison, 2015 ↔ 2024 links with and without a 2024 base, INSEE references of other years and
France métropolitaine, the demo) equals the fiche of a deliberately simple implementation kept here —
every row read in full, every rule written out in Python — and so does the fiche of a workbook export.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from dq_core.explore.fiche import Fiche, IndicatorLine, Point, ReferenceValue, build_fiche
from dq_core.export.loader import FicheLoader
from dq_core.files.official import import_sources
from dq_core.files.read.source import FileSource
from dq_core.store import db, geography
from dq_core.store.catalogue import Indicator
from dq_core.store.territories import REFERENCE_KEYS, Quartier, Territory
from tests.core.test_insee_references import _disp_files, _malakoff_demo, _revn
from tests.core.test_official_readers import MALAKOFF_DEMO_2022, demo_csv
from tests.factories import user_workspace
from tests.linked_fixtures import add_2024_base, build_linked_db

LEVEL_OF_KEY = {"commune": "commune", "epci": "epci", "departement": "departement", "region": "region",
                "france": "france", "quartiers": "ensemble"}


# --- the simple implementation ------------------------------------------------------------------

def simple_quartier(cur, code: str) -> Quartier:
    """The quartier, its communes (by rank) and, per level, its nearest ancestor through rank-1 links."""
    rows = cur.execute("SELECT code, level, name, vintage FROM territory").fetchall()
    territory = {r[0]: Territory(*r) for r in rows}
    parents, communes = defaultdict(list), []
    for child, parent, rank in cur.execute("SELECT child, parent, rank FROM territory_link "
                                           "ORDER BY rank, parent").fetchall():
        if rank == 1:
            parents[child].append(parent)
        if child == code and parent in territory and territory[parent].level == "commune":
            communes.append(Territory(parent, "commune", territory[parent].name))
    nearest: dict[str, Territory] = {}
    frontier = [code]
    for _ in range(6):
        frontier = [p for c in frontier for p in parents[c]]
        for p in frontier:
            if p in territory and p != code:
                nearest.setdefault(territory[p].level, territory[p])
    me = territory[code]
    ensembles = sorted((t for t in territory.values() if t.level == "ensemble"),
                       key=lambda t: (t.vintage != me.vintage, t.code))
    if ensembles:
        nearest.setdefault("ensemble", ensembles[0])
    refs = {key: nearest[level] for key, level in LEVEL_OF_KEY.items() if level in nearest}
    return Quartier(code, me.name, me.vintage, tuple(communes), refs)


def simple_series(cur, code: str) -> dict[str, list[Point]]:
    series = defaultdict(list)
    for row in cur.execute("SELECT indicator, period, period_start, value, is_secret, is_provisional, is_break, "
                           "note, source FROM observation WHERE territory = ? ORDER BY period_start",
                           [code]).fetchall():
        series[row[0]].append(Point(*row[1:]))
    return series


def simple_line(indicator: Indicator, series: list[Point]) -> IndicatorLine:
    line = IndicatorLine(indicator, series, series[-1] if series else None)
    latest = line.latest
    if latest is None or latest.value is None:
        return line
    known = [p for p in series[:-1] if p.value is not None]

    def broken(since: Point) -> bool:
        return any(p.is_break and since.period_start < p.period_start <= latest.period_start for p in series)

    if known:
        line.previous = known[-1]
        line.change_previous = None if broken(known[-1]) else latest.value - known[-1].value
    start = latest.period_start
    five = [p for p in known if p.period_start == date(start.year - 5, start.month, start.day)]
    if five:
        line.five_years_ago = five[0]
        line.break_in_5y = broken(five[0])
        line.change_5y = None if line.break_in_5y else latest.value - five[0].value
    return line


def simple_reference(code: str, name: str, series: list[Point], latest: Point | None) -> ReferenceValue:
    if not series:
        return ReferenceValue(code, name, None, None)
    same = [p for p in series if latest is not None and p.period == latest.period]
    p = same[0] if same else series[-1]
    return ReferenceValue(code, name, p.period, p.value, p.secret, p.note, p.source)


def simple_fiche(cur, code: str) -> Fiche:
    q = simple_quartier(cur, code)
    indicators = [Indicator(*r) for r in cur.execute(
        "SELECT i.id, i.label, i.domain, i.unit, i.kind, i.direction, i.producer, i.dataset, i.definition, "
        "i.scale, i.numerator_label, i.denominator_label, i.periodicity, i.secret_threshold, i.secret_rule, "
        "i.caveat, i.decimals, i.is_key, i.sort_order FROM indicator i LEFT JOIN domain d ON d.id = i.domain "
        "ORDER BY d.sort_order, i.sort_order, i.id").fetchall()]
    labels = dict(cur.execute("SELECT id, label FROM domain ORDER BY sort_order").fetchall())
    linked = geography.linked_quartier(cur, code, indicators) if geography.perimeter_status(code) else None
    read: dict[str, dict[str, list[Point]]] = {}

    def series_of(territory: str) -> dict[str, list[Point]]:
        if territory not in read:
            read[territory] = simple_series(cur, territory)
        return read[territory]
    own = linked.series if linked else series_of(code)
    departement = q.references.get("departement")
    metro = "france" in q.references and departement is not None and not departement.code.startswith("DEP97")
    domains: dict[str, list[IndicatorLine]] = {d: [] for d in labels}
    for ind in indicators:
        line = simple_line(ind, own.get(ind.id, []))
        line.link = linked.links.get(ind.id) if linked else None
        for key in REFERENCE_KEYS:
            t = q.references.get(key)
            if t is None:
                line.references[key] = None
                continue
            ref_code, ref_name, series = t.code, t.name, series_of(t.code).get(ind.id, [])
            if not series and key == "france" and metro:
                ref_code, ref_name = "FRANCEMETRO", "France métropolitaine"
                series = series_of(ref_code).get(ind.id, [])
            line.references[key] = simple_reference(ref_code, ref_name, series, line.latest)
        domains.setdefault(ind.domain, []).append(line)
    population = next((p for p in reversed(own.get("pop_totale", [])) if p.value is not None), None)
    return Fiche(q, db.is_demo(cur), population,
                 [(d, labels.get(d, d), lines) for d, lines in domains.items() if lines],
                 linked.lineage if linked else None)


# --- comparison ---------------------------------------------------------------------------------

def assert_same_fiche(fiche: Fiche, expected: Fiche) -> None:
    assert fiche.quartier.references == expected.quartier.references        # not part of Quartier's ==
    assert [(d, label, [ln.indicator.id for ln in lines]) for d, label, lines in fiche.domains] == \
        [(d, label, [ln.indicator.id for ln in lines]) for d, label, lines in expected.domains]
    for line, want in zip(fiche.lines(), expected.lines(), strict=True):
        assert line == want, line.indicator.id
    assert fiche == expected


def every_quartier(cur) -> list[str]:
    return [r[0] for r in cur.execute("SELECT code FROM territory WHERE level = 'quartier' ORDER BY code").fetchall()]


def check_workspace(cur, minimum: int = 1, step: int = 1) -> int:
    """Every `step`-th quartier's fiche, and the export's, against the simple one; how many were compared."""
    codes = every_quartier(cur)
    assert len(codes) >= minimum
    loader = FicheLoader(cur)
    for code in codes[::step]:
        expected = simple_fiche(cur, code)
        assert_same_fiche(build_fiche(cur, code), expected)
        assert_same_fiche(loader.load(code).fiche, expected)
    return len(codes[::step])


@pytest.fixture
def connected():
    opened = []

    def connect(path):
        opened.append(db.connect(path))
        return opened[-1].cursor()
    yield connect
    for con in opened:
        con.close()


def test_tiny_and_comparison_workspaces(cur, compare_db, connected):
    assert check_workspace(cur, 3) + check_workspace(connected(compare_db), 14) == 17


@pytest.mark.parametrize("with_2024", [False, True])
def test_2024_quartiers_continuing_their_2015_predecessors(tmp_path, connected, with_2024):
    path = build_linked_db(tmp_path / "linked.duckdb", with_2024=False)
    if with_2024:
        add_2024_base(path)
    check_workspace(connected(path), 9)


def test_insee_references_of_other_years_and_france_metropolitaine(tmp_path):
    con, cur = user_workspace(tmp_path / "refs.duckdb")
    overseas = MALAKOFF_DEMO_2022.replace("QP044013;Malakoff", "QP974049;Le Chaudron").replace(
        ";Nantes;", ";Saint-Denis;")
    import_sources(cur, [_malakoff_demo(), _revn(2022, 13320)])
    import_sources(cur, [FileSource("DEMO_2021.csv", data=demo_csv(overseas))])
    year = int(cur.execute("SELECT max(period) FROM observation WHERE indicator = 'revenu_median_uc'").fetchone()[0])
    older = _disp_files(year - 3)
    import_sources(cur, [older[0], older[4], *_disp_files(year)[1:3]])
    check_workspace(cur, 2)
    con.close()


def test_the_demo(tmp_path, connected):
    demo = pytest.importorskip("dq_core.demo")
    path = tmp_path / "demo.duckdb"
    demo.build_demo(path)
    # Every fourth quartier (all kinds of perimeter, series, secrets and breaks of the demo): the test stays short.
    assert check_workspace(connected(path), 78, step=4) == 20


def test_the_comparison_can_fail(cur):
    """A wrong reference or a wrong change is caught (the checks above are not vacuous)."""
    expected = simple_fiche(cur, "QNX0101M")
    line = expected.line("taux_pauvrete")
    line.references["commune"] = ReferenceValue("X0101", "Villeneuve-Test", "2020", 18.9)
    with pytest.raises(AssertionError):
        assert_same_fiche(build_fiche(cur, "QNX0101M"), expected)
    expected = simple_fiche(cur, "QNX0101M")
    expected.line("demandeurs_emploi_abc").change_previous = 0.0
    with pytest.raises(AssertionError):
        assert_same_fiche(build_fiche(cur, "QNX0101M"), expected)
