"""Stop signals (SIGTERM, SIGHUP, SIGQUIT) as an exception, so a session ends cleanly:
the terminal given back, the alternate screen left, what was done saved."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Stopped(Exception):
    """A stop signal (SIGTERM, SIGHUP, SIGQUIT) arrived."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


# A closed terminal (SIGHUP) or Ctrl-\ (SIGQUIT) is handled like SIGTERM: the terminal
# restored, the session saved. SIGHUP and SIGQUIT do not exist on Windows.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Stop signals become an exception, so `finally` blocks restore the terminal."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
