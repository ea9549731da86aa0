"""The history: one SQLite database, written as a session happens.

A session row is written when it starts, with every planned exercise as
"pending"; each exercise's result is written the moment it ends; the end
(pain after, effort, outcome) at the end. Each write is its own transaction
in WAL mode with synchronous=FULL, so a kill -9 or a power cut loses at most
the exercise in progress, and two terminals can each run a session.

A file that is not a backcoach history, is damaged, or was written by a newer
backcoach is refused with one message and never modified.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from backcoach.errors import HistoryBusy, HistoryUnwritable, StorageError
from backcoach.history.migrations import (
    BUSY_TIMEOUT_MS,
    check_and_migrate,
    read_error,
    write_error,
)

if TYPE_CHECKING:
    from backcoach.clinical import Memory

from backcoach.history.records import (
    screening_memory,
    session_record,
    skipped,
)
from backcoach.models import ExerciseStatus, Plan, SessionRecord

# Progression reads every session of these last days: the 7-day symptom rule, and a
# second spread within 14 days.
RECENT_DAYS = timedelta(days=15)
STEP_UP_WINDOW = timedelta(hours=48)
T = TypeVar("T")
_ANSWERS = frozenset({"pain_after", "leg_pain_after", "effort", "next_morning"})


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class History:
    """An open history database: `with open_history() as history: ...` closes it."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.db = connection
        self.path = path
        self.identity = _identity(path)  # the file opened: each write checks it is still there

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- writing ----------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Cursor]:
        self._still_there()
        try:
            cursor = self.db.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
        except sqlite3.Error as exc:
            raise write_error(self.path, exc) from exc

    def _still_there(self) -> None:
        """Refuse to write unless the path is still the file opened (same device and inode):
        a history deleted, or an older copy moved over it, while a session runs would take
        the session's writes into a file no one will read again."""
        now = _identity(self.path)
        if self.identity is not None and now != self.identity:
            what = "deleted" if now is None else "replaced by another file"
            raise HistoryUnwritable(
                f"the history {self.path} was {what} while backcoach had it open; nothing more "
                "is written to it",
                hint="put the history back (or restore a backup); the record below is yours "
                "to keep",
            )

    def set_busy_timeout(self, milliseconds: int) -> None:
        """How long a write waits for another process's lock before HistoryBusy."""
        self.db.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")

    def begin(
        self,
        plan: Plan,
        focus: str,
        pain_before: int | None,
        planned_work: Sequence[float],
        *,
        started_at: datetime | None = None,
        flare_up: bool = False,
        leg_pain_before: int | None = None,
    ) -> int:
        """Write the session row and its planned exercises; returns the session id.

        `planned_work` is each step's seconds of actual work (holds and reps).
        """
        with self.write() as cursor:
            cursor.execute(
                """INSERT INTO sessions (started_at, focus, minutes, level, seed, flare_up,
                    planned_seconds, pain_before, red_flags, pid, leg_pain_before, snack)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    iso(started_at or now()),
                    focus,
                    plan.minutes,
                    plan.level.value,
                    plan.seed,
                    int(flare_up),
                    plan.total_seconds,
                    pain_before,
                    "[]",
                    os.getpid(),
                    leg_pain_before,
                    int(plan.snack),
                ),
            )
            session_id = cursor.lastrowid
            assert session_id is not None
            cursor.executemany(
                """INSERT INTO session_exercises (session_id, position, exercise_id, name, phase,
                    dose, planned_work_seconds, saved_dose, dose_reason, for_today)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (
                        session_id,
                        position,
                        step.exercise,
                        step.name,
                        step.phase,
                        step.dose.model_dump_json(),
                        planned_work[position],
                        (step.saved_dose or step.dose).model_dump_json(),
                        step.dose_change,  # an extra's is only ever a step back
                        int(step.for_today),
                    )
                    for position, step in enumerate(plan.steps)
                ],
            )
        return session_id

    def record_red_flags(
        self, plan: Plan, focus: str, codes: Sequence[str], tier: str, at: datetime | None = None
    ) -> int:
        """A session stopped by the safety screen before it began."""
        moment = at or now()
        with self.write() as cursor:
            cursor.execute(
                """INSERT INTO sessions (started_at, ended_at, focus, minutes, level, seed,
                    planned_seconds, outcome, red_flags, red_flag_tier)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'red flag', ?, ?)""",
                (
                    iso(moment),
                    iso(moment),
                    focus,
                    plan.minutes,
                    plan.level.value,
                    plan.seed,
                    plan.total_seconds,
                    json.dumps(list(codes)),
                    tier,
                ),
            )
            session_id = cursor.lastrowid
        assert session_id is not None
        return session_id

    def record_exercise(
        self,
        session_id: int,
        order: int,
        status: ExerciseStatus,
        work_seconds: float,
        active_seconds: float | None = None,
    ) -> None:
        """One exercise's result; with `active_seconds`, the session's time done so far too,
        so a session that is never finished (kill -9, power cut) still shows its time."""
        with self.write() as cursor:
            cursor.execute(
                """UPDATE session_exercises SET status = ?, work_seconds = ?, ended_at = ?
                   WHERE session_id = ? AND position = ?""",
                (status, work_seconds, iso(now()), session_id, order),
            )
            if active_seconds is not None:
                cursor.execute(
                    "UPDATE sessions SET active_seconds = ? WHERE id = ? AND ended_at IS NULL",
                    (round(active_seconds, 3), session_id),
                )

    def record_answers(self, session_id: int, **answers: int | str | bool | None) -> None:
        """Answers about a session (pain_after, leg_pain_after, effort, next_morning), each
        stored as it is given; None is not an answer."""
        with self.write() as cursor:
            for column, value in answers.items():
                if column not in _ANSWERS:
                    raise ValueError(f"not an answer about a session: {column}")
                if value is not None:
                    cursor.execute(
                        f"UPDATE sessions SET {column} = ? WHERE id = ?", (value, session_id)
                    )

    def record_safety_check(
        self,
        kind: str,
        codes: Sequence[str],
        *,
        cleared: bool = False,
        at: datetime | None = None,
    ) -> None:
        """A safety screen's answers: 'full' (the every-session lists) or 'clinician'."""
        with self.write() as cursor:
            cursor.execute(
                "INSERT INTO safety_checks (checked_at, kind, flags, cleared) VALUES (?, ?, ?, ?)",
                (iso(at or now()), kind, json.dumps(list(codes)), int(cleared)),
            )

    def screening_memory(self) -> Memory:
        """What the last safety checks said (screening.Memory)."""
        try:
            full = self.db.execute(
                "SELECT checked_at, flags FROM safety_checks WHERE kind = 'full' "
                "ORDER BY checked_at DESC, id DESC LIMIT 1"
            ).fetchone()
            clinician = self.db.execute(
                "SELECT checked_at, flags, cleared FROM safety_checks WHERE kind = 'clinician' "
                "ORDER BY checked_at DESC, id DESC LIMIT 1"
            ).fetchone()
        except sqlite3.Error as exc:
            raise read_error(self.path, exc) from exc
        return screening_memory(full, clinician)

    def record_session_flag(self, session_id: int, code: str, tier: str) -> None:
        """A red flag that came up during a session (new numbness or weakness): kept open
        like a screen answer, so the next session asks about it first."""
        with self.write() as cursor:
            cursor.execute(
                "UPDATE sessions SET red_flags = ?, red_flag_tier = ? WHERE id = ?",
                (json.dumps([code]), tier, session_id),
            )
            cursor.execute(
                "INSERT INTO flags (code, tier, raised_at, source, session_id) "
                "VALUES (?, ?, ?, 'session', ?)",
                (code, tier, iso(now()), session_id),
            )

    def record_symptoms_spread(self, session_id: int) -> None:
        with self.write() as cursor:
            cursor.execute("UPDATE sessions SET symptoms_spread = 1 WHERE id = ?", (session_id,))

    def finish(
        self,
        session_id: int,
        *,
        outcome: str,
        completed: bool,
        active_seconds: float,
        pain_after: int | None = None,
        effort: str | None = None,
        ended_at: datetime | None = None,
    ) -> None:
        with self.write() as cursor:
            cursor.execute(
                """UPDATE sessions SET ended_at = ?, outcome = ?, completed = ?,
                    active_seconds = ?, pain_after = ?, effort = ? WHERE id = ?""",
                (
                    iso(ended_at or now()),
                    outcome,
                    int(completed),
                    round(active_seconds, 3),
                    pain_after,
                    effort,
                    session_id,
                ),
            )

    # --- reading ------------------------------------------------------------

    def sessions(
        self, limit: int | None = None, *, at: datetime | None = None
    ) -> list[SessionRecord]:
        """Sessions, newest first."""
        return self._records(
            "SELECT * FROM sessions ORDER BY started_at DESC, id DESC"
            + (" LIMIT ?" if limit is not None else ""),
            (limit,) if limit is not None else (),
            at,
        )

    def recent_for_progression(
        self, exercise_ids: Sequence[str], moment: datetime, per_exercise: int = 3
    ) -> list[SessionRecord]:
        """What progression reads: each exercise's last few sessions, the last two days,
        and any spread of symptoms in the last 15 days.

        Sessions are numbered in the order they begin, so "last" is the highest id;
        the index on (exercise_id, session_id) makes each look-up a short walk.
        """
        wanted: set[int] = set()
        try:
            for exercise_id in exercise_ids:
                wanted.update(
                    row[0]
                    for row in self.db.execute(
                        "SELECT session_id FROM session_exercises WHERE exercise_id = ? "
                        "AND status != 'pending' ORDER BY session_id DESC LIMIT ?",
                        (exercise_id, per_exercise),
                    )
                )
            # The symptom rules need every spread of the last 15 days, whichever exercise;
            # the 48-hour rule every session of the last two days (three a day is allowed).
            for query, since in (
                (
                    # The last days' sessions by their index, then their exercises (a
                    # join here made SQLite scan every exercise of ten years).
                    "SELECT DISTINCT session_id FROM session_exercises WHERE status IN "
                    "('stopped', 'hurt') AND session_id IN "
                    "(SELECT id FROM sessions WHERE started_at >= ?)",
                    RECENT_DAYS,
                ),
                ("SELECT id FROM sessions WHERE started_at >= ?", STEP_UP_WINDOW),
            ):
                wanted.update(row[0] for row in self.db.execute(query, (iso(moment - since),)))
        except sqlite3.Error as exc:
            raise read_error(self.path, exc) from exc
        if not wanted:
            return []
        ids = sorted(wanted)
        marks = ",".join("?" * len(ids))
        return self._records(f"SELECT * FROM sessions WHERE id IN ({marks})", ids, moment)

    def times_done(self, exercise_ids: Sequence[str]) -> dict[str, int]:
        """How many sessions each exercise was done in, in full or in part."""
        marks = ",".join("?" * len(exercise_ids))
        try:
            rows = self.db.execute(
                "SELECT exercise_id, COUNT(*) FROM session_exercises WHERE exercise_id IN "
                f"({marks}) AND status IN ('done', 'partial') GROUP BY exercise_id",
                list(exercise_ids),
            ).fetchall()
        except sqlite3.Error as exc:
            raise read_error(self.path, exc) from exc
        return {str(exercise): int(count) for exercise, count in rows}

    def _records(
        self, query: str, parameters: Sequence[object], at: datetime | None
    ) -> list[SessionRecord]:
        try:
            rows = self.db.execute(query, parameters).fetchall()
            ids = [row["id"] for row in rows]
            exercises: dict[int, list[sqlite3.Row]] = {session_id: [] for session_id in ids}
            if ids:
                marks = ",".join("?" * len(ids))
                for row in self.db.execute(
                    f"SELECT * FROM session_exercises WHERE session_id IN ({marks}) "
                    "ORDER BY session_id, position",
                    ids,
                ):
                    exercises[row["session_id"]].append(row)
        except sqlite3.Error as exc:
            raise read_error(self.path, exc) from exc
        moment = at or now()
        records = []
        for row in rows:
            try:
                records.append(session_record(row, exercises[row["id"]], moment))
            except (ValueError, TypeError, KeyError) as exc:  # pydantic's errors are ValueErrors
                skipped(f"session {row['id']}", exc)
        return records

    def close(self) -> None:
        self.db.close()


