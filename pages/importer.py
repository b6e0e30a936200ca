"""Importer: a partner's file checked, shown, protected and stored — or refused with the reasons;
the history of imports, each of which can be undone."""

from __future__ import annotations

import streamlit as st

from dq_core import fmt
from dq_core.errors import DQError
from dq_core.files import (
    FORMAT_HELP,
    LAYOUTS,
    PRIVACY_RULES,
    ROLE_LABELS,
    FileSource,
    ImportOptions,
    Mapping,
    check_file,
    import_file,
    split_uploads,
    undo_import,
)
from dq_core.files.energy_import import is_residence_file
from dq_core.files.partner.layouts import LAYOUT_ROLES, partner_threshold, set_partner_threshold
from dq_core.files.partner.residence_template import RESIDENCE_HELP, build_residence_template
from dq_core.files.read.periods import parse_period
from dq_core.files.refused import refused_file_name, refused_workbook
from dq_core.files.status import BatchStatus, ImportStatus
from ui import cache, first_steps, frame, room, state
from ui.render.text import plain

frame.require_app()


def _residence_template(kind: str) -> bytes:
    with state.cursor() as cur:
        return build_residence_template(cur, kind=kind)


st.title("Importer des données")
st.markdown(
    "Déposez le fichier d'un partenaire (bailleur, Caf, France Travail, association…) : il est "
    "**vérifié**, **protégé** (secret statistique) puis **enregistré** dans la base ouverte — ou refusé "
    "avec la liste des problèmes à corriger. Rien n'est enregistré tant que vous ne confirmez pas, et "
    "chaque import peut être annulé.")

