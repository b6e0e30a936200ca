"""Comparer: every quartier side by side, a quartier's rank, the distribution, and similar quartiers.

Quartiers are compared at the same period: for each indicator, the latest period with data among the
quartiers compared (a quartier without a value for that period has none — an older figure is never
slipped in). Secret cells are never ranked, never placed on a distribution, never used for similarity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from dq_core import fmt
from dq_core.errors import DQError
from dq_core.explore.sources import stored_sources
from dq_core.store import geography
from dq_core.store.catalogue import ADDITIVE_KINDS, Indicator, load_indicators
from dq_core.store.territories import REFERENCE_KEYS, REFERENCE_LABELS, VINTAGE_LABELS, get_quartier

FILTER_LEVELS = ("region", "departement", "epci", "commune")
FILTER_LABELS = {"region": "Région", "departement": "Département", "epci": "Agglomération (EPCI)",
                 "commune": "Commune", "vintage": "Géographie prioritaire"}
MAX_INDICATORS = 12
MAX_SIMILARITY_INDICATORS = 24
DEFAULT_NEIGHBOURS = 5


# --- where each quartier lies --------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    region: str | None = None
    departement: str | None = None
    epci: str | None = None
    commune: str | None = None
    vintage: int | None = None

    def codes(self) -> list[str]:
        return [c for c in (self.region, self.departement, self.epci, self.commune) if c]

    def describe(self, names: dict[str, str]) -> str:
        parts = [f"{FILTER_LABELS[level]} : {names.get(getattr(self, level), getattr(self, level))}"
                 for level in FILTER_LEVELS if getattr(self, level)]
        if self.vintage:
            parts.append(VINTAGE_LABELS.get(self.vintage, str(self.vintage)))
        return " · ".join(parts) if parts else "tous les quartiers"


@dataclass
class Places:
    """One row per quartier: name, vintage, main commune, EPCI, département, région, and `zone`, every
    territory it lies in (all its communes and their ancestors), for filtering."""
    frame: pd.DataFrame
    names: dict[str, str]              # code → name for every territory met
    levels: dict[str, str]             # code → level


_COMMUNE_ANCESTORS_SQL = """
WITH RECURSIVE up(commune, code, depth) AS (
    SELECT code, code, 0 FROM territory WHERE level = 'commune'
    UNION ALL
    SELECT up.commune, l.parent, up.depth + 1
    FROM territory_link l JOIN up ON l.child = up.code
    WHERE l.rank = 1 AND up.depth < 6
)
SELECT up.commune, t.code, t.level, t.name, up.depth
FROM up JOIN territory t ON t.code = up.code
ORDER BY up.commune, up.depth
"""

_QUARTIER_COMMUNES_SQL = """
SELECT q.code, q.name, q.vintage, list(l.parent ORDER BY l.rank) FILTER (WHERE c.code IS NOT NULL)
FROM territory q
LEFT JOIN territory_link l ON l.child = q.code
LEFT JOIN territory c ON c.code = l.parent AND c.level = 'commune'
WHERE q.level = 'quartier'
GROUP BY ALL
"""


def quartier_places(cur: duckdb.DuckDBPyConnection) -> Places:
    ancestors: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    levels: dict[str, str] = {}
    for commune, code, level, name, _ in cur.execute(_COMMUNE_ANCESTORS_SQL).fetchall():
        ancestors.setdefault(commune, {}).setdefault(level, code)
        names[code], levels[code] = name, level
    rows = []
    for code, name, vintage, communes in cur.execute(_QUARTIER_COMMUNES_SQL).fetchall():
        communes = communes or []
        main = ancestors.get(communes[0], {}) if communes else {}
        zone = sorted({c for commune in communes for c in ancestors.get(commune, {commune: commune}).values()})
        names[code], levels[code] = name, "quartier"
        rows.append({"code": code, "name": name, "vintage": vintage,
                     "commune_code": main.get("commune"),
                     "commune": ", ".join(names.get(c, c) for c in communes),
                     "epci_code": main.get("epci"), "epci": names.get(main.get("epci"), ""),
                     "departement_code": main.get("departement"),
                     "departement": names.get(main.get("departement"), ""),
                     "region_code": main.get("region"), "region": names.get(main.get("region"), ""),
                     "zone": zone})
    frame = pd.DataFrame(rows, columns=["code", "name", "vintage", "commune_code", "commune", "epci_code",
                                        "epci", "departement_code", "departement", "region_code", "region",
                                        "zone"])
    frame = frame.sort_values(["commune", "name", "code"], kind="stable").reset_index(drop=True)
    return Places(frame, names, levels)


def apply_filters(places: Places, filters: Filters) -> pd.DataFrame:
    frame = places.frame
    mask = np.ones(len(frame), dtype=bool)
    for code in filters.codes():
        mask &= np.fromiter((code in zone for zone in frame["zone"]), dtype=bool, count=len(frame))
    if filters.vintage:
        mask &= (frame["vintage"] == filters.vintage).to_numpy()
    return frame[mask]


def filter_options(places: Places, filters: Filters) -> dict[str, list[tuple[str, str]]]:
    """Choices for each filter, narrowed by the levels above it: {level: [(code, name)] by name}.
    Also 'vintage': [(vintage, label)]."""
    frame = places.frame
    options: dict[str, list[tuple[str, str]]] = {}
    vintages = sorted({int(v) for v in frame["vintage"].dropna()})
    options["vintage"] = [(str(v), VINTAGE_LABELS.get(v, str(v)).capitalize()) for v in vintages]
    above: dict[str, str | None] = {}
    for level in FILTER_LEVELS:
        subset = apply_filters(places, Filters(**above, vintage=filters.vintage))
        codes = {c for zone in subset["zone"] for c in zone if places.levels.get(c) == level}
        options[level] = sorted(((c, places.names[c]) for c in codes), key=lambda cn: (cn[1].lower(), cn[0]))
        above[level] = getattr(filters, level)
    return options


def validate_filters(places: Places, filters: Filters) -> tuple[Filters, list[str]]:
    """Drop filter values that are not territories of the right level (e.g. from a hand-edited link);
    returns the filters kept and French messages about those dropped."""
    kept, dropped = {}, []
    for level in FILTER_LEVELS:
        code = getattr(filters, level)
        if code and places.levels.get(code) != level:
            dropped.append(f"{FILTER_LABELS[level]} « {code} » inconnu(e) : filtre ignoré.")
            code = None
        kept[level] = code
    vintage = filters.vintage
    if vintage and vintage not in set(places.frame["vintage"].dropna().astype(int)):
        dropped.append(f"Géographie « {vintage} » absente de cette base : filtre ignoré.")
        vintage = None
    return Filters(**kept, vintage=vintage), dropped


# --- latest values ----------------------------------------------------------------------------------

_LATEST_SQL = """
WITH obs AS (
    SELECT territory, indicator, period, period_start, value, is_secret, is_provisional
    FROM observation
    WHERE indicator IN (SELECT unnest(?::VARCHAR[])) AND territory IN (SELECT unnest(?::VARCHAR[]))
), latest AS (
    SELECT indicator, max(period_start) AS period_start FROM obs
    WHERE value IS NOT NULL OR is_secret GROUP BY indicator
)
SELECT obs.territory, obs.indicator, obs.period, obs.value, obs.is_secret, obs.is_provisional
FROM obs JOIN latest USING (indicator, period_start)
"""


LATEST_COLUMNS = ["territory", "indicator", "period", "value", "is_secret", "is_provisional"]


def latest_values(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str], codes: list[str],
                  store: LatestStore | None = None) -> pd.DataFrame:
    """Long frame (territory, indicator, period, value, is_secret, is_provisional) at each indicator's
    latest period among `codes`; secret cells carry no value. With a `store` (the latest cells of
    every quartier, read once per workspace) the answer is the same, without reading the file."""
    if store is not None:
        frame, missing = store.select(indicator_ids, codes)
        if not missing:
            return frame
        extra = latest_values(cur, missing, codes)
        return pd.concat([frame, extra], ignore_index=True) if len(frame) else extra
    frame = cur.execute(_LATEST_SQL, [list(indicator_ids), list(codes)]).df()
    frame.loc[frame["is_secret"], "value"] = np.nan
    return frame


_STORE_SQL = """
WITH q AS (
    SELECT code, coalesce(vintage, 0) AS vintage FROM territory WHERE level = 'quartier'
), obs AS (
    SELECT o.territory, o.indicator, q.vintage, o.period, o.period_start, o.value, o.is_secret, o.is_provisional
    FROM observation o JOIN q ON q.code = o.territory
), latest AS (
    SELECT indicator, vintage, max(period_start) AS period_start FROM obs
    WHERE value IS NOT NULL OR is_secret GROUP BY indicator, vintage
)
SELECT obs.territory, obs.indicator, obs.vintage, obs.period, obs.period_start, obs.value, obs.is_secret,
       obs.is_provisional
