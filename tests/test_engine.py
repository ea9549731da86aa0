"""The engine on a fake clock: exact timings, pauses, skips, quits, whole sessions."""

from __future__ import annotations

from backcoach.catalogue import loader as catalogue
from backcoach.models import HoldDose, Plan, RepsDose, Step
from backcoach.plan import planner
from backcoach.plan.planner import Request
from backcoach.plan.timeline import segments  # noqa: I001
from backcoach.timer import engine
from backcoach.timer.keys import SUSPENDED
from backcoach.vocabulary import Position

from .conftest import BUNDLED
from .fakes import FakeClock, ScriptedKeys

START = 1000.0


def make_plan(*doses: HoldDose | RepsDose) -> Plan:
    steps = []
    for index, dose in enumerate(doses):
        seconds = planner.dose_seconds(dose, 5)
        steps.append(
            Step(
                exercise=f"exercise-{index}",
                name=f"Exercise {index}",
                phase="main",
                position=Position.SUPINE,
                cue="a cue",
                dose=dose,
                get_ready=5,
                seconds=seconds,
                reason="test",
            )
        )
    total = sum(step.seconds for step in steps)
    return Plan(
        seed=0, minutes=10, regions=(), kinds=(), level="beginner", equipment=(),
        steps=tuple(steps), total_seconds=total, budget_seconds=600,
    )  # fmt: skip


def run(
    plan: Plan, keys: list[tuple[float, str]] | None = None
) -> tuple[engine.Outcome, list[engine.Event], FakeClock]:
    clock = FakeClock(START)
    events: list[engine.Event] = []
    outcome = engine.Engine(
        segments(plan), clock, ScriptedKeys(clock, keys or []), [events.append]
    ).run()
    return outcome, events, clock


def starts(events: list[engine.Event]) -> list[tuple[str, str, float]]:
    """(kind, label, session time) of each segment start."""
    out = []
    for event in events:
        if isinstance(event, engine.SegmentStarted):
            out.append((event.segment.activity, event.segment.label, round(event.elapsed, 6)))
    return out


HOLD = HoldDose(type="hold", seconds=10, reps=2, sets=2, rest=20, relax=3)
SIDES = HoldDose(type="hold", seconds=4, reps=1, per_side=True)
REPS = RepsDose(type="reps", reps=2, tempo={"up": 2, "hold": 1, "down": 2})
PYRAMID = HoldDose(type="hold", seconds=10, pyramid=(3, 1), rest=15, relax=2)


def test_holds_with_sets_rests_and_relax_are_timed_exactly() -> None:
    outcome, events, clock = run(make_plan(HOLD))
    assert starts(events) == [
        ("ready", "Exercise 0", 0), ("work", "hold", 5), ("relax", "relax", 15),
        ("work", "hold", 18), ("rest", "rest", 28), ("work", "hold", 48),
        ("relax", "relax", 58), ("work", "hold", 61),
    ]  # fmt: skip
    assert clock.now() - START == 71 == make_plan(HOLD).total_seconds
    assert outcome.statuses == ["done"]
    assert outcome.reason == "done"


def test_reps_follow_the_tempo_phases() -> None:
    _, events, _ = run(make_plan(REPS))
    assert starts(events) == [
        ("ready", "Exercise 0", 0), ("work", "up", 5), ("work", "hold", 7), ("work", "down", 8),
        ("work", "up", 10), ("work", "hold", 12), ("work", "down", 13),
    ]  # fmt: skip
    reps = [
        e.segment.rep
        for e in events
        if isinstance(e, engine.SegmentStarted) and e.segment.activity == "work"
    ]
    assert reps == [1, 1, 1, 2, 2, 2]


def test_per_side_exercises_switch_sides() -> None:
    _, events, _ = run(make_plan(SIDES))
    kinds = [
        (e.segment.activity, e.segment.side) for e in events if isinstance(e, engine.SegmentStarted)
    ]
    assert kinds == [("ready", None), ("work", "left"), ("switch", "right"), ("work", "right")]


def test_pyramids_count_down_set_by_set() -> None:
    _, events, clock = run(make_plan(PYRAMID))
    holds = [
        (e.segment.set_number, e.segment.rep, e.segment.reps)
        for e in events
        if isinstance(e, engine.SegmentStarted) and e.segment.activity == "work"
    ]
    assert holds == [(1, 1, 3), (1, 2, 3), (1, 3, 3), (2, 1, 1)]
    assert clock.now() - START == 5 + 30 + 4 + 15 + 10


