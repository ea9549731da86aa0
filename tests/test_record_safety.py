"""Nothing a person does, and nothing the machine does, loses a session or an answer."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pexpect
import pytest

from .conftest import RunCli, history_json
from .terminals import (
    BIN,
    REAL_TIME,
    begin_first_session,
    env,
    finish,
    no_leg_symptoms,
    pass_the_screen,
    report_new_weakness,
    spawn,
    spawn_in_bash,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and pty")


def to_the_closing_questions(home: Path) -> pexpect.spawn:
    """A short upper-back session (no symptom question), run to its first closing question."""
    child = spawn(home, "start --focus upper --minutes 2 --seed 4 --plain", "0.005")
    begin_first_session(child)
    child.expect("Pain now, after the session")
    return child


@pytest.mark.pty
@pytest.mark.parametrize(
    ("stop", "status"),
    [
        (lambda child: child.sendintr(), 130),
        (lambda child: child.kill(signal.SIGTERM), 143),
        (lambda child: child.kill(signal.SIGHUP), 129),
        (lambda child: child.sendeof(), 0),
    ],
    ids=["ctrl-c", "sigterm", "sighup", "ctrl-d"],
)
def test_a_finished_session_stays_finished_whatever_stops_its_questions(
    isolated_home: Path, stop: object, status: int
) -> None:
    child = to_the_closing_questions(isolated_home)
    stop(child)  # type: ignore[operator]
    assert finish(child) == status
    (record,) = history_json(isolated_home)
    assert record["outcome"] == "done" and record["completed"] is True
    assert record["pain_before"] == 4 and record["pain_after"] is None


@pytest.mark.pty
def test_each_closing_answer_is_kept_the_moment_it_is_given(isolated_home: Path) -> None:
    child = to_the_closing_questions(isolated_home)
    child.sendline("²")  # a digit to str.isdigit, but no number: asked again
    child.expect("Please type a whole number from 0 to 10")
    child.sendline("①")
    child.expect("Please type a whole number from 0 to 10")
    child.sendline("2")
    child.expect("How hard did it feel")
    child.sendintr()
    assert finish(child) == 130
    (record,) = history_json(isolated_home)
    assert record["completed"] is True and record["pain_after"] == 2 and record["effort"] is None


@pytest.mark.pty
def test_a_red_flag_answer_of_superscript_two_is_asked_again(isolated_home: Path) -> None:
    child = spawn(isolated_home, "start --minutes 2 --seed 4 --plain", "0.01")
    child.expect("Type the numbers")
    child.sendline("²")
    child.expect("Please type none \\(or 0\\) if none apply, or numbers from 1 to")
    child.expect("Type the numbers")  # asked again
    child.sendline("none")
    child.expect("Before your first session")  # the answer after it was taken as usual
    child.sendintr()
    child.expect(pexpect.EOF)


@contextmanager
def lock_held(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the history's write lock until the block ends (when the
    test has seen what proves the lock was waited for), never for a guessed time."""
    script = textwrap.dedent(f"""
        import sqlite3, sys
        db = sqlite3.connect({str(path)!r}, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        sys.stdin.readline()  # until told to let go
        db.execute("COMMIT")
    """)
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.stdin.close()  # let go
        assert holder.wait(timeout=60) == 0
        holder.stdout.close()


def until(stream: IO[str], text: str) -> str:
    """What a process writes, read line by line up to the first line holding `text`."""
    said = ""
    for line in stream:
        said += line
        if text in line:
            return said
    raise AssertionError(f"never said {text!r}; said:\n{said}")


