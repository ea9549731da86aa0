"""What the history keeps about routines: each focus's routine and its changes, the
exercises a person dropped, each exercise's dose changes with their reasons, and
answers asked once per episode (leg symptoms). Tables from migration 5."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from backcoach.errors import StorageError
from backcoach.history.migrations import read_error
from backcoach.history.records import parse_dose
from backcoach.history.store import History, existing_history, iso, now, open_history
from backcoach.models import Dose, Phase
from backcoach.vocabulary import Equipment, Level

Entries = tuple[tuple[str, Phase], ...]


class Routine(NamedTuple):
    """A routine as the history keeps it."""

    focus: str  # focus_key()
    level: Level
    equipment: tuple[Equipment, ...]
    minutes: int
    started_at: datetime
    refreshed_at: datetime
    entries: Entries


class DoseChange(NamedTuple):
    """A dose as it began, or as progression changed it, with when and why."""

    at: datetime
    dose: Dose
    reason: str | None  # None: the first dose (the catalogue's)


def _read(history: History, query: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
    try:
        return history.db.execute(query, parameters).fetchall()
    except sqlite3.Error as exc:
        raise read_error(history.path, exc) from exc


def read_routine(history: History, focus: str) -> Routine | None:
    rows = _read(history, "SELECT * FROM routines WHERE focus = ?", (focus,))
    if not rows:
        return None
    row = rows[0]
    try:
        return Routine(
            focus=row["focus"],
            level=Level(row["level"]),
            equipment=tuple(Equipment(value) for value in json.loads(row["equipment"])),
            minutes=int(row["minutes"]),
            started_at=datetime.fromisoformat(row["started_at"]),
            refreshed_at=datetime.fromisoformat(row["refreshed_at"]),
            entries=tuple((str(i), p) for i, p in json.loads(row["exercises"])),
        )
    except (ValueError, TypeError) as exc:  # a damaged row: a new routine, said so
        import warnings

        from backcoach.errors import HistoryWarning

        warnings.warn(
            HistoryWarning(f"the routine for {focus} could not be read ({exc}); a new one is made"),
            stacklevel=2,
        )
        return None


def routines(history: History) -> list[str]:
    """The focuses that have a routine."""
    return [row[0] for row in _read(history, "SELECT focus FROM routines ORDER BY focus")]


def save_routine(history: History, routine: Routine, changes: Sequence[str]) -> None:
    """The routine as it is now, and why it is new or changed (one row per reason)."""
    at = iso(now())
    with history.write() as cursor:
        cursor.execute(
            """INSERT INTO routines (focus, level, equipment, minutes, started_at,
                refreshed_at, exercises) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (focus) DO UPDATE SET level = excluded.level,
                equipment = excluded.equipment, minutes = excluded.minutes,
                started_at = excluded.started_at, refreshed_at = excluded.refreshed_at,
                exercises = excluded.exercises""",
            (
                routine.focus,
                routine.level.value,
                json.dumps([e.value for e in routine.equipment]),
                routine.minutes,
                iso(routine.started_at),
                iso(routine.refreshed_at),
                json.dumps([list(entry) for entry in routine.entries]),
            ),
        )
        cursor.executemany(
            "INSERT INTO routine_changes (focus, changed_at, reason) VALUES (?, ?, ?)",
            [(routine.focus, at, reason) for reason in changes],
        )


def routine_changes(history: History, focus: str) -> list[tuple[datetime, str]]:
    rows = _read(
        history,
        "SELECT changed_at, reason FROM routine_changes WHERE focus = ? ORDER BY id",
        (focus,),
    )
    return [(datetime.fromisoformat(row[0]), row[1]) for row in rows]


def dropped(history: History) -> dict[str, datetime]:
    """Exercises the person never wants planned, and since when."""
    rows = _read(history, "SELECT exercise_id, dropped_at FROM dropped_exercises")
    return {row[0]: datetime.fromisoformat(row[1]) for row in rows}


def drop(history: History, exercise_id: str) -> bool:
    """Never plan this exercise again; False if it was dropped already."""
    with history.write() as cursor:
        cursor.execute(
            "INSERT OR IGNORE INTO dropped_exercises (exercise_id, dropped_at) VALUES (?, ?)",
            (exercise_id, iso(now())),
        )
        return cursor.rowcount > 0


def keep(history: History, exercise_id: str) -> bool:
    """Bring a dropped exercise back; False if it was not dropped."""
    with history.write() as cursor:
        cursor.execute("DELETE FROM dropped_exercises WHERE exercise_id = ?", (exercise_id,))
        return cursor.rowcount > 0


def dose_story(history: History, exercise_id: str) -> list[DoseChange]:
    """The exercise's first dose and every change since, flare-up days left out (they
    change no dose)."""
    rows = _read(
        history,
        """SELECT s.started_at, e.saved_dose, e.dose, e.dose_reason
           FROM session_exercises e JOIN sessions s ON s.id = e.session_id
           WHERE e.exercise_id = ? AND s.flare_up = 0 AND e.status != 'pending'
           ORDER BY e.session_id""",
        (exercise_id,),
    )
    story: list[DoseChange] = []
    for row in rows:
        try:
            dose = parse_dose(row["saved_dose"] or row["dose"])
        except (ValueError, TypeError):
            continue
        if story and dose == story[-1].dose:
            continue
        reason = row["dose_reason"] if story else None
        story.append(DoseChange(datetime.fromisoformat(row["started_at"]), dose, reason))
    return story


def episode_answer(history: History, question: str) -> tuple[datetime, str] | None:
    rows = _read(
        history,
        "SELECT answered_at, answer FROM episode_answers WHERE question = ?",
        (question,),
    )
    return (datetime.fromisoformat(rows[0][0]), rows[0][1]) if rows else None


def record_episode_answer(history: History, question: str, answer: str) -> None:
    with history.write() as cursor:
        cursor.execute(
            """INSERT INTO episode_answers (question, answered_at, answer) VALUES (?, ?, ?)
               ON CONFLICT (question) DO UPDATE SET answered_at = excluded.answered_at,
                answer = excluded.answer""",
            (question, iso(now()), answer),
        )


class RoutineFacts(NamedTuple):
    """Everything `backcoach routine` shows about one focus's routine."""

    routine: Routine
    stories: dict[str, list[DoseChange]]  # each exercise's dose changes
    changes: list[tuple[datetime, str]]  # the routine's own changes, oldest first
    dropped: dict[str, datetime]


def routine_facts(history: History, focus: str) -> RoutineFacts | None:
    saved = read_routine(history, focus)
    if saved is None:
        return None
    stories = {exercise_id: dose_story(history, exercise_id) for exercise_id, _ in saved.entries}
    return RoutineFacts(saved, stories, routine_changes(history, focus), dropped(history))


def record_reminder(history: History, at: datetime) -> None:
    with history.write() as cursor:
        cursor.execute("INSERT INTO reminders (given_at) VALUES (?)", (iso(at),))


def last_break(history: History) -> datetime | None:
    """When the newest desk break began, if there is one."""
    rows = _read(history, "SELECT MAX(started_at) FROM sessions WHERE snack = 1")
    return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None


def last_break_if_readable() -> datetime | None:
    """The last desk break, if the history can be read now. A history that is locked,
    full or read-only does not stop the reminders: they go on from their own count."""
    try:
        history = existing_history()
        if history is None:
            return None
        with history:
            return last_break(history)
    except StorageError:
        return None


def record_reminder_if_writable(at: datetime) -> None:
    """Kept for stats; a history that cannot be written does not stop the reminders."""
    try:
        with open_history() as history:
            record_reminder(history, at)
    except StorageError:
        pass
