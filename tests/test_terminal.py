"""Real pseudo-terminal sessions (pexpect): keys, redraws and the terminal restored."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
from rich.console import Console

from backcoach.catalogue.library import open_library
from backcoach.plan.prepare import Choices, prepare
from backcoach.plan.timeline import segments
from backcoach.render.history import session_summary
from backcoach.timer.engine import Engine

from .conftest import BUNDLED, history_json
from .fakes import FakeClock, ScriptedKeys
from .terminals import (
    BIN,
    REAL_TIME,
    begin_first_session,
    env,
    finish,
    no_conditions,
    no_leg_symptoms,
    pass_the_screen,
    spawn,
    spawn_in_bash,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")


@pytest.mark.pty
def test_a_session_runs_to_the_end_with_its_questions(isolated_home: Path) -> None:
    # Upper back: no extension exercises, so no symptom question in between.
    child = spawn(isolated_home, "start --focus upper --minutes 2 --seed 4")
    child.expect("Type the numbers of any that apply")
    child.sendline("")  # an empty Enter is not "none apply"
    child.expect("Please type none \\(or 0\\) if none apply")
    child.sendline("none")
    child.expect("Before your first session")
    child.sendline("none")
    no_leg_symptoms(child)
    child.expect("Pain now, from 0")
    child.sendline("11")
    child.expect("Please type a whole number from 0 to 10")
    child.sendline("4")
    child.expect("Ready\\? Press Enter")
    child.sendline("")
    child.expect("time runs ×100")
    child.expect("GET READY")
    child.expect("Pain now, after the session")
    child.sendline("3")
    child.expect("How hard did it feel")
    child.sendline("2")
    child.expect("Session complete\\.")
    child.expect("Saved as session 1")
    assert finish(child) == 0


@pytest.mark.pty
@pytest.mark.parametrize(
    ("answers", "advice"),
    [
        (["2", "y"], "call your emergency number"),  # said back: "is that right?" y
        (["9", "y"], "Please do not exercise today"),
        (["none", "1", "y", "n"], "check with a doctor or physiotherapist before"),
    ],
)
def test_each_red_flag_tier_stops_the_session(
    isolated_home: Path, answers: list[str], advice: str
) -> None:
    child = spawn(isolated_home, "start --minutes 2 --seed 4")
    for answer in answers:
        child.expect(
            "Type the numbers of any that apply|Is that right|told you that exercise is fine"
        )
        child.sendline(answer)
    child.expect("No session today")
    child.expect(advice)
    assert finish(child) == 3  # no exercise today
    assert "GET READY" not in (child.before or "")
    (record,) = history_json(isolated_home)
    assert record["outcome"] == "red flag" and record["exercises"] == []


@pytest.mark.pty
def test_leg_symptoms_spreading_stops_the_extension_exercises(isolated_home: Path) -> None:
    # Seed 18, lower back stretching, 4 minutes: pelvic tilt, the prone press-up
    # (extension), knee rolls, double knee to chest (it can tension the nerve).
    # With leg symptoms, the spread question follows both kinds (DESIGN.md, step 5).
    # Keys go only to questions the session waits on, so time may run fast.
    child = spawn(
        isolated_home, "start --focus lower,stretch --minutes 4 --seed 18 --plain", "0.005"
    )
    pass_the_screen(child)
    child.expect("Do you have pain, tingling or numbness down a leg")
    child.sendline("y")
    no_conditions(child)
    child.expect("Pain now")
    child.sendline("")
    child.expect("in your leg now")
    child.sendline("")
    child.expect("Ready")
    child.sendline("")
    child.expect("get ready: Prone press-up")
    child.expect("move further down the leg\\? 1 yes · 2 no")
    child.send("1")  # one number key, no Enter
    child.expect("stop the back-bending \\(extension\\) exercises for today")
    child.expect("get ready: Double knee to chest")
    child.expect("move further down the leg\\? 1 yes · 2 no")  # asked after nerve tension too
    child.send("2")
    child.expect("Pain now, after")
    child.sendline("")
    child.expect("How hard")
    child.sendline("")
    child.expect("Prone press-up +│ stopped \\(symptoms\\)")
    assert finish(child) == 0


@pytest.mark.pty
def test_space_pauses_and_resumes(isolated_home: Path) -> None:
    # In real time, so the session is still running whenever each key arrives. How long
    # it was paused is a clock's business: the summary saying so is tested below, on a
    # fake clock, for a pause of a known length.
    child = spawn(isolated_home, "start --minutes 2 --seed 4 --yes", REAL_TIME)
    child.expect("GET READY")
    child.send(" ")
    child.expect("PAUSED — press space to go on")
    child.send(" ")
    child.expect("going on|GET READY|REST|HOLD|RELAX|[A-Z]{2,} ")
    child.send("q")
    child.expect("Session ended early\\.")
    assert finish(child) == 0


def test_the_summary_after_a_pause_says_how_long_it_was_paused() -> None:
    # `start --minutes 2 --seed 4 --yes`'s plan; space at 1 s, space again 3 s later, q.
    choices = Choices(minutes=2, seed=4, no_questions=True)
    plan = prepare(open_library(BUNDLED), choices).plan()
    clock = FakeClock()
    keys = ScriptedKeys(clock, [(1, " "), (4, " "), (5, "q")])
    outcome = Engine(segments(plan), clock, keys).run()
    console = Console(width=100, color_system=None, _environ={})
    with console.capture() as captured:
        console.print(session_summary(plan, outcome))
    shown = captured.get()
    assert "Session ended early." in shown
    assert "paused" in shown.split("Session ended early.", 1)[1]
    assert "(paused 3 s)" in shown


@pytest.mark.pty
def test_n_skips_to_the_next_exercise_and_q_quits(isolated_home: Path) -> None:
    # In real time, so the session is still running whenever each key arrives: `n` at
    # "get ready" skips only that, and the exercise begins at once.
    child = spawn(isolated_home, "start --minutes 3 --seed 4 --yes --plain", REAL_TIME)
    child.expect("get ready: (.+?),")
    first = child.match.group(1)
    child.send("n")
    child.expect("skipped: get ready")
    child.expect(f"{first}: ")  # its first rep or hold has begun
    child.send("n")
    child.expect(f"skipped: {first}")
    child.expect("get ready: (.+?),")
    assert child.match.group(1) != first
    child.send("q")
    child.expect("Session ended early\\.")
    assert finish(child) == 0


@pytest.mark.pty
def test_ctrl_c_exits_130_and_restores_the_terminal(isolated_home: Path) -> None:
    script = f'{BIN} start --minutes 2 --seed 4 --yes; echo "exit=$?"; stty -a'
    # In real time, so the session cannot end before Ctrl-C arrives, however slow the machine.
    child = spawn_in_bash(isolated_home, script, REAL_TIME)
    child.expect("GET READY")  # drawn once cbreak is on and the handlers are in place
    child.sendintr()
    child.expect("Session stopped by Ctrl-C; what you did is kept")
    child.expect("exit=130")
    # Said once: no "error: stopped with Ctrl-C" after the summary (issue 24).
    assert "Ctrl-C" not in child.before and "error" not in child.before
    child.expect(pexpect.EOF)
    settings = child.before
    assert " icanon" in settings and "-icanon" not in settings
    assert " echo " in settings and "-echo " not in settings


@pytest.mark.pty
def test_ctrl_c_at_a_question_ends_its_line_before_the_shell_prompt(isolated_home: Path) -> None:
    script = f'{BIN} start --minutes 2 --seed 4; echo "exit=$?"'
    child = spawn_in_bash(isolated_home, script, REAL_TIME)
    pass_the_screen(child)
    no_leg_symptoms(child)
    child.expect("Pain now, from 0 .+ Enter to skip: ")
    child.sendintr()
    # The shell's prompt (here: the echo) starts a line of its own, not after the question.
    child.expect("\r\nexit=130")
    assert "skip: exit" not in child.before


@pytest.mark.pty
def test_ctrl_z_leaves_the_full_screen_and_fg_brings_the_view_back(isolated_home: Path) -> None:
    # Issue 24: Ctrl-Z left the frozen view under the shell's prompt. A shell with job
    # control (set -m) stops the job; `fg` continues it (SIGCONT) as a person would.
    script = (
        f'set -m; {BIN} start --minutes 2 --seed 4 --yes; echo "stopped=$?"; '
        'stty -a; fg; echo "exit=$?"'
    )
    child = spawn_in_bash(isolated_home, script, REAL_TIME)
    child.expect("GET READY")
    child.send("\x1a")  # Ctrl-Z
    child.expect_exact("\x1b[?1049l")  # the alternate screen left before stopping
    child.expect("stopped=148")  # 128 + SIGTSTP: the job stopped, the shell has the terminal
    child.expect_exact("\x1b[?1049h")  # after fg: the full screen again
    settings = child.before  # stty -a while stopped: the terminal as the shell wants it
    assert " icanon" in settings and "-icanon" not in settings
    assert " echo " in settings and "-echo " not in settings
    child.expect("PAUSED")  # the time stopped is paused time
    child.send(" ")
    child.send("q")
    child.expect("Session ended early")
    child.expect("exit=0")


@pytest.mark.pty
def test_sigterm_exits_143_and_restores_the_terminal(isolated_home: Path) -> None:
    child = spawn_in_bash(isolated_home, f"{BIN} start --minutes 2 --seed 4 --yes", REAL_TIME)
    child.expect("GET READY")  # drawn once the stop signals' handlers are in place
    child.kill(15)
    child.expect("Session stopped by a stop signal")
    assert finish(child) == 143


def test_without_yes_and_without_a_terminal_start_refuses(isolated_home: Path) -> None:
    import subprocess

    result = subprocess.run(
        [str(BIN), "start"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env=env(isolated_home, "0.01"), timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "not a terminal" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.pty
def test_pain_of_seven_or_more_offers_a_flare_up_session(isolated_home: Path) -> None:
    # Keys only answer questions the session waits on: time may run fast.
    child = spawn(isolated_home, "start --focus upper --minutes 2 --seed 4 --plain", "0.005")
    pass_the_screen(child)
    child.expect("Do you have pain, tingling or numbness down a leg")
    child.sendline("y")
    no_conditions(child)
    child.expect("Pain now")
    child.sendline("8")
    child.expect("Pain in your leg now")
    child.sendline("5")
    child.expect("Your pain is 8/10. Switch to a gentler flare-up session")
    child.sendline("")  # the default is yes
    child.expect("flare-up day: a few gentle exercises lying down")
    child.expect("Ready")
    child.sendline("")
    child.expect("get ready: ")
    # Knee to chest and the like can tension the nerve: answer their symptom question.
    while child.expect(["move further down the leg\\? 1 yes · 2 no", "Pain now, after"]) == 0:
        child.send("2")
    child.sendline("")
    child.expect("Pain in your leg now")  # leg pain, apart from back pain
    child.sendline("3")
    child.expect("How hard")
    child.sendline("")
    child.expect("Leg pain: 5 → 3. Leg pain easing")  # centralisation is good news
    child.expect("keep walking gently")  # the advice after a flare-up day
    assert finish(child) == 0


@pytest.mark.pty
def test_advice_around_the_session_and_each_caution_at_get_ready(isolated_home: Path) -> None:
    child = spawn(isolated_home, "start --focus upper --minutes 2 --seed 4 --yes", "0.005")
    child.expect("Mild soreness during and after exercise is normal")
    child.expect("At a desk, stand up and move at least once an hour")  # upper back
    child.expect("GET READY")
    child.expect("Careful: ")  # the exercise's most important caution, on the live screen
    child.expect("Session complete")
    child.expect("Keep moving today")
    assert finish(child) == 0


@pytest.mark.pty
def test_ctrl_c_at_the_closing_pain_question_says_it_once(isolated_home: Path) -> None:
    """Issue 24: "Saved as session 1" says what is kept; no error line after it."""
    script = f'{BIN} start --focus upper --minutes 2 --seed 4 --plain; echo "exit=$?"'
    child = spawn_in_bash(isolated_home, script, "0.005")
    begin_first_session(child)
    child.expect("Pain now, after the session")
    child.sendintr()
    child.expect("Saved as session 1")
    child.expect("exit=130")
    assert "error" not in child.before and "Ctrl-C" not in child.before
    child.expect(pexpect.EOF)


@pytest.mark.pty
@pytest.mark.parametrize("then", ["ctrl-c", "answered"])
def test_a_session_with_an_exercise_stopped_for_pain_is_not_done_in_full(
    isolated_home: Path, then: str
) -> None:
    """Issue 24: `x` (this hurts) then Ctrl-C at the pain question was kept as "complete"."""
    child = spawn(isolated_home, "start --focus upper --minutes 2 --seed 4 --plain", "0.005")
    begin_first_session(child)
    child.expect("get ready: ")
    child.send("x")
    child.expect("Pain now, after the session")
    if then == "ctrl-c":
        child.sendintr()
        assert finish(child) == 130
    else:
        child.sendline("4")
        child.expect("How hard did it feel")
        child.sendline("2")
        assert finish(child) == 0
    (record,) = history_json(isolated_home)
    assert "hurt" in [e["status"] for e in record["exercises"]]
    assert record["completed"] is False  # no streak day, as when answered
