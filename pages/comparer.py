"""Comparer: every quartier side by side, the chosen quartier's rank, the distribution, similar quartiers."""

import streamlit as st

from dq_core import fmt, french
from dq_core.errors import DQError
from dq_core.explore import compare
from dq_core.export import views as view_export
from dq_core.store.territories import VINTAGE_LABELS
from ui import cache, explore, first_steps, frame, state, url, view_exports
from ui.render import charts, tables
from ui.render.text import plain

frame.require_app()
key = state.data_key()
code = st.session_state.get(frame.QUARTIER_KEY)
st.title("Comparer les quartiers")
code = first_steps.quartier_or_stop(code)

catalogue = {i.id: i for i in cache.indicators(key)}
label_of = explore.indicator_label(catalogue, cache.domains(key))
places = cache.places(key)
quartier = places.frame[places.frame["code"] == code].iloc[0]
ALL = "toutes"
vintages = [v for v, _ in compare.filter_options(places, compare.Filters())["vintage"]]
default_indicators = compare.default_similarity_indicators(list(catalogue.values()))[:6] or list(catalogue)[:3]

# --- view state: URL first, then this session, then defaults ----------------------------------------
own_vintage = str(int(quartier["vintage"])) if quartier["vintage"] == quartier["vintage"] else ALL
NEIGHBOURS = list(range(3, 11))
INDICATORS = url.UrlState("cmp_indicateurs", "indicateurs", catalogue, default_indicators, many=True,
                          limit=compare.MAX_INDICATORS)
VINTAGE = url.UrlState("cmp_geographie", "geographie", [*vintages, ALL], own_vintage if own_vintage in vintages else ALL)
LEVELS = {level: url.UrlState(f"cmp_{level}", level, [c for c, lv in places.levels.items() if lv == level])
          for level in compare.FILTER_LEVELS}
SIMILAR = url.UrlState(
    "cmp_similaires", "similaires", catalogue, many=True, limit=compare.MAX_SIMILARITY_INDICATORS,
    default=compare.default_similarity_indicators(list(catalogue.values()))[:compare.MAX_SIMILARITY_INDICATORS])
NEIGHBOUR_COUNT = url.UrlState("cmp_voisins", "voisins", [str(k) for k in NEIGHBOURS], compare.DEFAULT_NEIGHBOURS,
                               parse=int, kind=None)
url.bind(INDICATORS, VINTAGE, *LEVELS.values(), SIMILAR, NEIGHBOUR_COUNT)

st.caption(f"Tous les quartiers côte à côte, à la même période pour chaque indicateur. La ligne "
           f"**{plain(french.of(quartier['name']))}** est surlignée ; son rang est donné sous le tableau. Les "
           "valeurs couvertes par le secret statistique (s) ne sont ni classées ni placées sur les graphiques.")

# --- filters (each level narrows the next) ---------------------------------------------------------
cols = st.columns(5)
vintage = int(VINTAGE.value) if VINTAGE.value not in (None, ALL) else None
cols[0].selectbox(compare.FILTER_LABELS["vintage"], [*vintages, ALL], key="cmp_geographie",
                  format_func=lambda v: "Toutes" if v == ALL else VINTAGE_LABELS.get(int(v), v).capitalize(),
                  on_change=VINTAGE.write)
above: dict = {}
for column, level in zip(cols[1:], compare.FILTER_LEVELS, strict=True):
    options = compare.filter_options(places, compare.Filters(**above, vintage=vintage))[level]
    names = dict(options)
    LEVELS[level].narrow(names)
    column.selectbox(compare.FILTER_LABELS[level], list(names), key=f"cmp_{level}", index=None,
                     format_func=names.get, placeholder="Toutes" if level != "epci" else "Tous",
                     on_change=LEVELS[level].write)
    above[level] = LEVELS[level].value
filters = compare.Filters(**above, vintage=vintage)

st.multiselect("Indicateurs du tableau", list(catalogue), key="cmp_indicateurs", select_all=False, format_func=label_of,
               max_selections=compare.MAX_INDICATORS, placeholder="Choisissez un ou plusieurs indicateurs",
               on_change=INDICATORS.write)
chosen = INDICATORS.value
url.write(INDICATORS, VINTAGE, *LEVELS.values())

explore.page_links("comparer", chosen)

