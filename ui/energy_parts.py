"""Streamlit glue of the page « Énergie »: its sections, drawn from dq_core's answers (`ui.cache`).

Every figure comes from `dq_core.energy` (secrecy already applied) and its French tables from
`dq_core.energy.display`; these functions only choose widgets and lay them out.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dq_core import fmt, french
from dq_core.energy import display, prices, settings
from dq_core.energy.scenario import Scenario
from dq_core.energy.view import QuartierEnergy
from dq_core.errors import DQError
from dq_core.export import XLSX_MIME
from dq_core.export import energy_workbook as workbook
from ui import cache, state
from ui.render import tables
from ui.render.text import plain

RISES = list(range(0, 105, 5))
DEFAULT_RISE = 15
MEASURE_CHOICES = {"both": "les deux", "corrected": "corrigée", "raw": "mesurée"}
MEASURES_OF = {"both": ("corrected", "raw"), "corrected": ("corrected",), "raw": ("raw",)}
SPANS = {"3": "3 dernières années", "5": "5 dernières années", "all": "toute la période"}
MAX_ALERTS_LISTED = 12
TOP_TARGETS = 5                # the first residences of the targeting list, with their reasons in full
IMPORT_PAGE = "pages/importer.py"


def view_with_data(key, code: str, energy: str | None) -> QuartierEnergy:
    """The quartier's view for `energy`, or for its first energy with data when that one has none."""
    view = cache.energy_view(key, code, energy or "electricite")
    if view.energies and view.energy not in view.energies:
        view = cache.energy_view(key, code, view.energies[0])
    return view


def intro(view: QuartierEnergy) -> str:
    climate = (f"degrés-jours de la zone « {view.zone_name or view.zone} », consommation corrigée ramenée à "
               f"l'{view.reference_label}" if view.zone else "pas de correction climatique (pas de degrés-jours)")
    last = f" ; dernier mois mesuré : {display.month_label(view.last_month)}" if view.last_month else ""
    return plain(f"{view.name} ({view.code}) : consommation d'énergie par logement du quartier, de ses "
                 f"résidences et de ses références, mois par mois ; {climate}{last}.")


def no_energy_data(view: QuartierEnergy) -> None:
    st.info(f"Pas de consommation d'énergie pour le quartier {plain(view.name)} dans cet espace de travail. "
            "Elle vient des fichiers des bailleurs ou des distributeurs (consommation mensuelle par résidence, "
            "avec le modèle de la page Importer) et, pour le quartier, des consommations mensuelles "
            "d'électricité et de gaz ; les degrés-jours (températures de l'ODRE, fichier « Export DJU ») "
            "permettent la correction du climat.", icon=":material/bolt:")
    st.page_link(IMPORT_PAGE, label="Importer un fichier de résidences", icon=":material/upload_file:")


# --- the chart ---------------------------------------------------------------------------------------

def series_choices(view: QuartierEnergy) -> dict[str, str]:
    """Series a person may draw (never a masked one), keyed by their label."""
    out = {}
    for s in view.series:
        if s.is_masked or not any(p.raw is not None for p in s.points):
            continue
        kind = {"residence": "résidence", "autres": "résidences regroupées", "reference": "référence"}.get(s.kind)
        out[s.label] = f"{s.label} ({kind})" if kind else f"{s.label} (quartier)"
    return out


def default_series(view: QuartierEnergy, most_alerted: int = 2) -> list[str]:
    """The quartier, its references, and its residences in alert for this energy (the most recent first)."""
    choices = series_choices(view)
    alerted = [run.latest.name for run in display.alert_runs(view.alerts)
               if run.latest.scope == "residence" and run.latest.energy == view.energy]
    chosen = [s.label for s in view.series if s.kind in ("quartier", "reference")]
    chosen += list(dict.fromkeys(alerted))[:most_alerted]
    chosen = [label for label in chosen if label in choices]
    return chosen or list(choices)[:3]          # no quartier figure (residences only): the residences


def since(view: QuartierEnergy, span: str | None) -> date | None:
    if view.last_month is None or span in (None, "all"):
        return None
    years = int(span)
    last = view.last_month
    return date(last.year - years + (last.month == 12), last.month % 12 + 1, 1)


