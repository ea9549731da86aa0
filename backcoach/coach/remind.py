"""`backcoach remind`: a nudge every N minutes, within working hours, to stand up and
take a desk break (`backcoach snack`).

Notifications go through the platform's own notifier (notify-send on Linux,
osascript on macOS, a PowerShell toast on Windows) or the command in
BACKCOACH_NOTIFY / config's `notify`, run without a shell and never waited for:
each is looked at whenever the loop wakes, collected when it has finished, and
stopped when it still runs a minute later; three failures in a row are said once,
and the bell takes over. With no notifier, the terminal bell and a line.

Times are the wall clock's, read again at every wake-up: a suspended laptop or a
time-zone change never leaves the reminders behind the clock on the wall. With
BACKCOACH_TIME_SCALE the wall clock runs as fast as the scaled clock, so tests
and demos run hours in seconds. One `remind` runs at a time (a lock file in the
data folder, released by the system however the process ends); a stop signal
gives the terminal back like Ctrl-C.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from backcoach.config import Hours
from backcoach.errors import NoExerciseToday, UsageError
from backcoach.vocabulary import printable

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.coach.planned import Planned
    from backcoach.timer.clock import Clock
    from backcoach.timer.keys import KeySource

MESSAGE = "Time to stand up: a desk break, 2-3 minutes (backcoach snack)"
PAUSE_KEYS = (" ", "p")
QUIT_KEYS = ("q",)
# How often (scaled minutes) the wall clock and the history (a break taken meanwhile)
# are looked at, at the longest.
LOOK_EVERY = timedelta(minutes=1)
NOTIFIER_LIMIT = 60.0  # scaled seconds a notifier may run before it is stopped
NOTIFIER_GRACE = 5.0  # scaled seconds between SIGTERM and SIGKILL
FAILURES_IN_A_ROW = 3  # failed notifiers before the bell takes over


def notifier_command(configured: str | None, source: str = "the notifier") -> list[str] | None:
    """The notifier: the one named (BACKCOACH_NOTIFY, or config's notify), split like a
    shell would but never run by one; else the platform's; else None (the bell)."""
    if configured:
        from backcoach.config import split_command

        try:
            words = split_command(configured)
        except ValueError as exc:
            raise UsageError(f"{source} {exc}") from None
        if not words or shutil.which(words[0]) is None:
            raise UsageError(
                f"the notifier {configured!r} cannot be found",
                hint="give a command on your PATH (the message is added as its last argument)",
            )
        return words
    if sys.platform == "darwin" and shutil.which("osascript"):
        return ["osascript", "-e", 'display notification (item 1 of argv) with title "backcoach"']
    if sys.platform == "win32" and shutil.which("powershell"):
        return ["powershell", "-NoProfile", "-Command", _TOAST]
    if shutil.which("notify-send"):
        return ["notify-send", "--app-name=backcoach", "backcoach"]
    return None


# A Windows toast from PowerShell, the message as the script's last argument.
_TOAST = (
    "param($m) [Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, "
    "ContentType=WindowsRuntime] > $null; $x = [Windows.UI.Notifications.ToastNotificationManager]"
    "::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText01); "
    "$x.GetElementsByTagName('text').Item(0).AppendChild($x.CreateTextNode($m)) > $null; "
    "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('backcoach')"
    ".Show([Windows.UI.Notifications.ToastNotification]::new($x))"
)


def send(command: Sequence[str], message: str) -> subprocess.Popen[bytes] | None:
    """Start the notifier and return at once; None if it could not be started."""
    try:
        return subprocess.Popen(
            [*command, message],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C here is not its business
        )
    except OSError:
        return None


class Process(Protocol):
    """A started notifier (subprocess.Popen, or a stand-in in the tests)."""

    pid: int

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...


def stop_group(process: Process, kill: bool) -> None:
    """SIGTERM (or SIGKILL) to the notifier's whole process group (its own session)."""
    import signal

    if sys.platform == "win32":
        try:
            os.kill(process.pid, signal.SIGTERM)  # TerminateProcess
        except OSError:
            pass  # already gone
        return
    try:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass  # already gone


class _Started(NamedTuple):
    process: Process
    at: float  # clock seconds when it was started
    stopped: float | None = None  # when it was sent SIGTERM


class Notifiers:
    """The notifiers started and not collected yet. Never waited for: each is polled at
    every wake-up; one still running NOTIFIER_LIMIT seconds after it started is stopped
    (SIGTERM to its group, SIGKILL after NOTIFIER_GRACE) and collected; failures in a
    row (a status other than 0, or one that could not be started) are counted."""

    def __init__(self, stop: Callable[[Process, bool], None] = stop_group) -> None:
        self.running: list[_Started] = []
        self.stop = stop
        self.failures = 0  # in a row
        self.why = ""  # the last failure, in words

    def started(self, process: Process | None, now: float) -> None:
        if process is None:
            self.failed("it could not be started")
        else:
            self.running.append(_Started(process, now))

    def failed(self, why: str) -> None:
        self.failures += 1
        self.why = why

    def check(self, now: float) -> None:
        still: list[_Started] = []
        for started in self.running:
            status = started.process.poll()
            if status is not None:
                if started.stopped is None:  # ended by itself: a success or a failure
                    if status == 0:
                        self.failures = 0
                    else:
                        self.failed(_status_words(status))
                continue
            if started.stopped is None and now - started.at >= NOTIFIER_LIMIT:
                self.stop(started.process, False)
                started = started._replace(stopped=now)
            elif started.stopped is not None and now - started.stopped >= NOTIFIER_GRACE:
                self.stop(started.process, True)
                started = started._replace(stopped=now)  # again in a while, never in a spin
            still.append(started)
        self.running = still

    def next_check(self, now: float) -> float | None:
        """Seconds until a notifier is due to be stopped (or killed); None: none is."""
        moments = [
            (s.at + NOTIFIER_LIMIT) if s.stopped is None else (s.stopped + NOTIFIER_GRACE)
            for s in self.running
        ]
        return max(0.0, min(moments) - now) if moments else None

    def close(self, now: float) -> None:
        """At the end: those past their time stopped and collected (SIGKILL is not
        refused, so the wait is short); one started less than NOTIFIER_LIMIT ago is
        left to show its notification."""
        self.check(now)
        for started in self.running:
            if started.stopped is not None:
                self.stop(started.process, True)
                try:
                    started.process.wait(timeout=1.0)
                except subprocess.TimeoutExpired:
                    pass  # stuck in the kernel: nothing more to do
        self.running = [s for s in self.running if s.stopped is None]


def _status_words(status: int) -> str:
    return f"exit status {status}" if status > 0 else f"stopped by signal {-status}"


class Schedule(NamedTuple):
    """When to remind: every so many minutes, within the hours of the day."""

    every: int  # minutes
    hours: Hours


class Nudge(NamedTuple):
    """How a reminder reaches the person: the notifier (None: none to be had, so the
    bell), the line said for each, the terminal bell, and how a notifier is started."""

    command: list[str] | None
    say: Callable[[str], None]
    bell: Callable[[], None] = lambda: None
    start: Callable[[Sequence[str], str], Process | None] = send


class Breaks(NamedTuple):
    """The history's part: when the newest desk break began, and keeping each reminder."""

    last: Callable[[], datetime | None]
    record: Callable[[datetime], None]


class WallClock:
    """The wall clock, local time, read afresh each time (a suspend, a time-zone or a
    summer-time change shows at once); with a scale, it runs 1/scale times as fast
    from the moment it was made, as the scaled session clock does (timer/clock.py)."""

    def __init__(self, scale: float = 1.0, real: Callable[[], float] = time.time) -> None:
        self.scale, self.real = scale, real
        self.origin = real()

    def __call__(self) -> datetime:
        moment = self.origin + (self.real() - self.origin) / self.scale
        return datetime.fromtimestamp(moment, UTC).astimezone()


def _hm(moment: datetime) -> str:
    return f"{moment.astimezone():%H:%M}"


class Reminders:
    """The loop: wait, nudge, repeat; a key pauses; a break taken restarts the wait.

    Every wake-up reads the wall clock and computes the next reminder from the moment
    the wait began (the last reminder, a pause's end, a break): never a count of
    seconds slept, which a suspend or a time-zone change would leave behind."""

    def __init__(
        self,
        schedule: Schedule,
        clock: Clock,
        keys: KeySource,
        nudge: Nudge,
        breaks: Breaks,
        wall: Callable[[], datetime] | None = None,
        planned: Planned | None = None,  # the schedule's sessions (coach/planned.py)
        refused: Callable[[datetime], str | None] | None = None,  # the gate: why not, or None
    ) -> None:
        self.every = timedelta(minutes=schedule.every)
        self.hours, self.command, self.clock, self.keys = schedule.hours, nudge.command, clock, keys
        self.say, self.last_break, self.record = nudge.say, breaks.last, breaks.record
        self.bell, self.start = nudge.bell, nudge.start
        self.wall = wall or WallClock(clock.scale)
        self.given = 0
        self.notifiers = Notifiers()
        self.planned = planned
        self.refused = refused

    def now(self) -> datetime:
        return self.wall()

    def run(self, times: int | None) -> int:
        """Remind until `times` reminders were given (None: until q or Ctrl-C)."""
        try:
            self._loop(times)
        except _Quit:
            pass
        finally:
            self.notifiers.close(self.clock.now())
        return self.given

    def _loop(self, times: int | None) -> None:
        since = self.now()  # when the wait began
        due = self._next(since)
        self.say(f"Next reminder at {_hm(due)}. p pauses, q stops.")
        announced, seen_break = due, self.last_break()
        while times is None or self.given < times:
            self._look_at_notifiers()
            now = self.now()
            if self._planned_due(now):
                continue
            since = min(since, now)  # a clock set back: count from now
            due = self._next(since)
            if now >= due:
                on_time = now - due < LOOK_EVERY
                if self.hours.contain(now.astimezone()) or on_time:
                    self._obey_the_gate(now)
                    # On time: the reminder is the one due, and the next counts from it,
                    # so a late wake-up on a busy machine never shifts the rhythm.
                    self._remind(due if on_time else now)
                since = due if on_time else now  # after a suspend: from waking
                due = announced = self._next(since)
                if times is None or self.given < times:
                    self.say(f"Next reminder at {_hm(due)}.")
                continue
            if due != announced:  # the clock or its time zone moved
                announced = due
                self.say(f"Next reminder at {_hm(due)}.")
            key = self.keys.read(self._wait(due - now))
            if key is not None and key.name in QUIT_KEYS:
                return
            if key is not None and key.name in PAUSE_KEYS:
                self._pause()
                since = self.now()
                due = announced = self._next(since)
                self.say(f"Going on. Next reminder at {_hm(due)}.")
                continue
            taken = self.last_break()
            if taken is not None and taken != seen_break:
                seen_break = taken
                since = max(taken, self.now())
                due = announced = self._next(since)
                self.say(f"Break taken: well done. Next reminder at {_hm(due)}.")

    def _wait(self, until_due: timedelta) -> float:
        """Seconds to wait for a key: until the reminder, the next look at the clock
        and the history, or the next notifier to stop, whichever is first."""
        wait = min(until_due, LOOK_EVERY).total_seconds()
        until = self.planned.wait(self.now()) if self.planned else None
        wait = wait if until is None else min(wait, until)
        notifier = self.notifiers.next_check(self.clock.now())
        return wait if notifier is None else min(wait, notifier)

    def _planned_due(self, now: datetime) -> bool:
        """A planned session's time (coach/planned.py), never one the gate refuses."""
        due = self.planned.due(now) if self.planned else None
        if due is not None and due[1]:
            self._send(due[0])
        if due is not None and due[0]:
            self.say(f"{_hm(now)} {due[0]}")
        return due is not None

    def _next(self, after: datetime) -> datetime:
        due = (after + self.every).astimezone()  # local time then (summer time counted)
        return due if self.hours.contain(due) else self.hours.next_start(due)

    def _send(self, text: str) -> None:
        self.given += 1
        if self.command:
            self.notifiers.started(self.start(self.command, text), self.clock.now())
        else:  # no notifier to be had: the terminal bell
            self.bell()

    def _obey_the_gate(self, now: datetime) -> None:
        """The gate, before each nudge: no exercise, no nudge; why, said once; the end."""
        from backcoach.coach.planned import GateRefused

        if self.refused is not None and (why := self.refused(now)) is not None:
            self.say(f"{_hm(now)} {why}")
            raise GateRefused(why)

    def _remind(self, now: datetime) -> None:
        self._send(MESSAGE)
        self.say(f"{_hm(now)} {MESSAGE}")
        self.record(now)
        self._look_at_notifiers()

    def _look_at_notifiers(self) -> None:
        """Collect finished notifiers, stop hanging ones; after FAILURES_IN_A_ROW
        failures, say so once and ring the bell from then on."""
        self.notifiers.check(self.clock.now())
        if self.command and self.notifiers.failures >= FAILURES_IN_A_ROW:
            shown = printable(shlex.join(self.command))
            self.say(
                f"The notifier ({shown}) failed {self.notifiers.failures} times in a row "
                f"({self.notifiers.why}): reminders ring the terminal bell from now on."
            )
            self.command = None
            self.bell()

    def _pause(self) -> None:
        self.say("Paused: press p (or space) to go on, q to stop.")
        while True:
            key = self.keys.read(LOOK_EVERY.total_seconds())
            self.notifiers.check(self.clock.now())
            if key is not None and key.name in QUIT_KEYS:
                raise _Quit
            if key is not None and key.name in PAUSE_KEYS:
                return


class _Quit(Exception):
    pass


def configured_notifier() -> str | None:
    return os.environ.get("BACKCOACH_NOTIFY") or None


def remind(every: int | None, between: str | None, times: int | None, out: Console) -> None:
    """`backcoach remind`: the options over config's defaults, then a reminder at each due
    time until `times` were given (None: until q, Ctrl-C or a stop signal), and how many
    were. A second `remind` while one runs is refused."""
    from backcoach.coach.planned import GateRefused, desk_break_refused, for_remind
    from backcoach.config import parse_between, parse_every
    from backcoach.plan import prepare as coaching
    from backcoach.timer.clock import SystemClock, time_scale
    from backcoach.timer.keys import for_terminal

    defaults = coaching.settings()
    minutes = parse_every(every if every is not None else defaults["remind_every"])
    hours = parse_between(between if between is not None else defaults["remind_between"])
    if times is not None and times < 1:
        raise UsageError(f"--times must be a whole number of at least 1, not {times}")
    named = configured_notifier()
    source = "BACKCOACH_NOTIFY" if named else "config's notify"
    command = notifier_command(named or defaults["notify"] or None, source)
    clock = SystemClock(time_scale())

    def say(line: str) -> None:
        out.print(line, markup=False, highlight=False, soft_wrap=True)  # one line each, for logs

    with _only_one(say):
        if command is None:
            out.print("No desktop notifier found: reminders ring the terminal bell here.")
        nudge = Nudge(command, say, out.bell)
        from backcoach.history.routines import last_break_if_readable, record_reminder_if_writable

        breaks = Breaks(last_break_if_readable, record_reminder_if_writable)
        planned = for_remind(defaults)  # the schedule's sessions too
        keys = for_terminal(clock)
        reminders = Reminders(
            Schedule(minutes, hours), clock, keys, nudge, breaks, planned=planned,
            refused=desk_break_refused,
        )  # fmt: skip
        out.print(f"Reminding every {minutes} min between {hours}.", markup=False)
        if planned is not None:
            say(f"And at your planned sessions: {planned.describe()}")
        try:
            given = _run(reminders, times, say)
        except GateRefused:
            say(f"Reminders stopped: {reminders.given} given.")
            raise NoExerciseToday(
                "no more reminders: the safety gate allows no exercise now (said above)",
                hint="run backcoach safety to see it and answer, then remind again",
            ) from None
    say(f"Reminders stopped: {given} given.")


def _run(reminders: Reminders, times: int | None, say: Callable[[str], None]) -> int:
    """The loop with the terminal in cbreak mode, given back on every way out: q, Ctrl-C
    and the stop signals (SIGTERM, SIGHUP, SIGQUIT), whatever the parent shell does."""
    from backcoach.errors import Interrupted, Terminated
    from backcoach.timer.signals import Stopped, stop_signals_raise

    try:
        with stop_signals_raise(), reminders.keys:
            return reminders.run(times)
    except KeyboardInterrupt:
        say(f"Reminders stopped: {reminders.given} given.")
        raise Interrupted("reminders stopped by Ctrl-C") from None
    except Stopped as stop:
        say(f"Reminders stopped: {reminders.given} given.")
        raise Terminated(
            "reminders stopped by a signal", signal_number=stop.signal_number
        ) from None


def lock_path() -> Path:
    """remind's lock file, in the data folder (beside the history)."""
    from backcoach.paths import data_dir

    return data_dir() / "remind.lock"


@contextmanager
def _only_one(say: Callable[[str], None]) -> Iterator[None]:
    """Hold remind's lock while it runs; a second `remind` is refused (exit 2). A lock
    that cannot be made (a read-only folder) is said, and the reminders go on."""
    from backcoach.paths import LockHeld, hold_lock

    with ExitStack() as holding:
        try:
            holding.enter_context(hold_lock(lock_path()))
        except LockHeld as held:
            who = f" (process {held.holder})" if held.holder else ""
            raise UsageError(
                f"backcoach remind is already running{who}; one is enough",
                hint="stop that one first (q in its terminal), or let it remind you",
            ) from None
        except OSError as exc:
            say(f"(cannot lock {lock_path()}: {exc.strerror or exc}; going on)")
        yield
