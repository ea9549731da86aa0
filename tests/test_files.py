"""The file helpers every part of backcoach can use (issue 26): regular files only,
sizes capped, writes through links, one holder of a lock; text cleaned for the terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from backcoach.errors import UsageError
from backcoach.paths import LockHeld, hold_lock, read_regular_file, write_text_atomically
from backcoach.vocabulary import hidden_character, printable

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and flock")


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_bytes(b"x" * 100)
    assert read_regular_file(file, 100) == b"x" * 100


def test_a_larger_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_bytes(b"x" * 101)
    with pytest.raises(UsageError, match="is larger than 0 KiB"):
        read_regular_file(file, 100)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match=r"is a FIFO \(named pipe\), not a regular file"):
        read_regular_file(fifo, 1024)
    with pytest.raises(UsageError, match="is a FIFO"):
        write_text_atomically(fifo, "x")
    assert fifo.is_fifo()


@pytest.mark.parametrize(("path", "kind"), [("/dev/zero", "a character device"), (".", "a folder")])
def test_devices_and_folders_are_refused(tmp_path: Path, path: str, kind: str) -> None:
    target = Path(path) if path.startswith("/") else tmp_path
    with pytest.raises(UsageError, match=f"is {kind}, not a regular file"):
        read_regular_file(target, 1024)
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(UsageError, match=f"is {kind}"):
        read_regular_file(link, 1024)
    with pytest.raises(UsageError, match=f"is {kind}"):
        write_text_atomically(link, "x")


def test_a_missing_file_is_the_usual_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_regular_file(tmp_path / "none", 10)


def test_a_link_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text_atomically(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_lock_has_one_holder_at_a_time(tmp_path: Path) -> None:
    lock = tmp_path / "a.lock"
    with hold_lock(lock):
        with pytest.raises(LockHeld) as held, hold_lock(lock):
            pass
        assert held.value.holder == str(os.getpid())
    with hold_lock(lock):  # released when the block ended
        pass


def test_a_lock_file_is_never_a_link_or_a_fifo(tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "a.lock"
    link.symlink_to(precious)
    with pytest.raises(OSError), hold_lock(link):
        pass
    assert precious.read_text() == "keep me"
    fifo = tmp_path / "b.lock"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="is a FIFO"), hold_lock(fifo):
        pass


def test_a_crashed_holder_never_leaves_the_lock_stuck(tmp_path: Path) -> None:
    lock = tmp_path / "a.lock"
    code = (
        "import sys, pathlib; from backcoach.paths import hold_lock\n"
        f"with hold_lock(pathlib.Path({str(lock)!r})):\n"
        "    print('held', flush=True); sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(LockHeld) as held, hold_lock(lock):
        pass
    assert held.value.holder == str(holder.pid)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with hold_lock(lock):  # the system let go of it with the process
        pass
    assert holder.stdin is not None
    holder.stdin.close()
    holder.stdout.close()


def test_printable_drops_what_a_terminal_acts_on() -> None:
    text = "a\x1b]0;title\x07b\x9bc\u202ed\u2066e\u2069f\u200bg\u200dh\ufeffi\udcffj"
    assert printable(text) == "a]0;titlebcdefghi\ufffdj"
    assert printable("one\ttwo\nthree") == "one two three"
    assert printable("one\ttwo\nthree", newlines=True) == "one\ttwo\nthree"
    assert hidden_character("plain words, ünïcode ok") is None
    assert hidden_character("x\u202ey") == "U+202E"
    assert hidden_character("x\ny") == "U+000A"
    assert hidden_character("x\ny", newlines=True) is None
