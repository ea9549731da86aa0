"""`plan` changes nothing, and a seed is a promise (issue 24).

`plan` shows what `start` would run: it never writes the history (a first plan for
a focus says start would keep it as the routine, and does not keep it); and
`start --seed N --yes` runs the exercises `plan --seed N` named.
"""

from __future__ import annotations

import json
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


def plan_ids(run: RunCli, *args: str) -> list[str]:
    result = run("plan", *args, "--json")
    assert result.exit_code == 0, result.output
    return [step["exercise"] for step in json.loads(result.stdout)["steps"]]


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


def test_a_first_plan_says_start_would_make_a_routine_and_keeps_nothing(
    isolated_home: Path, run: RunCli
) -> None:
    result = run("plan", "--focus", "lower")
    assert "start would make a new routine for this focus" in result.stdout
    before = snapshot(isolated_home)
    again = run("plan", "--focus", "lower")
    assert "start would make a new routine for this focus" in again.stdout  # still not kept
    assert snapshot(isolated_home) == before


@pytest.mark.parametrize(
    "args",
    [
        ["--focus", "lower", "--minutes", "5", "--seed", "1"],
        ["--focus", "upper", "--minutes", "4", "--seed", "2"],
        ["--minutes", "8", "--seed", "7"],
        ["--minutes", "12", "--seed", "3", "--focus", "lower,stretch"],
    ],
)
def test_start_with_a_seed_runs_what_plan_with_the_seed_showed(
    isolated_home: Path, run: RunCli, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same exercises in the same places; what --yes leaves out (no question follows
    extension or nerve-tensioning exercises) has one like it stand in, in its place."""
    from backcoach.catalogue import loader as catalogue

    names = {e.id: e.name for e in catalogue.load(catalogue.bundled_path()).exercises}
    shown = plan_ids(run, *args)
    monkeypatch.setenv("BACKCOACH_TIME_SCALE", "0.0001")
    result = run("start", *args, "--yes", "--plain")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    history = run("history", "--json", "--limit", "1")
    ran = [exercise["id"] for exercise in json.loads(history.stdout)[0]["exercises"]]
    assert len(ran) <= len(shown)
    kept = [i for i in shown if i in ran]
    assert kept == [i for i in ran if i in shown]  # the order kept
    for exercise_id in shown:
        if exercise_id not in ran:  # left out: named by name, and any stand-in says whose
            assert names[exercise_id] in said
            assert exercise_id not in said.replace("--seed", "")
    if len(ran) == len(shown):
        for planned, done in zip(shown, ran, strict=True):
            assert done == planned or f"in place of {names[planned]}" in said


def test_same_plan_again_is_said_only_when_true(isolated_home: Path, run: RunCli) -> None:
    first = run("plan", "--focus", "lower", "--minutes", "5", "--seed", "1")
    said = " ".join(first.stdout.split())
    assert "Same plan again: backcoach start --focus lower --minutes 5 --seed 1" in said
    assert plan_ids(run, "--focus", "lower", "--minutes", "5", "--seed", "1") == plan_ids(
        run, "--focus", "lower", "--minutes", "5", "--seed", "1"
    )
