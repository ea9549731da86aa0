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
    said = re.findall(r"^(\d\d:\d\d) Time to stand up", result.stdout, re.M)
    times = [datetime.strptime(t, "%H:%M") for t in said]
    gaps = {
        int((b - a).total_seconds() // 60) % (24 * 60)
        for a, b in zip(times, times[1:], strict=False)
    }
    assert len(times) == 3 and gaps == {2}  # two fake minutes apart
    assert "Reminders stopped: 3 given." in result.stdout
    # The last notifier still hangs (30 s): remind ended without waiting for it. The
    # earlier ones were stopped a minute after they started, and collected.
    *earlier, last = [int(line.split()[0]) for line in lines]
    os.kill(last, 0)
    for pid in earlier:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    os.killpg(last, 15)


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
        (["--between", "09:00-09:00"], "--between: the two times must differ"),
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


# --- issue 26 (and 24): guarding the reminders ----------------------------------------

from collections.abc import Iterator  # noqa: E402
from datetime import UTC, time, timedelta  # noqa: E402

from backcoach.coach import remind as reminding  # noqa: E402
from backcoach.config import Hours, parse_between  # noqa: E402
from backcoach.errors import UsageError  # noqa: E402

from .fakes import FakeClock, ScriptedKeys  # noqa: E402


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, whatever the machine's: the times said are the tests'."""
    import time as systime

    monkeypatch.setenv("TZ", "UTC")
    systime.tzset()
    yield
    monkeypatch.undo()
    systime.tzset()


class FakeWall:
    """The wall clock over a fake clock; `jump` moves it (a suspend, the clock set) at a
    given second of the fake clock, without the fake clock moving."""

    def __init__(self, clock: FakeClock, start: str) -> None:
        self.clock, self.origin = clock, clock.now()
        self.start = datetime.fromisoformat(start).replace(tzinfo=UTC)
        self.jumps: list[tuple[float, timedelta]] = []

    def jump(self, after_seconds: float, by: timedelta) -> None:
        self.jumps.append((after_seconds, by))

    def __call__(self) -> datetime:
        elapsed = self.clock.now() - self.origin
        moved = sum((by for at, by in self.jumps if elapsed >= at), timedelta())
        return self.start + timedelta(seconds=elapsed) + moved


class FakeProcess:
    """A notifier that ends when told to (`status`), or never; SIGKILL always ends it,
    SIGTERM only if `obeys`."""

    count = 0

    def __init__(self, status: int | None = None, obeys: bool = False, stuck: bool = False) -> None:
        FakeProcess.count += 1
        self.pid, self.status, self.obeys = FakeProcess.count, status, obeys
        self.stuck = stuck  # not even SIGKILL ends it (stuck in the kernel)
        self.signals: list[str] = []

    def poll(self) -> int | None:
        return self.status

    def wait(self, timeout: float | None = None) -> int:
        if self.status is None:
            assert timeout is not None, "waited without a timeout for a notifier still running"
            raise subprocess.TimeoutExpired("notifier", timeout)
        return self.status

    def signal(self, kill: bool) -> None:
        self.signals.append("KILL" if kill else "TERM")
        if (kill and not self.stuck) or self.obeys:
            self.status = -9 if kill else -15


class Run:
    """Reminders on a fake clock and a fake wall; what was said, rung, recorded, started."""

    def __init__(self, start: str, every: int, between: str, notifier: list[str] | None) -> None:
        self.clock = FakeClock()
        self.wall = FakeWall(self.clock, start)
        self.said: list[str] = []
        self.bells = 0
        self.recorded: list[datetime] = []
        self.processes: list[FakeProcess] = []
        self.next_process: Callable[[], FakeProcess | None] = FakeProcess
        nudge = reminding.Nudge(notifier, self.said.append, self._bell, self._start)
        breaks = reminding.Breaks(lambda: None, self.recorded.append)
        schedule = reminding.Schedule(every, parse_between(between))
        keys = ScriptedKeys(self.clock)
        self.reminders = reminding.Reminders(schedule, self.clock, keys, nudge, breaks, self.wall)
        self.reminders.notifiers.stop = lambda process, kill: process.signal(kill)  # type: ignore[attr-defined]

    def _bell(self) -> None:
        self.bells += 1

    def _start(self, command: object, message: str) -> FakeProcess | None:
        process = self.next_process()
        if process is not None:
            self.processes.append(process)
        return process

    def given_at(self) -> list[str]:
        return [line[:5] for line in self.said if line.endswith(reminding.MESSAGE)]


from collections.abc import Callable  # noqa: E402


def test_hours_may_cross_midnight() -> None:
    night = parse_between("17:30-09:00")
    assert night == Hours(time(17, 30), time(9, 0))
    inside = ("17:30", "23:59", "00:00", "08:59")
    outside = ("09:00", "12:00", "17:29")
    day = datetime(2026, 3, 2)
    for at in inside:
        assert night.contain(datetime.combine(day, time.fromisoformat(at))), at
    for at in outside:
        assert not night.contain(datetime.combine(day, time.fromisoformat(at))), at
    noon = datetime(2026, 3, 2, 12, 0)
    assert night.next_start(noon) == datetime(2026, 3, 2, 17, 30)
    assert night.next_start(datetime(2026, 3, 2, 18, 0)) == datetime(2026, 3, 3, 17, 30)
    with pytest.raises(UsageError, match="the two times must differ"):
        parse_between("09:00-09:00")


@pytest.mark.skipif(not Path("/usr/share/zoneinfo/Europe/Paris").exists(), reason="no tzdata")
def test_the_next_start_is_counted_on_the_local_clock_across_summer_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time as systime

    monkeypatch.setenv("TZ", "Europe/Paris")
    systime.tzset()
    try:
        evening = datetime(2026, 3, 28, 20, 0).astimezone()  # winter time, +01:00
        start = parse_between("09:00-17:30").next_start(evening)
        assert (start.hour, start.minute, start.utcoffset()) == (9, 0, timedelta(hours=2))
    finally:
        monkeypatch.undo()
        systime.tzset()


def test_a_night_shift_is_reminded_through_midnight(utc: None) -> None:
    run = Run("2026-03-02T22:30", 60, "22:00-06:00", None)
    run.reminders.run(times=9)
    # 23:30 to 05:30 in the night, then none until 22:00 the next evening.
    assert run.given_at() == ["23:30", "00:30", "01:30", "02:30", "03:30", "04:30", "05:30",
                              "22:00", "23:00"]  # fmt: skip
    assert run.recorded[-1] == datetime(2026, 3, 3, 23, 0, tzinfo=UTC)


def test_reminders_follow_the_wall_clock_after_a_suspend(utc: None) -> None:
    run = Run("2026-03-02T10:00", 60, "09:00-17:30", None)
    run.wall.jump(30 * 60, timedelta(hours=3))  # half an hour in, a 3-hour suspend
    run.reminders.run(times=2)
    # The 11:00 reminder is given when the laptop wakes (13:30 on the wall), then hourly;
    # counting monotonic seconds would have said 11:00 and 12:00 at 14:00 and 15:00.
    assert run.given_at() == ["13:30", "14:30"]
    assert run.recorded == [datetime(2026, 3, 2, 13, 30, tzinfo=UTC),
                            datetime(2026, 3, 2, 14, 30, tzinfo=UTC)]  # fmt: skip


def test_a_suspend_past_the_hours_gives_no_reminder_out_of_them(utc: None) -> None:
    run = Run("2026-03-02T16:00", 60, "09:00-17:30", None)
    run.wall.jump(10 * 60, timedelta(hours=16))  # closed at 16:10, opened at 08:10
    run.reminders.run(times=1)
    assert run.given_at() == ["09:10"]
    assert run.recorded == [datetime(2026, 3, 3, 9, 10, tzinfo=UTC)]
    assert "Next reminder at 09:10." in run.said


def test_a_clock_set_back_counts_from_the_new_time(utc: None) -> None:
    run = Run("2026-03-02T12:00", 60, "00:00-23:59", None)
    run.wall.jump(10 * 60, -timedelta(hours=2))  # 12:10 becomes 10:10
    run.reminders.run(times=1)
    assert run.given_at() == ["11:10"]


def test_the_scaled_wall_clock_runs_as_fast_as_the_scaled_clock() -> None:
    real = iter([1_000_000.0, 1_000_000.0, 1_000_006.0])
    wall = reminding.WallClock(0.01, lambda: next(real))
    first, second = wall(), wall()
    assert second - first == timedelta(seconds=600)  # 6 real seconds, 10 fake minutes


def test_hanging_notifiers_are_stopped_and_collected(utc: None) -> None:
    run = Run("2026-03-02T09:00", 1, "00:00-23:59", ["notify-send"])
    run.reminders.run(times=20)
    *earlier, last = run.processes
    assert len(run.processes) == 20
    # Each got SIGTERM a minute after it started, then SIGKILL (it ignored SIGTERM),
    # and was collected; the last one, just started, is left to show its notification.
    assert all(process.signals == ["TERM", "KILL"] for process in earlier)
    assert last.signals == [] and run.reminders.notifiers.running == [
        reminding._Started(last, run.clock.now())
    ]
    assert run.bells == 0 and not any("failed" in line for line in run.said)


def test_a_notifier_that_cannot_be_killed_never_makes_the_loop_spin(utc: None) -> None:
    run = Run("2026-03-02T09:00", 5, "00:00-23:59", ["notify-send"])
    run.next_process = lambda: FakeProcess(stuck=True)
    assert run.reminders.run(times=2) == 2
    first = run.processes[0]
    # SIGTERM a minute after it started (09:06), then SIGKILL every 5 s until the end
    # (09:10): 48 times, and once more when remind ends. No spin: each is 5 s apart.
    assert first.signals == ["TERM"] + ["KILL"] * 49
    assert run.given_at() == ["09:05", "09:10"]


def test_a_notifier_that_always_fails_is_said_once_and_the_bell_takes_over(utc: None) -> None:
    run = Run("2026-03-02T09:00", 1, "00:00-23:59", ["notify-send", "backcoach"])
    run.next_process = lambda: FakeProcess(status=1)
    run.reminders.run(times=6)
    failed = [line for line in run.said if "failed" in line]
    assert failed == [
        "The notifier (notify-send backcoach) failed 3 times in a row (exit status 1): "
        "reminders ring the terminal bell from now on."
    ]
    assert len(run.processes) == 3  # then no more tries
    assert run.bells == 1 + 3  # when it was said, then for each reminder after
    assert len(run.given_at()) == 6


def test_failures_count_only_in_a_row_and_a_notifier_not_started_counts(utc: None) -> None:
    run = Run("2026-03-02T09:00", 1, "00:00-23:59", ["notify-send"])
    outcomes = iter([FakeProcess(1), FakeProcess(1), FakeProcess(0), None, FakeProcess(1),
                     None, FakeProcess(0)])  # fmt: skip
    run.next_process = lambda: next(outcomes)
    run.reminders.run(times=6)
    assert [line for line in run.said if "failed" in line] == [
        "The notifier (notify-send) failed 3 times in a row (it could not be started): "
        "reminders ring the terminal bell from now on."
    ]


def test_a_notifier_that_cannot_be_split_is_one_message(isolated_home: Path) -> None:
    result = subprocess.run(
        [str(BIN), "remind", "--times", "1"], capture_output=True, text=True,
        env=dict(env(isolated_home, "0.01"), BACKCOACH_NOTIFY='a "'), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 2
    assert "BACKCOACH_NOTIFY cannot be split into a command (no closing quotation)" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_failing_notifier_script_is_reported(isolated_home: Path, tmp_path: Path) -> None:
    script = tmp_path / "bin" / "notify-send"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)
    result = remind(
        isolated_home, f"{tmp_path / 'bin'}:/usr/bin:/bin",
        "--every", "1", "--between", "00:00-23:59", "--times", "6",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("failed 3 times in a row (exit status 1)") == 1
    assert "reminders ring the terminal bell from now on" in result.stdout


def test_a_second_remind_is_refused(isolated_home: Path) -> None:
    from backcoach.paths import hold_lock

    with hold_lock(isolated_home / "remind.lock"):  # a remind running elsewhere
        result = remind(isolated_home, "/usr/bin:/bin", "--times", "1")
    assert result.returncode == 2
    assert f"backcoach remind is already running (process {os.getpid()})" in result.stderr
    assert "Time to stand up" not in result.stdout


def test_a_lock_left_by_a_crashed_remind_does_not_stop_the_next(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "remind.lock").write_text("999999\n")  # its holder is long gone
    result = remind(isolated_home, "/usr/bin:/bin", "--every", "1", "--between",
                    "00:00-23:59", "--times", "1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Reminders stopped: 1 given." in result.stdout


def test_night_hours_are_accepted_by_the_command(isolated_home: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = remind(isolated_home, str(tmp_path / "empty"), "--every", "1", "--between",
                    "17:30-09:00", "--times", "1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Reminding every 1 min between 17:30-09:00." in result.stdout


@pytest.mark.pty
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGQUIT"])
def test_a_stop_signal_gives_the_terminal_back(isolated_home: Path, name: str) -> None:
    import signal

    import pexpect

    # A parent shell that does not restore the terminal (sh -c): what remind leaves is
    # what the next program gets. The inner sh says its pid, then becomes remind.
    inner = f"echo pid=$$; exec {BIN} remind --every 60 --between 00:00-23:59"
    child = pexpect.spawn(
        "/bin/sh", ["-c", f"sh -c '{inner}'; echo status=$?; stty -a"],
        env=env(isolated_home, "1"), encoding="utf-8", timeout=30,
    )  # fmt: skip
    child.expect(r"pid=(\d+)")
    pid = int(child.match.group(1))
    child.expect("Next reminder at")
    os.kill(pid, getattr(signal, name))
    child.expect("Reminders stopped: 0 given.")
    child.expect(r"status=(\d+)")
    assert int(child.match.group(1)) == 128 + getattr(signal, name)
    child.expect(pexpect.EOF)
    modes = child.before.split()
    assert "echo" in modes and "icanon" in modes  # not -echo, -icanon: as it was


def test_a_history_that_cannot_be_read_now_does_not_stop_the_reminders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backcoach.errors import HistoryBusy
    from backcoach.history import routines

    def locked() -> None:
        raise HistoryBusy("the history is locked by another program")

    monkeypatch.setattr(routines, "existing_history", locked)
    assert routines.last_break_if_readable() is None  # the reminders go on from their own count


# --- a flag raised while remind runs stops the nudges (issue 23 leftovers) ------------


def test_the_gate_is_asked_before_each_nudge_and_a_no_ends_the_reminders(utc: None) -> None:
    from backcoach.coach.planned import GateRefused

    run = Run("2026-03-02T10:00", 60, "09:00-17:30", None)
    asked: list[datetime] = []

    def refused(now: datetime) -> str | None:
        asked.append(now)
        return "No more desk-break nudges: a flag was raised." if len(asked) > 2 else None

    run.reminders.refused = refused
    with pytest.raises(GateRefused):
        run.reminders.run(times=5)
    assert run.given_at() == ["11:00", "12:00"]  # the third nudge was not given
    assert len(asked) == 3 and run.bells == 2
    assert [line for line in run.said if "No more desk-break nudges" in line] == [
        "13:00 No more desk-break nudges: a flag was raised."
    ]  # said once


@pytest.mark.pty
def test_a_flag_raised_in_another_terminal_stops_the_nudges(
    isolated_home: Path, tmp_path: Path
) -> None:
    import pexpect

    from backcoach.clinical import BY_CODE
    from backcoach.history.flags import raise_flags
    from backcoach.history.store import open_history

    log = fake_notifier(tmp_path / "bin")
    environment = dict(env(isolated_home, "0.01"), PATH=f"{tmp_path / 'bin'}:/usr/bin:/bin")
    child = spawn_program(
        BIN, ["remind", "--every", "5", "--between", "00:00-23:59", "--times", "4"], environment
    )
    child.expect("Time to stand up")  # the first nudge
    with open_history() as history:  # meanwhile, a `start` elsewhere: "a temperature"
        raise_flags(history, [BY_CODE["fever"]], "screen", datetime.now(UTC))
    child.expect("No more desk-break nudges: backcoach now holds something to ask about")
    child.expect("a temperature of 38")
    child.expect("Reminders stopped: 1 given")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3  # as remind refuses to start while the gate says no
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            os.killpg(int(line.split()[0]), 15)
        except ProcessLookupError:
            pass
