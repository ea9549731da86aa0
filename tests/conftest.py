"""Shared fixtures. No test ever touches a real home: BACKCOACH_HOME is a tmp dir."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from backcoach.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "exercises.yaml"
TEST_DATA = Path(__file__).resolve().parent / "data"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("BACKCOACH_HOME", str(home))
    for name in ("BACKCOACH_CATALOGUE", "BACKCOACH_TIME_SCALE", "BACKCOACH_DEBUG", "BACKCOACH_TTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERM", "dumb")
    yield home


@pytest.fixture(autouse=True)
def _the_running_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Known to tests/terminals.py, which spawns a terminal only for a test marked `pty`."""
    from . import terminals

    terminals._current.append(request.node)
    yield
    terminals._current.pop()


@pytest.fixture
def run() -> RunCli:
    return RunCli()


class RunCli:
    """Invoke the CLI in-process, like a person would from a shell."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)


def plain(text: str) -> str:
    return ANSI.sub("", text)


def history_json(home: Path) -> list[dict[str, Any]]:
    """The history in `home` as `backcoach history --json` gives it. In process: what is
    read is the point here; the console script has tests of its own (test_entry_point)."""
    result = CliRunner().invoke(
        app, ["history", "--json"], env={"BACKCOACH_HOME": str(home)}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked `pty` needs a POSIX pseudo-terminal: skipped where there is none."""
    import sys

    if sys.platform == "win32":
        skip = pytest.mark.skip(reason="POSIX pseudo-terminals")
        for item in items:
            if item.get_closest_marker("pty"):
                item.add_marker(skip)
