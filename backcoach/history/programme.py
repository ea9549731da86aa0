"""A programme over weeks (issue 25), kept in the history: the person's goals and every
score given (Patient-Specific Functional Scale), the weekly check-ins asked, the
schedule's changes and the lessons read. Each answer is written the moment it is given,
in its own transaction; reads take only these small tables and the sessions' days.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from backcoach.errors import UsageError
from backcoach.history.migrations import read_error

if TYPE_CHECKING:
    from backcoach.history.store import History

MAX_GOALS = 5
MIN_GOALS = 3
MAX_GOAL_TEXT = 120
CHECK_IN_EVERY = timedelta(days=7)


@dataclass(frozen=True)
class Score:
    score: int
    at: datetime


@dataclass(frozen=True)
class Goal:
    id: int
    text: str
    added_at: datetime
    scores: tuple[Score, ...]  # oldest first
    dropped_at: datetime | None = None

    @property
    def first(self) -> Score | None:
        return self.scores[0] if self.scores else None

    @property
    def latest(self) -> Score | None:
        return self.scores[-1] if self.scores else None


@dataclass(frozen=True)
class ScheduleChange:
    set_at: datetime
    days: tuple[int, ...]  # 0 Monday .. 6 Sunday; empty: no schedule
    at: str  # HH:MM, local time


@dataclass(frozen=True)
class Programme:
    """Everything `goals`, `week`, `stats` and `report` read about the programme."""

    goals: tuple[Goal, ...]  # kept and dropped, oldest first
    schedules: tuple[ScheduleChange, ...]  # oldest first
    lessons_read: tuple[tuple[int, datetime], ...]  # (lesson, first read), oldest first
    session_starts: tuple[datetime, ...]  # sessions done (not desk breaks, not stops)
    pain: tuple[tuple[datetime, int | None, int | None], ...]  # (start, back, leg) before
    last_check_in: datetime | None

    @property
    def active_goals(self) -> tuple[Goal, ...]:
        return tuple(goal for goal in self.goals if goal.dropped_at is None)

    @property
    def schedule(self) -> ScheduleChange | None:
        """The schedule now; None when there is none (never set, or set off)."""
        if not self.schedules or not self.schedules[-1].days:
            return None
        return self.schedules[-1]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _rows(history: History, query: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
    try:
        return list(history.db.execute(query, parameters))
    except sqlite3.Error as exc:
        raise read_error(history.path, exc) from exc


# --- goals -------------------------------------------------------------------------


def check_score(score: int, source: str = "the score") -> int:
    if not 0 <= score <= 10:
        raise UsageError(
            f"{source} must be a whole number from 0 (unable) to 10 (as before), not {score}"
        )
    return score


def check_goal_text(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UsageError(
            "a goal needs words: an activity your back makes hard",
            hint='for example: backcoach goals add "put my socks on" --score 4',
        )
    if len(cleaned) > MAX_GOAL_TEXT:
        raise UsageError(f"a goal is at most {MAX_GOAL_TEXT} characters, not {len(cleaned)}")
    return cleaned


def add_goal(history: History, text: str, score: int | None, at: datetime) -> Goal:
    """A new goal (and its first score when given); a sixth is refused."""
    from backcoach.history.store import iso

    cleaned = check_goal_text(text)
    if score is not None:
        check_score(score, "--score")
    with history.write() as cursor:
        count = cursor.execute("SELECT count(*) FROM goals WHERE dropped_at IS NULL").fetchone()
        if count[0] >= MAX_GOALS:
            raise UsageError(
                f"you already have {MAX_GOALS} goals, the most the scale uses",
                hint="drop one first: backcoach goals drop ID (backcoach goals lists them)",
            )
        cursor.execute("INSERT INTO goals (text, added_at) VALUES (?, ?)", (cleaned, iso(at)))
        goal_id = cursor.lastrowid
        assert goal_id is not None
        if score is not None:
            cursor.execute(
                "INSERT INTO goal_scores (goal_id, score, scored_at) VALUES (?, ?, ?)",
                (goal_id, score, iso(at)),
            )
    scores = (Score(score, at),) if score is not None else ()
    return Goal(goal_id, cleaned, at, scores)


def rate_goal(history: History, goal_id: int, score: int, at: datetime) -> None:
    """One score, written the moment it is given."""
    from backcoach.history.store import iso

    check_score(score)
    with history.write() as cursor:
        cursor.execute(
            "INSERT INTO goal_scores (goal_id, score, scored_at) VALUES (?, ?, ?)",
            (goal_id, score, iso(at)),
        )


def drop_goal(history: History, goal_id: int, at: datetime) -> Goal:
    """The goal set aside (its scores kept for the report); an unknown id is refused."""
    from backcoach.history.store import iso

    kept = {goal.id: goal for goal in read_goals(history) if goal.dropped_at is None}
    if goal_id not in kept:
        ids = ", ".join(str(i) for i in sorted(kept)) or "none yet"
        raise UsageError(
            f"there is no goal {goal_id} to drop (your goals: {ids})",
            hint="backcoach goals lists them with their numbers",
        )
    with history.write() as cursor:
        cursor.execute("UPDATE goals SET dropped_at = ? WHERE id = ?", (iso(at), goal_id))
    return kept[goal_id]


def read_goals(history: History) -> tuple[Goal, ...]:
    scores: dict[int, list[Score]] = {}
    for row in _rows(
        history, "SELECT goal_id, score, scored_at FROM goal_scores ORDER BY scored_at, id"
    ):
        scores.setdefault(row[0], []).append(Score(row[1], _at(row[2])))
    return tuple(
        Goal(
            row[0],
            row[1],
            _at(row[2]),
            tuple(scores.get(row[0], ())),
            _at(row[3]) if row[3] else None,
        )
        for row in _rows(history, "SELECT id, text, added_at, dropped_at FROM goals ORDER BY id")
    )


def record_check_in(history: History, at: datetime) -> None:
    """A weekly check-in asked (answered or skipped): the next is due a week later."""
    from backcoach.history.store import iso

    with history.write() as cursor:
        cursor.execute("INSERT INTO check_ins (asked_at) VALUES (?)", (iso(at),))


def last_check_in(history: History) -> datetime | None:
    """The newest check-in or score (a goal scored when added counts)."""
    row = _rows(
        history,
        "SELECT max(m) FROM (SELECT max(asked_at) AS m FROM check_ins"
        " UNION ALL SELECT max(scored_at) FROM goal_scores)",
    )[0]
    return _at(row[0]) if row[0] else None


def check_in_due(history: History, now: datetime) -> bool:
    """Goals to ask about, and 7 days or more since the last check-in (or none yet)."""
    if not any(goal.dropped_at is None for goal in read_goals(history)):
        return False
    last = last_check_in(history)
    return last is None or now - last >= CHECK_IN_EVERY


# --- the schedule ----------------------------------------------------------------


def set_schedule(history: History, days: Sequence[int], at: str, when: datetime) -> None:
    """A new schedule from now on (no days: off); the old ones stay for past weeks."""
    from backcoach.history.store import iso

    with history.write() as cursor:
        cursor.execute(
            "INSERT INTO schedules (set_at, days, at) VALUES (?, ?, ?)",
            (iso(when), ",".join(str(day) for day in sorted(set(days))), at),
        )


def read_schedules(history: History) -> tuple[ScheduleChange, ...]:
    return tuple(
        ScheduleChange(_at(row[0]), tuple(int(day) for day in row[1].split(",") if day), row[2])
        for row in _rows(history, "SELECT set_at, days, at FROM schedules ORDER BY set_at, id")
    )


# --- lessons -----------------------------------------------------------------------


def record_lesson_read(history: History, lesson: int, at: datetime) -> None:
    from backcoach.history.store import iso

    with history.write() as cursor:
        cursor.execute(
            "INSERT INTO lessons_read (lesson, read_at) VALUES (?, ?)", (lesson, iso(at))
        )


def lessons_read(history: History) -> tuple[tuple[int, datetime], ...]:
    """Each lesson read, with the first time it was read."""
    return tuple(
        (row[0], _at(row[1]))
        for row in _rows(
            history,
            "SELECT lesson, min(read_at) FROM lessons_read GROUP BY lesson ORDER BY min(read_at)",
        )
    )


# --- all of it ---------------------------------------------------------------------


def read_programme(history: History) -> Programme:
    from backcoach.history.records import skipped

    sessions: list[tuple[datetime, int | None, int | None]] = []
    for row in _rows(
        history,
        "SELECT id, started_at, pain_before, leg_pain_before FROM sessions"
        " WHERE snack = 0 AND outcome NOT IN ('red flag', 'in progress') ORDER BY started_at",
    ):
        try:
            sessions.append((_at(row[1]), row[2], row[3]))
        except (ValueError, TypeError) as exc:  # a damaged row: left out, and said
            skipped(f"session {row[0]}", exc)
    return Programme(
        goals=read_goals(history),
        schedules=read_schedules(history),
        lessons_read=lessons_read(history),
        session_starts=tuple(start for start, _, _ in sessions),
        pain=tuple(sessions),
        last_check_in=last_check_in(history),
    )


EMPTY = Programme((), (), (), (), (), None)


def existing_programme() -> Programme:
    """The programme from the history, without making one (nothing yet: empty)."""
    from backcoach.history.store import existing_history

    history = existing_history()
    if history is None:
        return EMPTY
    with history:
        return read_programme(history)
