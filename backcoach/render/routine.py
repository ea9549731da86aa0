"""`backcoach routine`: the routine, since when, and each exercise's dose story in a line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from backcoach.render.grid import Cell, Grid, Layout
from backcoach.render.words import one_line

if TYPE_CHECKING:
    from backcoach.history.routines import DoseChange, Routine, RoutineFacts
    from backcoach.models import Dose, Exercise

# The last few changes of a dose, so that each exercise stays one line.
CHANGES_SHOWN = 3


def day(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y}"


def current_dose(story: list[DoseChange], exercise: Exercise | None) -> Dose | None:
    if story:
        return story[-1].dose
    return exercise.dose if exercise is not None else None


def dose_line(story: list[DoseChange]) -> str:
    """'unchanged since 23 Nov 2026', or the last changes in words, a line each:
    '26 Nov 2026, one more rep: two sessions done in full, ...' (never '20 → 21 reps')."""
    from backcoach.render.words import change_words

    if not story:
        return "not done yet"
    if len(story) == 1:
        return f"unchanged since {day(story[0].at)}"
    pairs = list(zip(story, story[1:], strict=False))[-CHANGES_SHOWN:]
    earlier = len(story) - 1 - len(pairs)
    lines = [
        f"{day(after.at)}, "
        + change_words(before.dose, after.dose, _why(after.reason), _easier(after.reason), than="")
        for before, after in pairs
    ]
    more = f"({earlier} earlier) " if earlier else ""
    return more + "; ".join(lines)


_STORED = re.compile(r"^.*?: (?:up|down) from .*?: (.*)$")


def _why(reason: str | None) -> str:
    """The stored reason without the doses it starts with (said in words instead)."""
    if reason is None:
        return ""
    found = _STORED.match(reason)
    return found.group(1) if found else reason


def _easier(reason: str | None) -> bool:
    return reason is not None and ": down from " in reason


def routine_view(
    facts: RoutineFacts,
    focus_words: str,
    exercises: dict[str, Exercise],
    coming: Mapping[str, tuple[Dose, str]] | None = None,
) -> RenderableType:
    """`routine`: what it is made for, each exercise's dose next session and its story
    (`coming`: the doses that change next session, and why), the changes."""
    parts: list[RenderableType] = [
        _routine_header(facts.routine, focus_words),
        _entry_table(facts, exercises, coming or {}),
    ]
    if facts.changes:
        parts.append(Text("Changes to the routine:", style="bold"))
        for moment, reason in facts.changes[-5:]:
            parts.append(Text(f"  {day(moment)}: {one_line(reason)}"))
    for exercise_id, since in sorted(facts.dropped.items()):
        parts.append(
            Text(
                f"Dropped: {exercise_id} (since {day(since)}); "
                f"backcoach routine keep {exercise_id} brings it back",
                style="dim",
            )
        )
    parts.append(
        Text(
            "Doses step up after two sessions done in full, not too hard and with no pain "
            "rise, at most every 48 hours; they step back when a session was too hard, pain "
            "rose by 2 or more, or it lasted into the next morning.",
            style="dim",
        )
    )
    return Group(*parts)


def _routine_header(routine: Routine, focus_words: str) -> Text:
    equipment = ", ".join(e.value for e in routine.equipment) or "no equipment"
    return Text.assemble(
        ("Your routine: ", "bold"),
        focus_words,
        (
            f" · since {day(routine.started_at)} · made for {routine.minutes} min, "
            f"{routine.level.value}, {equipment}",
            "dim",
        ),
    )


def next_line(before: Dose | None, after: Dose, reason: str) -> str:
    """'next session: a step easier (one rep fewer), because it was skipped twice'."""
    from backcoach.render.words import change_words

    if before is None:
        return f"next session: {_why(reason)}"
    return "next session: " + change_words(before, after, _why(reason), _easier(reason), than="")


def _entry_table(
    facts: RoutineFacts, exercises: dict[str, Exercise], coming: Mapping[str, tuple[Dose, str]]
) -> Grid:
    """A row per exercise: its phase, name, the dose the next session runs and how the
    dose changed (the coming change first)."""
    wide: list[list[Cell]] = []
    blocks: list[list[Cell]] = []
    for number, (exercise_id, phase) in enumerate(facts.routine.entries, start=1):
        exercise = exercises.get(exercise_id)
        name = exercise.name if exercise is not None else exercise_id
        story = facts.stories.get(exercise_id, [])
        dose = current_dose(story, exercise)
        line = dose_line(story)
        if exercise_id in coming:
            after, reason = coming[exercise_id]
            line = f"{next_line(dose, after, reason)}; {line}"
            dose = after
        dose_words = dose.describe() if dose is not None else "?"
        wide.append(
            [((str(number), ""),), ((phase, ""),), ((name, ""),),
             ((dose_words, ""),), ((line, "dim"),)]
        )  # fmt: skip
        blocks.append(
            [((f"{number}. {name}", "bold"), (f"{phase} · {dose_words}", ""), (line, "dim"))]
        )
    return Grid(
        Layout(
            ["#", "phase", "exercise", "dose next time", "how the dose changed"],
            wide,
            flexible={2: 16, 4: 24},
            right=frozenset({0}),
        ),
        Layout(["exercise"], blocks, flexible={0: 1}, spaced=True),
    )
