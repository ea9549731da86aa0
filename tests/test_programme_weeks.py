"""Four faked weeks of a programme (issue 25), as a person lives them: three goals, a
Mon/Wed/Fri schedule kept, goals re-rated each week at the first session of the week,
lessons read; `remind` announces a planned session at its time (a fake notifier);
`week` shows the right days done; `report` shows the goal trend with "meaningful".
Wall-clock times come from libfaketime; sessions run 50 times faster; nothing sleeps."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pexpect
import pytest

from .test_terminal import BIN, env

FAKETIME = shutil.which("faketime")
pytestmark = [
    pytest.mark.pty,
    pytest.mark.skipif(FAKETIME is None, reason="libfaketime (faketime) is not installed"),
]
GOALS = ("put my socks on", "sit through a film", "lift my child")
# Each week's scores (the first are given when the goals are added).
SCORES = ((3, 4, 2), (4, 5, 3), (5, 5, 4), (7, 6, 5))
DAYS = {1: ("23", "25", "27"), 2: ("30", "02", "04"), 3: ("07", "09", "11"), 4: ("14", "16", "18")}


def _month(week: int, day: str) -> str:
    return "11" if week == 1 or (week == 2 and day == "30") else "12"


def run_at(home: Path, when: str, *args: str, extra: dict[str, str] | None = None) -> str:
    assert FAKETIME is not None
    done = subprocess.run(
        [FAKETIME, "-f", f"@{when}", str(BIN), *args], capture_output=True, text=True,
        env={**env(home, "0.02"), "TZ": "UTC", **(extra or {})}, stdin=subprocess.DEVNULL,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def session_at(home: Path, when: str, scores: tuple[int, ...] | None) -> str:
    """One session, every question answered as a person would; the goals when asked."""
    assert FAKETIME is not None
    child = pexpect.spawn(
        FAKETIME, ["-f", f"@{when}", str(BIN), "start", "--focus", "lower", "--minutes", "1",
                   "--plain"],
        env={**env(home, "0.02"), "TZ": "UTC"}, encoding="utf-8", dimensions=(40, 120),
        timeout=60,
    )  # fmt: skip
    answers = [
        (r"\(1-15\)", "0\r"),
        (r"\(1-5\)", "0\r"),
        (r"Anything new or worse since", "n\r"),
        (r"down a leg with this back pain\?", "n\r"),
        (r"by the next morning\?", "y\r"),
        (r"Pain now, from 0", "4\r"),
        (r"Switch to a gentler flare-up", "n\r"),
        (r"Ready\? Press Enter", "\r"),
        (r"move further down the leg\? 1 yes · 2 no", "2"),
        (r"Pain now, after the session", "3\r"),
        (r"How hard did it feel\?", "2\r"),
        # The conditions that change the plan, once per episode (issue 23): none.
        (r"spinal stenosis or spondylolisthesis\?", "n\r"),
        (r"Do you have osteoporosis\?", "n\r"),
        (r"Are you pregnant\?", "n\r"),
        (r"Do you have joint hypermobility", "n\r"),
    ]
    goals = [rf"{name} \(last \d+\)" for name in GOALS]
    patterns = [pattern for pattern, _ in answers] + goals + [pexpect.EOF]
    asked_goals = 0
    seen: list[int] = []
    while True:
        index = child.expect(patterns)
        seen.append(index)
        if index < len(answers):
            child.send(answers[index][1])
        elif index < len(answers) + len(goals):
            assert scores is not None, "the check-in was asked in the middle of a week"
            child.send(f"{scores[index - len(answers)]}\r")
            asked_goals += 1
        else:
            break
    child.close()
    assert child.exitstatus == 0, child.before
    assert asked_goals == (len(GOALS) if scores is not None else 0)
    if scores is not None:  # the check-in is the last question before the plan
        first_goal = next(n for n, index in enumerate(seen) if index >= len(answers))
        assert 5 in seen[:first_goal] and 7 in seen[first_goal:]  # after pain, before Ready
    return child.before or ""


def test_four_weeks_of_a_programme(isolated_home: Path, tmp_path: Path) -> None:
    home = isolated_home
    for name, score in zip(GOALS, SCORES[0], strict=True):
        run_at(home, "2026-11-23 07:50:00", "goals", "add", name, "--score", str(score))
    run_at(home, "2026-11-23 07:51:00", "schedule", "--days", "mon,wed,fri", "--at", "08:00")
    run_at(home, "2026-11-23 07:52:00", "config", "set", "minutes", "1")
    run_at(home, "2026-11-23 07:52:00", "config", "set", "focus", "lower")
    notifier = tmp_path / "notify"
    log = tmp_path / "notified.log"
    notifier.write_text(f'#!/bin/sh\necho "$*" >> {log}\n', encoding="utf-8")
    notifier.chmod(0o755)
    said = run_at(
        home, "2026-11-23 07:59:30", "remind", "--every", "240", "--between", "00:00-23:59",
        "--times", "1", extra={"BACKCOACH_NOTIFY": str(notifier)},
    )  # fmt: skip
    assert "08:00 Your back session: 1 minute, lower back" in said
    assert "Your back session: 1 minute, lower back" in log.read_text(encoding="utf-8")
    for week in range(1, 5):
        for n, day in enumerate(DAYS[week]):
            when = f"2026-{_month(week, day)}-{day} 08:{week:02d}:00"
            monday_check_in = n == 0 and week > 1
            text = session_at(home, when, SCORES[week - 1] if monday_check_in else None)
            if n == 0:
                assert "Today's read, 2 minutes" in text
            if week == 4 and n == 1:  # Wednesday noon of the last week
                shown = json.loads(run_at(home, "2026-12-16 12:00:00", "week", "--json"))
        run_at(home, f"2026-12-{int(DAYS[week][2]) + 1:02d} 09:00:00" if week > 1
               else "2026-11-28 09:00:00", "learn")  # fmt: skip
    assert [d["done"] for d in shown["days"]] == [True, False, True, False, False, False, False]
    assert [d["planned"] for d in shown["days"]] == [True, False, True, False, True, False, False]
    report = run_at(home, "2026-12-19 10:00:00", "report")
    assert "| put my socks on | 3 | 7 |" in report
    assert "a meaningful change" in report and "2 points or more in the average" in report
    assert "| 2026-11-23 | 3 | 3 | 3 |" in report and "| 2026-12-14 | 3 | 3 | 3 |" in report
    assert report.count("Hurt is not harm") == 1 and "Pacing, not boom and bust" in report
