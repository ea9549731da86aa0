"""A seed is a promise (issue 24): the same seed draws the same exercises whatever the
history says since; a new routine's draw holds all day, so `plan` shows what `start`
makes; the plan's notes say only what is true of it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from backcoach.history.routines import read_routine
from backcoach.history.store import History, open_history
from backcoach.models import Plan
from backcoach.plan import prepare as coaching

from .test_routines import START, by_id, prepare, record, routine_ids


def ids(plan: Plan) -> list[str]:
    return [step.exercise for step in plan.steps]


def same_draw(before: Plan, after: Plan) -> None:
    """The same exercises in the same places; one left out today has a stand-in that
    names it, in its place; only today's extra stretches may go (fill-ins)."""
    names = by_id()
    main = [s for s in before.steps if not s.reason.startswith("an extra")]
    kept = [s for s in after.steps if not s.reason.startswith("an extra")]
    assert len(kept) <= len(main)
    for planned, today in zip(main, kept, strict=False):
        if today.exercise != planned.exercise:
            assert today.reason.startswith(f"in place of {names[planned.exercise].name}")


def seeded(history: History, moment_days: float, seed: int, minutes: int = 5) -> Plan:
    return prepare(history, START + timedelta(days=moment_days), seed=seed, minutes=minutes).plan()


@pytest.mark.parametrize("seed", [1, 14, 17, 33])
def test_the_same_seed_draws_the_same_exercises_after_a_hurt_a_skip_and_a_step_back(
    isolated_home: Path, seed: int
) -> None:
    with open_history() as history:
        first = seeded(history, 0, seed)
        for step in first.steps:  # a seed's plan has no routine to be part of
            assert "routine" not in step.reason
        # Two sessions done in full: the doses step up.
        record(history, first, START)
        record(history, seeded(history, 1, seed), START + timedelta(days=1))
        stepped_up = seeded(history, 3, seed)
        assert any(step.dose_change for step in stepped_up.steps)
        assert ids(stepped_up)[: len(ids(first))] == ids(first)[: len(ids(stepped_up))]
        same_draw(first, stepped_up)
        # One "this hurts" (x) on the last exercise, and a skip on the first.
        statuses = ["done"] * len(stepped_up.steps)
        statuses[0], statuses[-1] = "skipped", "hurt"
        record(history, stepped_up, START + timedelta(days=3), statuses=statuses)
        record(history, stepped_up, START + timedelta(days=3, hours=4), statuses=statuses)
        after = seeded(history, 4, seed)
        same_draw(first, after)
        # Too hard, pain up: every dose steps back; still the same exercises.
        record(history, after, START + timedelta(days=4), pain=(2, 6), effort="too hard")
        stepped_back = seeded(history, 5, seed)
        assert any(": down from " in (step.dose_change or "") for step in stepped_back.steps)
        same_draw(first, stepped_back)


def test_grown_doses_that_no_longer_fit_are_said_not_redrawn(isolated_home: Path) -> None:
    with open_history() as history:
        first = seeded(history, 0, 1, minutes=3)
        for day in range(0, 30, 2):
            record(history, seeded(history, day, 1, minutes=3), START + timedelta(days=day))
        later = seeded(history, 31, 1, minutes=3)
        same_draw(first, later)
        if later.total_seconds > later.budget_seconds:
            assert any("your doses have grown since this draw" in n for n in later.notes)


def test_plan_without_a_seed_shows_the_new_routine_start_makes_that_day(
    isolated_home: Path,
) -> None:
    with open_history() as history:
        moment = START + timedelta(hours=2)
        shown = [prepare(history, moment, minutes=15).plan() for _ in range(3)]
        assert ids(shown[0]) == ids(shown[1]) == ids(shown[2])
        prepared = prepare(history, moment + timedelta(hours=6), minutes=15)  # start, later
        plan = prepared.plan()
        assert coaching.keep_routine(prepared, plan, history) is None
        assert ids(plan) == ids(shown[0])
        saved = read_routine(history, "lower/strengthen,stretch")
        assert saved is not None and [i for i, _ in saved.entries] == routine_ids(plan)


def test_the_stepped_back_note_names_what_stepped_back_and_only_when_it_is_here(
    isolated_home: Path,
) -> None:
    with open_history() as history:
        first = seeded(history, 0, 1, minutes=3)
        record(history, first, START, pain=(2, 6), effort="too hard")
        again = seeded(history, 1, 1, minutes=3)
        stepped = [s.name for s in again.steps if ": down from " in (s.dose_change or "")]
        assert stepped
        line = next(n for n in again.notes if "nothing is added to fill the minutes" in n)
        assert line.startswith("a dose stepped back today (") and stepped[0] in line
        drawn = set(ids(first))
        other = next(
            plan
            for seed in range(2, 200)
            if not drawn & set(ids(plan := seeded(history, 1, seed, minutes=3)))
        )
        assert not any("stepped back today" in note for note in other.notes)
        assert any(
            note.startswith("the session after a step back (") and "not in this plan" in note
            for note in other.notes
        )


def test_routine_shows_the_dose_the_next_session_runs_and_why(isolated_home: Path) -> None:
    import io

    from rich.console import Console

    from backcoach.history.routines import routine_facts
    from backcoach.render.routine import routine_view

    from .test_routines import library, session_day

    with open_history() as history:
        first = session_day(history, START)
        skips = ["skipped"] + ["done"] * (len(first.steps) - 1)
        session_day(history, START + timedelta(days=1), statuses=skips)
        session_day(history, START + timedelta(days=2), statuses=skips)
        moment = START + timedelta(days=3)
        plan = prepare(history, moment).plan()
        step = plan.steps[0]
        assert step.dose_change is not None and ": down from " in step.dose_change
        facts = routine_facts(history, "lower/strengthen,stretch")
        assert facts is not None
        ids = [exercise_id for exercise_id, _ in facts.routine.entries]
        coming = coaching.coming_doses(library(), history, ids, moment)
    exercises = {exercise_id: by_id()[exercise_id] for exercise_id in ids}
    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(
        routine_view(facts, "lower back", exercises, coming)
    )
    row = next(line for line in buffer.getvalue().splitlines() if step.name in line)
    assert step.saved_dose.describe() in row  # what plan and start run, not the last kept
    assert "next session: a step easier" in row and "skipped" in row
    # And routine --json says the same, in `next` (null where nothing changes).
    from backcoach.render.shapes import routine_json

    shaped = routine_json(facts, "lower back", exercises, coming)
    entry = next(e for e in shaped["exercises"] if e["id"] == step.exercise)
    assert entry["next"]["dose_text"] == step.saved_dose.describe()
    assert "skipped" in entry["next"]["reason"]
    assert all(e["next"] is None for e in shaped["exercises"] if e["id"] not in coming)