FROM obs JOIN latest USING (indicator, vintage, period_start)
"""


@dataclass
class LatestStore:
    """Every quartier's cells at the latest period of each indicator in its geography vintage.

    For a set of quartiers, an indicator's latest period is the latest of its vintages' latest
    periods at which one of them has data; when one vintage of the set has no data at its own latest
    period, the store cannot tell and `select` leaves that indicator to an exact query.
    """
    frame: pd.DataFrame
    universe: pd.Index = field(init=False, repr=False)        # every quartier code of the store
    universe_list: list = field(init=False, repr=False)
    vintage_of: np.ndarray = field(init=False, repr=False)    # vintage by position in `universe`
    columns: dict = field(init=False, repr=False)             # indicator → {column: array}

    def __post_init__(self) -> None:
        first = self.frame.drop_duplicates("territory")
        self.universe = pd.Index(first["territory"])
        self.universe_list = list(first["territory"])
        self.vintage_of = first["vintage"].to_numpy()
        self.columns = {}
        for indicator, rows in self.frame.groupby("indicator", sort=False):
            self.columns[indicator] = {
                "position": self.universe.get_indexer(rows["territory"]),
                "territory": rows["territory"].to_numpy(object), "vintage": rows["vintage"].to_numpy(),
                "period": rows["period"].to_numpy(object), "start": rows["period_start"].to_numpy(),
                "value": rows["value"].to_numpy(float), "is_secret": rows["is_secret"].to_numpy(bool),
                "is_provisional": rows["is_provisional"].to_numpy(bool)}

    def select(self, indicator_ids: list[str], codes: list[str]) -> tuple[pd.DataFrame, list[str]]:
        codes = set(codes)           # (pandas 3 string indexes are slow at isin: plain Python sets)
        wanted = np.fromiter((c in codes for c in self.universe_list), dtype=bool, count=len(self.universe_list))
        vintages = set(np.unique(self.vintage_of[wanted]))
        parts, missing = [], []
        for indicator in dict.fromkeys(indicator_ids):
            col = self.columns.get(indicator)
            if col is None:
                missing.append(indicator)
                continue
            inside = wanted[col["position"]]
            known = inside & (~np.isnan(col["value"]) | col["is_secret"])
            if not known.any() or not set(np.unique(col["vintage"][known])) >= vintages:
                missing.append(indicator)
                continue
            keep = inside & (col["start"] == col["start"][known].max())
            parts.append({name: col[name][keep] for name in ("territory", "period", "value", "is_secret",
                                                             "is_provisional")} | {"indicator": indicator})
        if not parts:
            return pd.DataFrame(columns=LATEST_COLUMNS), missing
        frame = pd.DataFrame({
            "territory": pd.Series(np.concatenate([p["territory"] for p in parts]), dtype=object),
            "indicator": pd.Series(np.concatenate([np.full(len(p["territory"]), p["indicator"], dtype=object)
                                                   for p in parts]), dtype=object),
            "period": pd.Series(np.concatenate([p["period"] for p in parts]), dtype=object),
            "value": np.concatenate([p["value"] for p in parts]),
            "is_secret": np.concatenate([p["is_secret"] for p in parts]),
            "is_provisional": np.concatenate([p["is_provisional"] for p in parts])})
        return frame, missing


def load_latest_store(cur: duckdb.DuckDBPyConnection) -> LatestStore:
    frame = cur.execute(_STORE_SQL).df()
    frame.loc[frame["is_secret"], "value"] = np.nan
    return LatestStore(frame)


def _check_indicators(cur, indicator_ids: list[str], catalogue: list[Indicator] | None = None) -> list[Indicator]:
    catalogue = {i.id: i for i in (catalogue if catalogue is not None else load_indicators(cur))}
    unknown = [i for i in indicator_ids if i not in catalogue]
    if unknown:
        raise DQError(f"Indicateur inconnu : {', '.join(unknown)}.")
    return [catalogue[i] for i in dict.fromkeys(indicator_ids)]


# --- the table of all quartiers -------------------------------------------------------------------

@dataclass(frozen=True)
class Rank:
    value: float
    rank: int                      # 1 = highest value
    out_of: int                    # quartiers with a value
    lower_share: float             # % of the other quartiers with a lower value
    favourable_share: float | None  # % of the other quartiers in a less favourable situation

    def sentence(self, indicator: Indicator) -> str:
        text = (f"{ordinal(self.rank)} sur {fmt.number(self.out_of, 0)} quartiers, de la valeur la plus "
                f"élevée à la plus faible ; {fmt.number(self.lower_share, 0)} % des autres quartiers ont "
                "une valeur plus faible.")
        if self.favourable_share is not None:
            text += (f" Situation plus favorable que {fmt.number(self.favourable_share, 0)} % des "
                     "autres quartiers.")
        return text


@dataclass
class Comparison:
    indicators: list[Indicator]
    filters: Filters
    rows: pd.DataFrame                 # code, name, commune, epci, departement, region, vintage, then
    #                                    one float column per indicator id (NaN: secret or missing)
    secret: pd.DataFrame               # same rows, one bool column per indicator id
    periods: dict[str, str | None]
    selected: str | None
    ranks: dict[str, Rank | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)     # indicator id → its sources, one line

    @property
    def selected_in_view(self) -> bool:
        return self.selected is not None and self.selected in set(self.rows["code"])

    def no_rank_reason(self, indicator_id: str) -> str | None:
        """Why the selected quartier has no rank for this indicator, in French words (None: it has one)."""
        if self.ranks.get(indicator_id) is not None:
            return None
        if not self.selected_in_view:
            return "pas dans la sélection"
        secret = self.secret.loc[self.rows["code"] == self.selected, indicator_id].any()
        return "secret statistique" if secret else "pas de valeur à cette période"


def ordinal(n: int) -> str:
    return f"{n}er" if n == 1 else f"{n}e"


def rank_of(values: pd.Series, code: str, direction: str) -> Rank | None:
    """Rank and percentile of `code` among the values (index = codes, NaN excluded)."""
    return _rank(values.index.tolist(), values.to_numpy(float), code, direction)


def _rank(codes: list[str], values: np.ndarray, code: str, direction: str) -> Rank | None:
    try:
        at = codes.index(code)
    except ValueError:
        return None
    value = values[at]
    if np.isnan(value):
        return None
    known = values[~np.isnan(values)]
    higher = int((known > value).sum())
    lower = int((known < value).sum())
    n_others = len(known) - 1
    lower_share = 100.0 * lower / n_others if n_others else 0.0
    favourable = None
    if direction == "higher_worse" and n_others:
        favourable = 100.0 * higher / n_others
    elif direction == "higher_better" and n_others:
        favourable = lower_share
    return Rank(float(value), higher + 1, len(known), lower_share, favourable)


def build_comparison(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str], filters: Filters = Filters(),
                     selected: str | None = None, places: Places | None = None,
                     store: LatestStore | None = None, catalogue: list[Indicator] | None = None) -> Comparison:
    """The table of every quartier kept by the filters for the chosen indicators, and the selected
    quartier's rank. `places`, `store` and `catalogue` are what the app caches per workspace."""
    indicators = _check_indicators(cur, indicator_ids, catalogue)[:MAX_INDICATORS]
    places = places or quartier_places(cur)
    view = apply_filters(places, filters)
    values = latest_values(cur, [i.id for i in indicators], list(view["code"]), store) \
        if indicators and len(view) else pd.DataFrame(columns=LATEST_COLUMNS)
    comparison = assemble_comparison(indicators, filters, view, values, selected)
    comparison.sources = stored_sources(cur, indicators, comparison.periods)
    return comparison


