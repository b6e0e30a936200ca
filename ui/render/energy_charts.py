"""Altair charts of the page « Énergie »: consumption per dwelling over time (measured and climate-corrected)
and the degree days behind the correction, in French, colour-blind safe."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd

from dq_core import fmt
from ui.render.charts import COLOURS, _french

MEASURES = {"corrected": "corrigée du climat", "raw": "mesurée"}
MEASURE_DASHES = {"corrigée du climat": [1, 0], "mesurée": [5, 3]}


def consumption_frame(frame: pd.DataFrame, series: Sequence[str], measures: Sequence[str],
                      since: date | None) -> pd.DataFrame:
    """The rows drawn: chosen series and measures, from `since`, one row per series, measure and month."""
    chosen = frame[frame["series"].isin(series) & ~frame["is_secret"]]
    if since is not None:
        chosen = chosen[chosen["month"] >= since]
    parts = []
    for measure in measures:
        part = chosen[["series", "kind", "month", "period", measure, "is_estimated"]].rename(columns={measure: "kwh"})
        part = part[part["kwh"].notna()].assign(measure=MEASURES[measure])
        parts.append(part)
    drawn = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["series", "kind", "month", "period", "kwh", "is_estimated", "measure"])
    drawn["date"] = pd.to_datetime(drawn["month"])
    drawn["period_label"] = [fmt.period(p) for p in drawn["period"]]
    drawn["shown"] = [f"{fmt.number(v, 0)} kWh" for v in drawn["kwh"]]
    drawn["who"] = [f"{s} ({m})" if len(measures) > 1 else s for s, m in zip(drawn["series"], drawn["measure"],
                                                                          strict=True)]
    return drawn


def consumption_chart(drawn: pd.DataFrame, series: Sequence[str], energy_label: str, height: int = 340):
    """One line per series (colour) and measure (solid: corrected, dashed: measured)."""
    labels = [s for s in series if s in set(drawn["series"])]
    colour = alt.Color("series:N", title=None, sort=labels,
                       scale=alt.Scale(domain=labels, range=(COLOURS * 3)[:len(labels)]),
                       legend=alt.Legend(orient="bottom", columns=3, symbolType="stroke", labelLimit=260))
    measures = [m for m in MEASURE_DASHES if m in set(drawn["measure"])]
    dash = alt.StrokeDash("measure:N", title=None, scale=alt.Scale(domain=measures,
                                                                   range=[MEASURE_DASHES[m] for m in measures]),
                          legend=alt.Legend(orient="bottom", symbolType="stroke") if len(measures) > 1 else None)
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="year"))
    y = alt.Y("kwh:Q", title="kWh par logement et par mois", scale=alt.Scale(zero=True),
              axis=alt.Axis(format=",.0f"))
    tooltip = [alt.Tooltip("series:N", title="Série"), alt.Tooltip("measure:N", title="Consommation"),
               alt.Tooltip("period_label:N", title="Mois"), alt.Tooltip("shown:N", title="Par logement")]
    base = alt.Chart(drawn)
    lines = base.mark_line(strokeWidth=2).encode(
        x=x, y=y, color=colour, strokeDash=dash, detail="who:N")
    hover = base.mark_point(size=40, opacity=0, filled=True).encode(x=x, y=y, color=alt.Color(
        "series:N", scale=alt.Scale(domain=labels, range=(COLOURS * 3)[:len(labels)]), legend=None), tooltip=tooltip)
    chart = alt.layer(lines, hover).properties(height=height)
    return _french(chart, f"Consommation d'{energy_label} par logement et par mois")


def degree_days_chart(frame: pd.DataFrame, since: date | None, height: int = 160):
    """The degree days of each month (bars) and those of the reference year (a line)."""
    q = frame[frame["kind"] == "quartier"].drop_duplicates("month")
    if since is not None:
        q = q[q["month"] >= since]
    q = q[q["dju"].notna()]
    data = pd.DataFrame({"date": pd.to_datetime(q["month"]), "dju": q["dju"], "reference": q["dju_reference"],
                         "period_label": [fmt.period(p) for p in q["period"]]})
    data["shown"] = [fmt.number(v, 0) for v in data["dju"]]
    data["shown_ref"] = [fmt.number(v, 0) for v in data["reference"]]
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="year"))
    tooltip = [alt.Tooltip("period_label:N", title="Mois"), alt.Tooltip("shown:N", title="Degrés-jours du mois"),
               alt.Tooltip("shown_ref:N", title="Année de référence")]
    bars = alt.Chart(data).mark_bar(color="#9ab8d3").encode(
        x=x, y=alt.Y("dju:Q", title="degrés-jours (DJU)", axis=alt.Axis(format=",.0f")), tooltip=tooltip)
    line = alt.Chart(data).mark_line(color="#D55E00", strokeWidth=1.5, interpolate="step-after").encode(
        x=x, y="reference:Q", tooltip=tooltip)
    return _french(alt.layer(bars, line).properties(height=height), "Degrés-jours unifiés, base 18 °C, par mois")
