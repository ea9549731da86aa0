"""The full-screen live view, as a terminal shows it, read by a VT emulator (pyte).

At 100x30, 80x24, 60x20 and 45x16: the big number's shape and size, the position's
figure and the steps at "get ready", nothing cut off. What the screen shows is drawn in
process (the engine on a fake clock, scripted keys, the live renderer writing to a
screen of that size); a real pty (marked `pty`) proves the running program lays the
view out to the terminal it is in, and gives the terminal back (the alternate screen
left, the cursor shown) on every way out.
"""

from __future__ import annotations

import io
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
import pytest
from rich.console import Console

from backcoach.catalogue import loader as catalogue
from backcoach.catalogue.library import open_library
from backcoach.models import Plan
from backcoach.plan import prepare as coaching
from backcoach.plan.timeline import Segment, segments
from backcoach.render import figures
from backcoach.render.digits import _DIGITS, GLYPH_ROWS, big_rows, digit_scale
from backcoach.render.guide import BREATHE, Guide, cue_for
from backcoach.render.live import LiveRenderer, SessionView
from backcoach.timer import engine as ev
from backcoach.timer.engine import Engine
from backcoach.vocabulary import Position

from .conftest import BUNDLED, TEST_DATA
from .fakes import FakeClock, ScriptedKeys
from .terminals import REAL_TIME, spawn

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")
SIZES = [(30, 100), (24, 80), (20, 60), (16, 45)]
ALT_ON, ALT_OFF, CURSOR_ON = "\x1b[?1049h", "\x1b[?1049l", "\x1b[?25h"
# A one-off plan (--seed) whose first exercise is cat-cow: 10 reps, round 3 s · arch 3 s.
STYLE = "(?:\x1b\\[[0-9;]*m)*"  # a bold word's escape codes between words
CAT_COW = "start --focus lower --minutes 4 --seed 5 --yes"


class Terminal:
    """A pexpect child whose output is also fed to a pyte screen of the same size."""

    def __init__(self, home: Path, args: str, rows: int, columns: int, scale: str) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.raw = io.StringIO()
        self.child = spawn(home, args, scale, dimensions=(rows, columns))
        self.child.logfile_read = self

    def write(self, data: str) -> None:
        self.raw.write(data)
        self.stream.feed(data)

    def flush(self) -> None:
        pass

    def paused_frame(self) -> list[str]:
        """Pause, and the screen once the paused frame is drawn whole (its last line is
        the keys line)."""
        self.child.send(" ")
        self.child.expect("PAUSED")
        self.child.expect("quit")
        return [line.rstrip() for line in self.screen.display]


def decode(lines: list[str]) -> tuple[str, int]:
    """The big number on a screen, read back glyph by glyph, and its height in rows."""
    # Each line up to the first thing that is not the block font (a panel beside it).
    cut = [re.split(r"[^█ ]", line)[0].rstrip() for line in lines]
    plain = [part for part, line in zip(cut, lines, strict=True) if "█" in part]
    plain = [part for part in plain if part in (line.rstrip() for line in lines)] or plain
    assert plain, "no big number on the screen"
    left = min(len(row) - len(row.lstrip()) for row in plain)
    right = max(len(row) for row in plain)
    # Rows with the tempo beside them too: only the number's columns are read.
    block = [part[left:right].ljust(right - left) for part in cut if "█" in part[left:right]]
    tall = len(block) // GLYPH_ROWS
    runs = [len(run) for row in block for run in re.findall("█+", row)]
    wide = min(runs)  # the narrowest run of blocks is one pixel wide
    pixels = ["".join(row[x] for x in range(0, len(row), wide)) for row in block[::tall]]
    glyphs = {shape: char for char, shape in _DIGITS.items()}
    text, x = "", 0
    while x < len(pixels[0]):
        shape = tuple(row[x : x + 3].ljust(3) for row in pixels)
        assert shape in glyphs, f"a digit drawn wrong: {shape}"
        text += glyphs[shape]
        x += 4  # three pixels and a gap
    return text, len(block)


