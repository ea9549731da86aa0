"""One coached session, wired together, in the order a person goes through it.

plan shown → red-flag screen → pain now (and a flare-up offer) → Ready? →
the session live (engine → renderer, cues, the history) → pain after, effort
→ saved → summary.

`cli.py` parses options and calls `coach`; this module owns the order and the
terminal's state around it. The engine never prints and never asks: the
symptom-spread question is asked here, from the engine's after-step hook.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from rich.console import Console

from backcoach import planner, safety
from backcoach.clock import Clock
from backcoach.cues import Speaker
from backcoach.engine import Engine, Event, Listener, Outcome, StepDecision, StepDone
from backcoach.errors import Interrupted, Terminated, UsageError
from backcoach.keys import KeySource
from backcoach.models import Catalogue, Plan, focus_words
from backcoach.render import LiveRenderer, PlainRenderer, SessionView, minutes_text, plan_view
from backcoach.storage import History


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


def console_asker(console: Console) -> safety.Ask:
    def ask(question: str) -> str:
        try:
            return console.input(f"{question}: ", markup=False, emoji=False)
        except EOFError:
            raise UsageError(
                "standard input closed while backcoach was asking a question",
                hint="add --yes to run without questions",
            ) from None

    return ask


class _Recorder:
    """Writes each exercise's result to the history the moment it ends."""

    def __init__(self, history: History, session_id: int, engine: Engine) -> None:
        self.history = history
        self.session_id = session_id
        self.engine = engine

    def __call__(self, event: Event) -> None:
        if isinstance(event, StepDone):
            work = self.engine.outcome.work_done[event.step]
            self.history.record_exercise(self.session_id, event.step, event.status, work)


def coach(
    catalogue: Catalogue,
    request: planner.Request,
    options: Options,
    out: Console,
    clock: Clock,
    keys: KeySource,
    history: History,
    ask: safety.Ask | None = None,
) -> Outcome | None:
    """Run the whole session flow. Returns None when the safety screen stopped it."""
    ask = None if options.yes else (ask or console_asker(out))
    plan = planner.build(catalogue, request)
    out.print(plan_view(plan))
    out.print()
    focus = focus_words(plan.regions, plan.kinds)

    screening = safety.screen(out, ask, yes=options.yes)
    if screening.tier is not None:
        safety.advise(out, screening)
        history.record_red_flags(plan, focus, screening.codes, screening.tier.value)
        return None

    pain_before = None if ask is None else safety.ask_pain(out, ask, "now")
    if (
        ask is not None
        and pain_before is not None
        and pain_before >= safety.FLARE_UP_OFFER_AT
        and not request.flare_up
    ):
        gentler = safety.ask_yes_no(
            out,
            ask,
            f"Your pain is {pain_before}/10. Switch to a gentler flare-up session "
            "(stretches only, shorter holds, fewer reps)?",
            default=True,
        )
        if gentler:
            request = request._replace(flare_up=True)
            plan = planner.build(catalogue, request)
            out.print(plan_view(plan))
    if ask is not None:
        ask("Ready? Press Enter to begin (Ctrl-C to stop)")

    return _live(
        plan, catalogue, options, out, clock, keys, history, ask, focus, pain_before, request
    )


