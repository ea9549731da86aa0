"""The person's own catalogue (`<data dir>/exercises.yaml`): import into it, add to it,
edit it. It is never left invalid: every change is checked beside the bundled catalogue
before it replaces the file, atomically."""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from backcoach.errors import CatalogueError, StorageError, UsageError

if TYPE_CHECKING:
    from backcoach.catalogue.importer import Draft, Outcome
    from backcoach.catalogue.loader import Todo

HEADER = """\
# Your own exercises, beside backcoach's bundled catalogue (schema: docs/catalogue.md).
# Drafts from `backcoach import` are `reviewed: false` and never planned until a person
# has replaced every TODO from a reputable source and set `reviewed: true`.
version: 1
exercises:
"""
_ENTRY = re.compile(r"^(\s*)- id:")


# --- reading the dataset's JSON -------------------------------------------------

# free-exercise-db's whole file is about 1 MiB, nested 3 deep; /dev/zero never ends, and
# 100,000 nested brackets overflow the JSON parser's stack.
MAX_DATASET_BYTES = 64 * 2**20
MAX_JSON_DEPTH = 32


def _depth(text: str) -> int:
    """How deeply the JSON's brackets nest (strings skipped), counted before parsing."""
    deepest = depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        bracket = match.group()
        if bracket.startswith('"'):
            continue
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
    return deepest


