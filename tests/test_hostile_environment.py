"""A hostile environment gets a message, never a traceback, and never loses a file."""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

from backcoach.coach.cues import Speaker
from backcoach.errors import HistoryWarning

from .conftest import TEST_DATA, RunCli
from .fakes import FakeClock
from .terminals import BIN, env, spawn_program

TINY = (TEST_DATA / "tiny.yaml").read_text()
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")


def history_with_a_session(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCOACH_TIME_SCALE", "0.0005")
    assert run("start", "--yes", "--minutes", "2", "--seed", "1").exit_code == 0


@pytest.mark.parametrize("own", ["history.sqlite3", "config.toml", "cache"])
def test_a_report_never_replaces_backcoachs_own_files(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, isolated_home: Path, own: str
) -> None:
    history_with_a_session(run, monkeypatch)
    run("config", "set", "minutes", "12")
    target = isolated_home / own
    before = sorted(p.name for p in isolated_home.rglob("*"))
    size = target.stat().st_size if target.is_file() else None
    name = str(target / "x.md") if target.is_dir() else str(target)
    for extra in ([], ["--force"]):
        result = run("report", "-o", name, *extra)
        assert result.exit_code == 2
        assert "one of backcoach's own files" in result.stderr
    assert sorted(p.name for p in isolated_home.rglob("*")) == before
    if size is not None:
        assert target.stat().st_size == size
    assert run("history").stdout.count("complete") == 1


def test_a_report_replaces_an_earlier_report_but_no_other_file(run: RunCli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("my own notes\n")
    result = run("report", "-o", str(notes))
    assert result.exit_code == 2 and "is not a backcoach report" in result.stderr
    assert notes.read_text() == "my own notes\n"
    assert run("report", "-o", str(notes), "--force").exit_code == 0
    assert notes.read_text().startswith("# backcoach summary")
    again = tmp_path / "summary.html"
    assert run("report", "-o", str(again)).exit_code == 0
    assert run("report", "-o", str(again)).exit_code == 0  # an earlier report: replaced


def test_an_unreadable_speech_command_is_said_before_any_question(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCOACH_TTS", '"x')
    result = run("start", "--yes", "--sound", "voice")
    assert result.exit_code == 2
    assert "BACKCOACH_TTS cannot be read as a command" in result.stderr
    assert "safety check" not in result.stdout  # nothing was asked or shown first


def wait_for_line(fifo: Path) -> str:
    """The next line a process writes to a named pipe (a minute at most, if it never does)."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        ready, _, _ = select.select([fd], [], [], 60)
        assert ready, f"nothing was written to {fifo}"
        return os.read(fd, 64).decode()
    finally:
        os.close(fd)


@posix_only
def test_a_speech_engine_that_ignores_sigterm_is_killed_not_piled_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = tmp_path / "ready"
    os.mkfifo(ready)
    stubborn = tmp_path / "stubborn"
    stubborn.write_text(f"#!/bin/sh\ntrap '' TERM\nsleep 30 &\necho ready > {ready}\nwait\n")
    stubborn.chmod(0o755)
    # The grace before SIGKILL is counted on a fake clock: 0.15 s between phrases, no sleep.
    clock = FakeClock()
    speaking = sys.modules[Speaker.__module__]
    monkeypatch.setattr(speaking, "time", SimpleNamespace(monotonic=clock.now))
    speaker = Speaker([str(stubborn)])
    speaker.GRACE = 0.2
    started = []
    for _ in range(8):
        speaker.say("hello")
        assert speaker.current is not None
        started.append(speaker.current.pid)
        assert wait_for_line(ready) == "ready\n"  # from now on this phrase ignores SIGTERM
        clock.sleep(0.15)
    speaker.close(let_last_finish=False)
    # Every phrase's whole group (the shell and its sleep) is gone.
    alive = subprocess.run(
        ["pgrep", "-f", str(stubborn)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert alive == []
    assert all(not Path(f"/proc/{pid}").exists() for pid in started)


@pytest.mark.pty
def test_a_dumb_terminal_gets_plain_lines(isolated_home: Path) -> None:
    import pexpect

    child = spawn_program(
        BIN, ["start", "--yes", "--minutes", "2", "--seed", "4"],
        dict(env(isolated_home, "0.005"), TERM="dumb"),
    )  # fmt: skip
    child.expect(pexpect.EOF)
    output = child.before or ""
    assert "] get ready: " in output  # plain mode's lines
    assert "\x1b[" not in output.split("] get ready: ", 1)[1].split("What you did")[0]


def test_a_bad_history_row_is_left_out_with_a_warning_and_the_rest_is_read(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    history_with_a_session(run, monkeypatch)
    assert run("start", "--yes", "--minutes", "2", "--seed", "2").exit_code == 0
    with sqlite3.connect(isolated_home / "history.sqlite3") as db:
        db.execute("UPDATE sessions SET started_at = 'garbage' WHERE id = 1")
        db.execute("UPDATE session_exercises SET dose = '{bad' WHERE session_id = 2")
    for command in (["history"], ["stats"], ["report"], ["history", "--json"]):
        with pytest.warns(HistoryWarning) as caught:
            result = run(*command)
        assert result.exit_code == 0, (command, result.output)
        said = [str(warning.message) for warning in caught]
        assert any("session 1 in the history cannot be read" in line for line in said)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HistoryWarning)
        assert "complete" in run("history").stdout  # session 2 is still there
    shown = subprocess.run(
        [str(BIN), "history"], capture_output=True, text=True, env=env(isolated_home, "1")
    )
    assert shown.returncode == 0
    assert "warning: session 1 in the history cannot be read and is left out" in shown.stderr
    assert "warning: exercise" in shown.stderr and "Traceback" not in shown.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda text: text.replace("seconds: 4,", "seconds: true,"),
            "Input should be a valid integer",
        ),
        (lambda text: text.replace("    warmup: true\n", "    warmup: 1\n"), "valid boolean"),
        (
            lambda text: text.replace(
                "    cues: [Breathe out]\n", "    cues: [" + "x, " * 40 + "x]\n"
            ),
            "at most 30 items",
        ),
    ],
)
def test_strict_types_and_field_limits(
    run: RunCli, tmp_path: Path, change: object, message: str
) -> None:
    path = tmp_path / "c.yaml"
    changed = change(TINY)  # type: ignore[operator]
    assert changed != TINY
    path.write_text(changed)
    result = run("validate", str(path))
    assert result.exit_code == 2 and message in result.stderr


@posix_only
def test_a_catalogue_that_never_ends_or_is_too_big_is_refused_before_reading(
    run: RunCli, tmp_path: Path
) -> None:
    result = run("--catalogue", "/dev/zero", "list")
    assert result.exit_code == 2 and "is not a regular file" in result.stderr
    big = tmp_path / "big.yaml"
    with big.open("wb") as file:
        file.truncate(257 * 2**20)  # sparse: nothing is written
    result = run("validate", str(big))
    assert result.exit_code == 2 and "a catalogue may be at most 256 MiB" in result.stderr


def test_seeds_out_of_range_are_usage_errors(run: RunCli) -> None:
    for seed in ("9223372036854775808", "-1", "2147483648"):
        result = run("plan", "--seed", seed)
        assert result.exit_code == 2 and "--seed must be a whole number from 0" in result.stderr
    assert run("plan", "--seed", "2147483647").exit_code == 0


def test_a_relative_home_is_made_absolute(tmp_path: Path) -> None:
    environment = dict(env(tmp_path, "1"), BACKCOACH_HOME="rel-home")
    shown = subprocess.run(
        [str(BIN), "config", "path"], cwd=tmp_path, env=environment, capture_output=True,
        text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert os.path.isabs(shown)
    assert Path(shown) == tmp_path.resolve() / "rel-home" / "config.toml"
