"""An exercise added for that session only is never saved as the dose and never counts
toward a step-up (CLINICAL.md, "Dose and progression rules"; issue 23, F2: Double knee
to chest ran as an extra at 12 s holds, not its 10 s, and "Dose changes" listed it)."""

from __future__ import annotations

from pathlib import Path

from backcoach.history.store import open_history
from backcoach.models import HoldDose, Plan, SessionRecord, Step
from backcoach.plan import choosing
from backcoach.plan.choosing import EXTRA_REASON, Choice, Pools, Request
from backcoach.plan.progression import next_doses, step_up
from backcoach.vocabulary import Level, Position

from .conftest import RunCli, plain
from .test_progression import NOW, cat, session

EXTRA = "double-knee-to-chest"


def for_today(record: SessionRecord) -> SessionRecord:
    rows = tuple(e.model_copy(update={"for_today": True}) for e in record.exercises)
    return record.model_copy(update={"exercises": rows})


def test_two_sessions_as_an_extra_never_step_it_up() -> None:
    history = [for_today(session(2, EXTRA, "done")), for_today(session(1, EXTRA, "done", number=2))]
    result = next_doses(history, cat().exercises, NOW)
    assert EXTRA not in result.doses and EXTRA not in result.changed
    # In the routine, the same two sessions do step it up.
    routine = next_doses([session(2, EXTRA, "done"), session(1, EXTRA, "done", number=2)],
                         cat().exercises, NOW)  # fmt: skip
    assert EXTRA in result.kept and EXTRA in routine.changed


def test_an_extras_safety_signals_still_count() -> None:
    history = [for_today(session(1, EXTRA, "done", pain=(3, 6)))]
    assert "back pain rose" in next_doses(history, cat().exercises, NOW).changed[EXTRA]


def test_an_extra_runs_at_its_kept_dose_never_a_step_up() -> None:
    exercise = cat().by_id()[EXTRA]
    kept = exercise.dose
    higher = step_up(exercise, kept)
    assert higher is not None
    pools = Pools([exercise], [], [exercise], [], {EXTRA: higher}, {EXTRA: kept})
    bridge = cat().by_id()["glute-bridge"]  # the session is on the floor already
    added = choosing.extra_gentle([Choice(bridge, "main", bridge.dose, "")], pools, 600)
    extras = [(c.exercise.id, c.dose, c.reason) for c in added if c.for_today]
    assert [(i, dose) for i, dose, _ in extras] == [(EXTRA, kept)]
    assert all(reason.startswith(EXTRA_REASON) for _, _, reason in extras)
    assert Request().kept == {}  # a fresh plan keeps the catalogue's dose


def test_the_history_knows_a_row_was_for_today_and_keeps_its_step_back(
    isolated_home: Path,
) -> None:
    step = Step(
        exercise=EXTRA, name="Double knee to chest", phase="cool-down",
        position=Position.SUPINE, cue="", dose=HoldDose(type="hold", seconds=12, reps=3),
        get_ready=5, seconds=60, reason=EXTRA_REASON, for_today=True,
        dose_change="a step easier: it felt too hard",
    )  # fmt: skip
    plan = Plan(
        seed=1, minutes=10, regions=(), kinds=(), level=Level.BEGINNER, equipment=(),
        steps=(step,), total_seconds=60, budget_seconds=600,
    )  # fmt: skip
    with open_history(isolated_home / "history.sqlite3") as history:
        sid = history.begin(plan, "lower back", 3, [30.0], started_at=NOW)
        history.record_exercise(sid, 0, "done", 30.0)
        history.finish(sid, outcome="done", completed=True, active_seconds=60, ended_at=NOW)
        (row,) = history.sessions()[0].exercises
        changes = history.db.execute(
            "SELECT COUNT(*) FROM session_exercises WHERE dose_reason IS NOT NULL"
        ).fetchone()[0]
    # For today only (never counted toward a step-up), and a step back, a safety signal,
    # is kept with its reason, like any other dose change.
    assert row.for_today and row.dose_change == "a step easier: it felt too hard" and changes == 1


def test_next_time_says_the_easier_variant_takes_the_place_after_two_sharp_pains(
    isolated_home: Path,
) -> None:
    # The finding: after a second `x`, the end screen showed it at a lower dose next time,
    # though the next plan swaps it for its easier variant.
    from datetime import timedelta

    from rich.console import Console

    from backcoach.catalogue import loader
    from backcoach.plan.outlook import outlook
    from backcoach.render.history import end_screen

    from .builders import one_step_plan
    from .conftest import BUNDLED

    catalogue = loader.load(BUNDLED)
    plan = one_step_plan("double-knee-to-chest")
    with open_history(isolated_home / "history.sqlite3") as history:
        for days_ago in (3, 0):
            when = NOW - timedelta(days=days_ago)
            sid = history.begin(plan, "lower back", 3, [10.0], started_at=when)
            history.record_exercise(sid, 0, "hurt", 5.0)
            history.finish(sid, outcome="done", completed=True, active_seconds=60, ended_at=when)
        seen = outlook(history, catalogue, plan, NOW)
    assert seen.swaps == (
        ("Double knee to chest", "Single knee to chest", "sharp pain twice within 14 days"),
    )
    assert not seen.changes  # no lower dose promised for an exercise that leaves
    console = Console(width=200, color_system=None, _environ={})
    with console.capture() as captured:
        console.print(end_screen(seen, 3, 3))
    assert (
        "Single knee to chest takes the place of Double knee to chest (sharp pain twice "
        "within 14 days)." in captured.get()
    )