try:
    comparison = cache.comparison(key, tuple(chosen), filters, code)
except DQError as exc:
    frame.show_error(exc)
    st.stop()

# --- the table of all quartiers --------------------------------------------------------------------
st.subheader("Tous les quartiers")
shown = compare.comparison_table(comparison)
st.caption(f"{fmt.number(len(shown), 0)} quartiers · {plain(filters.describe(places.names))}. "
           "Cliquez sur l'en-tête d'une colonne pour trier.")
if not len(shown):
    st.info("Aucun quartier ne correspond à ces filtres.")
elif not chosen:
    st.info("Choisissez au moins un indicateur.")
else:
    decimals = {compare.indicator_header(i, comparison.periods.get(i.id)): i.decimals for i in comparison.indicators}
    # The indicators right after the quartier's name (the places, then the code, follow): the
    # figures asked for are on screen without scrolling sideways.
    places_columns = ["Commune", "EPCI", "Département", "Code"]
    order = ["Quartier", *[c for c in shown.columns if c not in ("Quartier", *places_columns)], *places_columns]
    st.dataframe(tables.styled(shown, decimals, highlight_code=code), hide_index=True, width="stretch", placeholder=tables.MISSING,
                 height=min(38 + 35 * len(shown), 460), key="cmp_table", column_order=order,
                 column_config={"Quartier": st.column_config.TextColumn(pinned=True),
                                "Code": st.column_config.TextColumn(width="small")})
    demo = cache.is_demo(key)
    scope = filters.describe(places.names)
    export_cols = st.columns([1, 1, 3])
    view_exports.download_buttons(
        lambda c=comparison, s=scope, d=demo: view_export.comparison_export(c, s, demo=d), "comparaison",
        quartier["name"], code, "cmp_export", export_cols[0], export_cols[1], demo=demo,
        in_excel="le tableau de tous les quartiers (et un diagramme en barres du premier indicateur s'ils "
                 f"sont au plus {view_export.MAX_BAR_ROWS})", in_csv="Le tableau de tous les quartiers")
    lines = []
    for ind in comparison.indicators:
        rank = comparison.ranks.get(ind.id)
        if rank is None:
            why = comparison.no_rank_reason(ind.id)
            lines.append(f"<li><b>{tables.escape(ind.label)}</b> : pas de rang ({why}).</li>")
            continue
        value = fmt.value(rank.value, ind.unit, ind.decimals)
        lines.append(f"<li><b>{tables.escape(ind.label)}</b> : {tables.escape(value)} "
                     f"({tables.escape(fmt.period(comparison.periods[ind.id]))}) — "
                     f"{tables.escape(rank.sentence(ind))}</li>")
    if comparison.selected_in_view:
        st.html(f"<p style='margin-bottom:0.2rem'><b>Rang {tables.escape(french.of(quartier['name']))}</b></p>"
                f"<ul style='font-size:0.9rem'>{''.join(lines)}</ul>")
    for note in comparison.notes:
        st.caption(plain(note))

# --- distribution ---------------------------------------------------------------------------------
DISTRIBUTION = url.UrlState("cmp_distribution", "distribution", chosen, chosen[0] if chosen else None,
                            options=chosen, kind=None)
if chosen and len(shown):
    st.subheader("Distribution d'un indicateur")
    url.bind(DISTRIBUTION)
    st.selectbox("Indicateur", chosen, key="cmp_distribution", format_func=label_of, on_change=DISTRIBUTION.write)
    DISTRIBUTION.write()
    dist = cache.distribution(key, tuple(chosen), filters, code, DISTRIBUTION.value)
    if dist.stats:
        st.altair_chart(charts.distribution_chart(dist), width="stretch")
        st.caption(plain(dist.summary()))
        ind = dist.indicator
        marks = []
        if dist.selected:
            own = fmt.value(dist.selected["value"], ind.unit, ind.decimals, secret=dist.selected["secret"])
            marks.append(f"<b>{tables.escape(dist.selected['name'])}</b> (trait plein orange) : {tables.escape(own)}")
        drawn = " (tirets bleus)" if dist.references_on_scale else ""
        marks += [f"{tables.escape(r['label'])} — {tables.escape(r['name'])}{drawn} : "
                  f"{tables.escape(fmt.value(r['value'], ind.unit, ind.decimals))}" for r in dist.references]
        if dist.references and not dist.references_on_scale:
            marks.append("<i>Effectifs des territoires de référence : cités ici, pas placés sur le graphique "
                         "(ils ne sont pas à l'échelle d'un quartier).</i>")
        extra = []
        if dist.secret_count:
            extra.append(f"{french.count(dist.secret_count, 'quartier couvert')} par le secret statistique")
        if dist.missing_count:
            extra.append(f"{fmt.number(dist.missing_count, 0)} sans donnée")
        st.html("<ul style='font-size:0.88rem'>" + "".join(f"<li>{m}</li>" for m in marks) + "</ul>"
                + (f"<p style='font-size:0.8rem;color:#555'>Non placés : {tables.escape(', '.join(extra))}.</p>"
                   if extra else ""))
    else:
        st.info("Aucune valeur à placer pour cet indicateur.")
