"""`backcoach remind`: nudges every N (fake) minutes through the notifier, never waiting
for it; the bell without one; breaks set against reminders in stats (issue 14)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from .conftest import RunCli
from .terminals import BIN, env, spawn, spawn_program

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX notifier scripts")


def fake_notifier(folder: Path) -> Path:
    """A notify-send that logs its pid and arguments, then hangs for 30 s."""
    folder.mkdir(exist_ok=True)
    script = folder / "notify-send"
    log = folder / "notified.log"
    script.write_text(f'#!/bin/sh\necho "$$ $*" >> {log}\nsleep 30\n', encoding="utf-8")
    script.chmod(0o755)
    return log


def remind(
    home: Path, path: str, *args: str, scale: str = "0.01"
) -> subprocess.CompletedProcess[str]:
    environment = dict(env(home, scale), PATH=path)
    return subprocess.run(
        [str(BIN), "remind", *args], capture_output=True, text=True, env=environment,
        stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip


def test_reminders_come_every_n_fake_minutes_and_never_wait(
    isolated_home: Path, tmp_path: Path
) -> None:
    log = fake_notifier(tmp_path / "bin")
    result = remind(
        isolated_home, f"{tmp_path / 'bin'}:/usr/bin:/bin",
        "--every", "2", "--between", "00:00-23:59", "--times", "3",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert all(line.endswith("backcoach Time to stand up: a desk break, 2-3 minutes "
                             "(backcoach snack)") for line in lines)  # fmt: skip
    # Each notifier still hangs (30 s): remind gave all three and ended without waiting.
    for line in lines:
        os.kill(int(line.split()[0]), 0)
    said = re.findall(r"^(\d\d:\d\d) Time to stand up", result.stdout, re.M)
    times = [datetime.strptime(t, "%H:%M") for t in said]
    gaps = {
        int((b - a).total_seconds() // 60) % (24 * 60)
        for a, b in zip(times, times[1:], strict=False)
    }
    assert len(times) == 3 and gaps == {2}  # two fake minutes apart
    assert "Reminders stopped: 3 given." in result.stdout
    for line in lines:
        os.kill(int(line.split()[0]), 15)


@pytest.mark.pty
def test_without_a_notifier_the_bell_rings(isolated_home: Path, tmp_path: Path) -> None:
    import pexpect

    (tmp_path / "empty").mkdir()
    child = spawn_program(
        BIN, ["remind", "--every", "1", "--between", "00:00-23:59", "--times", "1"],
        dict(env(isolated_home, "0.01"), PATH=str(tmp_path / "empty")), dimensions=(24, 80),
    )  # fmt: skip
    child.expect("No desktop notifier found: reminders ring the terminal bell here")
    child.expect("\x07")
    child.expect("Time to stand up")
    child.expect(pexpect.EOF)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "0"], "--every must be a whole number of minutes from 1 to 480"),
        (["--every", "600"], "--every must be a whole number of minutes from 1 to 480"),
        (["--between", "9-5"], "--between takes two times of day such as 09:00-17:30"),
        (["--between", "17:30-09:00"], "the first time must be before the second"),
        (["--times", "0"], "--times must be a whole number of at least 1"),
    ],
)
def test_bad_values_give_one_clear_message(run: RunCli, args: list[str], message: str) -> None:
    result = run("remind", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_stats_set_breaks_against_reminders(
    run: RunCli, isolated_home: Path, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    remind(isolated_home, str(tmp_path / "empty"), "--every", "1", "--between", "00:00-23:59",
           "--times", "2", scale="0.001")  # fmt: skip
    subprocess.run(
        [str(BIN), "snack", "--yes", "--plain", "--minutes", "2"],
        env=env(isolated_home, "0.001"), capture_output=True, check=True,
    )  # fmt: skip
    stats = run("stats", "--json")
    assert stats.exit_code == 0
    (today,) = json.loads(stats.stdout)["desk_breaks"]
    assert (today["breaks"], today["reminders"]) == (1, 2)


@pytest.mark.pty
def test_p_pauses_and_a_break_taken_restarts_the_wait(isolated_home: Path) -> None:
    child = spawn(isolated_home, "remind --every 60 --between 00:00-23:59", "0.01")
    child.expect("Next reminder at")
    child.send("p")
    child.expect("Paused: press p")
    child.send("p")
    child.expect("Going on. Next reminder at")
    subprocess.run(
        [str(BIN), "snack", "--yes", "--plain", "--minutes", "2"],
        env=env(isolated_home, "0.001"), capture_output=True, check=True,
    )  # fmt: skip
    child.expect("Break taken: well done. Next reminder at")
    child.send("q")
    child.expect("Reminders stopped: 0 given.")
    child.expect(pexpect_eof())


def pexpect_eof() -> type:
    import pexpect

    return pexpect.EOF


UNIT = Path(__file__).resolve().parent.parent / "docs" / "remind" / "backcoach-remind.service"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_the_documented_systemd_unit_verifies(tmp_path: Path) -> None:
    # The unit as documented, pointed at this backcoach (the docs use ~/.local/bin).
    text = UNIT.read_text(encoding="utf-8").replace("%h/.local/bin/backcoach", str(BIN))
    unit = tmp_path / "backcoach-remind.service"
    unit.write_text(text, encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "ExecStart=%h/.local/bin/backcoach remind" in UNIT.read_text(encoding="utf-8")
