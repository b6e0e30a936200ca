"""Évolution: indicators over time for quartiers, their reference territories and groups of quartiers."""

import streamlit as st

from dq_core import fmt, french
from dq_core.errors import DQError
from dq_core.explore import evolution
from dq_core.explore import groups as dq_groups
from dq_core.explore.defaults import default_indicator
from dq_core.export import views as view_export
from dq_core.store.territories import REFERENCE_KEYS, REFERENCE_LABELS
from ui import cache, explore, first_steps, frame, state, url, view_exports
from ui.render import charts, tables
from ui.render.text import plain

frame.require_app()
key = state.data_key()
code = st.session_state.get(frame.QUARTIER_KEY)
st.title("Évolution")
code = first_steps.quartier_or_stop(code)

catalogue = {i.id: i for i in cache.indicators(key)}
quartiers = {q.code: q for q in cache.quartiers(key)}
saved_groups = {g.code: g for g in cache.group_list(key)}
label_of = explore.indicator_label(catalogue, cache.domains(key))
DEFAULT_INDICATORS = [i for i in [default_indicator(catalogue.values())] if i]

# --- view state: URL first (a link someone sent), then this session, then defaults -----------------
INDICATORS = url.UrlState("evo_indicateurs", "indicateurs", catalogue, DEFAULT_INDICATORS, many=True,
                          limit=evolution.MAX_INDICATORS, kind=french.Noun("indicateur"))
OTHERS = url.UrlState("evo_quartiers", "quartiers", quartiers, [], many=True,
                      options=[c for c in quartiers if c != code], kind=french.Noun("quartier"))
REFERENCES = url.UrlState("evo_references", "references", REFERENCE_KEYS, ["commune"], many=True,
                          kind=french.Noun("référence", feminine=True))
GROUPS = url.UrlState("evo_groupes", "groupes", saved_groups, [], many=True, options=saved_groups,
                      kind=french.Noun("groupe"))
BASE100 = url.UrlState("evo_base100", "base100", ["oui"], False, parse=lambda _: True,
                       dump=lambda on: "oui" if on else None, kind=None)
url.bind(INDICATORS, OTHERS, REFERENCES, GROUPS, BASE100)

st.caption(f"**{plain(quartiers[code].name)}** et les territoires choisis ci-dessous, période par période. "
           "Une année manquante laisse un trou dans la ligne (jamais de valeur inventée) ; les "
           "ruptures de série et les valeurs provisoires sont signalées ; les valeurs couvertes par le "
           "secret statistique sont absentes des lignes et listées sous le graphique.")

top = st.columns([3, 2])
top[0].multiselect("Indicateurs", list(catalogue), key="evo_indicateurs", select_all=False, format_func=label_of,
                   max_selections=evolution.MAX_INDICATORS, wrap=True, placeholder="Choisissez un ou plusieurs indicateurs",
                   on_change=INDICATORS.write)
top[1].multiselect("Territoires de référence", list(REFERENCE_KEYS), key="evo_references", select_all=False,
                   format_func=REFERENCE_LABELS.get, placeholder="Aucune référence", wrap=True,
                   on_change=REFERENCES.write,
                   help="Pour chaque quartier choisi : sa commune, son agglomération (EPCI), son "
                   "département, sa région, la France, l'ensemble des quartiers.")
middle = st.columns([3, 2])
middle[0].multiselect("Autres quartiers", [c for c in quartiers if c != code], key="evo_quartiers", select_all=False,
                      format_func=lambda c: quartiers[c].label, placeholder="Ajoutez des quartiers à comparer",
                      max_selections=evolution.MAX_TERRITORIES - 1,
                      on_change=OTHERS.write)
middle[1].multiselect("Groupes de quartiers", list(saved_groups), key="evo_groupes", select_all=False,
                      format_func=lambda c: saved_groups[c].label, placeholder="Aucun groupe",
                      on_change=GROUPS.write,
                      help="Un groupe se lit comme un seul territoire. Créez-en un plus bas.")

chosen = INDICATORS.value
base100 = BASE100.value
try:
    evo = cache.evolution_view(key, tuple(chosen), (code, *OTHERS.value), tuple(REFERENCES.value),
                                 tuple(GROUPS.value), bool(base100), st.query_params.get("base") if base100 else None)
