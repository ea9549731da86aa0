"""Read a catalogue's YAML as a stream: plain data with the line of every key and item.

PyYAML's C parser (its safe loader's resolver and constructors, nothing else)
is driven event by event rather than asked for a node tree: the tree holds
several objects per scalar (a node, two marks, a tag), which for a
10,000-exercise file came to 400 MB, and with the garbage collector walking it
more than half of the time. Here each item of the top-level 'exercises' list is
built, handed over and forgotten before the next is read, so memory does not
grow with the file.

Refused, each with its line: anchors and aliases (the "billion laughs" bomb
grows from those), keys given twice (PyYAML would silently keep the last),
merge keys, tags the safe loader has no plain value for, and absurd nesting.
Imported only when a catalogue is actually parsed (a cache miss or `validate`).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from typing import Any

import yaml
from yaml import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    ScalarNode,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from backcoach.errors import CatalogueError, Problem

MAX_DEPTH = 64
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
# Scalar tags the safe constructor turns into plain values; any other tag is refused.
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("null", "bool", "int", "float", "str", "timestamp", "binary")
)
_ALIASES = "anchors and aliases (& and *) are not allowed in a catalogue"


class Mapping:
    """The lines of a mapping: for each key, the key's line and its value's lines."""

    __slots__ = ("line", "keys")

    def __init__(self, line: int) -> None:
        self.line = line
        self.keys: dict[Any, tuple[int, Lines]] = {}


class Sequence:
    """The lines of a sequence: for each item, its line and its own lines."""

    __slots__ = ("line", "items")

    def __init__(self, line: int) -> None:
        self.line = line
        self.items: list[tuple[int, Lines]] = []


Lines = Mapping | Sequence | None  # None for a scalar, whose line its parent holds


def line_of(lines: Lines, path: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest key or item along `path` that exists."""
    if lines is None:
        return None
    best = lines.line
    for part in path:
        if isinstance(lines, Mapping) and part in lines.keys:
            best, lines = lines.keys[part]
        elif isinstance(lines, Sequence) and isinstance(part, int) and 0 <= part < len(lines.items):
            best, lines = lines.items[part]
        else:
            break
    return best