@pytest.mark.parametrize("scale", [(1, 1), (2, 4), (3, 3), (4, 8)])
def test_every_glyph_is_drawn_as_its_shape_at_every_scale(scale: tuple[int, int]) -> None:
    for char, shape in _DIGITS.items():
        rows = big_rows(char, scale)
        tall, wide = scale
        assert len(rows) == GLYPH_ROWS * tall
        assert {len(row) for row in rows} == {3 * wide}  # every row the same width: none bent
        assert tuple(row[::wide] for row in rows[::tall]) == shape


def test_the_number_is_as_large_as_the_room_allows() -> None:
    assert digit_scale("25", rows=20, columns=100) == (4, 8)
    assert digit_scale("10/10", rows=20, columns=100) == (4, 5)
    assert digit_scale("25", rows=7, columns=45) == (1, 2)
    assert digit_scale("25", rows=4, columns=45) is None  # a line of text then


def test_each_figure_is_drawn_as_it_always_was() -> None:
    # Golden text: a change to a figure is a change to this test, seen in review.
    assert {position.value: figures.figure(position) for position in Position} == GOLDEN


GOLDEN = {
    "standing": (
        "           O            ",
        "          /|\\           ",
        "           |            ",
        "          / \\           ",
        "________________________",
    ),
    "sitting": (
        "      |  O              ",
        "      |  |\\             ",
        "      |__|_\\__          ",
        "      |   |   |         ",
        "______|___|___|_________",
    ),
    "kneeling": (  # upright on both knees: the shins lie on the floor (issue 24: not a step)
        "            O           ",
        "           /|\\          ",
        "            |           ",
        "______======|___________",
    ),
    "all-fours": (
        "     ___________O       ",
        "    |          |        ",
        "    |          |        ",
        "____|__________|________",
    ),
    "prone": (
        "  __________________O__ ",
        "________________________",
    ),
    "side-lying": (
        "   O        ___         ",
        "  /|_______/   \\___     ",
        "________________________",
    ),
    "supine": (
        "             /\\         ",
        "  O_________/  \\___     ",
        "________________________",
    ),
}  # fmt: skip


def test_child_pose_and_the_hip_flexor_stretch_each_have_their_own_kneeling_figure() -> None:
    # Issue 24: one kneeling figure, like a person on a step, served both. Chosen by the
    # catalogue's `figure` field.
    from backcoach.catalogue import loader

    by_id = loader.load(loader.bundled_path()).by_id()
    child, lunge = by_id["childs-pose"], by_id["kneeling-hip-flexor-stretch"]
    drawn = {figures.figure(e.position, e.figure) for e in (child, lunge)} | {
        figures.figure(Position.KNEELING)
    }
    assert len(drawn) == 3
    assert figures.figure(child.position, child.figure) == (
        "        ______          ",
        "       /      \\         ",
        "      |        \\        ",
        "______|=========\\O=====_",
    )  # sitting back on the heels, the head low, the arms forward on the floor
    assert figures.figure(lunge.position, lunge.figure) == (
        "          O             ",
        "         /|\\            ",
        "          |____         ",
        "____======|    |________",
    )  # one knee down, the other foot forward
    assert "sitting back on your heels" in figures.words(child.position, child.figure)


def test_the_svg_figure_is_drawn_from_the_same_rows() -> None:
    poses = [(position, None) for position in Position]
    poses += [(Position.KNEELING, variant) for variant in figures.VARIANTS]
    for position, variant in poses:
        rows = figures.figure(position, variant)
        drawn = figures.svg(position, variant)
        said = figures.words(position, variant)
        assert f"<title>{said}</title>" in drawn  # the text alternative
        heads = sum(row.count("O") for row in rows)
        assert drawn.count("<circle") == heads == 1
        strokes = sum(char in "_|/\\" for row in rows for char in row)
        strokes += 2 * sum(row.count("=") for row in rows)  # lying on the floor: two lines
        assert drawn.count("<line") == strokes


