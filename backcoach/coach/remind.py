"""`backcoach remind`: a nudge every N minutes, within working hours, to stand up and
take a desk break (`backcoach snack`).

Notifications go through the platform's own notifier (notify-send on Linux,
osascript on macOS, a PowerShell toast on Windows) or the command in
BACKCOACH_NOTIFY / config's `notify`, run without a shell and never waited for:
a notifier that hangs is left behind. With none, the terminal bell and a line.
Time is the scaled clock's (BACKCOACH_TIME_SCALE), so tests and demos run
hours in seconds: "now" is the wall clock at the start plus scaled time since.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from backcoach.config import Hours
from backcoach.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.timer.clock import Clock
    from backcoach.timer.keys import KeySource

MESSAGE = "Time to stand up: a desk break, 2-3 minutes (backcoach snack)"
PAUSE_KEYS = (" ", "p")
QUIT_KEYS = ("q",)
# How often (scaled minutes) the history is looked at for a break taken meanwhile.
LOOK_EVERY = timedelta(minutes=1)


def notifier_command(configured: str | None) -> list[str] | None:
    """The notifier: the one named (BACKCOACH_NOTIFY, or config's notify), split like a
    shell would but never run by one; else the platform's; else None (the bell)."""
    if configured:
        words = shlex.split(configured)
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


class Schedule(NamedTuple):
    """When to remind: every so many minutes, within the hours of the day."""

    every: int  # minutes
    hours: Hours


class Nudge(NamedTuple):
    """How a reminder reaches the person: the notifier (None: none to be had, so the
    bell), the line said for each, and the terminal bell."""

    command: list[str] | None
    say: Callable[[str], None]
    bell: Callable[[], None] = lambda: None


class Breaks(NamedTuple):
    """The history's part: when the newest desk break began, and keeping each reminder."""

    last: Callable[[], datetime | None]
    record: Callable[[datetime], None]


class Reminders:
    """The loop: wait, nudge, repeat; a key pauses; a break taken restarts the wait."""

    def __init__(
        self, schedule: Schedule, clock: Clock, keys: KeySource, nudge: Nudge, breaks: Breaks
    ) -> None:
        self.every = timedelta(minutes=schedule.every)
        self.hours, self.command, self.clock, self.keys = schedule.hours, nudge.command, clock, keys
        self.say, self.last_break, self.record = nudge.say, breaks.last, breaks.record
        self.bell = nudge.bell
        self.started_wall = datetime.now().astimezone()
        self.started_clock = clock.now()
        self.given = 0
        self.running: list[subprocess.Popen[bytes]] = []

    def now(self) -> datetime:
        return self.started_wall + timedelta(seconds=self.clock.now() - self.started_clock)

    def run(self, times: int | None) -> int:
        """Remind until `times` reminders were given (None: until q or Ctrl-C)."""
        try:
            self._loop(times)
        except _Quit:
            pass
        return self.given

    def _loop(self, times: int | None) -> None:
        due = self._next(self.now())
        self.say(f"Next reminder at {due:%H:%M}. p pauses, q stops.")
        seen_break = self.last_break()
        while times is None or self.given < times:
            now = self.now()
            if now >= due:
                self._remind(now)
                due = self._next(now)
                if times is None or self.given < times:
                    self.say(f"Next reminder at {due:%H:%M}.")
                continue
            wait = min(due - now, LOOK_EVERY).total_seconds()
            key = self.keys.read(wait)
            if key is not None and key.name in QUIT_KEYS:
                return
            if key is not None and key.name in PAUSE_KEYS:
                self._pause()
                due = self._next(self.now())
                self.say(f"Going on. Next reminder at {due:%H:%M}.")
                continue
            taken = self.last_break()
            if taken is not None and taken != seen_break:
                seen_break = taken
                due = self._next(max(taken, self.now()))
                self.say(f"Break taken: well done. Next reminder at {due:%H:%M}.")
            self._reap()

    def _next(self, after: datetime) -> datetime:
        due = after + self.every
        return due if self.hours.contain(due) else self.hours.next_start(due)

    def _remind(self, now: datetime) -> None:
        self.given += 1
        started = send(self.command, MESSAGE) if self.command else None
        if started is not None:
            self.running.append(started)
            self.say(f"{now:%H:%M} {MESSAGE}")
        else:  # no notifier to be had: the terminal bell
            self.bell()
            self.say(f"{now:%H:%M} {MESSAGE}")
        self.record(now)

    def _pause(self) -> None:
        self.say("Paused: press p (or space) to go on, q to stop.")
        while True:
            key = self.keys.read(None)
            if key is not None and key.name in QUIT_KEYS:
                raise _Quit
            if key is not None and key.name in PAUSE_KEYS:
                return

    def _reap(self) -> None:
        """Forget notifiers that have finished; one that hangs is left running."""
        self.running = [process for process in self.running if process.poll() is None]


class _Quit(Exception):
    pass


def configured_notifier() -> str | None:
    return os.environ.get("BACKCOACH_NOTIFY") or None


def remind(every: int | None, between: str | None, times: int | None, out: Console) -> None:
    """`backcoach remind`: the options over config's defaults, then a reminder at each due
    time until `times` were given (None: until q or Ctrl-C), and how many were."""
    from backcoach.config import parse_between, parse_every
    from backcoach.plan import prepare as coaching
    from backcoach.timer.clock import SystemClock, time_scale
    from backcoach.timer.keys import for_terminal

    defaults = coaching.settings()
    minutes = parse_every(every if every is not None else defaults["remind_every"])
    hours = parse_between(between if between is not None else defaults["remind_between"])
    if times is not None and times < 1:
        raise UsageError(f"--times must be a whole number of at least 1, not {times}")
    command = notifier_command(configured_notifier() or defaults["notify"] or None)
    if command is None:
        out.print("No desktop notifier found: reminders ring the terminal bell here.")
    clock = SystemClock(time_scale())

    def say(line: str) -> None:
        out.print(line, markup=False, highlight=False)

    given = 0
    with for_terminal(clock) as keys:
        nudge = Nudge(command, say, out.bell)
        breaks = Breaks(_last_break, _record_reminder)
        reminders = Reminders(Schedule(minutes, hours), clock, keys, nudge, breaks)
        out.print(f"Reminding every {minutes} min between {hours}.", markup=False)
        try:
            given = reminders.run(times)
        except KeyboardInterrupt:
            from backcoach.errors import Interrupted

            say(f"Reminders stopped: {reminders.given} given.")
            raise Interrupted("reminders stopped by Ctrl-C") from None
    say(f"Reminders stopped: {given} given.")


def _last_break() -> datetime | None:
    from backcoach.history.routines import last_break
    from backcoach.history.store import existing_history

    history = existing_history()
    if history is None:
        return None
    with history:
        return last_break(history)


def _record_reminder(at: datetime) -> None:
    """Kept for stats; a history that cannot be written does not stop the reminders."""
    from backcoach.errors import StorageError
    from backcoach.history.routines import record_reminder
    from backcoach.history.store import open_history

    try:
        with open_history() as history:
            record_reminder(history, at)
    except StorageError:
        pass
