"""Stand-ins for time, keys and checks that only the tests need."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from backcoach.timer.clock import Clock
from backcoach.timer.keys import Key


class FakeClock:
    """A clock that only moves when something sleeps on it. For tests."""

    scale = 1.0

    def __init__(self, start: float = 1000.0) -> None:
        self.time = start

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.time += seconds


class ScriptedKeys:
    """Keys pressed at given times (seconds after this was made), on a fake clock. For tests."""

    def __init__(self, clock: Clock, script: Iterable[tuple[float, str]] = ()) -> None:
        self.clock = clock
        origin = clock.now()
        self.pending = sorted((origin + at, name) for at, name in script)

    def read(self, timeout: float | None) -> Key | None:
        now = self.clock.now()
        if self.pending and (timeout is None or self.pending[0][0] <= now + timeout):
            at, name = self.pending.pop(0)
            self.clock.sleep(max(0.0, at - now))
            return Key(name, self.clock.now())
        if timeout is None:
            raise RuntimeError("scripted keys ran out while the session waits for a key")
        self.clock.sleep(timeout)
        return None

    def suspended(self) -> AbstractContextManager[None]:
        return nullcontext()

    def __enter__(self) -> ScriptedKeys:
        return self

    def __exit__(self, *_: object) -> None:
        return None


def integrity_ok(path: Path) -> bool:
    """SQLite's own check of a database file."""
    connection = sqlite3.connect(path)
    try:
        return bool(connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    finally:
        connection.close()
