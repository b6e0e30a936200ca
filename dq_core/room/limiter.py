"""Guessing the access code, slowed and bounded: per-client delays and lock-outs, and a ceiling for
the whole room (many clients guessing together)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

FREE_ATTEMPTS = 3          # typing mistakes: no delay for the first ones
LOCK_AFTER = 6             # failures in a row before a lock-out
LOCK_SECONDS = 300.0       # first lock-out; doubles with each new one (at most LONGEST_LOCK)
LONGEST_LOCK = 3600.0
ROOM_FAILURES_PER_MINUTE = 30   # beyond this, every client waits (a distributed guess)
MAX_CLIENTS = 10_000       # clients remembered; past it, those not locked out are forgotten


@dataclass
class _Client:
    failures: int = 0
    locks: int = 0
    locked_until: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """What happens to one attempt: wait `delay` seconds before answering; `locked_for` > 0 means the
    attempt is refused without being checked."""
    delay: float = 0.0
    locked_for: float = 0.0

    @property
    def refused(self) -> bool:
        return self.locked_for > 0


@dataclass
class AttemptLimiter:
    """Counts failed attempts per client (its IP address). Thread-safe; `clock` is injectable for tests."""
    clock: Callable[[], float] = time.monotonic
    _clients: dict[str, _Client] = field(default_factory=dict)
    _room_failures: deque = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def before(self, client: str) -> Verdict:
        """Called before checking an attempt: refused while locked out or while the room is flooded."""
        now = self.clock()
        with self._lock:
            state = self._clients.get(client)
            if state and state.locked_until > now:
                return Verdict(locked_for=state.locked_until - now)
            self._forget_old(now)
            if len(self._room_failures) >= ROOM_FAILURES_PER_MINUTE:
                return Verdict(locked_for=60.0 - (now - self._room_failures[0]))
            failures = state.failures if state else 0
        return Verdict(delay=self.delay(failures))

    @staticmethod
    def delay(failures: int) -> float:
        """Seconds to wait before answering after `failures` failures in a row: 0, then 1, 2, 4, 8 s."""
        extra = failures - FREE_ATTEMPTS + 1
        return 0.0 if extra <= 0 else min(2.0 ** (extra - 1), 8.0)

    def failed(self, client: str) -> Verdict:
        """Record a wrong code; returns the lock-out it causes, if any."""
        now = self.clock()
        with self._lock:
            if len(self._clients) >= MAX_CLIENTS:
                self._clients = {k: v for k, v in self._clients.items() if v.locked_until > now}
            state = self._clients.setdefault(client, _Client())
            state.failures += 1
            self._room_failures.append(now)
            if state.failures >= LOCK_AFTER:
                seconds = min(LOCK_SECONDS * 2 ** state.locks, LONGEST_LOCK)
                state.locks += 1
                state.failures = 0
                state.locked_until = now + seconds
                return Verdict(locked_for=seconds)
        return Verdict()

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def _forget_old(self, now: float) -> None:
        while self._room_failures and now - self._room_failures[0] >= 60.0:
            self._room_failures.popleft()