else:
    DISTRIBUTION.clear()

# --- similar quartiers ----------------------------------------------------------------------------
st.subheader("Quartiers similaires")
st.caption("Les quartiers qui ressemblent le plus à celui-ci sur les indicateurs choisis (valeurs centrées "
           "et réduites, effectifs en logarithme ; un indicateur manquant n'est pas compté), parmi les "
           "quartiers retenus par les filtres. « Écart moyen » : 0 = identiques, 1 = un écart-type en moyenne.")
sim_cols = st.columns([4, 1])
sim_cols[0].multiselect("Indicateurs de ressemblance", list(catalogue), key="cmp_similaires", select_all=False, format_func=label_of,
                        max_selections=compare.MAX_SIMILARITY_INDICATORS, placeholder="Choisissez des indicateurs",
                        on_change=SIMILAR.write)
sim_cols[1].select_slider("Combien", NEIGHBOURS, key="cmp_voisins", on_change=NEIGHBOUR_COUNT.write)
url.write(SIMILAR, NEIGHBOUR_COUNT)
similar_ids = SIMILAR.value
if not similar_ids:
    st.info("Choisissez au moins un indicateur de ressemblance.")
else:
    try:
        similarity = cache.similarity(key, code, tuple(similar_ids), NEIGHBOUR_COUNT.value, filters)
    except DQError as exc:
        frame.show_error(exc)
        st.stop()
    for note in similarity.notes:
        st.caption(plain(note))
    if not similarity.neighbours:
        st.info("Aucun quartier comparable avec ces indicateurs et ces filtres.")
    for rank, n in enumerate(similarity.neighbours, start=1):
        with st.container(border=True):
            head, links = st.columns([4, 2], vertical_alignment="center")
            close = " ; ".join(f.text() for f in n.closest)
            differs = " ; ".join(f.text() for f in n.differences) or "rien de marquant"
            head.html(f"<b>{rank}. {tables.escape(n.name)}</b> <span style='color:#555'>({tables.escape(n.commune)}"
                      f" · {tables.escape(n.code)})</span> — écart moyen {tables.escape(fmt.number(n.distance, 2))} "
                      f"sur {french.count(n.compared, 'indicateur')}<br><span style='font-size:0.88rem'><b>Proche sur</b> : "
                      f"{tables.escape(close)}<br><b>Diffère surtout sur</b> : {tables.escape(differs)}</span>")
            links.page_link("pages/fiche.py", label="Sa fiche", icon=":material/description:",
                            query_params={"quartier": n.code})
            links.page_link("pages/evolution.py", label="Comparer nos évolutions", icon=":material/show_chart:",
                            query_params={"quartier": code, "quartiers": n.code,
                                          "indicateurs": ",".join(similar_ids[:3])})
    if similarity.excluded:
        st.caption(f"{french.count(similarity.excluded, 'quartier écarté')} : trop peu d'indicateurs en "
                   "commun avec ce quartier.")
    if similarity.neighbours:
        demo = cache.is_demo(key)
        export_cols = st.columns([1, 1, 3])
        view_exports.download_buttons(
            lambda s=similarity, n=str(quartier["name"]), d=demo: view_export.similarity_export(s, n, demo=d),
            "quartiers-similaires", quartier["name"], code, "sim_export", export_cols[0], export_cols[1], demo=demo,
            in_excel="les quartiers similaires et leurs valeurs", in_csv="Les quartiers similaires et leurs valeurs")
