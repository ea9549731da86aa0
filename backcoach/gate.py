"""One safety gate: given the whole record and the moment, what may this person do now?

CLINICAL.md, "One gate, every path": every way into exercise (`start` first or later
in a day, `start --yes`, `start --flare-up`, `snack`, `snack --yes`, `plan`,
`plan --snack`, `remind`, and the live session when symptoms are reported) asks
`decide` and obeys its `Verdict`. Nothing else decides these things. The record
decides, not the path.

Pure: no terminal, no SQLite, no clock. `history` reads a `Record`; `coach` asks the
questions the verdict lists, in the order it lists them, and asks again with the
answers; `plan` builds what the verdict allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from backcoach.clinical import (
    ADVICE,
    BY_CODE,
    CANCER_LEGS,
    CONDITIONS,
    DURING_SESSION,
    FLARE_UP_OFFER_AT,
    LEG_SYMPTOMS_RULE,
    Memory,
    RedFlag,
    Tier,
    clinician_due,
    condition_exclusions,
    condition_reason,
)
from backcoach.vocabulary import days_words

# Pain this high before a session: item "severe" is asked again (CLINICAL.md).
SEVERE_PAIN_AT = 9
# The next-morning question is about a session no longer ago than this.
NEXT_MORNING_WITHIN = timedelta(days=3)
EVERY_FLAG = {flag.code: flag for flag in (*BY_CODE.values(), DURING_SESSION, CANCER_LEGS)}

NO_QUESTIONS_EXTENSION = (
    "--yes asks nothing, and each back-bending exercise needs the leg-symptoms question "
    "after it (answer the questions to have back-bending exercises included)"
)
NO_QUESTIONS_NERVE = (
    "--yes asks nothing, and each nerve-tensioning exercise needs the leg-symptoms "
    "question after it (answer the questions to have nerve-tensioning exercises included)"
)
NO_QUESTIONS = (("extension", NO_QUESTIONS_EXTENSION), ("nerve_tension", NO_QUESTIONS_NERVE))
DECLINED = "You chose no session today. That is fine: keep moving gently, and come back later."


class Way(StrEnum):
    """The ways into exercise."""

    START = "start"
    SNACK = "snack"
    PLAN = "plan"
    REMIND = "remind"
    LIVE = "live"  # a session running, when the person reports symptoms


class Allowed(StrEnum):
    NONE = "none"  # no exercise now (advice to show, or the person declined)
    FLARE_UP = "flare-up only"  # only the gentle flare-up session
    SESSION = "session"  # a session, with the exclusions named


class Question(StrEnum):
    """The questions before a session, in the order every way in asks them."""

    OPEN_FLAGS = "open flags"  # "you told backcoach …; is that still so?"
    SCREEN = "safety check"  # both lists
    BRIEF = "one-line safety check"  # a later session the same day
    CLINICIAN = "see-a-clinician items"
    LEG_SYMPTOMS = "leg symptoms"  # once per episode
    CONDITIONS = "conditions that change the plan"  # once per episode, one by one
    EXTENSION_OK = "a clinician's OK for back-bending"  # after a second spread in 14 days
    NEXT_MORNING = "next-morning question"
    PAIN = "pain now"
    LEG_PAIN = "leg pain now"
    SEVERE = "severe pain"  # the item asked again at pain 9 or 10
    FLARE_UP = "flare-up offer"


@dataclass(frozen=True)
class OpenFlag:
    """A red flag reported and not yet closed by a later answer."""

    code: str
    tier: Tier
    raised_at: datetime
    during_session: bool = False  # reported with the symptoms key
    id: int | None = None

    @property
    def flag(self) -> RedFlag:
        return EVERY_FLAG.get(self.code, RedFlag(self.code, self.tier, self.code))


@dataclass(frozen=True)
class LastSession:
    """The last session that counts for progression (not a desk break, a flare-up or a
    red-flag stop), and its next-morning answer."""

    id: int
    started_at: datetime
    next_morning: bool | None = None
    worked: bool = True


@dataclass(frozen=True)
class Record:
    """Everything the gate reads, from the history."""

    open_flags: tuple[OpenFlag, ...] = ()
    memory: Memory = Memory()  # the last full check; the clinician tier and its clearance
    last_counting: LastSession | None = None
    # The once-per-episode leg-symptoms answer: None when it is due (never, or before
    # this episode's clinician check).
    leg_symptoms: bool | None = None
    # The once-per-episode conditions that apply (codes, clinical.CONDITIONS): None when
    # they are due (never asked, or asked before this episode's clinician check).
    conditions: tuple[str, ...] | None = None
    # Leg symptoms spread twice within 14 days (the two moments) and no clinician's OK
    # recorded since: extension work waits for it (CLINICAL.md, "Pacing the first weeks").
    extension_hold: tuple[datetime, datetime] | None = None
    # When the person last confirmed a clinician's OK for back-bending after that.
    extension_ok_at: datetime | None = None
    # Pain before sessions not improved over about 4 to 6 weeks, and the see-a-clinician
    # items not asked since: they are asked now ("weeks" among them; CLINICAL.md).
    weeks_due: bool = False
    # Why: backcoach's own figures, said before the items are asked ("" when not due).
    weeks_why: str = ""

    @property
    def uncleared(self) -> tuple[RedFlag, ...]:
        """See-a-clinician items that apply with no clearance."""
        if self.memory.cleared:
            return ()
        return tuple(BY_CODE[c] for c in self.memory.clinician_flags if c in BY_CODE)


@dataclass(frozen=True)
class Moment:
    """When and how the person comes in."""

    now: datetime
    way: Way = Way.START
    yes: bool = False  # --yes: no questions
    keys: bool = True  # a keyboard to press `s` on
    flare_up: bool = False  # --flare-up asked for


@dataclass(frozen=True)
class Answers:
    """What the person has said so far in this session's questions."""

    # The open flags asked about, and those still open after the answers.
    flags_asked: bool = False
    still_open: tuple[RedFlag, ...] = ()
    # The screen: its flags (new ones) and whether it was answered.
    screened: bool = False
    flags: tuple[RedFlag, ...] = ()
    # The clinician tier, when asked: the items and whether a clinician cleared them.
    clinician: tuple[RedFlag, ...] | None = None
    cleared: bool = False
    leg_symptoms: bool | None = None
    conditions: tuple[str, ...] | None = None  # asked now: the codes that apply
    extension_ok: bool | None = None  # asked now: a clinician said back-bending is OK
    next_morning: bool | None = None
    next_morning_asked: bool = False
    pain: int | None = None
    pain_asked: bool = False
    severe: bool | None = None  # "painkillers and rest do not help", asked again at 9-10
    flare_up: bool | None = None  # the answer to the flare-up offer
    # During a session: the symptoms key, answered "new numbness or weakness".
    during_session: bool = False


