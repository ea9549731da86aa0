"""The history's schema: numbered migrations, and the checks before any write.

Each migration runs in its own transaction under BEGIN IMMEDIATE; the
database's PRAGMA user_version is the number of the last one applied. A file
that is not a backcoach history, is damaged, or was written by a newer
backcoach is refused with one message and never modified.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from backcoach.errors import HistoryBusy, HistoryUnwritable, StorageError

BUSY_TIMEOUT_MS = 5000
# The emergency tier's codes, as migration 8 carries open flags over (clinical.py).
_EMERGENCY_CODES = ", ".join(
    f"'{code}'"
    for code in (
        "both-legs", "saddle", "bladder-bowel", "erection", "leg-weakness", "chest-pain",
        "trauma", "new-weakness", "cancer-legs",
    )
)  # fmt: skip

# Numbered migrations, applied in order, each in its own transaction; the
# database's PRAGMA user_version is the number of the last one applied.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            focus TEXT NOT NULL,
            minutes INTEGER NOT NULL,
            level TEXT NOT NULL,
            seed INTEGER NOT NULL,
            flare_up INTEGER NOT NULL DEFAULT 0,
            planned_seconds INTEGER NOT NULL,
            active_seconds REAL,
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            effort TEXT,
            completed INTEGER NOT NULL DEFAULT 0,
            outcome TEXT NOT NULL DEFAULT 'in progress',
            red_flags TEXT NOT NULL DEFAULT '[]',
            red_flag_tier TEXT,
            symptoms_spread INTEGER NOT NULL DEFAULT 0,
            pid INTEGER
        )""",
        """CREATE TABLE session_exercises (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            exercise_id TEXT NOT NULL,
            name TEXT NOT NULL,
            phase TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            dose TEXT NOT NULL,
            work_seconds REAL NOT NULL DEFAULT 0,
            planned_work_seconds REAL NOT NULL DEFAULT 0,
            ended_at TEXT,
            PRIMARY KEY (session_id, position)
        )""",
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
        "CREATE INDEX exercises_by_id ON session_exercises (exercise_id)",
    ),
    # 2: progression reads each exercise's last few sessions without a scan, and stats
    # counts every exercise's results from the index alone (a tenth of the table's size).
    (
        "DROP INDEX exercises_by_id",
        "CREATE INDEX exercises_by_id_and_session"
        " ON session_exercises (exercise_id, session_id, status)",
    ),
    # 3: the safety screen's answers: the day's full check (later sessions ask one line),
    # red flags reported (asked about first next time), the clinician tier and clearance.
    (
        """CREATE TABLE safety_checks (
            id INTEGER PRIMARY KEY,
            checked_at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('full', 'clinician')),
            flags TEXT NOT NULL DEFAULT '[]',
            cleared INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX safety_checks_by_time ON safety_checks (kind, checked_at)",
    ),
    # 4: the dose progression keeps, apart from the dose of the day (which may hold sets
    # added to fill the minutes, or a flare-up's cut). NULL in older rows: the day's dose.
    ("ALTER TABLE session_exercises ADD COLUMN saved_dose TEXT",),
    # 5: routines and the answers progression needs (issue 11). Each dose change keeps
    # its reason beside the session that used it; a routine per focus, its changes
    # with their reasons, and the exercises a person never wants.
    (
        "ALTER TABLE session_exercises ADD COLUMN dose_reason TEXT",
        "ALTER TABLE sessions ADD COLUMN leg_pain_before INTEGER"
        " CHECK (leg_pain_before BETWEEN 0 AND 10)",
        "ALTER TABLE sessions ADD COLUMN leg_pain_after INTEGER"
        " CHECK (leg_pain_after BETWEEN 0 AND 10)",
        "ALTER TABLE sessions ADD COLUMN next_morning INTEGER CHECK (next_morning IN (0, 1))",
        """CREATE TABLE routines (
            focus TEXT PRIMARY KEY,
            level TEXT NOT NULL,
            equipment TEXT NOT NULL,
            minutes INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            refreshed_at TEXT NOT NULL,
            exercises TEXT NOT NULL
        )""",
        """CREATE TABLE routine_changes (
            id INTEGER PRIMARY KEY,
            focus TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            reason TEXT NOT NULL
        )""",
        """CREATE TABLE dropped_exercises (
            exercise_id TEXT PRIMARY KEY,
            dropped_at TEXT NOT NULL
        )""",
        """CREATE TABLE episode_answers (
            question TEXT PRIMARY KEY,
            answered_at TEXT NOT NULL,
            answer TEXT NOT NULL
        )""",
    ),
    # 6: a desk break (`backcoach snack`) is a session of its own kind: it changes no dose.
    ("ALTER TABLE sessions ADD COLUMN snack INTEGER NOT NULL DEFAULT 0",),
    # 7: each reminder `backcoach remind` gave, so that stats can set breaks against them.
    (
        "CREATE TABLE reminders (id INTEGER PRIMARY KEY, given_at TEXT NOT NULL)",
        "CREATE INDEX reminders_by_time ON reminders (given_at)",
    ),
    # 8: red flags stay open until a later answer closes them (issue 22): one row per
    # flag reported, in the screen or during a session; closed when the person says it
    # no longer applies (urgent, a later day) or a clinician has assessed it (emergency).
    # The flags of the last full check and of sessions since then are carried over open.
    (
        """CREATE TABLE flags (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL,
            tier TEXT NOT NULL CHECK (tier IN ('emergency', 'urgent')),
            raised_at TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('screen', 'session')),
            session_id INTEGER,
            closed_at TEXT,
            closed_how TEXT CHECK (closed_how IN ('gone', 'assessed'))
        )""",
        "CREATE INDEX open_flags ON flags (closed_at, raised_at)",
        f"""INSERT INTO flags (code, tier, raised_at, source)
            SELECT item.value, CASE WHEN item.value IN ({_EMERGENCY_CODES})
                THEN 'emergency' ELSE 'urgent' END, checks.checked_at, 'screen'
            FROM safety_checks AS checks, json_each(checks.flags) AS item
            WHERE checks.id = (SELECT id FROM safety_checks WHERE kind = 'full'
                ORDER BY checked_at DESC, id DESC LIMIT 1)""",
        """INSERT INTO flags (code, tier, raised_at, source, session_id)
            SELECT item.value, 'emergency', sessions.started_at, 'session', sessions.id
            FROM sessions, json_each(sessions.red_flags) AS item
            WHERE sessions.outcome != 'red flag' AND sessions.red_flag_tier = 'emergency'
            AND sessions.started_at > COALESCE(
                (SELECT MAX(checked_at) FROM safety_checks WHERE kind = 'full'), '')""",
    ),
    # 9: a programme over weeks (issue 25): the person's goals (Patient-Specific
    # Functional Scale) and every score as it was given; each weekly check-in asked
    # (answered or skipped); the schedule's every change (days '' is off), so past weeks
    # keep the plan they had; and each lesson read.
    (
        """CREATE TABLE goals (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL CHECK (length(trim(text)) > 0),
            added_at TEXT NOT NULL,
            dropped_at TEXT
        )""",
        """CREATE TABLE goal_scores (
            id INTEGER PRIMARY KEY,
            goal_id INTEGER NOT NULL REFERENCES goals (id),
            score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
            scored_at TEXT NOT NULL
        )""",
        "CREATE INDEX goal_scores_by_goal ON goal_scores (goal_id, scored_at)",
        "CREATE TABLE check_ins (id INTEGER PRIMARY KEY, asked_at TEXT NOT NULL)",
        """CREATE TABLE schedules (
            id INTEGER PRIMARY KEY,
            set_at TEXT NOT NULL,
            days TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
        """CREATE TABLE lessons_read (
            id INTEGER PRIMARY KEY,
            lesson INTEGER NOT NULL,
            read_at TEXT NOT NULL
        )""",
    ),
    # 10: an exercise added for that session only (an extra stretch to fill the minutes,
    # or one standing in for a routine exercise left out today): never saved as the dose
    # and never counted toward a step-up (CLINICAL.md, "Dose and progression rules").
    ("ALTER TABLE session_exercises ADD COLUMN for_today INTEGER NOT NULL DEFAULT 0",),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _refuse(path: Path, why: str) -> StorageError:
    return StorageError(
        f"the history {path} {why}; it has been left exactly as it is",
        hint="move it aside to start a new history (or restore a backup), then run again",
    )


