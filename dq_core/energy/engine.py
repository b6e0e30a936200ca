"""The energy computations on a panel of monthly series, vectorised with numpy over every series at once:
climate fit per series, correction to the reference year, and the robust alert scores (alerts.RULE_TEXT).

SQL (`energy.sql`) gathers the rows; they are laid out as dense (series × month) arrays, so that one
quartier and the whole country go through the same few array operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from dq_core.energy import settings, sql


@dataclass
class Panel:
    series: pd.DataFrame          # one row per series: scope, key, energy, zone, units (latest)
    months: list[date]            # the columns
    y: np.ndarray                 # (S, M) kWh per dwelling, NaN when not measured or secret
    dju: np.ndarray               # (S, M) degree days of the series' zone, NaN when missing
    dju_ref: np.ndarray           # (S, M) reference degree days of that calendar month
    present: np.ndarray           # (S, M) a row exists (measured, secret or incomplete)
    complete: np.ndarray          # (S, M) every day of the month measured
    secret: np.ndarray            # (S, M)
    estimated: np.ndarray         # (S, M)
    # filled by compute()
    slope: np.ndarray | None = None
    intercept: np.ndarray | None = None
    r2: np.ndarray | None = None
    months_used: np.ndarray | None = None
    first_fit: np.ndarray | None = None      # column index of the first / last month used by the fit
    last_fit: np.ndarray | None = None
    k: np.ndarray | None = None              # slope applied (0: no correction)
    corrected: np.ndarray | None = None
    # The rule's figures are kept only for the candidate series (a month beyond the change floor in their
    # alert window): rows `candidates` of the panel, all months.
    candidates: np.ndarray | None = None
    expected: np.ndarray | None = None       # (C, M) median of the same month of the previous years
    change: np.ndarray | None = None         # (C, M) corrected / expected − 1
    z: np.ndarray | None = None              # (C, M) robust z
    last_column: np.ndarray | None = None    # column of the series' latest measured month

    def index(self) -> dict[tuple[str, str, str], int]:
        return {(s, k, e): i for i, (s, k, e) in enumerate(zip(self.series["scope"], self.series["key"],
                                                               self.series["energy"], strict=True))}

    def alert_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(panel rows, months, candidate rows) of the cells the alert rule flags: robust z beyond the
        threshold, a large enough change, within the series' alert window, residences and quartiers only."""
        cand = self.candidates
        cols = np.arange(len(self.months))[None, :]
        recent = cols > (self.last_column[cand][:, None] - settings.ALERT_LOOKBACK_MONTHS)
        scoped = self.series["scope"].isin(["residence", "quartier"]).to_numpy()[cand][:, None]
        with np.errstate(invalid="ignore"):
            hit = scoped & recent & (np.abs(self.z) > settings.ALERT_Z) & (np.abs(self.change) >= settings.ALERT_MIN_CHANGE)
        c_rows, c_cols = np.nonzero(hit)
        return cand[c_rows], c_cols, c_rows

    def last_year_at(self, row: int, col: int) -> float | None:
        """Measured kWh per dwelling of the same month a year before (complete months only)."""
        if col < 12 or not self.complete[row, col - 12] or np.isnan(self.y[row, col - 12]):
            return None
        return float(self.y[row, col - 12])


ENERGY_ORDER = ("electricite", "gaz", "chaleur")     # the codes of sql.ENERGY_CODE


@dataclass(frozen=True)
class Request:
    """What to load: residences (by a filter) and territories, with the secrecy grouping already decided."""
    res_filter: str | None               # WHERE clause on `residence r`; None: no residences
    use_filter: str                      # WHERE clause on `energy_use e`
    territories: list[str]               # territory codes ([] : none)
    terr_filter: str                     # WHERE clause on `observation o`
    params: dict
    merged: dict[str, dict[str, list[str]]]   # group key (quartier) -> energy -> merged residence ids
    ref_year: int | None


