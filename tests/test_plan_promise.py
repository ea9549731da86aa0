"""`plan` changes nothing, and a seed is a promise (issue 24).

`plan` shows what `start` would run: it never writes the history (a first plan for
a focus says start would keep it as the routine, and does not keep it); and
`start --seed N --yes` runs the exercises `plan --seed N` named.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.history.store import open_history

from .conftest import RunCli


def snapshot(home: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under the home: size, mtime and bytes."""
    out = {}
    for path in sorted(home.rglob("*")):
        if path.is_file():
            status = path.stat()
            out[str(path)] = (status.st_size, status.st_mtime_ns, path.read_bytes())
    return out


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--focus", "lower"],
        ["-m", "1", "--focus", "lower"],
        ["--new"],
        ["--flare-up"],
        ["--snack"],
        ["--seed", "3"],
    ],
)
def test_plan_never_writes(
    isolated_home: Path, run: RunCli, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A history with a routine in it: the one a first session made.
    monkeypatch.setenv("BACKCOACH_TIME_SCALE", "0.0001")
    assert run("config", "set", "level", "intermediate").exit_code == 0
    assert run("start", "--yes", "--minutes", "10", "--focus", "lower").exit_code == 0
    before = snapshot(isolated_home)
    with open_history() as history:
        rows = history.db.execute("SELECT COUNT(*) FROM routines").fetchone()[0]
    result = run("plan", *args)
    assert result.exit_code == 0, result.output
    assert run("plan", *args, "--json").exit_code == 0
    assert snapshot(isolated_home) == before
    with open_history() as history:
        assert history.db.execute("SELECT COUNT(*) FROM routines").fetchone()[0] == rows


def test_a_first_plan_says_start_would_keep_the_routine_and_keeps_nothing(
    isolated_home: Path, run: RunCli
) -> None:
    result = run("plan", "--focus", "lower")
    assert "start would keep this as your routine" in result.stdout
    before = snapshot(isolated_home)
    again = run("plan", "--focus", "lower")
    assert "start would keep this as your routine" in again.stdout  # still not kept
    assert snapshot(isolated_home) == before
