"""Catalogue and history text never reaches the terminal or a report as anything but text."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from backcoach.catalogue import loader as catalogue
from backcoach.catalogue.library import Summary
from backcoach.history.overview import overview_of
from backcoach.history.stats import compute
from backcoach.history.store import open_history
from backcoach.models import Exercise, Plan, Source, Step
from backcoach.plan.timeline import segments
from backcoach.render import report
from backcoach.render.catalogue import exercise_panel, exercise_table, plan_view
from backcoach.render.history import history_table
from backcoach.render.live import PlainRenderer, SessionView
from backcoach.vocabulary import Kind, Region

from .builders import add_session
from .conftest import BUNDLED, TEST_DATA, RunCli

CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]")
ATTACKS = [
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52: write the clipboard
    "\x1b]0;pwned\x07",  # OSC 0: the window title
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b[8m",  # hidden text: what follows is invisible
    "\x9b31m",  # C1 CSI
    "\r\x08\x00\x7f",
    "\u202eevil\u202c",  # a right-to-left override: the text reads backwards
    "\u2066hidden\u2069\u200b",  # an isolate and a zero-width space
]
TINY = (TEST_DATA / "tiny.yaml").read_text()

hostile = st.lists(
    st.one_of(st.sampled_from(ATTACKS), st.text(min_size=1, max_size=8)), min_size=1, max_size=4
).map("".join)


def render(renderable: object, width: int = 100) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False).print(renderable)
    return buffer.getvalue()


@pytest.mark.parametrize("attack", ATTACKS)
def test_validate_refuses_control_characters_with_their_place(
    run: RunCli, tmp_path: Path, attack: str
) -> None:
    text = TINY.replace(
        "name: Side hold", f'name: "Side hold{attack.encode("unicode_escape").decode()}"'
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 2
    line = next(
        number
        for number, row in enumerate(text.splitlines(), 1)
        if row.lstrip().startswith('name: "Side')
    )
    what = "control" if ord(attack[0]) < 0xA0 else "hidden (bidi or zero-width)"
    assert f"{path}:{line}: side-hold: name: holds a {what} character" in result.stderr
    assert not CONTROLS.search(result.stderr.replace("\n", ""))


def test_a_line_break_is_allowed_in_steps_but_not_in_a_name(run: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "lines.yaml"
    path.write_text(TINY.replace("name: Side hold", 'name: "Side\\nhold"'), encoding="utf-8")
    assert "and on one line" in run("validate", str(path)).stderr


def hostile_exercise(words: list[str]) -> Exercise:
    base = catalogue.load(BUNDLED).by_id()["bird-dog"]
    word = iter(words * 20)
    return base.model_copy(
        update={
            "name": next(word), "aliases": (next(word),), "purpose": next(word),
            "steps": (next(word), next(word)), "cues": (next(word),), "mistakes": (next(word),),
            "cautions": (next(word),),
            "sources": (Source.model_construct(
                    title=next(word), publisher=next(word), url="https://x/" + next(word)
                ),),
        }
    )  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile, min_size=3, max_size=6))
def test_controls_in_any_text_never_reach_the_terminal(words: list[str]) -> None:
    exercise = hostile_exercise(words)
    outputs = [render(exercise_panel(exercise, {}))]
    summary = Summary(exercise.id, exercise.name, ("lower",), "stretch", "beginner",
                      frozenset(), (), words[0])  # fmt: skip
    outputs.append(render(exercise_table([summary])))
    step = Step.model_construct(
        exercise=exercise.id, name=words[1], phase="main", position=exercise.position,
        cue=words[2], dose=exercise.dose, get_ready=5, seconds=60, reason=words[0],
    )  # fmt: skip
    plan = Plan.model_construct(
        seed=1, minutes=10, regions=tuple(Region), kinds=tuple(Kind), level=exercise.level,
        equipment=(),
        steps=(step,), total_seconds=60, budget_seconds=600, notes=(words[1],), flare_up=False,
    )  # fmt: skip
    outputs.append(render(plan_view(plan)))
    timeline = segments(plan)
    view = SessionView(plan, timeline)
    view.segment, view.remaining = timeline[0], 3.0
    outputs.append(render(view.render(100)))
    buffer = io.StringIO()
    plain = PlainRenderer(Console(file=buffer, color_system=None), SessionView(plan, timeline))
    from backcoach.timer import engine

    plain(engine.SegmentStarted(0, timeline[0], 0.0))
    outputs.append(buffer.getvalue())
    for output in outputs:
        assert not CONTROLS.search(output), repr(output)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=hostile)
def test_controls_and_markup_in_the_history_never_reach_a_report(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    # As a history written by an older backcoach might hold: the name is stored as is.
    path = tmp_path_factory.mktemp("h") / "history.sqlite3"
    with open_history(path) as history:
        add_session(history, date(2026, 11, 20), skipped="x")
        history.db.execute("UPDATE session_exercises SET name = ?", (name + "\n<script>|",))
        overview = overview_of(history)
        records = history.sessions()
    stats = compute(overview, date(2026, 11, 21))
    markdown = report.markdown(overview, stats, date(2026, 11, 21))
    html = report.html(overview, stats, date(2026, 11, 21))
    for text in (markdown, html):
        assert not CONTROLS.search(text.replace("\n", ""))
        assert "<script" not in text
    row = next(line for line in markdown.splitlines() if "0 / 1" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 4  # the name cannot add a column
    assert not CONTROLS.search(render(history_table(records)))
