"""Next time's dose for each exercise, from the history. Pure: no I/O, no clock.

The rules (CLINICAL.md, "Dose and progression rules"):
- step up one step after the last two sessions with the exercise in the routine
  (never one where it was added for that session only) were done in full at this
  dose, with the effort answered and not "too hard", back and leg pain known and
  not up by 2 or more, and 48 hours since its last step-up: a
  longer hold up to the exercise's maximum, the next pyramid (5-3-1 → 6-4-2 →
  7-5-3, never past 7-5-3), or one more rep;
- step back one step on "too hard", on back or leg pain up by 2 or more, when
  pain was not back to usual by the next morning (the 24-hour rule), or after
  two skips; an exercise that is still too hard at its easiest dose, or is
  skipped three times in a row, leaves the routine (routine.py swaps it);
- back and leg pain are judged apart: leg pain up by 2 steps back even when back pain
  was not given, the back-bending and nerve-tensioning exercises first (the others keep
  their dose and do not step up; every exercise steps back when the session held none
  of those); back pain up while leg pain falls (centralisation) is good news, never a
  reason to step back ("Leg pain and back pain");
- no step-up before the last session's next-morning answer was "yes" or 48 hours
  have passed since it ("Pacing the first weeks");
- more than 14 days without a session (desk breaks do not count): one step back on
  return;
- sharp pain during an exercise (the `x` key, status "hurt"): it steps back next
  time, and two such stops in 14 days swap it for an easier variant;
- an exercise stopped because leg symptoms spread is left out for 7 days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple

from backcoach.models import Dose, Exercise, ExerciseRecord, HoldDose, RepsDose, SessionRecord
from backcoach.vocabulary import day_words, days_words

HOLD_STEP = 2  # seconds
PAIN_RISE_STEP_BACK = 2
SYMPTOM_PAUSE = timedelta(days=7)
SECOND_SPREAD_WINDOW = timedelta(days=14)
PYRAMID_TOP = 7  # McGill's pyramids go no further than 7-5-3
SKIPS_TO_SWAP = 3
AWAY_STEP_BACK = timedelta(days=14)  # more than this without a session: a step back
HURTS_TO_SWAP = 2  # stops for sharp pain within HURT_WINDOW
HURT_WINDOW = timedelta(days=14)


class Progression(NamedTuple):
    doses: Mapping[str, Dose] = MappingProxyType({})
    # Why each dose differs from the catalogue's (changed now, or as last time).
    reasons: Mapping[str, str] = MappingProxyType({})
    excluded: Mapping[str, str] = MappingProxyType({})
    # Why the dose changed this time: stored with the session that uses it.
    changed: Mapping[str, str] = MappingProxyType({})
    # Each exercise's dose as last kept, before any change now.
    kept: Mapping[str, Dose] = MappingProxyType({})
    # Exercises that should leave the routine, and why.
    swap: Mapping[str, str] = MappingProxyType({})
    # Exercises stepped back (or due a step back at their easiest): never grown today.
    held: frozenset[str] = frozenset()
    # Good news or pacing said beside the doses (centralisation, a return after a break).
    notes: tuple[str, ...] = ()
    # Those of `held` whose cause is the last session that counts: this is the session
    # after a step back, so nothing is added to fill its minutes (one session, not more).
    after_step_back: frozenset[str] = frozenset()


def days_away(history: Iterable[SessionRecord], now: datetime) -> int | None:
    """Whole days since the last session that was not a desk break, when more than 14
    (CLINICAL.md, "Pacing the first weeks"); None otherwise."""
    starts = [s.started_at for s in history if not s.snack]
    if not starts:
        return None
    gap = now - max(starts)
    return gap.days if gap > AWAY_STEP_BACK else None


def settled_since_last(history: Iterable[SessionRecord], now: datetime) -> bool:
    """The last session (not a desk break) was answered "yes" the next morning, or 48
    hours have passed since it: only then may anything step up (CLINICAL.md)."""
    # As the gate's next-morning question: a flare-up day is left out of every decision.
    counted = [s for s in history if not s.snack and not s.flare_up]
    if not counted:
        return True
    last = max(counted, key=lambda s: (s.started_at, s.id))
    return last.next_morning is True or now - last.started_at >= STEP_UP_GAP


def _rise(before: int | None, after: int | None) -> int | None:
    if before is None or after is None:
        return None
    return after - before


def _pain_rise(session: SessionRecord) -> int | None:
    """The larger rise of back and leg pain; leg pain falling never counts against."""
    back = _rise(session.pain_before, session.pain_after)
    leg = _rise(session.leg_pain_before, session.leg_pain_after)
    if back is None:
        return None
    return max(back, leg) if leg is not None else back


def _pain_did_not_rise(session: SessionRecord) -> bool:
    """Back pain known, and neither back nor leg pain up by 2 or more; unknown pain is
    not taken as easy."""
    rise = _pain_rise(session)
    return rise is not None and rise < PAIN_RISE_STEP_BACK


def next_doses(
    history: Iterable[SessionRecord],
    exercises: Iterable[Exercise],
    now: datetime,
    extension_ok_at: datetime | None = None,
) -> Progression:
    """Each exercise's dose for the next session, with the reason when it changed.

    The dose carried forward is the one each session kept (`kept_dose`): never the
    sets added to fill the minutes, never a flare-up's cut. A flare-up session
    changes nothing: it is left out of every decision (CLINICAL.md).
    """
    history = list(history)
    by_id = {exercise.id: exercise for exercise in exercises}
    away = days_away(history, now)
    may_step_up = away is None and settled_since_last(history, now)
    kept: dict[str, Dose] = {}
    appearances: dict[str, list[tuple[SessionRecord, ExerciseRecord]]] = {}
    excluded: dict[str, str] = {}
    for session in sorted(history, key=lambda s: (s.started_at, s.id)):
        for record in session.exercises:
            if record.id not in by_id or record.status == "pending":
                continue
            kept[record.id] = record.kept_dose
            if record.status == "stopped" and now - session.started_at < SYMPTOM_PAUSE:
                until = day_words(session.started_at + SYMPTOM_PAUSE, now)
                excluded[record.id] = (
                    f"leg symptoms spread on {day_words(session.started_at, now)}; back on {until}"
                )
            if not session.flare_up and not session.snack:  # neither changes a dose
                appearances.setdefault(record.id, []).append((session, record))
    doses: dict[str, Dose] = {}
    reasons: dict[str, str] = {}
    changed: dict[str, str] = {}
    swap: dict[str, str] = {}
    held: set[str] = set()
    notes: list[str] = []

    def tensing(session: SessionRecord) -> bool:
        """The session worked on a back-bending or nerve-tensioning exercise."""
        return any(_first_back(by_id.get(r.id)) for r in session.exercises if r.work_seconds > 0)

    if away is not None:
        notes.append(
            f"{away} days since your last session: every dose is one step lower today, "
            "to start again gently"
        )
    for exercise_id, current in kept.items():
        if exercise_id in excluded:
            continue
        exercise = by_id[exercise_id]
        seen = appearances.get(exercise_id, [])
        decision = (
            _away(exercise, current, away)
            if away is not None
            else _after_clearance(exercise, current, seen, extension_ok_at)
            or _decide(exercise, current, seen, now, may_step_up, tensing)
        )
        if decision is not None:
            dose, why, back = decision
            if back:
                held.add(exercise_id)
            if dose == current:  # a step back wanted, at the easiest dose already
                swap[exercise_id] = f"still hard at its easiest dose ({why})"
            else:
                changed[exercise_id] = reasons[exercise_id] = why
            if dose != exercise.dose or current != exercise.dose:
                doses[exercise_id] = dose
                reasons.setdefault(exercise_id, f"{dose_words(current)}: as last time")
        elif away is None and (kept_for := _kept_for_leg_pain(exercise, seen, now)):
            held.add(exercise_id)  # leg pain rose: no step up, no extra sets today
            if current != exercise.dose:
                doses[exercise_id] = current
            reasons[exercise_id] = f"{dose_words(current)}: as last time ({kept_for})"
        elif current != exercise.dose:
            doses[exercise_id] = current
            reasons[exercise_id] = f"{dose_words(current)}: as last time"
        last = seen[-SKIPS_TO_SWAP:]
        if len(last) == SKIPS_TO_SWAP and all(record.status == "skipped" for _, record in last):
            swap[exercise_id] = f"skipped {SKIPS_TO_SWAP} times in a row"
        hurts = [s.started_at for s, r in seen if r.status == "hurt"]
        recent_hurts = [when for when in hurts if now - when <= HURT_WINDOW]
        if len(recent_hurts) >= HURTS_TO_SWAP:
            days = days_words(recent_hurts[-HURTS_TO_SWAP:], now)
            swap[exercise_id] = f"it caused sharp pain twice within 14 days ({days})"
        centralising = _centralising(seen, now) if away is None else None  # news, not history
        if centralising is not None and centralising not in notes:
            notes.append(centralising)
    counting = [s for s in history if not s.flare_up and not s.snack]
    latest = max(counting, key=lambda s: (s.started_at, s.id)).id if counting else None

    def caused_last_time(exercise_id: str) -> bool:
        seen = appearances.get(exercise_id)
        return away is not None or (seen is not None and seen[-1][0].id == latest)

    after = frozenset(filter(caused_last_time, held))
    return Progression(
        doses, reasons, excluded, changed, kept, swap, frozenset(held), tuple(notes), after
    )


def _centralising(seen: list[tuple[SessionRecord, ExerciseRecord]], now: datetime) -> str | None:
    """The good-news line when back pain rose while leg pain fell last time."""
    if not seen:
        return None
    session = seen[-1][0]
    back = _rise(session.pain_before, session.pain_after)
    leg = _rise(session.leg_pain_before, session.leg_pain_after)
    if back is not None and back >= PAIN_RISE_STEP_BACK and leg is not None and leg < 0:
        return (
            f"Back pain rose by {back} on {day_words(session.started_at, now)} while leg pain fell "
            f"by {-leg}: pain moving toward the back is a good sign (centralisation), so "
            "no dose steps back for it"
        )
    return None


def _after_clearance(
    exercise: Exercise,
    current: Dose,
    seen: list[tuple[SessionRecord, ExerciseRecord]],
    ok_at: datetime | None,
) -> tuple[Dose, str, bool] | None:
    """After a second spread within 14 days, extension work returns a step lower once a
    clinician's OK is confirmed (CLINICAL.md): the first time after that OK."""
    if ok_at is None or not exercise.extension or not seen or seen[-1][0].started_at >= ok_at:
        return None
    lower = step_back(exercise, current)
    if lower is None:
        return None
    why = "back after two spreads of leg symptoms, with a clinician's OK"
    return lower, f"{dose_words(lower)}: down from {dose_words(current)}: {why}", True


