"""Plain mode: one line per event, no escape codes, asserted line by line."""

from __future__ import annotations

import io

from rich.console import Console

from backcoach.catalogue import loader as catalogue
from backcoach.plan import planner
from backcoach.plan.timeline import segments  # noqa: I001
from backcoach.render.live import PlainRenderer, SessionView
from backcoach.timer import engine

from .conftest import TEST_DATA
from .fakes import FakeClock, ScriptedKeys


def test_plain_output_for_a_small_plan_with_pause_and_skip() -> None:
    cat = catalogue.load(TEST_DATA / "tiny.yaml")
    plan = planner.build(cat, planner.Request(minutes=1, seed=1))
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, no_color=True)
    clock = FakeClock()
    view = SessionView(plan, segments(plan))
    with PlainRenderer(console, view) as renderer:
        keys = ScriptedKeys(clock, [(17.5, " "), (25.0, " "), (35.0, "n")])
        engine.Engine(segments(plan), clock, keys, [renderer]).run()
    # The first exercise is on the floor: 15 s to get down there from standing.
    assert buffer.getvalue().splitlines() == [
        "[00:00] get ready: Easy roll, 15 s, lying on your back. Careful: Stop if it hurts. "
        "Roll slowly",
        "[00:15] Easy roll: rep 1 of 2: left 2 s · right 2 s",
        "[00:18] paused: press space to go on",
        "[00:18] going on",
        "[00:19] Easy roll: rep 2 of 2: left 2 s · right 2 s",
        "[00:23] get ready: Lying stretch, 5 s, lying on your back. Careful: Stop if it hurts. "
        "Breathe out",
        "[00:27] skipped: get ready",
        "[00:28] Lying stretch: hold 4 s, set 1 of 2",
        "[00:32] rest 20 s, next: set 2 of 2",
        "[00:52] Lying stretch: hold 4 s, set 2 of 2",
    ]
    assert "\x1b" not in buffer.getvalue()


def test_time_scale_is_announced(tmp_path: object) -> None:
    cat = catalogue.load(TEST_DATA / "tiny.yaml")
    plan = planner.build(cat, planner.Request(minutes=1, seed=1))
    buffer = io.StringIO()
    view = SessionView(plan, segments(plan), time_scale=0.01)
    with PlainRenderer(Console(file=buffer, width=100), view):
        pass
    assert buffer.getvalue().splitlines() == ["time runs ×100 (BACKCOACH_TIME_SCALE=0.01)"]


def test_a_notice_cleared_prints_no_blank_line() -> None:
    cat = catalogue.load(TEST_DATA / "tiny.yaml")
    plan = planner.build(cat, planner.Request(minutes=1, seed=1))
    buffer = io.StringIO()
    renderer = PlainRenderer(Console(file=buffer, width=100), SessionView(plan, segments(plan)))
    renderer.notice("Did any leg symptoms move further down the leg? y / n")
    renderer.notice("")  # the answer came: the question is cleared
    assert buffer.getvalue().splitlines() == [
        "Did any leg symptoms move further down the leg? y / n"
    ]
