"""HTML of the fiche's domain tables (no Streamlit here: the page only displays the string).

Every text that comes from the database goes through `escape`: labels imported from partners' files
are data, never markup.
"""

from __future__ import annotations

import base64
from html import escape

from dq_core import flags, fmt
from dq_core.explore.fiche import Fiche, IndicatorLine, Point
from dq_core.store.glossary import GLOSSARY
from dq_core.store.territories import REFERENCE_KEYS

# Colour-blind safe pair (blue / orange), always doubled by an arrow and a word.
STYLE = """
<style>
table.dq-fiche {border-collapse: collapse; width: 100%; min-width: 54rem; table-layout: auto;
  font-size: 0.82rem; margin-bottom: 0.5rem}
table.dq-fiche th {text-align: right; font-weight: 600; border-bottom: 2px solid #999;
  padding: 4px 6px; vertical-align: bottom}
table.dq-fiche th.left, table.dq-fiche td.left {text-align: left}
table.dq-fiche td {text-align: right; padding: 4px 6px; border-bottom: 1px solid #ddd;
  vertical-align: middle}
table.dq-fiche td.label {white-space: normal; min-width: 13rem; max-width: 22rem}
table.dq-fiche td.assess {white-space: normal; min-width: 7.5rem}
.dq-scroll {overflow-x: auto}
table.dq-fiche td.value {font-weight: 700; font-size: 0.95rem}
table.dq-fiche .period {display: block; font-size: 0.72rem; color: #666; font-weight: 400}
table.dq-fiche .better {color: #1a5a96} table.dq-fiche .worse {color: #a63f00}
table.dq-fiche td.better {background: #e3eef8} table.dq-fiche td.worse {background: #fbe6d6}
table.dq-fiche .muted {color: #777; font-style: italic}
table.dq-fiche abbr {text-decoration: underline dotted; cursor: help}
table.dq-fiche .info {cursor: help; display: inline-block; width: 1.05em; height: 1.05em; line-height: 1.05em;
  border: 1px solid #777; border-radius: 50%; text-align: center; font-size: 0.7rem; color: #555;
  font-style: italic; font-family: Georgia, serif}
.dq-head {line-height: 1.7; margin-bottom: 0.6rem} .dq-head abbr {text-decoration: underline dotted; cursor: help}
.dq-head code {background: #eef2f6; padding: 1px 5px; border-radius: 3px}
.dq-nav a {margin-right: 0.9rem; white-space: nowrap}
h3.dq-domain {margin: 1.4rem 0 0.4rem; font-weight: 600; font-size: 1.45rem}
</style>
"""

ASSESSMENT_WORDS = {
    "better": ("▲", "plus favorable", "better"),
    "worse": ("▼", "moins favorable", "worse"),
    "close": ("≈", "proche", ""),
    "higher": ("▲", "supérieur", ""),
    "lower": ("▼", "inférieur", ""),
}
TREND_WORDS = {
    "better": ("▲", "amélioration", "better"),
    "worse": ("▼", "dégradation", "worse"),
    "stable": ("≈", "stable", ""),
    "higher": ("▲", "hausse", ""),
    "lower": ("▼", "baisse", ""),
}
REFERENCE_HEADERS = {
    "commune": "Commune",
    "epci": "EPCI",
    "departement": "Départ.",
    "region": "Région",
    "france": "France",
    "quartiers": "Ens. des quartiers",
}


def abbr(word: str, term: str | None = None) -> str:
    """A word with its glossary definition on hover."""
    definition = GLOSSARY.get(term or word)
    if not definition:
        return escape(word)
    return f'<abbr title="{escape(definition)}">{escape(word)}</abbr>'


def header(fiche: Fiche, vintage_label: str) -> str:
    """Identity of the quartier: code, geography, commune(s), EPCI, département, population."""
    q, refs = fiche.quartier, fiche.quartier.references
    population = ("non disponible" if fiche.population is None or fiche.population.value is None else
                  f"{fmt.value(fiche.population.value, 'habitants', 0)} ({fmt.period(fiche.population.period)})")
    communes = ", ".join(escape(c.name) for c in q.communes) or "–"
    epci = escape(refs["epci"].name) if "epci" in refs else "–"
    departement = escape(refs["departement"].name) if "departement" in refs else "–"
    region = escape(refs["region"].name) if "region" in refs else "–"
    return (f"<div class='dq-head'>{abbr('Quartier prioritaire', 'QPV')} <code>{escape(q.code)}</code> · "
            f"{abbr(vintage_label, 'Géographie prioritaire')}<br>"
            f"<b>{'Communes' if len(q.communes) > 1 else 'Commune'}</b> : {communes} · "
            f"<b>{abbr('EPCI')}</b> : {epci} · <b>Département</b> : {departement} · "
            f"<b>Région</b> : {region}<br><b>Population</b> : {escape(population)}</div>")