def test_cues_take_turns_and_long_holds_remind_to_breathe() -> None:
    guide = Guide(Position.SUPINE, cues=("Knees soft", "Chin tucked"))
    rep = Segment(0, "work", 2, "up", rep=1, reps=8, tempo_count=2)
    said = [cue_for(guide, rep._replace(rep=n), 0) for n in range(1, 6)]
    assert said == ["Knees soft", "Knees soft", "Chin tucked", "Chin tucked", "Knees soft"]
    hold = Segment(0, "work", 30, "hold", rep=1, reps=2)
    over_a_hold = [cue_for(guide, hold, seconds) for seconds in (0, 10, 20)]
    assert over_a_hold == ["Knees soft", "Chin tucked", BREATHE]
    short = hold._replace(seconds=10)
    assert BREATHE not in {cue_for(guide, short._replace(rep=n), 5) for n in (1, 2, 3)}


def test_an_exception_inside_the_live_view_gives_the_terminal_back() -> None:
    cat = catalogue.load(TEST_DATA / "tiny.yaml")
    from backcoach.plan import planner

    plan = planner.build(cat, planner.Request(minutes=1, seed=1))
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=True, width=80, height=24, _environ={"TERM": "xterm"}
    )
    view = SessionView(plan, segments(plan))
    with pytest.raises(RuntimeError), LiveRenderer(console, view):
        raise RuntimeError("a bug")
    out = buffer.getvalue()
    assert ALT_ON in out
    assert out.rfind(ALT_OFF) > out.rfind(ALT_ON)
    assert out.rfind(CURSOR_ON) > out.rfind("\x1b[?25l")


class Screen:
    """A VT emulator's screen that a Rich console writes to, as a terminal would show it."""

    def __init__(self, rows: int, columns: int) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)

    def write(self, data: str) -> int:
        self.stream.feed(data.replace("\n", "\r\n"))  # as a terminal's driver does (onlcr)
        return len(data)

    def flush(self) -> None:
        pass

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]


def cat_cow_plan() -> Plan:
    """`start --focus lower --minutes 4 --seed 5 --yes`'s plan, built as `start` builds it."""
    choices = coaching.Choices(focus=["lower"], minutes=4, seed=5, no_questions=True)
    plan = coaching.prepare(open_library(BUNDLED), choices).plan()
    first = plan.steps[0]
    assert first.exercise == "cat-cow"
    assert first.dose.type == "reps" and first.dose.reps == 10
    assert dict(first.dose.tempo) == {"round": 3, "arch": 3}
    return plan


def paused_frame(rows: int, columns: int, pause_at: Callable[[SessionView], float]) -> list[str]:
    """The screen of CAT_COW's live view at rows x columns, paused `pause_at(view)` session
    seconds in (then quit): the engine on a fake clock, the keys scripted, the live
    renderer drawing to a VT screen. Time runs x5, as in the pty tests, so the notice
    about it is on the screen too."""
    plan = cat_cow_plan()
    by_id = catalogue.load(BUNDLED).by_id()
    guides = [  # a first session: every exercise new, all its steps at "get ready"
        Guide(e.position, e.steps, e.cues, new_to_it=True)
        for e in (by_id[step.exercise] for step in plan.steps)
    ]
    timeline = segments(plan)
    view = SessionView(plan, timeline, time_scale=0.2, guides=guides)
    screen = Screen(rows, columns)
    console = Console(
        file=screen, width=columns, height=rows, force_terminal=True, highlight=False,
        markup=False, emoji=False, _environ={"TERM": "xterm-256color"},
    )  # fmt: skip
    clock = FakeClock()
    at = pause_at(view)
    keys = ScriptedKeys(clock, [(at, " "), (at + 1, "q")])
    frames: list[list[str]] = []

    def when_paused(event: ev.Event) -> None:
        if isinstance(event, ev.Paused):
            frames.append(screen.lines())  # the paused frame, drawn whole

    renderer = LiveRenderer(console, view)
    with renderer:
        outcome = Engine(timeline, clock, keys, [renderer, when_paused]).run()
    assert outcome.reason == "quit"
    (frame,) = frames
    return frame


def into_get_ready(view: SessionView) -> float:
    assert view.timeline[0].activity == "ready"
    return 1.0


