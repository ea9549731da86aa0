"""The live view at 200x50, 100x30, 80x24 and 45x16, driven in process (issue 24).

A Rich capture console draws the view at each size; the big number is read back
glyph by glyph. The number grows with the terminal, stays block digits at every
phase on the smallest, and the guide, the steps, the help and a question open
beside it or over the rest, never in its place.
"""

from __future__ import annotations

import pytest
from rich.console import Console

from backcoach.catalogue import loader as catalogue
from backcoach.plan import planner
from backcoach.plan.timeline import Segment, segments
from backcoach.render.digits import GLYPH_ROWS, big_rows
from backcoach.render.guide import Guide
from backcoach.render.live import Question, SessionView
from backcoach.timer import engine as ev

from .conftest import BUNDLED

SIZES = [(200, 50), (100, 30), (80, 24), (45, 16)]
# Rows the number takes at least, by phase, at each size: the figures.
AT_LEAST = {(200, 50): 30, (100, 30): 10, (80, 24): 8, (45, 16): GLYPH_ROWS}


def make_view(*, new_to_it: bool = True) -> SessionView:
    cat = catalogue.load(BUNDLED)
    plan = planner.build(cat, planner.Request(minutes=6, seed=5))
    by_id = cat.by_id()
    guides = [
        Guide(
            by_id[step.exercise].position,
            by_id[step.exercise].steps,
            by_id[step.exercise].cues,
            new_to_it=new_to_it,
        )
        for step in plan.steps
    ]
    return SessionView(plan, segments(plan), 0.2, guides)


def at(view: SessionView, phase: str) -> Segment:
    """Start the first segment of a phase: ready, hold, reps or rest."""
    tests = {
        "ready": lambda s: s.activity == "ready",
        "hold": lambda s: s.activity == "work" and s.is_hold,
        "reps": lambda s: s.activity == "work" and not s.is_hold and s.reps > 1,
        "rest": lambda s: s.activity in ("rest", "switch"),
    }
    index = next(i for i, s in enumerate(view.timeline) if tests[phase](s))
    view.apply(ev.SegmentStarted(index, view.timeline[index], 0.0))
    return view.timeline[index]


def draw(view: SessionView, width: int, height: int) -> list[str]:
    console = Console(width=width, height=height, color_system=None, _environ={})
    with console.capture() as captured:
        console.print(view.render(width, height))
    lines = captured.get().split("\n")[:-1]
    assert len(lines) == height, "the view fills the terminal exactly"
    for line in lines:
        assert len(line) <= width
    return lines


def rows_of(lines: list[str], number: str) -> int:
    """How many rows tall `number` is drawn in the block font on the screen (0: not drawn)."""
    for tall in range(10, 0, -1):
        for wide in {2 * tall, tall + 1, tall}:
            block = big_rows(number, (tall, wide))
            for top, line in enumerate(lines[: len(lines) - len(block) + 1]):
                column = line.find(block[0])
                while column >= 0:
                    if all(
                        lines[top + row][column : column + len(block[0])] == block[row]
                        for row in range(len(block))
                    ):
                        return len(block)
                    column = line.find(block[0], column + 1)
    return 0


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("phase", ["ready", "hold", "reps", "rest"])
def test_the_number_fills_the_terminal_in_every_phase(width: int, height: int, phase: str) -> None:
    view = make_view()
    segment = at(view, phase)
    lines = draw(view, width, height)
    number = f"{segment.rep}/{segment.reps}" if phase == "reps" else str(segment.seconds)
    assert rows_of(lines, number) >= AT_LEAST[(width, height)], "\n".join(lines)
    assert "quit" in lines[-1]
    assert "s symptoms" in lines[-1]  # the small footer keeps every key


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_number_is_centred(width: int, height: int) -> None:
    view = make_view()
    at(view, "hold")
    lines = draw(view, width, height)
    digit_rows = [i for i, line in enumerate(lines) if "█" in line]
    above = digit_rows[0]
    below = height - 1 - digit_rows[-1]
    assert abs(above - below) <= 8  # not everything at the top, the bottom blank
    left = min(line.index("█") for line in lines if "█" in line)
    right = max(line.rindex("█") for line in lines if "█" in line)
    assert abs(left - (width - 1 - right)) <= 3


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_get_ready_shows_the_position_and_the_steps_beside_the_number(
    width: int, height: int
) -> None:
    view = make_view()
    segment = at(view, "ready")
    lines = draw(view, width, height)
    assert rows_of(lines, str(segment.seconds)) >= AT_LEAST[(width, height)], "\n".join(lines)
    shown = " ".join(" ".join(line.replace("█", " ").split()) for line in lines)
    assert "Position:" in shown
    first_step = view.guides[segment.step_index].steps[0]
    assert first_step.split()[0] in shown


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("key", ["i", "?"])
def test_steps_and_help_open_beside_the_number_never_instead(
    width: int, height: int, key: str
) -> None:
    view = make_view(new_to_it=False)
    segment = at(view, "hold")
    if key == "i":
        view.apply(ev.StepsRequested(segment))
    else:
        view.apply(ev.HelpRequested(segment))
    lines = draw(view, width, height)
    assert rows_of(lines, str(segment.seconds)) >= GLYPH_ROWS, "\n".join(lines)
    shown = " ".join(" ".join(line.replace("█", " ").split()) for line in lines)
    if key == "i":
        for step in view.guides[segment.step_index].steps:
            assert " ".join(step.split()[:3]) in shown  # every step, at every size
    else:
        assert "pause" in shown and "symptoms" in shown and "quit" in shown


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_question_is_drawn_large_with_its_number_keys(width: int, height: int) -> None:
    view = make_view()
    at(view, "hold")
    view.question = Question(
        "Did any leg symptoms move further down the leg?", (("1", "yes"), ("2", "no"))
    )
    lines = draw(view, width, height)
    shown = " ".join(" ".join(line.split()) for line in lines)
    assert "A QUESTION" in shown
    assert "move further down the leg?" in shown
    middle = [i for i, line in enumerate(lines) if "Did any" in line][0]
    assert 3 <= middle <= height * 3 // 4  # above its answers, not a bottom line
    # The keys in the block font at every size, beside or under their answers.
    assert rows_of(lines, "1") >= GLYPH_ROWS and rows_of(lines, "2") >= GLYPH_ROWS
    assert any("yes" in line for line in lines) and any("no" in line for line in lines)


