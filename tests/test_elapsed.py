"""The elapsed clock and "not started" (issue 24): time exercising and resting only.

The clock on the live screen never counts time paused, and does not jump when an
exercise is skipped (it read 01:27 done, then 03:49 done, after about 90 s of
work). An exercise quit during its "get ready" is not started, not skipped.
"""

from __future__ import annotations

from backcoach.catalogue import loader as catalogue
from backcoach.plan import planner
from backcoach.plan.timeline import segments
from backcoach.render.live import SessionView
from backcoach.timer import engine

from .conftest import BUNDLED
from .fakes import FakeClock, ScriptedKeys


def run(script: list[tuple[float, str]]) -> tuple[SessionView, engine.Outcome, list[float]]:
    cat = catalogue.load(BUNDLED)
    plan = planner.build(cat, planner.Request(minutes=6, seed=5))
    timeline = segments(plan)
    view = SessionView(plan, timeline)
    clock = FakeClock()
    shown: list[float] = []

    def watch(event: engine.Event) -> None:
        view.apply(event)
        shown.append(view.elapsed)

    outcome = engine.Engine(timeline, clock, ScriptedKeys(clock, script), [watch]).run()
    return view, outcome, shown


def test_a_skip_does_not_make_the_clock_jump() -> None:
    _, outcome, shown = run([(20.0, "n")])
    steps = [later - earlier for earlier, later in zip(shown, shown[1:], strict=False)]
    assert max(steps) <= 1.0 + 1e-6  # a second at a time, whatever was skipped
    assert abs(shown[-1] - outcome.active) < 1e-6


def test_paused_time_is_never_elapsed_time() -> None:
    _, outcome, shown = run([(12.0, " "), (312.0, " ")])  # five minutes paused
    assert abs(shown[-1] - outcome.active) < 1e-6
    assert shown[-1] < outcome.elapsed - 299


def test_an_exercise_quit_during_its_get_ready_is_not_started() -> None:
    _, outcome, _ = run([(2.0, "q")])
    assert outcome.statuses[0] == "pending"  # "not started": not held against it
    assert "skipped" not in outcome.statuses


def test_an_exercise_skipped_with_n_is_still_skipped() -> None:
    view, outcome, _ = run([(2.0, "n"), (3.0, "n")])  # start now, then skip it
    assert outcome.statuses[0] == "skipped"