def _origin_month(col: int) -> date:
    return date(2000 + col // 12, col % 12 + 1, 1)


def load(cur: duckdb.DuckDBPyConnection, req: Request) -> Panel:
    """Run the queries of `req` and write their rows into (series × month) arrays."""
    zones = dict(cur.execute(sql.ZONES).fetchall())
    keys, units, zone_of, ids = [], [], [], None
    if req.res_filter is not None:
        res = cur.execute(f"SELECT id, quartier, dwellings FROM residence r WHERE dwellings > 0 AND {req.res_filter} "
                          "ORDER BY id", _params(req, req.res_filter)).fetchall()
        keys, units, zone_of, ids = _residence_series(res, req.merged, zones)
    offset = len(keys)
    for code in req.territories:
        keys.append(("territory", code))
        zone_of.append(zones.get(code))
    units = np.concatenate([np.asarray(units, dtype=float), np.full(3 * len(req.territories), np.nan)])
    span = _span(cur, req, ids is not None and len(ids) > 0)
    if span is None:
        return _empty(pd.DataFrame(columns=["scope", "key", "energy", "zone", "units"]))
    c0, M = span
    grid = _Grid(3 * len(keys), M, c0)
    if ids is not None and len(ids):
        _residence_rows(cur, req, ids, grid)
    if req.territories:
        _territory_rows(cur, req, offset, grid)
    keep = np.flatnonzero(grid.present.any(axis=1))
    info = _series_table(keys, units, zone_of, keep, grid, cur)
    dju, dju_ref = _degree_days(cur, info["zone"].to_list(), c0, M, req.ref_year)
    present = grid.present[keep]
    complete = present & ~grid.mask(grid.incomplete, keep)
    secret = grid.mask([grid.secret_cells] if grid.secret_cells else [], keep)
    return Panel(info, [_origin_month(c) for c in range(c0, c0 + M)], grid.y[keep], dju, dju_ref,
                 present, complete, secret, grid.estimated[keep])


class _Grid:
    """The dense arrays being filled, one row per possible series (key × energy)."""

    def __init__(self, rows: int, months: int, c0: int):
        shape = (rows, months)
        self.c0 = c0
        self.y = np.full(shape, np.nan, dtype=np.float32)      # the SQL sends FLOAT
        self.present = np.zeros(shape, dtype=bool)
        self.estimated = np.zeros(shape, dtype=bool)
        self.incomplete: list[tuple[np.ndarray, np.ndarray]] = []     # few cells: daily months with gaps
        self.secret_cells: tuple[np.ndarray, np.ndarray] | None = None
        self.unit_cells: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def mask(self, cells, keep: np.ndarray) -> np.ndarray:
        """A (kept rows × months) boolean array from (row, col) cell lists."""
        out = np.zeros((len(keep), self.y.shape[1]), dtype=bool)
        position = np.full(self.y.shape[0], -1)
        position[keep] = np.arange(len(keep))
        for row, col in cells:
            out[position[row], col] = True
        return out

    def put_cells(self, data: dict) -> None:
        """Rows of sql.RESIDENCE_MONTHS: signed cell numbers and values."""
        cell = np.asarray(data["cell"], dtype=np.int64)
        flat = np.abs(cell) - 1
        self.y.ravel()[flat] = np.asarray(data["y"], dtype=np.float32)
        self.present.ravel()[flat] = True
        self.estimated.ravel()[flat[cell < 0]] = True

    def put(self, data: dict, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
        row = np.asarray(data["code"], dtype=np.int64) + 3 * offset
        col = np.asarray(data["col"], dtype=np.int64) - self.c0
        self.y[row, col] = np.ma.filled(np.ma.asarray(data["y"], dtype=np.float32), np.nan)
        self.present[row, col] = True
        self.estimated[row, col] = np.asarray(data["estimated"], dtype=bool)
        if "complete" in data:
            gaps = ~np.asarray(data["complete"], dtype=bool)
            self.incomplete.append((row[gaps], col[gaps]))
        return row, col


def _params(req: Request, text: str) -> dict:
    return {k: v for k, v in req.params.items() if f"${k}" in text}


def _span(cur, req: Request, residences: bool) -> tuple[int, int] | None:
    """(first month column, number of months) of everything the request covers."""
    bounds = []
    if residences:
        query = sql.RESIDENCE_SPAN.format(use_filter=req.use_filter)
        bounds += cur.execute(query, _params(req, query)).fetchall()
    if req.territories:
        query = ("SELECT datediff('month', DATE '2000-01-01', min(period_start)), "
                 "datediff('month', DATE '2000-01-01', max(period_start)) FROM observation o "
                 "WHERE indicator IN ('conso_elec_mensuelle', 'conso_gaz_mensuelle') AND length(period) = 7 AND "
                 + req.terr_filter)
        bounds += cur.execute(query, _params(req, query)).fetchall()
    lows = [b[0] for b in bounds if b[0] is not None]
    highs = [b[1] for b in bounds if b[1] is not None]
    if not lows:
        return None
    return int(min(lows)), int(max(highs)) - int(min(lows)) + 1


def _residence_series(res: list[tuple], merged: dict[str, dict[str, list[str]]],
                      zones: dict) -> tuple[list, np.ndarray, list, pd.DataFrame]:
    """The residence series, in id order: one key per residence, one « autres » key per quartier with merged
    residences (placed after them). Secrecy is decided per energy, so a residence may be shown for one energy
    and merged for another: its rows go to its own key or to its group's, energy by energy. Returns the keys,
    the units of every row (key × energy: dwellings, summed over a group's members for that energy), the
    zones and the table `energy_ids(id, energy, rid, dwellings, grouped)` for the SQL."""
    columns = list(zip(*res, strict=True)) or [(), (), ()]
    ids, quartiers = list(columns[0]), list(columns[1])
    dwellings = np.asarray(columns[2], dtype=float)
    groups = sorted(merged)
    keys = [("residence", rid) for rid in ids] + [("autres", g) for g in groups]
    group_row = {g: len(ids) + i for i, g in enumerate(groups)}
    zone_of = [zones.get(q) for q in quartiers] + [zones.get(g) for g in groups]
    n, E = len(ids), len(ENERGY_ORDER)
    rid = np.repeat(np.arange(n, dtype=np.int32), E)
    energy = np.tile(np.arange(E, dtype=np.int8), n)
    grouped = np.zeros(n * E, dtype=bool)
    position = {r: i for i, r in enumerate(ids)}
    for g, by_energy in merged.items():
        for name, members in by_energy.items():
            e = ENERGY_ORDER.index(name)
            for member in members:
                i = position.get(member)
                if i is not None:
                    rid[i * E + e], grouped[i * E + e] = group_row[g], True
    row_dwellings = np.repeat(dwellings, E)
    units = np.full(E * len(keys), np.nan)
    units[: n * E] = row_dwellings
    units[n * E:] = 0.0
    np.add.at(units, (rid * E + energy)[grouped], row_dwellings[grouped])
    table = pd.DataFrame({"id": pd.Series(np.repeat(np.asarray(ids, dtype=object), E), dtype="string"),
                          "energy": energy, "rid": rid, "dwellings": row_dwellings, "grouped": grouped})
    return keys, units, zone_of, table


def _residence_rows(cur, req: Request, table: pd.DataFrame, grid: _Grid) -> None:
    cur.register("energy_ids", table)
    try:
        query = sql.RESIDENCE_MONTHS.format(use_filter=req.use_filter)
        params = {**_params(req, query), "months": grid.y.shape[1], "first": grid.c0}
        grid.put_cells(cur.execute(query, params).fetchnumpy())
        query = sql.RESIDENCE_SUMS.format(use_filter=req.use_filter)
        grid.put(cur.execute(query, _params(req, query)).fetchnumpy())
    finally:
        cur.unregister("energy_ids")


def _territory_rows(cur, req: Request, offset: int, grid: _Grid) -> None:
    table = pd.DataFrame({"code": pd.Series(req.territories, dtype="string"),
                          "tid": np.arange(len(req.territories), dtype=np.int32)})
    cur.register("energy_territories", table)
    try:
        query = sql.TERRITORY_MONTHS.format(terr_filter=req.terr_filter)
        data = cur.execute(query, _params(req, query)).fetchnumpy()
    finally:
        cur.unregister("energy_territories")
    row, col = grid.put(data, offset)
    secret = np.asarray(data["is_secret"], dtype=bool)
    grid.secret_cells = (row[secret], col[secret])
    grid.unit_cells = (row, col, np.ma.filled(np.ma.asarray(data["units"], dtype=float), np.nan))


def _latest_units(grid: _Grid, keep: np.ndarray) -> np.ndarray:
    """Per kept row, the units (delivery points) of its latest territory month, NaN otherwise."""
    out = np.full(len(keep), np.nan)
    if grid.unit_cells is None:
        return out
    row, col, units = grid.unit_cells
    position = np.full(grid.y.shape[0], -1)
    position[keep] = np.arange(len(keep))
    order = np.lexsort((col, row))                 # by row, then month: the last one of each row wins
    out[position[row[order]]] = units[order]
    return out


def _series_table(keys, units, zone_of, keep: np.ndarray, grid: _Grid, cur) -> pd.DataFrame:
    territory_codes = [k for kind, k in keys if kind == "territory"]
    levels = {}
    if territory_codes:
        levels = dict(cur.execute("SELECT code, level FROM territory WHERE code IN (SELECT unnest(?::VARCHAR[]))",
                                  [territory_codes]).fetchall())
    latest_units = _latest_units(grid, keep)
    owner = keep // 3
    kind = np.array([k for k, _ in keys], dtype=object)[owner]
    key = np.array([k for _, k in keys], dtype=object)[owner]
    is_territory = kind == "territory"
    level = np.array([levels.get(k) for k in key[is_territory]], dtype=object)
    kind[is_territory] = np.where(level == "quartier", "quartier", "reference")
    size = units[keep]
    size[is_territory] = np.where(latest_units[is_territory] > 0, latest_units[is_territory], np.nan)
    return pd.DataFrame({"scope": kind, "key": key, "energy": np.array(ENERGY_ORDER, dtype=object)[keep % 3],
                         "zone": np.array(zone_of, dtype=object)[owner], "units": size})


def _degree_days(cur, zones: list[str | None], c0: int, M: int, ref_year: int | None):
    """(S, M) degree days and reference degree days of each series' zone (NaN without a zone)."""
    wanted = sorted(z for z in set(zones) if isinstance(z, str) and z)
    S = len(zones)
    if not wanted or M == 0:
        return np.full((S, M), np.nan), np.full((S, M), np.nan)
    data = cur.execute(sql.DEGREE_DAYS + " AND zone IN (SELECT unnest(?::VARCHAR[]))", [wanted]).fetchnumpy()
    zone_index = {z: i for i, z in enumerate(wanted)}
    zi = np.array([zone_index[z] for z in data["zone"].tolist()], dtype=np.int64)
    col, value = np.asarray(data["col"], dtype=np.int64), np.asarray(data["dju"], dtype=float)
    table = np.full((len(wanted) + 1, M), np.nan)              # the last row: no zone
    inside = (col >= c0) & (col < c0 + M)
    table[zi[inside], col[inside] - c0] = value[inside]
    chosen = np.ones(len(zi), dtype=bool) if ref_year is None else np.asarray(data["year"]) == ref_year
    sums, counts = np.zeros((len(wanted) + 1, 12)), np.zeros((len(wanted) + 1, 12))
    cal = np.asarray(data["calendar_month"], dtype=np.int64) - 1
    np.add.at(sums, (zi[chosen], cal[chosen]), value[chosen])
    np.add.at(counts, (zi[chosen], cal[chosen]), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / counts, np.nan)
    rows = pd.Categorical(np.array(zones, dtype=object), categories=wanted).codes.astype(np.int64)
    rows[rows < 0] = len(wanted)
    month_of_col = (np.arange(c0, c0 + M) % 12)
    return table.astype(np.float32)[rows], mean.astype(np.float32)[rows][:, month_of_col]


def _empty(info: pd.DataFrame) -> Panel:
    z = np.zeros((len(info), 0))
    b = np.zeros((len(info), 0), dtype=bool)
    return Panel(info, [], z, z, z, b, b, b, b)


def _month_range(first: date, last: date) -> list[date]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1) for i in range(count)]