def check_and_migrate(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not ours (untouched), then bring ours up to date."""
    try:
        # Reading the header first: a damaged or foreign file fails here, before any write.
        # One statement, so one snapshot: read apart, another backcoach creating the
        # history could commit between them (version 0, yet tables: "not a history").
        version, tables_count = connection.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), "
            "(SELECT count(*) FROM sqlite_master WHERE type = 'table')"
        ).fetchone()
        tables = bool(tables_count)
    except sqlite3.DatabaseError as exc:
        if _code(exc) in _DAMAGED:
            raise _refuse(path, f"is not a backcoach history or is damaged ({exc})") from exc
        raise failure(path, exc, reading=True) from exc
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"the history {path} was written by a newer backcoach (schema {version}; this "
            f"backcoach knows up to {SCHEMA_VERSION}); it has been left exactly as it is",
            hint="upgrade backcoach: pip install --upgrade backcoach",
        )
    if version == 0 and tables:
        raise _refuse(path, "is an SQLite database, but not a backcoach history")
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            migrate(connection)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        # The header was read: unless SQLite calls it damaged, the file is a healthy
        # history that cannot be written now (a full disk, read-only, locked).
        if _code(exc) in _DAMAGED:
            raise _refuse(path, f"could not be prepared ({exc})") from exc
        raise write_error(path, exc) from exc


# SQLite's primary result codes (sqlite.org/rescode.html): only these mean the file
# itself is not a history we can read; every other failure is the place, not the file.
_CORRUPT, _NOTADB = 11, 26
_DAMAGED = frozenset({_CORRUPT, _NOTADB})
_BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN, _PERM = 5, 6, 8, 10, 13, 14, 3


def _code(exc: sqlite3.Error) -> int | None:
    """The primary result code (Python 3.11+ keeps it), else one read from the words."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    for words, guess in (
        ("not a database", _NOTADB),
        ("malformed", _CORRUPT),
        ("locked", _BUSY),
        ("busy", _BUSY),
        ("readonly", _READONLY),
        ("read-only", _READONLY),
        ("disk is full", _FULL),
        ("unable to open", _CANTOPEN),
        ("disk i/o", _IOERR),
    ):
        if words in text:
            return guess
    return None