def value_columns(values: pd.DataFrame, codes: list[str], indicator_ids: list[str]
                  ) -> dict[str, tuple[np.ndarray, np.ndarray, str | None]]:
    """{indicator: (values, secret flags, period)} aligned on `codes` (NaN / False where absent)."""
    position = {c: i for i, c in enumerate(codes)}
    out = {i: (np.full(len(codes), np.nan), np.zeros(len(codes), dtype=bool), None) for i in indicator_ids}
    if not len(values):
        return out
    for indicator, cells in values.groupby("indicator", sort=False):
        if indicator not in out:
            continue
        at = np.fromiter((position.get(t, -1) for t in cells["territory"].tolist()), dtype=int, count=len(cells))
        ok = at >= 0
        number, secret, _ = out[indicator]
        number[at[ok]] = cells["value"].to_numpy(float)[ok]
        secret[at[ok]] = cells["is_secret"].to_numpy(bool)[ok]
        out[indicator] = (number, secret, cells["period"].iloc[0])
    return out


def assemble_comparison(indicators: list[Indicator], filters: Filters, view: pd.DataFrame,
                        values: pd.DataFrame, selected: str | None) -> Comparison:
    rows = view[["code", "name", "commune", "epci", "departement", "region", "vintage"]].reset_index(drop=True)
    codes = rows["code"].tolist()
    columns = value_columns(values, codes, [i.id for i in indicators])
    secret_columns = {"code": codes}
    periods: dict[str, str | None] = {}
    ranks: dict[str, Rank | None] = {}
    notes: list[str] = []
    for ind in indicators:
        number, secret, period = columns[ind.id]
        rows[ind.id] = number
        secret_columns[ind.id] = secret
        periods[ind.id] = period
        if selected:
            ranks[ind.id] = _rank(codes, number, selected, ind.direction)
        if period is None:
            notes.append(f"« {ind.label} » : aucune donnée pour ces quartiers.")
        no_2024 = geography.no_2024_figures_note(ind.label, rows["vintage"].to_numpy(), number, secret)
        if no_2024:
            notes.append(no_2024)
    if selected and selected not in codes:
        notes.append("Le quartier choisi n'est pas dans la sélection (filtres) : il n'a pas de rang.")
    return Comparison(indicators, filters, rows, pd.DataFrame(secret_columns), periods, selected, ranks, notes)