def test_a_history_locked_by_another_process_never_stops_the_session(
    isolated_home: Path, tmp_path: Path
) -> None:
    # The history exists (an earlier session), then another process holds its lock for
    # longer than SQLite's 5 s busy timeout, through the whole session: until the session
    # has ended and says it is waiting for the history.
    args = [str(BIN), "start", "--yes", "--plain", "--minutes", "2", "--seed", "4"]
    subprocess.run(args, env=env(isolated_home, "0.001"), check=True, capture_output=True)
    errors = tmp_path / "stderr.txt"
    with lock_held(isolated_home / "history.sqlite3"), errors.open("w") as stderr:
        session = subprocess.Popen(
            args, env=env(isolated_home, "0.002"), stdout=subprocess.PIPE, stderr=stderr,
            text=True,
        )  # fmt: skip
        assert session.stdout is not None
        locked_out = until(session.stdout, "Waiting for the history")
    assert "Session complete." in locked_out  # it ran to its end while the lock was held
    stdout = locked_out + session.stdout.read()
    session.stdout.close()
    assert session.wait(timeout=60) == 0, errors.read_text()
    assert "Session complete." in stdout
    assert "Saved as session 2" in stdout
    records = history_json(isolated_home)
    assert [r["id"] for r in records] == [2, 1]
    assert records[0]["completed"] is True
    assert all(e["completed"] for e in records[0]["exercises"])  # type: ignore[attr-defined]


def immutable(*paths: Path) -> bool:
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    return subprocess.run([chattr, "+i", *map(str, paths)], capture_output=True).returncode == 0


def mutable(*paths: Path) -> None:
    subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True, check=False)


@pytest.fixture
def read_only_history(isolated_home: Path) -> Iterator[Path]:
    """A healthy history that cannot be written: the file and its folder made immutable."""
    args = [str(BIN), "start", "--yes", "--plain", "--minutes", "2", "--seed", "4"]
    subprocess.run(args, env=env(isolated_home, "0.001"), check=True, capture_output=True)
    path = isolated_home / "history.sqlite3"
    with sqlite3.connect(path) as db:  # no -wal or -shm file: SQLite must make none
        db.execute("PRAGMA journal_mode = DELETE")
    if not immutable(path, isolated_home):
        pytest.skip("chattr +i is not available here (needs root on ext4 or similar)")
    try:
        yield isolated_home
    finally:
        mutable(path, isolated_home)


def test_a_read_only_history_is_read_and_never_called_damaged(
    read_only_history: Path, run: RunCli
) -> None:
    # In process (the history in BACKCOACH_HOME, as the fixture made it): what is read
    # is the point; a warning would fail the test here, where a subprocess only says it.
    for command in (["history"], ["stats"], ["report"], ["plan", "--seed", "1"]):
        result = run(*command)
        assert result.exit_code == 0, (command, result.stderr)
        assert "damaged" not in result.stderr
    assert "complete" in run("history").stdout


