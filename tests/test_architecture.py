"""The shape of the code that docs/architecture.md promises: small modules, one-way imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "backcoach"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 500
# Pure modules: no files, no clock, no terminal, no database.
PURE = ("planner", "choosing", "routine", "progression", "stats", "timeline", "importer")
IO_MODULES = {"os", "sys", "time", "sqlite3", "rich", "subprocess", "pathlib", "select"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_at_load(path: Path) -> set[str]:
    """Modules imported when this one is loaded (not inside functions or TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_module_is_over_500_lines() -> None:
    long = {
        module_name(path): lines
        for path in MODULES
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_there_are_no_import_cycles() -> None:
    names = {module_name(path) for path in MODULES}
    graph = {
        module_name(path): {name for name in imports_at_load(path) if name in names}
        for path in MODULES
    }
    for module in graph:
        graph[module].discard(module)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for following in graph[start]:
            if following == goal or (
                following not in seen and reaches(following, goal, seen | {following})
            ):
                return True
        return False

    cycles = [module for module in graph if reaches(module, module, {module})]
    assert cycles == []


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_do_no_input_or_output(name: str) -> None:
    imported = {module.split(".")[0] for module in imports_at_load(PACKAGE / f"{name}.py")}
    inner = {
        module for module in imports_at_load(PACKAGE / f"{name}.py")
        if module.startswith("backcoach.")
    }  # fmt: skip
    assert imported.isdisjoint(IO_MODULES)
    assert not any(
        module.startswith(("backcoach.storage", "backcoach.clock", "backcoach.render"))
        for module in inner
    )