@dataclass(frozen=True)
class Verdict:
    """What is allowed now, and what must be asked first."""

    allowed: Allowed
    asks: tuple[Question, ...] = ()
    tier: Tier | None = None  # why nothing is allowed (None: the person declined)
    flags: tuple[RedFlag, ...] = ()
    advice: str = ""
    # Left out of every plan this verdict allows: (exercise attribute, reason).
    exclusions: tuple[tuple[str, str], ...] = ()
    refuse_yes: str | None = None  # --yes cannot be used, and why
    step_back: int | None = None  # the 24-hour rule: the session whose doses step back
    notes: tuple[str, ...] = field(default=())
    # A clinician's OK for back-bending after a second spread (answered now, or recorded
    # earlier): every way in builds its plan with it, so `plan` and `start` agree.
    extension_ok_at: datetime | None = None

    @property
    def flare_up(self) -> bool:
        return self.allowed is Allowed.FLARE_UP

    @property
    def stops(self) -> bool:
        """No exercise because of a flag or an uncleared item (exit 3)."""
        return self.allowed is Allowed.NONE and self.tier is not None


def advice_for(flags: tuple[RedFlag, ...], tier: Tier) -> str:
    """The advice for the most serious tier; a flag's own advice when it has one."""
    own = [flag.advice for flag in flags if flag.tier is tier and flag.advice]
    return own[0] if own else ADVICE[tier]


def _most_serious(flags: tuple[RedFlag, ...]) -> Tier:
    return min((flag.tier for flag in flags), key=lambda tier: tier.rank)


def _none(flags: tuple[RedFlag, ...], asks: tuple[Question, ...] = ()) -> Verdict:
    tier = _most_serious(flags)
    return Verdict(Allowed.NONE, asks, tier, flags, advice_for(flags, tier))


