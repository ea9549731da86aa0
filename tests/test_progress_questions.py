"""The questions progression needs, in a real pseudo-terminal: the 24-hour rule at the
start of the next session, and leg symptoms asked once per episode."""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from backcoach.catalogue.library import open_library
from backcoach.catalogue.loader import bundled_path
from backcoach.history.store import open_history
from backcoach.plan import prepare as coaching
from backcoach.plan.prepare import Choices

from .terminals import finish, no_conditions, no_leg_symptoms, pass_the_screen, spawn

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals"),
    pytest.mark.pty,
]
DEFAULTS = {"minutes": 3, "focus": ["upper"], "level": "beginner", "equipment": [], "sound": "off"}


def yesterday_session(home: Path) -> None:
    """Yesterday's upper-back session, done in full, with the routine it used."""
    yesterday = datetime.now(UTC) - timedelta(days=1, hours=2)
    library = open_library(bundled_path())
    with open_history(home / "history.sqlite3") as history:
        prepared = coaching.prepare(library, Choices(), history, DEFAULTS, yesterday)
        plan = prepared.plan()
        coaching.keep_routine(prepared, plan, history)
        session_id = history.begin(
            plan, "upper back", 3, [10.0] * len(plan.steps), started_at=yesterday
        )
        for order in range(len(plan.steps)):
            history.record_exercise(session_id, order, "done", 10.0)
        history.finish(
            session_id, outcome="done", completed=True, active_seconds=170, pain_after=3,
            effort="about right", ended_at=yesterday,
        )  # fmt: skip


def test_pain_not_settled_by_the_next_morning_steps_todays_doses_back(
    isolated_home: Path,
) -> None:
    yesterday_session(isolated_home)
    child = spawn(isolated_home, "start --focus upper --minutes 3 --plain", "0.005")
    pass_the_screen(child)
    no_leg_symptoms(child)  # once per episode: before the next-morning question
    child.expect("was your pain back to its usual level by the next morning\\?")
    child.sendline("maybe")
    child.expect("Please answer y or n, or press Enter to skip")
    child.sendline("n")
    child.expect("today's doses are a step easier \\(the 24-hour rule\\)")
    child.expect("Pain now, from 0")
    child.sendline("3")
    # The plan, built once after the answers: each step back and its reason (wrapped
    # lines restart the style).
    gap = "(\\s|\x1b\\[[0-9;]*m)+"  # a space, a wrap, or a style restarting
    child.expect(gap.join(["a", "step", "easier", "than", "last"]))
    child.expect("Ready")
    child.sendline("")
    child.expect("Pain now, after the session")
    child.sendline("")
    child.expect("How hard")
    child.sendline("")
    assert finish(child) == 0
    db = sqlite3.connect(isolated_home / "history.sqlite3")
    assert db.execute("SELECT next_morning FROM sessions WHERE id = 1").fetchone() == (0,)
    reasons = [row[0] for row in db.execute(
        "SELECT dose_reason FROM session_exercises WHERE session_id = 2")]  # fmt: skip
    assert any(reason and "not back to its usual level the morning after" in reason
               for reason in reasons)  # fmt: skip


def test_leg_symptoms_are_asked_once_and_then_leg_pain_each_time(isolated_home: Path) -> None:
    for first_time in (True, False):
        child = spawn(isolated_home, "start --focus upper --minutes 2 --seed 4 --plain", "0.005")
        if first_time:
            pass_the_screen(child)
        else:  # the same day: the one-line check
            child.expect("Anything new or worse since your safety check")
            child.sendline("n")
        if first_time:  # once per episode, before pain now
            child.expect("Do you have pain, tingling or numbness down a leg")
            child.sendline("y")
            no_conditions(child)
        child.expect("Pain now, from 0")
        child.sendline("4")
        child.expect("Pain in your leg now")
        child.sendline("6")
        child.expect("Ready")
        child.sendline("")
        child.expect("Pain now, after the session")
        child.sendline("4")
        child.expect("Pain in your leg now")
        child.sendline("7")
        child.expect("How hard")
        child.sendline("")
        child.expect("Leg pain: 6 → 7\\.")
        assert finish(child) == 0
    db = sqlite3.connect(isolated_home / "history.sqlite3")
    rows = db.execute("SELECT leg_pain_before, leg_pain_after FROM sessions").fetchall()
    assert rows == [(6, 7), (6, 7)]


def test_the_24_hour_answer_waits_for_a_busy_history_and_is_kept(isolated_home: Path) -> None:
    from .test_record_safety import lock_held

    yesterday_session(isolated_home)
    child = spawn(isolated_home, "start --focus upper --minutes 3 --plain", "0.005")
    pass_the_screen(child)
    no_leg_symptoms(child)
    child.expect("was your pain back to its usual level by the next morning\\?")
    # Another process holds the lock for longer than SQLite's 5 s busy timeout: until
    # backcoach says it is waiting for it.
    with lock_held(isolated_home / "history.sqlite3"):
        child.sendline("n")
        child.expect("Waiting for the history: another backcoach is using it")
    child.expect("today's doses are a step easier")
    child.expect("Pain now, from 0")
    child.sendintr()  # the answer is in the history already
    child.expect(pexpect.EOF)
    db = sqlite3.connect(isolated_home / "history.sqlite3")
    assert db.execute("SELECT next_morning FROM sessions WHERE id = 1").fetchone() == (0,)


def test_the_end_screen_gives_advice_when_leg_pain_rises_or_eases() -> None:
    # Issue 23: "Leg pain: 3 -> 7." was shown with no advice.
    from backcoach.coach.questions import leg_pain_words

    rising = leg_pain_words(3, 7, None, None)
    assert rising.startswith("Leg pain: 3 → 7. Leg pain rose by 4: next time the exercises step")
    assert "physiotherapist" in rising
    easing = leg_pain_words(6, 3, 3, 5)
    assert "centralisation" in easing and "carry on" in easing
    assert leg_pain_words(4, 5, 3, 3) == "Leg pain: 4 → 5."


def test_the_end_screen_never_says_easier_for_back_pain_up_while_leg_pain_falls() -> None:
    # The finding: back 3 -> 5 with leg 6 -> 3 said "next time is a little easier" under
    # the app's own "Leg pain easing… is a good sign".
    from rich.console import Console

    from backcoach.render.history import end_screen

    console = Console(width=100, record=True)
    console.print(end_screen(None, 3, 5, leg_falling=True))
    console.print(end_screen(None, 3, 5))
    text = console.export_text()
    assert "up by 2 while leg pain eased, a good sign" in text
    assert text.count("next time is a little easier") == 1