def read_records(path: Path) -> list[dict[str, Any]]:
    """free-exercise-db's JSON: a list of records, or one record. One located message
    (a UsageError, exit 2) for malformed JSON or a wrong shape; nothing is written."""
    from backcoach.paths import read_regular_file

    try:
        raw = read_regular_file(path, MAX_DATASET_BYTES)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: is not UTF-8 text (byte {exc.start + 1})") from None
    if _depth(text) > MAX_JSON_DEPTH:
        raise UsageError(
            f"{path}: nested more than {MAX_JSON_DEPTH} levels deep: "
            "is this free-exercise-db's JSON?"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise UsageError(f"{path}: expected a list of exercise records, not {type(data).__name__}")
    return records


# --- the file as blocks, one per exercise ------------------------------------------


class Blocks(NamedTuple):
    header: list[str]
    entries: list[list[str]]  # each exercise's lines, from its `- id:` line
    parsed: list[dict[str, Any]]  # each exercise as YAML reads it, in the same order


def blocks(text: str, path: Path) -> Blocks:
    import yaml

    lines = text.splitlines(keepends=True)
    found = [(i, match.group(1)) for i, line in enumerate(lines) if (match := _ENTRY.match(line))]
    # The list's own entries: at the indent of the first (a nested "- id:" is not one).
    starts = [i for i, indent in found if indent == found[0][1]]
    try:
        loaded = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: is not valid YAML; fix it with backcoach edit ({exc})") from None
    parsed = loaded.get("exercises") or [] if isinstance(loaded, dict) else []
    if len(parsed) != len(starts) or not all(isinstance(item, dict) for item in parsed):
        raise UsageError(
            f"{path}: each exercise must start with its own '- id:' line for import to "
            "update it safely; fix it with backcoach edit"
        )
    ends = [*starts[1:], len(lines)] if starts else []
    header = lines[: starts[0]] if starts else lines or HEADER.splitlines(keepends=True)
    return Blocks(header, [lines[a:b] for a, b in zip(starts, ends, strict=True)], parsed)


def draft_text(draft: Draft) -> list[str]:
    """One draft as YAML lines, in the catalogue's order of fields."""
    import yaml

    body = yaml.safe_dump(
        [draft.data], sort_keys=False, allow_unicode=True, width=88, default_flow_style=False
    )
    return ["  " + line if line.strip() else line for line in body.splitlines(keepends=True)]


class Merged(NamedTuple):
    text: str
    added: int
    updated: int  # drafts not yet reviewed whose untouched fields were refreshed
    kept: int  # reviewed already: never touched
    own: int = 0  # drafts not yet reviewed with fields a person wrote, kept as written
    same: int = 0  # drafts not yet reviewed that the import would not change


SAFETY_FLAGS = frozenset({"extension", "nerve_tension", "loaded", "loaded_flexion", "end_range"})


def refreshed(existing: dict[str, Any], draft: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A draft imported again, over the one in the file: a field still a TODO, or missing,
    takes the new value; a field a person wrote (not a TODO, and not what the import makes
    now) is kept as written; fields the import does not make are kept. Whether any field
    of the person's was kept. A safety flag the import now finds true is taken over a
    false one (the clinical rule wins: see below)."""
    from backcoach.catalogue.loader import is_todo

    entry = dict(existing)
    own = False
    for field, value in draft.items():
        if field == "id" and "id" in existing:
            continue
        if field not in existing or is_todo(existing[field]):
            entry[field] = value
        elif field in SAFETY_FLAGS and value is True and existing[field] is False:
            # The import now sees what a safety rule needs (a weight held, a back bend):
            # in a draft not yet reviewed, the cautious answer wins over an older one
            # (an earlier import wrote `loaded: false` for weighted crunches).
            entry[field] = True
        elif existing[field] != value:
            own = True
    return entry, own


def merge(layout: Blocks, drafts: Sequence[Draft]) -> Merged:
    """The drafts written into the file (as `blocks` read it): a new record added, a
    draft not yet reviewed refreshed where it is untouched (`refreshed`), a reviewed
    exercise left exactly as written."""
    by_record: dict[str, int] = {}
    for position, item in enumerate(layout.parsed):
        origin = item.get("origin")
        if isinstance(origin, dict) and "record" in origin:
            by_record[str(origin["record"])] = position
    entries = list(layout.entries)
    added = updated = kept = own = same = 0
    for draft in drafts:
        at = by_record.get(draft.record)
        if at is None:
            entries.append(draft_text(draft))
            added += 1
        elif layout.parsed[at].get("reviewed") is False:
            entry, person = refreshed(layout.parsed[at], draft.data)
            own += person
            if entry == layout.parsed[at]:
                same += 1  # left as written, comments and all
                continue
            entries[at] = draft_text(draft._replace(data=entry))
            updated += 1
        else:
            kept += 1
    header = "".join(layout.header)
    if not header.endswith("\n"):
        header += "\n"
    body = "".join("".join(entry) for entry in entries)
    return Merged(header + body, added, updated, kept, own, same)


TEMPLATE = """\
  # A new exercise. Fill in every TODO from a reputable source (a physiotherapist's
  # handout, NHS, a guideline), then set reviewed: true. Fields: docs/catalogue.md.
  - id: {id}
    name: TODO the exercise's name
    reviewed: false
    regions: [lower]            # lower, upper
    kind: stretch               # stretch, strengthen
    level: beginner             # beginner, intermediate, advanced
    position: supine            # standing, sitting, kneeling, all-fours, prone, side-lying, supine
    equipment: []               # e.g. [band], [chair]
    # Each decides who it is left out for (docs/catalogue.md): true or false, never guessed.
    extension: TODO true/false, does it bend the back backwards?
    nerve_tension: TODO true/false, does it pull behind the thigh?
    loaded: TODO true/false, does it load the spine heavily (a weight, a bench)?
    loaded_flexion: TODO true/false, does it bend forwards under load?
    end_range: TODO true/false, held at the end of the range, or a twist?
    purpose: TODO one sentence on what it does for the back
    steps:
      - TODO the first step
    cues:
      - TODO a short cue said during the exercise
    cautions:
      - TODO when not to do it, and when to stop
    # dose: e.g. {{type: hold, seconds: 20, reps: 3}} or {{type: reps, reps: 10, tempo: {{up: 2}}}}
    dose: TODO a dose from a reputable source
    sources:                    # a web page needs url; a book or paper year and isbn or doi
      - title: TODO where the dose and the cautions come from
        publisher: TODO who published it (NHS, NICE, a professional body, a journal)
        url: TODO the page's address
"""


def with_template(text: str, exercise_id: str) -> tuple[str, int]:
    """The file with a new exercise from the template at its end, and that entry's line."""
    if not text.strip():
        text = HEADER
    if not text.endswith("\n"):
        text += "\n"
    line = text.count("\n") + 3  # after the template's two comment lines
    return text + TEMPLATE.format(id=exercise_id), line


def line_of(text: str, exercise_id: str) -> int | None:
    from backcoach.catalogue.loader import line_of_id

    return line_of_id(text.encode("utf-8"), exercise_id)


# --- checking a change before it replaces the file ------------------------------------


def check(text: str, path: Path, bundled: Path) -> list[Todo]:
    """Validate the personal catalogue's new text beside the bundled one (raising a
    CatalogueError with every problem); the drafts' TODOs if it is valid."""
    from backcoach.catalogue.loader import read_all, read_bytes

    todos: list[Todo] = []
    files = [(str(bundled), read_bytes(bundled), False), (str(path), text.encode("utf-8"), True)]
    for _ in read_all(files, todos):
        pass
    return todos


# --- one writer at a time, and never over a change made meanwhile ------------------------


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def read_personal(path: Path) -> bytes | None:
    """The personal catalogue's bytes (a symbolic link followed); None if there is none.
    Only a regular file of at most the catalogue limit is read (paths.read_regular_file):
    a FIFO or a device is refused, never waited on."""
    from backcoach.catalogue.loader import MAX_CATALOGUE_BYTES
    from backcoach.paths import read_regular_file

    try:
        return read_regular_file(path, MAX_CATALOGUE_BYTES)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise UsageError(
            f"{path} cannot be read ({exc.strerror or exc}); nothing was changed",
            hint="check the file's permissions",
        ) from None


def text_of(data: bytes | None, path: Path) -> str:
    """The catalogue's text (the commented header when there is no file yet)."""
    if data is None:
        return HEADER
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path} is not UTF-8 text (byte {exc.start + 1} is not); nothing was changed",
            hint="backcoach edit opens it as it is: save it as UTF-8",
        ) from None