def _away(exercise: Exercise, current: Dose, away: int) -> tuple[Dose, str, bool] | None:
    """One step back on return after more than 14 days away."""
    lower = step_back(exercise, current)
    if lower is None:
        return None
    why = f"back after {away} days away"
    return lower, f"{dose_words(lower)}: down from {dose_words(current)}: {why}", True


TOO_HARD = "too hard"
ANSWERED_EFFORT = ("easy", "about right")
STEP_UP_GAP = timedelta(hours=48)


def _decide(
    exercise: Exercise,
    current: Dose,
    seen: list[tuple[SessionRecord, ExerciseRecord]],
    now: datetime,
    may_step_up: bool = True,
    tensing: Callable[[SessionRecord], bool] = lambda _session: False,
) -> tuple[Dose, str, bool] | None:
    """Step back, step up, or keep (None), from the sessions that were not flare-ups:
    (the dose, why, whether it is a step back)."""
    if not seen:
        return None
    why_back = _why_step_back(exercise, seen, now, tensing)
    if why_back is not None:
        lower = step_back(exercise, current)
        if lower is None:
            return current, why_back, True
        return lower, f"{dose_words(lower)}: down from {dose_words(current)}: {why_back}", True
    # Only the sessions where it was part of the routine count toward a step-up: an
    # exercise added for that session only never does (its safety signals still count).
    counted = [(session, record) for session, record in seen if not record.for_today]
    if (
        may_step_up
        and len(counted) >= 2
        and _two_easy_sessions(counted[-2:], current)
        and _settled(counted, current, now)
    ):
        higher = step_up(exercise, current)
        if higher is not None:
            return (
                higher,
                f"{dose_words(higher)}: up from {dose_words(current)}: two sessions done in full, "
                "not too hard, no pain rise",
                False,
            )
    return None


