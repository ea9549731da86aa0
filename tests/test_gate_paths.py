"""Issue 22's seven findings, each reproduced as written in a real pseudo-terminal: every
way into exercise asks the one safety gate and obeys it.

Earlier answers are given by earlier runs of the program (a flag "at 08:00", then a
session "at 10:00" the same day), or written through the history layer with their
times (a session yesterday); BACKCOACH_TIME_SCALE runs the sessions fast.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from backcoach.catalogue.library import open_library
from backcoach.catalogue.loader import bundled_path
from backcoach.clinical import BY_CODE, EVERY_SESSION
from backcoach.history.flags import raise_flags, record_stop
from backcoach.history.store import open_history
from backcoach.plan import prepare as coaching
from backcoach.plan.prepare import Choices

from .terminals import report_new_weakness, spawn_program
from .test_record_safety import read_only_history  # noqa: F401 (a fixture)
from .test_terminal import BIN, env, finish, no_leg_symptoms, pass_the_screen, spawn

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals"),
    pytest.mark.pty,
]


@pytest.fixture(autouse=True)
def not_near_midnight() -> None:
    """Runs "later the same day" need to fall on one local day."""
    now = datetime.now().astimezone()
    if now.hour == 23 and now.minute >= 55:
        pytest.skip("too close to midnight for 'the same day'")


LOWER = {"minutes": 5, "focus": ["lower"], "level": "beginner", "equipment": [], "sound": "off"}
NUMBER = {flag.code: str(EVERY_SESSION.index(flag) + 1) for flag in EVERY_SESSION}
# After emergency or urgent advice nothing else is shown (CLINICAL.md): not even an error line.
AFTER_ADVICE = ("in a row", "Next time", "Tip:", "Pain now, after", "How hard", "Saved as session",
                "error:", "hint:")  # fmt: skip


def history_json(home: Path) -> list[dict[str, object]]:
    listed = subprocess.run(
        [str(BIN), "history", "--json"], capture_output=True, text=True,
        env=env(home, "1"), check=True,
    )  # fmt: skip
    return list(json.loads(listed.stdout))


def say_yes_to(child: pexpect.spawn, question: str) -> None:
    child.expect(question)
    child.sendline("y")


def report_at_the_screen(child: pexpect.spawn, *codes: str) -> None:
    """Type the items' numbers, and confirm them when they are said back."""
    child.expect("Type the numbers of any that apply \\(1-15\\)")
    child.sendline(" ".join(NUMBER[code] for code in codes))
    say_yes_to(child, "Is that right\\?")


def run_yes(home: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *command.split()], stdin=subprocess.DEVNULL, capture_output=True,
        text=True, env=env(home, "0.0005"), timeout=120, check=False,
    )  # fmt: skip


def a_session_on(home: Path, when: datetime, focus: str = "lower") -> int:
    """A session done in full at `when`, with the routine it used."""
    library = open_library(bundled_path())
    defaults = {**LOWER, "focus": [focus]}
    with open_history(home / "history.sqlite3") as history:
        prepared = coaching.prepare(library, Choices(), history, defaults, when)
        plan = prepared.plan()
        coaching.keep_routine(prepared, plan, history)
        history.record_safety_check("full", [], at=when)
        history.record_safety_check("clinician", [], at=when)
        session_id = history.begin(
            plan, f"{focus} back", 3, [10.0] * len(plan.steps), started_at=when
        )
        for order in range(len(plan.steps)):
            history.record_exercise(session_id, order, "done", 10.0)
        history.finish(
            session_id, outcome="done", completed=True, active_seconds=290, pain_after=3,
            effort="about right", ended_at=when,
        )  # fmt: skip
    return session_id