def write_failure(path: Path, exc: OSError) -> StorageError:
    """Why a file could not be written, in words: a full disk, a read-only place, no
    permission; never "damaged"."""
    why = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "your disk quota is used up",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied (a read-only file or folder?)",
        errno.EPERM: "permission denied (a read-only file or folder?)",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    hint = {
        errno.ENOSPC: "free some space, then try again",
        errno.EDQUOT: "free some space, then try again",
        errno.EROFS: "set BACKCOACH_HOME to a folder you can write",
    }.get(exc.errno or 0, "check the folder's permissions, or set BACKCOACH_HOME elsewhere")
    return StorageError(f"{path} cannot be written: {why}; nothing was written", hint=hint)


@contextmanager
def one_writer(path: Path) -> Iterator[None]:
    """Hold the personal catalogue's lock (`.exercises.yaml.lock` beside it) while the
    block reads, merges and writes; another backcoach holding it is refused at once."""
    from contextlib import ExitStack

    from backcoach.paths import LockHeld, hold_lock

    with ExitStack() as stack:
        try:
            stack.enter_context(hold_lock(lock_path(path)))
        except LockHeld as held:
            who = f"process {held.holder}" if held.holder else "another process"
            raise StorageError(
                f"another backcoach ({who}) is changing {path}; nothing was written",
                hint="try again when it has finished",
            ) from None
        except OSError as exc:
            raise write_failure(path, exc) from None
        yield


def save(path: Path, text: str, read: bytes | None) -> None:
    """Write the catalogue whole (through a symbolic link), under `one_writer`, unless
    it changed since it was read as `read` (None: there was no file): then nothing is
    written and StorageError says so."""
    from backcoach.paths import write_text_atomically

    if read_personal(path) != read:
        raise StorageError(
            f"{path} changed since backcoach read it (another program saved it); "
            "nothing was written, so that change is kept",
            hint="run the command again: it starts from the file as it is now",
        )
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise write_failure(path, exc) from None