THREE = Question(
    "How is the pain in your leg now?",
    (
        ("1", "worse: it spread further down the leg"),
        ("2", "the same"),
        ("3", "better: moving towards the middle of the back"),
    ),
)
FOUR = Question(
    "Symptoms: what happened?",
    (
        ("1", "pain, tingling or numbness spread further down the leg"),
        ("2", "new numbness or weakness"),
        ("3", "it moved towards the middle of the back"),
        ("4", "carry on (pressed by mistake)"),
    ),
)


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("question", [THREE, FOUR], ids=["three", "four"])
def test_a_question_sits_in_the_middle_of_the_screen(
    width: int, height: int, question: Question
) -> None:
    """Issue 24: the answers' keys were at the left edge, or plain text at 80x24."""
    view = make_view()
    at(view, "hold")
    view.question = question
    lines = draw(view, width, height)
    drawn = [line for line in lines if "█" in line]
    if (width, height) != (45, 16) or len(question.answers) < 4:
        for key, _ in question.answers:  # each key in block digits
            assert rows_of(lines, key) >= GLYPH_ROWS, "\n".join(lines)
        left = min(line.index("█") for line in drawn)
        first = next(i for i, line in enumerate(lines) if "█" in line)
        right = max(len(line.rstrip()) for line in lines[first:-1])  # keys and answers
        assert abs((left + right) / 2 - width / 2) <= width // 8, "\n".join(lines)
        text = [line for line in lines[4:-1] if line.strip()]
        margin = min(len(line) - len(line.lstrip()) for line in text)
        assert margin >= (width - max(len(line.rstrip()) for line in text)) - 4
    else:  # too small for 4 large keys: each key bold and numbered, the block centred
        for key, _ in question.answers:
            assert any(line.lstrip().startswith(f"{key} ") for line in lines), "\n".join(lines)
        assert min(len(line) - len(line.lstrip()) for line in lines[4:-1] if line.strip()) > 0
    used = [i for i, line in enumerate(lines[3:-1], start=3) if line.strip()]
    assert abs(used[0] - 3 - (height - 2 - used[-1])) <= 3, "\n".join(lines)  # in height too


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_resize_redraws_at_the_new_size(width: int, height: int) -> None:
    view = make_view()
    segment = at(view, "hold")
    draw(view, 80, 24)
    view.apply(ev.Redraw(segment, 30.0))
    assert len(draw(view, width, height)) == height


def test_a_question_takes_only_its_number_keys_pressed_after_it_appeared() -> None:
    """`n` is "next", never "no"; a key pressed just before the question is not its answer."""
    import io

    from backcoach.coach.before import Keeping
    from backcoach.coach.session import LiveSession, Options, Terminal

    from .fakes import FakeClock, ScriptedKeys

    cat = catalogue.load(BUNDLED)
    plan = planner.build(cat, planner.Request(minutes=4, seed=5))
    clock = FakeClock()
    keys = ScriptedKeys(clock, [(0.0, "2"), (1.0, "n"), (2.0, "y"), (3.0, "q"), (4.0, "1")])
    out = Console(file=io.StringIO(), width=100, color_system=None)
    session = LiveSession(
        plan, cat, Options(sound="off", plain=True), Terminal(out, clock, keys),
        Keeping(None), lambda _: "",
    )  # fmt: skip
    answer = session._ask_key("Did it spread?", (("1", "yes"), ("2", "no")))
    assert answer == "1"
    assert "Did it spread? 1 yes · 2 no" in out.file.getvalue()  # type: ignore[attr-defined]


