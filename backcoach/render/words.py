"""Small pieces of text every view shares: times, doses, bullet lists."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console, ConsoleOptions

    from backcoach.models import HoldDose, RepsDose

from backcoach.vocabulary import printable


def clean(text: str) -> str:
    """Text from data (a catalogue, the history), safe to print: controls, bidi overrides
    and isolates and zero-width characters dropped (`vocabulary.printable`), tabs as spaces.

    The catalogue's validation refuses them already; this is the second line, for
    data that never passed through it (a history written by an older version).
    """
    return printable(text.replace("\t", " "), newlines=True)


def one_line(text: str) -> str:
    """`clean`, and line breaks as spaces: for table cells and one-line messages."""
    return printable(text)


def dose_detail(exercise_dose: HoldDose | RepsDose) -> str:
    """The dose with its timing, for `show` and `plan`."""
    if exercise_dose.type == "reps":
        text = f"{exercise_dose.describe()}; tempo {exercise_dose.tempo_words()}"
    else:
        text = exercise_dose.describe()
        if exercise_dose.reps > 1 or exercise_dose.pyramid:
            text += f"; {exercise_dose.relax} s relax between holds"
    sets = len(exercise_dose.reps_per_set)
    if sets > 1 and exercise_dose.rest:
        text += f"; {exercise_dose.rest} s rest between sets"
    return text


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`1 day`, `2 days`: never `day(s)`."""
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