with st.expander("Format attendu, modèle à télécharger et règles de confidentialité"):
    st.markdown(FORMAT_HELP)
    cols = st.columns(2)
    cols[0].download_button("Modèle CSV (pré-rempli)", data=lambda: state.template("csv"),
                            file_name="modele_import.csv", mime="text/csv", on_click="ignore",
                            icon=":material/download:", key="template_csv")
    cols[1].download_button("Modèle Excel (pré-rempli)", data=lambda: state.template("xlsx"),
                            file_name="modele_import.xlsx", on_click="ignore", icon=":material/download:",
                            key="template_xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.markdown(PRIVACY_RULES)
    st.markdown(RESIDENCE_HELP)
    cols = st.columns(2)
    cols[0].download_button("Modèle résidences CSV", data=lambda: _residence_template("csv"),
                            file_name="modele_residences.csv", mime="text/csv", on_click="ignore",
                            icon=":material/download:", key="residence_template_csv")
    cols[1].download_button("Modèle résidences Excel", data=lambda: _residence_template("xlsx"),
                            file_name="modele_residences.xlsx", on_click="ignore", icon=":material/download:",
                            key="residence_template_xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

LAYOUT_LABELS = {"long": "Format long (une ligne par territoire, indicateur et période)",
                 "wide_period": "Une colonne par période", "wide_indicator": "Une colonne par indicateur",
                 "points": "Points avec coordonnées (agrégés par quartier)"}
NONE = "—"

key = state.data_key()
# In a training room, the trainer may open imports in each participant's own copy of the demo.
in_demo = cache.is_demo(key) and not (room.active() and room.imports_allowed())
if room.read_only(state.workspace_path()):
    st.info("Cet espace de travail est offert **en lecture seule** pendant la formation : vous pouvez y vérifier "
            "un fichier ; pour importer, ouvrez votre copie de la démonstration.", icon=":material/lock:")
elif in_demo and room.active():
    st.info("Pendant la formation, l'import dans votre copie de la démonstration est ouvert par la personne qui "
            "anime la formation. En attendant, vous pouvez vérifier un fichier.", icon=":material/science:")
elif in_demo:
    st.info("La base ouverte est la **démonstration** : ses données sont fictives et le restent. Vous pouvez "
            "y vérifier un fichier pour vous exercer ; pour l'importer, créez d'abord votre propre espace de "
            "travail (le fichier déposé ci-dessous y reste prêt).", icon=":material/science:")
    first_steps.offer_own_workspace("create_for_partner_import", "Mes données")
left, right = st.columns([2, 1])
partner = left.selectbox("Partenaire (facultatif)", cache.partners(key), index=None, accept_new_options=True,
                         placeholder="Choisissez ou tapez un nom", key="import_partner",
                         help="La présentation de ses fichiers est mémorisée pour la prochaine fois.")
comment = right.text_input("Commentaire (gardé dans l'historique)", key="import_comment")
if partner:
    with st.expander(f"Réglages du partenaire « {plain(partner)} »"):
        with state.cursor() as cur:
            current = partner_threshold(cur, partner)
        threshold = st.number_input(
            "Seuil du secret statistique pour ce partenaire (effectifs inférieurs masqués)", min_value=1,
            max_value=1000, value=current or 11, step=1, key="partner_threshold",
            help="11 par défaut (règle de l'Insee). Un seuil plus bas protège moins : ne le changez que si "
                 "la convention avec le partenaire le prévoit.")
        if st.button("Enregistrer ce seuil", key="partner_threshold_save"):
            with state.cursor() as cur:
                set_partner_threshold(cur, partner, int(threshold))
            st.cache_data.clear()
            st.success(plain(f"Seuil de {int(threshold)} enregistré pour « {partner} »."))
uploads = st.file_uploader("Fichier de données (CSV ou Excel .xlsx), et si besoin le fichier qui déclare les "
                           "nouveaux indicateurs", accept_multiple_files=True, key="import_files")


def show_report(report) -> None:
    summary = plain(report.summary())
    if report.status == ImportStatus.IMPORTED:
        st.success(summary, icon=":material/check_circle:")
    elif report.errors:
        st.error(summary, icon=":material/error:")
    elif report.needs_choice:
        st.warning(summary, icon=":material/help:")
    else:
        st.success(summary, icon=":material/task_alt:")
    if report.problems:
        st.markdown(f"**Ce que la vérification a trouvé** ({len(report.problems)} point"
                    f"{'s' if len(report.problems) > 1 else ''}) :")
        # A static table: long messages wrap instead of hiding past the right edge.
        st.table(report.problems_frame(), hide_index=True)
    refused_lines = report.refused_lines
    if refused_lines is not None and len(refused_lines):
        total = refused_lines.attrs.get("total", len(refused_lines))
        st.download_button(
            f"Télécharger les {fmt.number(total, 0)} lignes refusées, à corriger (Excel)" if total > 1
            else "Télécharger la ligne refusée, à corriger (Excel)",
            data=lambda: refused_workbook(refused_lines, report.file_name), file_name=refused_file_name(report.file_name),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
            icon=":material/download:", key="import_refused_lines",
            help="Chaque ligne telle qu'elle est dans votre fichier, avec ce qui ne va pas. Corrigez-les dans votre "
                 "fichier, puis importez-le de nouveau : rien n'est enregistré tant qu'une ligne est refusée.")
    if report.preview is not None and len(report.preview) and report.ok:
        verb = "sont" if report.status == ImportStatus.IMPORTED else "seront"
        st.markdown(f"**Aperçu des valeurs telles qu'elles {verb} enregistrées** (« s » : secret statistique) :")
        st.dataframe(report.preview, hide_index=True, width="stretch", key="import_preview")


def import_residence_file(data: FileSource) -> None:
    """A residence consumption file (template « résidences »): checked, then imported, without a mapping."""
    st.subheader("Consommation d'énergie par résidence")
    st.caption(f"{plain(data.name)} — fichier reconnu d'après ses colonnes (modèle « résidences ») : chaque résidence "
               "est rattachée à son quartier, ses relevés enregistrés ; son adresse n'est pas gardée.")
    mode_label = st.radio("Si des relevés existent déjà dans la base pour la même résidence, énergie et période :",
                          ["Remplacer par ceux du fichier", "Garder ceux de la base"], index=None,
                          key="residence_mode", help="Les relevés remplacés reviennent si l'import est annulé.")
    mode = {"Remplacer par ceux du fichier": "replace", "Garder ceux de la base": "keep"}.get(mode_label)
    buttons = st.columns([1, 1, 3])
    check = buttons[0].button("Vérifier seulement", icon=":material/fact_check:", key="residence_check")
    confirm = buttons[1].button("Importer", type="primary", icon=":material/upload:", key="residence_confirm",
                                disabled=in_demo, help="La démonstration reste fictive : créez votre espace de "
                                "travail (en haut de la page) pour importer." if in_demo else None)
    if check or confirm:
        try:
            with state.cursor() as cur:
                report = import_file(cur, data, ImportOptions(mode=mode, dry_run=check, partner=partner,
                                                              comment=comment or None))
        except DQError as exc:
            frame.show_error(exc)
            return
        show_report(report)
        if report.status == ImportStatus.IMPORTED:
            st.cache_data.clear()
            st.session_state["import_done"] = report.batch_id


if uploads:
    sources = [FileSource.from_bytes(f.name, f.getvalue()) for f in uploads]
    try:
        data, declared = split_uploads(sources)
    except DQError as exc:
        frame.show_error(exc)
        st.stop()
    if is_residence_file(data):           # its own columns: nothing to map
        info = None
        import_residence_file(data)
    else:
        try:
            info = cache.inspect_upload(key, data.name, data.data, partner)
        except DQError:                   # unreadable: the full check says why, in French
            info = None
            with state.cursor() as cur:
                show_report(check_file(cur, data))
    if info is not None:
        st.subheader("1. Le fichier")
        st.caption(f"{plain(data.name)} — {fmt.number(info.rows, 0)} ligne{'s' if info.rows > 1 else ''} de données"
                   + (f" ; indicateurs déclarés dans « {plain(declared.name)} »" if declared else "")
                   + (" ; présentation reconnue (mémorisée pour ce partenaire)" if info.remembered else ""))
        st.dataframe(info.preview, hide_index=True, width="stretch", key="import_raw_preview")

        st.subheader("2. Ce que contiennent les colonnes")
        guess = info.mapping
        layout = st.selectbox("Présentation du fichier", LAYOUTS, index=LAYOUTS.index(guess.layout),
                              format_func=LAYOUT_LABELS.get, key="import_layout")
        options = [NONE, *info.headers]
        roles = LAYOUT_ROLES[layout]
        columns: dict[str, str] = {}
        grid = st.columns(4)
        for i, role in enumerate(roles):
            current = guess.columns.get(role) if layout == guess.layout else None
            chosen = grid[i % 4].selectbox(ROLE_LABELS[role], options,
                                           index=options.index(current) if current in options else 0,
                                           key=f"import_role_{layout}_{role}")
            if chosen != NONE:
                columns[role] = chosen
        fixed: dict[str, str] = {}
        labels = cache.indicator_labels(key)
        value_columns: dict[str, str] = {}
        if layout == "wide_period":
            if "indicator" not in columns:
                ind = st.selectbox("Indicateur de tout le fichier", list(labels), index=None,
                                   format_func=lambda i: f"{labels[i]} ({i})", key="import_fixed_indicator")
                if ind:
                    fixed["indicator"] = ind
            value_columns = {h: p.code for h in info.headers if h not in columns.values()
                             and (p := parse_period(h)) is not None}
            st.caption("Colonnes de période reconnues : " + (", ".join(plain(h) for h in value_columns) or "aucune"))
        if layout in ("wide_indicator", "points"):
            if "period" not in columns:
                period = st.text_input("Période de tout le fichier (par exemple 2024, 2024-T1, mars 2024)",
                                       key="import_fixed_period")
                if period.strip():
                    fixed["period"] = period.strip()
            choices = [NONE, *labels]
            for header in [h for h in info.headers if h not in columns.values()]:
                current = guess.value_columns.get(header) if guess.layout == layout else None
                ind = st.selectbox(f"Colonne « {plain(header)} » : indicateur", choices,
                                   index=choices.index(current) if current in choices else 0,
                                   format_func=lambda i: "ne pas importer" if i == NONE else f"{labels[i]} ({i})",
                                   key=f"import_value_{layout}_{header}")
                if ind != NONE:
                    value_columns[header] = ind
        mapping = Mapping(layout, columns, fixed, value_columns)

        st.subheader("3. Vérifier, puis importer")
        mode_label = st.radio("Si des valeurs existent déjà dans la base pour le même territoire, indicateur et "
                              "période :", ["Remplacer par celles du fichier", "Garder celles de la base"],
                              index=None, key="import_mode",
                              help="Les valeurs remplacées sont mises de côté : elles reviennent si l'import est annulé.")
        mode = {"Remplacer par celles du fichier": "replace", "Garder celles de la base": "keep"}.get(mode_label)
        buttons = st.columns([1, 1, 3])
        check = buttons[0].button("Vérifier seulement", icon=":material/fact_check:", key="import_check")
        confirm = buttons[1].button("Importer", type="primary", icon=":material/upload:", key="import_confirm",
                                    disabled=in_demo or room.read_only(state.workspace_path()),
                                    help="La démonstration reste fictive : créez votre espace de "
                                    "travail (en haut de la page) pour importer." if in_demo else None)
        if check or confirm:
            bar = st.progress(0.0, text="Lecture du fichier…")
            run_options = ImportOptions(mode=mode, dry_run=check, partner=partner, comment=comment or None,
                                        mapping=mapping, indicators_file=declared,
                                        progress=lambda fraction, label: bar.progress(min(1.0, fraction), text=plain(label)))
            try:
                with state.cursor() as cur:
                    report = import_file(cur, data, run_options)
            except DQError as exc:
                frame.show_error(exc)
            else:
                bar.empty()
                show_report(report)
                if report.status == ImportStatus.IMPORTED:
                    st.cache_data.clear()         # every page shows the new figures at once
                    st.session_state["import_done"] = report.batch_id

st.divider()
st.header("Historique des imports")
if message := st.session_state.pop("undo_message", None):
    st.success(message, icon=":material/undo:")
history = cache.import_history(state.data_key())
if not history:
    st.info("Aucun import dans cette base pour l'instant.")
else:
    st.dataframe([{
        "N°": h.id, "Date": fmt.date_fr(h.imported_at) + f" {h.imported_at:%H:%M}", "Fichier": h.file or "",
        "Partenaire": h.partner or "", "Valeurs enregistrées": h.rows, "Remplacées": h.replaced,
        "Secrètes": h.secret, "État": "annulé" if h.status == BatchStatus.UNDONE else "importé",
        "Commentaire": h.comment or "", "Empreinte (SHA-256)": (h.file_hash or "")[:12]}
        for h in history], hide_index=True, width="stretch", key="import_history")
    active = [h for h in history if h.undoable]
    if active:
        cols = st.columns([3, 1])
        chosen = cols[0].selectbox("Annuler un import", [h.id for h in active], index=None,
                                   format_func=lambda i: next(f"n° {h.id} — {h.file} ({fmt.date_fr(h.imported_at)})"
                                                              for h in active if h.id == i),
                                   placeholder="Choisissez l'import à annuler", key="undo_choice")
        if cols[1].button("Annuler cet import", icon=":material/undo:", disabled=chosen is None, key="undo_button"):
            try:
                with state.cursor() as cur:
                    entry = undo_import(cur, chosen)
            except DQError as exc:
                frame.show_error(exc)
            else:
                st.cache_data.clear()
                st.session_state["undo_message"] = plain(
                    f"Import n° {entry.id} (« {entry.file} ») annulé : ses {fmt.number(entry.rows, 0)} valeurs "
                    "sont retirées et celles qu'il avait remplacées sont revenues.")
                st.rerun()
