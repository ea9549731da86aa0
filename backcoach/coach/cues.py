"""Sound cues. They subscribe to engine events, like the renderer, and never block.

- bell: the terminal bell when each hold or repetition starts and when a hold ends.
- voice: a speech engine already on the machine says what matters: the next
  exercise, its most important caution and its first cue while getting ready, "hold", the last three
  seconds, "rest", "switch sides", "session done". Numbers are not read every
  second. Speech runs alongside the countdown; a phrase still playing when
  the next is due is cut short, and the next exercise is announced at the
  start of the get-ready so it has time to finish.
"""

from __future__ import annotations

import math
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.models import Plan
    from backcoach.plan.timeline import Segment
    from backcoach.timer import engine as ev

NUMBER_WORDS = {3: "three", 2: "two", 1: "one"}
INSTALL_HINT = {
    "linux": "install one with: sudo apt install espeak-ng (or your system's package manager)",
    "darwin": "macOS has `say` built in; check that /usr/bin/say exists",
    "win32": "Windows PowerShell with System.Speech is needed",
}


class Bell:
    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, event: ev.Event) -> None:
        from backcoach.timer import engine as ev

        if isinstance(event, ev.SegmentStarted):
            segment = event.segment
            if segment.starts_rep:
                self.console.bell()
        elif isinstance(event, ev.SegmentDone):
            segment = event.segment
            if segment.is_hold:
                self.console.bell()


def speech_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The command to speak with, text to be appended as its last argument; None if none.

    Looks on `environ`'s PATH (this process's environment by default).
    """
    env = os.environ if environ is None else environ
    path = env.get("PATH", os.defpath)

    def which(name: str) -> str | None:
        return shutil.which(name, path=path)

    custom = env.get("BACKCOACH_TTS", "").strip()
    if custom:
        parts = _split_tts(custom)
        return parts if which(parts[0]) else None
    if sys.platform == "darwin" and which("say"):
        return ["say"]
    if sys.platform == "win32":
        shell = which("powershell") or which("pwsh")
        if shell:
            # The text travels in an environment variable: never parsed as code.
            script = (
                "Add-Type -AssemblyName System.Speech; "
                "(New-Object System.Speech.Synthesis.SpeechSynthesizer).Speak($env:BACKCOACH_SAY)"
            )
            return [shell, "-NoProfile", "-NonInteractive", "-Command", script]
        return None
    for name, args in (("espeak-ng", []), ("espeak", []), ("spd-say", ["-w"])):
        found = which(name)
        if found:
            return [found, *args]
    return None


class Speaker:
    """Runs one phrase at a time in the background; a new phrase replaces the old.

    Each phrase runs in a process group of its own, so stopping it stops whatever the
    engine started too; one that ignores SIGTERM is killed after a short grace, so
    stopped phrases never pile up.
    """

    GRACE = 1.0  # seconds a stopped phrase has to exit before SIGKILL

    def __init__(self, command: Sequence[str]) -> None:
        self.command = list(command)
        self.current: subprocess.Popen[bytes] | None = None
        # Stopped phrases and when they were stopped, reaped once they have exited.
        self.stopping: list[tuple[subprocess.Popen[bytes], float]] = []
        self.windows = sys.platform == "win32" and "-Command" in self.command

    def say(self, text: str) -> None:
        self.stop()
        self._reap()
        env = None
        args = [*self.command, text]
        if self.windows:
            env = dict(os.environ, BACKCOACH_SAY=text)
            args = self.command
        try:
            self.current = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=not self.windows,
            )
        except OSError:
            self.current = None  # a voice that fails must never stop the session

    def stop(self) -> None:
        if self.current is not None:
            if self.current.poll() is None:
                _signal_group(self.current, kill=False)
                self.stopping.append((self.current, time.monotonic()))
            self.current = None

    def _reap(self) -> None:
        """Forget phrases that have exited; SIGKILL those past their grace."""
        now = time.monotonic()
        still: list[tuple[subprocess.Popen[bytes], float]] = []
        for process, stopped_at in self.stopping:
            if process.poll() is not None:
                continue
            if now - stopped_at > self.GRACE:
                _signal_group(process, kill=True)
            still.append((process, stopped_at))
        self.stopping = still

    def close(self, *, let_last_finish: bool) -> None:
        """At the end: reap what was stopped; the last phrase may play out ("session done")."""
        if not let_last_finish:
            self.stop()
        for process, _ in self.stopping:
            try:
                process.wait(timeout=self.GRACE)
            except subprocess.TimeoutExpired:
                _signal_group(process, kill=True)
                try:
                    process.wait(timeout=self.GRACE)
                except subprocess.TimeoutExpired:
                    pass  # unkillable (stopped in the kernel): nothing more to do
        self.stopping = []
        if self.current is not None and self.current.poll() is not None:
            self.current = None


def _signal_group(process: subprocess.Popen[bytes], *, kill: bool) -> None:
    """SIGTERM (or SIGKILL) to the phrase's whole process group."""
    if sys.platform == "win32":
        process.kill() if kill else process.terminate()
        return
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass  # already gone


