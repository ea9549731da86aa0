"""`history --json`: each exercise's dose as plan, routine, show and list give it."""

from __future__ import annotations

import json
from pathlib import Path

from backcoach.history.store import open_history
from backcoach.paths import database_path

from .builders import add_session
from .conftest import RunCli
from .test_stats import days_ago


def test_history_json_gives_each_dose_structured_with_its_words(
    run: RunCli, isolated_home: Path
) -> None:
    # Issue 24: history gave "dose": "19 reps", a plain string, where every other
    # command gives the structured dose and dose_text in words.
    with open_history(database_path()) as history:
        add_session(history, days_ago(1), skipped="bird-dog", status="done")
    result = run("history", "--json")
    assert result.exit_code == 0
    (session,) = json.loads(result.stdout)
    (exercise,) = session["exercises"]
    assert exercise["id"] == "bird-dog" and exercise["completed"] is True
    assert exercise["dose"]["type"] == "hold" and exercise["dose"]["seconds"] == 10
    assert exercise["dose_text"] == "a hold of 10 s"
    plan = json.loads(run("plan", "--json").stdout)
    step = plan["steps"][0]
    assert isinstance(step["dose"], dict) and "type" in step["dose"]  # the same shape
    assert isinstance(step["dose_text"], str)
