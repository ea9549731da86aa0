"""What `stats` and `report` read from the history: facts computed in SQL, never a record
per session (ten years of daily sessions is 3,650 sessions and 77,000 exercises)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from backcoach.history.facts import DoseChangeFact, ExerciseTally, Overview, SessionFacts
from backcoach.history.migrations import read_error
from backcoach.history.records import clinician_check, dose_text, red_flag_answer, session_facts

if TYPE_CHECKING:
    from backcoach.history.store import History

T = TypeVar("T")
BREAKS_DAYS = timedelta(days=15)
DOSE_CHANGES_SHOWN = 50  # the newest


# Each session's facts; a red-flag stop is no session, and a desk break (snack) is
# counted apart (`_BREAK_SPAN`).
_SESSIONS = """SELECT id, started_at, completed,
    COALESCE(active_seconds, (SELECT COALESCE(SUM(work_seconds), 0)
        FROM session_exercises WHERE session_id = sessions.id)),
    pain_before, pain_after, leg_pain_before, leg_pain_after
   FROM sessions WHERE outcome != 'red flag' AND snack = 0 ORDER BY started_at, id"""
_BREAK_SPAN = (
    "SELECT COUNT(*), MIN(started_at), MAX(started_at) FROM sessions "
    "WHERE outcome != 'red flag' AND snack = 1"
)
# Each exercise reached: how often tried, done, skipped and stopped, and its latest name
# and dose: the dose the routine keeps (saved_dose), from the last session that was
# neither a flare-up day nor a desk break when there is one (issue 23: the report showed
# a flare-up day's cut).
_TALLIES = """SELECT t.exercise_id, latest.name, t.tried, t.done, t.skipped, t.stopped,
    COALESCE(latest.saved_dose, latest.dose), t.hurt
   FROM (SELECT exercise_id, COUNT(*) AS tried,
            SUM(status = 'done') AS done,
            SUM(status IN ('skipped', 'stopped', 'hurt')) AS skipped,
            SUM(status = 'stopped') AS stopped,
            SUM(status = 'hurt') AS hurt,
            COALESCE(MAX(CASE WHEN session_id IN (SELECT id FROM sessions
                                WHERE flare_up = 0 AND snack = 0)
                         THEN session_id END), MAX(session_id)) AS last_session
         FROM session_exercises WHERE status != 'pending'
         GROUP BY exercise_id) AS t
   JOIN session_exercises AS latest
     ON latest.exercise_id = t.exercise_id
    AND latest.session_id = t.last_session
   GROUP BY t.exercise_id"""
_RED_FLAGS = (
    "SELECT id, started_at, red_flags, red_flag_tier FROM sessions "
    "WHERE red_flags != '[]' ORDER BY started_at, id"
)
_CLINICIAN_CHECKS = (
    "SELECT checked_at, flags, cleared FROM safety_checks "
    "WHERE kind = 'clinician' ORDER BY checked_at, id"
)
# The newest dose changes first.
_DOSE_CHANGES = """SELECT s.started_at, e.exercise_id, e.name, e.saved_dose, e.dose_reason
   FROM session_exercises e JOIN sessions s ON s.id = e.session_id
   WHERE e.dose_reason IS NOT NULL AND e.status != 'pending'
   ORDER BY e.session_id DESC, e.position LIMIT ?"""
# Pain before each session (not desk breaks or red-flag stops), for the no-improvement
# rule (CLINICAL.md, "Pacing the first weeks").
_PAIN_BEFORE = (
    "SELECT started_at, pain_before FROM sessions WHERE outcome != 'red flag' AND snack = 0 "
    "AND pain_before IS NOT NULL AND started_at >= ? ORDER BY started_at, id"
)
_BREAKS = "SELECT started_at FROM sessions WHERE snack = 1 AND started_at >= ?"
_REMINDERS = "SELECT given_at FROM reminders WHERE given_at >= ?"


def overview_of(history: History) -> Overview:
    """Sessions, each exercise's tally, red flags and clinician checks, in brief."""
    try:
        facts = _converted(history, _SESSIONS, _with_leg_pain)
        tallies = _tallies(history)
        flags = _converted(history, _RED_FLAGS, red_flag_answer)
        checks = _converted(history, _CLINICIAN_CHECKS, clinician_check)
        dose_changes = _dose_changes(history)
        since = (datetime.now(UTC) - BREAKS_DAYS).isoformat()
        breaks = _moments(history, _BREAKS, since)
        reminders = _moments(history, _REMINDERS, since)
        break_count, *break_span = history.db.execute(_BREAK_SPAN).fetchone()
    except sqlite3.Error as exc:
        raise read_error(history.path, exc) from exc
    moments = [fact.started_at for fact in facts] + [answer.started_at for answer in flags]
    moments += [datetime.fromisoformat(moment) for moment in break_span if moment is not None]
    return Overview(
        facts,
        tallies,
        flags,
        min(moments, default=None),
        max(moments, default=None),
        checks,
        dose_changes=dose_changes,
        breaks=breaks,
        reminders=reminders,
        break_count=int(break_count or 0),
    )


def _with_leg_pain(row: tuple[Any, ...]) -> SessionFacts | None:
    """A session's facts with its leg pain (a value that is not 0-10 is left out)."""
    facts = session_facts(row)
    if facts is None:
        return None
    leg = [v if isinstance(v, int) and 0 <= v <= 10 else None for v in row[6:8]]
    return facts._replace(leg_pain_before=leg[0], leg_pain_after=leg[1])


def pain_before_since(history: History, since: datetime) -> list[tuple[datetime, int]]:
    """(when, pain before) of each session from `since` on, oldest first."""
    try:
        rows = history.db.execute(_PAIN_BEFORE, (since.astimezone(UTC).isoformat(),)).fetchall()
    except sqlite3.Error as exc:
        raise read_error(history.path, exc) from exc
    return [
        (datetime.fromisoformat(row[0]), int(row[1]))
        for row in rows
        if isinstance(row[1], int) and 0 <= row[1] <= 10
    ]


def _tallies(history: History) -> tuple[ExerciseTally, ...]:
    return tuple(
        ExerciseTally(
            row[0], row[1], row[2], row[3], row[4], row[5], dose_text(row[6]), int(row[7] or 0)
        )
        for row in history.db.execute(_TALLIES)
    )


def _dose_changes(history: History) -> tuple[DoseChangeFact, ...]:
    return tuple(
        DoseChangeFact(datetime.fromisoformat(r[0]), r[1], r[2], dose_text(r[3]), r[4])
        for r in history.db.execute(_DOSE_CHANGES, (DOSE_CHANGES_SHOWN,))
    )


def _moments(history: History, query: str, since: str) -> tuple[datetime, ...]:
    """The moments a query gives, from `since` on."""
    return tuple(datetime.fromisoformat(row[0]) for row in history.db.execute(query, (since,)))


def _converted(
    history: History, query: str, convert: Callable[[tuple[Any, ...]], T | None]
) -> tuple[T, ...]:
    """Each row converted; a row that cannot be (None) is left out, with a warning."""
    return tuple(item for row in history.db.execute(query) if (item := convert(row)) is not None)


def read_overview() -> Overview:
    """The history in brief, for stats and the report; empty before the first session."""
    from backcoach.history.store import existing_history

    history = existing_history()
    if history is None:
        return Overview((), (), (), None, None)
    with history:
        return overview_of(history)