# --- import: the whole of it -----------------------------------------------------


class Imported(NamedTuple):
    outcome: Outcome  # the drafts made and the records refused
    merged: Merged
    records: int  # read from the dataset's file
    todos: int  # fields still to write in the saved file's drafts
    path: Path  # the person's catalogue
    written: bool  # whether the file was written (nothing new: it was left as it was)


def import_file(
    file: Path,
    shown: Callable[[list[dict[str, Any]]], Iterable[dict[str, Any]]] | None = None,
) -> Imported:
    """A dataset's JSON (free-exercise-db) into the person's catalogue: its records
    converted to drafts, merged into the file (read once), checked beside the bundled
    catalogue, saved. A CatalogueError writes nothing; nothing to write makes no file.
    `shown` passes the records through a progress display before they are converted.
    One import or save at a time (`one_writer`)."""
    from backcoach.catalogue.loader import personal_path

    records = read_records(file)
    path = personal_path()
    with one_writer(path):
        return _import(records, path, shown)


def _import(
    records: list[dict[str, Any]],
    path: Path,
    shown: Callable[[list[dict[str, Any]]], Iterable[dict[str, Any]]] | None,
) -> Imported:
    from backcoach.catalogue import importer
    from backcoach.catalogue.loader import bundled_path

    data = read_personal(path)
    text = text_of(data, path)
    layout = blocks(text, path)  # read once: for the ids in use and for the merge
    incoming = {str(record.get("id")) for record in records if isinstance(record, dict)}
    others = [
        item
        for item in layout.parsed
        if str((item.get("origin") or {}).get("record")) not in incoming
    ]
    if shown is not None:
        records = list(shown(records))
    outcome = importer.convert(records, _names(others, bundled_path()))
    outcome = _valid_only(outcome)
    merged = merge(layout, outcome.drafts)
    todos: list[Todo] = []
    written = False
    if outcome.drafts or data is not None:  # nothing to write: no file made just to hold none
        try:
            todos = check(merged.text, path, bundled_path())
        except CatalogueError as error:
            raise _unwritten(error, path) from None
        if merged.text != text:
            save(path, merged.text, data)
            written = True
    return Imported(outcome, merged, len(records), len(todos), path, written)


def _names(others: list[dict[str, Any]], bundled: Path) -> set[str]:
    """Every id, name and alias of the bundled exercises and of `others` (the person's,
    but for drafts of the records being imported again), as `vocabulary.normal` makes them."""
    from backcoach.catalogue.loader import exercises, read_bytes
    from backcoach.vocabulary import normal

    names: set[str] = set()
    for exercise in exercises(read_bytes(bundled), str(bundled)):
        names.update(normal(text) for text in (exercise.id, exercise.name, *exercise.aliases))
    for item in others:
        aliases = item.get("aliases")
        for text in [
            item.get("id"),
            item.get("name"),
            *(aliases if isinstance(aliases, list) else []),
        ]:
            if isinstance(text, str):
                names.add(normal(text))
    return names


def _valid_only(outcome: Outcome) -> Outcome:
    """The drafts that would pass validate; each other one left out, counted as invalid,
    so one bad record never stops the rest."""
    from backcoach.catalogue.importer import Outcome
    from backcoach.catalogue.loader import draft_problem

    kept = [draft for draft in outcome.drafts if draft_problem(draft.data) is None]
    refused = outcome.refused.copy()
    if len(kept) < len(outcome.drafts):
        refused["invalid"] += len(outcome.drafts) - len(kept)
    return Outcome(kept, refused)


def _unwritten(error: CatalogueError, path: Path) -> CatalogueError:
    """The problems of a merge that was not written: a line of `path` as it would have
    been is no line of the file there is, so none is named."""
    from backcoach.errors import Problem

    shown = f"{path} (as the import would have written it; nothing was written)"
    return CatalogueError(
        [
            Problem(shown, p.message, None, p.exercise, p.field) if p.file == str(path) else p
            for p in error.problems
        ]
    )