except DQError as exc:
    frame.show_error(exc)
    st.stop()

options_row = st.columns([1, 2, 1, 1], vertical_alignment="bottom")
options_row[0].toggle("Base 100", key="evo_base100", on_change=BASE100.write,
                      help="Chaque série vaut 100 à la période de base : on compare des rythmes d'évolution, "
                      "pas des niveaux.")
periods = evolution.periods_of(evo) if base100 else []
BASE = url.UrlState("evo_base", "base", periods, None, options=periods, kind=None)
if base100:
    url.bind(BASE)
    options_row[1].selectbox("Période de base (= 100)", periods, key="evo_base", format_func=fmt.period,
                             index=None, placeholder="automatique : première période commune",
                             on_change=BASE.write)
    BASE.write()
else:
    BASE.clear()

if evo.indicators:
    demo = cache.is_demo(key)
    view_exports.download_buttons(lambda e=evo, d=demo: view_export.evolution_export(e, demo=d), "evolution",
                                  quartiers[code].name, code, "evo_export", options_row[2], options_row[3],
                                  demo=demo, in_excel="une feuille par indicateur, son tableau et son graphique",
                                  in_csv="Les tableaux des indicateurs, l'un sous l'autre")

url.write(INDICATORS, OTHERS, REFERENCES, GROUPS, BASE100)

explore.page_links("evolution", chosen)
st.html(tables.STYLE)
SIDE_TABLE_COLUMNS = 6          # Période, four territories, Remarques

if not chosen:
    st.info("Choisissez au moins un indicateur.")
for ind in evo.indicators:
    st.subheader(plain(ind.label), anchor=ind.id)
    table = evolution.evolution_table(evo, ind.id)
    # Beside the chart, a table of more than four territories would be cut: it goes under it.
    if len(table.columns) > SIDE_TABLE_COLUMNS:
        left = right = st.container()
    else:
        left, right = st.columns([3, 2], gap="medium")
    if evo.series(ind.id)["plot_value"].notna().any():
        left.altair_chart(charts.evolution_chart(evo, ind.id), width="stretch")
        if ind.kind == "count" and not evo.base100 and len(set(evo.series(ind.id)["territory"])) > 1:
            left.caption("Des effectifs de territoires de tailles très différentes se lisent mieux en "
                         "**base 100** (au-dessus des graphiques).")
        reading = charts.evolution_key(evo, ind.id)
        if reading:
            left.caption(plain(reading))
    else:
        left.info("Aucune valeur à tracer pour ces territoires.")
    unit = table.attrs.get("unit", ind.unit)
    caption = (f"Valeurs en {unit}. " if unit not in ("", "ratio") else "") + (
        "s : secret statistique ; – : pas de donnée. Source : " f"{evo.sources.get(ind.id, ind.dataset)}.")
    right.html(tables.html_table(table, table.attrs.get("decimals", ind.decimals), caption))
    secret = evo.secret_for(ind.id)
    if secret:
        left.html("<p style='font-size:0.85rem'><b>Secret statistique</b> (valeurs absentes du graphique) : "
                  + " ; ".join(tables.escape(f"{c.territory} en {c.period}") for c in secret) + ".</p>")
    notes = evo.notes_for(ind.id)
    if notes:
        left.html("<ul style='font-size:0.82rem;color:#555'>" + "".join(
            f"<li>{tables.escape(n)}</li>" for n in notes) + "</ul>")


# --- groups of quartiers --------------------------------------------------------------------------

def _message(kind: str, text: str) -> None:
    st.session_state["grp_message"] = (kind, text)


def _save_group() -> None:
    editing = st.session_state.get("grp_editing")
    name = st.session_state.get("grp_name", "")
    members = st.session_state.get("grp_members", [])
    try:
        with state.cursor() as cur:
            group = (dq_groups.update_group(cur, editing, name=name, members=members) if editing
                     else dq_groups.create_group(cur, name, members))
    except DQError as exc:
        _message("error", exc.message)
        return
    _message("success", f"Groupe « {group.name} » enregistré ({len(group.members)} quartiers). Il est ajouté "
             "aux territoires du graphique.")
    st.session_state["evo_groupes"] = [g for g in GROUPS.value or [] if g != group.code] + [group.code]
    GROUPS.write()
    st.session_state["grp_name"], st.session_state["grp_members"] = "", []
    st.session_state["grp_editing"] = None