class Top:
    """What the top level of a catalogue held besides its exercises."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.keys: dict[Any, int] = {}  # each top-level key and its line
        self.values: dict[Any, Any] = {}  # the values of keys other than 'exercises'
        self.exercises_is_list = False
        self.shape: str | None = None  # set when the top level is not a mapping


def exercise_items(text: str, filename: str, top: Top) -> Iterator[tuple[Any, Mapping]]:
    """Each item of the top-level 'exercises' list and its lines, in order.

    What else the top level holds is recorded in `top` for the caller to check.
    Raises CatalogueError for YAML that is broken or hostile (one problem: where
    it is, parsing cannot go on).
    """
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    reader = _Reader(loader, filename)
    try:
        yield from reader.document(top)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at_line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        what = (exc.problem or exc.context or "invalid YAML").strip()
        raise CatalogueError(
            [Problem(filename, f"YAML error{column}: {what}", line=at_line)]
        ) from exc
    except yaml.YAMLError as exc:
        raise CatalogueError([Problem(filename, f"YAML error: {exc}")]) from exc
    finally:
        loader.dispose()


class _Reader:
    def __init__(self, loader: yaml.SafeLoader, filename: str) -> None:
        self.loader = loader
        self.next_event: Callable[[], Any] = loader.get_event
        self.filename = filename
        # First characters of a plain scalar that might not be a string ('1', 'true', '~'...):
        # any other untagged scalar is a string, known without asking the resolver, which
        # took a fifth of the time. (None: the loader has resolvers this shortcut cannot see.)
        resolvers = loader.yaml_implicit_resolvers
        simple = None not in resolvers and not loader.yaml_path_resolvers
        self.maybe_typed = frozenset(resolvers) if simple else None

    def fail(self, message: str, event: Any) -> CatalogueError:
        return CatalogueError([Problem(self.filename, message, line=event.start_mark.line + 1)])

    def document(self, top: Top) -> Iterator[tuple[Any, Mapping]]:
        next_event = self.next_event
        next_event()  # the stream's start
        if not isinstance(next_event(), DocumentStartEvent):
            raise CatalogueError([Problem(self.filename, "is empty (it holds no YAML document)")])
        root = next_event()
        top.line = root.start_mark.line + 1
        if isinstance(root, MappingStartEvent):
            self.check_collection(root, _MAP, 0)
            yield from self.top_mapping(top)
        else:
            value, _ = self.value(root, 0)
            top.shape = type(value).__name__ if value is not None else "nothing"
            return
        next_event()  # the document's end
        after = next_event()
        if not isinstance(after, StreamEndEvent):
            raise self.fail("holds more than one YAML document ('---' starts another)", after)

    def top_mapping(self, top: Top) -> Iterator[tuple[Any, Mapping]]:
        next_event = self.next_event
        seen = top.keys
        while not isinstance(key_event := next_event(), MappingEndEvent):
            key = self.key(key_event, seen)
            seen[key] = key_event.start_mark.line + 1
            value_event = next_event()
            if key == "exercises" and isinstance(value_event, SequenceStartEvent):
                self.check_collection(value_event, _SEQ, 1)
                top.exercises_is_list = True
                while not isinstance(item := next_event(), SequenceEndEvent):
                    data, lines = self.value(item, 2)
                    line = item.start_mark.line + 1
                    yield data, lines if isinstance(lines, Mapping) else Mapping(line)
            else:
                top.values[key], _ = self.value(value_event, 1)

    def check_collection(self, event: Any, plain_tag: str, depth: int) -> None:
        if event.anchor is not None:
            raise self.fail(_ALIASES, event)
        if event.tag not in (None, "!", plain_tag):
            raise self.fail(_tag_refused(event.tag), event)
        if depth > MAX_DEPTH:
            raise self.fail("is nested too deeply to be a catalogue", event)

    def key(self, event: Any, seen: Container[Any]) -> Any:
        """A mapping's next key, which must be a scalar not `seen` before in that mapping."""
        if type(event) is not ScalarEvent:
            words = _ALIASES if type(event) is AliasEvent else "keys must be plain words"
            raise self.fail(words, event)
        key = self.scalar(event)
        if key in seen:
            raise self.fail(f"key {key!r} is given twice", event)
        return key

    def scalar(self, event: Any) -> Any:
        if event.anchor is not None:
            raise self.fail(_ALIASES, event)
        tag, value = event.tag, event.value
        if tag is None or tag == "!":
            maybe_typed = self.maybe_typed
            if maybe_typed is not None and (
                not event.implicit[0] or (value and value[0] not in maybe_typed)
            ):
                return value
            tag = self.loader.resolve(ScalarNode, value, event.implicit)  # type: ignore[no-untyped-call]
        if tag == _STR:
            return value  # most of a catalogue: taken as it is
        if tag == _MERGE:
            raise self.fail("merge keys (<<) are not allowed in a catalogue", event)
        if tag not in _SCALAR_TAGS:
            raise self.fail(_tag_refused(tag), event)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.loader.yaml_constructors[tag](self.loader, node)

    def value(self, event: Any, depth: int) -> tuple[Any, Lines]:
        """The data of the node that starts with `event`, and the lines inside it."""
        kind = type(event)
        if kind is ScalarEvent:
            return self.scalar(event), None
        next_event = self.next_event
        if kind is MappingStartEvent:
            self.check_collection(event, _MAP, depth)
            mapping: dict[Any, Any] = {}
            mapping_lines = Mapping(event.start_mark.line + 1)
            keys = mapping_lines.keys
            while type(key_event := next_event()) is not MappingEndEvent:
                key = self.key(key_event, keys)
                mapping[key], inner = self.value(next_event(), depth + 1)
                keys[key] = (key_event.start_mark.line + 1, inner)
            return mapping, mapping_lines
        if kind is SequenceStartEvent:
            self.check_collection(event, _SEQ, depth)
            sequence: list[Any] = []
            sequence_lines = Sequence(event.start_mark.line + 1)
            items = sequence_lines.items
            while type(item_event := next_event()) is not SequenceEndEvent:
                item, inner = self.value(item_event, depth + 1)
                sequence.append(item)
                items.append((item_event.start_mark.line + 1, inner))
            return sequence, sequence_lines
        raise self.fail(_ALIASES, event)  # an AliasEvent


def _tag_refused(tag: str) -> str:
    return f"YAML tags such as !!python/... are not allowed: tag {tag!r} has no plain value"