def comparison_table(comparison: Comparison) -> pd.DataFrame:
    """The table shown on the page (and exported): one row per quartier, French headers, numbers as
    numbers, "s" for secret cells and None when there is no value."""
    rows = comparison.rows
    table = pd.DataFrame({"Quartier": rows["name"], "Code": rows["code"], "Commune": rows["commune"],
                          "EPCI": rows["epci"], "Département": rows["departement"]})
    for ind in comparison.indicators:
        column = indicator_header(ind, comparison.periods.get(ind.id))
        cells = rows[ind.id].astype(object).where(rows[ind.id].notna(), None)
        cells[comparison.secret[ind.id].to_numpy()] = fmt.SECRET_MARK
        table[column] = cells
    return table


def indicator_header(ind: Indicator, period: str | None) -> str:
    unit = "" if ind.unit in ("", "ratio") else f", {ind.unit}"
    return f"{ind.label} ({fmt.period(period) if period else 'pas de donnée'}{unit})"


# --- distribution ---------------------------------------------------------------------------------

@dataclass
class Distribution:
    indicator: Indicator
    period: str | None
    values: pd.DataFrame                       # code, name, commune, value (known values only)
    selected: dict | None                      # code, name, value (None: secret/missing), secret
    references: list[dict]                     # key, label, name, value
    stats: dict[str, float]
    secret_count: int
    missing_count: int

    @property
    def references_on_scale(self) -> bool:
        """A count of a commune or of France is not on the quartiers' scale: listed, not drawn."""
        return self.indicator.kind not in ADDITIVE_KINDS

    def summary(self) -> str:
        ind = self.indicator
        if not self.stats:
            return "Aucune valeur à comparer."
        s = self.stats
        unit = (ind.unit, ind.decimals)
        return (f"{fmt.number(s['n'], 0)} quartiers ({fmt.period(self.period)}) : médiane "
                f"{fmt.value(s['median'], *unit)}, la moitié des quartiers entre {fmt.value(s['q1'], *unit)} "
                f"et {fmt.value(s['q3'], *unit)}, de {fmt.value(s['min'], *unit)} à {fmt.value(s['max'], *unit)}.")