def _first_back(exercise: Exercise | None) -> bool:
    """Steps back first when leg pain rises: it bends the back backwards or tensions
    the nerve (CLINICAL.md, "Leg pain and back pain")."""
    return exercise is not None and (exercise.extension or exercise.nerve_tension)


def _leg_rise(seen: list[tuple[SessionRecord, ExerciseRecord]]) -> int | None:
    """Leg pain's rise in the last session with the exercise, when it was worked on and
    the rise is 2 or more."""
    session, record = seen[-1]
    leg = _rise(session.leg_pain_before, session.leg_pain_after)
    worked = record.work_seconds > 0
    return leg if worked and leg is not None and leg >= PAIN_RISE_STEP_BACK else None


FIRST_BACK = "back-bending and nerve-stretching exercises step back first"


def _kept_for_leg_pain(
    exercise: Exercise, seen: list[tuple[SessionRecord, ExerciseRecord]], now: datetime
) -> str | None:
    """Why an exercise keeps its dose (no step up) after leg pain rose, while the
    back-bending and nerve-stretching ones step back."""
    if not seen or _first_back(exercise) or (leg := _leg_rise(seen)) is None:
        return None
    day = day_words(seen[-1][0].started_at, now)
    return f"not up today: leg pain rose by {leg} on {day}; {FIRST_BACK}"


