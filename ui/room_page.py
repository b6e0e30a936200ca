"""Salle de formation, the trainer's page script (registered by app.py for the trainer only, so not in
pages/, which every page test walks): how to join, who is there, imports on or off, fresh copies."""

from __future__ import annotations

import time

import streamlit as st

from dq_core import fmt
from dq_core.room import network
from dq_core.room.session import Room
from ui import frame, room


def show() -> None:
    frame.require_app()
    if not room.is_trainer():
        st.stop()
    the_room = room.room()
    st.title("Salle de formation")
    how_to_join(the_room)
    participants(the_room)
    reset_everyone(the_room)


def how_to_join(the_room: Room) -> None:
    """What the trainer projects: the address, its QR code and the access code."""
    left, right = st.columns([3, 2])
    urls = the_room.addresses()
    with left:
        st.subheader("Pour entrer")
        st.markdown("Adresse à ouvrir dans le navigateur :" if len(urls) == 1 else "Adresses (celle du réseau de la salle) :")
        for address in urls:
            st.code(address, language=None)
        st.markdown("Code d'accès :")
        st.code(the_room.code, language=None)
        st.caption("Projetez cette page : les participants scannent le QR code ou tapent l'adresse, puis le code.")
    if urls:
        right.image(network.svg_qr(urls[0]), caption=urls[0], width=260)


def participants(the_room: Room) -> None:
    st.subheader("Participants")
    people = the_room.participants()
    counts = st.columns(3)
    counts[0].metric("Participants entrés", fmt.number(len(people), 0))
    counts[1].metric("Copies de la démonstration ouvertes", fmt.number(sum(p.has_copy for p in people), 0))
    allowed = st.toggle("Autoriser les imports dans les copies des participants", value=the_room.imports_allowed,
                        key="room_imports_allowed",
                        help="Chaque import ne change que la copie de celui ou celle qui l'a fait.")
    if allowed != the_room.imports_allowed:
        the_room.allow_imports(allowed)
        st.rerun()
    if not people:
        st.info("Personne n'est encore entré : donnez l'adresse et le code d'accès.")
        return
    st.dataframe([{"Participant": f"n° {p.number}", "Arrivé à": time.strftime("%H h %M", time.localtime(p.arrived)),
                   "Copie ouverte": "oui" if p.has_copy else "pas encore"} for p in people],
                 hide_index=True, width="stretch", key="room_participants")
    numbers = {p.number: p.id for p in people}
    cols = st.columns([2, 2, 3], vertical_alignment="bottom")
    chosen = cols[0].selectbox("Participant", list(numbers), format_func=lambda n: f"n° {n}", index=None,
                               placeholder="Choisissez un participant", key="room_reset_choice")
    if cols[1].button("Réinitialiser sa copie", icon=":material/restart_alt:", disabled=chosen is None,
                      key="room_reset_one"):
        the_room.reset(numbers[chosen])
        st.success(f"Le participant n° {chosen} retrouve la démonstration d'origine à son prochain clic.")


def reset_everyone(the_room: Room) -> None:
    with st.expander("Réinitialiser toutes les copies"):
        st.markdown("Chaque participant (vous compris) retrouve la démonstration d'origine à son prochain clic : "
                    "ses imports et ses groupes sont effacés.")
        sure = st.checkbox("Je confirme : effacer le travail de tous les participants", key="room_reset_sure")
        if st.button("Réinitialiser toutes les copies", disabled=not sure, key="room_reset_all", type="primary"):
            the_room.reset()
            st.success("Toutes les copies seront refaites à neuf au prochain clic de chacun.")


show()
