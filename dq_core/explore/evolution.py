"""Évolution: series of several indicators for several territories, with base-100 indexing.

Missing periods stay gaps (a line is split, never interpolated), breaks in series start a new line
segment and are marked, provisional values are flagged, and secret cells are left out of the lines
and listed apart. Territories are quartiers, the references of each chosen quartier (commune, EPCI,
département, région, France, ensemble des quartiers) and user-built groups of quartiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from dq_core import fmt, french
from dq_core.errors import DQError
from dq_core.explore.groups import get_group, group_series
from dq_core.explore.sources import source_line
from dq_core.store.catalogue import Indicator, load_indicators
from dq_core.store.territories import REFERENCE_KEYS, REFERENCE_LABELS, get_quartier

MAX_INDICATORS = 6
MAX_TERRITORIES = 12
STATUS_LABELS = {
    "ok": "définitive",
    "provisional": "provisoire",
    "break": "rupture de série",
    "secret": "secret statistique",
    "missing": "pas de donnée",
    "non_agregeable": "non agrégeable",
    "incomplet": "incomplet (un quartier du groupe sans donnée)",
    "sans_effectifs": "non recalculable (numérateurs et dénominateurs absents)",
}


@dataclass(frozen=True)
class SeriesTerritory:
    code: str
    name: str
    role: str                      # 'quartier', 'reference', 'groupe'
    label: str                     # legend text, unique within one Évolution
    reference_key: str | None = None


@dataclass(frozen=True)
class SecretCell:
    indicator_id: str
    indicator: str
    territory: str
    period: str


@dataclass(frozen=True)
class Note:
    indicator_id: str
    text: str


@dataclass
class Evolution:
    indicators: list[Indicator]
    territories: list[SeriesTerritory]
    points: pd.DataFrame           # one row per indicator × territory × period (see POINT_COLUMNS)
    base100: bool
    bases: dict[str, str | None]   # indicator id → base period (base-100 mode)
    secret_cells: list[SecretCell] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)     # indicator id → its sources, one line

    def notes_for(self, indicator_id: str) -> list[str]:
        return [n.text for n in self.notes if n.indicator_id == indicator_id]

    def secret_for(self, indicator_id: str) -> list[SecretCell]:
        return [c for c in self.secret_cells if c.indicator_id == indicator_id]

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def series(self, indicator_id: str) -> pd.DataFrame:
        return self.points[self.points["indicator"] == indicator_id]


POINT_COLUMNS = ["indicator", "territory", "label", "role", "period", "period_label", "period_start",
                 "value", "index", "plot_value", "shown", "secret", "provisional", "is_break", "status",
                 "status_label", "segment", "note"]


# --- periods ------------------------------------------------------------------------------------

def period_ordinal(period: str) -> tuple[str, int] | None:
    """('A', 2021) for a year, ('M', months) for '2023-04', ('T', quarters) for '2023-T2'; None if unknown.

    Two periods of the same kind follow each other when their ordinals differ by one.
    """
    if len(period) == 4 and period.isdigit():
        return "A", int(period)
    if len(period) == 7 and period[4] == "-" and period[:4].isdigit():
        if period[5:].isdigit():
            return "M", int(period[:4]) * 12 + int(period[5:]) - 1
        if period[5] == "T" and period[6] in "1234":
            return "T", int(period[:4]) * 4 + int(period[6]) - 1
    return None


def consecutive(a: str, b: str) -> bool:
    """True when period `b` comes right after `a` (no missing period in between)."""
    oa, ob = period_ordinal(a), period_ordinal(b)
    if oa is None or ob is None or oa[0] != ob[0]:
        return True          # unknown period codes: trust the order, do not invent gaps
    return ob[1] - oa[1] == 1


# --- pure computations on one series --------------------------------------------------------------

def segment_ids(periods: list[str], values: list[float | None], breaks: list[bool]) -> list[int | None]:
    """The line segment of each point: a new segment after a missing period or a point without a
    value, and at each break in series. Points without a value get None (they are not drawn)."""
    result: list[int | None] = []
    segment = -1
    previous: str | None = None
    previous_had_value = False
    for period, value, is_break in zip(periods, values, breaks, strict=True):
        if value is None:
            result.append(None)
            previous, previous_had_value = period, False
            continue
        joined = (previous is not None and previous_had_value and not is_break
                  and consecutive(previous, period))
        if not joined:
            segment += 1
        result.append(segment)
        previous, previous_had_value = period, True
    return result


def break_blocks(breaks: list[bool]) -> list[int]:
    """Comparability blocks: a break starts a new block (values across blocks do not compare)."""
    block, result = 0, []
    for i, is_break in enumerate(breaks):
        if is_break and i > 0:
            block += 1
        result.append(block)
    return result


def index_base100(periods: list[str], values: list[float | None], breaks: list[bool], base_period: str
            ) -> tuple[list[float | None], str | None]:
    """Index each value on the base period (= 100). Returns (indices, problem): values separated
    from the base by a break in series get None; without a usable base value every index is None
    and `problem` says why, in French."""
    if base_period not in periods:
        return [None] * len(values), f"pas de donnée en {fmt.period(base_period)}"
    at = periods.index(base_period)
    base_value = values[at]
    if base_value is None:
        return [None] * len(values), f"pas de valeur en {fmt.period(base_period)}"
    if base_value == 0:
        return [None] * len(values), f"valeur nulle en {fmt.period(base_period)}"
    blocks = break_blocks(breaks)
    indices = [100.0 * v / base_value if v is not None and blocks[i] == blocks[at] else None
               for i, v in enumerate(values)]
    cut = any(v is not None and blocks[i] != blocks[at] for i, v in enumerate(values))
    return indices, ("rupture de série : les valeurs de l'autre côté de la rupture ne sont pas indexées"
                     if cut else None)


def default_base(series_by_territory: dict[str, list[tuple[str, float | None]]],
                 breaks: set[str] = frozenset()) -> str | None:
    """The earliest period at which every territory with data has a value — preferring one after
    the last break in series (`breaks`: periods where a series breaks), so that the most recent
    comparable values are indexed — else the earliest period with any value."""
    with_data = {t: {p for p, v in s if v is not None} for t, s in series_by_territory.items()}
    with_data = {t: s for t, s in with_data.items() if s}
    if not with_data:
        return None
    order = sorted({p for s in series_by_territory.values() for p, _ in s}, key=_sort_key)
    common = [p for p in order if all(p in s for s in with_data.values())]
    last_break = max((order.index(p) for p in breaks if p in order), default=None)
    after_break = [p for p in common if last_break is None or order.index(p) >= last_break]
    candidates = after_break or common or [p for p in order if any(p in s for s in with_data.values())]
    return candidates[0] if candidates else None


def _sort_key(period: str):
    ordinal = period_ordinal(period)
    return (ordinal[0], ordinal[1], period) if ordinal else ("Z", 0, period)


# --- the Évolution --------------------------------------------------------------------------------

def resolve_territories(cur: duckdb.DuckDBPyConnection, quartiers: list[str], references: list[str],
                        groups: list[str]) -> list[SeriesTerritory]:
    """The territories to draw: each quartier, then the chosen references of each quartier (once
    each), then the groups. Unknown codes are French errors."""
    result: list[SeriesTerritory] = []
    seen: set[str] = set()
    unknown_refs = [r for r in references if r not in REFERENCE_KEYS]
    if unknown_refs:
        raise DQError(f"Référence inconnue : {', '.join(unknown_refs)} (possibles : "
                      f"{', '.join(REFERENCE_KEYS)}).")
    chosen = [get_quartier(cur, code) for code in dict.fromkeys(quartiers)]
    for q in chosen:
        if q.code not in seen:
            seen.add(q.code)
            result.append(SeriesTerritory(q.code, q.name, "quartier", q.name))
    for key in REFERENCE_KEYS:
        if key not in references:
            continue
        for q in chosen:
            territory = q.references.get(key)
            if territory is None or territory.code in seen:
                continue
            seen.add(territory.code)
            label = territory.name if key == "quartiers" else f"{REFERENCE_LABELS[key]} : {territory.name}"
            result.append(SeriesTerritory(territory.code, territory.name, "reference", label, key))
    for code in dict.fromkeys(groups):
        group = get_group(cur, code)
        if group.code not in seen:
            seen.add(group.code)
            result.append(SeriesTerritory(group.code, group.name, "groupe", f"Groupe : {group.name}"))
    return _unique_labels(result)


def _unique_labels(territories: list[SeriesTerritory]) -> list[SeriesTerritory]:
    counts: dict[str, int] = {}
    for t in territories:
        counts[t.label] = counts.get(t.label, 0) + 1
    return [SeriesTerritory(t.code, t.name, t.role, f"{t.label} ({t.code})" if counts[t.label] > 1 else t.label,
                            t.reference_key) for t in territories]


_OBSERVATIONS_SQL = """
SELECT indicator, territory, period, period_start, value, is_secret, is_provisional, is_break, note, source
FROM observation
WHERE territory IN (SELECT unnest(?::VARCHAR[])) AND indicator IN (SELECT unnest(?::VARCHAR[]))
ORDER BY indicator, territory, period_start
"""


def build_evolution(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str], quartiers: list[str],
                    references: list[str] = (), groups: list[str] = (), *, base100: bool = False,
                    base_period: str | None = None) -> Evolution:
    """Everything the Évolution page draws and lists, for the chosen indicators and territories."""
    catalogue = {i.id: i for i in load_indicators(cur)}
    unknown = [i for i in indicator_ids if i not in catalogue]
    if unknown:
        raise DQError(f"Indicateur inconnu : {', '.join(unknown)}. Le catalogue des indicateurs donne "
                      "la liste des identifiants.")
    indicators = [catalogue[i] for i in dict.fromkeys(indicator_ids)]
    if len(indicators) > MAX_INDICATORS:
        # The page lets no more be chosen; never drop some silently.
        raise DQError(f"Trop d'indicateurs : {len(indicators)} demandés, {MAX_INDICATORS} au plus à la fois "
                      "(comme sur la page Évolution). Répartissez-les en plusieurs demandes.")
    territories = resolve_territories(cur, list(quartiers), list(references), list(groups))[:MAX_TERRITORIES]
    raw = _raw_rows(cur, indicators, territories)
    return assemble_evolution(indicators, territories, raw, base100=base100, base_period=base_period)


def _raw_rows(cur, indicators: list[Indicator], territories: list[SeriesTerritory]) -> list[dict]:
    """One dict per stored (or aggregated) cell: indicator, territory, period, period_start, value,
    secret, provisional, is_break, status, note."""
    plain = [t.code for t in territories if t.role != "groupe"]
    rows = []
    if plain and indicators:
        for ind, territory, period, start, value, secret, prov, brk, note, source in cur.execute(
                _OBSERVATIONS_SQL, [plain, [i.id for i in indicators]]).fetchall():
            status = "secret" if secret else ("missing" if value is None else "ok")
            rows.append(dict(indicator=ind, territory=territory, period=period, period_start=start,
                             value=None if secret else value, secret=bool(secret), provisional=bool(prov),
                             is_break=bool(brk), status=status, note=note, source=source))
    for t in territories:
        if t.role != "groupe":
            continue
        for ind, points in group_series(cur, get_group(cur, t.code), indicators).items():
            for p in points:
                status = "missing" if p.status == "ok" and p.value is None else p.status
                note = None
                if p.without_counts:
                    status, note = "sans_effectifs", "numérateurs ou dénominateurs absents des données"
                elif p.status == "incomplet":
                    note = f"{french.count(p.missing_members, 'quartier')} du groupe sans donnée"
                rows.append(dict(indicator=ind, territory=t.code, period=p.period, period_start=p.period_start,
                                 value=p.value if p.status == "ok" else None, secret=p.secret,
                                 provisional=p.provisional, is_break=p.is_break, status=status, note=note))
    return rows


def assemble_evolution(indicators: list[Indicator], territories: list[SeriesTerritory], raw: list[dict], *,
                       base100: bool = False, base_period: str | None = None) -> Evolution:
    """Pure part of `build_evolution`: segments, base-100 indices, labels, secret cells, notes."""
    labels = {t.code: t for t in territories}
    by_series: dict[tuple[str, str], list[dict]] = {}
    for row in raw:
        if row["territory"] in labels:
            by_series.setdefault((row["indicator"], row["territory"]), []).append(row)
    for rows in by_series.values():
        rows.sort(key=lambda r: r["period_start"])

    bases: dict[str, str | None] = {}
    notes: list[Note] = []
    secret_cells: list[SecretCell] = []
    out: list[dict] = []
    for ind in indicators:
        series_map = {code: by_series.get((ind.id, code), []) for code in labels}
        if base100:
            wanted = base_period if base_period and any(
                r["period"] == base_period for rows in series_map.values() for r in rows) else None
            bases[ind.id] = wanted or default_base(
                {code: [(r["period"], r["value"]) for r in rows] for code, rows in series_map.items()},
                {r["period"] for rows in series_map.values() for r in rows if r["is_break"]})
        if not any(series_map.values()):
            notes.append(Note(ind.id, "Aucune donnée pour les territoires choisis."))
        for code, rows in series_map.items():
            territory = labels[code]
            if not rows:
                if any(series_map.values()):
                    notes.append(Note(ind.id, f"Pas de donnée pour {territory.label}."))
                continue
            periods = [r["period"] for r in rows]
            values = [r["value"] for r in rows]
            breaks = [r["is_break"] for r in rows]
            indices: list[float | None] = [None] * len(rows)
            if base100 and bases.get(ind.id):
                indices, problem = index_base100(periods, values, breaks, bases[ind.id])
                if problem:
                    notes.append(Note(ind.id, f"{territory.label} : base 100 — {problem}."))
            plotted = indices if base100 else values
            segments = segment_ids(periods, plotted, breaks)
            if any(r["status"] == "non_agregeable" for r in rows):
                notes.append(Note(ind.id, f"{territory.label} : non agrégeable — une {_kind_word(ind)} ne "
                                  "s'additionne pas et ne se moyenne pas ; la valeur du groupe n'est pas calculée."))
            incomplete = [fmt.period(r["period"]) for r in rows if r["status"] == "incomplet"]
            if incomplete:
                notes.append(Note(ind.id, f"{territory.label} : pas de valeur de groupe pour "
                                  f"{', '.join(incomplete)} (au moins un quartier du groupe sans donnée)."))
            uncounted = [fmt.period(r["period"]) for r in rows if r["status"] == "sans_effectifs"]
            if uncounted:
                notes.append(Note(ind.id, f"{territory.label} : pas de valeur de groupe pour {', '.join(uncounted)} "
                                  "— un taux de groupe se recalcule à partir des numérateurs et dénominateurs, "
                                  "absents des données (il n'est jamais obtenu en faisant la moyenne des taux)."))
            for r, index, shown_value, segment in zip(rows, indices, plotted, segments, strict=True):
                if r["secret"]:
                    secret_cells.append(SecretCell(ind.id, ind.label, territory.label, fmt.period(r["period"])))
                status = r["status"]
                if status == "ok":
                    status = "break" if r["is_break"] else ("provisional" if r["provisional"] else "ok")
                out.append(dict(
                    indicator=ind.id, territory=code, label=territory.label, role=territory.role,
                    period=r["period"], period_label=fmt.period(r["period"]), period_start=r["period_start"],
                    value=r["value"], index=index, plot_value=shown_value,
                    shown=_shown(ind, r, index, base100), secret=r["secret"], provisional=r["provisional"],
                    is_break=r["is_break"], status=status, status_label=STATUS_LABELS.get(status, status),
                    segment=None if segment is None else f"{code}|{segment}", note=r["note"]))
    points = pd.DataFrame(out, columns=POINT_COLUMNS)
    shown = {r["source"] for r in raw if r.get("source") and r["territory"] in labels}
    sources = {ind.id: source_line(ind, {r.get("source") for r in raw if r["indicator"] == ind.id} & shown)
               for ind in indicators}
    return Evolution(indicators, territories, points, base100, bases, secret_cells, notes, sources)


def _kind_word(ind: Indicator) -> str:
    return {"median": "médiane", "index": "valeur d'indice"}.get(ind.kind, "valeur de ce type")


def _shown(ind: Indicator, row: dict, index: float | None, base100: bool) -> str:
    if row["secret"]:
        return fmt.SECRET_MARK
    if base100:
        return fmt.number(index, 1) if index is not None else "–"
    return fmt.value(row["value"], ind.unit, ind.decimals)


# --- the table shown beside each chart ------------------------------------------------------------

def evolution_table(evolution: Evolution, indicator_id: str) -> pd.DataFrame:
    """The data table of one indicator's chart: one row per period, one column per territory, and a
    "Remarques" column. Cells are numbers (the index in base-100 mode), "s" for secret cells and
    None when there is no value. The same frame feeds the screen and the exports."""
    ind = evolution.indicator(indicator_id)
    series = evolution.series(indicator_id)
    columns = [t.label for t in evolution.territories]
    if series.empty:
        return pd.DataFrame(columns=["Période", *columns, "Remarques"])
    cells: dict[str, dict[str, dict]] = {}
    starts: dict[str, object] = {}
    labels_of: dict[str, str] = {}
    for cell in series[["period", "period_label", "period_start", "label", "value", "index", "secret",
                        "provisional", "is_break", "status"]].to_dict("records"):
        cells.setdefault(cell["period"], {})[cell["label"]] = cell
        starts[cell["period"]] = cell["period_start"]
        labels_of[cell["period"]] = cell["period_label"]
    rows = []
    for period in sorted(cells, key=lambda p: starts[p]):
        row: dict[str, object] = {"Période": labels_of[period]}
        remarks: dict[str, list[str]] = {}
        for label in columns:
            cell = cells[period].get(label)
            if cell is None:
                row[label] = None
                continue
            if cell["secret"]:
                row[label] = fmt.SECRET_MARK
            else:
                number = cell["index"] if evolution.base100 else cell["value"]
                row[label] = None if number is None or pd.isna(number) else float(number)
            if cell["provisional"]:
                remarks.setdefault("provisoire", []).append(label)
            if cell["is_break"]:
                remarks.setdefault("rupture de série", []).append(label)
            if cell["status"] in ("non_agregeable", "incomplet", "sans_effectifs"):
                remarks.setdefault(STATUS_LABELS[cell["status"]], []).append(label)
        row["Remarques"] = " ; ".join(f"{what} : {', '.join(labels)}" for what, labels in remarks.items())
        rows.append(row)
    table = pd.DataFrame(rows, columns=["Période", *columns, "Remarques"])
    table.attrs["title"] = ind.label
    table.attrs["unit"] = f"indice base 100 en {fmt.period(evolution.bases[ind.id])}" if (
        evolution.base100 and evolution.bases.get(ind.id)) else ind.unit
    table.attrs["decimals"] = 1 if evolution.base100 else ind.decimals
    return table


def periods_of(evolution: Evolution) -> list[str]:
    """Every period shown, in order (choices for the base-100 period)."""
    if evolution.points.empty:
        return []
    return sorted(set(evolution.points["period"]), key=_sort_key)
