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
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from backcoach.errors import CatalogueError, Problem

if TYPE_CHECKING:
    from pydantic import ValidationError

    from backcoach.catalogue.yamlstream import Lines, Top
    from backcoach.models import Catalogue, Exercise

BUNDLED_NAME = "exercises.yaml"
# The installed package (backcoach/), where a wheel keeps data/exercises.yaml.
PACKAGE_DIR = Path(__file__).resolve().parent.parent


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


def personal_path() -> Path:
    """The person's own exercises (imported drafts among them), beside the bundled ones."""
    from backcoach.paths import data_dir

    return data_dir() / BUNDLED_NAME


def sources(option: str | None) -> list[tuple[Path, bool]]:
    """The catalogue files in use, each with whether it is the person's own.

    --catalogue (or BACKCOACH_CATALOGUE) replaces both; otherwise the bundled
    catalogue, and the personal one when it exists.
    """
    value = option or os.environ.get("BACKCOACH_CATALOGUE", "").strip()
    if value:
        return [(Path(value).expanduser(), False)]
    personal = personal_path()
    return [(bundled_path(), False), *([(personal, True)] if personal.exists() else [])]


class Todo(NamedTuple):
    """A field of a draft still to be written by a person."""

    file: str
    line: int | None
    exercise: str
    field: str


# What stands in, during validation only, for a draft's TODO field: never shown, never
# planned (a draft is `reviewed: false`, which keeps it out of every plan).
_STAND_INS: dict[str, object] = {
    "purpose": "to review",
    "steps": ["to review"],
    "cues": ["to review"],
    "cautions": ["to review"],
    "dose": {"type": "hold", "seconds": 10},
    "sources": [
        {"title": "to review", "publisher": "to review", "url": "https://to-review.invalid/"}
    ],
    "equipment": [],
    **dict.fromkeys(("extension", "nerve_tension", "loaded", "loaded_flexion", "end_range"), False),
}
# Set by the loader: a catalogue that writes them is refused, as any unknown field is.
_LOADER_ONLY = ("personal", "todos")