def failure(path: Path, exc: sqlite3.Error, *, reading: bool = False) -> StorageError:
    """What a failed read or write of a healthy history means, each its own message and
    advice: another program's lock, a full disk, a read-only file, folder or file system,
    an I/O error. Never "damaged": that is only for SQLite's corrupt and not-a-database."""
    code = _code(exc)
    if code in (_BUSY, _LOCKED):
        return HistoryBusy(
            f"the history {path} is locked by another program ({exc}); it is fine, and was "
            "left as it is",
            hint="try again when the other program (a backcoach, or an SQLite browser) "
            "has finished",
        )
    why, hint = {
        _FULL: ("the disk is full", "free some space, then try again"),
        _READONLY: (
            "it, its folder or the file system is read-only",
            "make it writable, or set BACKCOACH_HOME elsewhere",
        ),
        _CANTOPEN: (
            "its folder is read-only or cannot be reached",
            "check the folder's permissions, or set BACKCOACH_HOME elsewhere",
        ),
        _PERM: ("permission denied", "check the file's and its folder's permissions"),
        _IOERR: (
            "an input/output error (a full disk, a read-only or failing drive?)",
            "check the disk's free space and health",
        ),
    }.get(
        code or -1,
        (str(exc), "check the disk's free space and the file's permissions, "
         "or set BACKCOACH_HOME elsewhere"),
    )  # fmt: skip
    verb = "opened" if reading else "written"
    return HistoryUnwritable(
        f"the history {path} cannot be {verb} now: {why}; it is not damaged, and was left as it is",
        hint=hint,
    )


def read_error(path: Path, exc: sqlite3.Error) -> StorageError:
    """What a failed read means, said one way for every read of the history."""
    if _code(exc) in _DAMAGED:
        return StorageError(f"could not read the history {path}: it is damaged ({exc})")
    return failure(path, exc, reading=True)


def write_error(path: Path, exc: sqlite3.Error) -> StorageError:
    """What a failed write means: busy (try again), or cannot be written (and why)."""
    return failure(path, exc)


def migrate(connection: sqlite3.Connection) -> None:
    """Apply every migration not yet applied, each in one transaction.

    BEGIN IMMEDIATE takes the write lock first, so two processes starting at
    once cannot both apply the same migration.
    """
    for number, statements in enumerate(MIGRATIONS, start=1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            current = connection.execute("PRAGMA user_version").fetchone()[0]
            if current >= number:
                connection.execute("ROLLBACK")
                continue
            for statement in statements:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
