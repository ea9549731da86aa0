"""Real pseudo-terminals (pexpect) for the tests that need one: keys, signals, the terminal
given back. Every such test is marked `pty`; `spawn` refuses to start a child without it.

Each child starts with SIGINT and SIGQUIT at their defaults, as a person's terminal has
them. A suite started in the background of a non-interactive shell (`pytest &` in a
script, a CI step) inherits SIGINT ignored; Python then never installs its Ctrl-C
handler, so Ctrl-C would do nothing and a test waiting for its result would time out
(the cause of the Ctrl-C tests failing "on a busy machine").

A child waits on events, never on the clock: each `expect` waits for text that proves
the program got there, and `TIMEOUT` is generous because it only matters on failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pexpect
import pytest

BIN = Path(sys.executable).parent / "backcoach"
TIMEOUT = 60  # seconds; a passing test never waits it out
# A session that never ends on its own while a test interrupts it, however slow the
# machine: time runs at its real pace (a 2-minute session lasts 2 minutes).
REAL_TIME = "1"

_current: list[pytest.Item] = []


def env(home: Path, scale: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    out.update(BACKCOACH_HOME=str(home), BACKCOACH_TIME_SCALE=scale, TERM="xterm-256color")
    out.pop("NO_COLOR", None)
    out.pop("COLUMNS", None)
    return out


def _as_a_terminal_has_them() -> None:
    """In the child, before exec: the signals a shell may have ignored, back to default."""
    for signum in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(signum, signal.SIG_DFL)


def spawn_program(
    program: str | Path,
    args: list[str],
    env: dict[str, str],
    dimensions: tuple[int, int] = (30, 100),
) -> pexpect.spawn:
    """Any program in a new pseudo-terminal of `dimensions` (rows, columns)."""
    item = _current[-1] if _current else None
    assert item is None or item.get_closest_marker("pty"), (
        f"{item.nodeid} runs a real terminal: mark it @pytest.mark.pty"
    )
    return pexpect.spawn(
        str(program),
        args,
        env=env,
        encoding="utf-8",
        # Ctrl-C may cut a frame mid-character; what matters is read after it.
        codec_errors="replace",
        dimensions=dimensions,
        timeout=TIMEOUT,
        preexec_fn=_as_a_terminal_has_them,
    )


def spawn(
    home: Path, args: str, scale: str = "0.01", dimensions: tuple[int, int] = (30, 100)
) -> pexpect.spawn:
    """backcoach with these arguments, time scaled by `scale`."""
    return spawn_program(BIN, args.split(), env(home, scale), dimensions)


def spawn_in_bash(home: Path, script: str, scale: str) -> pexpect.spawn:
    """A bash script (e.g. backcoach, then `stty -a` to see the terminal it left)."""
    bash = shutil.which("bash")
    assert bash
    return spawn_program(bash, ["-c", script], env(home, scale))


def pass_the_screen(child: pexpect.spawn, first_time: bool = True) -> None:
    """Answer the safety screen: none of the every-session items; at a first session
    the see-a-clinician items too."""
    child.expect("Type the numbers of any that apply \\(1-15\\)")
    child.sendline("none")
    if first_time:
        child.expect("Type the numbers of any that apply \\(1-5\\), or none")
        child.sendline("0")


def no_leg_symptoms(child: pexpect.spawn) -> None:
    """Answer the leg-symptoms question (asked once per episode): none; and the
    conditions that change the plan that follow it: none."""
    child.expect("Do you have pain, tingling or numbness down a leg")
    child.sendline("n")
    no_conditions(child)


def begin_first_session(child: pexpect.spawn, pain: str = "4") -> None:
    """A first session's questions, none applying (the screen, leg symptoms and the
    conditions), pain now, then Enter at "Ready?": the session begins."""
    pass_the_screen(child)
    no_leg_symptoms(child)
    child.expect("Pain now, from 0")
    child.sendline(pain)
    child.expect("Ready")
    child.sendline("")


def no_conditions(child: pexpect.spawn) -> None:
    """The conditions that change the plan, asked once per episode one by one: none."""
    for question in ("spinal stenosis", "osteoporosis", "pregnant", "hypermobility"):
        child.expect(question)
        child.sendline("n")


def report_new_weakness(child: pexpect.spawn) -> None:
    """On the live screen: press s (symptoms), answer 2 (new numbness or weakness), and
    confirm it when it is said back (2); the caller expects what follows."""
    child.send("s")
    child.expect("2 new numbness or weakness")
    child.send("2")
    child.expect("Is that right")  # said back before it stops
    child.send("2")


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return int(child.exitstatus)
