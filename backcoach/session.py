"""One coached session, wired together: plan → engine → renderer, cues (and storage).

`cli.py` parses options and calls `run`; this module owns the order of things
a person goes through, and the terminal's state around them.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from rich.console import Console

from backcoach.clock import Clock
from backcoach.engine import Engine, Listener, Outcome
from backcoach.errors import Interrupted, Terminated, UsageError
from backcoach.keys import KeySource
from backcoach.models import Catalogue, Plan
from backcoach.render import LiveRenderer, PlainRenderer, SessionView, minutes_text


@dataclass(frozen=True)
class Options:
    yes: bool = False
    plain: bool = False
    sound: str = "bell"


class _SigTerm(Exception):
    pass


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM becomes an exception so `finally` blocks restore the terminal."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise _SigTerm

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def check_can_ask(options: Options) -> None:
    if not options.yes and not stdin_is_terminal():
        raise UsageError(
            "start asks questions before and after a session, but standard input is not a terminal",
            hint="run it in a terminal, or add --yes to confirm the safety list and skip "
            "every question",
        )


def run(
    plan: Plan,
    catalogue: Catalogue,
    options: Options,
    out: Console,
    err: Console,
    clock: Clock,
    keys: KeySource,
) -> Outcome:
    """Coach `plan` live. Raises Interrupted (Ctrl-C) or Terminated (SIGTERM) after saving."""
    cue_of = {exercise.id: exercise.first_cue for exercise in catalogue.exercises}
    view = SessionView(plan, cue_of, clock.scale)
    plain = options.plain or not out.is_terminal
    renderer: LiveRenderer | PlainRenderer = (
        PlainRenderer(out, view) if plain else LiveRenderer(out, view)
    )
    listeners: list[Listener] = [renderer]
    if options.sound == "bell" and out.is_terminal:
        from backcoach.cues import Bell

        listeners.append(Bell(out))
    engine = Engine(plan, clock, keys, listeners)
    try:
        with _sigterm_raises(), keys, renderer:
            outcome = engine.run()
    except KeyboardInterrupt:
        summary(engine.abandon(), plan, out, interrupted="Ctrl-C")
        raise Interrupted("stopped with Ctrl-C; what you did is kept") from None
    except _SigTerm:
        summary(engine.abandon(), plan, out, interrupted="a stop signal")
        raise Terminated("stopped by a signal (SIGTERM); what you did is kept") from None
    summary(outcome, plan, out)
    return outcome


def summary(outcome: Outcome, plan: Plan, out: Console, interrupted: str | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    done = sum(status == "done" for status in outcome.statuses)
    table = Table(title="What you did", title_justify="left", header_style="bold", pad_edge=False)
    table.add_column("exercise")
    table.add_column("result")
    for step, status in zip(plan.steps, outcome.statuses, strict=True):
        table.add_row(step.name, {"pending": "not reached"}.get(status, status))
    out.print(table)
    active = outcome.elapsed - outcome.paused_total
    headline = {
        "done": "Session complete.",
        "quit": "Session ended early.",
        "stopped": "Session stopped.",
        None: f"Session stopped by {interrupted}.",
    }[outcome.reason]
    out.print(
        Text.assemble(
            (headline, "bold"),
            f" {done} of {len(plan.steps)} exercises done in {minutes_text(active)}",
            f" (paused {minutes_text(outcome.paused_total)})" if outcome.paused_total >= 1 else "",
            ".",
        )
    )