def clock_text(seconds: float) -> str:
    whole = max(0, int(round(seconds)))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def minutes_text(seconds: float) -> str:
    whole = max(0, int(round(seconds)))
    minutes, secs = divmod(whole, 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"


def bullets(items: Iterable[str], marker: str = "•") -> Text:
    text = Text()
    for index, item in enumerate(items):
        if index:
            text.append("\n")
        text.append(f"{marker} ", style="dim")
        text.append(clean(item))
    return text


class Hanging:
    """Bullets whose wrapped lines stay under their text, not under the bullet (a Rich
    renderable: it wraps at the width it is given, with no trailing blanks)."""

    def __init__(
        self, items: Iterable[str], marker: str = "•", indent: int = 2, more: int = 0
    ) -> None:
        self.items, self.prefix = [clean(item) for item in items], f"{' ' * indent}{marker} "
        self.under = " " * (len(self.prefix) + more)  # where a wrapped line starts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        for item in self.items:
            room = max(1, options.max_width - len(self.prefix))
            first = Text(item).wrap(console, room, overflow="fold")[0]
            first.rstrip()
            yield Text.assemble((self.prefix, "dim"), first)
            rest = item[len(first.plain) :].lstrip()  # the lines are slices of the item
            if rest:  # the rest wrapped again, at its own indent
                again = Text(rest)
                width = max(1, options.max_width - len(self.under))
                for line in again.wrap(console, width, overflow="fold"):
                    line.rstrip()
                    yield Text.assemble(self.under, line)


def hanging(items: Iterable[str], marker: str = "•", indent: int = 2) -> Hanging:
    return Hanging(items, marker, indent)


def numbered(items: Sequence[str]) -> Text:
    text = Text()
    for index, item in enumerate(items, start=1):
        if index > 1:
            text.append("\n")
        text.append(f"{index}. ", style="bold")
        text.append(clean(item))
    return text


# --- a dose's change, in words (issue 24: never a dose with × or →) -----------------

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class _Shape(NamedTuple):
    """What progression changes in a dose: reps, or holds and their seconds, or a pyramid."""

    kind: str  # "reps", "hold" or "pyramid"
    reps: int = 0
    seconds: int | None = None
    pyramid: tuple[int, ...] = ()
    sets: int | None = None  # None when read back from a stored reason


def _shape(dose: HoldDose | RepsDose) -> _Shape:
    if dose.type == "reps":
        return _Shape("reps", dose.reps, sets=dose.sets)
    if dose.pyramid is not None:
        return _Shape("pyramid", seconds=dose.seconds, pyramid=dose.pyramid)
    return _Shape("hold", dose.reps, dose.seconds, sets=dose.sets or 1)


def _shape_of_words(words: str) -> _Shape | None:
    """Progression's short dose words read back: '21 reps', '3 × 20 s', 'hold 8 s', '5-3-1'."""
    if found := re.fullmatch(r"(\d+) reps?", words):
        return _Shape("reps", int(found[1]))
    if found := re.fullmatch(r"(\d+) × (\d+) s", words):
        return _Shape("hold", int(found[1]), int(found[2]))
    if found := re.fullmatch(r"hold (\d+) s", words):
        return _Shape("hold", 1, int(found[1]))
    if re.fullmatch(r"\d+(?:-\d+)+", words):
        return _Shape("pyramid", pyramid=tuple(int(n) for n in words.split("-")))
    return None


def _more(difference: int, noun: str, plural: str | None = None) -> str:
    """`one more rep`, `2 reps fewer`."""
    size = abs(difference)
    amount = _NUMBERS[size] if size < len(_NUMBERS) else str(size)
    name = noun if size == 1 else (plural or noun + "s")
    return f"{amount} more {name}" if difference > 0 else f"{amount} {name} fewer"


def _differences(before: _Shape, after: _Shape) -> list[str]:
    parts: list[str] = []
    if before.sets is not None and after.sets is not None and before.sets != after.sets:
        parts.append(_more(after.sets - before.sets, "set"))
    if before.kind != after.kind:
        return parts
    if before.kind == "pyramid":
        if len(after.pyramid) != len(before.pyramid):
            parts.append(_more(len(after.pyramid) - len(before.pyramid), "set"))
        moved = {a - b for a, b in zip(after.pyramid, before.pyramid, strict=False)}
        if len(moved) == 1 and (step := moved.pop()):
            parts.append(f"{_more(step, 'hold')} in each set")
    elif before.reps != after.reps:
        parts.append(_more(after.reps - before.reps, "rep" if before.kind == "reps" else "hold"))
    if before.seconds is not None and after.seconds is not None and before.seconds != after.seconds:
        longer = "longer" if after.seconds > before.seconds else "shorter"
        parts.append(f"{abs(after.seconds - before.seconds)} s {longer} holds")
    return parts


def _said(parts: list[str], easier: bool, than: str) -> str:
    if not parts:
        return f"a step {'easier' if easier else 'harder'}{than}"
    return " and ".join(parts) + than


def change_words(
    before: HoldDose | RepsDose,
    after: HoldDose | RepsDose,
    why: str = "",
    easier: bool = False,
    than: str = " than last time",
) -> str:
    """A dose's change in words: 'one more rep than last time', '2 s longer holds than
    last time', 'one set fewer than last time', and for a step back 'a step easier than
    last time (one rep fewer), because …'. `than=""` for a change in the past."""
    return _with_why(_differences(_shape(before), _shape(after)), why, easier, than)


def _with_why(parts: list[str], why: str, easier: bool, than: str = " than last time") -> str:
    why = one_line(why)
    if why.startswith("back after"):
        why = f"you are {why}"
    elif why.startswith("skipped"):
        why = f"it was {why}"
    if easier:
        detail = f" ({' and '.join(parts)})" if parts else ""
        return f"a step easier{than}{detail}" + (f", because {why}" if why else "")
    return _said(parts, easier, than) + (f": {why}" if why else "")


_CHANGE = re.compile(r"^(?P<after>[^:]+): (?P<way>up|down) from (?P<before>[^:]+): (?P<why>.*)$")
_SAME = re.compile(r"^[^:]+: as last time$")
_FLARE = "flare-up dose: shorter and fewer"


def change_of_reason(reason: str) -> str:
    """A stored change ('21 reps: up from 20 reps: two sessions done in full…') in words."""
    found = _CHANGE.match(reason)
    if found is None:
        return reason
    before, after = _shape_of_words(found["before"]), _shape_of_words(found["after"])
    parts = _differences(before, after) if before and after else []
    return _with_why(parts, found["why"], easier=found["way"] == "down")


def reason_words(reason: str) -> str:
    """A plan step's 'why' with its dose changes in words, no dose written as a formula:
    '…; 21 reps: up from 20 reps: …' → '…; one more rep than last time: …'."""
    parts = reason.split("; ")
    flare_up = _FLARE in parts
    said: list[str] = []
    for part in parts:
        if _SAME.match(part):
            if not flare_up:
                said.append("the same dose as last time")
        elif part == _FLARE:
            said.append("a flare-up dose: shorter and fewer than your usual")
        else:
            said.append(change_of_reason(part))
    return "; ".join(said)
