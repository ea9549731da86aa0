"""Find, read and validate an exercise catalogue.

The YAML is read with PyYAML's safe loader only (C-accelerated when
available). Anchors and aliases are refused outright: a catalogue has no need
of them and they are how "billion laughs" bombs blow up time and memory.
Every problem is collected, not only the first, and each is located by file,
line, exercise id and field.

Commands read a validated catalogue through library.py, which caches it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcoach.errors import CatalogueError, Problem

if TYPE_CHECKING:
    from backcoach.models import Catalogue, Exercise
    from backcoach.yamlstream import Top

BUNDLED_NAME = "exercises.yaml"
PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_path() -> Path:
    """The catalogue that ships with backcoach.

    In a wheel it sits inside the package (backcoach/data/); in a checkout or
    an editable install it is data/ at the top of the repository.
    """
    for candidate in (
        PACKAGE_DIR / "data" / BUNDLED_NAME,
        PACKAGE_DIR.parent / "data" / BUNDLED_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise CatalogueError(
        [Problem(str(PACKAGE_DIR), "the bundled exercises.yaml is missing: reinstall backcoach")]
    )


def chosen_path(option: str | None) -> Path:
    """--catalogue wins, then BACKCOACH_CATALOGUE, then the bundled one."""
    value = option or os.environ.get("BACKCOACH_CATALOGUE", "").strip()
    return Path(value).expanduser() if value else bundled_path()


# Ten times the 100,000-exercise benchmark catalogue would not fit; a device such as
# /dev/zero, which never ends, is refused before it is read.
MAX_CATALOGUE_BYTES = 256 * 2**20


def read_bytes(path: Path) -> bytes:
    import stat

    shown = str(path)
    if not path.exists():
        raise CatalogueError([Problem(shown, "no such file")])
    if path.is_dir():
        raise CatalogueError([Problem(shown, "is a folder, not a catalogue file")])
    try:
        with path.open("rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise CatalogueError([Problem(shown, "is not a regular file (a device or pipe?)")])
            if info.st_size > MAX_CATALOGUE_BYTES:
                raise CatalogueError([Problem(shown, _too_big(info.st_size))])
            data = file.read(MAX_CATALOGUE_BYTES + 1)
    except OSError as exc:
        raise CatalogueError([Problem(shown, f"cannot be read: {exc.strerror}")]) from exc
    if len(data) > MAX_CATALOGUE_BYTES:  # it grew while being read
        raise CatalogueError([Problem(shown, _too_big(len(data)))])
    return data


def _too_big(size: int) -> str:
    return (
        f"is {size / 2**20:.0f} MiB; a catalogue may be at most {MAX_CATALOGUE_BYTES // 2**20} MiB"
    )


def load(path: Path) -> Catalogue:
    """Read and validate the catalogue at `path` (no cache; commands use library.py)."""
    return parse(read_bytes(path), str(path))


def parse(data: bytes, filename: str = "<catalogue>") -> Catalogue:
    """Validate catalogue bytes; raise CatalogueError listing every problem."""
    from backcoach.models import Catalogue

    return Catalogue(tuple(exercises(data, filename)))


def exercises(data: bytes, filename: str = "<catalogue>") -> Iterator[Exercise]:
    """Each valid exercise as soon as it has been read; CatalogueError at the end if any problem.

    The YAML is read one exercise at a time (yamlstream.py), so memory does not
    grow with the catalogue: a consumer (the cache) can store each exercise and
    drop it. It must not trust what it got until the iterator ends without an
    error: every problem in the file is gathered and raised at the end.
    """
    from pydantic import ValidationError

    from backcoach.models import Exercise, reference_problems
    from backcoach.yamlstream import Top, exercise_items, line_of

    top = Top(line=1)
    problems: list[Problem] = []
    references: list[_References] = []
    validate = Exercise.model_validate
    count = 0
    for item, lines in exercise_items(_decode(data, filename), filename, top):
        index, count = count, count + 1
        try:
            exercise = validate(item)
        except ValidationError as exc:
            where = _ident(item, index)
            for error in exc.errors(include_url=False, include_input=False):
                loc = error["loc"]
                # Discriminated unions add the tag ("hold"/"reps") to the path.
                if len(loc) >= 2 and loc[0] == "dose" and loc[1] in ("hold", "reps"):
                    loc = (loc[0], *loc[2:])
                problems.append(
                    Problem(
                        filename,
                        _message(error),
                        line=line_of(lines, loc),
                        exercise=where,
                        field=".".join(str(part) for part in loc) or None,
                    )
                )
            continue
        references.append(_References(exercise, lines.line, lines.keys))
        yield exercise
    problems[:0] = _top_problems(top, filename, count)
    for position, field, message in reference_problems(references):
        record = references[position]
        problems.append(
            Problem(
                filename,
                message,
                line=record.lines.get(field, record.line),
                exercise=record.id,
                field=field,
            )
        )
    if problems:
        raise CatalogueError(problems)


def _top_problems(top: Top, filename: str, count: int) -> list[Problem]:
    """What is wrong with the top level: its shape, unknown keys, the version, no exercises."""
    if top.shape is not None:
        message = f"the top level must be a mapping with an 'exercises' list, not {top.shape}"
        return [Problem(filename, message, line=top.line)]
    problems = [
        Problem(filename, "unknown key (allowed: version, exercises)", line=line, field=str(key))
        for key, line in top.keys.items()
        if key not in ("version", "exercises")
    ]
    version = top.values.get("version", 1)
    if version != 1:
        problems.append(
            Problem(
                filename,
                f"version {version!r} is not supported (this backcoach reads version 1)",
                line=top.keys["version"],
                field="version",
            )
        )
    if not count:
        line = top.keys.get("exercises", top.line)
        problems.append(
            Problem(filename, "'exercises' must be a non-empty list", line=line, field="exercises")
        )
    return problems


_REFERENCE_FIELDS = ("id", "easier", "harder")


class _References:
    """What the check across exercises needs of one: its id, its variants and their lines."""

    __slots__ = ("id", "easier", "harder", "line", "lines")

    def __init__(self, exercise: Exercise, line: int, keys: dict[Any, tuple[int, Any]]) -> None:
        self.id, self.easier, self.harder = exercise.id, exercise.easier, exercise.harder
        self.line = line
        self.lines = {field: keys[field][0] for field in _REFERENCE_FIELDS if field in keys}


def _ident(item: object, index: int) -> str:
    if isinstance(item, dict):
        value = item.get("id")
        if isinstance(value, str) and value:
            return value
    return f"exercise #{index + 1}"


def _message(error: Any) -> str:
    message = str(error["msg"])
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field (is it a typo?)"
    if kind == "missing":
        return "required field is missing"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message


def _decode(data: bytes, filename: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogueError(
            [Problem(filename, f"is not UTF-8 text (byte {exc.start + 1})", line=line)]
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise CatalogueError([Problem(filename, "is empty")])
    return text
