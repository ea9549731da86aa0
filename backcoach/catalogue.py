"""Find, read and validate an exercise catalogue.

The YAML is read with PyYAML's safe loader only (C-accelerated when
available). Anchors and aliases are refused outright: a catalogue has no need
of them and they are how "billion laughs" bombs blow up time and memory.
Every problem is collected, not only the first, and each is located by file,
line, exercise id and field.

Commands read a validated catalogue through library.py, which caches it.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcoach.errors import CatalogueError, Problem

if TYPE_CHECKING:
    import yaml
    from pydantic import TypeAdapter

    from backcoach.models import Catalogue, Exercise

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


def load(path: Path) -> Catalogue:
    """Read and validate the catalogue at `path` (no cache; commands use library.py)."""
    return parse(read_bytes(path), str(path))


def parse(data: bytes, filename: str = "<catalogue>") -> Catalogue:
    """Validate catalogue bytes; raise CatalogueError listing every problem."""
    from pydantic import ValidationError

    from backcoach.models import Catalogue, reference_problems

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

    # One call validates every exercise; each error's location starts with its index.
    try:
        exercises: list[Exercise] = _exercise_list().validate_python(items)
    except ValidationError as exc:
        exercises = []
        for error in exc.errors(include_url=False, include_input=False):
            index, *rest = error["loc"]
            loc = tuple(rest)
            # Discriminated unions add the tag ("hold"/"reps") to the path.
            if len(loc) >= 2 and loc[0] == "dose" and loc[1] in ("hold", "reps"):
                loc = (loc[0], *loc[2:])
            problems.append(
                Problem(
                    filename,
                    _message(error),
                    line=document.line(("exercises", index, *loc)),
                    exercise=_ident(items[int(index)], int(index)),
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


@functools.cache
def _exercise_list() -> TypeAdapter[list[Exercise]]:
    from pydantic import TypeAdapter

    from backcoach.models import Exercise

    return TypeAdapter(list[Exercise])


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


class _Document:
    __slots__ = ("value", "root")

    def __init__(self, value: Any, root: yaml.Node | None) -> None:
        self.value, self.root = value, root

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
        value = _build(root, loader, filename)
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


_MAX_DEPTH = 64


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _build(root: yaml.Node, loader: yaml.SafeLoader, filename: str) -> Any:
    """Python data from the node tree in one pass, refusing what a catalogue never needs.

    A node reached twice is an alias (the "billion laughs" bomb grows from those);
    a key given twice is a typo PyYAML would silently keep the last of; absurd
    nesting is hostile. Plain strings, most of any catalogue, are taken as they are;
    other scalars (numbers, booleans, null) go through the safe loader's constructor.
    Iterative, so a hostile file cannot exhaust the Python stack.
    """
    import yaml

    seen: set[int] = set()

    def fail(message: str, node: yaml.Node) -> CatalogueError:
        return CatalogueError([Problem(filename, message, line=node.start_mark.line + 1)])

    def scalar(node: yaml.ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        return loader.construct_object(node, deep=True)

    def container(node: yaml.Node, depth: int) -> Any:
        if id(node) in seen:
            raise fail("anchors and aliases (& and *) are not allowed in a catalogue", node)
        seen.add(id(node))
        if depth > _MAX_DEPTH:
            raise fail("is nested too deeply to be a catalogue", node)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                return loader.construct_object(node, deep=True)  # refuses unknown tags
            return {}
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                return loader.construct_object(node, deep=True)
            return []
        return scalar(node)  # type: ignore[arg-type]

    result = container(root, 0)
    stack: list[tuple[yaml.Node, Any, int]] = [(root, result, 0)]
    while stack:
        node, target, depth = stack.pop()
        if isinstance(node, yaml.MappingNode) and isinstance(target, dict):
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise fail("merge keys (<<) are not allowed in a catalogue", key_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise fail("keys must be plain words", key_node)
                key = scalar(key_node)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise fail("keys must be plain words", key_node)
                if key in target:
                    raise fail(f"key {key!r} is given twice", key_node)
                if isinstance(value_node, yaml.ScalarNode) and id(value_node) not in seen:
                    seen.add(id(value_node))
                    target[key] = scalar(value_node)
                else:
                    target[key] = child = container(value_node, depth + 1)
                    stack.append((value_node, child, depth + 1))
        elif isinstance(node, yaml.SequenceNode) and isinstance(target, list):
            for item in node.value:
                if isinstance(item, yaml.ScalarNode) and id(item) not in seen:
                    seen.add(id(item))
                    target.append(scalar(item))
                else:
                    target.append(child := container(item, depth + 1))
                    stack.append((item, child, depth + 1))
    return result
