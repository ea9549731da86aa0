"""Small pieces of text every view shares: times, doses, bullet lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
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


def numbered(items: Sequence[str]) -> Text:
    text = Text()
    for index, item in enumerate(items, start=1):
        if index > 1:
            text.append("\n")
        text.append(f"{index}. ", style="bold")
        text.append(clean(item))
    return text