def build_distribution(cur: duckdb.DuckDBPyConnection, comparison: Comparison, indicator_id: str
                       ) -> Distribution:
    ind = next(i for i in comparison.indicators if i.id == indicator_id)
    rows = comparison.rows
    values = rows.loc[rows[ind.id].notna(), ["code", "name", "commune", ind.id]].rename(columns={ind.id: "value"})
    secret_count = int(comparison.secret[ind.id].sum())
    missing_count = int(len(rows) - len(values) - secret_count)
    stats: dict[str, float] = {}
    if len(values):
        v = values["value"].to_numpy()
        q1, median, q3 = np.percentile(v, [25, 50, 75])
        stats = {"n": len(v), "min": float(v.min()), "q1": float(q1), "median": float(median),
                 "q3": float(q3), "max": float(v.max())}
    selected = None
    references: list[dict] = []
    period = comparison.periods.get(ind.id)
    if comparison.selected:
        quartier = get_quartier(cur, comparison.selected)
        own = rows[rows["code"] == quartier.code]
        is_secret = bool(comparison.secret.loc[own.index, ind.id].any()) if len(own) else False
        value = float(own[ind.id].iloc[0]) if len(own) and pd.notna(own[ind.id].iloc[0]) else None
        selected = {"code": quartier.code, "name": quartier.name, "value": value, "secret": is_secret}
        if period:
            ref_codes = {key: t.code for key, t in quartier.references.items()}
            found = cur.execute(
                "SELECT territory, value, is_secret FROM observation WHERE indicator = ? AND period = ? "
                "AND territory IN (SELECT unnest(?::VARCHAR[]))",
                [ind.id, period, list(ref_codes.values())]).fetchall()
            by_code = {code: (value, secret) for code, value, secret in found}
            for key in REFERENCE_KEYS:
                code = ref_codes.get(key)
                if code in by_code and by_code[code][0] is not None and not by_code[code][1]:
                    references.append({"key": key, "label": REFERENCE_LABELS[key],
                                       "name": quartier.references[key].name, "value": float(by_code[code][0])})
    return Distribution(ind, period, values.reset_index(drop=True), selected, references, stats,
                        secret_count, missing_count)