def into_the_first_round(view: SessionView) -> float:
    """A second into the first rep's first tempo phase ("round")."""
    first = next(i for i, segment in enumerate(view.timeline) if segment.activity == "work")
    assert view.timeline[first].label == "round"
    return view.starts[first] + 1.0


@pytest.mark.parametrize(("rows", "columns"), SIZES)
def test_get_ready_shows_the_position_and_the_steps(rows: int, columns: int) -> None:
    lines = paused_frame(rows, columns, into_get_ready)
    assert any("PAUSED" in line for line in lines)
    exercise = catalogue.load(BUNDLED).by_id()["cat-cow"]
    assert "Cat-cow" in lines[1]  # under the time-scale notice: nothing pushed off the top
    said = " ".join(" ".join(line.replace("█", " ").split()) for line in lines)
    assert "Position: on hands and knees" in said
    assert any("quit" in line for line in lines)  # nothing pushed off the bottom
    figure = figures.figure(Position.ALL_FOURS)
    steps = [f"{number}. {step}" for number, step in enumerate(exercise.steps, start=1)]
    # Beside the number (issue 24): the figure, and the steps in a column of their own.
    if rows >= 24:
        at = next(i for i, line in enumerate(lines) if figure[0].rstrip() in line)
        column = lines[at].index(figure[0].rstrip())
        drawn = [line[column : column + figures.WIDTH] for line in lines[at : at + len(figure)]]
        assert [row.rstrip() for row in drawn] == [row.rstrip() for row in figure]
    if columns >= 60:  # a first session: every step
        at = next(i for i, line in enumerate(lines) if "1. " in line)
        column = lines[at].index("1. ")
        column_text = " ".join(line[column:].strip() for line in lines[at:])
        assert all(step in column_text for step in steps)
    else:  # the key cue, and how to see the steps
        assert f"{exercise.cues[0]} (i: all the steps)" in said
    for line in lines:
        assert len(line) <= columns
    _, height = decode(lines)
    assert height >= (2 * GLYPH_ROWS if rows >= 24 else GLYPH_ROWS)  # never a line of text


@pytest.mark.parametrize(("rows", "columns"), SIZES)
def test_reps_show_the_rep_count_big_with_the_tempo_beside_it(rows: int, columns: int) -> None:
    lines = paused_frame(rows, columns, into_the_first_round)
    number, height = decode(lines)
    assert re.fullmatch(r"\d+/10", number)
    if (rows, columns) == (30, 100):
        assert height >= 8
    assert any(re.search(r"(ROUND|ARCH)\s*$", line) for line in lines)
    assert any(re.search(r"[█░]{10}\s*$", line) for line in lines)  # the tempo bar
    assert any("round 3 s · arch 3 s" in line for line in lines)
    assert any("quit" in line for line in lines)
    for line in lines:
        assert len(line) <= columns


@posix_only
@pytest.mark.pty
def test_the_running_program_lays_the_view_out_to_its_terminal(isolated_home: Path) -> None:
    # The smallest size: the short keys line, and nothing wider than the terminal.
    term = Terminal(isolated_home, CAT_COW, 16, 45, scale=REAL_TIME)
    term.child.expect("GET READY")
    lines = term.paused_frame()
    assert "Cat-cow" in lines[0]  # real time: no notice about it above the name
    # The short keys line keeps the safety keys (issue 24): s symptoms, x this hurts,
    # and i (the steps), which a new user missed at this size.
    keys = next(line for line in lines if "p pause" in line)
    assert all(k in keys for k in ("x hurts", "s symptoms", " i ", "q", "?")), keys
    assert all(len(line) <= 45 for line in lines)
    term.child.send("q")
    term.child.expect(pexpect.EOF)


