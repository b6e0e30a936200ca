"""The SQL shared by every energy computation: monthly series per dwelling, climate fit and correction,
robust alert scores — one set of set-based queries over all residences and quartiers at once.

A query is built from a `months` CTE (one row per series and month: scope, key, energy, zone, month, kWh
per dwelling, completeness) followed by the climate and alert steps; callers pick the final SELECT. Named
parameters (`$name`) keep user input out of the SQL text.
"""

from __future__ import annotations

from dq_core.energy import settings

# Region of every quartier and commune (the climate zone): follow territory_link upwards until a region.
ZONES = """
zone_walk(quartier, code, depth) AS (
    SELECT code, code, 0 FROM territory WHERE level IN ('quartier', 'commune')
    UNION
    SELECT w.quartier, l.parent, w.depth + 1 FROM zone_walk w JOIN territory_link l ON l.child = w.code
    WHERE w.depth < 8),
zones AS (
    SELECT w.quartier, min(t.code) AS region, min(t.name) AS region_name
    FROM zone_walk w JOIN territory t ON t.code = w.code AND t.level = 'region'
    GROUP BY w.quartier)"""

# Residences of the scope, with their quartier's region. `{res_filter}` is a WHERE clause on `residence r`.
RESIDENCE_MONTHS = """
res AS (
    SELECT r.id, r.quartier, r.dwellings, z.region AS zone
    FROM residence r LEFT JOIN zones z ON z.quartier = r.quartier
    WHERE r.dwellings > 0 AND {res_filter}),
res_use AS (
    SELECT e.residence, e.energy, date_trunc('month', e.period_start)::DATE AS month,
           sum(e.kwh) AS kwh, bool_or(e.is_estimated) AS estimated,
           bool_and(length(e.period) = 7) OR count(DISTINCT e.period_start) = day(last_day(min(e.period_start)))
               AS complete
    FROM energy_use e
    WHERE e.kwh IS NOT NULL AND e.residence IN (SELECT id FROM res)
    GROUP BY ALL)"""

# One row per series and month: residences one by one, and the residences merged by secrecy (`autres`,
# keyed by quartier). The caller registers `merged_residences(id)`: the merged residences' ids.
RESIDENCE_SERIES = """
res_series AS (
    SELECT 'residence' AS scope, u.residence AS key, u.energy, r.zone, u.month,
           u.kwh / r.dwellings AS y, u.kwh, r.dwellings::DOUBLE AS units, u.estimated, u.complete,
           false AS is_secret
    FROM res_use u JOIN res r ON r.id = u.residence
    WHERE u.residence NOT IN (SELECT id FROM merged_residences)
    UNION ALL
    SELECT 'autres', r.quartier, u.energy, min(r.zone), u.month, sum(u.kwh) / sum(r.dwellings), sum(u.kwh),
           sum(r.dwellings), bool_or(u.estimated), bool_and(u.complete), false
    FROM res_use u JOIN res r ON r.id = u.residence
    WHERE u.residence IN (SELECT id FROM merged_residences)
    GROUP BY r.quartier, u.energy, u.month)"""

# Territories' monthly consumption (observation: MWh of the month / delivery points). `{terr_filter}` is a
# WHERE clause on `observation o`; a secret cell keeps its row (shown « s ») without a value.
TERRITORY_SERIES = """
terr_series AS (
    SELECT CASE WHEN t.level = 'quartier' THEN 'quartier' ELSE 'reference' END AS scope, o.territory AS key,
           CASE o.indicator WHEN 'conso_elec_mensuelle' THEN 'electricite' ELSE 'gaz' END AS energy,
           z.region AS zone, o.period_start AS month,
           CASE WHEN NOT o.is_secret AND o.denominator > 0 THEN 1000 * o.value / o.denominator END AS y,
           1000 * o.value AS kwh, o.denominator AS units, o.is_estimated OR o.is_provisional AS estimated,
           true AS complete, o.is_secret
    FROM observation o JOIN territory t ON t.code = o.territory
    LEFT JOIN zones z ON z.quartier = o.territory
    WHERE o.indicator IN ('conso_elec_mensuelle', 'conso_gaz_mensuelle') AND length(o.period) = 7
      AND {terr_filter})"""

# Degree days of complete months, and the reference DJU of each zone and calendar month: one chosen year
# (`$ref_year`) or the average over the years held.
CLIMATE = """
dd AS (
    SELECT zone, month, dju, day(last_day(month)) AS days
    FROM degree_days
    WHERE dju IS NOT NULL AND (days_observed IS NULL OR days_in_month IS NULL OR days_observed >= days_in_month)),
dd_ref AS (
    SELECT zone, month(month) AS calendar_month, avg(dju) AS dju_ref
    FROM dd WHERE $ref_year IS NULL OR year(month) = $ref_year
    GROUP BY ALL),
joined AS (
    SELECT m.*, dd.dju, coalesce(dd.days, day(last_day(m.month))) AS days, r.dju_ref
    FROM months m
    LEFT JOIN dd ON dd.zone = m.zone AND dd.month = m.month
    LEFT JOIN dd_ref r ON r.zone = m.zone AND r.calendar_month = month(m.month)),
fit AS (
    SELECT scope, key, energy,
           regr_slope(y / days, dju / days) AS slope, regr_intercept(y / days, dju / days) AS intercept,
           regr_r2(y / days, dju / days) AS r2, regr_count(y / days, dju / days) AS months_used,
           min(month) FILTER (WHERE dju IS NOT NULL AND y IS NOT NULL) AS first_month,
           max(month) FILTER (WHERE dju IS NOT NULL AND y IS NOT NULL) AS last_month
    FROM joined WHERE complete
    GROUP BY ALL),
thermo AS (
    SELECT *, CASE WHEN months_used >= {min_months} AND r2 >= {min_r2} AND slope > 0 THEN slope ELSE 0 END AS k
    FROM fit),
corrected AS (
    SELECT j.*, t.k, t.slope, t.intercept, t.r2, t.months_used,
           CASE WHEN NOT j.complete THEN NULL
                WHEN coalesce(t.k, 0) = 0 THEN j.y
                ELSE j.y + t.k * (j.dju_ref - j.dju) END AS y_corr
    FROM joined j LEFT JOIN thermo t USING (scope, key, energy))"""

