"""Données officielles: import the files downloaded from INSEE and ANCT (a folder or uploads)."""

from pathlib import Path

import streamlit as st

from dq_core import fmt
from dq_core.errors import DQError
from dq_core.files.fetch import fetch_official, load_sources
from dq_core.files.official import collect_folder, collect_uploads, import_sources
from dq_core.store import workspace
from ui import cache, first_steps, frame, state
from ui.render.text import plain

frame.require_app()
REPORT_KEY = "official_report"

st.title("Données officielles")
st.markdown(
    "Importez les fichiers téléchargés chez l'Insee et l'ANCT : bases thématiques par quartier "
    "(démographie, insertion professionnelle, revenus), contours et listes des quartiers 2015 et 2024, "
    "correspondance entre les deux géographies, et pour les territoires de référence les fichiers Filosofi "
    "des revenus disponibles (communes, EPCI, départements, régions, France métropolitaine) et Caf par IRIS ; "
    "pour l'énergie, la consommation Enedis par adresse et les températures ou degrés-jours (ODRE, « Export "
    "DJU », Météo-France quotidien). Chaque fichier est reconnu d'après son contenu, quel que "
    "soit son nom ; un fichier déjà importé est ignoré, une nouvelle édition ajoute ses années.")

with st.expander("Quels fichiers télécharger, et où", icon=":material/travel_explore:",
                 expanded=cache.official_batches(state.data_key()).empty):
    first_steps.official_downloads()

if cache.is_demo(state.data_key()):
    st.info("La base ouverte est la **démonstration** : les données officielles vont dans votre propre "
            "espace de travail, qui reste séparé des données fictives.", icon=":material/info:")
    first_steps.offer_own_workspace("create_for_import", "Données officielles")
    st.stop()


def run_import(sources) -> None:
    bar = st.progress(0.0, text="Préparation…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / total if total else 1.0,
                     text=f"Fichier {min(done + 1, total)} sur {total} : {plain(name)}" if name else "Terminé.")
    try:
        with state.cursor() as cur:
            report = import_sources(cur, sources, progress)
    except DQError as exc:
        frame.show_error(exc)
        return
    st.session_state[REPORT_KEY] = report
    st.rerun()             # the sidebar's quartier list follows the new data


def import_folder_form() -> None:
    folder = st.text_input("Dossier contenant les fichiers téléchargés",
                           placeholder=str(Path.home() / "Téléchargements" / "donnees-qpv"),
                           help="Tous les fichiers du dossier et de ses sous-dossiers sont examinés, archives "
                           "zip comprises (les liens symboliques ne sont pas suivis).")
    if st.button("Importer le dossier", type="primary", disabled=not folder.strip()):
        try:
            sources = collect_folder(folder.strip())
        except DQError as exc:
            frame.show_error(exc)
        else:
            if not sources:
                frame.show_error(DQError(f"Aucun fichier dans « {folder.strip()} »."))
            else:
                run_import(sources)


# On a shared server (DQ_SHARED_SERVER) nothing reads a path typed in the browser: upload only.
if workspace.shared_server():
    upload_tab, online_tab = st.tabs(["Envoyer des fichiers", "Mettre à jour en ligne"])
else:
    folder_tab, upload_tab, online_tab = st.tabs(["Depuis un dossier", "Envoyer des fichiers",
                                                  "Mettre à jour en ligne"])
    with folder_tab:
        import_folder_form()
with upload_tab:
    uploads = st.file_uploader("Fichiers (CSV, Excel, GeoJSON, zip, ou les fichiers d'un shapefile)",
                               accept_multiple_files=True, key="official_uploads")
    if st.button("Importer les fichiers envoyés", type="primary", disabled=not uploads):
        run_import(collect_uploads([(u.name, u.getvalue()) for u in uploads]))
with online_tab:
    try:
        configured = load_sources()
    except DQError as exc:
        configured = []
        frame.show_error(exc)
    st.markdown("Télécharge les fichiers à jour chez leurs producteurs (connexion internet nécessaire), "
                "puis les importe. Adresses utilisées (modifiables dans `data/official_sources.toml`) :")
    for source in configured:
        st.markdown(f"- {plain(source.name)}")
    if st.button("Télécharger et importer", disabled=not configured):
        import tempfile

        bar = st.progress(0.0, text="Téléchargement…")
        with tempfile.TemporaryDirectory(prefix="dq-officiel-") as tmp, state.cursor() as cur:
            try:
                report = fetch_official(cur, Path(tmp), progress=lambda d, t, n: bar.progress(
                    d / t if t else 1.0, text=plain(n) if n else "Terminé."))
            except DQError as exc:
                frame.show_error(exc)
            else:
                st.session_state[REPORT_KEY] = report
                st.rerun()

report = st.session_state.get(REPORT_KEY)
if report is not None:
    st.subheader("Dernier import")
    getattr(st, report.level)(report.summary())
    st.dataframe([{"Fichier": o.name, "Résultat": o.status_label, "Détail": o.message} for o in report.outcomes],
                 hide_index=True, width="stretch",
                 column_config={"Détail": st.column_config.TextColumn(width="large")})

st.subheader("Fichiers officiels de cette base")
batches = cache.official_batches(state.data_key())
if batches.empty:
    st.caption("Aucun fichier officiel importé pour l'instant.")
else:
    st.dataframe([{"Fichier": row.file_name, "Contenu": row.comment,
                   "Importé le": fmt.date_fr(row.imported_at), "Valeurs": fmt.number(row.rows_inserted, 0)}
                  for row in batches.itertuples()], hide_index=True, width="stretch")
    st.caption("Chaque fichier est un import de l'historique : il s'annule exactement (valeurs, quartiers, "
               "rattachements et correspondances) depuis la page « Importer », rubrique « Historique des imports ».")