def chart_key(view: QuartierEnergy, wanted: tuple[str, ...]) -> str:
    parts = []
    if len(wanted) > 1:
        parts.append("Trait plein : consommation corrigée du climat ; tirets : consommation mesurée")
    parts.append("kWh par logement (résidences) ou par point de livraison (quartier, références) et par mois ; "
                 "un mois secret ou non mesuré laisse un trou")
    if view.sources:
        parts.append("Sources : " + " ; ".join(view.sources))
    return plain(". ".join(parts) + ".")


# --- residences ------------------------------------------------------------------------------------

def residences_section(view: QuartierEnergy) -> None:
    table = display.residence_table(view)
    if table.empty:
        st.info("Aucune résidence de bailleur enregistrée dans ce quartier.")
    else:
        st.dataframe(tables.styled(table, display.RESIDENCE_DECIMALS), hide_index=True, width="stretch",
                     placeholder=tables.MISSING, key="energie_residences")
    notes = [f"{display.energy_label(view.energy)}, 12 derniers mois mesurés ; facture et taux d'effort : toutes "
             "énergies, estimation (voir « Méthodes »)."]
    notes.append(view.secrecy_note or f"Secret statistique : aucune résidence de moins de {view.secret_min} "
                 "logements n'est montrée seule (règle en bas de page, « Méthodes »).")
    st.caption(plain(" ".join(n for n in notes if n)))


# --- alerts --------------------------------------------------------------------------------------------

def alerts_section(view: QuartierEnergy, key) -> None:
    everywhere = st.toggle("Alertes de tous les quartiers de l'espace de travail", key="energie_alertes_tous")
    found = list(cache.energy_alerts(key)) if everywhere else list(view.alerts)
    where = "dans l'espace de travail" if everywhere else f"dans le quartier {view.name}"
    if not found:
        st.success(f"Aucune alerte {plain(where)} : aucune consommation corrigée du climat ne s'écarte de "
                   "ce que son histoire rend normal.", icon=":material/check_circle:")
        return
    runs = display.alert_runs(found)
    alerted = len({(run.latest.scope, run.latest.code) for run in runs})
    st.caption(plain(f"{french.count(alerted, 'résidence ou quartier', 'résidences ou quartiers')} en alerte "
                     f"{where} ({french.count(len(found), 'mois', 'mois')} en alerte au total), de la plus récente à la "
                     "plus ancienne (règle en bas de page, « Méthodes »)."))
    items = "".join(f"<li>{tables.escape(run.text)}</li>" for run in runs[:MAX_ALERTS_LISTED])
    st.html(f"<ul style='font-size:0.9rem;margin-bottom:0.3rem'>{items}</ul>")
    if len(runs) > MAX_ALERTS_LISTED:
        st.caption(f"Et {french.count(len(runs) - MAX_ALERTS_LISTED, 'autre')} : toutes sont dans le classeur Excel "
                   "de la liste de ciblage.")
    with st.expander(f"Toutes les alertes, mois par mois ({fmt.number(len(found), 0)})"):
        st.dataframe(tables.styled(display.alert_table(found, _names(key)), display.ALERT_DECIMALS), hide_index=True,
                     width="stretch", placeholder=tables.MISSING, key="energie_alertes_table")


def _names(key) -> dict[str, str]:
    return {q.code: q.name for q in cache.quartiers(key)}


# --- burden and scenario ---------------------------------------------------------------------------