# --- similar quartiers ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Feature:
    """One indicator compared for a neighbour: both values and the standardised gap."""
    indicator: Indicator
    own: float
    other: float
    gap: float                      # |z_own - z_other|, in standard deviations

    def text(self) -> str:
        unit = (self.indicator.unit, self.indicator.decimals)
        return (f"{self.indicator.label} : {fmt.value(self.other, *unit)} "
                f"contre {fmt.value(self.own, *unit)}")


@dataclass(frozen=True)
class Neighbour:
    code: str
    name: str
    commune: str
    distance: float                 # root mean square of the standardised gaps
    compared: int                   # indicators compared (both values known)
    features: tuple[Feature, ...]   # every indicator compared, in the order of the indicators

    @property
    def closest(self) -> tuple[Feature, ...]:
        """The three indicators on which the two quartiers are closest."""
        return tuple(sorted(self.features, key=lambda f: f.gap)[:3])

    @property
    def differences(self) -> tuple[Feature, ...]:
        """Up to two indicators where they differ most (by half a standard deviation or more)."""
        closest = self.closest
        far = sorted(self.features, key=lambda f: f.gap, reverse=True)[:2]
        return tuple(f for f in far if f.gap >= 0.5 and f not in closest)


@dataclass
class Similarity:
    quartier: str
    indicators: list[Indicator]     # indicators used (with a spread among the quartiers)
    neighbours: list[Neighbour]
    candidates: int                 # quartiers compared
    excluded: int                   # quartiers left out: too few indicators in common
    notes: list[str] = field(default_factory=list)


def default_similarity_indicators(indicators: list[Indicator]) -> list[str]:
    """The catalogue's key indicators, annual ones (monthly figures are seasonal)."""
    return [i.id for i in indicators if i.is_key and i.periodicity == "annual"]


