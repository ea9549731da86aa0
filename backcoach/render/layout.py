"""How the live screen is laid out: the number beside or under what opens with it,
a question drawn large, the help as a list of keys, all centred in the terminal's rows."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from backcoach.render.digits import big_rows, digit_scale
from backcoach.render.guide import Lines

if TYPE_CHECKING:
    from backcoach.plan.timeline import Segment


_WORDS = {"ready": "GET READY", "relax": "RELAX", "switch": "SWITCH SIDES", "rest": "REST"}


def state_words(segment: Segment) -> str:
    """What the band says: the exercise's state in capitals."""
    if segment.activity == "work":
        return segment.label.upper()
    return _WORDS[segment.activity]


def rep_words(segment: Segment, *, with_rep: bool = True) -> str:
    """Which rep or hold, which side, which set: in words."""
    parts = []
    if segment.reps > 1 and (with_rep or segment.is_hold):
        parts.append(f"{'rep' if segment.tempo_count else 'hold'} {segment.rep} of {segment.reps}")
    if segment.side:
        parts.append(f"{segment.side} side")
    if segment.sets > 1:
        parts.append(f"set {segment.set_number} of {segment.sets}")
    return " · ".join(parts)


def progress_bar(fraction: float, width: int, style: str) -> Text:
    """A bar that also reads without colour (filled vs. thin line)."""
    filled = round(min(max(fraction, 0.0), 1.0) * width)
    return Text.assemble(("━" * filled, style), ("─" * (width - filled), "dim"))


def key_words(width: int) -> str:
    """The keys line: every key the session answers to, shorter words on a narrow screen."""
    for words in (
        ["space pause", "n next", "x hurts", "i steps", "s symptoms", "q quit", "? help"],
        ["p pause", "n next", "x hurts", "i steps", "s symptoms", "q quit", "? help"],
        ["p pause", "n next", "x hurts", "i", "s symptoms", "q quit", "?"],
    ):
        for joint in (" · ", "  ", " "):
            if len(joint.join(words)) <= width:
                return joint.join(words)
    return "p n x hurts i s symptoms q ?"


def scale_words(scale: float) -> str:
    """Said on screen whenever the clock is scaled, so a demo is never mistaken for real time."""
    return f"time runs ×{1 / scale:g} (BACKCOACH_TIME_SCALE={scale:g})"


def help_text() -> Text:
    """The help in one paragraph, for plain mode."""
    return Text(
        "Keys: " + " · ".join(f"{key} {words}" for key, words in _HELP),
        style="cyan",
    )


_HELP = (
    ("space, p", "pause, and go on"),
    ("n", "skip the rest of this exercise (at get ready or a rest: start now)"),
    ("x", "this hurts (sharp pain): stops the exercise, easier next time"),
    ("i", "the exercise's steps"),
    ("s", "leg symptoms spreading, or new numbness or weakness: stops the exercise"),
    ("q", "quit (what you did is kept)"),
    ("?", "this help, and closes it"),
    ("Ctrl-C", "stop now"),
)


_SHORT_HELP = (
    ("space", "pause / go on"),
    ("n", "skip (or start now)"),
    ("x", "this hurts: stops it"),
    ("i", "the steps"),
    ("s", "symptoms: stops it"),
    ("q", "quit, kept"),
    ("?", "close this help"),
)


def help_lines(width: int, *, short: bool = False) -> list[Text]:
    """The help as a list of keys, each with its words wrapped under its own indent;
    `short`: a line a key, for a small screen."""
    entries = _SHORT_HELP if short else _HELP
    key_width = max(len(key) for key, _ in entries) + 2
    out = [] if short else [Text("Keys", style="bold cyan", no_wrap=True)]
    for key, words in entries:
        wrapped = textwrap.wrap(words, max(10, width - key_width)) or [""]
        for index, line in enumerate(wrapped):
            label = key if index == 0 else ""
            out.append(
                Text.assemble((label.ljust(key_width), "bold cyan"), (line, "cyan"), no_wrap=True)
            )
    return out


@dataclass(frozen=True)
class Question:
    """A question asked during the session: drawn large, answered with a number key."""

    text: str
    answers: tuple[tuple[str, str], ...]  # (key, what it means)


def question_lines(question: Question, width: int, rows: int) -> list[Text]:
    """The question as one block in the middle of the screen, each answer with its key.

    The keys in the block font when there is room: the answers one under another, else
    side by side; otherwise a bold key in reverse. Either way read from the floor.
    """
    title = Lines(width).lines(question.text, "bold")
    big = all(key in _DIGIT_KEYS for key, _ in question.answers)
    for tall in (2, 1, 0) if big else ():  # a large screen: larger keys; 0: side by side
        answers = (
            _answers_stacked(question.answers, width, tall)
            if tall
            else _answers_in_a_row(question.answers, width)
        )
        if answers and len(title) + len(answers) <= rows:
            gap = [Text("")] if len(title) + 1 + len(answers) <= rows else []
            return [*title, *gap, *_centred(answers, width)]
    small: list[Text] = []
    for key, words in question.answers:
        wrapped = textwrap.wrap(words, max(10, width - 6)) or [""]
        for index, said_line in enumerate(wrapped):
            label = f" {key} " if index == 0 else "   "
            small.append(
                Text.assemble(
                    (label, "bold reverse yellow"), "  ", (said_line, "bold"), no_wrap=True
                )
            )
    gap = [Text("")] if len(title) + 1 + len(small) <= rows else []
    return [*title, *gap, *_centred(small, width)]