# The robust rule of alerts.RULE_TEXT: the corrected month against the median of the same calendar month
# of the previous years, on a log scale, scored by the median and MAD of the series' own log changes.
SCORES = """
baseline AS (
    SELECT *,
           median(y_corr) OVER same_month AS expected,
           count(y_corr) OVER same_month AS baseline_years,
           max(y) OVER last_year AS y_last_year,
           max(month) OVER series AS series_last_month
    FROM corrected
    WINDOW same_month AS (PARTITION BY scope, key, energy, month(month) ORDER BY year(month)
                          RANGE BETWEEN {years} PRECEDING AND 1 PRECEDING),
           last_year AS (PARTITION BY scope, key, energy, month(month) ORDER BY year(month)
                         RANGE BETWEEN 1 PRECEDING AND 1 PRECEDING),
           series AS (PARTITION BY scope, key, energy)),
logs AS (
    SELECT *, CASE WHEN baseline_years >= {min_baseline} AND y_corr > 0 AND expected > 0
                   THEN ln(y_corr / expected) END AS d
    FROM baseline),
centred AS (
    SELECT *, median(d) OVER (PARTITION BY scope, key, energy) AS d_median FROM logs),
scored AS (
    SELECT *, (d - d_median) / greatest(1.4826 * median(abs(d - d_median)) OVER (PARTITION BY scope, key, energy),
                                        {min_scale}) AS z,
           y_corr / expected - 1 AS change
    FROM centred)"""


def query(months: list[str], final: str, *, residences: bool = True, territories: bool = True,
          extra: tuple[str, ...] = ()) -> str:
    """WITH RECURSIVE zones, the given series CTEs, `months` (their union), the climate and score steps,
    then `final` (a SELECT over any of them)."""
    parts = [ZONES, *months]
    sources = ([["SELECT * FROM res_series"]] if residences else []) + (
        [["SELECT * FROM terr_series"]] if territories else [])
    union = " UNION ALL ".join(s[0] for s in sources)
    parts.append(f"months AS ({union})")
    parts.append(CLIMATE.format(min_months=settings.FIT_MIN_MONTHS, min_r2=settings.FIT_MIN_R2))
    parts.append(SCORES.format(years=settings.ALERT_BASELINE_YEARS, min_baseline=settings.ALERT_MIN_BASELINE,
                               min_scale=settings.ALERT_MIN_SCALE))
    parts += list(extra)
    return "WITH RECURSIVE " + ",\n".join(p.strip() for p in parts) + "\n" + final


def residence_ctes(res_filter: str) -> list[str]:
    return [RESIDENCE_MONTHS.format(res_filter=res_filter), RESIDENCE_SERIES]


def territory_cte(terr_filter: str) -> str:
    return TERRITORY_SERIES.format(terr_filter=terr_filter)


# Per series: kWh per dwelling of the last 12 months (measured and corrected) and of the 12 before, for
# bills, the scenario and the targeting list.
YEARLY = """
yearly AS (
    SELECT scope, key, energy, max(month) FILTER (WHERE y IS NOT NULL) AS last_month, last(units ORDER BY month) AS units
    FROM scored GROUP BY ALL),
yearly_sums AS (
    SELECT s.scope, s.key, s.energy, y.last_month, y.units,
           sum(s.y) FILTER (WHERE s.month > y.last_month - INTERVAL 12 MONTH AND s.complete) AS kwh_12,
           count(s.y) FILTER (WHERE s.month > y.last_month - INTERVAL 12 MONTH AND s.complete) AS months_12,
           sum(s.y_corr) FILTER (WHERE s.month > y.last_month - INTERVAL 12 MONTH) AS corr_12,
           count(s.y_corr) FILTER (WHERE s.month > y.last_month - INTERVAL 12 MONTH) AS corr_months_12,
           sum(s.y_corr) FILTER (WHERE s.month <= y.last_month - INTERVAL 12 MONTH
                                   AND s.month > y.last_month - INTERVAL 24 MONTH) AS corr_prev,
           count(s.y_corr) FILTER (WHERE s.month <= y.last_month - INTERVAL 12 MONTH
                                     AND s.month > y.last_month - INTERVAL 24 MONTH) AS corr_months_prev
    FROM scored s JOIN yearly y USING (scope, key, energy)
    GROUP BY ALL)"""