def test_a_question_rings_the_bell() -> None:
    import io

    from backcoach.coach.before import Keeping
    from backcoach.coach.session import LiveSession, Options, Terminal

    from .fakes import FakeClock, ScriptedKeys

    cat = catalogue.load(BUNDLED)
    plan = planner.build(cat, planner.Request(minutes=4, seed=5))
    clock = FakeClock()
    buffer = io.StringIO()
    out = Console(file=buffer, width=100, force_terminal=True, _environ={"TERM": "xterm"})
    session = LiveSession(
        plan,
        cat,
        Options(sound="bell", plain=True),
        Terminal(out, clock, ScriptedKeys(clock, [(1.0, "2")])),
        Keeping(None),
        lambda _: "",
    )
    assert session._ask_key("Did it spread?", (("1", "yes"), ("2", "no"))) == "2"
    assert "\a" in buffer.getvalue()


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("key", ["", "i", "?"])
def test_the_caution_stays_at_get_ready_whatever_opens(width: int, height: int, key: str) -> None:
    view = make_view()
    segment = at(view, "ready")
    step = view.plan.steps[segment.step_index]
    assert step.caution
    if key == "i":
        view.apply(ev.StepsRequested(segment))
    elif key == "?":
        view.apply(ev.HelpRequested(segment))
    lines = draw(view, width, height)
    shown = " ".join(" ".join(line.replace("█", " ").split()) for line in lines)
    assert f"Careful: {' '.join(step.caution.split()[:3])}" in shown


def test_the_last_hold_of_the_first_side_says_the_other_side_comes_next() -> None:
    """Issue 24: figure-four, left side, last hold said "next: the end"."""
    view = make_view()
    firsts = [
        i
        for i, s in enumerate(view.timeline)
        if s.activity == "work" and s.side == "left" and s.rep == s.reps and s.is_hold
    ]
    assert firsts, "the plan has a per-side hold"
    for index in firsts:
        view.apply(ev.SegmentStarted(index, view.timeline[index], 0.0))
        shown = " ".join(" ".join(line.split()) for line in draw(view, 100, 30))
        assert "next: right side" in shown and "the end" not in shown


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("which", [0, 1, 2, 3])
def test_i_at_get_ready_shows_every_step_at_every_size(width: int, height: int, which: int) -> None:
    """Issue 24: at 45x16 `i` at GET READY took the figure away and showed no steps.

    Steps that do not all fit beside the number come in turn, `i` again for the rest;
    the number and the caution stay throughout, and `i` at the last of them closes them.
    """
    view = make_view(new_to_it=False)
    index = [i for i, s in enumerate(view.timeline) if s.activity == "ready"][which]
    segment = view.timeline[index]
    caution = view.plan.steps[segment.step_index].caution
    view.apply(ev.SegmentStarted(index, segment, 0.0))
    shown = ""
    for _ in range(4):
        view.apply(ev.StepsRequested(segment))
        if not view.all_steps:
            break
        lines = draw(view, width, height)
        assert rows_of(lines, str(segment.seconds)) >= GLYPH_ROWS, "\n".join(lines)
        words = " ".join(" ".join(line.replace("█", " ").split()) for line in lines)
        assert f"Careful: {' '.join(caution.split()[:3])}" in words
        shown += words
    assert not view.all_steps, "i at the last steps closes them"
    for step in view.guides[segment.step_index].steps:
        assert " ".join(step.split()[:3]) in shown, shown


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_notice_is_shown_for_a_few_seconds_and_never_shrinks_the_number(
    width: int, height: int
) -> None:
    """Issue 24: "Good: pain moving towards the middle…" stayed for over a minute at
    80x24, into the next exercise, and the hold's digits fell from 15 rows to 10."""
    from backcoach import clinical

    view = make_view()
    segment = at(view, "hold")
    number = str(segment.seconds)
    alone = rows_of(draw(view, width, height), number)
    view.message, view.message_at = clinical.SYMPTOM_GOOD, view.elapsed
    lines = draw(view, width, height)
    assert rows_of(lines, number) == alone, "\n".join(lines)
    shown = " ".join(" ".join(line.split()) for line in lines)
    assert "Good: pain moving towards the middle" in shown
    assert "quit" in lines[-1]
    view.apply(ev.Tick(segment, segment.seconds - 7.0, 7.0))  # 7 s of the session later
    shown = " ".join(" ".join(line.split()) for line in draw(view, width, height))
    assert "Good: pain" not in shown