# --- opening and migrating --------------------------------------------------


def _identity(path: Path) -> tuple[int, int] | None:
    """The file at `path` as the system knows it (device, inode); None if there is none."""
    import os

    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def existing_history(path: Path | None = None) -> History | None:
    """The history to read, if there is one (None before the first session).

    Never creates it. One that cannot be written (read-only, on a full disk) is
    opened read-only: reading a healthy history always works.
    """
    from backcoach.paths import database_path

    path = path or database_path()
    if not path.exists():
        return None
    try:
        return open_history(path)
    except HistoryUnwritable:
        return _read_only(path)


def _read_only(path: Path) -> History:
    from urllib.parse import quote

    # mode=ro first; immutable=1 when SQLite cannot even make its shared-memory file
    # beside a WAL database (a read-only folder). Both only read.
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        try:
            connection = sqlite3.connect(f"file:{quote(str(path))}?{flags}", uri=True)
            connection.row_factory = sqlite3.Row
            connection.execute("SELECT count(*) FROM sessions").fetchone()
            return History(connection, path)
        except sqlite3.Error as exc:
            error = exc
    raise read_error(path, error)


def writable_history() -> tuple[History | None, str | None]:
    """The history for a session to write to, or None and why it cannot be written (a
    full disk, read-only, locked by another program: the session goes on all the same)."""
    try:
        return open_history(), None
    except (HistoryUnwritable, HistoryBusy) as error:
        return None, error.message


def read_sessions(limit: int | None = None) -> list[SessionRecord]:
    """The newest sessions; none before the first (and no history file is made)."""
    history = existing_history()
    if history is None:
        return []
    with history:
        return history.sessions(limit)


def open_history(path: Path | None = None) -> History:
    """Open (and if needed create and migrate) the history."""
    from backcoach.paths import database_path

    path = path or database_path()
    if path.exists() and not path.is_file():
        raise StorageError(f"the history {path} is not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the folder for the history, {path.parent}: {exc.strerror or exc}",
            hint="set BACKCOACH_HOME to a folder you can write to",
        ) from exc
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise StorageError(
            f"cannot open the history {path}: {exc}",
            hint="set BACKCOACH_HOME to a folder you can write to",
        ) from exc
    connection.row_factory = sqlite3.Row
    try:
        check_and_migrate(connection, path)
    except BaseException:
        connection.close()
        raise
    return History(connection, path)
