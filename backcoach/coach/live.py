"""The live part of a session: from its first "get ready" to its summary (LiveSession),
with the keys a person presses meanwhile, the questions drawn on the live screen, and
what is recorded as each exercise ends. `session.py` asks the questions before it and
hands it the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, NoReturn

from rich.console import Console

from backcoach import clinical, gate
from backcoach.coach.before import Keeping
from backcoach.coach.cues import Speaker
from backcoach.coach.prompts import Ask, ask_effort, ask_pain
from backcoach.coach.prompts import console_say as _say
from backcoach.coach.recorder import Recorder
from backcoach.errors import (
    AdviceGiven,
    EndOfInput,
    Interrupted,
    StorageError,
    Terminated,
)
from backcoach.gate import Answers, Moment, Way
from backcoach.history.store import History
from backcoach.models import Catalogue, Exercise, Plan
from backcoach.plan.outlook import Outlook
from backcoach.plan.timeline import segments
from backcoach.render.guide import FIRST_TIMES, Guide
from backcoach.render.history import end_screen, session_summary
from backcoach.render.live import LiveRenderer, PlainRenderer, SessionView
from backcoach.timer.clock import Clock
from backcoach.timer.engine import Engine, Event, Listener, Outcome, StepDecision, StepDone, Tick
from backcoach.timer.keys import KeySource, PosixKeys
from backcoach.timer.signals import Stopped, stop_signals_raise
from backcoach.vocabulary import focus_words

if TYPE_CHECKING:
    pass

# Asked when `s` is pressed; each answer a number key (clinical.SYMPTOM_WHAT's words).
SYMPTOMS_ASKED = "Symptoms: what happened?"
SYMPTOMS_ANSWERS = (
    ("1", "pain, tingling or numbness spread further down the leg"),
    ("2", "new numbness or weakness"),
    ("3", "it moved towards the middle of the back"),
    ("4", "carry on (pressed by mistake)"),
)


@dataclass(frozen=True)
class Options:
    yes: bool = False
    plain: bool = False
    sound: str = "bell"


class Terminal(NamedTuple):
    """Where the session is coached: what it prints on, its clock and its keys."""

    out: Console
    clock: Clock
    keys: KeySource


def _focus(plan: Plan) -> str:
    """The focus as the history keeps it: "lower back, stretch", or "desk break"."""
    return "desk break" if plan.snack else focus_words(plan.regions, plan.kinds)


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
        terminal: Terminal,
        keeping: Keeping,
        ask: Ask | None,
        *,
        leg_symptoms: bool = True,
    ) -> None:
        out, clock, keys = terminal
        history, why_unsaved = keeping
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
        if isinstance(keys, PosixKeys):  # Ctrl-Z: the full screen steps aside while stopped
            keys.around_stop = self.renderer.suspended
        listeners: list[Listener] = [self.renderer]
        self.speaker = _cues(options.sound, plan, out, listeners)
        self.sound = options.sound
        # Asked about after each extension exercise and, with leg symptoms, each
        # nerve-tensioning one (CLINICAL.md, the symptom-spread rule; DESIGN.md, step 5).
        self.spread_question_steps = frozenset(
            index
            for index, step in enumerate(plan.steps)
            if by_id[step.exercise].extension
            or (leg_symptoms and by_id[step.exercise].nerve_tension)
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
            on_symptoms=self._on_symptoms,  # `s` works in every live session, --yes too
            on_hurt=self._on_hurt,  # `x`: this hurts (sharp pain), not a skip
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
                # The summary above says it was stopped and what is kept: said once.
                raise _stopped(stop, "", quiet=True) from None
            if self.speaker is not None:
                self.speaker.close(let_last_finish=True)
            # Done in full only if no exercise was stopped for sharp pain (`x`): such a
            # session never counts for the streak, whatever ends its closing questions.
            done = outcome.reason == "done" and "hurt" not in outcome.statuses
            recorder.finish(outcome.reason or "stopped", done, outcome.active)
            if self.emergency:
                self._emergency()
            try:
                pain_after = self._closing_questions()
            except (KeyboardInterrupt, Stopped) as stop:
                if isinstance(stop, Stopped):
                    self.out.print()  # off the line the question was on (Ctrl-C ends it)
                self._close_record()
                # "Saved as session N" has said what is kept: said once, no error line.
                raise _stopped(stop, "", quiet=True) from None
        # Back pain up while leg pain falls: centralisation, never a step back.
        leg_falling = (
            self.leg_after is not None and leg_before is not None and self.leg_after < leg_before
        )
        self.out.print(
            session_summary(self.plan, outcome, None, pain_before, pain_after, leg_falling)
        )
        # A desk break changes no dose and starts no streak: no outlook, no lesson after it.
        outlook = None if self.plan.snack else self._outlook()
        self.out.print(end_screen(outlook, pain_before, pain_after, leg_falling))
        if self.leg_after is not None and leg_before is not None:
            from backcoach.coach.questions import leg_pain_words

            self.out.print(leg_pain_words(leg_before, self.leg_after, pain_before, pain_after))
        from backcoach.render.safety import advice

        self.out.print(advice(clinical.advice_after(self.plan.flare_up, pain_before, pain_after)))
        if not self.plan.snack:
            self._offer_lesson()
        self._close_record()
        return outcome

    def _offer_lesson(self) -> None:
        """One short lesson offered by number (never after emergency advice: see above)."""
        from backcoach.catalogue.lessons import next_unread
        from backcoach.errors import BackcoachError
        from backcoach.history.programme import lessons_read
        from backcoach.render.programme import lesson_offer

        history = self.recorder.history
        try:
            read = {n for n, _ in lessons_read(history)} if history is not None else set()
            found = next_unread(read)
        except BackcoachError:
            return  # a lesson is a nicety: never a reason for a session to fail
        if found is not None:
            self.out.print(lesson_offer(found), markup=False, highlight=False)

    def _emergency(self) -> NoReturn:
        """After emergency advice nothing else follows: no closing questions, streak, tips
        or next-time doses. A flag that could not be saved is said, with the record."""
        from backcoach.render.safety import emergency_panel

        # Saved quietly, before the advice: the advice is the last thing on screen.
        if self.recorder.unsaved_because is not None or self.recorder.history is None:
            self.out.print(
                "What you reported could not be saved, so backcoach cannot ask about it next "
                "time: keep the record below, and tell whoever you see.",
                style="yellow",
            )
        self._close_record(quiet=True)
        self.out.print(emergency_panel(clinical.SYMPTOM_EMERGENCY))
        raise AdviceGiven(
            "no exercise today: new numbness or weakness was reported during the session",
            hint="get help now (the advice above); backcoach asks about it at the next session",
        )

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

    def _close_record(self, quiet: bool = False) -> None:
        """Write what is left; if the history cannot take it, show the record to keep.
        `quiet`: no "Saved as" line (before emergency advice)."""
        unsaved = self.recorder.close()
        session_id = self.recorder.session_id
        if unsaved is None and session_id is not None and not quiet:
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

    def _ask_key(self, text: str, answers: tuple[tuple[str, str], ...]) -> str:
        """A question on the live screen, drawn large, answered with one number key: no
        Enter, no getting up. The bell or the voice announces it (the person may be face
        down); a key pressed before it appeared is not its answer, and while it is open
        no other key counts (`n` is "next", never "no")."""
        from backcoach.render.layout import Question
        from backcoach.timer.keys import RESIZED

        while self.keys.read(0) is not None:
            pass  # pressed before the question was there: dropped
        keys = {key for key, _ in answers}
        self.renderer.ask(Question(text, answers))
        self._announce(text)
        try:
            while True:
                key = self.keys.read(None)
                if key is not None and key.name in keys:
                    return key.name
                if key is not None and key.name == RESIZED:
                    self.renderer.ask(Question(text, answers))  # redrawn at the new size
        finally:
            self.renderer.ask(None)

    def _announce(self, text: str) -> None:
        if self.speaker is not None:
            self.speaker.say(text)
        elif self.sound == "bell" and self.out.is_terminal:
            self.out.bell()

    def _after_step(self, step_index: int) -> StepDecision | None:
        """The symptom-spread rule: asked after each extension or nerve-tensioning exercise."""
        if self.ask is None or step_index not in self.spread_question_steps:
            return None
        outcome = self.engine.outcome
        if (
            outcome.statuses[step_index] in ("stopped", "hurt")
            or outcome.work_done[step_index] <= 0
        ):
            return None  # nothing was done of it, or it already stopped for symptoms
        spread = self._ask_key(clinical.SYMPTOM_QUESTION, (("1", "yes"), ("2", "no"))) == "1"
        if not spread:
            return None
        return self._spread(step_index)

    def _on_symptoms(self, step_index: int) -> StepDecision | None:
        """`s` pressed: the exercise stops while the person says what happened."""
        answer = self._ask_key(SYMPTOMS_ASKED, SYMPTOMS_ANSWERS)
        if answer == "1":
            decision = self._spread(step_index)
            return StepDecision(leave_out=decision.leave_out, stop_step=True)
        if answer == "2" and not self._sure_of_new_weakness():
            return None  # pressed by mistake: a mistyped key never locks anyone out
        if (
            answer == "2"
            and gate.decide(
                gate.Record(), Moment(self._now(), Way.LIVE), Answers(during_session=True)
            ).stops
        ):
            self.emergency = True
            # A possible nerve emergency, not a spread: recorded as the red flag it is,
            # so history and the report never file it under "leg symptoms spread".
            self.recorder.red_flag(clinical.NEW_WEAKNESS, clinical.Tier.EMERGENCY.value)
            return StepDecision(stop=True)
        if answer == "3":
            self.renderer.notice(clinical.SYMPTOM_GOOD)
        return None

    def _sure_of_new_weakness(self) -> bool:
        """The answer said back in words before the session stops for it (CLINICAL.md,
        "One gate": repeat the chosen item and ask whether that is right)."""
        sure = self._ask_key(
            "You chose: new numbness or weakness. Is that right?",
            (("2", "yes, that is right"), ("4", "no: carry on (pressed by mistake)")),
        )
        return sure == "2"

    def _on_hurt(self, step_index: int) -> None:
        """`x` pressed: the exercise has stopped for sharp pain (recorded as "hurt")."""
        self.renderer.notice(clinical.HURT_STOP)

    @staticmethod
    def _now() -> datetime:
        from backcoach.history.store import now

        return now()

    def _spread(self, step_index: int) -> StepDecision:
        """Leg symptoms spread: this exercise stops, and so do today's extension exercises."""
        self._stopped_for_symptoms(step_index)
        if step_index not in self.extension_steps:
            self.renderer.notice(clinical.SYMPTOM_STOP_ONE)
            return StepDecision()
        self.renderer.notice(self._extension_stop_words())
        return StepDecision(leave_out=frozenset(i for i in self.extension_steps if i > step_index))

    def _extension_stop_words(self) -> str:
        """The second spread within 14 days advises a clinician there and then."""
        from backcoach.history.flags import SECOND_SPREAD_WINDOW, SYMPTOM_STOP_AGAIN, spread_before

        history = self.recorder.history
        try:
            earlier = (
                spread_before(history, self._now() - SECOND_SPREAD_WINDOW, self.recorder.session_id)
                if history is not None
                else None
            )
        except StorageError:
            earlier = None
        return clinical.SYMPTOM_STOP if earlier is None else SYMPTOM_STOP_AGAIN

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
            figure=by_id[step.exercise].figure,
        )
        for step in plan.steps
    ]


def _stopped(stop: BaseException, kept: str, quiet: bool = False) -> Interrupted | Terminated:
    """Ctrl-C or a stop signal, as the error that exits with its code; `quiet` when what
    happened is said already (an error with no message prints nothing)."""
    more = f"; {kept}" if kept else ""
    if isinstance(stop, Stopped):
        said = "" if quiet else f"stopped by a signal{more}"
        return Terminated(said, signal_number=stop.signal_number)
    return Interrupted("" if quiet else f"stopped with Ctrl-C{more}")


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