def test_ticks_once_a_second_and_never_poll() -> None:
    _, events, _ = run(make_plan(HoldDose(type="hold", seconds=5)))
    ticks = [round(e.remaining, 6) for e in events if isinstance(e, engine.Tick)]
    # Ready 5 s then hold 5 s: one wake-up per displayed second, nothing in between.
    assert ticks == [4, 3, 2, 1, 4, 3, 2, 1]


def test_pause_moves_every_later_deadline_by_the_time_paused() -> None:
    plan = make_plan(HOLD)
    outcome, events, clock = run(plan, [(7.5, " "), (67.5, " ")])
    assert clock.now() - START == plan.total_seconds + 60
    assert outcome.paused_total == 60
    paused = [e for e in events if isinstance(e, engine.Paused)]
    assert len(paused) == 1 and paused[0].remaining == 7.5
    resumed = [e for e in events if isinstance(e, engine.Resumed)]
    assert resumed[0].paused_for == 60
    # The relax after the first hold starts at session time 15, pause aside.
    assert ("relax", "relax", 15) in starts(events)


def test_suspend_resumes_paused_and_counts_the_stopped_time() -> None:
    # Ctrl-Z at session time 8 (the reader reports it, dated when it began); space at 40.
    plan = make_plan(HOLD)
    outcome, events, clock = run(plan, [(8.0, SUSPENDED), (40.0, " ")])
    paused = [e for e in events if isinstance(e, engine.Paused)]
    assert paused[0].suspended
    assert paused[0].remaining == 7  # the hold resumes with 7 s left, not jumped ahead
    assert outcome.paused_total == 32
    assert clock.now() - START == plan.total_seconds + 32


def test_skip_during_work_skips_the_rest_of_the_exercise() -> None:
    plan = make_plan(HOLD, SIDES)
    outcome, events, clock = run(plan, [(20.0, "n")])
    # Skipped, not "partial": a choice to skip counts towards "skipped twice".
    assert outcome.statuses == ["skipped", "done"]
    assert outcome.work_done[0] > 0  # and the work it did is kept
    assert any(isinstance(e, engine.Skipped) and e.whole_step for e in events)
    assert clock.now() - START == 20 + make_plan(SIDES).total_seconds


def test_skip_during_get_ready_or_rest_only_ends_the_wait() -> None:
    plan = make_plan(HOLD)
    outcome, _, clock = run(plan, [(1.0, "n"), (29.0, "n")])
    assert outcome.statuses == ["done"]
    # 4 s of get-ready were skipped, so the rest ran 24-44 and 15 s of it were skipped.
    assert clock.now() - START == plan.total_seconds - 4 - 15


def test_skipping_before_any_work_marks_the_exercise_skipped() -> None:
    plan = make_plan(SIDES, SIDES)
    outcome, _, _ = run(plan, [(5.5, "n")])
    assert outcome.statuses == ["skipped", "done"]


def test_quit_ends_the_session_and_keeps_what_was_done() -> None:
    plan = make_plan(HOLD, SIDES)
    # Quit while switching sides: the left side (71-80 s) was done.
    outcome, events, clock = run(plan, [(82.0, "q")])
    assert outcome.reason == "quit"
    assert outcome.statuses == ["done", "partial"]
    assert clock.now() - START == 82
    assert isinstance(events[-1], engine.SessionEnded) and events[-1].reason == "quit"


def test_quit_the_moment_the_first_hold_begins_is_not_started_not_skipped() -> None:
    # A physiotherapist's check: `q` read just as get ready ended (no second of work)
    # was recorded "skipped", and two skips step an exercise back. Quitting is not
    # skipping, and nothing was done: "not started", never held against it.
    plan = make_plan(HOLD, HOLD)
    outcome, _, _ = run(plan, [(5.3, "q")])  # the hold began at 5 s
    assert outcome.reason == "quit"
    assert outcome.work_done[0] == 0
    assert outcome.statuses == ["pending", "pending"]


def test_quit_while_paused() -> None:
    outcome, _, _ = run(make_plan(HOLD), [(7.0, "p"), (9.0, "q")])
    assert outcome.reason == "quit"
    assert outcome.paused_total == 2


