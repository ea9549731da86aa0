"""The history said as it is (issue 26, part 2): a healthy history is never called
damaged for a full disk, a read-only place or another program's lock, and a history
deleted or replaced during a session is never written as if nothing happened."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from backcoach.errors import HistoryBusy, HistoryUnwritable
from backcoach.history.migrations import failure, read_error
from backcoach.history.store import open_history

from .builders import add_session, one_step_plan
from .conftest import RunCli


def history_file(home: Path) -> Path:
    with open_history() as history:
        add_session(history, date(2026, 1, 5))
    return home / "history.sqlite3"


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_history_deleted_or_replaced_during_a_session_is_not_written(
    isolated_home: Path, tmp_path: Path, how: str
) -> None:
    path = history_file(isolated_home)
    older = tmp_path / "older.sqlite3"
    older.write_bytes(path.read_bytes())
    with open_history() as history:
        session = history.begin(one_step_plan(None), "lower back", 4, [10.0])
        if how == "deleted":
            path.unlink()
        else:
            os.replace(older, path)
        with pytest.raises(HistoryUnwritable, match=how):
            history.record_exercise(session, 0, "done", 10.0)


def test_another_programs_exclusive_lock_is_not_called_damage(
    run: RunCli, isolated_home: Path
) -> None:
    path = history_file(isolated_home)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA journal_mode = DELETE")
        other.execute("BEGIN EXCLUSIVE")
        other.execute("UPDATE sessions SET focus = focus")
        result = run("history")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1
    assert "locked by another program" in result.stderr
    assert "damaged" not in result.stderr.replace("not damaged", "")
    assert "move it aside" not in result.stderr


def test_a_damaged_file_is_still_called_damaged(run: RunCli, isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True)
    (isolated_home / "history.sqlite3").write_bytes(b"not a database at all" * 100)
    result = run("history")
    assert result.exit_code == 1
    assert "is not a backcoach history or is damaged" in result.stderr


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        ("database or disk is full", HistoryUnwritable, "the disk is full"),
        ("attempt to write a readonly database", HistoryUnwritable, "read-only"),
        ("unable to open database file", HistoryUnwritable, "folder is read-only"),
        ("disk I/O error", HistoryUnwritable, "input/output error"),
        ("database is locked", HistoryBusy, "locked by another program"),
    ],
)
def test_each_failure_has_its_own_message_and_never_says_damaged(
    error: str, kind: type, words: str
) -> None:
    made = failure(Path("h.sqlite3"), sqlite3.OperationalError(error))
    assert isinstance(made, kind)
    assert words in made.message
    assert "is damaged" not in made.message
    assert (
        "is damaged"
        in read_error(Path("h.sqlite3"), sqlite3.DatabaseError("file is not a database")).message
    )