def _live(
    plan: Plan,
    catalogue: Catalogue,
    options: Options,
    out: Console,
    clock: Clock,
    keys: KeySource,
    history: History,
    ask: safety.Ask | None,
    focus: str,
    pain_before: int | None,
    request: planner.Request,
) -> Outcome:
    by_id = catalogue.by_id()
    view = SessionView(plan, clock.scale)
    plain = options.plain or not out.is_terminal
    renderer: LiveRenderer | PlainRenderer = (
        PlainRenderer(out, view) if plain else LiveRenderer(out, view)
    )
    listeners: list[Listener] = [renderer]
    speaker = _cues(options.sound, plan, out, listeners)

    extension_steps = {
        index for index, step in enumerate(plan.steps) if by_id[step.exercise].extension
    }

    def after_step(step: int) -> StepDecision | None:
        """The symptom-spread rule: asked after each extension exercise that was done.

        Only the engine calls this, while it runs: `session_id` is set by then.
        """
        if ask is None or step not in extension_steps:
            return None
        if engine.outcome.statuses[step] not in ("done", "partial"):
            return None
        with renderer.suspended(), keys.suspended():
            spread = safety.ask_yes_no(out, ask, safety.SYMPTOM_QUESTION, default=False)
            out.print(safety.SYMPTOM_STOP if spread else safety.SYMPTOM_GOOD)
        if not spread:
            return None
        history.record_exercise(session_id, step, "stopped", engine.outcome.work_done[step])
        history.record_symptoms_spread(session_id)
        return StepDecision(leave_out=frozenset(i for i in extension_steps if i > step))

    engine = Engine(plan, clock, keys, listeners, after_step=after_step)
    session_id = history.begin(
        plan,
        focus,
        pain_before,
        engine.outcome.work_planned,
        flare_up=request.flare_up,
    )
    engine.subscribe(_Recorder(history, session_id, engine))

    try:
        with _sigterm_raises(), keys, renderer:
            outcome = engine.run()
    except KeyboardInterrupt:
        _silence(speaker)
        _interrupted(engine, plan, out, history, session_id, "Ctrl-C")
        raise Interrupted("stopped with Ctrl-C; what you did is kept") from None
    except _SigTerm:
        _silence(speaker)
        _interrupted(engine, plan, out, history, session_id, "a stop signal")
        raise Terminated("stopped by a signal (SIGTERM); what you did is kept") from None

    if speaker is not None:
        speaker.close(let_last_finish=True)
    pain_after = effort = None
    if ask is not None:
        pain_after = safety.ask_pain(out, ask, "now, after the session")
        effort = safety.ask_effort(out, ask)
    history.finish(
        session_id,
        outcome=outcome.reason or "stopped",
        completed=outcome.reason == "done",
        active_seconds=outcome.active,
        pain_after=pain_after,
        effort=effort,
    )
    summary(outcome, plan, out)
    if pain_before is not None and pain_after is not None and pain_after - pain_before >= 2:
        out.print(
            f"Your pain rose by {pain_after - pain_before}. Next time backcoach makes these "
            "exercises a little easier. If pain keeps rising, or does not settle within a day, "
            "see a doctor or physiotherapist."
        )
    out.print(f"Saved as session {session_id}. See: backcoach history", style="dim")
    return outcome


def _cues(sound: str, plan: Plan, out: Console, listeners: list[Listener]) -> Speaker | None:
    """Subscribe the chosen cues; with no speech engine, say so and fall back to the bell."""
    from backcoach.cues import Bell, Speaker, Voice, no_engine_message, speech_command

    if sound == "voice":
        command = speech_command()
        if command is not None:
            speaker = Speaker(command)
            listeners.append(Voice(plan, speaker.say))
            return speaker
        Console(stderr=True).print(
            f"{no_engine_message()}. Using the bell instead.", style="yellow", soft_wrap=True
        )
        sound = "bell"
    if sound == "bell" and out.is_terminal:
        listeners.append(Bell(out))
    return None


def _silence(speaker: Speaker | None) -> None:
    if speaker is not None:
        speaker.close(let_last_finish=False)


def _interrupted(
    engine: Engine, plan: Plan, out: Console, history: History, session_id: int, how: str
) -> None:
    outcome = engine.abandon()
    history.finish(
        session_id, outcome="interrupted", completed=False, active_seconds=outcome.active
    )
    summary(outcome, plan, out, interrupted=how)


def summary(outcome: Outcome, plan: Plan, out: Console, interrupted: str | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    done = sum(status == "done" for status in outcome.statuses)
    table = Table(title="What you did", title_justify="left", header_style="bold", pad_edge=False)
    table.add_column("exercise")
    table.add_column("result")
    words: dict[str, str] = {"pending": "not reached", "stopped": "stopped (symptoms)"}
    for step, status in zip(plan.steps, outcome.statuses, strict=True):
        table.add_row(step.name, words.get(status, status))
    out.print(table)
    headline = {
        "done": "Session complete.",
        "quit": "Session ended early.",
        "stopped": "Session stopped.",
        None: f"Session stopped by {interrupted}.",
    }[outcome.reason]
    out.print(
        Text.assemble(
            (headline, "bold"),
            f" {done} of {len(plan.steps)} exercises done in {minutes_text(outcome.active)}",
            f" (paused {minutes_text(outcome.paused_total)})" if outcome.paused_total >= 1 else "",
            ".",
        )
    )