def _centred(block: list[Text], width: int) -> list[Text]:
    """The lines moved right together, so the block as a whole sits in the middle."""
    left = max(0, (width - max((len(line) for line in block), default=0)) // 2)
    return [Text.assemble(" " * left, line, no_wrap=True) for line in block]


def _answers_stacked(answers: tuple[tuple[str, str], ...], width: int, tall: int) -> list[Text]:
    """Each key drawn large with its answer beside it, one answer under another."""
    out: list[Text] = []
    for key, words in answers:
        glyph = big_rows(key, (tall, 2 * tall))
        said = textwrap.wrap(words, max(10, width - 6 * tall - 4))[: len(glyph)] or [""]
        start = (len(glyph) - len(said)) // 2
        for index, row in enumerate(glyph):
            line = Text(row + "    ", style="bold yellow", no_wrap=True)
            if 0 <= index - start < len(said):
                line.append(said[index - start], style="bold")
            out.append(line)
        out.append(Text(""))
    return out[:-1]


def _answers_in_a_row(answers: tuple[tuple[str, str], ...], width: int) -> list[Text]:
    """The keys drawn large side by side, each answer's words under its key."""
    column = width // len(answers)
    wide = 2 if column >= 12 else 1
    if column < 3 * wide + 2:
        return []
    said = [textwrap.wrap(words, column - 2) or [""] for _, words in answers]
    glyphs = [big_rows(key, (1, wide)) for key, _ in answers]
    out = []
    for row in range(len(glyphs[0])):
        line = Text(no_wrap=True)
        for glyph in glyphs:
            line.append(glyph[row].center(column), style="bold yellow")
        out.append(line)
    for row in range(max(len(lines) for lines in said)):
        line = Text(no_wrap=True)
        for lines in said:
            line.append((lines[row] if row < len(lines) else "").center(column), style="bold")
        out.append(line)
    return out


_DIGIT_KEYS = frozenset("0123456789")


def number_block(
    number: str,
    side: list[str],
    style: str,
    width: int,
    rows: int,
    scale: tuple[int, int] | None = None,
) -> list[Text]:
    """The big number, as large as the rows and columns left allow; `side` beside it.

    With `scale` given, drawn at that scale and at least `rows` rows, centred in them.
    """
    side_width = max((len(line) for line in side), default=-4) + 4
    if scale is None:
        scale = digit_scale(number, rows, width - side_width)
    if scale is None:
        text = number if "/" in number else f"{number} s"
        return [Text(" ".join([text, *side]), style=f"bold {style}", justify="center")]
    block = big_rows(number, scale)
    left = max(0, (width - len(block[0]) - side_width) // 2)
    first_side = len(block) // 2 - len(side) // 2
    out = []
    for index, row in enumerate(block):
        line = Text(" " * left + row, style=f"bold {style}", no_wrap=True)
        if 0 <= index - first_side < len(side):
            line.append(f"    {side[index - first_side]}", style=f"bold {style}")
        out.append(line)
    above = max(0, rows - len(out)) // 2
    below = max(0, rows - len(out) - above)
    return [*[Text("") for _ in range(above)], *out, *[Text("") for _ in range(below)]]


def with_caution(
    panel: Callable[[int], list[list[Text]]], caution: str
) -> Callable[[int], list[list[Text]]]:
    """The panel's ways to show the steps, each with the caution under it."""
    return lambda width: [
        [*option, *Lines(width).lines(caution, "bold yellow", centre=False)]
        for option in panel(width)
    ]


def stack(
    top: list[Text], body: list[Text], status: list[Text], footer: list[Text], height: int
) -> list[Text]:
    """Exactly `height` lines: the body centred between the top and the bottom lines."""
    spare = height - len(top) - len(body) - len(status) - len(footer)
    if spare < 0:  # too small even so: the body gives way first, the keys last
        body = body[: max(0, len(body) + spare)]
        spare = 0
    above = spare // 2
    return [
        *top,
        *[Text("") for _ in range(above)],
        *body,
        *[Text("") for _ in range(spare - above)],
        *status,
        *footer,
    ][: max(height, len(top) + len(footer))]


def over(screen: list[Text], message: list[Text], top: int, footer: int) -> list[Text]:
    """A notice over the rest, just above the keys (or above the number when there is
    no room under it): never over the number's rows, so it never makes the number smaller."""
    if not message:
        return screen
    digits = [row for row, line in enumerate(screen) if "█" in line.plain]
    bottom = len(screen) - footer
    below = bottom - (digits[-1] + 1 if digits else 0)
    above = (digits[0] if digits else bottom) - top
    out = list(screen)
    if len(message) <= below or below >= above:
        start, room = bottom - min(len(message), below), below
    else:
        start, room = max(top, digits[0] - len(message)), above
    for row, line in enumerate(message[: max(room, 0)]):
        out[start + row] = line
    return out


def beside(block: list[Text], columns: int, panel: list[Text], panel_width: int) -> list[Text]:
    """The number's rows with the panel's lines to their right, both centred in height."""
    height = max(len(block), len(panel))
    number_top = (height - len(block)) // 2
    panel_top = (height - len(panel)) // 2
    out = []
    for row in range(height):
        line = Text(no_wrap=True)
        if 0 <= row - number_top < len(block):
            left = block[row - number_top].copy()
            left.truncate(columns, pad=True)
            line.append_text(left)
        else:
            line.append(" " * columns)
        line.append("  ")
        if 0 <= row - panel_top < len(panel):
            right = panel[row - panel_top].copy()
            right.justify = None
            right.truncate(panel_width)
            line.append_text(right)
        out.append(line)
    return out
