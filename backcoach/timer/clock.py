"""Clocks: the system's monotonic clock, optionally scaled for demos and tests.

Session time is what the plan counts in. A scaled clock runs session time
faster (or slower) than real time: with scale 0.01, one session second lasts
ten real milliseconds. Waiting always goes through the clock so that the fake
clock of the tests (tests/fakes.py) can run a 20-minute session in milliseconds.
"""

from __future__ import annotations

import os
import time
from typing import Protocol

from backcoach.errors import UsageError


class Clock(Protocol):
    scale: float

    def now(self) -> float:
        """Session seconds on a monotonic clock."""

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` of session time."""


class SystemClock:
    """Real time, optionally scaled by BACKCOACH_TIME_SCALE."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def now(self) -> float:
        return time.monotonic() / self.scale

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds * self.scale)


def time_scale() -> float:
    """BACKCOACH_TIME_SCALE as a float > 0; 1 when unset."""
    raw = os.environ.get("BACKCOACH_TIME_SCALE", "").strip()
    if not raw:
        return 1.0
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"BACKCOACH_TIME_SCALE must be a number > 0, not {raw!r}") from None
    if not 0 < value <= 1000 or value != value:
        raise UsageError(
            f"BACKCOACH_TIME_SCALE must be a number > 0 (and at most 1000), not {raw!r}"
        )
    return value