def domain_nav(domains: list[tuple[str, str, list]]) -> str:
    links = "".join(f"<a href='#{escape(d)}'>{escape(label)}</a>" for d, label, _ in domains)
    return f"<div class='dq-nav'>{links}</div>"


def domains_html(domains: list[tuple[str, str, list[IndicatorLine]]], reference_names: dict[str, str]) -> str:
    """Every domain's heading (anchored for the links above) and table."""
    return "".join(f"<h3 id='{escape(domain_id)}' class='dq-domain'>{escape(label)}</h3>"
                   f"{domain_table(lines, reference_names)}" for domain_id, label, lines in domains)


def domain_table(lines: list[IndicatorLine], reference_names: dict[str, str]) -> str:
    """The table of one domain: one row per indicator."""
    head = ["<th class='left'>Indicateur</th>", "<th>Valeur</th>", "<th>Depuis la valeur "
            "précédente</th>", "<th>Sur 5 ans</th>", "<th class='left'>Tendance</th>"]
    for key in REFERENCE_KEYS:
        header = abbr("EPCI") if key == "epci" else escape(REFERENCE_HEADERS[key])
        title = escape(reference_names.get(key, "non disponible"))
        head.append(f"<th title='{title}'>{header}</th>")
    head.append("<th class='left'>Par rapport à la commune</th>")
    rows = "".join(_row(line) for line in lines)
    widths = [17, 8.5, 8, 8, 7.5] + [7] * len(REFERENCE_KEYS) + [9]
    columns = "".join(f"<col style='width:{w}%'>" for w in widths)
    return (f"<div class='dq-scroll'><table class='dq-fiche'><colgroup>{columns}</colgroup><thead><tr>{''.join(head)}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def _row(line: IndicatorLine) -> str:
    ind, latest = line.indicator, line.latest
    unit = fmt.unit_note(ind.unit)
    unit = f"<span class='period'>{escape(unit)}</span>" if unit else ""
    cells = [f"<td class='left label'>{escape(ind.label)} "
             f"<span class='info' title='{escape(_definition(line))}' "
             f"aria-label='Définition et source'>i</span>{unit}</td>"]
    if latest is None:
        cells.append("<td class='muted' colspan='4'>Pas de donnée pour ce quartier</td>")
    else:
        cells += [_value_cell(line), _change_previous_cell(line), _change_5y_cell(line),
                  f"<td class='left'>{sparkline(line.series)}</td>"]
    for key in REFERENCE_KEYS:
        cells.append(_reference_cell(line, key))
    cells.append(_assessment_cell(line))
    return f"<tr>{''.join(cells)}</tr>"


def _definition(line: IndicatorLine) -> str:
    ind = line.indicator
    parts = [ind.definition, f"Source : {line.citation}.", f"Unité : {ind.unit}."]
    if ind.secret_rule:
        parts.append(ind.secret_rule)
    if ind.caveat:
        parts.append(f"Attention : {ind.caveat}")
    return " ".join(parts)


def _value_cell(line: IndicatorLine) -> str:
    ind, latest = line.indicator, line.latest
    period = f"<span class='period'>{escape(fmt.period(latest.period))}"
    if latest.provisional:
        period += " <abbr title='Valeur provisoire, susceptible d’être révisée.'>(provisoire)</abbr>"
    if flags.is_edition_year(latest.note):
        period += (" <abbr title='L’Insee ne précise pas l’année des données de cette colonne : "
                   "l’année indiquée est celle de l’édition du fichier.'>(édition)</abbr>")
    period += "</span>"
    if latest.secret:
        return (f"<td class='value'><abbr title='{escape(flags.secret_explanation(latest.note))}'>s</abbr>"
                f"{period}</td>")
    return f"<td class='value'>{escape(fmt.cell(latest.value, ind.unit, ind.decimals))}{period}</td>"


def _change_previous_cell(line: IndicatorLine) -> str:
    ind = line.indicator
    if line.previous is None or line.latest.value is None:
        return "<td class='muted'>–</td>"
    since = f"<span class='period'>depuis {escape(fmt.period(line.previous.period))}</span>"
    if line.change_previous is None:
        return f"<td class='muted' title='Rupture de série'>non comparable{since}</td>"
    return f"<td>{escape(_change(line.change_previous, ind))}{since}</td>"


def _change_5y_cell(line: IndicatorLine) -> str:
    ind = line.indicator
    if line.break_in_5y:
        return "<td class='muted' title='Rupture de série : les valeurs ne se comparent pas.'>rupture de série</td>"
    if line.change_5y is None:
        return "<td class='muted' title='Pas de valeur cinq ans plus tôt.'>–</td>"
    text = escape(_change(line.change_5y, ind))
    since = f"<span class='period'>depuis {escape(fmt.period(line.five_years_ago.period))}</span>"
    return f"<td>{text}{since}</td>"


def _change(delta: float, ind) -> str:
    return fmt.change(delta, ind.unit if ind.unit in fmt.SHORT_UNITS else "", ind.decimals)


def _reference_cell(line: IndicatorLine, key: str) -> str:
    ref = line.references.get(key)
    ind = line.indicator
    if ref is None or (ref.value is None and not ref.secret):
        return "<td class='muted' title='Pas de donnée pour ce territoire'>–</td>"
    shown = escape(fmt.cell(ref.value, ind.unit, ind.decimals, secret=ref.secret))
    other_period = line.latest is not None and ref.period != line.latest.period
    period = f"<span class='period'>{escape(fmt.period(ref.period))}</span>" if other_period else ""
    if ref.is_metropole:
        period += "<span class='period'>France métro.</span>"
    title = " — ".join(t for t in (ref.name, fmt.period(ref.period) if other_period else "", ref.note) if t)
    return f"<td title='{escape(title)}'>{shown}{period}</td>"


def _assessment_cell(line: IndicatorLine) -> str:
    parts = []
    gap = line.gap_with("commune")
    if gap:
        arrow, word, css = ASSESSMENT_WORDS[gap]
        parts.append(f"<span class='{css}'>{arrow} {word}</span>")
    trend = line.trend()
    if trend:
        arrow, word, css = TREND_WORDS[trend]
        parts.append(f"<span class='period {css}'>tendance : {arrow} {word}</span>")
    css = ASSESSMENT_WORDS[gap][2] if gap else ""
    return f"<td class='left assess {css}'>{''.join(parts) or '<span class=muted>–</span>'}</td>"


def sparkline(series: list[Point], width: int = 64, height: int = 22) -> str:
    """A small inline SVG line; missing and secret periods leave a gap, never an interpolation."""
    known = [p for p in series if p.value is not None]
    if len(known) < 2:
        return "<span class='muted'>–</span>"
    first, last = series[0].period_start, series[-1].period_start
    span = max((last - first).days, 1)
    low, high = min(p.value for p in known), max(p.value for p in known)
    rng = (high - low) or 1.0
    segments, current = [], []
    for p in series:
        if p.value is None or p.is_break:
            if len(current) > 1:
                segments.append(current)
            current = [] if p.value is None else [p]
            continue
        current.append(p)
    if len(current) > 1:
        segments.append(current)

    def xy(p: Point) -> str:
        x = 2 + (width - 4) * (p.period_start - first).days / span
        y = height - 2 - (height - 4) * (p.value - low) / rng
        return f"{x:.1f},{y:.1f}"

    lines = "".join(f"<polyline fill='none' stroke='#4a6f96' stroke-width='1.5' "
                    f"points='{' '.join(xy(p) for p in seg)}'/>" for seg in segments)
    end = known[-1]
    x, y = xy(end).split(",")
    label = f"Évolution de {fmt.period(series[0].period)} à {fmt.period(series[-1].period)}"
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}'>{lines}"
           f"<circle cx='{x}' cy='{y}' r='2' fill='#4a6f96'/></svg>")
    # An <img> with a data URI survives Streamlit's HTML sanitiser, which drops inline <svg>.
    data = base64.b64encode(svg.encode()).decode()
    return (f"<img src='data:image/svg+xml;base64,{data}' width='{width}' height='{height}' "
            f"alt='{escape(label)}' title='{escape(label)}'>")
