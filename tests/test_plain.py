"""Plain mode: one line per event, no escape codes, asserted line by line."""

from __future__ import annotations

import io

import pytest
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
        keys = ScriptedKeys(clock, [(17.5, " "), (25.0, " "), (35.0, "n")])
        engine.Engine(segments(plan), clock, keys, [renderer]).run()
    # The first exercise is on the floor: 15 s to get down there from standing.
    assert buffer.getvalue().splitlines() == [
        "[00:00] get ready: Easy roll, 15 s. Careful: Stop if it hurts. Roll slowly",
        "[00:15] Easy roll: rep 1 of 2: left 2 · right 2",
        "[00:18] paused: press space to go on",
        "[00:18] going on",
        "[00:19] Easy roll: rep 2 of 2: left 2 · right 2",
        "[00:23] get ready: Lying stretch, 5 s. Careful: Stop if it hurts. Breathe out",
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


@pytest.mark.parametrize("width", [40, 61, 100])
@pytest.mark.parametrize("number", [str(n) for n in range(10)] + ["15", "25", "71", "108"])
def test_big_digits_keep_their_shape_at_any_width(width: int, number: str) -> None:
    from rich.console import Group
    from rich.panel import Panel

    from backcoach.render.live import _DIGITS, big_number

    console = Console(width=width, color_system=None)
    with console.capture() as captured:  # as the live view draws it: in a panel
        console.print(Panel(Group(big_number(number, ""))))
    lines = [line.strip("│╭╮╰╯─") for line in captured.get().splitlines()[1:-1]]
    margin = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    shown = [line[margin:].rstrip() for line in lines]
    expected = ["  ".join(_DIGITS[char][row] for char in number).rstrip() for row in range(5)]
    assert shown == expected  # every row in its column: no bent 1, 2, 5 or 7


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