def test_1_a_flag_from_the_morning_stops_yes_later_that_day(isolated_home: Path) -> None:
    morning = spawn(isolated_home, "start --focus lower --plain")
    report_at_the_screen(morning, "saddle")
    morning.expect("call your emergency number")
    assert finish(morning) == 3
    later = run_yes(isolated_home, "start --focus lower --yes --plain")
    assert later.returncode == 2, later.stdout
    assert "--yes cannot be used now" in later.stderr and "numbness around" in later.stderr
    assert "without --yes and answer the questions" in later.stderr
    assert "GET READY" not in later.stdout and "Session complete" not in later.stdout
    assert run_yes(isolated_home, "snack --yes --plain").returncode == 2
    asked = spawn(isolated_home, "start --focus lower --plain")
    asked.expect("Earlier today at \\d\\d:\\d\\d you told backcoach: numbness around")
    asked.expect("Has a doctor or other clinician assessed this\\s+since\\?")
    asked.sendline("n")
    asked.expect("No session today")
    assert finish(asked) == 3
    assert all(r["outcome"] == "red flag" for r in history_json(isolated_home))


def test_1_an_uncleared_clinician_item_stops_yes_too(isolated_home: Path) -> None:
    morning = spawn(isolated_home, "start --focus lower --plain")
    morning.expect("Type the numbers of any that apply \\(1-15\\)")
    morning.sendline("0")
    morning.expect("Type the numbers of any that apply \\(1-5\\)")
    morning.sendline("4")
    say_yes_to(morning, "Is that right\\?")
    morning.expect("told you that exercise is fine")
    morning.sendline("n")
    morning.expect("check with a doctor or physiotherapist")
    assert finish(morning) == 3
    later = run_yes(isolated_home, "start --focus lower --yes")
    assert later.returncode == 2 and "has not improved" in later.stderr


def test_2_an_uncleared_item_is_asked_at_the_next_session_the_same_day(
    isolated_home: Path,
) -> None:
    first = spawn(isolated_home, "start --plain")
    first.expect("Type the numbers of any that apply \\(1-15\\)")
    first.sendline("0")
    first.expect("Type the numbers of any that apply \\(1-5\\)")
    first.sendline("4")
    say_yes_to(first, "Is that right\\?")
    first.expect("told you that exercise is fine")
    first.sendline("n")
    assert finish(first) == 3
    later = spawn(isolated_home, "start --plain")
    later.expect("Anything new or worse since your safety check at \\d\\d:\\d\\d")
    later.sendline("n")
    # The item is named and only its clearance asked: the list is not offered again,
    # so "none" cannot wipe it.
    later.expect("Last time you told backcoach: the pain has not improved")
    later.expect("told you that exercise is fine")
    assert "(1-5)" not in (later.before or "")
    later.sendline("n")
    later.expect("No session today")
    assert finish(later) == 3
    assert "GET READY" not in (later.before or "")


def test_3_new_weakness_mid_session_ends_it_and_is_asked_about_first(
    isolated_home: Path,
) -> None:
    child = spawn(isolated_home, "start --focus upper --minutes 3 --seed 4 --plain", "0.05")
    pass_the_screen(child)
    no_leg_symptoms(child)
    child.expect("Pain now, from 0")
    child.sendline("3")
    child.expect("Ready")
    child.sendline("")
    child.expect("GET READY|get ready")
    report_new_weakness(child)
    child.expect("Stop here")
    child.expect("call your emergency number")
    assert finish(child) == 3
    after = child.before or ""
    assert not any(words in after for words in AFTER_ADVICE), after
    (record,) = history_json(isolated_home)
    assert record["red_flags"] == ["new-weakness"]
    later = spawn(isolated_home, "start --focus upper --plain")
    later.expect("you told backcoach during a session: new numbness or weakness")
    later.expect("assessed this\\s+since\\?")
    later.sendline("n")
    later.expect("No session today")
    assert finish(later) == 3


