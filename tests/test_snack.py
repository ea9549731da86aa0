"""`backcoach snack`: a desk break, coached like a session, saved as a snack, changing no
dose (issue 14)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.catalogue.library import open_library
from backcoach.catalogue.loader import bundled_path, load
from backcoach.history.store import open_history
from backcoach.models import Exercise
from backcoach.plan import prepare as coaching
from backcoach.plan.prepare import Choices

from .conftest import RunCli, history_json
from .terminals import finish, pass_the_screen, spawn

DESK_POSITIONS = {"standing", "sitting"}


@pytest.mark.parametrize("minutes", ["2", "3", "5"])
def test_a_desk_break_is_upright_gentle_and_short(run: RunCli, minutes: str) -> None:
    by_id = load(bundled_path()).by_id()
    for seed in range(6):
        result = run("plan", "--snack", "--minutes", minutes, "--seed", str(seed), "--json")
        plan = json.loads(result.stdout)
        assert plan["snack"] and plan["total_seconds"] <= int(minutes) * 60
        assert plan["steps"], "a break has something to do"
        for step in plan["steps"]:
            exercise = by_id[step["exercise"]]
            assert exercise.desk and step["position"] in DESK_POSITIONS
            assert set(exercise.equipment) <= {"chair", "wall"} and not exercise.loaded


def test_a_desk_break_says_what_it_takes(run: RunCli) -> None:
    too_long = run("plan", "--snack", "--minutes", "6")
    assert too_long.exit_code == 2
    assert "--minutes for a desk break must be from 2 to 5, not 6" in too_long.stderr
    focused = run("plan", "--snack", "--focus", "lower")
    assert focused.exit_code == 2 and "--snack takes only" in focused.stderr
    shown = run("plan", "--snack", "--seed", "3")
    assert "Plan: desk break · 3 min" in shown.stdout


def test_the_catalogue_refuses_a_desk_exercise_on_the_floor() -> None:
    data = load(bundled_path()).by_id()["bird-dog"].model_dump()
    data["desk"] = True
    with pytest.raises(ValueError, match="a desk exercise"):
        Exercise.model_validate(data)


def test_a_snack_changes_no_dose(isolated_home: Path) -> None:
    library = open_library(bundled_path())
    defaults = {"minutes": 10, "focus": ["whole"], "level": "beginner", "equipment": [],
                "sound": "off"}  # fmt: skip
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    with open_history() as history:
        snacks = []
        for day in range(4):  # four easy snacks in a row, days apart
            moment = start + timedelta(days=2 * day)
            plan = coaching.prepare(library, Choices(snack=True, seed=1), history, defaults,
                                    moment).plan()  # fmt: skip
            session_id = history.begin(plan, "desk break", None, [10.0] * len(plan.steps),
                                       started_at=moment)  # fmt: skip
            for order in range(len(plan.steps)):
                history.record_exercise(session_id, order, "done", 10.0)
            history.finish(session_id, outcome="done", completed=True, active_seconds=150,
                           pain_after=0, effort="easy", ended_at=moment)  # fmt: skip
            snacks.append(plan)
        later = coaching.prepare(library, Choices(snack=True, seed=1), history, defaults,
                                 start + timedelta(days=10)).plan()  # fmt: skip
        records = history.sessions()
    assert all(record.snack for record in records)
    assert [s.dose for s in later.steps] == [s.dose for s in snacks[0].steps]
    assert all(step.dose_change is None for step in later.steps)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")
@pytest.mark.pty
def test_snack_runs_to_the_end_and_a_second_asks_one_line(isolated_home: Path) -> None:
    for first in (True, False):
        child = spawn(isolated_home, "snack --minutes 2 --seed 4 --plain", "0.005")
        if first:
            pass_the_screen(child)
        else:  # the day's check was done: one line
            child.expect("Anything new or worse since your safety check")
            child.sendline("n")
        child.expect("desk break · 2 min")  # the plan: built once, after the questions
        child.expect("Ready\\? Press Enter")
        child.sendline("")
        child.expect("Session complete")
        child.expect("Saved as session")
        after = child.before or ""
        assert finish(child) == 0
        # A desk break starts no streak and changes no dose: none of a session's outlook
        # ("Streak none yet … · 0 min this week"), and no lesson offered after it.
        assert not any(words in after for words in ("Streak", "this week", "Next time"))
        assert "Today's read" not in after + (child.before or "")
    records = history_json(isolated_home)
    assert [r["focus"] for r in records] == ["desk break", "desk break"]
    assert all(r["snack"] and r["completed"] and r["pain_before"] is None for r in records)