def test_history_says_an_exercise_stopped_for_pain(isolated_home: Path, run: RunCli) -> None:
    # The finding: "4/5 … complete" for a session with a stop for sharp pain.
    from .builders import one_step_plan

    plan = one_step_plan("glute-bridge")
    with open_history(isolated_home / "history.sqlite3") as history:
        sid = history.begin(plan, "lower back", 3, [10.0], started_at=NOW)
        history.record_exercise(sid, 0, "hurt", 5.0)
        # Ran to its end; not done in full, as stats and the report count it.
        history.finish(sid, outcome="done", completed=False, active_seconds=60, ended_at=NOW)
    shown = " ".join(plain(run("history").output).split())
    assert "ran to the end, not in full, 1 stopped for pain" in shown
    assert "complete" not in shown


def test_open_book_is_an_end_range_twist_left_out_and_named_with_hypermobility_or_osteoporosis(
    isolated_home: Path,
) -> None:
    # Its steps let the arm settle to the floor behind: an end-of-range twist.
    from .test_progression_rules import excluded_for, plan_with

    assert cat().by_id()["open-book"].end_range
    for condition in ("hypermobility", "osteoporosis"):
        named = False
        for seed in range(30):
            plan = plan_with(excluded_for(condition), seed=seed, focus=["upper"])
            assert "open-book" not in {step.exercise for step in plan.steps}
            named = named or any("Open book" in note for note in plan.notes)
        assert named, condition


def test_a_drawn_extra_keeps_its_dose_in_the_plan_too(isolated_home: Path) -> None:
    # The seed's draw holds today's extras (plan/planner.py `_in_place`): after two
    # sessions that would step it up, an extra still runs, and is kept, at its last dose.
    exercise = cat().by_id()[EXTRA]
    kept = exercise.dose
    higher = step_up(exercise, kept)
    assert higher is not None
    allowed = Pools([exercise], [], [exercise], [], {EXTRA: higher}, {EXTRA: kept})
    assert choosing.extra_dose(exercise, allowed) == kept
    lower = Pools([exercise], [], [exercise], [], {EXTRA: kept}, {EXTRA: higher})
    assert choosing.extra_dose(exercise, lower) == kept  # a step back still applies


def test_no_fill_ins_holds_for_the_one_session_after_a_step_back() -> None:
    # A physiotherapist's re-check: a "too hard" on extras for today blocked every
    # fill-in for eight days, since the extras that stepped back never ran again.
    # CLINICAL.md: "The session after a step back: no fill-ins" (one session).
    hard = session(3, EXTRA, "done", effort="too hard")
    right_after = next_doses([hard], cat().exercises, NOW)
    assert EXTRA in right_after.held and EXTRA in right_after.after_step_back
    later = session(1, "glute-bridge", "done", number=2)  # the next session, without it
    next_one = next_doses([hard, later], cat().exercises, NOW)
    assert EXTRA in next_one.held  # still a step easier when it comes back
    assert not next_one.after_step_back  # but fill-ins are allowed again


def test_next_time_says_a_stand_in_stopped_for_pain_is_a_step_easier(
    isolated_home: Path,
) -> None:
    # A new user's re-check: `x` on a stand-in for today ("that exercise is one step
    # easier next time"), then the end screen said "Next time the same doses".
    from backcoach.catalogue import loader
    from backcoach.plan.outlook import outlook

    from .builders import one_step_plan
    from .conftest import BUNDLED

    catalogue = loader.load(BUNDLED)
    plan = one_step_plan("knee-plank")
    plan = plan.model_copy(
        update={"steps": (plan.steps[0].model_copy(update={"for_today": True}),)}
    )
    with open_history(isolated_home / "history.sqlite3") as history:
        sid = history.begin(plan, "lower back", 3, [10.0], started_at=NOW)
        history.record_exercise(sid, 0, "hurt", 5.0)
        history.finish(sid, outcome="done", completed=False, active_seconds=60, ended_at=NOW)
        seen = outlook(history, catalogue, plan, NOW)
    (change,) = seen.changes
    assert change.back and change.name == catalogue.by_id()["knee-plank"].name


def test_two_days_that_are_one_day_are_said_once() -> None:
    # A new user's re-check: "(Mon 7 Dec and Mon 7 Dec)".
    from datetime import timedelta

    from backcoach.vocabulary import days_words

    assert days_words((NOW, NOW + timedelta(minutes=5)), NOW).startswith("both on ")
    assert " and " in days_words((NOW - timedelta(days=3), NOW), NOW)


def test_a_desk_break_keeps_a_step_back_but_never_steps_up() -> None:
    # A physiotherapist's re-check: after two spreads and a clinician's OK, a desk
    # break ran Standing back extension at its full dose; back-bending returns a step
    # lower on every way in. A desk break changes no dose, so never a step up.
    from backcoach.plan.gentle import _break_dose
    from backcoach.plan.progression import step_back

    exercise = cat().by_id()["standing-back-extension"]
    kept = exercise.dose
    lower, higher = step_back(exercise, kept), step_up(exercise, kept)
    assert lower is not None and higher is not None and lower != kept
    ident = exercise.id
    assert _break_dose(exercise, Request(kept={ident: kept}, doses={ident: lower})) == lower
    assert _break_dose(exercise, Request(kept={ident: kept}, doses={ident: higher})) == kept
    assert _break_dose(exercise, Request()) == kept


def test_a_stand_in_never_tensions_the_nerve_as_the_exercise_left_out_did() -> None:
    # A physiotherapist's re-check: after a spread on Single knee to chest, "Double knee
    # to chest … in place of Single knee to chest": the same movement with both legs.
    from backcoach.plan.choosing import like, pools

    left_out = cat().by_id()["single-knee-to-chest"]
    assert left_out.nerve_tension
    every = pools(cat(), Request())
    stand_in = like(left_out, every, set(), easier_first=True, stand_in=True)
    assert stand_in is not None and not stand_in.nerve_tension and not stand_in.extension