def test_4_s_works_under_yes_and_nerve_tensioning_exercises_are_left_out(
    isolated_home: Path,
) -> None:
    planned = subprocess.run(
        [str(BIN), "plan", "--focus", "lower,stretch", "--minutes", "10", "--json"],
        capture_output=True, text=True, env={**env(isolated_home, "1")}, check=True,
    )  # fmt: skip
    steps = {step["exercise"] for step in json.loads(planned.stdout)["steps"]}
    child = spawn(isolated_home, "start --focus lower,stretch --minutes 10 --yes --plain", "0.05")
    child.expect("nerve-tensioning exercise")  # named in the plan, with why
    child.expect("GET READY|get ready")
    child.send("s")
    child.expect("Symptoms: what happened\\? 1 pain")
    child.send("1")
    child.expect("That exercise has stopped")
    child.sendintr()
    assert finish(child) == 130
    (record,) = history_json(isolated_home)
    done = {e["id"] for e in record["exercises"]}  # type: ignore[union-attr]
    nerve = {"single-knee-to-chest", "double-knee-to-chest", "figure-four-stretch"}
    assert steps & nerve  # answered, the routine has them; under --yes they are left out
    assert done and not done & nerve


def test_5_the_next_morning_question_is_about_the_last_session_that_counts(
    isolated_home: Path,
) -> None:
    yesterday = datetime.now(UTC) - timedelta(days=1)
    counted = a_session_on(isolated_home, yesterday)
    with open_history(isolated_home / "history.sqlite3") as history:  # a desk break since
        plan = coaching.prepare(
            open_library(bundled_path()), Choices(snack=True), history, LOWER
        ).plan()
        snack = history.begin(plan, "desk break", None, [5.0] * len(plan.steps),
                              started_at=yesterday + timedelta(hours=3))  # fmt: skip
        history.finish(snack, outcome="done", completed=True, active_seconds=120)
    child = spawn(isolated_home, "start --focus lower --minutes 5 --plain", "0.005")
    pass_the_screen(child, first_time=False)
    no_leg_symptoms(child)
    day = yesterday.astimezone().strftime("%A")
    child.expect(f"After your session on {day} \\d\\d \\w+, was your pain back")
    child.sendline("n")
    child.expect("today's doses are a step easier")
    child.expect("Pain now, from 0")
    child.sendline("3")
    # the plan that runs steps back
    child.expect("a step easier(\\s|\x1b\\[[0-9;]*m)+than(\\s|\x1b\\[[0-9;]*m)+last")
    child.expect("Ready")
    child.sendintr()
    finish(child)
    db = sqlite3.connect(isolated_home / "history.sqlite3")
    answers = dict(db.execute("SELECT id, next_morning FROM sessions").fetchall())
    assert answers[counted] == 0 and answers[snack] is None


def test_5_after_a_red_flag_stop_it_asks_about_the_session_before(isolated_home: Path) -> None:
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    a_session_on(isolated_home, two_days_ago)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    with open_history(isolated_home / "history.sqlite3") as history:
        fever = (BY_CODE["fever"],)
        raise_flags(history, fever, "screen", yesterday)
        record_stop(history, "lower back", 5, "beginner", 1, fever, fever[0].tier, yesterday)
    child = spawn(isolated_home, "start --focus lower --minutes 5 --plain", "0.005")
    child.expect("you told backcoach: a temperature of 38")
    child.expect("Does it still apply\\?")
    child.sendline("n")  # a later day: it closes
    pass_the_screen(child, first_time=False)
    no_leg_symptoms(child)
    day = two_days_ago.astimezone().strftime("%A")
    child.expect(f"After your session on {day} \\d\\d \\w+, was your pain back")
    child.sendline("y")
    child.expect("Pain now, from 0")
    child.sendintr()
    finish(child)