def burden_section(view: QuartierEnergy) -> None:
    b = view.burden
    if b is None or b.bill is None:
        st.info("Pas de facture estimée pour ce quartier : il faut 12 mois de consommation et un prix par énergie "
                "(tableau des prix en bas de page).")
        return
    figures = [("Facture par an", f"{fmt.number(b.bill, 0)}\u00a0€",
                f"Estimation, toutes énergies, {b.period or '12 mois'}, prix du tableau des prix.")]
    if b.effort_median is not None:
        figures.append(("Effort médian", f"{fmt.number(b.effort_median * 100, 1)}\u00a0%",
                        "Taux d'effort du ménage médian : facture moyenne / revenu disponible d'un ménage au revenu "
                        "médian du quartier."))
    ranges = []
    for threshold, est in sorted(b.above.items()):
        label = f"Effort > {round(threshold * 100)} %"
        figures.append((label, f"{fmt.number(est.central * 100, 0)}\u00a0%", "Part estimée des ménages du quartier "
                        "dont le taux d'effort dépasse ce seuil : une estimation, jamais un compte de ménages."))
        ranges.append(f"au-dessus de {round(threshold * 100)} % : {est.text()}")
    if b.tee_3d is not None:
        figures.append(("TEE_3D", f"{fmt.number(b.tee_3d.central * 100, 0)}\u00a0%", "Part estimée des ménages des "
                        "trois premiers déciles de revenu par unité de consommation dont le taux d'effort dépasse "
                        "8 % (ONPE)."))
        ranges.append(f"TEE_3D : {b.tee_3d.text()}")
    for column, (label, value, help_text) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(label, value, help=help_text)
    words = [f"Estimations du quartier, avec leur fourchette : {' ; '.join(ranges)}." if ranges else ""]
    if b.income:
        words.append(f"Revenus : {b.income.source}.")
    st.caption(plain(" ".join([*words, *b.notes]).strip()))


def scenario_section(scenario: Scenario, view: QuartierEnergy) -> None:
    mine = [line for line in scenario.lines if line.quartier == view.code]
    where = (f"des résidences suivies {french.of(view.name)}" if any(line.scope != "quartier" for line in mine)
             else f"du quartier {view.name}")
    for sentence in display.scenario_summary(scenario, mine, where):
        st.markdown(f"- {plain(sentence)}")
    if mine:
        table = display.scenario_table(mine)
        st.dataframe(tables.styled(table, display.SCENARIO_DECIMALS), hide_index=True, width="stretch",
                     placeholder=tables.MISSING, key="energie_scenario",
                     column_order=[c for c in table.columns if c != "Quartier" and not c.endswith(("(bas)", "(haut)"))])
    everywhere = display.scenario_summary(scenario, list(scenario.lines), "de l'ensemble des résidences suivies")
    st.caption(plain(" ".join(dict.fromkeys([*everywhere[:1], *everywhere[-1:], *scenario.notes]))))


# --- targeting list ----------------------------------------------------------------------------------

def targeting_section(view: QuartierEnergy, key, everywhere: bool, scenario: Scenario) -> None:
    targets = [t for t in cache.energy_targets(key) if everywhere or t.quartier == view.code]
    table = display.targeting_table(targets)
    if table.empty:
        st.info("Aucune résidence à classer ici (résidences de moins de "
                f"{view.secret_min} logements regroupées, ou pas de données).")
    else:
        st.dataframe(tables.styled(table, display.TARGETING_DECIMALS), hide_index=True, width="stretch",
                     placeholder=tables.MISSING, key="energie_ciblage",
                     column_config={"Raisons": st.column_config.TextColumn(width="large")})
        st.caption("Rang parmi toutes les résidences de l'espace de travail. Les raisons se lisent en entier au "
                   "survol, ci-dessous pour les premières, et dans le classeur Excel.")
        items = "".join(f"<li><b>{tables.escape(t.name)}</b> (rang {t.rank}, {fmt.number(t.score, 0)} points) : "
                        f"{tables.escape(display.reasons_text(t.reasons))}</li>" for t in targets[:TOP_TARGETS])
        st.html(f"<ul style='font-size:0.9rem'>{items}</ul>")
    scope = "tous les quartiers" if everywhere else f"{view.name} ({view.code})"
    alerts = list(cache.energy_alerts(key)) if everywhere else list(view.alerts)
    lines = list(scenario.lines) if everywhere else [line for line in scenario.lines if line.quartier == view.code]
    demo = cache.is_demo(key)
    names = _names(key)
    texts = method_texts(view, scenario)
    sources = cache.energy_sources(key) if everywhere else [*view.sources, *display.data_years(view)]
    built: list[bytes] = []

    def made() -> bytes:
        if not built:
            built.append(workbook.build_export(scope, targets, alerts, scenario, lines, texts, sources,
                                               names, demo=demo).xlsx())
        return built[0]

    st.download_button("Télécharger la liste de ciblage et les alertes (Excel)", data=made, on_click="ignore",
                       key="energie_export", file_name=workbook.filename("tous-les-quartiers" if everywhere else
                                                                         f"{view.name}-{view.code}", demo=demo),
                       mime=XLSX_MIME, icon=":material/download:",
                       help="Un classeur Excel : la liste de ciblage avec ses raisons, les alertes, le scénario de "
                       "prix choisi, les méthodes et les sources ; secret statistique appliqué.")


