"""The training room's core: codes, guesses slowed and bounded, identities, copies, resets."""

from __future__ import annotations

import subprocess

import duckdb
import pytest

from dq_core.errors import DQError
from dq_core.room import cli, limiter, proxy, words
from dq_core.room.connections import ConnectionPool, drop_stale_copies
from dq_core.room.limiter import AttemptLimiter
from dq_core.room.session import Room, create_room, remove_room
from dq_core.store import db, failures
from tests.room_fixtures import CODE, forged_token, participant_token, tiny_room


@pytest.fixture
def room(tmp_path, tiny_db):
    made = tiny_room(tmp_path, tiny_db)
    yield made
    remove_room(made)


def test_codes_are_words_typed_any_way():
    code = words.new_code()
    assert len(code.split("-")) == 3 and all(w in words.WORDS for w in code.split("-"))
    assert words.same_code("  Lune CASTOR  tulipe ", CODE)
    assert words.same_code("lune, castor, tulipé", CODE)
    assert not words.same_code("lune castor", CODE)
    assert len(set(words.WORDS)) == len(words.WORDS) >= 400


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_guesses_are_slowed_then_locked_out_and_the_lock_grows():
    clock = Clock()
    guard = AttemptLimiter(clock=clock)
    delays = []
    for _ in range(limiter.LOCK_AFTER - 1):
        delays.append(guard.before("10.0.0.5").delay)
        assert not guard.failed("10.0.0.5").refused
    assert delays == [0, 0, 0, 1, 2]
    lock = guard.failed("10.0.0.5")
    assert lock.locked_for == limiter.LOCK_SECONDS
    assert guard.before("10.0.0.5").refused                  # even the right code is not checked now
    assert not guard.before("10.0.0.6").refused               # another laptop is not punished
    clock.now += limiter.LOCK_SECONDS + 1
    assert not guard.before("10.0.0.5").refused
    for _ in range(limiter.LOCK_AFTER):
        second = guard.failed("10.0.0.5")
    assert second.locked_for == 2 * limiter.LOCK_SECONDS       # a second lock-out lasts twice as long


def test_the_whole_room_is_bounded_against_many_guessers():
    clock = Clock()
    guard = AttemptLimiter(clock=clock)
    for i in range(limiter.ROOM_FAILURES_PER_MINUTE):
        guard.failed(f"10.0.1.{i}")
    assert guard.before("10.0.2.1").refused
    clock.now += 61
    assert not guard.before("10.0.2.1").refused


def test_a_success_forgets_the_mistakes():
    guard = AttemptLimiter(clock=Clock())
    for _ in range(4):
        guard.failed("p")
    guard.succeeded("p")
    assert guard.before("p").delay == 0


def test_codes_open_numbered_participants_and_the_trainer(room):
    assert room.enter("pas le code") is None
    first, second = room.enter(CODE), room.enter("Lune Castor Tulipe")
    assert (first.number, second.number) == (1, 2) and first.id != second.id
    trainer = room.enter(room.trainer_code)
    assert trainer.is_trainer and not first.is_trainer
    assert room.trainer_code != room.code
    assert [p.number for p in room.participants()] == [1, 2]


def test_identities_cannot_be_forged_or_carried_to_another_session(room, tmp_path, tiny_db):
    token = participant_token(room)
    assert room.identity(token).number == 1
    assert room.identity(forged_token(room)) is None
    assert room.identity("formateur.formateur.0.x") is None
    assert room.identity(None) is None and room.identity("") is None
    other = tiny_room(tmp_path, tiny_db)
    assert other.identity(token) is None                       # a cookie from yesterday's session


def test_each_participant_has_a_copy_and_resets_give_fresh_ones(room):
    a, b = room.enter(CODE), room.enter(CODE)
    copy_a, copy_b = room.ensure_copy(a.id), room.ensure_copy(b.id)
    assert copy_a != copy_b and copy_a.exists() and copy_b.exists()
    assert room.owns(a, copy_a) and not room.owns(a, copy_b)
    room.reset(a.id)
    assert room.copy_path(a.id) != copy_a and room.copy_path(b.id) == copy_b
    assert room.stale_copies(a.id) == [copy_a]
    pool = ConnectionPool()
    pool.get(room, copy_a)
    drop_stale_copies(room, pool, a.id)
    assert not copy_a.exists() and pool.open_count() == 0
    room.reset()
    assert room.copy_path(b.id) != copy_b
    assert not room.owns(b, copy_b)


def test_a_full_room_says_so(room, monkeypatch):
    from dq_core.room import session

    monkeypatch.setattr(session, "MAX_PARTICIPANTS", 2)
    room.enter(CODE), room.enter(CODE)
    with pytest.raises(DQError, match="complète"):
        room.enter(CODE)
    assert room.enter(room.trainer_code).is_trainer             # the trainer still gets in


def test_the_trainer_opens_imports(room):
    assert not room.imports_allowed
    room.allow_imports(True)
    assert Room(room.folder).imports_allowed


def test_shared_workspaces_are_read_only_and_say_so_in_french(tmp_path, tiny_db, user_db):
    room = tiny_room(tmp_path, tiny_db, offered=[user_db])
    (offered,) = room.offered
    assert offered.name.endswith("(lecture seule)") and room.is_reference(offered.path)
    pool = ConnectionPool()
    with pool.get(room, offered.path).cursor() as cur:
        assert db.data_version(cur)
        with pytest.raises(duckdb.Error) as caught:
            cur.execute("DELETE FROM observation")
    assert "lecture seule" in failures.explain(caught.value).message
    identity = room.enter(CODE)
    assert room.owns(identity, offered.path)


def test_the_end_of_the_session_removes_every_copy(room):
    room.ensure_copy(room.enter(CODE).id)
    remove_room(room)
    assert not room.folder.exists()


def test_a_chosen_code_too_short_is_refused(tmp_path, tiny_db):
    with pytest.raises(DQError, match="trop court"):
        create_room(tmp_path, code="ab", model=tiny_db)
    assert not list(tmp_path.glob("dq-formation-*"))            # nothing left behind


def test_the_banner_gives_addresses_and_the_access_code_line(room):
    args = cli.parser().parse_args(["--adresse", "127.0.0.1", "--port", "8600"])
    room.set_addresses(["http://127.0.0.1:8600"])
    text = cli.banner(room, args)
    assert f"Code d'accès : {CODE}" in text.splitlines()
    assert "http://127.0.0.1:8600" in text and room.trainer_code in text and "█" in text


def test_nginx_keeps_each_participant_on_one_process_and_the_code_page_on_the_first(room):
    config = proxy.nginx_config(room.folder, "192.168.1.20", 8501, [8502, 8503], upload_mb=20)
    assert "hash $cookie_dq_salle consistent;" in config and "listen 192.168.1.20:8501;" in config
    assert "server 127.0.0.1:8502 max_fails=0;" in config and "server 127.0.0.1:8503 max_fails=0;" in config
    entry = config.split("upstream entree {", 1)[1].split("}", 1)[0]
    assert "8502" in entry and "8503" not in entry
    assert "client_max_body_size 21m;" in config and "proxy_set_header Upgrade $http_upgrade;" in config
    if proxy.nginx_path():                              # Debian's nginx, when installed, accepts it
        path = proxy.write_nginx_config(room.folder, "127.0.0.1", 8501, [8502, 8503], 20)
        checked = subprocess.run([proxy.nginx_path(), "-t", "-c", str(path), "-p", str(path.parent), "-e",
                                  str(path.parent / "error.log")], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