def _why_step_back(
    exercise: Exercise,
    seen: list[tuple[SessionRecord, ExerciseRecord]],
    now: datetime,
    tensing: Callable[[SessionRecord], bool],
) -> str | None:
    """Why the last session says to step back, if it does (CLINICAL.md)."""
    last_session, last = seen[-1]
    worked = last.work_seconds > 0
    back = _rise(last_session.pain_before, last_session.pain_after)
    leg = _rise(last_session.leg_pain_before, last_session.leg_pain_after)
    day = day_words(last_session.started_at, now)
    if last.status == "hurt":
        return f"it caused sharp pain on {day}"
    # Judged apart (CLINICAL.md, "Leg pain and back pain"): leg pain up by 2 steps back
    # whether or not back pain was given, back-bending and nerve-tensioning exercises
    # first (every exercise when the session held none of those); back pain up while
    # leg pain falls does not.
    if (rise := _leg_rise(seen)) is not None:
        if _first_back(exercise):
            return f"leg pain rose by {rise} on {day}: {FIRST_BACK}"
        if not tensing(last_session):
            return (
                f"leg pain rose by {rise} on {day}, in a session with no back-bending or "
                "nerve-stretching exercise: every exercise steps back"
            )
    centralising = leg is not None and leg < 0
    if worked and back is not None and back >= PAIN_RISE_STEP_BACK and not centralising:
        return f"back pain rose by {back} on {day}"
    if worked and last_session.effort == TOO_HARD:
        return f"it felt too hard on {day}"
    if worked and last_session.next_morning is False:
        return f"pain was not back to its usual level the morning after {day}"
    if len(seen) >= 2 and all(record.status == "skipped" for _, record in seen[-2:]):
        return "skipped twice"
    return None


def _two_easy_sessions(recent: list[tuple[SessionRecord, ExerciseRecord]], current: Dose) -> bool:
    """Done in full at this dose, pain known and not up, effort answered and not too hard.

    Unanswered questions (--yes, skipped) are never taken as easy: nothing steps up.
    """
    return all(
        record.status == "done"
        and record.kept_dose == current
        and _pain_did_not_rise(session)
        and session.effort in ANSWERED_EFFORT
        for session, record in recent
    )


def _settled(
    seen: list[tuple[SessionRecord, ExerciseRecord]], current: Dose, now: datetime
) -> bool:
    """At least 48 hours since the dose became `current`, when it changed (a dose that
    never changed, the catalogue's, is settled)."""
    first: tuple[SessionRecord, ExerciseRecord] | None = None
    for session, record in reversed(seen):
        if record.kept_dose != current:
            break
        first = (session, record)
    if first is None:
        return True
    session, record = first
    # The change's reason is stored with the session that first used it; histories from
    # before reasons were stored show it as a different dose before.
    changed_here = record.dose_change is not None or seen[0][1].kept_dose != current
    return not changed_here or now - session.started_at >= STEP_UP_GAP


def dose_words(dose: Dose) -> str:
    if isinstance(dose, RepsDose):
        return f"{dose.reps} reps"
    if dose.pyramid is not None:
        return "-".join(str(n) for n in dose.pyramid)
    if dose.reps > 1:
        return f"{dose.reps} × {dose.seconds} s"
    return f"hold {dose.seconds} s"