def _days(months: list[date]) -> np.ndarray:
    return np.array([(date(d.year + (d.month == 12), d.month % 12 + 1, 1) - d).days for d in months], dtype=float)


def compute(p: Panel) -> Panel:
    """Fit, correct and score every series of the panel (in place; returns it)."""
    S, M = p.y.shape
    days = _days(p.months)[None, :] if M else np.zeros((1, 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        _fit(p, days)
        _correct(p)
        _score(p)
    return p


def _fit(p: Panel, days: np.ndarray) -> None:
    """Per series: y/days = intercept + slope × dju/days, least squares over complete months with DJU."""
    use = p.complete & ~np.isnan(p.y) & ~np.isnan(p.dju)
    n = use.sum(axis=1).astype(float)
    yd, xd = p.y / days, p.dju / days              # float64, zero where not used (in place: no copies)
    yd[~use] = 0.0
    xd[~use] = 0.0
    sx, sy = xd.sum(1), yd.sum(1)
    sxy = np.einsum("ij,ij->i", xd, yd)
    sxx = np.einsum("ij,ij->i", xd, xd)
    syy = np.einsum("ij,ij->i", yd, yd)
    safe = np.maximum(n, 1)
    vxx, vyy, vxy = sxx - sx * sx / safe, syy - sy * sy / safe, sxy - sx * sy / safe
    fitted = (n >= 2) & (vxx > 1e-12 * np.maximum(sxx, 1e-300))
    p.slope = np.where(fitted, vxy / np.where(fitted, vxx, 1), np.nan)
    p.intercept = np.where(fitted, (sy - np.nan_to_num(p.slope) * sx) / safe, np.nan)
    p.r2 = np.where(fitted, np.where(vyy > 0, np.clip(vxy * vxy / np.where(vxx * vyy > 0, vxx * vyy, 1), 0, 1), 1.0),
                    np.nan)
    p.months_used = n.astype(int)
    M = p.y.shape[1]
    if M:
        p.first_fit = np.where(n > 0, np.argmax(use, axis=1), -1)
        p.last_fit = np.where(n > 0, M - 1 - np.argmax(use[:, ::-1], axis=1), -1)
    else:
        p.first_fit = p.last_fit = np.full(len(n), -1)
    accepted = fitted & (n >= settings.FIT_MIN_MONTHS) & (p.r2 >= settings.FIT_MIN_R2) & (p.slope > 0)
    p.k = np.where(accepted, p.slope, 0.0)


def _correct(p: Panel) -> None:
    """Corrected = measured + k × (DJU_ref − DJU); no correction when k = 0; NaN for incomplete months."""
    corrected = p.k[:, None] * (p.dju_ref - p.dju)      # float64; then in place, without further copies
    corrected += p.y
    uncorrected = ~(p.k > 0)
    corrected[uncorrected] = p.y[uncorrected]
    corrected[~p.complete] = np.nan
    p.corrected = corrected


def _lag(a: np.ndarray, months: int) -> np.ndarray:
    out = np.full_like(a, np.nan)
    if months < a.shape[1]:
        out[:, months:] = a[:, :-months]
    return out


def nanmedian_rows(a: np.ndarray, axis: int) -> np.ndarray:
    """Median ignoring NaN along `axis` (NaN where all are NaN), by one sort: faster than np.nanmedian here."""
    if a.shape[axis] == 0:
        return np.full(np.delete(np.array(a.shape), axis), np.nan)
    s = np.sort(a, axis=axis)                           # NaN sort last
    n = (~np.isnan(a)).sum(axis=axis, keepdims=True)
    lo = np.take_along_axis(s, np.maximum((n - 1) // 2, 0), axis=axis)
    hi = np.take_along_axis(s, np.maximum(n // 2, 0), axis=axis)
    return np.squeeze(np.where(n > 0, (lo + hi) / 2, np.nan), axis=axis)


def _median_of_previous(c: np.ndarray, start: int = 0) -> np.ndarray:
    """Median of the same month of the previous years (at least 2 of the 3 present), for columns ≥ start:
    an (S, M − start) array (column j is month start + j).

    Median of three = max(min(a, b), min(max(a, b), c)); with two values present, their mean.
    """
    S, M = c.shape
    if start >= M:
        return np.full((S, 0), np.nan)
    lags = []
    for k in range(1, settings.ALERT_BASELINE_YEARS + 1):
        lag = np.full((S, M - start), np.nan)
        first = max(start, 12 * k)
        if first < M:
            lag[:, first - start:] = c[:, first - 12 * k:M - 12 * k]
        lags.append(lag)
    count = sum((~np.isnan(a)).astype(np.int8) for a in lags)
    if len(lags) == 3:
        a, b, d = lags
        med = np.fmax(np.fmin(a, b), np.fmin(np.fmax(a, b), d))
        two = count == 2
        if two.any():
            med[two] = (np.nan_to_num(a[two]) + np.nan_to_num(b[two]) + np.nan_to_num(d[two])) / 2
    else:
        med = nanmedian_rows(np.stack(lags), 0)
    med[count < settings.ALERT_MIN_BASELINE] = np.nan
    return med


def _score(p: Panel) -> None:
    """Robust z of log(corrected / median of the same month of the previous years), per series.

    The change floor of the rule is checked first on the alert window; the baseline over the whole history
    and the robust spread (a sort per series) are computed only for the series with a month beyond it.
    """
    c = p.corrected
    S, M = c.shape
    cols = np.arange(M)
    measured = ~np.isnan(p.y)
    p.last_column = (np.where(measured.any(axis=1), M - 1 - np.argmax(measured[:, ::-1], axis=1), -1) if M
                     else np.full(S, -1))
    # Only the columns of some series' alert window matter (a series never measured has no candidate).
    measured_last = p.last_column[p.last_column >= 0]
    window = int(max(0, measured_last.min(initial=M) - settings.ALERT_LOOKBACK_MONTHS + 1))
    change = c[:, window:] / _median_of_previous(c, window) - 1
    recent = cols[None, window:] > (p.last_column[:, None] - settings.ALERT_LOOKBACK_MONTHS)
    p.candidates = np.flatnonzero((recent & (np.abs(change) >= settings.ALERT_MIN_CHANGE)).any(axis=1))
    cc = c[p.candidates]
    p.expected = _median_of_previous(cc)
    p.change = cc / p.expected - 1
    d = np.where((cc > 0) & (p.expected > 0), np.log(cc / p.expected), np.nan)
    centre = nanmedian_rows(d, 1)
    spread = nanmedian_rows(np.abs(d - centre[:, None]), 1)
    scale = np.maximum(1.4826 * spread, settings.ALERT_MIN_SCALE)
    p.z = (d - centre[:, None]) / scale[:, None]


def twelve_months(values: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Per row, the sum of the 12 columns ending at `end` (NaN unless all 12 are numbers)."""
    S, M = values.shape
    filled = np.concatenate([np.zeros((S, 1)), np.cumsum(np.nan_to_num(values), axis=1)], axis=1)
    gaps = np.concatenate([np.zeros((S, 1)), np.cumsum(np.isnan(values), axis=1)], axis=1)
    rows = np.arange(S)
    ok = end >= 11
    hi, lo = np.where(ok, end + 1, 0), np.where(ok, end - 11, 0)
    total = filled[rows, hi] - filled[rows, lo]
    missing = gaps[rows, hi] - gaps[rows, lo]
    return np.where(ok & (missing == 0), total, np.nan)