def test_a_whole_20_minute_plan_ends_exactly_when_the_plan_says() -> None:
    cat = catalogue.load(BUNDLED)
    plan = planner.build(cat, Request(minutes=20, seed=11))
    outcome, events, clock = run(plan)
    assert abs((clock.now() - START) - plan.total_seconds) < 1e-6
    assert plan.total_seconds >= 0.85 * 20 * 60
    assert outcome.statuses == ["done"] * len(plan.steps)
    assert sum(outcome.work_done) == sum(outcome.work_planned)
    ended = events[-1]
    assert isinstance(ended, engine.SessionEnded) and abs(ended.elapsed - plan.total_seconds) < 1e-6


def test_the_after_step_hook_can_end_the_session() -> None:
    plan = make_plan(SIDES, SIDES, SIDES)
    clock = FakeClock(START)
    outcome = engine.Engine(
        segments(plan),
        clock,
        ScriptedKeys(clock),
        after_step=lambda step: engine.StepDecision(stop=step == 1),
    ).run()
    assert outcome.reason == "stopped"
    assert outcome.statuses == ["done", "done", "pending"]


def test_leaving_steps_out_and_answering_time_moves_deadlines_but_is_no_pause() -> None:
    plan = make_plan(SIDES, HOLD, SIDES)
    clock = FakeClock(START)

    def ask(step: int) -> engine.StepDecision | None:
        if step == 0:
            clock.sleep(30)  # the person takes 30 s to answer a question
            return engine.StepDecision(leave_out=frozenset({1}))
        return None

    events: list[engine.Event] = []
    outcome = engine.Engine(
        segments(plan), clock, ScriptedKeys(clock), [events.append], after_step=ask
    ).run()
    assert outcome.statuses == ["done", "stopped", "done"]
    assert outcome.answering == 30 and outcome.paused_total == 0
    side = make_plan(SIDES).total_seconds
    assert clock.now() - START == side + 30 + side
    left_out = [e for e in events if isinstance(e, engine.StepDone) and e.step_index == 1]
    assert [(e.status, e.work_seconds) for e in left_out] == [("stopped", 0.0)]
    # Each exercise's end carries the session's active time so far (questions left out).
    first = next(e for e in events if isinstance(e, engine.StepDone))
    assert first.active_seconds == side


def test_the_symptom_key_stops_an_exercise_or_the_session_and_answering_is_no_pause() -> None:
    plan = make_plan(SIDES, HOLD, SIDES)
    clock = FakeClock(START)
    asked: list[int] = []

    def on_symptoms(step: int) -> engine.StepDecision | None:
        asked.append(step)
        clock.sleep(4)  # four seconds to press 1, 2 or 3
        return engine.StepDecision(stop_step=True)

    keys = ScriptedKeys(clock, [(12.0, "s")])
    run = engine.Engine(segments(plan), clock, keys, on_symptoms=on_symptoms)
    outcome = run.run()
    assert asked == [0]
    assert outcome.statuses[0] == "skipped" and outcome.statuses[1:] == [
        "done",
        "done",
    ]
    assert outcome.answering == 4 and outcome.paused_total == 0
    clock = FakeClock(START)
    keys = ScriptedKeys(clock, [(12.0, "s")])
    stopping = engine.Engine(
        segments(plan), clock, keys, on_symptoms=lambda _: engine.StepDecision(stop=True)
    ).run()
    assert stopping.reason == "stopped" and stopping.statuses[1:] == ["pending", "pending"]
    clock = FakeClock(START)
    keys = ScriptedKeys(clock, [(12.0, "s")])
    carried_on = engine.Engine(segments(plan), clock, keys, on_symptoms=lambda _: None).run()
    assert carried_on.reason == "done" and carried_on.statuses == ["done"] * 3


def test_the_hurt_key_stops_the_exercise_as_hurt_not_skipped() -> None:
    # Issue 23: sharp pain is its own answer (`x`), distinct from `n` (skipped).
    plan = make_plan(HOLD, SIDES)
    clock = FakeClock(START)
    hurt: list[int] = []
    outcome = engine.Engine(
        segments(plan), clock, ScriptedKeys(clock, [(20.0, "x")]), on_hurt=hurt.append
    ).run()
    assert outcome.statuses == ["hurt", "done"]
    assert hurt == [0]
    assert outcome.reason == "done"
    assert clock.now() - START == 20 + make_plan(SIDES).total_seconds
