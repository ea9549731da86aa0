"""Progression: step up after easy sessions, back after pain rose or skips, pause after spread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from backcoach.catalogue import loader as catalogue
from backcoach.models import Catalogue, Dose, ExerciseStatus, HoldDose, RepsDose, SessionRecord
from backcoach.plan.progression import next_doses, step_back, step_up

from .conftest import BUNDLED

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@cache
def cat() -> Catalogue:
    return catalogue.load(BUNDLED)


def session(
    days_ago: float,
    exercise_id: str,
    status: ExerciseStatus,
    dose: Dose | None = None,
    pain: tuple[int | None, int | None] = (3, 3),
    number: int = 1,
    effort: str | None = "about right",
    flare_up: bool = False,
    saved: Dose | None = None,
    leg: tuple[int | None, int | None] = (None, None),
    next_morning: bool | None = True,  # answered "yes": step-ups allowed
) -> SessionRecord:
    exercise = cat().by_id()[exercise_id]
    return SessionRecord.model_validate(
        {
            "id": number, "started_at": NOW - timedelta(days=days_ago), "ended_at": None,
            "focus": "lower back", "minutes": 10, "level": "beginner", "seed": 1,
            "flare_up": flare_up, "planned_seconds": 600, "active_seconds": 600,
            "pain_before": pain[0], "pain_after": pain[1], "effort": effort, "completed": True,
            "outcome": "done", "red_flags": (), "red_flag_tier": None, "symptoms_spread": False,
            "leg_pain_before": leg[0], "leg_pain_after": leg[1], "next_morning": next_morning,
            "exercises": [{
                "order": 0, "id": exercise_id, "name": exercise.name, "phase": "main",
                "status": status, "dose": (dose or exercise.dose).model_dump(),
                "work_seconds": 0 if status in ("skipped", "pending") else 10,
                "planned_work_seconds": 10,
                "saved_dose": saved.model_dump() if saved is not None else None,
            }],
        }
    )  # fmt: skip


def test_two_easy_sessions_step_a_hold_up() -> None:
    history = [session(2, "childs-pose", "done"), session(1, "childs-pose", "done")]
    result = next_doses(history, cat().exercises, NOW)
    dose = result.doses["childs-pose"]
    assert isinstance(dose, HoldDose) and dose.seconds == 22
    assert result.reasons["childs-pose"] == (
        "3 × 22 s: up from 3 × 20 s: two sessions done in full, not too hard, no pain rise"
    )
    assert result.changed["childs-pose"] == result.reasons["childs-pose"]  # stored with it


def test_a_pyramid_steps_up_to_the_next_pyramid() -> None:
    history = [session(2, "modified-curl-up", "done"), session(1, "modified-curl-up", "done")]
    dose = next_doses(history, cat().exercises, NOW).doses["modified-curl-up"]
    assert isinstance(dose, HoldDose) and dose.pyramid == (6, 4, 2)


def test_one_easy_session_is_not_enough_and_unknown_pain_is_not_easy() -> None:
    assert not next_doses([session(1, "cat-cow", "done")], cat().exercises, NOW).doses
    unknown = [session(2, "cat-cow", "done", pain=(None, None)), session(1, "cat-cow", "done")]
    assert not next_doses(unknown, cat().exercises, NOW).doses


def test_pain_rising_by_two_steps_back() -> None:
    history = [session(1, "cat-cow", "done", pain=(3, 5))]
    result = next_doses(history, cat().exercises, NOW)
    dose = result.doses["cat-cow"]
    assert isinstance(dose, RepsDose) and dose.reps == 9
    assert result.reasons["cat-cow"].startswith("9 reps: down from 10 reps: back pain rose by 2")


def test_skipped_twice_steps_back() -> None:
    history = [session(2, "glute-bridge", "skipped"), session(1, "glute-bridge", "skipped")]
    result = next_doses(history, cat().exercises, NOW)
    assert result.reasons["glute-bridge"].endswith(": skipped twice")


def test_skipped_three_times_in_a_row_leaves_the_routine() -> None:
    history = [session(days, "glute-bridge", "skipped", number=4 - days) for days in (3, 2, 1)]
    assert (
        "skipped 3 times in a row" in next_doses(history, cat().exercises, NOW).swap["glute-bridge"]
    )


def test_leg_pain_rising_steps_back_but_leg_pain_falling_never_does() -> None:
    rising = [session(1, "cat-cow", "done", leg=(3, 5))]
    assert "leg pain rose by 2" in next_doses(rising, cat().exercises, NOW).reasons["cat-cow"]
    # Centralisation: leg pain falls, back pain steady; two such sessions step up.
    easing = [session(d, "cat-cow", "done", leg=(6, 3), number=3 - d) for d in (3, 1)]
    dose = next_doses(easing, cat().exercises, NOW).doses["cat-cow"]
    assert isinstance(dose, RepsDose) and dose.reps == 11


def test_pain_not_settled_by_the_next_morning_steps_back() -> None:
    history = [session(1, "cat-cow", "done", next_morning=False)]
    result = next_doses(history, cat().exercises, NOW)
    assert "not back to its usual level the morning after" in result.reasons["cat-cow"]
    settled = [session(1, "cat-cow", "done", next_morning=True)]
    assert "cat-cow" not in next_doses(settled, cat().exercises, NOW).doses


def test_mcgill_pyramids_stop_at_seven_five_three() -> None:
    curl_up = cat().by_id()["modified-curl-up"]
    top = HoldDose.model_validate({**curl_up.dose.model_dump(), "pyramid": (7, 5, 3)})
    assert step_up(curl_up, top) is None


def test_too_hard_at_the_easiest_dose_leaves_the_routine() -> None:
    cat_cow = cat().by_id()["cat-cow"]
    easiest = cat_cow.dose
    while (lower := step_back(cat_cow, easiest)) is not None:
        easiest = lower
    history = [session(1, "cat-cow", "done", effort="too hard", saved=easiest)]
    result = next_doses(history, cat().exercises, NOW)
    assert "still hard at its easiest dose" in result.swap["cat-cow"]


def test_symptom_spread_leaves_it_out_for_seven_days() -> None:
    history = [session(3, "prone-press-up", "stopped")]
    result = next_doses(history, cat().exercises, NOW)
    assert "prone-press-up" in result.excluded
    assert "leg symptoms spread" in result.excluded["prone-press-up"]
    assert not next_doses([session(8, "prone-press-up", "stopped")], cat().exercises, NOW).excluded


def test_the_stepped_dose_is_kept_until_the_next_step() -> None:
    exercise = cat().by_id()["childs-pose"]
    up = step_up(exercise, exercise.dose)
    assert up is not None
    history = [session(1, "childs-pose", "done", dose=up)]
    result = next_doses(history, cat().exercises, NOW)
    assert result.doses["childs-pose"] == up
    assert result.reasons["childs-pose"] == "3 × 22 s: as last time"


exercise_ids = st.sampled_from(sorted(e.id for e in catalogue.load(BUNDLED).exercises))


@settings(max_examples=200, deadline=None)
@given(exercise_ids, st.integers(0, 12), st.booleans())
def test_steps_stay_valid_and_within_the_exercise_limits(
    exercise_id: str, steps: int, upward: bool
) -> None:
    exercise = cat().by_id()[exercise_id]
    dose: Dose = exercise.dose
    for _ in range(steps):
        moved = step_up(exercise, dose) if upward else step_back(exercise, dose)
        if moved is None:
            break
        dose = type(dose).model_validate(moved.model_dump())  # still a valid dose
    if isinstance(dose, RepsDose):
        base = exercise.dose
        assert isinstance(base, RepsDose)
        assert base.reps // 2 <= dose.reps <= (base.max_reps or base.reps + 2)
    else:
        base_hold = exercise.dose
        assert isinstance(base_hold, HoldDose)
        assert dose.seconds <= (base_hold.max_seconds or base_hold.seconds)
        assert dose.seconds >= max(3, base_hold.seconds // 2)


statuses = st.sampled_from(["done", "partial", "skipped", "stopped"])
pains = st.one_of(st.none(), st.integers(0, 10))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(exercise_ids, statuses, pains, pains), max_size=12))
def test_any_history_gives_valid_doses_for_known_exercises(
    rows: list[tuple[str, ExerciseStatus, int | None, int | None]],
) -> None:
    history = [
        session(len(rows) - index, exercise_id, status, pain=(before, after), number=index + 1)
        for index, (exercise_id, status, before, after) in enumerate(rows)
    ]
    result = next_doses(history, cat().exercises, NOW)
    for exercise_id, dose in result.doses.items():
        assert type(dose).model_validate(dose.model_dump()) == dose
        assert exercise_id in result.reasons
    assert not set(result.doses) & set(result.excluded)


def test_advice_is_chosen_for_the_session() -> None:
    from backcoach import clinical as safety

    assert safety.advice_before(upper_only=True, stretching=True) == (
        safety.HURT_IS_NOT_HARM,
        safety.DESK,
    )
    assert safety.advice_before(upper_only=False, stretching=True)[1] == safety.HEAT
    assert safety.advice_before(upper_only=False, stretching=False) == (safety.HURT_IS_NOT_HARM,)
    assert safety.advice_after(False, 5, 3) == (safety.KEEP_MOVING,)
    assert safety.advice_after(False, 3, 4) == (safety.KEEP_MOVING, safety.SEE_SOMEONE)
    assert safety.advice_after(True, None, None)[0] == safety.KEEP_WALKING_GENTLY


def test_sets_added_to_fill_the_minutes_are_never_saved() -> None:
    # The day's dose had an extra set to fill a long session; the kept dose had not.
    base = cat().by_id()["glute-bridge"].dose
    filled = base.model_copy(update={"sets": base.sets + 2})
    history = [session(3, "glute-bridge", "done", dose=filled, saved=base),
               session(1, "glute-bridge", "done", dose=filled, saved=base)]  # fmt: skip
    dose = next_doses(history, cat().exercises, NOW).doses["glute-bridge"]
    assert dose.sets == base.sets and dose.reps == base.reps + 1  # one step, from the base


def test_a_flare_up_never_changes_a_saved_dose() -> None:
    childs = cat().by_id()["childs-pose"].dose
    stepped = childs.model_copy(update={"seconds": 24})
    cut = stepped.model_copy(update={"seconds": 12, "reps": 2})
    flare = [session(days, "childs-pose", "done", dose=cut, saved=stepped, flare_up=True,
                     pain=(8, 8), number=days) for days in (4, 3, 2, 1)]  # fmt: skip
    result = next_doses(flare, cat().exercises, NOW)
    assert result.doses["childs-pose"] == stepped  # as it was before the bad days
    assert "as last time" in result.reasons["childs-pose"]


def test_too_hard_steps_back_and_unanswered_effort_never_steps_up() -> None:
    hard = [session(1, "cat-cow", "done", effort="too hard")]
    assert "too hard" in next_doses(hard, cat().exercises, NOW).reasons["cat-cow"]
    silent = [
        session(3, "cat-cow", "done", effort=None),
        session(1, "cat-cow", "done", effort=None),
    ]
    assert not next_doses(silent, cat().exercises, NOW).doses


def test_no_step_up_within_48_hours_of_the_last() -> None:
    base = cat().by_id()["cat-cow"].dose
    up = base.model_copy(update={"reps": base.reps + 1})
    history = [session(5, "cat-cow", "done"), session(4, "cat-cow", "done"),
               session(1.5, "cat-cow", "done", dose=up, saved=up),
               session(1, "cat-cow", "done", dose=up, saved=up)]  # fmt: skip
    assert next_doses(history, cat().exercises, NOW).doses["cat-cow"] == up  # kept, not up
    later = next_doses(history, cat().exercises, NOW + timedelta(hours=12)).doses["cat-cow"]
    assert later.reps == up.reps + 1  # 48 hours after the step up, it may step again


def test_three_sessions_a_day_never_step_up_twice_within_48_hours() -> None:
    base = cat().by_id()["cat-cow"].dose
    assert isinstance(base, RepsDose)
    up = base.model_copy(update={"reps": base.reps + 1})
    # Stepped up this morning (the change stored with it), then done twice more today.
    stepped = session(0.4, "cat-cow", "done", saved=up, number=1)
    stepped = stepped.model_copy(
        update={"exercises": (stepped.exercises[0].model_copy(update={"dose_change": "up"}),)}
    )
    today = [stepped] + [session(d, "cat-cow", "done", saved=up, number=n)
                         for d, n in ((0.3, 2), (0.2, 3))]  # fmt: skip
    result = next_doses(today, cat().exercises, NOW)
    assert result.doses["cat-cow"] == up and "as last time" in result.reasons["cat-cow"]


# --- Issue 23: the third clinical pass (CLINICAL.md "Leg pain and back pain",
# "Pacing the first weeks"), each rule over days with the moment given, never slept.


def test_back_pain_rising_while_leg_pain_falls_never_steps_back() -> None:
    # The finding: back 3 -> 5 while leg 6 -> 3 stepped every dose back.
    history = [session(1, "cat-cow", "done", pain=(3, 5), leg=(6, 3))]
    result = next_doses(history, cat().exercises, NOW)
    assert "cat-cow" not in result.doses and "cat-cow" not in result.changed
    assert any("centralisation" in note for note in result.notes)


def test_leg_pain_rising_steps_back_even_with_back_pain_skipped() -> None:
    # The finding: back pain skipped, leg pain 3 -> 7: the press-up stayed at full dose.
    history = [session(1, "prone-press-up", "done", pain=(None, None), leg=(3, 7))]
    result = next_doses(history, cat().exercises, NOW)
    assert "leg pain rose by 4" in result.changed["prone-press-up"]
    assert "prone-press-up" in result.held


def test_no_step_up_before_a_next_morning_yes_or_48_hours() -> None:
    # The finding: sessions at 08:00 and 12:00 stepped doses up at 16:00 the same day.
    at_16 = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    today = [
        session((at_16 - at_16.replace(hour=8)).total_seconds() / 86400, "cat-cow", "done",
                number=1, next_morning=None),
        session((at_16 - at_16.replace(hour=12)).total_seconds() / 86400, "cat-cow", "done",
                number=2, next_morning=None),
    ]  # fmt: skip
    today = [s.model_copy(update={"started_at": s.started_at - (NOW - at_16)}) for s in today]
    assert "cat-cow" not in next_doses(today, cat().exercises, at_16).doses
    # The next morning's "yes" for the last session allows it; so do 48 hours.
    answered = [*today[:1], today[1].model_copy(update={"next_morning": True})]
    assert next_doses(answered, cat().exercises, at_16 + timedelta(hours=16)).doses["cat-cow"]
    later = next_doses(today, cat().exercises, at_16 + timedelta(hours=44))
    assert later.doses["cat-cow"]


def test_more_than_14_days_away_steps_back_once_on_return() -> None:
    # The finding: after six weeks away, doses stepped up on return.
    history = [session(44, "cat-cow", "done", number=1), session(42, "cat-cow", "done", number=2)]
    result = next_doses(history, cat().exercises, NOW)
    dose = result.doses["cat-cow"]
    assert isinstance(dose, RepsDose) and dose.reps == 9
    assert "back after 42 days away" in result.changed["cat-cow"]
    assert any("42 days since your last session" in note for note in result.notes)
    # 14 days exactly is not "more than 14 days".
    fortnight = [session(16, "cat-cow", "done", number=1), session(14, "cat-cow", "done", number=2)]
    assert next_doses(fortnight, cat().exercises, NOW).doses["cat-cow"].reps == 11  # type: ignore[union-attr]


def test_sharp_pain_steps_back_and_twice_in_14_days_swaps() -> None:
    once = [session(1, "glute-bridge", "hurt")]
    result = next_doses(once, cat().exercises, NOW)
    assert "sharp pain" in result.changed["glute-bridge"] and not result.swap
    twice = [
        session(9, "glute-bridge", "hurt", number=1),
        session(1, "glute-bridge", "hurt", number=2),
    ]
    assert (
        "sharp pain twice within 14 days"
        in next_doses(twice, cat().exercises, NOW).swap["glute-bridge"]
    )
    apart = [
        session(20, "glute-bridge", "hurt", number=1),
        session(1, "glute-bridge", "hurt", number=2),
    ]
    assert not next_doses(apart, cat().exercises, NOW).swap
