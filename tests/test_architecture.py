"""The shape of the code that docs/architecture.md promises: packages in layers, imports
only downward (every import counted, those inside functions and TYPE_CHECKING too), no
loops, small modules, pure modules without input or output, and a map that names every
module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "backcoach"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 500
MAX_TOP_LEVEL = 12
# Bottom to top. Foundations are the modules at the top level of backcoach/; a package
# may import the foundations, itself and the packages listed before it, nothing else.
LAYERS = ("catalogue", "history", "plan", "timer", "render", "coach", "cli")
# The entry point (`python -m backcoach`) runs the command line: it stands with it.
ENTRY = {"backcoach.__main__": "cli"}
# Pure modules: no files, no clock, no terminal, no database.
PURE = (
    "plan.planner",
    "plan.choosing",
    "plan.routine",
    "plan.progression",
    "plan.timeline",
    "history.stats",
    "catalogue.importer",
    "clinical",
    "gate",
)
IO_MODULES = {"os", "sys", "time", "sqlite3", "rich", "subprocess", "pathlib", "select"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {module_name(path) for path in MODULES}


def imports(path: Path, *, at_load_only: bool = False) -> set[str]:
    """The modules of backcoach that `path` imports: every import statement anywhere in it
    (or, with `at_load_only`, those run when it is loaded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if at_load_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def inner_imports(path: Path) -> set[str]:
    own = module_name(path)
    return {name for name in imports(path) if name in NAMES and name != own}


def layer(module: str) -> int:
    """-1 for a foundation; a package's place in LAYERS otherwise."""
    module = ENTRY.get(module, module)
    parts = module.split(".")
    if parts[0] == "backcoach":
        parts = parts[1:]
    if parts and parts[0] in LAYERS:
        return LAYERS.index(parts[0])
    return -1


def test_no_module_is_over_500_lines() -> None:
    long = {
        module_name(path): lines
        for path in MODULES
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_top_level_holds_only_the_foundations() -> None:
    top = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top
    folders = sorted(
        path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()
    )
    assert folders == sorted(LAYERS)


def test_every_import_goes_down_the_layers() -> None:
    upward = sorted(
        f"{module_name(path)} imports {name}"
        for path in MODULES
        for name in inner_imports(path)
        if layer(name) > layer(module_name(path))
    )
    assert upward == []


def test_there_are_no_import_loops_even_inside_functions() -> None:
    graph = {module_name(path): inner_imports(path) for path in MODULES}
    # A package's __init__ is imported on the way to its modules; it imports none of them.
    for module in graph:
        graph[module] = {name for name in graph[module] if not module.startswith(f"{name}.")}

    def loop_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            at, path = stack.pop()
            for following in graph[at]:
                if following == start:
                    return [*path, start]
                if following not in seen:
                    seen.add(following)
                    stack.append((following, [*path, following]))
        return None

    loops = [loop for module in graph if (loop := loop_from(module)) is not None]
    assert loops == []


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_do_no_input_or_output(name: str) -> None:
    path = PACKAGE.joinpath(*name.split(".")).with_suffix(".py")
    loaded = imports(path, at_load_only=True)
    assert {module.split(".")[0] for module in loaded}.isdisjoint(IO_MODULES)
    assert not any(
        module.startswith(
            ("backcoach.history.store", "backcoach.timer", "backcoach.render", "backcoach.coach")
        )
        for module in loaded
    )


def test_each_package_says_what_it_owns_and_may_import() -> None:
    for package in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
        assert doc is not None and "May import" in doc, package


def test_the_architecture_map_names_every_module() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_/]+\.py)`", text))
    missing = sorted(
        str(path.relative_to(PACKAGE))
        for path in MODULES
        if path.name != "__init__.py" and str(path.relative_to(PACKAGE)) not in named
    )
    assert missing == []
