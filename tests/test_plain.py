"""Plain mode: one line per event, no escape codes, asserted line by line."""

from __future__ import annotations

import io

from rich.console import Console

from backcoach import catalogue, engine, planner
from backcoach.render.live import PlainRenderer, SessionView
from backcoach.timeline import segments  # noqa: I001

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
        keys = ScriptedKeys(clock, [(12.5, " "), (20.0, " "), (30.0, "n")])
        engine.Engine(segments(plan), clock, keys, [renderer]).run()
    assert buffer.getvalue().splitlines() == [
        "[00:00] get ready: Easy roll, 10 s. Careful: Stop if it hurts. Roll slowly",
        "[00:10] Easy roll: rep 1 of 2: left 2 · right 2",
        "[00:12] paused: press space to go on",
        "[00:12] going on",
        "[00:14] Easy roll: rep 2 of 2: left 2 · right 2",
        "[00:18] get ready: Lying stretch, 5 s. Careful: Stop if it hurts. Breathe out",
        "[00:22] skipped: get ready",
        "[00:23] Lying stretch: hold 4 s, set 1 of 2",
        "[00:27] rest 20 s, next: set 2 of 2",
        "[00:47] Lying stretch: hold 4 s, set 2 of 2",
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
