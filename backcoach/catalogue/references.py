"""The checks across a catalogue's exercises: ids used twice, easier or harder variants
that name no exercise (or the exercise itself), and sources whose ISBN does not add up."""

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


class Cited(Protocol):
    """What the identifier check reads of a source: its ISBN and DOI, if any."""

    @property
    def isbn(self) -> str | None: ...
    @property
    def doi(self) -> str | None: ...


# What a source's identifier or address looks like, said instead of a pattern.
SHAPES = {
    "isbn": "an ISBN has 13 digits (or 10 in older books), e.g. 978-1-4925-0162-6",
    "doi": "a DOI starts 10., a number, a slash and the rest, e.g. 10.1093/ptj/78.7.754",
    "url": "a web address starts http:// or https:// and has no spaces",
}


# A number written bare in YAML (isbn: 9781492501626) is read as a number, not text.
_QUOTED = {"isbn": '"978-1-4925-0162-6"', "doi": '"10.1093/ptj/78.7.754"'}


def shape_message(field: str, kind: str) -> str:
    """What an ISBN, a DOI or an address should look like, said instead of a pattern."""
    if kind == "string_type" and field in _QUOTED:
        return f"write it in quotes, e.g. {field}: {_QUOTED[field]}"
    return SHAPES[field]


def isbn_problem(isbn: str) -> str | None:
    """Why an ISBN (10 or 13 digits, hyphens allowed) is wrong, or None: its last digit
    must be the check digit its other digits give, so a mistyped digit is caught."""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
        expected = str((10 - total % 10) % 10)
    elif len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = (11 - total % 11) % 11
        expected = "X" if check == 10 else str(check)
    else:
        return SHAPES["isbn"]
    if digits[-1] != expected:
        return f"this ISBN's check digit is wrong (should end in {expected}): is a digit mistyped?"
    return None


def source_problems(sources: Sequence[Cited]) -> list[tuple[int, str, str]]:
    """ISBNs whose check digit does not match (the model checks the DOI's and the ISBN's
    shape). Returns (index of the source, field, message)."""
    problems: list[tuple[int, str, str]] = []
    for index, source in enumerate(sources):
        if source.isbn is not None:
            message = isbn_problem(source.isbn)
            if message:
                problems.append((index, "isbn", message))
    return problems
