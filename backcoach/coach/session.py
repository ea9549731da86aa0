"""One coached session, in the order a person goes through it.

plan shown → red-flag screen → pain now (and a flare-up offer) → Ready? →
the session live (LiveSession: engine → view, cues, the history) → pain
after, effort → saved → summary.

`coaching.py` prepares the plan; this module owns the order, the questions
and the terminal's state around the live part. The engine never prints and
never asks: the symptom-spread question is asked here, from its after-step hook.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

from rich.console import Console

from backcoach import clinical
from backcoach.coach.cues import Speaker
from backcoach.coach.prompts import Ask, ask_effort, ask_pain, console_asker, yes_no
from backcoach.coach.prompts import console_say as _say
from backcoach.coach.recorder import Recorder
from backcoach.coach.screen import screen
from backcoach.errors import EndOfInput, Interrupted, StorageError, Terminated, UsageError
from backcoach.history.store import History
from backcoach.models import Catalogue, Exercise, Plan
from backcoach.plan.outlook import Outlook
from backcoach.plan.prepare import Prepared
from backcoach.plan.timeline import segments
from backcoach.render.catalogue import plan_view
from backcoach.render.guide import FIRST_TIMES, Guide
from backcoach.render.history import end_screen, session_summary
from backcoach.render.live import LiveRenderer, PlainRenderer, SessionView
from backcoach.timer.clock import Clock
from backcoach.timer.engine import Engine, Event, Listener, Outcome, StepDecision, StepDone, Tick
from backcoach.timer.keys import KeySource
from backcoach.timer.signals import Stopped, stop_signals_raise
from backcoach.vocabulary import focus_words


@dataclass(frozen=True)
class Options:
    yes: bool = False
    plain: bool = False
    sound: str = "bell"


def check_can_ask(options: Options) -> None:
    try:
        interactive = sys.stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not options.yes and not interactive:
        raise UsageError(
            "a session asks questions before and after it, but standard input is not a terminal",
            hint="run it in a terminal, or add --yes to confirm the safety list and skip "
            "every question",
        )


def coach(
    prepared: Prepared,
    options: Options,
    out: Console,
    clock: Clock,
    keys: KeySource,
    history: History | None,
    ask: Ask | None = None,
    why_unsaved: str | None = None,
) -> Outcome | None:
    """Run the whole session flow. Returns None when the safety screen stopped it.

    With no `history` (it cannot be written: `why_unsaved`), the session still runs
    and its record is shown at the end.
    """
    ask = None if options.yes else (ask or console_asker(out))
    plan = prepared.plan()
    out.print(plan_view(plan))
    out.print()

    answered = _screen(out, ask, options.yes, history)
    if answered.tier is not None:
        from backcoach.render.safety import advice_panel

        out.print(advice_panel(answered))
        try:
            if history is None:
                raise StorageError(why_unsaved or "the history cannot be written")
            history.record_red_flags(plan, _focus(plan), answered.codes, answered.tier.value)
        except StorageError as error:
            out.print(f"(Your answer could not be saved: {error.message}.)", style="yellow")
        return None

    pain_before = leg_before = None
    if not plan.snack:  # a desk break asks nothing more: it changes no dose
        prepared, plan, pain_before, leg_before = _before_session(prepared, plan, out, ask, history)
    from backcoach.render.safety import advice
    from backcoach.vocabulary import Kind, Region

    upper_only = plan.snack or set(plan.regions) == {Region.UPPER}
    out.print(advice(clinical.advice_before(upper_only, Kind.STRETCH in plan.kinds)))
    if ask is not None:
        ask("Ready? Press Enter to begin (Ctrl-C to stop)")

    from backcoach.plan.prepare import keep_routine

    unsaved = keep_routine(prepared, plan, history)  # the routine as this session uses it
    if unsaved is not None:
        out.print(f"({unsaved}.)", style="yellow", markup=False, highlight=False)
    live = LiveSession(
        plan, prepared.candidates, options, out, clock, keys, history, ask, why_unsaved
    )
    return live.run(pain_before, leg_before)


def _focus(plan: Plan) -> str:
    """The focus as the history keeps it: "lower back, stretch", or "desk break"."""
    return "desk break" if plan.snack else focus_words(plan.regions, plan.kinds)


def _before_session(
    prepared: Prepared,
    plan: Plan,
    out: Console,
    ask: Ask | None,
    history: History | None,
) -> tuple[Prepared, Plan, int | None, int | None]:
    """The questions before a session: the 24-hour rule, pain now (and the flare-up offer),
    leg symptoms. Returns the plan as the answers leave it, and pain and leg pain now."""
    if ask is not None and history is not None:
        from backcoach.coach.questions import ask_next_morning
        from backcoach.history.store import now

        unsettled = ask_next_morning(out, ask, history, now())
        if unsettled is not None:  # the 24-hour rule: a step back
            prepared = prepared.again(history, unsettled)
            plan = prepared.plan()
            out.print(plan_view(plan))
    pain_before = None if ask is None else ask_pain(ask, _say(out), "now")
    if (
        ask is not None
        and pain_before is not None
        and pain_before >= clinical.FLARE_UP_OFFER_AT
        and not prepared.request.flare_up
    ):
        gentler = yes_no(
            ask,
            _say(out),
            f"Your pain is {pain_before}/10. Switch to a gentler flare-up session "
            "(a few gentle exercises lying down, about 5 repetitions each)?",
            default=True,
        )
        if gentler:
            plan = prepared.plan(flare_up=True)
            out.print(plan_view(plan))
    leg_before = None
    if ask is not None:
        from backcoach.coach.questions import ask_leg_pain_before

        leg_before = ask_leg_pain_before(out, ask, history)
    return prepared, plan, pain_before, leg_before


def _screen(
    out: Console, ask: Ask | None, yes: bool, history: History | None
) -> clinical.Screening:
    """The red-flag screen (coach/screen.py), with what earlier checks said, recorded."""
    from backcoach.history.store import now
    from backcoach.render.safety import red_flag_list

    memory = history.screening_memory() if history is not None else clinical.Memory()
    last = memory.last_full_check
    answered = screen(
        memory,
        now(),
        ask,
        show=lambda flags, heading: out.print(red_flag_list(flags, heading)),
        say=lambda line: out.print(line, markup=False, highlight=False),
        yes=yes,
        check_time=last.astimezone().strftime("%H:%M") if last else "",
    )
    for note in answered.notes:
        out.print(note, style="dim", markup=False, highlight=False)
    if history is not None:
        try:
            if answered.full_check:
                every = [flag.code for flag in answered.flags]
                history.record_safety_check("full", every)
            if answered.clinician is not None:
                codes = [flag.code for flag in answered.clinician]
                history.record_safety_check("clinician", codes, cleared=answered.cleared)
        except StorageError as error:
            out.print(f"(The safety check could not be saved: {error.message}.)", style="yellow")
    return answered


class LiveSession:
    """The live part of one session, from its first "get ready" to its summary.

    Life cycle: made (the timeline, the view, the cues and the engine set up,
    nothing written yet) → `run()`: the record is opened, the engine runs with
    the view, the cues and the recorder listening; the session's end is saved
    (finished, or interrupted by Ctrl-C or a stop signal) before any closing
    question, and each answer the moment it is given. Writing goes through a
    Recorder, which never stops the session (recorder.py).
    """

    def __init__(
        self,
        plan: Plan,
        catalogue: Catalogue,
        options: Options,
        out: Console,
        clock: Clock,
        keys: KeySource,
        history: History | None,
        ask: Ask | None,
        why_unsaved: str | None = None,
    ) -> None:
        self.plan, self.out, self.keys, self.ask = plan, out, keys, ask
        self.catalogue = catalogue
        timeline = segments(plan)
        by_id = catalogue.by_id()
        view = SessionView(plan, timeline, clock.scale, _guides(plan, by_id, history))
        # Redrawing needs a terminal that understands cursor movement: TERM=dumb does not.
        plain = options.plain or not out.is_terminal or out.is_dumb_terminal
        self.renderer: LiveRenderer | PlainRenderer = (
            PlainRenderer(out, view) if plain else LiveRenderer(out, view)
        )
        listeners: list[Listener] = [self.renderer]
        self.speaker = _cues(options.sound, plan, out, listeners)
        # Asked about after each of these (CLINICAL.md, the symptom-spread rule).
        self.spread_question_steps = frozenset(
            index
            for index, step in enumerate(plan.steps)
            if by_id[step.exercise].extension or by_id[step.exercise].nerve_tension
        )
        self.extension_steps = frozenset(
            index for index, step in enumerate(plan.steps) if by_id[step.exercise].extension
        )
        self.engine = Engine(
            timeline,
            clock,
            keys,
            listeners,
            after_step=self._after_step,
            on_symptoms=self._on_symptoms if ask is not None else None,
        )
        self.emergency = False
        self.leg_before: int | None = None
        self.leg_after: int | None = None
        self.recorder = Recorder(history, self.renderer.notice, why_unsaved)

    def run(self, pain_before: int | None, leg_before: int | None = None) -> Outcome:
        engine, recorder = self.engine, self.recorder
        self.leg_before = leg_before
        recorder.begin(
            self.plan,
            _focus(self.plan),
            pain_before,
            engine.outcome.work_planned,
            flare_up=self.plan.flare_up,
            leg_pain_before=leg_before,
        )
        engine.subscribe(self._record)
        with stop_signals_raise():
            try:
                with self.keys, self.renderer:
                    outcome = engine.run()
            except (KeyboardInterrupt, Stopped) as stop:
                self._interrupted(
                    "Ctrl-C" if isinstance(stop, KeyboardInterrupt) else "a stop signal"
                )
                raise _stopped(stop, "what you did is kept") from None
            if self.speaker is not None:
                self.speaker.close(let_last_finish=True)
            if self.emergency:
                from backcoach.render.safety import emergency_panel

                self.out.print(emergency_panel(clinical.SYMPTOM_EMERGENCY))
            recorder.finish(outcome.reason or "stopped", outcome.reason == "done", outcome.active)
            try:
                pain_after = self._closing_questions()
            except (KeyboardInterrupt, Stopped) as stop:
                self.out.print()  # off the line the question was on
                self._close_record()
                raise _stopped(stop, "the session is kept") from None
        self.out.print(session_summary(self.plan, outcome, None, pain_before, pain_after))
        self.out.print(end_screen(self._outlook(), pain_before, pain_after))
        if self.leg_after is not None and leg_before is not None:
            from backcoach.coach.questions import CENTRALISING

            easing = f" {CENTRALISING}" if self.leg_after < leg_before else ""
            self.out.print(f"Leg pain: {leg_before} → {self.leg_after}.{easing}")
        from backcoach.render.safety import advice

        self.out.print(advice(clinical.advice_after(self.plan.flare_up, pain_before, pain_after)))
        self._close_record()
        return outcome

    def _outlook(self) -> Outlook | None:
        """The streak, this week's minutes and next time's doses; None if unreadable."""
        from datetime import UTC, datetime

        from backcoach.plan.outlook import outlook

        recorder = self.recorder
        if recorder.history is None or recorder.pending or recorder.unsaved_because:
            return None  # read from the history: only once this session is in it
        try:
            return outlook(recorder.history, self.catalogue, self.plan, datetime.now(UTC))
        except StorageError:
            return None

    def _closing_questions(self) -> int | None:
        """Pain after and effort, each saved as it is given; Ctrl-D ends the asking.

        Not after the emergency advice: the person should be getting help, not answering.
        """
        if self.ask is None or self.emergency or self.plan.snack:  # a break asks nothing
            return None
        pain_after = None
        try:
            pain_after = ask_pain(self.ask, _say(self.out), "now, after the session")
            self.recorder.answer(pain_after=pain_after)
            if self.leg_before is not None:
                self.leg_after = ask_pain(self.ask, _say(self.out), "in your leg now")
                self.recorder.answer(leg_pain_after=self.leg_after)
            self.recorder.answer(effort=ask_effort(self.ask, _say(self.out)))
        except EndOfInput:
            self.out.print("\n(Input closed: the other questions are skipped.)", style="dim")
        return pain_after

    def _close_record(self) -> None:
        """Write what is left; if the history cannot take it, show the record to keep."""
        unsaved = self.recorder.close()
        session_id = self.recorder.session_id
        if unsaved is None and session_id is not None:
            self.out.print(f"Saved as session {session_id}. See: backcoach history", style="dim")
        elif unsaved is not None:
            self.out.print(
                f"This session could not be saved ({self.recorder.unsaved_because}). "
                "Here is its record, to keep or to give to your clinician:",
                style="yellow",
            )
            self.out.print(unsaved, markup=False, highlight=False, soft_wrap=True)

    def _record(self, event: Event) -> None:
        """Each exercise's result goes to the history the moment it ends."""
        if isinstance(event, StepDone):
            self.recorder.exercise(
                event.step_index, event.status, event.work_seconds, event.active_seconds
            )
        elif isinstance(event, Tick):
            self.recorder.retry()  # if the history was busy: the queued writes again

    def _ask_key(self, question: str, keys: str) -> str:
        """A question answered with one key on the live screen: no Enter, no getting up."""
        self.renderer.notice(question)
        try:
            while True:
                key = self.keys.read(None)
                if key is not None and key.name in keys:
                    return key.name
        finally:
            self.renderer.notice("")

    def _after_step(self, step_index: int) -> StepDecision | None:
        """The symptom-spread rule: asked after each extension or nerve-tensioning exercise."""
        if self.ask is None or step_index not in self.spread_question_steps:
            return None
        outcome = self.engine.outcome
        if outcome.statuses[step_index] == "stopped" or outcome.work_done[step_index] <= 0:
            return None  # nothing was done of it, or it already stopped for symptoms
        spread = self._ask_key(f"{clinical.SYMPTOM_QUESTION} y / n", "yn") == "y"
        if not spread:
            return None
        return self._spread(step_index)

    def _on_symptoms(self, step_index: int) -> StepDecision | None:
        """`s` pressed: the exercise stops while the person says what happened."""
        answer = self._ask_key(clinical.SYMPTOM_WHAT, "123c")
        if answer == "1":
            decision = self._spread(step_index)
            return StepDecision(leave_out=decision.leave_out, stop_step=True)
        if answer == "2":
            self.emergency = True
            self._stopped_for_symptoms(step_index)
            self.recorder.red_flag(clinical.NEW_WEAKNESS, clinical.Tier.EMERGENCY.value)
            return StepDecision(stop=True)
        if answer == "3":
            self.renderer.notice(clinical.SYMPTOM_GOOD)
        return None

    def _spread(self, step_index: int) -> StepDecision:
        """Leg symptoms spread: this exercise stops, and so do today's extension exercises."""
        self._stopped_for_symptoms(step_index)
        if step_index not in self.extension_steps:
            self.renderer.notice(clinical.SYMPTOM_STOP_ONE)
            return StepDecision()
        self.renderer.notice(clinical.SYMPTOM_STOP)
        return StepDecision(leave_out=frozenset(i for i in self.extension_steps if i > step_index))

    def _stopped_for_symptoms(self, step_index: int) -> None:
        self.engine.set_status(step_index, "stopped")
        self.recorder.symptoms_spread()

    def _interrupted(self, how: str) -> None:
        if self.speaker is not None:
            self.speaker.close(let_last_finish=False)
        outcome = self.engine.abandon()
        self.recorder.finish("interrupted", False, outcome.active)
        self.out.print(session_summary(self.plan, outcome, how))
        self._close_record()


def _guides(plan: Plan, by_id: Mapping[str, Exercise], history: History | None) -> list[Guide]:
    """Each exercise's position, steps and cues; all the steps while it is still new."""
    ids = [step.exercise for step in plan.steps]
    try:
        done = history.times_done(ids) if history is not None else {}
    except StorageError:
        done = {}  # unread: better to show the steps once too often than never
    return [
        Guide(
            by_id[step.exercise].position,
            by_id[step.exercise].steps,
            by_id[step.exercise].cues,
            new_to_it=done.get(step.exercise, 0) < FIRST_TIMES,
        )
        for step in plan.steps
    ]


def _stopped(stop: BaseException, kept: str) -> Interrupted | Terminated:
    """Ctrl-C or a stop signal, as the error that exits with its code."""
    if isinstance(stop, Stopped):
        return Terminated(f"stopped by a signal; {kept}", signal_number=stop.signal_number)
    return Interrupted(f"stopped with Ctrl-C; {kept}")


def _cues(sound: str, plan: Plan, out: Console, listeners: list[Listener]) -> Speaker | None:
    """Subscribe the chosen cues; with no speech engine, say so and fall back to the bell."""
    from backcoach.coach.cues import Bell, Speaker, Voice, no_engine_message, speech_command

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
