"""The questions before a session, in the order every way in asks them (DESIGN.md, "A
session"): flags still open, the red-flag screen, the once-per-episode questions, the
next-morning question, pain (and leg pain), pain 9-10's question, the flare-up offer and
the weekly goals check-in (coach/checkin.py).
Each answer goes to the safety gate (gate.py) again; a stop is obeyed at once: the
advice, recorded, exit 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from backcoach import clinical, gate
from backcoach.coach.prompts import Ask, ask_pain, yes_no
from backcoach.coach.prompts import console_say as _say
from backcoach.coach.screen import ask_open_flags, screen
from backcoach.errors import AdviceGiven, StorageError
from backcoach.gate import Allowed, Answers, Moment, Question, Verdict, Way
from backcoach.vocabulary import focus_words

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.catalogue.library import Library
    from backcoach.clinical import RedFlag
    from backcoach.history.store import History
    from backcoach.plan.prepare import Choices


class Asked(NamedTuple):
    """What the person asked for: the catalogue in use, their options, their defaults."""

    library: Library
    choices: Choices
    defaults: Mapping[str, Any]


class Keeping(NamedTuple):
    """Where the session is kept: the history, or (None) why it cannot be written."""

    history: History | None
    why_unsaved: str | None = None


class Questions:
    """The questions before a session, in the gate's order; each answer given to the gate
    again, and a stop obeyed at once."""

    def __init__(
        self,
        record: gate.Record,
        came_in: Moment,
        out: Console,
        ask: Ask | None,
        asked: Asked,
        keeping: Keeping,
    ) -> None:
        self.record, self.came_in, self.out, self.ask = record, came_in, out, ask
        self.choices, self.defaults = asked.choices, asked.defaults
        self.history, self.why_unsaved = keeping
        self.say = _say(out)
        self.pain: int | None = None
        self.leg_pain: int | None = None

    def run(self, verdict: Verdict) -> Answers | None:
        """The answers, once the gate allows something; None: the person declined."""
        ask, record, came_in = self.ask, self.record, self.came_in
        answers = Answers()
        if ask is None:  # --yes on a record that holds nothing to ask about
            self._screen(answers)
            if came_in.way is not Way.SNACK:  # the conditions, said (--yes confirms)
                from backcoach.render.safety import conditions_under_yes

                listed = conditions_under_yes(record.conditions)
                if listed is not None:
                    self.out.print(listed)
            return answers
        if Question.OPEN_FLAGS in verdict.asks:
            closed, still = ask_open_flags(record.open_flags, came_in.now, ask, self.say)
            self._close(closed)
            answers = replace(answers, flags_asked=True, still_open=still)
            self._obey(answers)
        answers = self._screen(replace(answers, flags_asked=True, still_open=answers.still_open))
        self._obey(answers)
        if came_in.way is Way.SNACK:
            return answers  # a desk break asks nothing more: it changes no dose
        from backcoach.coach import questions

        leg = record.leg_symptoms
        if gate.leg_symptoms_due(record, answers):  # once per episode
            leg = questions.ask_leg_symptoms(self.out, ask, self.history)
        answers = replace(answers, leg_symptoms=leg)
        if gate.conditions_due(record, answers):  # once per episode, one by one
            conditions = questions.ask_conditions(self.out, ask, self.history)
            # Their advice (pelvic girdle pain, small bending, mid-range stretches) is a
            # note of the plan, shown with every plan while it applies: said there, once.
            answers = replace(answers, conditions=conditions)
        if record.extension_hold is not None:  # a second spread within 14 days
            answers = replace(
                answers,
                extension_ok=questions.ask_extension_ok(
                    self.out, ask, self.history, record.extension_hold
                ),
            )
        last = record.last_counting
        if last is not None and gate.next_morning_due(last, came_in.now):
            said = questions.ask_next_morning(self.out, ask, self.history, last)
            answers = replace(answers, next_morning=said, next_morning_asked=True)
        self.pain = ask_pain(ask, self.say, "now")
        answers = replace(answers, pain=self.pain, pain_asked=True)
        if leg:
            self.leg_pain = questions.ask_leg_pain(self.out, ask)
        verdict = gate.decide(record, came_in, answers)
        if Question.SEVERE in verdict.asks:
            severe = yes_no(
                ask,
                self.say,
                f"Your pain is {self.pain}/10. Is it so severe that painkillers and rest do "
                "not help?",
            )
            answers = replace(answers, severe=severe)
            self._obey(answers)
            verdict = gate.decide(record, came_in, answers)
        if Question.FLARE_UP in verdict.asks:
            answers = replace(answers, flare_up=self._offer(verdict))
            verdict = gate.decide(record, came_in, answers)
            if verdict.allowed is Allowed.NONE:
                for note in verdict.notes:
                    self.out.print(note, markup=False, highlight=False)
                return None
        from backcoach.coach.checkin import weekly  # last: the weekly goals check-in

        weekly(self.history, ask, self.say, came_in.now)
        return answers

    def _offer(self, verdict: Verdict) -> bool:
        assert self.ask is not None
        if verdict.allowed is Allowed.FLARE_UP:  # pain 9 or 10: this, or no session
            question = (
                f"Your pain is {self.pain}/10: today backcoach offers only a gentle flare-up "
                "session (a few gentle exercises lying down, about 5 repetitions each). "
                "Do it?"
            )
        else:
            question = (
                f"Your pain is {self.pain}/10. Switch to a gentler flare-up session "
                "(a few gentle exercises lying down, about 5 repetitions each)?"
            )
        return yes_no(self.ask, self.say, question, default=True)

    def _screen(self, answers: Answers) -> Answers:
        """The red-flag screen (coach/screen.py), as the gate asks it, recorded."""
        from backcoach.render.safety import red_flag_list

        record, came_in = self.record, self.came_in
        last = record.memory.last_full_check
        asks = gate.before_answers(record, came_in)
        answered = screen(
            record.memory,
            came_in.now,
            self.ask,
            show=lambda flags, heading: self.out.print(red_flag_list(flags, heading)),
            say=self.say,
            yes=came_in.yes,
            check_time=last.astimezone().strftime("%H:%M") if last else "",
            brief=Question.BRIEF in asks,
            clinician_asked=Question.CLINICIAN in asks,
            why_due=record.weeks_why,
        )
        self._weeks_answered(answered)
        for note in answered.notes:
            self.out.print(note, style="dim", markup=False, highlight=False)
        self._record_screen(answered)
        if answered.confirmed_by == "--yes":
            return answers
        return replace(
            answers,
            screened=True,
            flags=answered.flags,
            clinician=answered.clinician,
            cleared=answered.cleared,
        )

    def _weeks_answered(self, answered: clinical.Screening) -> None:
        """Asked because backcoach's figures show no improvement, and the person says it
        does not apply: their word stands (and is kept), with the advice said once."""
        from backcoach.history.flags import WEEKS, WEEKS_NOT_SO

        if not self.record.weeks_why or answered.clinician is None:
            return
        if any(flag.code == WEEKS for flag in answered.clinician):
            return
        self.say(
            "You said it does not apply, and backcoach has kept your answer. Its figures "
            "still suggest seeing a GP or physiotherapist about your back; your sessions "
            "carry on."
        )
        if self.history is None:
            return
        from backcoach.history.routines import record_episode_answer

        try:
            record_episode_answer(self.history, WEEKS_NOT_SO, "no")
        except StorageError as error:
            self._unsaved(error)

    def _record_screen(self, answered: clinical.Screening) -> None:
        history = self.history
        if history is None:
            return
        from backcoach.history.flags import raise_flags

        try:
            if answered.full_check:
                every = [flag.code for flag in answered.flags]
                history.record_safety_check("full", every, at=self.came_in.now)
            if answered.clinician is not None:
                codes = [flag.code for flag in answered.clinician]
                history.record_safety_check(
                    "clinician", codes, cleared=answered.cleared, at=self.came_in.now
                )
            raise_flags(history, answered.flags, "screen", self.came_in.now)
        except StorageError as error:
            self._unsaved(error)

    def _close(self, closed: tuple[tuple[gate.OpenFlag, str], ...]) -> None:
        if self.history is None or not closed:
            return
        from backcoach.history.flags import close_all_of

        try:
            for flag, how in closed:
                close_all_of(self.history, flag.code, how, self.came_in.now)
        except StorageError as error:
            self._unsaved(error)

    def _unsaved(self, error: StorageError) -> None:
        self.out.print(
            f"(Your answer could not be saved: {error.message}. It counts for today; "
            "backcoach may ask again next time.)",
            style="yellow",
            markup=False,
            highlight=False,
        )

    def _obey(self, answers: Answers) -> None:
        """Ask the gate; when it allows no exercise: the advice, recorded, exit 3."""
        verdict = gate.decide(self.record, self.came_in, answers)
        if verdict.stops:
            new = tuple(flag for flag in verdict.flags if flag not in answers.still_open)
            self._stop(verdict, new)

    def _stop(self, verdict: Verdict, new: tuple[RedFlag, ...]) -> NoReturn:
        from backcoach.history.flags import raise_flags, record_stop
        from backcoach.plan.prepare import request_for
        from backcoach.render.safety import stop_panel

        assert verdict.tier is not None
        request = request_for(self.choices._replace(seed=0), dict(self.defaults))
        focus = "desk break" if request.snack else focus_words(request.regions, request.kinds)
        try:
            if self.history is None:
                raise StorageError(self.why_unsaved or "the history cannot be written")
            severe = tuple(f for f in new if f.code == "severe")
            raise_flags(self.history, severe, "screen", self.came_in.now)
            record_stop(
                self.history,
                focus,
                request.minutes,
                request.level.value,
                request.seed,
                verdict.flags,
                verdict.tier,
                self.came_in.now,
            )
        except StorageError as error:
            self.out.print(
                f"(Your answer could not be saved: {error.message}.)",
                style="yellow",
                markup=False,
                highlight=False,
            )
        # Saved first, then the advice: it is the last thing on screen, no error line after.
        self.out.print(stop_panel(verdict.flags, verdict.tier))
        raise AdviceGiven(
            "no exercise today: the advice above says what to do",
            hint="backcoach safety shows what backcoach holds, and lets you update it",
        )
