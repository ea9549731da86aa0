"""The "not improved after about 4 to 6 weeks" item, asked because of backcoach's own
pain figures (CLINICAL.md, "Pacing the first weeks"; issue 23, F4): it says why first,
and a "does not apply" is taken as the person's word, kept, with the advice said once."""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.clinical import ONCE_PER_EPISODE
from backcoach.history.flags import WEEKS, WEEKS_NOT_SO
from backcoach.history.routines import episode_answer
from backcoach.history.store import open_history

from .builders import add_session
from .conftest import plain
from .test_gate_paths import at

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals"),
    pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed"),
    pytest.mark.pty,
]


def test_day_31_says_why_and_keeps_a_no(isolated_home: Path) -> None:
    start = date(2026, 11, 1)
    with open_history(isolated_home / "history.sqlite3") as history:
        for day in range(0, 31, 3):
            add_session(history, start + timedelta(days=day), pain=(6, 6))
        history.record_safety_check("full", [], at=datetime(2026, 11, 1, 8, tzinfo=UTC))
        history.record_safety_check("clinician", [], at=datetime(2026, 11, 1, 8, tzinfo=UTC))
    item = next(n for n, flag in enumerate(ONCE_PER_EPISODE, 1) if flag.code == WEEKS)
    child = at(isolated_home, "2026-12-02 10:00:00", "start --focus lower --plain")
    child.expect("\\(1-15\\)")
    child.sendline("0")
    child.expect("\\(1-5\\)")
    said = " ".join(plain(child.before).split())
    assert (
        "backcoach's record: pain before sessions has not improved over 31 days (median 6 "
        f"in the first week, 6 in the last): if that is right, item {item} applies"
    ) in said
    assert said.index("backcoach's record") < said.index("Once per episode")  # why, first
    child.sendline("0")
    child.expect("\\? \\[y/N\\]")  # the next question: the answer is kept by now
    said = " ".join(plain(child.before).split())
    assert "You said it does not apply, and backcoach has kept your answer" in said
    assert said.count("GP or physiotherapist") == 1
    child.terminate(force=True)
    with open_history(isolated_home / "history.sqlite3") as history:
        kept = episode_answer(history, WEEKS_NOT_SO)
    assert kept is not None and kept[1] == "no"
