"""What `stats` and `report` read: the few facts they need, computed in SQL
(history/overview.py), never a record per session (ten years of daily sessions is
3,650 sessions and 77,000 exercises)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class SessionFacts(NamedTuple):
    id: int
    started_at: datetime
    completed: bool
    seconds_done: float
    pain_before: int | None
    pain_after: int | None
    # Asked when the person has leg symptoms (CLINICAL.md, "Leg pain and back pain").
    leg_pain_before: int | None = None
    leg_pain_after: int | None = None


class ExerciseTally(NamedTuple):
    """One exercise over the whole history."""

    id: str
    name: str
    tried: int  # reached: done, partial, skipped or stopped
    done: int
    skipped: int  # skipped or stopped
    stopped: int  # stopped because leg symptoms spread
    latest_dose: str  # as the routine keeps it (never a flare-up day's or a desk break's)
    hurt: int = 0  # stopped for sharp pain (the `x` key)


class RedFlagAnswer(NamedTuple):
    started_at: datetime
    codes: tuple[str, ...]
    tier: str | None


class ClinicianCheck(NamedTuple):
    """An answer to the see-a-clinician items: which applied, and whether cleared."""

    checked_at: datetime
    codes: tuple[str, ...]
    cleared: bool


class DoseChangeFact(NamedTuple):
    """A dose that progression changed: when, which exercise, to what, and why."""

    at: datetime
    id: str
    name: str
    dose: str  # in words
    reason: str


class Overview(NamedTuple):
    """The whole history in brief: what `stats` and `report` are built from."""

    sessions: tuple[SessionFacts, ...]  # red-flag stops left out
    exercises: tuple[ExerciseTally, ...]
    red_flags: tuple[RedFlagAnswer, ...]
    first: datetime | None  # the first and last session of any kind
    last: datetime | None
    clinician_checks: tuple[ClinicianCheck, ...] = ()
    dose_changes: tuple[DoseChangeFact, ...] = ()  # newest first
    # The last 15 days' desk breaks (snacks) begun and reminders given (`remind`).
    breaks: tuple[datetime, ...] = ()
    reminders: tuple[datetime, ...] = ()
    break_count: int = 0  # every desk break (snack) ever: counted apart from the sessions