def step_up(exercise: Exercise, dose: Dose) -> Dose | None:
    """One step harder, within the exercise's limits; None at the top."""
    base = exercise.dose
    if isinstance(dose, RepsDose):
        top = dose.max_reps or base.reps + 2
        return dose.model_copy(update={"reps": dose.reps + 1}) if dose.reps < top else None
    if dose.pyramid is not None:
        if dose.pyramid[0] >= PYRAMID_TOP:
            return None
        return dose.model_copy(update={"pyramid": tuple(n + 1 for n in dose.pyramid)})
    top = dose.max_seconds or dose.seconds
    if dose.seconds + HOLD_STEP <= top:
        return dose.model_copy(update={"seconds": dose.seconds + HOLD_STEP})
    base_reps = base.reps if isinstance(base, HoldDose) else dose.reps
    if dose.reps < base_reps + 2:
        return dose.model_copy(update={"reps": dose.reps + 1})
    return None


def step_back(exercise: Exercise, dose: Dose) -> Dose | None:
    """One step easier, never below about half the catalogue's dose; None at the floor."""
    base = exercise.dose
    if isinstance(dose, RepsDose):
        floor = max(1, (base.reps if isinstance(base, RepsDose) else dose.reps) // 2)
        return dose.model_copy(update={"reps": dose.reps - 1}) if dose.reps > floor else None
    if dose.pyramid is not None:
        lower = tuple(n - 1 for n in dose.pyramid if n - 1 >= 1)
        if len(lower) >= 2:
            return dose.model_copy(update={"pyramid": lower})
        floor_seconds = max(3, (base.seconds if isinstance(base, HoldDose) else dose.seconds) // 2)
        if dose.seconds - HOLD_STEP >= floor_seconds:
            return dose.model_copy(update={"seconds": dose.seconds - HOLD_STEP})
        return None
    floor_seconds = max(3, (base.seconds if isinstance(base, HoldDose) else dose.seconds) // 2)
    if dose.seconds - HOLD_STEP >= floor_seconds:
        return dose.model_copy(update={"seconds": dose.seconds - HOLD_STEP})
    if dose.reps > 1:
        return dose.model_copy(update={"reps": dose.reps - 1})
    return None


def extension_pause(
    history: Iterable[SessionRecord],
    is_extension: Callable[[str], bool],
    now: datetime,
    extension_ok_at: datetime | None = None,
) -> str | None:
    """Why every back-bending (extension) exercise is left out today, if it is.

    CLINICAL.md, the symptom-spread rule: after leg symptoms spread on any extension
    exercise, leave out every extension exercise for 7 days; after a second spread
    within 14 days, advise a clinician before more extension work (they stay out for
    14 days after it, or until a clinician's OK is confirmed). The OK never shortens the
    7 days after a spread.
    """
    spreads = sorted(
        {
            session.started_at
            for session in history
            for record in session.exercises
            if record.status == "stopped" and is_extension(record.id)
        }
    )
    # A second spread within 14 days: the gate holds every extension exercise until a
    # clinician's OK is confirmed (gate.Record.extension_hold); this pause covers the
    # days the record holds too, for a plan made without the gate's record.
    # A clinician's OK since the last spread lifts only that hold (they return, a step
    # lower): never the 7 days after a spread, which every extension exercise keeps.
    cleared = extension_ok_at is not None and bool(spreads) and extension_ok_at >= spreads[-1]
    for earlier, later in zip(spreads, spreads[1:], strict=False):
        if cleared:
            break
        if later - earlier <= SECOND_SPREAD_WINDOW and now - later < SECOND_SPREAD_WINDOW:
            until = day_words(later + SECOND_SPREAD_WINDOW, now)
            return (
                f"leg symptoms spread twice within 14 days ({days_words((earlier, later), now)}"
                "): please see a physiotherapist or doctor before "
                f"more back-bending exercises; left out until {until}"
            )
    recent = [moment for moment in spreads if now - moment < SYMPTOM_PAUSE]
    if recent:
        last = max(recent)
        until = day_words(last + SYMPTOM_PAUSE, now)
        after_ok = " (then, with the clinician's OK, a step lower)" if cleared else ""
        return (
            f"leg symptoms spread during a back-bending exercise on {day_words(last, now)}; "
            f"all of them are left out until {until}{after_ok}"
        )
    return None