class Voice:
    """Turns engine events into short spoken phrases."""

    def __init__(self, plan: Plan, say: Callable[[str], None]) -> None:
        self.plan = plan
        self.say = say
        self.last_count: tuple[int, int] | None = None

    def __call__(self, event: ev.Event) -> None:
        from backcoach.timer import engine as ev

        if isinstance(event, ev.SegmentStarted):
            self._started(event.segment)
        elif isinstance(event, ev.Tick):
            self._tick(event.segment, event.remaining)
        elif isinstance(event, ev.Paused):
            self.say("paused")
        elif isinstance(event, ev.Resumed):
            self.say("go on")
        elif isinstance(event, ev.SessionEnded):
            self.say("session done" if event.reason == "done" else "session ended")

    def _started(self, segment: Segment) -> None:
        step = self.plan.steps[segment.step_index]
        if segment.activity == "ready":
            prefix = "First" if segment.step_index == 0 else "Next"
            # The caution comes before the cue: it is what must not be missed.
            self.say(f"{prefix}: {step.name}. {step.caution} {step.cue}".strip())
        elif segment.activity == "work":
            self.say(work_words(segment))
        elif segment.activity == "relax":
            self.say("relax")
        elif segment.activity == "switch":
            self.say(f"switch to the {segment.side} side" if segment.side else "switch sides")
        elif segment.activity == "rest":
            self.say(f"rest. Next: {segment.next_label}")

    def _tick(self, segment: Segment, remaining: float) -> None:
        if segment.activity != "ready" and not segment.is_hold:
            return
        if segment.seconds < 6:
            return  # short waits: the count would talk over the cue
        shown = math.ceil(remaining - 1e-9)
        word = NUMBER_WORDS.get(shown)
        if word is not None and self.last_count != (id(segment), shown):
            self.last_count = (id(segment), shown)
            self.say(word)


def work_words(segment: Segment) -> str:
    """What is said as work starts: the rep's number with its first phase, "last one",
    and which side starts; later phases of a rep just their name ("back")."""
    word = "hold" if segment.is_hold else segment.label
    if not segment.starts_rep:
        return word
    if segment.reps > 1 and segment.rep == segment.reps:
        said = f"last one: {word}"
    elif segment.is_hold or segment.reps <= 1:
        said = word
    else:
        said = f"{segment.rep}: {word}"
    if segment.side == "left" and segment.rep == 1 and segment.set_number == 1:
        said = f"left side first. {said}"
    return said


def _split_tts(custom: str) -> list[str]:
    from backcoach.errors import UsageError

    try:
        parts = shlex.split(custom)
    except ValueError as exc:
        raise UsageError(
            f"BACKCOACH_TTS cannot be read as a command ({exc}): {custom!r}",
            hint='quote as a shell would, e.g. BACKCOACH_TTS="espeak-ng -s 150"',
        ) from None
    if not parts:
        raise UsageError("BACKCOACH_TTS is set but names no command")
    return parts


def install_hint() -> str:
    return INSTALL_HINT.get(sys.platform, INSTALL_HINT["linux"])


def no_engine_message(environ: Mapping[str, str] | None = None) -> str:
    """Why `speech_command` found nothing, in the person's terms."""
    env = os.environ if environ is None else environ
    custom = env.get("BACKCOACH_TTS", "").strip()
    if custom:
        return f"BACKCOACH_TTS names {_split_tts(custom)[0]!r}, which was not found"
    return f"no speech engine found (espeak-ng, espeak, spd-say or say): {install_hint()}"
