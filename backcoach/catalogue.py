"""Find, read and validate an exercise catalogue.

The YAML is read with PyYAML's safe loader only (C-accelerated when
available). Anchors and aliases are refused outright: a catalogue has no need
of them and they are how "billion laughs" bombs blow up time and memory.
Every problem is collected, not only the first, and each is located by file,
line, exercise id and field.

A validated catalogue is cached as JSON keyed by the file's content hash and
the code that defines the schema, so a second run skips YAML and re-checks.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from backcoach.errors import CatalogueError, Problem

if TYPE_CHECKING:
    import yaml

    from backcoach.models import Catalogue

BUNDLED_NAME = "exercises.yaml"
_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_path() -> Path:
    """The catalogue that ships with backcoach.

    In a wheel it sits inside the package (backcoach/data/); in a checkout or
    an editable install it is data/ at the top of the repository.
    """
    for candidate in (
        _PACKAGE_DIR / "data" / BUNDLED_NAME,
        _PACKAGE_DIR.parent / "data" / BUNDLED_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise CatalogueError(
        [Problem(str(_PACKAGE_DIR), "the bundled exercises.yaml is missing: reinstall backcoach")]
    )


def chosen_path(option: str | None) -> Path:
    """--catalogue wins, then BACKCOACH_CATALOGUE, then the bundled one."""
    value = option or os.environ.get("BACKCOACH_CATALOGUE", "").strip()
    return Path(value).expanduser() if value else bundled_path()


def read_bytes(path: Path) -> bytes:
    shown = str(path)
    if not path.exists():
        raise CatalogueError([Problem(shown, "no such file")])
    if path.is_dir():
        raise CatalogueError([Problem(shown, "is a folder, not a catalogue file")])
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogueError([Problem(shown, f"cannot be read: {exc.strerror}")]) from exc


def load(path: Path, *, use_cache: bool = True) -> Catalogue:
    """Read and validate the catalogue at `path`, raising CatalogueError with every problem."""
    data = read_bytes(path)
    cache_file = _cache_file(data) if use_cache else None
    if cache_file is not None:
        cached = _read_cache(cache_file)
        if cached is not None:
            return cached
    catalogue = parse(data, str(path))
    if cache_file is not None:
        _write_cache(cache_file, catalogue)
    return catalogue


def parse(data: bytes, filename: str = "<catalogue>") -> Catalogue:
    """Validate catalogue bytes; raise CatalogueError listing every problem."""
    from pydantic import ValidationError

    from backcoach.models import Catalogue, Exercise, reference_problems

    document = _compose(data, filename)
    raw = document.value
    if not isinstance(raw, dict):
        kind = type(raw).__name__ if raw is not None else "nothing"
        raise CatalogueError(
            [
                Problem(
                    filename,
                    f"the top level must be a mapping with an 'exercises' list, not {kind}",
                    line=document.line(()),
                )
            ]
        )
    problems: list[Problem] = []
    for key in raw:
        if key not in ("version", "exercises"):
            problems.append(
                Problem(
                    filename,
                    "unknown key (allowed: version, exercises)",
                    line=document.line((key,)),
                    field=str(key),
                )
            )
    version = raw.get("version", 1)
    if version != 1:
        problems.append(
            Problem(
                filename,
                f"version {version!r} is not supported (this backcoach reads version 1)",
                line=document.line(("version",)),
                field="version",
            )
        )
    items = raw.get("exercises")
    if not isinstance(items, list) or not items:
        problems.append(
            Problem(
                filename,
                "'exercises' must be a non-empty list",
                line=document.line(("exercises",) if "exercises" in raw else ()),
                field="exercises",
            )
        )
        raise CatalogueError(problems)

    exercises: list[Exercise] = []
    for index, item in enumerate(items):
        path: tuple[Any, ...] = ("exercises", index)
        ident = _ident(item, index)
        try:
            exercises.append(Exercise.model_validate(item))
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                loc = tuple(error["loc"])
                # Discriminated unions add the tag ("hold"/"reps") to the path.
                if len(loc) >= 2 and loc[0] == "dose" and loc[1] in ("hold", "reps"):
                    loc = (loc[0], *loc[2:])
                problems.append(
                    Problem(
                        filename,
                        _message(error),
                        line=document.line(path + loc),
                        exercise=ident,
                        field=".".join(str(part) for part in loc) or None,
                    )
                )
    if problems:
        raise CatalogueError(problems)

    for index, field, message in reference_problems(exercises):
        problems.append(
            Problem(
                filename,
                message,
                line=document.line(("exercises", index, field)),
                exercise=exercises[index].id,
                field=field,
            )
        )
    if problems:
        raise CatalogueError(problems)
    return Catalogue.model_construct(version=1, exercises=tuple(exercises))


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


# --- YAML -------------------------------------------------------------------


class _Document(NamedTuple):
    value: Any
    root: yaml.Node | None

    def line(self, path: tuple[Any, ...]) -> int | None:
        """The 1-based line of the deepest node along `path` that exists."""
        import yaml

        node = self.root
        if node is None:
            return None
        best = node.start_mark.line + 1
        for part in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        child = value_node
                        best = key_node.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    child = node.value[part]
                    best = child.start_mark.line + 1
            if child is None:
                return best
            node = child
        return best


def _loader_class() -> type[yaml.SafeLoader]:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(data: bytes, filename: str) -> _Document:
    import yaml

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

    loader = _loader_class()(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise CatalogueError([Problem(filename, "is empty (it holds no YAML document)")])
        duplicate = _check_tree(root)
        if duplicate is not None:
            raise CatalogueError([duplicate.located(filename)])
        value = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at_line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        what = (exc.problem or exc.context or "invalid YAML").strip()
        if "could not determine a constructor" in what:
            what = "YAML tags such as !!python/... are not allowed: " + what
        raise CatalogueError(
            [Problem(filename, f"YAML error{column}: {what}", line=at_line)]
        ) from exc
    except yaml.YAMLError as exc:
        raise CatalogueError([Problem(filename, f"YAML error: {exc}")]) from exc
    except RecursionError as exc:
        raise CatalogueError([Problem(filename, "is nested too deeply to be a catalogue")]) from exc
    finally:
        loader.dispose()
    return _Document(value, root)


class _TreeProblem(NamedTuple):
    message: str
    line: int

    def located(self, filename: str) -> Problem:
        return Problem(filename, self.message, line=self.line)


_MAX_DEPTH = 64


def _check_tree(root: yaml.Node) -> _TreeProblem | None:
    """Refuse aliases (a node reached twice), keys given twice and absurd nesting.

    Iterative, so a hostile file cannot exhaust the Python stack here.
    """
    import yaml

    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            return _TreeProblem(
                "anchors and aliases (& and *) are not allowed in a catalogue", line
            )
        seen.add(id(node))
        if depth > _MAX_DEPTH:
            return _TreeProblem("is nested too deeply to be a catalogue", line)
        if isinstance(node, yaml.MappingNode):
            keys: set[object] = set()
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    return _TreeProblem("merge keys (<<) are not allowed in a catalogue", line)
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                if key in keys:
                    return _TreeProblem(f"key {key!r} is given twice", key_node.start_mark.line + 1)
                keys.add(key)
                stack.append((key_node, depth + 1))
                stack.append((value_node, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return None


# --- cache ------------------------------------------------------------------


def _schema_stamp() -> str:
    """What invalidates the cache besides the file: backcoach's own schema code."""
    parts = []
    for name in ("models.py", "catalogue.py"):
        try:
            stat = (_PACKAGE_DIR / name).stat()
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:missing")
    return ";".join(parts)


def _cache_file(data: bytes) -> Path | None:
    from backcoach.paths import cache_dir

    digest = hashlib.sha256()
    digest.update(_schema_stamp().encode())
    digest.update(b"\0")
    digest.update(data)
    return cache_dir() / f"catalogue-{digest.hexdigest()[:32]}.json"


def _read_cache(cache_file: Path) -> Catalogue | None:
    try:
        payload = cache_file.read_bytes()
    except OSError:
        return None
    from pydantic import ValidationError

    from backcoach.models import Catalogue

    try:
        return Catalogue.model_validate_json(payload)
    except (ValidationError, ValueError):
        return None  # a damaged cache is simply rebuilt


def _write_cache(cache_file: Path, catalogue: Catalogue) -> None:
    """Best effort: a cache that cannot be written costs time, never correctness."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(catalogue.model_dump_json(), encoding="utf-8")
        os.replace(temporary, cache_file)
        for old in cache_file.parent.glob("catalogue-*.json"):
            if old != cache_file and _older_than_a_day(old):
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _older_than_a_day(path: Path) -> bool:
    import time

    try:
        return time.time() - path.stat().st_mtime > 86400
    except OSError:
        return False
