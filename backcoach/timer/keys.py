"""Key sources for a live session.

The terminal reader puts the terminal in cbreak mode (keys arrive at once, no
echo; Ctrl-C still interrupts) and waits for a key with a timeout, so an idle
countdown sleeps in select() instead of polling. The terminal is restored in
`finally`, before suspending on Ctrl-Z, and on every way out.

Ctrl-Z (SIGTSTP) is taken at the next read, not in the signal handler: the view
steps aside there (`around_stop`: the alternate screen left, the cursor shown),
the terminal is restored, and only then does the process stop. After `fg`
(SIGCONT) cbreak returns, the view is drawn again, and the engine gets SUSPENDED:
the time stopped is paused time.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import Any, Protocol

from backcoach.timer.clock import Clock

# Pseudo-keys the reader reports besides real key presses.
RESIZED = "<resize>"
SUSPENDED = "<suspended>"


@dataclass(frozen=True)
class Key:
    name: str
    # Session time at which it happened (for a suspension: when it began).
    at: float


class KeySource(Protocol):
    def read(self, timeout: float | None) -> Key | None:
        """Wait up to `timeout` session seconds (None: forever) for a key."""

    def suspended(self) -> AbstractContextManager[None]:
        """The terminal as the shell left it, for asking a question mid-session."""

    def __enter__(self) -> KeySource: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class NoKeys:
    """For when stdin is not a terminal: nothing to read, so just wait."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def read(self, timeout: float | None) -> Key | None:
        if timeout is None:
            raise RuntimeError("cannot wait for a key without a terminal")
        self.clock.sleep(timeout)
        return None

    def suspended(self) -> AbstractContextManager[None]:
        return nullcontext()

    def __enter__(self) -> NoKeys:
        return self

    def __exit__(self, *_: object) -> None:
        return None


def for_terminal(clock: Clock) -> KeySource:
    """The right reader for this process: the terminal's, or none."""
    try:
        interactive = sys.stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        return NoKeys(clock)
    if sys.platform == "win32":
        return WindowsKeys(clock)
    return PosixKeys(clock)


class PosixKeys:
    """cbreak + select() with a timeout; a self-pipe wakes it on resize."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.fd = sys.stdin.fileno()
        self._saved: list[Any] | None = None
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._events: list[Key] = []
        self._old_handlers: dict[int, object] = {}
        self._stop_asked: float | None = None  # when Ctrl-Z came, until it is taken
        # What steps aside while the process is stopped (the live view's full screen).
        self.around_stop: Callable[[], AbstractContextManager[None]] = nullcontext

    def __enter__(self) -> PosixKeys:
        self._enter_cbreak()
        for signum, handler in (
            (signal.SIGWINCH, self._on_resize),
            (signal.SIGTSTP, self._on_suspend),
        ):
            self._old_handlers[signum] = signal.signal(signum, handler)
        return self

    def __exit__(self, *_: object) -> None:
        try:
            self.restore()
        finally:
            for signum, handler in self._old_handlers.items():
                signal.signal(signum, handler)  # type: ignore[arg-type]
            os.close(self._wake_r)
            os.close(self._wake_w)

    def _enter_cbreak(self) -> None:
        import termios
        import tty

        if self._saved is None:
            self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd, termios.TCSANOW)

    @contextmanager
    def suspended(self) -> Iterator[None]:
        """The terminal as the shell left it; Ctrl-Z stops the process as usual meanwhile."""
        self.restore()
        previous = signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        try:
            yield
        finally:
            signal.signal(signal.SIGTSTP, previous)
            self._enter_cbreak()

    def restore(self) -> None:
        import termios

        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"!")
        except OSError:
            pass

    def _on_resize(self, _signum: int, _frame: FrameType | None) -> None:
        self._events.append(Key(RESIZED, self.clock.now()))
        self._wake()

    def _on_suspend(self, _signum: int, _frame: FrameType | None) -> None:
        # Only noted here: a frame may be half drawn. The next read stops the process.
        if self._stop_asked is None:
            self._stop_asked = self.clock.now()
        self._wake()

    def _stop(self, began: float) -> Key:
        """Give the shell a sane terminal and the screen it had, stop, and come back."""
        with self.around_stop():
            self.restore()
            sys.stdout.write("\x1b[?25h")  # show the cursor
            sys.stdout.flush()
            signal.signal(signal.SIGTSTP, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTSTP)
            # Execution continues here after `fg` (SIGCONT).
            signal.signal(signal.SIGTSTP, self._on_suspend)
            self._enter_cbreak()
        return Key(SUSPENDED, began)  # leaving `around_stop` drew the view again

    def read(self, timeout: float | None) -> Key | None:
        import select

        if self._stop_asked is not None or self._events:
            return self._next()
        real_timeout = None if timeout is None else max(0.0, timeout * self.clock.scale)
        ready, _, _ = select.select([self.fd, self._wake_r], [], [], real_timeout)
        if self._wake_r in ready:
            try:
                os.read(self._wake_r, 512)
            except OSError:
                pass
        if self._stop_asked is not None or self._events:
            return self._next()
        if self.fd in ready:
            data = os.read(self.fd, 32)
            if not data:
                return None
            return Key(_name(data), self.clock.now())
        return None

    def _next(self) -> Key:
        if self._stop_asked is not None:
            began, self._stop_asked = self._stop_asked, None
            return self._stop(began)
        return self._events.pop(0)


def _name(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    if text.startswith("\x1b"):
        return "escape"
    if text in ("\r", "\n"):
        return "enter"
    return text[:1].lower()


class WindowsKeys:
    """msvcrt has no wait-with-timeout, so this one checks every 50 ms."""

    POLL = 0.05

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def suspended(self) -> AbstractContextManager[None]:
        return nullcontext()

    def __enter__(self) -> WindowsKeys:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def read(self, timeout: float | None) -> Key | None:
        import time

        if sys.platform != "win32":  # keeps mypy's platform checks honest
            raise RuntimeError("WindowsKeys only runs on Windows")
        import msvcrt

        deadline = None if timeout is None else time.monotonic() + timeout * self.clock.scale
        while True:
            if msvcrt.kbhit():
                char = msvcrt.getwch()
                return Key("enter" if char == "\r" else char.lower(), self.clock.now())
            if deadline is not None and time.monotonic() >= deadline:
                return None
            time.sleep(self.POLL)