@posix_only
@pytest.mark.pty
@pytest.mark.parametrize("how", ["q", "ctrl-c", "sigterm"])
def test_the_terminal_is_given_back_on_every_way_out(isolated_home: Path, how: str) -> None:
    # In real time, so the session is still running when the way out is taken.
    term = Terminal(isolated_home, CAT_COW, 24, 80, scale=REAL_TIME)
    term.child.expect("GET READY")  # drawn once cbreak is on and the handlers are in place
    if how == "q":
        term.child.send("q")
    elif how == "ctrl-c":
        term.child.sendintr()
    else:
        term.child.kill(signal.SIGTERM)
    term.child.expect(pexpect.EOF)
    term.child.close()
    out = term.raw.getvalue()
    assert out.count(ALT_ON) >= 1
    assert out.rfind(ALT_OFF) > out.rfind(ALT_ON)
    assert out.rfind(CURSOR_ON) > out.rfind("\x1b[?25l")
    # What is left on the (main) screen says what happened, in words.
    assert re.search(r"ended early|stopped by", out)


def screen_text(view: SessionView, width: int, height: int) -> str:
    console = Console(width=width, height=height, color_system=None, _environ={})
    with console.capture() as captured:
        console.print(view.render(width, height))
    return captured.get()


def test_a_familiar_exercise_gets_its_key_cue_and_i_brings_the_steps_back() -> None:
    from backcoach.plan import planner
    from backcoach.timer import engine as ev

    cat = catalogue.load(TEST_DATA / "tiny.yaml")
    plan = planner.build(cat, planner.Request(minutes=1, seed=1))
    exercise = cat.by_id()[plan.steps[0].exercise]
    timeline = segments(plan)
    familiar = Guide(exercise.position, exercise.steps, exercise.cues, new_to_it=False)
    view = SessionView(plan, timeline, guides=[familiar] * len(plan.steps))
    view.apply(ev.SegmentStarted(0, timeline[0], 0.0))
    shown = screen_text(view, 100, 30)
    assert f"{exercise.cues[0]} (i: all the steps)" in shown
    assert f"1. {exercise.steps[0]}" not in shown
    view.apply(ev.StepsRequested(timeline[0]))
    assert f"1. {exercise.steps[0]}" in screen_text(view, 100, 30)


@posix_only
@pytest.mark.pty
def test_the_end_of_a_session_shows_pain_streak_week_and_next_time(isolated_home: Path) -> None:
    from .terminals import finish, no_leg_symptoms, pass_the_screen

    for session, (before, after) in enumerate([(4, 3), (3, 3)], start=1):
        # Keys only answer questions the session waits on: time may run fast.
        child = spawn(isolated_home, "start --focus upper --minutes 2 --plain", "0.005")
        if session == 1:
            pass_the_screen(child)
        else:
            child.expect("Anything new or worse since your safety check")
            child.sendline("n")
        if session == 1:  # once per episode: before pain (issue 22's one order)
            no_leg_symptoms(child)
        child.expect("Pain now, from 0")
        child.sendline(str(before))
        child.expect("Ready\\? Press Enter")
        child.sendline("")
        child.expect("Pain now, after the session")
        child.sendline(str(after))
        child.expect("How hard did it feel")
        child.sendline("2")
        child.expect("Session complete")
        if session == 1:
            child.expect(f"Pain {STYLE}4 → 3: easing, well done\\.")
            child.expect(f"Streak {STYLE}1 day in a row · \\d+ min this week")
            child.expect(f"Next time {STYLE}the same doses")
        else:
            child.expect(f"Pain {STYLE}3 → 3: no worse")
            child.expect(f"Streak {STYLE}1 day in a row")
            # Two sessions in full, about right, no pain rise: each dose steps up.
            # The whole dose, from when, and the change in words: never "8 → 9 reps".
            child.expect(f"Next time:{STYLE}")
            child.expect(" • .+: .+, from \\w{3} \\d+ \\w{3}; ")
            child.expect("(one more \\w+|\\d s longer holds) than last time")
        assert finish(child) == 0


def test_an_early_end_shows_no_zero_day_streak() -> None:
    from datetime import date

    from backcoach.plan.outlook import Outlook
    from backcoach.render.history import end_screen

    quit_early = Outlook(0, 16 / 60, (), date(2026, 11, 24), progresses=True)
    console = Console(width=120, color_system=None, _environ={})
    with console.capture() as captured:
        console.print(end_screen(quit_early, 3, 3))
    shown = captured.get()
    assert "Streak none yet (a session done in full starts one) · under a minute this week" in shown
    assert "0 days" not in shown and "0 min" not in shown
