"""The safety screen's words as a person reads them: the conditions under --yes, lists
whose wrapped lines keep their indent, one "Now:" line naming what is left out, a first
run not asked about a "new episode", and what pregnancy leaves out said as a reason."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from backcoach.clinical import (
    CONDITION_BY_CODE,
    CONDITIONS,
    NOT_A_DIAGNOSIS,
    RED_FLAGS,
    Memory,
    RedFlag,
    Tier,
    condition_exclusions,
)
from backcoach.coach.screen import screen
from backcoach.gate import Allowed, Verdict
from backcoach.history.store import open_history
from backcoach.render.safety import advice, red_flag_list, stop_panel, verdict_line

from .conftest import RunCli
from .terminals import BIN, env, finish, pass_the_screen, spawn

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def shown(renderable: object, width: int = 80) -> list[str]:
    out = StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(renderable)
    return out.getvalue().splitlines()


def record_conditions(*applying: str) -> None:
    from backcoach.history.flags import CONDITION_PREFIX
    from backcoach.history.routines import record_episode_answer

    with open_history() as history:
        for condition in CONDITIONS:
            answer = "yes" if condition.code in applying else "no"
            record_episode_answer(history, CONDITION_PREFIX + condition.code, answer)


def start_yes(home: Path) -> str:
    result = subprocess.run(
        [str(BIN), "start", "--focus", "lower", "--minutes", "2", "--yes", "--plain"],
        capture_output=True,
        text=True,
        env={**env(home, "0.001"), "COLUMNS": "80"},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# 1. --yes prints the conditions list (DESIGN.md: "the safety lists (conditions
# included) are still printed and --yes confirms them").


def test_yes_prints_the_conditions_never_answered_and_says_what_it_confirms(
    isolated_home: Path,
) -> None:
    out = start_yes(isolated_home)
    listed = out[out.index("Conditions that change the plan:") :]
    for words in ("spinal stenosis or spondylolisthesis", "osteoporosis", "pregnancy",
                  "past about 16 weeks", "joint hypermobility"):  # fmt: skip
        assert words in listed[: listed.index("Plan:")], words
    assert "--yes also confirms that none of these conditions apply to you today" in out
    assert "without --yes asks about them one by one" in " ".join(out.split())
    # Leg symptoms change the plan too (CLINICAL.md), and --yes says what it does.
    said = " ".join(listed[: listed.index("Plan:")].split())
    assert "Leg symptoms (pain, tingling or numbness down a leg) change the plan too" in said
    assert "leaves out the nerve-stretching exercises" in said


def test_yes_says_which_recorded_conditions_apply_and_what_they_leave_out(
    isolated_home: Path,
) -> None:
    record_conditions("stenosis")
    out = " ".join(start_yes(isolated_home).split())
    assert "You told backcoach, and it still changes the plan:" in out
    assert "you have spinal stenosis or spondylolisthesis: no back-bending" in out
    assert "--yes also confirms" not in out  # answered: nothing to confirm


# 2. Wrapped lines keep their indent (a hanging indent), live and plain alike.


def test_every_wrapped_line_of_the_safety_lists_keeps_its_indent() -> None:
    lines = shown(red_flag_list(RED_FLAGS))
    numbered = [i for i, line in enumerate(lines) if line[:5].strip().rstrip(".").isdigit()]
    assert len(numbered) == len(RED_FLAGS)
    wrapped = [line for i, line in enumerate(lines[1:-1], 1) if i not in numbered and
               not line.endswith(":")]  # fmt: skip
    assert wrapped, "at 80 columns some items wrap (2, 5, 13, 14, 20)"
    assert all(line.startswith(" " * 6) and line[6] != " " for line in wrapped), wrapped
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines)
    item_2 = lines[numbered[1] : numbered[2]]
    assert " ".join(part.strip() for part in item_2).startswith("2. numbness around")
    assert lines[-1] == NOT_A_DIAGNOSIS


def test_the_plain_output_under_yes_keeps_the_indent_too(isolated_home: Path) -> None:
    lines = start_yes(isolated_home).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("   2. numbness around"))
    assert lines[at + 1].startswith("      ") and lines[at + 1].strip().startswith("different")


def test_the_stop_panel_and_the_tips_wrap_under_their_text() -> None:
    long = RedFlag("x", Tier.URGENT, "a very long item " * 8)
    panel = shown(stop_panel((long,), Tier.URGENT), width=60)
    first = next(i for i, line in enumerate(panel) if "• a very long" in line)
    column = panel[first].index("a very long")
    assert panel[first + 1][:column].strip("│ ") == "" and panel[first + 1][column] != " "
    tips = shown(advice(("word " * 30,)), width=60)
    assert tips[0].startswith("Tip: word") and tips[1].startswith("     word")


# 3. The "Now:" line: once, naming what it leaves out, each reason once.


def test_the_now_line_names_what_it_leaves_out_with_each_reason_once() -> None:
    exclusions = condition_exclusions(("pregnancy",))
    reason = exclusions[0][1]
    names = {reason: ["Prone press-up", "Plank from the knees"]}
    line = verdict_line(Verdict(Allowed.SESSION, exclusions=exclusions), names=names).plain
    assert line.startswith("Now: a session, leaving out Prone press-up and Plank from the knees")
    assert line.count("because you told backcoach you are pregnant") == 1
    assert "left out: because" not in line
    # Nothing named: what the rules cover, in words (never an empty "left out:").
    bare = verdict_line(Verdict(Allowed.SESSION, exclusions=exclusions)).plain
    assert "leaving out exercises lying face down and loaded exercises, because" in bare


def test_safety_says_now_once_with_the_exercises_by_name(run: RunCli, isolated_home: Path) -> None:
    record_conditions("stenosis")
    with open_history() as history:
        history.record_safety_check("clinician", [], at=datetime.now(UTC) - timedelta(days=1))
    result = run("safety")
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    assert out.count("Now:") == 1
    assert "leaving out" in out and "Prone press-up" in out
    assert "because you told backcoach you have spinal stenosis or spondylolisthesis" in out
    assert "none; none applied" not in out and "none of them applied" in out


@pytest.mark.pty
def test_safety_with_something_to_update_says_now_once_after_the_answers(
    isolated_home: Path,
) -> None:
    from backcoach.clinical import BY_CODE
    from backcoach.history.flags import raise_flags

    with open_history() as history:
        raise_flags(history, [BY_CODE["fever"]], "screen", datetime.now(UTC) - timedelta(days=2))
    child = spawn(isolated_home, "safety")
    child.expect("still apply")
    before = child.before or ""
    child.sendline("n")
    assert finish(child) == 0
    after = child.before or ""
    assert "Now:" not in before  # not said before the question...
    assert after.count("Now:") == 1  # ...but once, after it


# 4. A first-timer is not asked about a "new episode".


def asked(memory: Memory) -> tuple[list[str], list[str]]:
    prompts: list[str] = []
    headings: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return "0"

    screen(memory, NOW, ask, lambda _, heading: headings.append(heading), lambda _: None)
    return prompts, headings


def test_a_first_run_is_not_asked_about_a_new_episode() -> None:
    prompts, headings = asked(Memory())
    assert not any("episode" in prompt for prompt in prompts), prompts
    assert "Before your first session" in headings[-1]


def test_a_later_run_may_say_this_is_a_new_episode() -> None:
    earlier = NOW - timedelta(days=2)
    prompts, headings = asked(Memory(last_full_check=earlier, clinician_checked=earlier))
    assert "add 'new' if this is a new episode of back pain" in prompts[0]


# 5. Pregnancy: the reason says what is left out; the pelvic girdle advice is advice.


def test_every_condition_reason_says_what_it_leaves_out_and_advice_is_not_a_reason() -> None:
    for condition in CONDITIONS:
        reasons = {reason for _, reason in condition_exclusions((condition.code,))}
        assert reasons == {f"because you told backcoach {condition.told}: "
                           f"{condition.leaves_out}"}  # fmt: skip
        assert not condition.caution or condition.caution not in next(iter(reasons))
    (reason,) = {reason for _, reason in condition_exclusions(("pregnancy",))}
    assert reason == (
        "because you told backcoach you are pregnant: no lying face down and no loaded exercise"
    )
    assert "pelvic girdle" not in reason
    assert "pelvic girdle" in CONDITION_BY_CODE["pregnancy"].caution


@pytest.mark.pty
def test_pregnancy_answered_yes_gives_the_pelvic_girdle_advice_once(isolated_home: Path) -> None:
    child = spawn(isolated_home, "start --focus lower --minutes 5 --seed 4 --plain", "0.01")
    pass_the_screen(child)
    child.expect("Do you have pain, tingling or numbness down a leg")
    child.sendline("n")
    for question, answer in (("spinal stenosis", "n"), ("osteoporosis", "n"),
                             ("pregnant", "y"), ("past about 16 weeks", "n"),
                             ("hypermobility", "n")):  # fmt: skip
        child.expect(question)
        child.sendline(answer)
    child.expect("Pain now, from 0")
    said = child.before or ""
    child.sendline("3")
    child.expect("Ready")
    plan = child.before or ""
    child.sendintr()
    finish(child)
    # Said once, as a note of the plan (shown with every plan while it applies), and
    # never as the reason something is left out.
    shown = " ".join((said + plan).split())
    assert shown.count("pelvic girdle pain") == 1
    left_out = [line for line in plan.splitlines() if "left out" in line]
    assert left_out and not any("pelvic girdle" in line for line in left_out)


@pytest.mark.parametrize("focus", ["lower", "upper"])
def test_plan_gives_each_reason_once_between_its_notes_and_the_now_line(
    run: RunCli, isolated_home: Path, focus: str
) -> None:
    record_conditions("stenosis")
    result = run("plan", "--focus", focus, "--minutes", "15", "--seed", "3")
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    assert out.count("Now:") == 1
    assert out.count("because you told backcoach you have spinal stenosis") == 1, out