def similar_quartiers(cur: duckdb.DuckDBPyConnection, code: str, indicator_ids: list[str] | None = None,
                      k: int = DEFAULT_NEIGHBOURS, filters: Filters = Filters(), *,
                      include_self: bool = False, places: Places | None = None,
                      store: LatestStore | None = None, catalogue: list[Indicator] | None = None) -> Similarity:
    """The k quartiers most like `code` on the chosen indicators (default: the key indicators).

    Each indicator is standardised over the quartiers compared (counts on a log scale, so that size
    does not dominate); the distance is the root mean square of the gaps over the indicators both
    quartiers have. A quartier sharing fewer than half of the selected quartier's indicators (and
    fewer than two) is left out. The selected quartier is always compared, filters or not.
    """
    catalogue = catalogue if catalogue is not None else load_indicators(cur)
    ids = indicator_ids if indicator_ids is not None else default_similarity_indicators(catalogue)
    indicators = _check_indicators(cur, ids, catalogue)[:MAX_SIMILARITY_INDICATORS]
    places = places or quartier_places(cur)
    code = (code or "").strip().upper()
    if code not in places.levels or places.levels[code] != "quartier":
        code = get_quartier(cur, code).code                  # a French error for an unknown code
    view = apply_filters(places, filters)
    if code not in set(view["code"]):
        view = pd.concat([view, places.frame[places.frame["code"] == code]])
    codes = view["code"].tolist()
    values = latest_values(cur, [i.id for i in indicators], codes, store) if indicators else \
        pd.DataFrame(columns=LATEST_COLUMNS)
    columns = value_columns(values, codes, [i.id for i in indicators])
    matrix = pd.DataFrame({i.id: columns[i.id][0] for i in indicators}, index=pd.Index(codes, dtype=object))
    labels = pd.DataFrame({"name": view["name"].tolist(), "commune": view["commune"].tolist()},
                          index=pd.Index(codes, dtype=object))
    return nearest(code, matrix, indicators, labels, k, include_self=include_self)


def nearest(code: str, matrix: pd.DataFrame, indicators: list[Indicator], labels: pd.DataFrame, k: int,
            *, include_self: bool = False) -> Similarity:
    """Pure part of `similar_quartiers`: `matrix` has one row per quartier (index = codes) and one
    column per indicator id, NaN where unknown or secret."""
    notes: list[str] = []
    data = matrix.astype(float).copy()
    for ind in indicators:
        if ind.kind == "count":
            data[ind.id] = np.log1p(data[ind.id].clip(lower=0))
    own = data.loc[code]
    used = [i for i in indicators if pd.notna(own[i.id])]
    for ind in indicators:
        if ind not in used:
            notes.append(f"« {ind.label} » non utilisé : pas de valeur pour ce quartier.")
    spread = data[[i.id for i in used]].std(ddof=0)
    flat = [i for i in used if not spread[i.id] > 0]
    for ind in flat:
        notes.append(f"« {ind.label} » non utilisé : même valeur pour tous les quartiers comparés.")
    used = [i for i in used if i not in flat]
    if not used:
        return Similarity(code, [], [], len(data) - 1, 0, notes + ["Aucun indicateur utilisable pour "
                                                                   "rapprocher ce quartier des autres."])
    ids = [i.id for i in used]
    z = (data[ids] - data[ids].mean()) / data[ids].std(ddof=0)
    gaps = (z - z.loc[code]).abs()
    compared = gaps.notna().sum(axis=1)
    needed = max(min(2, len(ids)), math.ceil(len(ids) / 2))
    distance = np.sqrt((gaps ** 2).sum(axis=1, min_count=1) / compared.replace(0, np.nan))
    eligible = (compared >= needed) & distance.notna()
    if not include_self:
        eligible &= distance.index != code
    excluded = int((~eligible).sum()) - (0 if include_self else 1)
    order = distance[eligible].sort_values(kind="stable")
    neighbours = []
    raw = matrix.astype(float)
    for other in order.index[:k]:
        features = [Feature(ind, float(raw.at[code, ind.id]), float(raw.at[other, ind.id]),
                            float(gaps.at[other, ind.id]))
                    for ind in used if pd.notna(gaps.at[other, ind.id])]
        neighbours.append(Neighbour(other, str(labels.at[other, "name"]), str(labels.at[other, "commune"]),
                                    float(order[other]), int(compared[other]), tuple(features)))
    return Similarity(code, used, neighbours, len(data) - 1, max(excluded, 0), notes)


def similarity_table(similarity: Similarity) -> pd.DataFrame:
    """The similar quartiers as shown (and exported): one row per neighbour with its distance, what
    is close, what differs, and its values of the indicators used."""
    rows = []
    for n in similarity.neighbours:
        row = {"Quartier": n.name, "Code": n.code, "Commune": n.commune,
               "Écart moyen (écarts-types)": round(n.distance, 2),
               "Proche sur": " ; ".join(f.text() for f in n.closest),
               "Diffère surtout sur": " ; ".join(f.text() for f in n.differences) or "rien de marquant"}
        for f in n.features:
            row[f.indicator.label] = f.other
        rows.append(row)
    return pd.DataFrame(rows)
