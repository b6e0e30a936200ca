"""One training session on disk: its codes, the participants, their copies of the demo, the trainer's
settings. Every server process of the room reads the same folder (a temporary one, removed at the end).

    <room>/room.json            secret, access code, trainer code, reference workspaces (written once)
    <room>/settings.json        imports allowed, reset generations (written by the trainer's page)
    <room>/participants/N.json  one file per participant, N their number (created atomically)
    <room>/reference/*.duckdb   the demo and the read-only workspaces, snapshots taken at the start
    <room>/copies/ID-G.duckdb   a participant's own copy of the demo, G its generation (resets)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from dq_core.errors import DQError
from dq_core.room import words
from dq_core.store import db

TRAINER = "formateur"
PARTICIPANT = "participant"
MAX_PARTICIPANTS = 200     # each gets a copy on disk: whoever has the code cannot fill the disk


@dataclass(frozen=True)
class Identity:
    role: str                  # TRAINER or PARTICIPANT
    id: str                    # random, never shown
    number: int                # shown: « participant n° 3 »

    @property
    def is_trainer(self) -> bool:
        return self.role == TRAINER


@dataclass(frozen=True)
class Participant:
    id: str
    number: int
    arrived: float
    has_copy: bool


@dataclass(frozen=True)
class Offered:
    """A workspace offered to everyone, read-only (a snapshot of a real workspace, or the demo)."""
    name: str
    path: Path


class Room:
    """A training session; cheap to build (each page run makes one from the folder)."""

    def __init__(self, folder: Path):
        self.folder = Path(os.path.abspath(folder))
        config = json.loads((self.folder / "room.json").read_text(encoding="utf-8"))
        self._secret = bytes.fromhex(config["secret"])
        self.code: str = config["code"]
        self.trainer_code: str = config["trainer_code"]
        self.upload_mb: int = config.get("upload_mb", 20)
        self.reference = self.folder / "reference" / "demo.duckdb"
        self.offered = [Offered(o["name"], self.folder / "reference" / o["file"]) for o in config["offered"]]
        self._settings: dict = {}
        self._settings_stamp: tuple | None = None
        self._reference_dir = os.path.abspath(self.folder / "reference")
        self._offered_paths = {os.path.abspath(o.path) for o in self.offered}

    # --- who is who ------------------------------------------------------------------------------

    def token(self, identity: Identity) -> str:
        """The cookie value that names a participant or the trainer (signed: it cannot be forged)."""
        body = f"{identity.role}.{identity.id}.{identity.number}"
        return f"{body}.{self._sign(body)}"

    def identity(self, token: str | None) -> Identity | None:
        """Who a cookie names, or None for a missing, forged or foreign one (another session's)."""
        if not token or token.count(".") != 3:
            return None
        body, signature = token.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        role, ident, number = body.split(".")
        if role not in (TRAINER, PARTICIPANT) or not number.isdigit():
            return None
        return Identity(role, ident, int(number))

    def _sign(self, body: str) -> str:
        return hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()[:32]

    def enter(self, typed_code: str) -> Identity | None:
        """The identity a typed code opens: a new participant, the trainer, or None (wrong code)."""
        if words.same_code(typed_code, self.trainer_code):
            return Identity(TRAINER, "formateur", 0)
        if words.same_code(typed_code, self.code):
            return self._new_participant()
        return None

    def _new_participant(self) -> Identity:
        folder = self.folder / "participants"
        ident = secrets.token_hex(8)
        number = len(list(folder.glob("*.json"))) + 1
        while True:        # O_EXCL: two processes never give out the same number
            if number > MAX_PARTICIPANTS:
                raise DQError(f"La salle est complète ({MAX_PARTICIPANTS} participants) : demandez à la personne "
                              "qui anime la formation.")
            try:
                fd = os.open(folder / f"{number}.json", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                number += 1
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"id": ident, "arrived": time.time()}, out)
            return Identity(PARTICIPANT, ident, number)

    def participants(self) -> list[Participant]:
        found = []
        for file in (self.folder / "participants").glob("*.json"):
            try:
                record = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError):     # being written this very moment
                continue
            has_copy = any((self.folder / "copies").glob(f"{record['id']}-*.duckdb"))
            found.append(Participant(record["id"], int(file.stem), record["arrived"], has_copy))
        return sorted(found, key=lambda p: p.number)

    def addresses(self) -> list[str]:
        """The addresses participants type (written by the launcher once the room listens)."""
        try:
            return json.loads((self.folder / "addresses.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []

    def set_addresses(self, urls: list[str]) -> None:
        _write_atomically(self.folder / "addresses.json", json.dumps(urls))

    # --- the trainer's settings ------------------------------------------------------------------

    def settings(self) -> dict:
        """The trainer's settings as on disk (read again only when the file changed: every page run asks)."""
        path = self.folder / "settings.json"
        try:
            stamp = path.stat()
            stamp = (stamp.st_mtime_ns, stamp.st_size, stamp.st_ino)
            if stamp != self._settings_stamp:
                self._settings, self._settings_stamp = json.loads(path.read_text(encoding="utf-8")), stamp
            return self._settings
        except (OSError, ValueError):
            return {"imports_allowed": False, "generation": 0, "resets": {}}

    def _save_settings(self, settings: dict) -> None:
        _write_atomically(self.folder / "settings.json", json.dumps(settings))

    @property
    def imports_allowed(self) -> bool:
        return bool(self.settings().get("imports_allowed"))

    def allow_imports(self, allowed: bool) -> None:
        settings = self.settings()
        settings["imports_allowed"] = bool(allowed)
        self._save_settings(settings)

    def reset(self, participant_id: str | None = None) -> None:
        """Give one participant (or everyone) a fresh copy of the demo at their next click."""
        settings = self.settings()
        if participant_id is None:
            settings["generation"] = settings.get("generation", 0) + 1
        else:
            resets = settings.setdefault("resets", {})
            resets[participant_id] = resets.get(participant_id, 0) + 1
        self._save_settings(settings)

    # --- copies ----------------------------------------------------------------------------------

    def copy_path(self, participant_id: str) -> Path:
        """The participant's copy at the current generation (it may not exist yet)."""
        settings = self.settings()
        generation = f"{settings.get('generation', 0)}.{settings.get('resets', {}).get(participant_id, 0)}"
        return self.folder / "copies" / f"{participant_id}-{generation}.duckdb"

    def ensure_copy(self, participant_id: str) -> Path:
        """The participant's own copy of the demo, made at their first visit or after a reset."""
        if not all(c.isalnum() for c in participant_id):
            raise DQError("Identifiant de participant invalide.")
        target = self.copy_path(participant_id)
        if not target.exists():
            partial = target.with_suffix(".partial")
            shutil.copyfile(self.reference, partial)
            os.replace(partial, target)      # a half-copied file is never opened
        return target

    def stale_copies(self, participant_id: str) -> list[Path]:
        """The participant's copies from before a reset (to close, then delete)."""
        current = self.copy_path(participant_id)
        return [p for p in (self.folder / "copies").glob(f"{participant_id}-*.duckdb") if p != current]

    # Plain string comparisons of absolute paths (no file system call): every page run asks many times.
    def is_reference(self, path: Path) -> bool:
        """Whether `path` is one of the read-only workspaces shared by every participant."""
        return os.path.dirname(os.path.abspath(path)) == self._reference_dir

    def owns(self, identity: Identity, path: Path) -> bool:
        """Whether this identity may open `path`: its own copy, or a shared read-only workspace."""
        path = os.path.abspath(path)
        return path == os.path.abspath(self.copy_path(identity.id)) or path in self._offered_paths


def create_room(parent: Path | None = None, *, code: str | None = None, model: Path | None = None,
                offered: list[Path] | None = None, upload_mb: int = 20) -> Room:
    """A new session folder: fresh codes and secret, a snapshot of the demo (or of `model`, the workspace
    each participant gets a copy of) and of each offered workspace."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="dq-formation-", dir=parent))
    try:
        for sub in ("participants", "copies", "reference"):
            (folder / sub).mkdir()
        _snapshot(model or db.DEMO_DB_PATH, folder / "reference" / "demo.duckdb", demo=model is None)
        names = []
        for i, path in enumerate(offered or [], start=1):
            names.append({"name": _offered_name(path), "file": f"lecture-seule-{i}.duckdb"})
            _snapshot(path, folder / "reference" / names[-1]["file"], demo=False)
        config = {"secret": secrets.token_hex(32), "code": words.normalise(code) if code else words.new_code(),
                  "trainer_code": words.new_code(4), "offered": names, "upload_mb": upload_mb}
        if code is not None and len(words.normalise(code)) < 6:
            raise DQError("Le code d'accès choisi est trop court : prenez au moins deux mots (6 lettres ou plus).")
        _write_atomically(folder / "room.json", json.dumps(config))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Room(folder)


def _offered_name(path: Path) -> str:
    from dq_core.store import workspace

    return f"{workspace.display_name(Path(path))} (lecture seule)"


def _snapshot(source: Path, target: Path, *, demo: bool) -> None:
    """Copy a workspace as it is on disk, once brought to the current schema (migrations, checkpoint)."""
    from dq_core.store import workspace

    source = Path(source).expanduser().resolve()
    if demo:
        workspace.ensure_exists(source)
    elif not source.is_file():
        raise DQError(f"La base « {source} » n'existe pas : vérifiez le chemin donné.")
    con = db.connect(source)           # refuses a damaged file or one in use, in French
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    shutil.copyfile(source, target)


def remove_room(room: Room) -> None:
    """The end of the session: every copy and snapshot deleted."""
    shutil.rmtree(room.folder, ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
