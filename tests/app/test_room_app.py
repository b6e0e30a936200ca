"""The training room through app.py (AppTest): nothing without the code, each participant in their own
copy (a group made by one never shows on another's screen), deep links, the trainer's page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dq_core.explore import groups
from dq_core.room.session import remove_room
from dq_core.store import db
from tests.room_fixtures import participant_token, tiny_room
from ui.room import TOKEN_KEY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def room(tmp_path, tiny_db, monkeypatch):
    made = tiny_room(tmp_path, tiny_db)
    monkeypatch.setenv("DQ_ROOM_DIR", str(made.folder))
    monkeypatch.setenv("DQ_SHARED_SERVER", "1")
    monkeypatch.delenv("DQ_DB", raising=False)
    yield made
    remove_room(made)


def visit(token: str | None, page: str | None = None, **query) -> AppTest:
    """One browser session of the room: its cookie, a link, then a page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if token:
        at.session_state[TOKEN_KEY] = token
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("title", "markdown", "caption", "info", "success", "error", "metric")
                    for e in getattr(at, kind) if isinstance(e.value, str))


def test_without_the_code_no_page_and_no_figure(room):
    at = visit(None, quartier="QNX0101M")
    assert "Entrez d'abord le code d'accès" in texts(at)
    assert not at.sidebar.selectbox and "Les Tilleuls" not in texts(at)
    assert not list((room.folder / "copies").iterdir())                 # no copy made either


def test_a_group_made_by_one_participant_never_reaches_another(room):
    alice, bruno = participant_token(room), participant_token(room)
    at = visit(alice, "pages/evolution.py", quartier="QNX0101M", indicateurs="taux_pauvrete")
    assert "participant n° 1" in " ".join(c.value for c in at.sidebar.caption)
    at.text_input(key="grp_name").input("Groupe d'Alice")
    at.multiselect(key="grp_members").select("QNX0101M").select("QNX0102I")
    at.button(key="grp_save").click().run()
    assert not at.exception and any("Groupe d'Alice" in s.value for s in at.success)

    other = visit(bruno, "pages/evolution.py", quartier="QNX0101M", indicateurs="taux_pauvrete")
    assert "participant n° 2" in " ".join(c.value for c in other.sidebar.caption)
    assert not [b for b in other.button if b.key == "grp_delete_GRP0001"]
    assert "Groupe d'Alice" not in texts(other)
    again = visit(alice, "pages/evolution.py", quartier="QNX0101M")   # a reload: still Alice, her group
    assert [b for b in again.button if b.key == "grp_delete_GRP0001"]

    copies = sorted((room.folder / "copies").glob("*.duckdb"))
    assert len(copies) == 2
    found = []
    for copy in copies:
        con = db.connect(copy)
        found.append(len(groups.list_groups(con.cursor())))
        con.close()
    assert sorted(found) == [0, 1]
    with db.connect_read_only(room.reference).cursor() as cur:
        assert groups.list_groups(cur) == []                              # the shared demo is untouched


def test_a_deep_link_opens_the_view_in_the_participants_own_copy(room):
    at = visit(participant_token(room), "pages/fiche.py", quartier="QNX0102I")
    assert at.sidebar.selectbox(key="quartier").value == "QNX0102I"
    assert "Le Plateau" in texts(at)
    labels = at.sidebar.selectbox(key="workspace_choice").options
    assert labels == ["Ma copie de la démonstration (participant n° 1)"]   # nothing else from this computer
    assert not [b for b in at.sidebar.button if b.key == "create_workspace"]


def test_the_trainer_counts_allows_imports_and_resets(room):
    alice = participant_token(room)
    visit(alice)
    trainer = room.token(room.enter(room.trainer_code))
    at = visit(trainer, "ui/room_page.py")
    assert "Salle de formation" in texts(at) and room.code in " ".join(c.value for c in at.code)
    assert at.metric[0].value == "1"
    importer = visit(alice, "pages/importer.py")
    assert "ouvert par la personne qui anime" in texts(importer)
    at.toggle(key="room_imports_allowed").set_value(True).run()
    assert room.imports_allowed
    assert "ouvert par la personne qui anime" not in texts(visit(alice, "pages/importer.py"))
    first_copy = room.copy_path(room.participants()[0].id)
    at.selectbox(key="room_reset_choice").set_value(1).run()
    at.button(key="room_reset_one").click().run()
    assert "n° 1 retrouve la démonstration" in texts(at)
    visit(alice)
    assert not first_copy.exists() and room.copy_path(room.participants()[0].id).exists()


def test_a_participant_has_no_trainer_page(room):
    at = visit(participant_token(room))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("ui/room_page.py")                  # not in a participant's navigation at all
    assert room.trainer_code not in texts(at) and room.code not in texts(at)


def test_the_room_server_listens_where_told_and_sends_nothing_outside(room, monkeypatch):
    from ui import room_server

    monkeypatch.setenv("DQ_ROOM_ADDRESS", "192.168.1.20")
    monkeypatch.setenv("DQ_ROOM_PORT", "8501")
    config = room_server.config(room)
    assert (config["server.address"], config["server.port"]) == ("192.168.1.20", 8501)
    assert config["server.enableXsrfProtection"] is True and config["browser.gatherUsageStats"] is False
    assert config["server.maxUploadSize"] == room.upload_mb == 20


def test_an_import_and_its_undo_stay_in_the_participants_own_copy(room):
    from tests.import_files import HEADER, csv_bytes

    room.allow_imports(True)
    alice, bruno = participant_token(room), participant_token(room)
    at = visit(alice, "pages/importer.py")
    at.file_uploader(key="import_files").set_value([("bailleur.csv", csv_bytes(HEADER, "QNX0101M;pop_totale;2024;3 200"),
                                                     "text/csv")]).run()
    at.button(key="import_confirm").click().run()
    assert not at.exception and any("enregistré" in s.value for s in at.success)
    assert [b for b in at.button if b.key == "undo_button"]                       # Alice can undo it
    other = visit(bruno, "pages/importer.py")
    assert "Aucun import dans cette base pour l'instant." in texts(other)         # Bruno's copy: nothing
    at.selectbox(key="undo_choice").select(at.selectbox(key="undo_choice").options[0]).run()
    at.button(key="undo_button").click().run()
    assert not at.exception and any("annulé" in s.value for s in at.success)
    assert "Aucun import dans cette base pour l'instant." in texts(visit(bruno, "pages/importer.py"))
