"""One coached session, in the order a person goes through it.

plan shown → red-flag screen → pain now (and a flare-up offer) → Ready? →
the session live (LiveSession: engine → view, cues, the history) → pain
after, effort → saved → summary.

`coaching.py` prepares the plan; this module owns the order, the questions
and the terminal's state around the live part. The engine never prints and
never asks: the symptom-spread question is asked here, from its after-step hook.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from rich.console import Console

from backcoach import safety
from backcoach.clock import Clock
from backcoach.coaching import Prepared
from backcoach.cues import Speaker
from backcoach.engine import Engine, Event, Listener, Outcome, StepDecision, StepDone
from backcoach.errors import Interrupted, Terminated, UsageError
from backcoach.keys import KeySource
from backcoach.models import Catalogue, Plan
from backcoach.render.catalogue import plan_view
from backcoach.render.history import session_summary
from backcoach.render.live import LiveRenderer, PlainRenderer, SessionView
from backcoach.storage import History
from backcoach.timeline import segments
from backcoach.vocabulary import focus_words


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


def check_can_ask(options: Options) -> None:
    try:
        interactive = sys.stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not options.yes and not interactive:
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


def coach(
    prepared: Prepared,
    options: Options,
    out: Console,
    clock: Clock,
    keys: KeySource,
    history: History,
    ask: safety.Ask | None = None,
) -> Outcome | None:
    """Run the whole session flow. Returns None when the safety screen stopped it."""
    ask = None if options.yes else (ask or console_asker(out))
    plan = prepared.plan()
    out.print(plan_view(plan))
    out.print()

    screening = safety.screen(out, ask, yes=options.yes)
    if screening.tier is not None:
        from backcoach.render.safety import advice_panel

        out.print(advice_panel(screening))
        history.record_red_flags(
            plan, focus_words(plan.regions, plan.kinds), screening.codes, screening.tier.value
        )
        return None

    pain_before = None if ask is None else safety.ask_pain(out, ask, "now")
    if (
        ask is not None
        and pain_before is not None
        and pain_before >= safety.FLARE_UP_OFFER_AT
        and not prepared.request.flare_up
    ):
        gentler = safety.ask_yes_no(
            out,
            ask,
            f"Your pain is {pain_before}/10. Switch to a gentler flare-up session "
            "(stretches only, shorter holds, fewer reps)?",
            default=True,
        )
        if gentler:
            plan = prepared.plan(flare_up=True)
            out.print(plan_view(plan))
    if ask is not None:
        ask("Ready? Press Enter to begin (Ctrl-C to stop)")

    live = LiveSession(plan, prepared.candidates, options, out, clock, keys, history, ask)
    return live.run(pain_before)


class LiveSession:
    """The live part of one session, from its first "get ready" to its summary.

    Life cycle: made (the timeline, the view, the cues and the engine set up,
    nothing written yet) → `run()`: the record is opened in the history, the
    engine runs with the view, the cues and the recorder listening, and the
    record is closed, as finished (after the closing questions) or as
    interrupted (Ctrl-C, SIGTERM). Each exercise is saved the moment it ends.
    """

    def __init__(
        self,
        plan: Plan,
        catalogue: Catalogue,
        options: Options,
        out: Console,
        clock: Clock,
        keys: KeySource,
        history: History,
        ask: safety.Ask | None,
    ) -> None:
        self.plan, self.out, self.keys, self.history, self.ask = plan, out, keys, history, ask
        timeline = segments(plan)
        view = SessionView(plan, timeline, clock.scale)
        plain = options.plain or not out.is_terminal
        self.renderer: LiveRenderer | PlainRenderer = (
            PlainRenderer(out, view) if plain else LiveRenderer(out, view)
        )
        listeners: list[Listener] = [self.renderer]
        self.speaker = _cues(options.sound, plan, out, listeners)
        by_id = catalogue.by_id()
        self.extension_steps = frozenset(
            index for index, step in enumerate(plan.steps) if by_id[step.exercise].extension
        )
        self.engine = Engine(timeline, clock, keys, listeners, after_step=self._after_step)
        self.session_id: int | None = None

    def run(self, pain_before: int | None) -> Outcome:
        engine = self.engine
        self.session_id = self.history.begin(
            self.plan,
            focus_words(self.plan.regions, self.plan.kinds),
            pain_before,
            engine.outcome.work_planned,
            flare_up=self.plan.flare_up,
        )
        engine.subscribe(self._record)
        try:
            with _sigterm_raises(), self.keys, self.renderer:
                outcome = engine.run()
        except KeyboardInterrupt:
            self._interrupted("Ctrl-C")
            raise Interrupted("stopped with Ctrl-C; what you did is kept") from None
        except _SigTerm:
            self._interrupted("a stop signal")
            raise Terminated("stopped by a signal (SIGTERM); what you did is kept") from None

        if self.speaker is not None:
            self.speaker.close(let_last_finish=True)
        pain_after = effort = None
        if self.ask is not None:
            pain_after = safety.ask_pain(self.out, self.ask, "now, after the session")
            effort = safety.ask_effort(self.out, self.ask)
        self.history.finish(
            self.session_id,
            outcome=outcome.reason or "stopped",
            completed=outcome.reason == "done",
            active_seconds=outcome.active,
            pain_after=pain_after,
            effort=effort,
        )
        self.out.print(session_summary(self.plan, outcome, None, pain_before, pain_after))
        self.out.print(f"Saved as session {self.session_id}. See: backcoach history", style="dim")
        return outcome

    def _record(self, event: Event) -> None:
        """Each exercise's result goes to the history the moment it ends."""
        if isinstance(event, StepDone) and self.session_id is not None:
            self.history.record_exercise(
                self.session_id,
                event.step_index,
                event.status,
                event.work_seconds,
                event.active_seconds,
            )

    def _after_step(self, step_index: int) -> StepDecision | None:
        """The symptom-spread rule: asked after each extension exercise that was done."""
        if self.ask is None or step_index not in self.extension_steps:
            return None
        if self.engine.outcome.statuses[step_index] not in ("done", "partial"):
            return None
        with self.renderer.suspended(), self.keys.suspended():
            spread = safety.ask_yes_no(self.out, self.ask, safety.SYMPTOM_QUESTION, default=False)
            self.out.print(safety.SYMPTOM_STOP if spread else safety.SYMPTOM_GOOD)
        if not spread:
            return None
        self.engine.set_status(step_index, "stopped")
        if self.session_id is not None:
            self.history.record_symptoms_spread(self.session_id)
        return StepDecision(leave_out=frozenset(i for i in self.extension_steps if i > step_index))

    def _interrupted(self, how: str) -> None:
        if self.speaker is not None:
            self.speaker.close(let_last_finish=False)
        outcome = self.engine.abandon()
        if self.session_id is not None:
            self.history.finish(
                self.session_id,
                outcome="interrupted",
                completed=False,
                active_seconds=outcome.active,
            )
        self.out.print(session_summary(self.plan, outcome, how))


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
