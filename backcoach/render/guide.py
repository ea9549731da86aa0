"""How to do the exercise, on the live screen: its position, its steps, its cues in turn."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from backcoach.render.words import one_line

if TYPE_CHECKING:
    from backcoach.plan.timeline import Segment
    from backcoach.vocabulary import Position

# The steps in full at "get ready" the first times a person meets an exercise.
FIRST_TIMES = 3
# Holds at least this long get their cues in turn, with a reminder to breathe.
LONG_HOLD = 20
CUE_EVERY = 10
BREATHE = "Keep breathing slowly: never hold your breath"


@dataclass(frozen=True)
class Guide:
    """How to do one exercise of the plan: what "get ready" and the cues show."""

    position: Position
    steps: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    # Met fewer than FIRST_TIMES times before: all the steps at "get ready".
    new_to_it: bool = False
    figure: str | None = None  # the exercise's drawing of its position, if not the usual


def numbered(guide: Guide) -> list[str]:
    """The exercise's steps, numbered as they are shown and printed."""
    return [f"{number}. {step}" for number, step in enumerate(guide.steps, start=1)]


def pages(steps: list[str], start: int) -> list[list[str]]:
    """The steps from `start`: all of them first; then fewer, and `i` for the rest."""
    rest = steps[start:]
    return [
        rest,
        *([*rest[:count], "(i: the next steps)"] for count in range(len(rest) - 1, 0, -1)),
    ]


def cue_for(guide: Guide, segment: Segment, into: float) -> str:
    """The cue to show `into` seconds into a segment: the catalogue's cues in turn.

    Reps change cue every two reps; long holds every CUE_EVERY seconds, with a
    reminder to breathe among them.
    """
    cues = list(guide.cues)
    if not cues:
        return ""
    if segment.is_hold and segment.seconds >= LONG_HOLD:
        cues.append(BREATHE)
        turn = int(into // CUE_EVERY) + segment.rep - 1
    elif segment.is_hold:
        turn = segment.rep - 1
    else:
        turn = (max(segment.rep, 1) - 1) // 2
    return cues[turn % len(cues)]


class Lines:
    """Lines for a screen of a given size: everything wrapped, so rows can be counted."""

    def __init__(self, width: int) -> None:
        self.width = width

    def lines(self, text: str, style: str = "", *, centre: bool = True) -> list[Text]:
        wrapped = textwrap.wrap(one_line(text), self.width) or [""]
        return [
            Text(line, style=style, justify="center" if centre else "left", no_wrap=True)
            for line in wrapped
        ]


def layouts(
    position: Position, choices: list[list[str]], width: int, variant: str | None = None
) -> list[list[Text]]:
    """The ways to show the position and what to do, richest first.

    For each list of instructions in `choices` (all the steps, then the key cue): the
    figure beside them, the figure above them, the position in words above them; last,
    the position in words alone. The live view takes the first that fits.
    """
    from backcoach.render import figures

    fit = Lines(width)
    words = fit.lines(f"Position: {figures.words(position, variant)}", "bold")
    drawn = figures.figure(position, variant)
    figure = [Text(row, style="cyan", no_wrap=True) for row in drawn]
    right_width = width - figures.WIDTH - 3
    out: list[list[Text]] = []
    for items in choices:
        if right_width >= 30:
            right = [
                line for item in items for line in Lines(right_width).lines(item, centre=False)
            ]
            beside = [*words]
            for index in range(max(len(figure), len(right))):
                line = figure[index].copy() if index < len(figure) else Text(" " * figures.WIDTH)
                if index < len(right):
                    line.append("   ")
                    line.append_text(right[index])
                beside.append(line)
            out.append(beside)
        below = [line for item in items for line in fit.lines(item, centre=False)]
        if width >= figures.WIDTH:
            out.append([*words, *figure, *below])
        out.append([*words, *below])
        out.append(below)  # a small screen: the steps say the position themselves
    out.append(words)
    return out