def next_morning_due(last: LastSession | None, now: datetime) -> bool:
    """Its next morning has come (an earlier day), within 3 days, something was done, and
    the question is not answered yet."""
    if last is None or last.next_morning is not None or not last.worked:
        return False
    earlier_day = last.started_at.astimezone().date() < now.astimezone().date()
    return earlier_day and now - last.started_at <= NEXT_MORNING_WITHIN


def closing_question(flag: OpenFlag, now: datetime) -> tuple[str, str] | None:
    """How an open flag may be closed now: (the question, how it closes), or None when
    no answer can close it today (an urgent flag raised today).

    An emergency flag closes only when a clinician has assessed it; an urgent one when
    the person says, on a later day, that it no longer applies.
    """
    if flag.tier is Tier.EMERGENCY:
        return "Has a doctor or other clinician assessed this since?", "assessed"
    if flag.raised_at.astimezone().date() < now.astimezone().date():
        return "Does it still apply?", "gone"
    return None


def leg_symptoms_due(record: Record, answers: Answers) -> bool:
    """Once per episode: never answered, or the clinician tier (a new episode's check)
    was asked in this session."""
    return record.leg_symptoms is None or answers.clinician is not None


def extension_ok_at(record: Record, moment: Moment, answers: Answers) -> datetime | None:
    """When a clinician's OK for back-bending was confirmed (now, or recorded earlier):
    from then each extension exercise returns a step lower (progression)."""
    if answers.extension_ok:
        return moment.now
    return record.extension_ok_at


def conditions_due(record: Record, answers: Answers) -> bool:
    """Once per episode, as the leg-symptoms question."""
    return record.conditions is None or answers.clinician is not None


