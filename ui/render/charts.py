"""Altair (Vega-Lite) charts of the Évolution and Comparer pages, in French, colour-blind safe.

The data drawn comes from dq_core already shaped (segments, indices, labels); these functions only
map it to marks. Lines are drawn per segment (`detail`), so a missing period or a break in series
leaves a visible gap instead of a silent interpolation.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dq_core import fmt
from dq_core.explore.compare import Distribution
from dq_core.explore.evolution import Evolution

# Okabe–Ito (without its yellow, unreadable on white), then Paul Tol's muted colours.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255",
           "#117733", "#332288", "#AA4499", "#999933"]
ROLE_LABELS = {"quartier": "quartier", "reference": "territoire de référence", "groupe": "groupe de quartiers"}
ROLE_DASHES = {"quartier": [1, 0], "reference": [6, 3], "groupe": [2, 2]}
STATUS_SHAPES = {"définitive": "circle", "provisoire": "diamond", "rupture de série": "triangle-up"}

FRENCH_LOCALE = {
    "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"]},
    "time": {
        "dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["", ""],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": fmt.MONTHS,
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                        "nov.", "déc."],
    },
}


def _french(chart, description: str):
    """French numbers and dates; SVG rendering (readable by tests); one French description read aloud.

    Vega's own descriptions of axes, legends and marks are English ("X-axis for a time scale…"): off.
    """
    return chart.properties(usermeta={"embedOptions": {"renderer": "svg"}}, description=description).configure(
        locale=FRENCH_LOCALE, aria=False).configure_legend(labelLimit=320, titleLimit=320)


def evolution_chart(evo: Evolution, indicator_id: str, height: int = 320):
    ind = evo.indicator(indicator_id)
    series = evo.series(indicator_id)
    drawn = series[series["plot_value"].notna()].copy()
    drawn["date"] = pd.to_datetime(drawn["period_start"])
    drawn["role_label"] = drawn["role"].map(ROLE_LABELS)
    labels = [t.label for t in evo.territories]
    colour = alt.Color("label:N", title="Territoire", sort=labels,
                       scale=alt.Scale(domain=labels, range=(COLOURS * 2)[:len(labels)]),
                       legend=alt.Legend(orient="bottom", columns=2, symbolType="stroke",
                                         values=[t for t in labels if t in set(drawn["label"])]))
    roles = [r for r in ROLE_LABELS if r in set(drawn["role"])]
    dash = alt.StrokeDash("role_label:N", title="Type",
                          scale=alt.Scale(domain=[ROLE_LABELS[r] for r in roles],
                                          range=[ROLE_DASHES[r] for r in roles]),
                          legend=None)
    monthly = ind.periodicity == "monthly" or any(len(p) == 7 for p in drawn["period"])
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y" if monthly else "%Y", labelAngle=0,
                                                   tickCount="month" if monthly and len(drawn) < 30 else "year"))
    if evo.base100 and evo.bases.get(ind.id):
        y_title = f"indice, base 100 en {fmt.period(evo.bases[ind.id])}"
    else:
        y_title = ind.unit if ind.unit not in ("", "ratio") else "valeur"
    y = alt.Y("plot_value:Q", title=y_title, scale=alt.Scale(zero=False),
              axis=alt.Axis(format=f",.{0 if ind.decimals == 0 and not evo.base100 else 1}f"))
    tooltip = [alt.Tooltip("label:N", title="Territoire"), alt.Tooltip("period_label:N", title="Période"),
               alt.Tooltip("shown:N", title="Valeur"), alt.Tooltip("status_label:N", title="Statut")]
    base = alt.Chart(drawn)
    lines = base.mark_line(strokeWidth=2.2).encode(x=x, y=y, color=colour, strokeDash=dash, detail="segment:N")
    statuses = [s for s in STATUS_SHAPES if s in set(drawn["status_label"])]
    points = base.mark_point(filled=True, size=55, opacity=1).encode(
        x=x, y=y, color=alt.Color("label:N", scale=alt.Scale(domain=labels, range=(COLOURS * 2)[:len(labels)]),
                                  legend=None),
        shape=alt.Shape("status_label:N", title="Valeur", scale=alt.Scale(
            domain=statuses, range=[STATUS_SHAPES[s] for s in statuses]), legend=None),
        tooltip=tooltip)
    layers = [lines, points]
    breaks = series[series["is_break"]].drop_duplicates("period")
    if len(breaks):
        rules = pd.DataFrame({"date": pd.to_datetime(breaks["period_start"]), "texte": "rupture de série",
                              "period_label": breaks["period_label"]})
        rule = alt.Chart(rules).mark_rule(color="#555", strokeDash=[3, 3]).encode(
            x="date:T", tooltip=[alt.Tooltip("texte:N", title="Attention"),
                                 alt.Tooltip("period_label:N", title="À partir de")])
        text = alt.Chart(rules).mark_text(align="left", dx=3, dy=-4, fontSize=11, color="#555").encode(
            x="date:T", y=alt.value(0), text="texte:N")
        layers += [rule, text]
    chart = alt.layer(*layers).properties(height=height)
    return _french(chart, f"Évolution : {ind.label}, par territoire")


def evolution_key(evo: Evolution, indicator_id: str) -> str:
    """The reading key under a chart (line styles and point shapes actually drawn), as plain text."""
    series = evo.series(indicator_id)
    drawn = series[series["plot_value"].notna()]
    parts = []
    roles = set(drawn["role"])
    if len(roles) > 1 or roles - {"quartier"}:
        parts.append(" ; ".join(text for role, text in (("quartier", "trait plein : quartier"),
                                                         ("reference", "tirets : territoire de référence"),
                                                         ("groupe", "pointillés : groupe de quartiers"))
                                if role in roles))
    statuses = set(drawn["status_label"])
    symbols = [text for status, text in (("provisoire", "◆ valeur provisoire"),
                                          ("rupture de série", "▲ rupture de série (non comparable avec "
                                                               "la période précédente : la ligne s'interrompt)"))
               if status in statuses or (status == "rupture de série" and series["is_break"].any())]
    if symbols:
        parts.append("● valeur définitive ; " + " ; ".join(symbols))
    return ". ".join(p[0].upper() + p[1:] for p in parts) + ("." if parts else "")


def distribution_chart(dist: Distribution, height: int = 170):
    """Every quartier as a tick, a box for the middle half, the chosen quartier and the references."""
    ind = dist.indicator
    values = dist.values.assign(shown=[fmt.value(v, ind.unit, ind.decimals) for v in dist.values["value"]])
    x = alt.X("value:Q", title=ind.unit if ind.unit not in ("", "ratio") else "valeur",
              scale=alt.Scale(zero=False), axis=alt.Axis(format=f",.{min(ind.decimals, 2)}f"))
    ticks = alt.Chart(values).mark_tick(color="#7a8a99", thickness=1.5, size=26, opacity=0.8).encode(
        x=x, tooltip=[alt.Tooltip("name:N", title="Quartier"), alt.Tooltip("commune:N", title="Commune"),
                      alt.Tooltip("shown:N", title="Valeur")])
    box = alt.Chart(values).mark_boxplot(extent="min-max", size=18, color="#c9d6e3", opacity=0.6,
                                         median={"color": "#1f2933"}).encode(x=x)
    layers = [box, ticks]
    marks = []
    if dist.selected and dist.selected["value"] is not None:
        marks.append({"value": dist.selected["value"], "who": dist.selected["name"], "kind": "Quartier choisi"})
    for ref in dist.references if dist.references_on_scale else []:
        marks.append({"value": ref["value"], "who": f"{ref['label']} : {ref['name']}", "kind": "Référence"})
    if marks:
        frame = pd.DataFrame(marks)
        frame["shown"] = [fmt.value(v, ind.unit, ind.decimals) for v in frame["value"]]
        colour = alt.Color("kind:N", title=None, scale=alt.Scale(domain=["Quartier choisi", "Référence"],
                                                                 range=["#D55E00", "#0072B2"]),
                           legend=alt.Legend(orient="bottom"))
        tooltip = [alt.Tooltip("who:N", title="Territoire"), alt.Tooltip("shown:N", title="Valeur")]
        layers.append(alt.Chart(frame).mark_rule(strokeWidth=3).encode(
            x="value:Q", color=colour, strokeDash=alt.condition("datum.kind == 'Référence'", alt.value([5, 3]),
                                                                alt.value([1, 0])), tooltip=tooltip))
    chart = alt.layer(*layers).properties(height=height)
    return _french(chart, f"Répartition des quartiers : {ind.label}")