def test_a_session_that_cannot_be_saved_runs_and_shows_its_record(
    read_only_history: Path,
) -> None:
    result = subprocess.run(
        [str(BIN), "start", "--yes", "--plain", "--minutes", "2", "--seed", "5"],
        capture_output=True, text=True, env=env(read_only_history, "0.002"), timeout=90,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Session complete." in result.stdout
    assert "could not be saved" in result.stdout and "read-only" in result.stdout
    said = result.stdout.index("This session cannot be saved")  # once, before it runs
    assert result.stdout.count("This session cannot be saved") == 1
    assert said < result.stdout.index("get ready")
    record = json.loads(result.stdout[result.stdout.index("{") :])
    assert record["completed"] is True and record["seed"] == 5
    assert all(e["status"] == "done" for e in record["exercises"])
    assert len(history_json(read_only_history)) == 1  # the old history, untouched


def test_a_closed_pipe_is_quiet_and_a_full_disk_is_an_error(isolated_home: Path) -> None:
    for command in (["list"], ["list", "--json"], ["show", "bird-dog"], ["--help"]):
        process = subprocess.Popen(
            [str(BIN), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env(isolated_home, "1"),
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # as `| head -1` does
        assert process.wait(timeout=30) == 0, command
        assert process.stderr.read() == b""
        process.stderr.close()
    if not Path("/dev/full").exists():
        return
    for command in (["list", "--json"], ["history", "--csv"], ["report"]):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [str(BIN), *command], stdout=full, stderr=subprocess.PIPE, text=True,
                env=env(isolated_home, "1"),
            )  # fmt: skip
        assert result.returncode == 1, command
        assert "could not write all of the output: No space left on device" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_closed_stdout_and_an_8_bit_terminal_get_messages_not_tracebacks(
    isolated_home: Path,
) -> None:
    closed = subprocess.run(
        f"{BIN} list >&-", shell=True, capture_output=True, text=True, env=env(isolated_home, "1")
    )
    assert closed.returncode == 1 and "standard output is closed" in closed.stderr
    latin = subprocess.run(
        [str(BIN), "show", "bird-dog"], capture_output=True,
        env=dict(env(isolated_home, "1"), PYTHONIOENCODING="latin-1"),
    )  # fmt: skip
    assert latin.returncode == 0 and b"Bird-dog" in latin.stdout and latin.stderr == b""


@pytest.mark.pty
@pytest.mark.parametrize("stop", [signal.SIGHUP, signal.SIGQUIT])
def test_a_closed_terminal_or_ctrl_backslash_mid_session_keeps_it_and_restores(
    isolated_home: Path, stop: signal.Signals
) -> None:
    script = f'{BIN} start --minutes 2 --seed 4 --yes; echo "exit=$?"; stty -a'
    # In real time, so the session cannot end before the signal arrives.
    child = spawn_in_bash(isolated_home, script, REAL_TIME)
    child.expect("GET READY")  # drawn once the stop signals' handlers are in place
    # backcoach only (bash -c's child), never another backcoach running on this machine.
    subprocess.run(["pkill", f"-{int(stop)}", "-P", str(child.pid)], check=True)
    child.expect("Session stopped by a stop signal")
    child.expect(f"exit={128 + int(stop)}")
    child.expect(pexpect.EOF)
    settings = child.before or ""
    assert " icanon" in settings and " echo " in settings
    (record,) = history_json(isolated_home)
    assert record["outcome"] == "interrupted" and record["ended_at"] is not None


def started(home: Path) -> pexpect.spawn:
    child = spawn(home, "start --focus upper --minutes 3 --seed 4 --plain", "0.05")
    pass_the_screen(child)
    no_leg_symptoms(child)
    child.expect("Pain now, from 0")
    child.sendline("3")
    child.expect("Ready")
    child.sendline("")
    child.expect("get ready: Thread the needle")
    child.expect("Thread the needle: ")  # its first hold has begun
    return child


@pytest.mark.pty
def test_s_reports_spreading_symptoms_at_any_moment(isolated_home: Path) -> None:
    child = started(isolated_home)
    child.send("s")
    child.expect("Symptoms: what happened\\? 1 pain")
    child.send("1")  # one key on the live screen, no Enter
    child.expect("get ready: Open book")  # that exercise stopped; the session goes on
    child.expect("Pain now, after")
    child.sendline("3")
    child.expect("How hard")
    child.sendline("2")
    child.expect("Thread the needle +│ stopped \\(symptoms\\)")
    assert finish(child) == 0
    (record,) = history_json(isolated_home)
    assert record["completed"] is True
    statuses = [e["status"] for e in record["exercises"]]  # type: ignore[union-attr]
    assert statuses[0] == "stopped"


@pytest.mark.pty
def test_s_then_new_weakness_gives_the_emergency_advice_and_ends(isolated_home: Path) -> None:
    child = started(isolated_home)
    report_new_weakness(child)
    child.expect("Stop here")
    child.expect("call your emergency number")
    assert finish(child) == 3  # no exercise today (DESIGN.md's exit codes)
    after = child.before or ""  # nothing follows that advice (issue 22)
    assert "Pain now, after" not in after and "in a row" not in after and "Tip:" not in after
    assert "Saved as session" not in after  # saved quietly: the advice is the last word
    (record,) = history_json(isolated_home)
    assert record["completed"] is False and record["red_flags"] == ["new-weakness"]
    report = subprocess.run(
        [str(BIN), "report"], capture_output=True, text=True, env=env(isolated_home, "1")
    ).stdout
    assert "(emergency): new numbness or weakness, reported during a session" in report