def condition_rules(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(rule, reason) for each condition that applies. Its advice (pelvic girdle pain in
    pregnancy, small movements with osteoporosis) is a line of its own, never the reason
    for an exclusion: `condition_advice`."""
    return condition_exclusions(codes)


def condition_advice(exclusions: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The advice of each condition behind these exclusions, once each, for the plan."""
    reasons = {reason for _, reason in exclusions}
    return tuple(c.caution for c in CONDITIONS if c.caution and condition_reason(c) in reasons)


def _exclusions(moment: Moment, record: Record, answers: Answers) -> tuple[tuple[str, str], ...]:
    """What every plan leaves out (CLINICAL.md, "Conditions that change the plan"): the
    gate decides, the planner obeys."""
    out: list[tuple[str, str]] = []
    if moment.yes:  # no symptom question can follow them
        out.extend(NO_QUESTIONS)
    conditions = answers.conditions if answers.conditions is not None else record.conditions
    out.extend(condition_rules(conditions or ()))
    if record.extension_hold is not None and not answers.extension_ok:
        earlier, later = record.extension_hold
        out.append(
            (
                "extension",
                "leg symptoms spread twice within 14 days "
                f"({days_words((earlier, later), moment.now)}): please see a physiotherapist or "
                "doctor; back-bending exercises return, a step lower, once you confirm "
                "their OK",
            )
        )
    leg = answers.leg_symptoms if answers.leg_symptoms is not None else record.leg_symptoms
    if leg:
        out.append(LEG_SYMPTOMS_RULE)
    return tuple(out)


def before_answers(record: Record, moment: Moment) -> tuple[Question, ...]:
    """The questions this way in asks before anything runs, in order (none with --yes)."""
    if moment.yes or moment.way is Way.LIVE:
        return ()
    asks: list[Question] = []
    if record.open_flags:
        asks.append(Question.OPEN_FLAGS)
    last_check = record.memory.last_full_check
    today = last_check is not None and (
        last_check.astimezone().date() == moment.now.astimezone().date()
    )
    asks.append(Question.BRIEF if today and not record.open_flags else Question.SCREEN)
    if clinician_due(record.memory, moment.now) or record.weeks_due:
        asks.append(Question.CLINICIAN)
    if moment.way is Way.SNACK or (moment.way is Way.REMIND):
        return tuple(asks)  # a desk break asks nothing more: it changes no dose
    if record.leg_symptoms is None:
        asks.append(Question.LEG_SYMPTOMS)
    if record.conditions is None:
        asks.append(Question.CONDITIONS)
    if record.extension_hold is not None:
        asks.append(Question.EXTENSION_OK)
    if next_morning_due(record.last_counting, moment.now):
        asks.append(Question.NEXT_MORNING)
    asks.append(Question.PAIN)
    if record.leg_symptoms is not False:
        asks.append(Question.LEG_PAIN)  # with leg symptoms (asked, or to be asked)
    return tuple(asks)


def decide(record: Record, moment: Moment, answers: Answers | None = None) -> Verdict:
    """What is allowed now. With no answers: from the record alone, with the questions
    still to come; with answers: after them."""
    answers = answers or Answers()
    verdict = _decide(record, moment, answers)
    return replace(verdict, extension_ok_at=extension_ok_at(record, moment, answers))


def _decide(record: Record, moment: Moment, answers: Answers) -> Verdict:
    if answers.during_session:  # `s`, then new numbness or weakness: stop now
        return _none((DURING_SESSION,))
    exclusions = _exclusions(moment, record, answers)
    held = tuple(f.flag for f in record.open_flags)
    waiting = record.uncleared or _to_ask_again(record, moment.now)
    if moment.yes and (held or waiting):
        said = "; ".join(flag.text for flag in (*held, *waiting))
        why = (
            f"backcoach holds something to ask about before any exercise ({said}), "
            "and --yes cannot answer it"
        )
        return Verdict(
            Allowed.NONE,
            (),
            _most_serious((*held, *waiting)),
            (*held, *waiting),
            refuse_yes=why,
        )
    asks = before_answers(record, moment)
    # The open flags: held until a later answer closes them.
    open_now = answers.still_open if answers.flags_asked else held
    stopping = (*open_now, *(f for f in answers.flags if f.tier is not Tier.CLINICIAN))
    if answers.severe:
        stopping = (*stopping, BY_CODE["severe"])
    if stopping:
        return _none(tuple(dict.fromkeys(stopping)), _remaining(asks, answers))
    if answers.flags_asked and not answers.screened:  # between the open flags and the screen
        allowed = Allowed.FLARE_UP if moment.flare_up else Allowed.SESSION
        return Verdict(allowed, _remaining(asks, answers), exclusions=exclusions)
    uncleared = (
        (answers.clinician if not answers.cleared else ())
        if answers.clinician is not None
        else record.uncleared
    )
    if uncleared:
        return _none(uncleared, _remaining(asks, answers))
    if not answers.screened and not moment.yes:  # the record alone: nothing holds it back
        verdict = Allowed.FLARE_UP if moment.flare_up else Allowed.SESSION
        return Verdict(verdict, asks, exclusions=exclusions)
    step_back = (
        record.last_counting.id
        if answers.next_morning is False and record.last_counting is not None
        else None
    )
    pain = answers.pain
    if pain is not None and pain >= SEVERE_PAIN_AT:  # only the flare-up session, or none
        if answers.severe is None:
            return Verdict(Allowed.FLARE_UP, (Question.SEVERE,), exclusions=exclusions)
        if answers.flare_up is False:
            return Verdict(Allowed.NONE, notes=(DECLINED,))
        asks_left = () if answers.flare_up or moment.flare_up else (Question.FLARE_UP,)
        return Verdict(Allowed.FLARE_UP, asks_left, exclusions=exclusions)
    if moment.flare_up or answers.flare_up:
        return Verdict(Allowed.FLARE_UP, exclusions=exclusions)
    offer = (
        pain is not None and pain >= FLARE_UP_OFFER_AT and answers.flare_up is None
    )  # the offer still to make
    return Verdict(
        Allowed.SESSION,
        (Question.FLARE_UP,) if offer else (),
        exclusions=exclusions,
        step_back=step_back,
    )


def _to_ask_again(record: Record, now: datetime) -> tuple[RedFlag, ...]:
    """See-a-clinician items the person named, cleared once, whose clearance is due to be
    asked about again (6 weeks on): --yes cannot answer for them."""
    if not clinician_due(record.memory, now):
        return ()
    return tuple(BY_CODE[c] for c in record.memory.clinician_flags if c in BY_CODE)


def _remaining(asks: tuple[Question, ...], answers: Answers) -> tuple[Question, ...]:
    """The questions not answered yet (which could change a verdict of none)."""
    done: set[Question] = set()
    if answers.flags_asked:
        done.add(Question.OPEN_FLAGS)
    if answers.screened:
        done.update((Question.SCREEN, Question.BRIEF))
    if answers.clinician is not None:
        done.add(Question.CLINICIAN)
    return tuple(ask for ask in asks if ask not in done)
