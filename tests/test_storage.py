"""The history database: schema, writes as they happen, refusals that leave files alone."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.catalogue import loader as catalogue
from backcoach.errors import StorageError
from backcoach.history.migrations import SCHEMA_VERSION
from backcoach.history.records import begun
from backcoach.history.store import open_history
from backcoach.plan import planner
from backcoach.render.shapes import session_json

from .conftest import BUNDLED, TEST_DATA, RunCli
from .fakes import integrity_ok

BIN = Path(sys.executable).parent / "backcoach"


def a_plan(seed: int = 1) -> planner.Plan:  # type: ignore[name-defined]
    cat = catalogue.load(BUNDLED)
    return planner.build(cat, planner.Request(minutes=5, seed=seed))


def test_a_blank_database_gets_exactly_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    open_history(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == [
        "sessions", "session_exercises", "safety_checks", "routines", "routine_changes",
        "dropped_exercises", "episode_answers", "reminders", "flags", "goals", "goal_scores",
        "check_ins", "schedules", "lessons_read",
    ]  # fmt: skip
    exercise_columns = [row[1] for row in db.execute("PRAGMA table_info(session_exercises)")]
    assert exercise_columns[-3:] == ["saved_dose", "dose_reason", "for_today"]  # 4, 5 and 10
    columns = [row[1] for row in db.execute("PRAGMA table_info(sessions)")]
    assert columns == [
        "id", "started_at", "ended_at", "focus", "minutes", "level", "seed", "flare_up",
        "planned_seconds", "active_seconds", "pain_before", "pain_after", "effort", "completed",
        "outcome", "red_flags", "red_flag_tier", "symptoms_spread", "pid",
        "leg_pain_before", "leg_pain_after", "next_morning", "snack",
    ]  # fmt: skip


def test_opening_twice_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    open_history(path).close()
    open_history(path).close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_history_from_the_first_release_is_migrated_with_its_sessions(tmp_path: Path) -> None:
    # history-0.1.0.sqlite3: two sessions recorded by backcoach 0.1.0 (schema 1).
    path = tmp_path / "history.sqlite3"
    shutil.copyfile(TEST_DATA / "history-0.1.0.sqlite3", path)
    with open_history(path) as history:
        records = history.sessions()
    assert [(r.id, r.outcome, r.focus) for r in records] == [
        (2, "done", "upper back"),
        (1, "done", "whole back"),
    ]
    assert all(r.exercises and all(e.completed for e in r.exercises) for r in records)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "exercises_by_id_and_session" in indexes and "exercises_by_id" not in indexes


def test_the_record_a_session_begins_with_is_the_one_the_history_reads_back(
    tmp_path: Path,
) -> None:
    # The recorder keeps `begun`'s record (and shows it if the history cannot be written).
    history = open_history(tmp_path / "h.sqlite3")
    plan = a_plan()
    started = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    work = [10.0 + order for order in range(len(plan.steps))]
    session_id = history.begin(
        plan, "whole back", 4, work, started_at=started, flare_up=True, leg_pain_before=3
    )
    (read,) = history.sessions(at=started)  # still running, as the recorder has it
    kept = begun(plan, "whole back", 4, work, started_at=started, flare_up=True, leg_pain_before=3)
    assert kept.model_copy(update={"id": session_id}) == read


def test_a_session_round_trips(tmp_path: Path) -> None:
    history = open_history(tmp_path / "h.sqlite3")
    assert history is not None
    plan = a_plan()
    started = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    work = [10.0] * len(plan.steps)
    session_id = history.begin(plan, "whole back", 4, work, started_at=started)
    history.record_exercise(session_id, 0, "done", 10.0)
    history.record_exercise(session_id, 1, "skipped", 0.0)
    history.finish(
        session_id, outcome="done", completed=True, active_seconds=300.5, pain_after=3,
        effort="about right", ended_at=started + timedelta(minutes=6),
    )  # fmt: skip
    (record,) = history.sessions()
    assert record.pain_before == 4 and record.pain_after == 3
    assert record.completed and record.outcome == "done"
    assert [e.status for e in record.exercises[:3]] == ["done", "skipped", "pending"]
    assert record.exercises[0].dose == plan.steps[0].dose
    data = session_json(record)
    for key in ("id", "started_at", "ended_at", "focus", "completed", "planned_seconds",
                "pain_before", "pain_after", "exercises"):  # fmt: skip
        assert key in data
    assert data["started_at"] == "2026-11-01T09:00:00+00:00"
    assert data["exercises"][0] == {  # type: ignore[index]
        "id": plan.steps[0].exercise, "completed": True, "status": "done",
        "dose": plan.steps[0].dose.model_dump(mode="json"),
        "dose_text": plan.steps[0].dose.describe(), "work_seconds": 10.0,
    }  # fmt: skip


def test_a_session_that_never_ended_shows_as_interrupted(tmp_path: Path) -> None:
    history = open_history(tmp_path / "h.sqlite3")
    assert history is not None
    plan = a_plan()
    started = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    history.begin(plan, "whole back", None, [0.0] * len(plan.steps), started_at=started)
    # This process is alive: while the plan could still be running, it is "in progress".
    (running,) = history.sessions(at=started + timedelta(minutes=1))
    assert running.outcome == "in progress"
    (later,) = history.sessions(at=started + timedelta(hours=3))
    assert later.outcome == "interrupted"


def corrupt(path: Path) -> bytes:
    data = b"this is not a database, just some bytes that happen to be here\n" * 20
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def test_a_corrupt_file_is_refused_and_left_byte_for_byte(run: RunCli, isolated_home: Path) -> None:
    path = isolated_home / "history.sqlite3"
    data = corrupt(path)
    for args in (["history"], ["stats"], ["report"], ["plan"], ["start", "--yes"]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "is not a backcoach history or is damaged" in result.stderr
        assert "left exactly as it is" in result.stderr
        assert "Traceback" not in result.output
    assert path.read_bytes() == data
    # Nothing was created beside it either (no -wal or -journal of a half-opened database).
    assert [p.name for p in isolated_home.iterdir() if p.name.startswith("history")] == [
        "history.sqlite3"
    ]


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        (["CREATE TABLE sessions (id INTEGER)", "PRAGMA user_version = 99"], "newer backcoach"),
        (["CREATE TABLE recipes (name TEXT)"], "not a backcoach history"),
    ],
)
def test_a_newer_or_foreign_database_is_refused_untouched(
    tmp_path: Path, statements: list[str], message: str
) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match=message):
        open_history(path)
    assert path.read_bytes() == before


def test_a_folder_that_cannot_be_made(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv("BACKCOACH_HOME", str(blocker / "home"))
    result = run("start", "--yes")
    assert result.exit_code == 1
    assert "cannot create the folder for the history" in result.stderr
    assert "BACKCOACH_HOME" in result.stderr


def test_history_without_a_database_creates_nothing(run: RunCli, isolated_home: Path) -> None:
    result = run("history")
    assert result.exit_code == 0
    assert "No sessions yet" in result.stdout
    assert not (isolated_home / "history.sqlite3").exists()
    assert json.loads(run("history", "--json").stdout) == []


def env_for(home: Path, scale: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_HOME=str(home), BACKCOACH_TIME_SCALE=scale)
    return env


def test_sigkill_keeps_finished_exercises_and_an_intact_database(isolated_home: Path) -> None:
    process = subprocess.Popen(
        [str(BIN), "start", "--yes", "--plain", "--minutes", "5", "--seed", "2"],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env=env_for(isolated_home, "0.02"),
    )  # fmt: skip
    assert process.stdout is not None
    readies = 0
    for line in process.stdout:
        if "] get ready: " in line:
            readies += 1
            if readies == 2:  # the first exercise has ended and been written
                break
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    path = isolated_home / "history.sqlite3"
    assert integrity_ok(path)
    history = open_history(path)
    assert history is not None
    (record,) = history.sessions()
    assert record.ended_at is None
    assert record.outcome == "interrupted"  # its process is gone
    assert record.exercises[0].status == "done"
    assert {e.status for e in record.exercises[1:]} <= {"pending", "done"}
    # The time it did is kept even though it never reached its end.
    first_exercise = record.exercises[0].work_seconds
    assert record.active_seconds is not None and record.active_seconds >= first_exercise > 0
    history.close()
    shown = subprocess.run(
        [str(BIN), "history"], capture_output=True, text=True, env=env_for(isolated_home, "1")
    ).stdout
    assert "interrupted" in shown and " 0 s " not in shown


def test_two_sessions_at_once_both_land(isolated_home: Path) -> None:
    command = [str(BIN), "start", "--yes", "--plain", "--minutes", "3", "--seed"]
    processes = [
        subprocess.Popen(
            [*command, str(seed)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env_for(isolated_home, "0.005"),
            text=True,
        )  # fmt: skip
        for seed in (1, 2)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    history = open_history(isolated_home / "history.sqlite3")
    assert history is not None
    records = history.sessions()
    assert len(records) == 2
    assert all(r.completed and all(e.status == "done" for e in r.exercises) for r in records)
