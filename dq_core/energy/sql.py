"""The SQL of the energy computations: a few set-based queries that return numbers only (a series code,
a month column, kWh per dwelling), for every residence and territory of a scope at once; `energy.engine`
writes them straight into (series × month) arrays. Strings (ids, names) stay in small side tables.

Named parameters (`$name`) keep user input out of the SQL text; the filters are our own constants.
"""

from __future__ import annotations

ORIGIN = "DATE '2000-01-01'"            # month columns are counted from here, then shifted
ENERGY_CODE = "CASE {col} WHEN 'electricite' THEN 0 WHEN 'gaz' THEN 1 ELSE 2 END"
_COL = f"datediff('month', {ORIGIN}, {{month}})::INTEGER"

# Region of every quartier and commune (the climate zone): follow territory_link upwards until a region.
ZONES = """
WITH RECURSIVE zone_walk(code_from, code, depth) AS (
    SELECT code, code, 0 FROM territory WHERE level IN ('quartier', 'commune')
    UNION
    SELECT w.code_from, l.parent, w.depth + 1 FROM zone_walk w JOIN territory_link l ON l.child = w.code
    WHERE w.depth < 8)
SELECT w.code_from, min(t.code) FROM zone_walk w JOIN territory t ON t.code = w.code AND t.level = 'region'
GROUP BY w.code_from"""

RESIDENCE_SPAN = f"""
SELECT {_COL.format(month='min(e.period_start)')}, {_COL.format(month='max(e.period_start)')}
FROM energy_use e WHERE {{use_filter}}"""

# Residences shown one by one, monthly rows: one row per residence, energy and month (the imports replace a
# month rather than add to it). Registered table
# `energy_ids(id, energy, rid, dwellings, grouped)`, one row per residence and energy code; `{use_filter}`
# is a WHERE clause on energy_use (a constant list of ids for one quartier: DuckDB skips other row groups).
# Two narrow columns only (fetching is the cost at 12 M rows): the cell (series code × $months + month
# column − $first, plus one, negative when estimated) and kWh per dwelling as FLOAT.
RESIDENCE_MONTHS = f"""
SELECT (((i.rid * 3 + i.energy) * $months
         + {_COL.format(month='e.period_start')} - $first + 1)
        * CASE WHEN e.is_estimated THEN -1 ELSE 1 END)::INTEGER AS cell,
       (e.kwh / i.dwellings)::FLOAT AS y
FROM energy_use e JOIN energy_ids i ON i.id = e.residence AND i.energy = {ENERGY_CODE.format(col='e.energy')}
WHERE NOT i.grouped AND length(e.period) = 7 AND e.kwh IS NOT NULL AND {{use_filter}}"""

# The rest, summed per series and month: daily rows (complete when every day of each residence is there)
# and the residences merged by secrecy into one « Autres résidences » series per quartier.
RESIDENCE_SUMS = f"""
WITH parts AS (
    SELECT i.rid, i.dwellings, e.residence, i.energy,
           date_trunc('month', e.period_start)::DATE AS month, sum(e.kwh) AS kwh, bool_or(e.is_estimated) AS estimated,
           bool_and(length(e.period) = 7) OR count(*) >= day(last_day(min(e.period_start))) AS complete
    FROM energy_use e JOIN energy_ids i ON i.id = e.residence AND i.energy = {ENERGY_CODE.format(col='e.energy')}
    WHERE (i.grouped OR length(e.period) = 10) AND e.kwh IS NOT NULL AND {{use_filter}}
    GROUP BY ALL)
SELECT (rid * 3 + energy)::INTEGER AS code, {_COL.format(month='month')} AS col, sum(kwh) / sum(dwellings) AS y,
       bool_or(estimated) AS estimated, bool_and(complete) AS complete
FROM parts GROUP BY rid, energy, month"""

# Territories' monthly consumption (observation: MWh of the month, delivery points), by the registered
# table `energy_territories(code, tid)`. A secret cell keeps its row, without a value.
TERRITORY_MONTHS = f"""
SELECT (t.tid * 3 + CASE o.indicator WHEN 'conso_elec_mensuelle' THEN 0 ELSE 1 END)::INTEGER AS code,
       {_COL.format(month='o.period_start')} AS col,
       CASE WHEN NOT o.is_secret AND o.denominator > 0 THEN 1000 * o.value / o.denominator END AS y,
       o.denominator AS units, o.is_estimated OR o.is_provisional AS estimated, o.is_secret
FROM observation o JOIN energy_territories t ON t.code = o.territory
WHERE o.indicator IN ('conso_elec_mensuelle', 'conso_gaz_mensuelle') AND length(o.period) = 7 AND {{terr_filter}}"""

# Degree days of complete months, per zone.
DEGREE_DAYS = f"""
SELECT zone, {_COL.format(month='month')} AS col, year(month) AS year, month(month) AS calendar_month, dju
FROM degree_days
WHERE dju IS NOT NULL AND (days_observed IS NULL OR days_in_month IS NULL OR days_observed >= days_in_month)"""