# --- prices ----------------------------------------------------------------------------------------

def prices_section(key, *, folded: bool = True) -> None:
    """The editable price table: in a folded box under the page's figures, or open on a page without any."""
    table = cache.energy_prices(key)
    demo = cache.is_demo(key)
    if folded:
        box = st.expander("Tableau des prix de l'énergie", icon=":material/euro:",
                          expanded=bool(st.session_state.get("energie_prix_message")) or not table)
    else:
        st.subheader("Tableau des prix de l'énergie", anchor="prix")
        box = st.container()
    with box:
        st.caption("Prix du kWh et abonnement annuel, toutes taxes comprises, à partir d'une date : chaque facture "
                   "utilise le prix en vigueur au dernier mois de ses 12 mois. Modifier le tableau crée un import "
                   "annulable (page Importer, historique).")
        message = st.session_state.pop("energie_prix_message", None)
        if message:
            (st.error if message[0] == "error" else st.success)(plain(message[1]))
        edited = st.data_editor(
            display.price_frame(table), key="energie_prix", hide_index=True, width="stretch",
            num_rows="fixed" if demo else "dynamic", disabled=demo, column_config=_price_columns(),
            placeholder=tables.MISSING)
        if demo:
            st.caption("Dans la démonstration, le tableau des prix se lit sans se modifier : créez votre espace de "
                       "travail pour y mettre vos prix. Le curseur du scénario simule une hausse.")
            return
        buttons = st.columns([1, 2])
        if buttons[0].button("Enregistrer le tableau des prix", key="energie_prix_enregistrer", icon=":material/save:"):
            _save_prices(edited)
        if not table and buttons[1].button("Reprendre les tarifs réglementés publiés", key="energie_prix_defaut",
                                           icon=":material/restart_alt:",
                                           help="Tarif Bleu (option Base) et prix repère du gaz de la CRE, avec leur "
                                           "source : un import annulable, à corriger ensuite si besoin."):
            _save_prices(display.price_frame(prices.DEFAULT_PRICES))


def _price_columns() -> dict:
    labels = display.PRICE_COLUMNS
    return {
        "energy": st.column_config.SelectboxColumn(labels["energy"], options=list(settings.ENERGIES), required=True,
                                                   format_func=display.energy_label),
        "valid_from": st.column_config.DateColumn(labels["valid_from"], format="DD/MM/YYYY", required=True),
        "eur_per_kwh": st.column_config.NumberColumn(labels["eur_per_kwh"], min_value=0.0, max_value=5.0,
                                                     step=0.0001, format="localized", required=True),
        "eur_per_year": st.column_config.NumberColumn(labels["eur_per_year"], min_value=0.0, step=0.01,
                                                      format="localized"),
        "label": st.column_config.TextColumn(labels["label"]),
        "source": st.column_config.TextColumn(labels["source"], width="large"),
    }


def _save_prices(edited: pd.DataFrame) -> None:
    try:
        with state.cursor() as cur:
            batch = prices.replace_prices(cur, display.prices_from_frame(edited))
    except DQError as exc:
        st.session_state["energie_prix_message"] = ("error", exc.message)
    else:
        st.session_state["energie_prix_message"] = (
            "success", f"Tableau des prix enregistré (import n° {batch}, annulable depuis l'historique des imports).")
    st.rerun()


# --- methods ---------------------------------------------------------------------------------------

def method_texts(view: QuartierEnergy, scenario: Scenario | None = None) -> list[tuple[str, str]]:
    return workbook.method_texts(view.texts, scenario, view.prices, view.secret_min)


def methods_section(view: QuartierEnergy, key, scenario: Scenario | None = None) -> None:
    with st.expander("Méthodes : correction climatique, alertes, précarité énergétique, secret statistique",
                     icon=":material/menu_book:"):
        for subject, text in method_texts(view, scenario):
            st.markdown(f"**{plain(subject)}.** {plain(text)}")
        if view.sources:
            st.markdown("**Sources.** " + plain(" ; ".join(view.sources) + "."))