def test_6_pain_of_10_asks_the_severe_item_again_and_offers_only_a_flare_up(
    isolated_home: Path,
) -> None:
    declined = spawn(isolated_home, "start --focus lower --plain")
    pass_the_screen(declined)
    no_leg_symptoms(declined)
    declined.expect("Pain now, from 0")
    declined.sendline("10")
    declined.expect("Is it so severe that painkillers and rest do not help\\?")
    declined.sendline("n")
    declined.expect("offers only a gentle flare-up session")
    declined.sendline("n")
    declined.expect("You chose no session today")
    assert finish(declined) == 0
    assert "Hip hinge" not in (declined.before or "") and "GET READY" not in declined.before
    severe = spawn(isolated_home, "start --focus lower --plain")
    severe.expect("Anything new or worse since your safety check")
    severe.sendline("n")
    severe.expect("Pain now, from 0")
    severe.sendline("9")
    say_yes_to(severe, "painkillers and rest do not help\\?")
    severe.expect("Contact a doctor or an urgent care line")
    assert finish(severe) == 3
    accepted = spawn(isolated_home, "start --focus lower --plain")
    accepted.expect("you told backcoach: pain so severe")  # open until a later day
    accepted.expect("No session today")
    assert finish(accepted) == 3


def test_7_cancer_with_new_leg_weakness_is_an_emergency(isolated_home: Path) -> None:
    child = spawn(isolated_home, "start --focus lower --plain")
    report_at_the_screen(child, "cancer")
    say_yes_to(child, "any new weakness, numbness or difficulty walking")
    child.expect("call your emergency number")
    child.expect("acute oncology line")
    assert finish(child) == 3
    after = child.before or ""
    assert not any(words in after for words in AFTER_ADVICE), after
    (record,) = history_json(isolated_home)
    assert "cancer-legs" in record["red_flags"]  # type: ignore[operator]


def test_3_a_flag_that_cannot_be_saved_ends_the_session_with_its_record(
    read_only_history: Path,  # noqa: F811 (the fixture imported above)
) -> None:
    child = spawn(read_only_history, "start --focus upper --minutes 3 --seed 4 --plain", "0.05")
    pass_the_screen(child)
    no_leg_symptoms(child)
    child.expect("Pain now, from 0")
    child.sendline("3")
    child.expect("Ready")
    child.sendline("")
    child.expect("get ready")
    report_new_weakness(child)
    # The record to keep comes first: the emergency advice is the last thing on screen.
    child.expect("What you reported could not be saved")
    child.expect('"red_flags": \\[\\s*"new-weakness"')  # the record, as JSON, to keep
    child.expect("Stop here")
    child.expect("call your emergency number")
    assert finish(child) == 3
    assert "What you reported" not in (child.before or "")


FAKETIME = shutil.which("faketime")  # libfaketime's own wrapper


def at(home: Path, when: str, args: str) -> pexpect.spawn:
    """The program at a faked wall-clock time (libfaketime), as the issue saw it."""
    assert FAKETIME is not None
    return spawn_program(FAKETIME, ["-f", f"@{when}", str(BIN), *args.split()], env(home, "0.01"))


@pytest.mark.skipif(FAKETIME is None, reason="libfaketime (faketime) is not installed")
def test_1_and_2_at_the_times_the_issue_gives(isolated_home: Path) -> None:
    """08:00 saddle numbness, 10:00 --yes; 08:00 an uncleared item, 09:00 start."""
    morning = at(isolated_home, "2026-11-23 08:00:00", "start --focus lower --plain")
    report_at_the_screen(morning, "saddle")
    assert finish(morning) == 3
    ten = at(isolated_home, "2026-11-23 10:00:00", "start --focus lower --yes --plain")
    ten.expect("--yes cannot be used now")
    assert finish(ten) == 2
    other = isolated_home / "other"
    first = at(other, "2026-11-23 08:00:00", "start --plain")
    first.expect("\\(1-15\\)")
    first.sendline("0")
    first.expect("\\(1-5\\)")
    first.sendline("4")
    say_yes_to(first, "Is that right\\?")
    first.expect("told you that exercise is fine")
    first.sendline("n")
    assert finish(first) == 3
    nine = at(other, "2026-11-23 09:00:00", "start --plain")
    nine.expect("Anything new or worse since your safety check at 08:00\\?")
    nine.sendline("n")
    nine.expect("Last time you told backcoach")  # the uncleared item, not skipped
    nine.expect("told you that exercise is fine")
    nine.sendline("n")
    nine.expect("No session today")
    assert finish(nine) == 3
