"""Adresses: how many of my addresses lie in a quartier prioritaire — located on this computer, against the
national address base indexed in the workspace; only counts are kept on screen and shared."""

from __future__ import annotations

import streamlit as st

from dq_core import fmt
from dq_core.addresses.index import index_files, indexed_communes
from dq_core.addresses.locate import Columns, locate, shared_summary
from dq_core.addresses.match import QUALITY_LABELS
from dq_core.errors import DQError
from dq_core.export.tables import table_to_csv
from dq_core.files.kinds.address_list import guess_columns, read_addresses
from dq_core.files.read.source import FileSource
from ui import frame, state
from ui.render.text import plain

frame.require_app()
st.title("Adresses en quartier prioritaire")
st.markdown(
    "Combien des personnes que vous accompagnez habitent un quartier prioritaire, et lesquels ? Déposez la "
    "liste de leurs adresses : elle est localisée **sur cet ordinateur**, sans rien envoyer, et **rien n'en "
    "est enregistré** — seuls les comptes par quartier et par commune s'affichent.")

NONE = "—"
key = state.data_key()
with state.cursor() as cur:
    communes = indexed_communes(cur)

with st.expander("Base d'adresses de l'espace de travail" + ("" if communes else " (à installer)"),
                 expanded=not communes):
    if communes:
        st.markdown(f"**{fmt.number(len(communes), 0)} communes** indexées, "
                    f"{fmt.number(sum(c[2] for c in communes), 0)} adresses.")
    st.markdown("Téléchargez une fois, pour chaque département de vos adresses, le fichier de la **Base "
                "Adresse Nationale** tel qu'il est publié (`adresses-35.csv.gz` pour l'Ille-et-Vilaine…) sur "
                "`adresse.data.gouv.fr/data/ban/adresses/latest/csv/`, puis déposez-le ici.")
    ban = st.file_uploader("Fichier de la Base Adresse Nationale", type=["gz", "csv"], key="ban_upload")
    if st.button("Indexer ce fichier", disabled=ban is None):
        with st.spinner("Indexation…"), state.cursor() as cur:
            report = index_files(cur, [FileSource.from_bytes(ban.name, ban.getvalue())])
        outcome = report.outcomes[0]
        (st.error if report.errors else st.success)(plain(f"{outcome.name} : {outcome.message}"))

upload = st.file_uploader("Votre liste d'adresses (CSV ou Excel)", type=["csv", "txt", "xlsx"], key="addr_upload")
if upload is None:
    st.info("Déposez un tableau avec une colonne d'adresse (ou numéro, voie, code postal, commune), ou des "
            "coordonnées (latitude et longitude, ou x et y en Lambert-93).")
    st.stop()
try:
    table = read_addresses(FileSource.from_bytes(upload.name, upload.getvalue()))
except DQError as exc:
    frame.show_error(exc)
    st.stop()

header = list(table.columns)
guessed = guess_columns(header)
options = [NONE, *header]


def pick(label: str, value: str | None, name: str, column=st) -> str | None:
    chosen = column.selectbox(label, options, index=options.index(value) if value in options else 0,
                              key=f"addr_{name}")
    return None if chosen == NONE else chosen


how = st.radio("Votre fichier donne", ["l'adresse", "des coordonnées"], horizontal=True,
               index=1 if guessed.by_coordinates else 0, key="addr_how")
if how == "l'adresse":
    cols = st.columns(5)
    columns = Columns(address=pick("Adresse (une colonne)", guessed.address, "address", cols[0]),
                      number=pick("ou numéro", guessed.number, "number", cols[1]),
                      street=pick("et voie", guessed.street, "street", cols[2]),
                      postcode=pick("Code postal", guessed.postcode, "postcode", cols[3]),
                      commune=pick("Commune", guessed.commune, "commune", cols[4]))
else:
    cols = st.columns(4)
    columns = Columns(lat=pick("Latitude", guessed.lat, "lat", cols[0]), lon=pick("Longitude", guessed.lon, "lon", cols[1]),
                      x=pick("ou x (Lambert-93)", guessed.x, "x", cols[2]), y=pick("et y", guessed.y, "y", cols[3]))
vintage = st.radio("Géographie prioritaire", [2024, 2015], horizontal=True, key="addr_vintage",
                   format_func=lambda v: f"{v} ({'contrats de ville 2024-2030' if v == 2024 else 'ancienne'})")

# The result stays in this session's memory only (never in a cache shared between sessions, never on disk).
wanted = (upload.file_id, columns, vintage, key)
if st.session_state.get("addr_wanted") != wanted:
    try:
        with st.spinner("Localisation…"), state.cursor() as cur:
            st.session_state["addr_result"] = locate(cur, table, columns, vintage)
    except DQError as exc:
        st.session_state.pop("addr_result", None)
        frame.show_error(exc)
        st.stop()
    st.session_state["addr_wanted"] = wanted
located = st.session_state["addr_result"]

share = 100.0 * located.in_qpv / located.located if located.located else 0.0
metrics = st.columns(3)
metrics[0].metric("Adresses", fmt.number(located.total, 0))
metrics[1].metric("Localisées", fmt.number(located.located, 0))
metrics[2].metric(f"En quartier prioritaire ({vintage})", f"{fmt.number(located.in_qpv, 0)} "
                  f"({fmt.number(share, 1)} %)")
st.caption(" · ".join(f"{QUALITY_LABELS.get(q, q)} : {fmt.number(n, 0)}" for q, n in located.quality_counts().items()))

left, right = st.columns(2)
left.subheader("Par quartier")
left.dataframe(located.by_quartier.rename(columns={"code_quartier": "Code", "nom_quartier": "Quartier",
                                                   "adresses": "Adresses", "part": "Part (%)"}),
               hide_index=True, width="stretch")
right.subheader("Par commune")
right.dataframe(located.by_commune.rename(columns={"code_commune": "Code", "commune": "Commune", "adresses": "Adresses",
                                                   "dans_un_qpv": "En QPV", "part_qpv": "Part en QPV (%)"}),
                hide_index=True, width="stretch")

shared = shared_summary(located)
downloads = st.columns(2)
downloads[0].download_button(
    "Résumé à partager (CSV)", on_click="ignore", icon=":material/download:", mime="text/csv",
    file_name=f"adresses_en_qpv_{vintage}.csv",
    data=table_to_csv(shared["quartiers"].rename(columns={"code_quartier": "code", "nom_quartier": "quartier"})),
    help="Comptes par quartier ; les effectifs de moins de 11 adresses sont masqués (s), comme partout dans "
         "l'application.")
downloads[1].download_button(
    "Résultat adresse par adresse (pour vous seul)", on_click="ignore", icon=":material/download:",
    mime="text/csv", file_name="adresses_localisees.csv", data=table_to_csv(located.rows),
    help="Vos lignes avec leur quartier : ce sont vos données, sous votre responsabilité. L'application ne "
         "les garde nulle part.")

unmatched = located.unmatched
if len(unmatched):
    st.subheader(f"À corriger : {fmt.number(len(unmatched), 0)} adresses sans position")
    st.caption("Affichées tant que la page est ouverte, jamais enregistrées. Corrigez-les dans votre fichier et "
               "déposez-le à nouveau.")
    st.dataframe(unmatched[[*columns.used(), "qualite"]], hide_index=True, width="stretch")
