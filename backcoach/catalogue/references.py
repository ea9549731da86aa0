"""The check across a catalogue's exercises: ids used twice, and easier or harder
variants that name no exercise (or the exercise itself)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Variants(Protocol):
    """What the check across exercises reads of each: an Exercise, or a lighter record."""

    @property
    def id(self) -> str: ...
    @property
    def easier(self) -> tuple[str, ...]: ...
    @property
    def harder(self) -> tuple[str, ...]: ...


def reference_problems(exercises: Sequence[Variants]) -> list[tuple[int, str, str]]:
    """Duplicate ids and easier/harder ids that name no exercise.

    Returns (index of the exercise, field, message) so the loader can give each a line.
    """
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for index, exercise in enumerate(exercises):
        if exercise.id in seen:
            problems.append((index, "id", f"duplicate id: also exercise #{seen[exercise.id] + 1}"))
        else:
            seen[exercise.id] = index
    for index, exercise in enumerate(exercises):
        for field in ("easier", "harder"):
            for ref in getattr(exercise, field):
                if ref not in seen:
                    problems.append((index, field, f"names {ref!r}, which is not in the catalogue"))
                elif ref == exercise.id:
                    problems.append((index, field, "names the exercise itself"))
    return problems