def is_todo(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().upper().startswith("TODO")
    if isinstance(value, list | tuple):
        return any(is_todo(item) for item in value)
    if isinstance(value, dict):
        return any(is_todo(item) for item in value.values())
    return False


def todo_fields(item: dict[Any, Any]) -> list[str]:
    return [str(key) for key, value in item.items() if is_todo(value)]


# Ten times the 100,000-exercise benchmark catalogue would not fit; a device such as
# /dev/zero, which never ends, is refused before it is read.
MAX_CATALOGUE_BYTES = 256 * 2**20


def read_bytes(path: Path) -> bytes:
    """A catalogue file's bytes: a regular file only (a FIFO or a device is refused on the
    open handle, never waited on: paths.read_regular_file), of at most the limit."""
    from backcoach.errors import UsageError
    from backcoach.paths import read_regular_file

    shown = str(path)
    try:
        if os.stat(path).st_size > MAX_CATALOGUE_BYTES:  # refused without reading it
            raise CatalogueError([Problem(shown, _TOO_BIG)])
        return read_regular_file(path, MAX_CATALOGUE_BYTES)
    except (FileNotFoundError, NotADirectoryError):
        raise CatalogueError([Problem(shown, "no such file")]) from None
    except CatalogueError:
        raise
    except UsageError as error:
        if error.message.startswith(f"{path} is larger"):
            raise CatalogueError([Problem(shown, _TOO_BIG)]) from None
        kind = error.message.removeprefix(f"{path} is ").split(",")[0]
        raise CatalogueError(
            [Problem(shown, f"is {kind}: is not a regular file, so not a catalogue file")]
        ) from None
    except OSError as exc:
        raise CatalogueError([Problem(shown, f"cannot be read: {exc.strerror}")]) from exc


_TOO_BIG = f"is too large: a catalogue may be at most {MAX_CATALOGUE_BYTES // 2**20} MiB"


def load(path: Path) -> Catalogue:
    """Read and validate the catalogue at `path` (no cache; commands use library.py)."""
    return parse(read_bytes(path), str(path))


def parse(data: bytes, filename: str = "<catalogue>") -> Catalogue:
    """Validate catalogue bytes; raise CatalogueError listing every problem."""
    from backcoach.models import Catalogue

    return Catalogue(tuple(exercises(data, filename)))


def exercises(
    data: bytes,
    filename: str = "<catalogue>",
    *,
    personal: bool = False,
    todos: list[Todo] | None = None,
    known: frozenset[str] = frozenset(),
) -> Iterator[Exercise]:
    """Each valid exercise as soon as it has been read; CatalogueError at the end if any problem.

    The YAML is read one exercise at a time (yamlstream.py), so memory does not
    grow with the catalogue: a consumer (the cache) can store each exercise and
    drop it. It must not trust what it got until the iterator ends without an
    error: every problem in the file is gathered and raised at the end.
    """
    from pydantic import ValidationError

    from backcoach.catalogue.yamlstream import Top, exercise_items, line_of
    from backcoach.models import Exercise

    top = Top(line=1)
    problems: list[Problem] = []
    references: list[_References] = []
    validate = Exercise.model_validate
    count = 0
    for item, lines in exercise_items(_decode(data, filename), filename, top):
        index, count = count, count + 1
        if isinstance(item, dict):
            where = _ident(item, index)
            unwritten = todo_fields(item)
            refused = _refusals(item, unwritten, lines, filename, where)
            if refused:
                problems += refused
                continue
            if unwritten and todos is not None:
                todos += [Todo(filename, line_of(lines, (f,)), where, f) for f in unwritten]
            item = _as_read(item, unwritten, personal)
        try:
            exercise = validate(item)
        except ValidationError as exc:
            problems += _invalid(exc, lines, filename, _ident(item, index))
            continue
        problems += _source_problems(exercise, lines, filename)
        references.append(_References(exercise, lines.line, lines.keys))
        yield exercise
    problems[:0] = _top_problems(top, filename, count, personal)
    problems += _reference_problems(references, filename, known)
    if problems:
        raise CatalogueError(problems)


def _refusals(
    item: dict[Any, Any], unwritten: list[str], lines: Lines, filename: str, where: str
) -> list[Problem]:
    """What keeps an exercise from being read at all: a field only the loader sets, or a
    TODO in an exercise that does not say it is a draft."""
    from backcoach.catalogue.yamlstream import line_of

    problems = [
        Problem(filename, "unknown field (is it a typo?)", line_of(lines, (key,)), where, key)
        for key in _LOADER_ONLY
        if key in item
    ]
    if unwritten and item.get("reviewed") is not False:
        problems += [
            Problem(
                filename,
                "still TODO: write it (from a reputable source) before "
                "'reviewed: true', or set 'reviewed: false'",
                line_of(lines, (field,)),
                where,
                field,
            )
            for field in unwritten
        ]
    return problems


def _as_read(item: dict[Any, Any], unwritten: list[str], personal: bool) -> dict[Any, Any]:
    """The item with what the loader adds: stand-ins for a draft's TODOs (and which they
    are), and the mark of the person's own catalogue."""
    if unwritten:
        stand_ins = {f: _STAND_INS[f] for f in unwritten if f in _STAND_INS}
        item = {**item, **stand_ins, "todos": tuple(unwritten)}
    if personal:
        item = {**item, "personal": True}
    return item


def _invalid(exc: ValidationError, lines: Lines, filename: str, where: str) -> list[Problem]:
    """Each validation error of one exercise, with its line and field."""
    from backcoach.catalogue.yamlstream import line_of

    problems = []
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
    return problems


def _source_problems(exercise: Exercise, lines: Lines, filename: str) -> list[Problem]:
    """A source's ISBN whose check digit is wrong, at its line."""
    from backcoach.catalogue.references import source_problems
    from backcoach.catalogue.yamlstream import line_of

    return [
        Problem(
            filename,
            message,
            line=line_of(lines, ("sources", index, field)),
            exercise=exercise.id,
            field=f"sources.{index}.{field}",
        )
        for index, field, message in source_problems(exercise.sources)
    ]


def _reference_problems(
    references: list[_References], filename: str, known: frozenset[str] = frozenset()
) -> list[Problem]:
    """Repeated ids, and easier or harder ids that name no exercise, each at its line;
    `known`: ids of the files read before (a personal exercise's easier may be bundled)."""
    from backcoach.catalogue.references import reference_problems

    for record in references:
        record.easier = tuple(ref for ref in record.easier if ref not in known)
        record.harder = tuple(ref for ref in record.harder if ref not in known)
    problems = []
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
    return problems


def read_all(
    files: Sequence[tuple[str, bytes, bool]], todos: list[Todo] | None = None
) -> Iterator[Exercise]:
    """Every file's exercises in turn; an id or alias in a later file that an earlier one
    already uses is a problem naming both places."""
    # normal(name) -> (what it is, the file, its bytes, the exercise): the first holder.
    taken: dict[str, tuple[str, str, bytes, str]] = {}
    problems: list[Problem] = []
    earlier: set[str] = set()  # ids of the files before: a personal `easier` may name one
    for file, content, personal in files:
        known = frozenset(earlier) if personal else frozenset()
        try:
            yield from _checked(file, content, personal, todos, known, taken, problems, earlier)
        except CatalogueError as error:
            if personal and error.hint is None:
                error.hint = EDIT_HINT
            raise
    if problems:
        clashes = CatalogueError(problems)
        if any(personal for _, _, personal in files):
            clashes.hint = EDIT_HINT
        raise clashes


EDIT_HINT = "backcoach edit opens your catalogue, checks it and saves it only when valid"


def _checked(
    file: str,
    content: bytes,
    personal: bool,
    todos: list[Todo] | None,
    known: frozenset[str],
    taken: dict[str, tuple[str, str, bytes, str]],
    problems: list[Problem],
    earlier: set[str],
) -> Iterator[Exercise]:
    """One file's exercises, each whose id or alias an earlier file holds left out and
    its clash added to `problems`."""
    from backcoach.vocabulary import normal

    for exercise in exercises(content, file, personal=personal, todos=todos, known=known):
        earlier.add(exercise.id)
        clash = False
        for what, key in [("id", exercise.id), *(("alias", a) for a in exercise.aliases)]:
            holder = (f"{what} {key!r} of {exercise.id!r}", file, content, exercise.id)
            label, other_file, other_content, other_id = taken.setdefault(normal(key), holder)
            if other_file == file:
                continue  # within one file, `exercises` reports repeats itself
            clash = True
            line = line_of_id(other_content, other_id)
            place = f"{other_file}, line {line}" if line else other_file
            problems.append(
                Problem(
                    file,
                    f"{what} {key!r} clashes with {label} in {place}: choose another",
                    line=line_of_id(content, exercise.id),
                    exercise=exercise.id,
                    field="id" if what == "id" else "aliases",
                )
            )
        if not clash:
            yield exercise


def line_of_id(content: bytes, exercise_id: str) -> int | None:
    """The line of `id: ...` for an exercise, to name it in a message or open it there."""
    pattern = rb"^[ \t-]*id:[ \t]*['\"]?" + re.escape(exercise_id.encode()) + rb"['\"]?[ \t]*$"
    found = re.search(pattern, content, re.MULTILINE)
    return content.count(b"\n", 0, found.start()) + 1 if found else None


def _top_problems(top: Top, filename: str, count: int, personal: bool = False) -> list[Problem]:
    """What is wrong with the top level: its shape, unknown keys, the version, no exercises
    (the person's own catalogue may hold none: the last one deleted with `edit`)."""
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
    if not count and not personal:
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
    if kind.startswith("string_") and error["loc"][-1:] in (("isbn",), ("doi",), ("url",)):
        from backcoach.catalogue.references import shape_message

        return shape_message(str(error["loc"][-1]), kind)
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


class Validated(NamedTuple):
    """What `validate` found: the exercises read, from which files, and drafts' TODOs."""

    total: int  # exercises read
    files: list[Path]
    todos: list[Todo]


def validate(path: Path | None, option: str | None = None) -> Validated:
    """Check one file, or (no path) the catalogue in use as `sources` finds it; every
    problem is raised at once as a CatalogueError."""
    files = [(path, False)] if path is not None else sources(option)
    todos: list[Todo] = []
    contents = [(str(file), read_bytes(file), mine) for file, mine in files]
    count = sum(1 for _ in read_all(contents, todos))
    return Validated(count, [file for file, _ in files], todos)


def draft_problem(item: dict[str, Any]) -> str | None:
    """Why one exercise (an import's draft, as the catalogue would hold it) would not
    pass validation, in one line; None if it would. Cross-references are not checked."""
    from pydantic import ValidationError

    from backcoach.models import Exercise

    try:
        Exercise.model_validate(_as_read(item, todo_fields(item), personal=True))
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"
    return None