def _edit_group(group_code: str) -> None:
    group = saved_groups[group_code]
    st.session_state["grp_editing"] = group.code
    st.session_state["grp_name"] = group.name
    st.session_state["grp_members"] = [m for m in group.members if m in quartiers]


def _cancel_edit() -> None:
    st.session_state["grp_editing"] = None
    st.session_state["grp_name"], st.session_state["grp_members"] = "", []


def _delete_group(group_code: str) -> None:
    if st.session_state.get("grp_confirm") != group_code:
        st.session_state["grp_confirm"] = group_code
        return
    try:
        with state.cursor() as cur:
            dq_groups.delete_group(cur, group_code)
    except DQError as exc:
        _message("error", exc.message)
        return
    st.session_state["grp_confirm"] = None
    st.session_state["evo_groupes"] = [g for g in GROUPS.value or [] if g != group_code]
    GROUPS.write()
    _message("success", "Groupe supprimé.")


def _add_members() -> None:
    territory = st.session_state.get("grp_add_from")
    if not territory:
        return
    st.session_state["grp_members"] = dq_groups.with_territory(
        st.session_state.get("grp_members", []), cache.places(key), territory, quartiers[code].vintage)


st.divider()
with st.expander("Groupes de quartiers : créer, modifier, supprimer",
                 expanded=bool(st.session_state.get("grp_message") or st.session_state.get("grp_editing"))):
    st.caption("Un groupe (par exemple les quartiers d'un contrat de ville) est gardé dans la base et se "
               "lit comme un seul territoire : les effectifs s'additionnent, les taux sont recalculés à "
               "partir des numérateurs et dénominateurs ; les médianes et les indices ne sont pas "
               "agrégeables et restent vides. Si un quartier du groupe est couvert par le secret "
               "statistique, la valeur du groupe l'est aussi.")
    message = st.session_state.pop("grp_message", None)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])
    st.session_state.setdefault("grp_name", "")
    st.session_state.setdefault("grp_members", [])
    st.session_state.setdefault("grp_editing", None)
    editing = st.session_state["grp_editing"] if st.session_state["grp_editing"] in saved_groups else None
    st.text_input("Nom du groupe", key="grp_name", max_chars=dq_groups.MAX_NAME_LENGTH,
                  placeholder="Contrat de ville de l'agglomération")
    st.multiselect("Quartiers du groupe", list(quartiers), key="grp_members", select_all=False,
                   format_func=lambda c: quartiers[c].label, placeholder="Choisissez au moins deux quartiers")
    places = cache.places(key)
    add = st.columns([3, 1], vertical_alignment="bottom")
    add[0].selectbox("Ajouter tous les quartiers d'un territoire", dq_groups.member_sources(places),
                     key="grp_add_from", index=None, format_func=lambda c: dq_groups.member_source_label(places, c),
                     placeholder="Une agglomération, une commune, un département…",
                     help="Ajoute les quartiers de même géographie prioritaire que le quartier choisi.")
    add[1].button("Ajouter", key="grp_add", on_click=_add_members, icon=":material/playlist_add:")
    buttons = st.columns([1, 1, 3])
    buttons[0].button("Enregistrer les modifications" if editing else "Enregistrer le groupe", type="primary",
                      key="grp_save", on_click=_save_group, icon=":material/save:")
    if editing:
        buttons[1].button("Annuler", key="grp_cancel", on_click=_cancel_edit)
    if saved_groups:
        st.markdown("**Groupes enregistrés**")
    for group in saved_groups.values():
        row = st.columns([4, 1, 1], vertical_alignment="center")
        row[0].html(f"<b>{tables.escape(group.name)}</b> — {len(group.members)} quartiers : "
                    f"{tables.escape(', '.join(group.member_names))}")
        row[1].button("Modifier", key=f"grp_edit_{group.code}", on_click=_edit_group, args=(group.code,))
        confirm = st.session_state.get("grp_confirm") == group.code
        row[2].button("Confirmer la suppression" if confirm else "Supprimer", key=f"grp_delete_{group.code}",
                      on_click=_delete_group, args=(group.code,), type="primary" if confirm else "secondary")
