"""The symptom-spread rule over days (CLINICAL.md): dates injected, never slept through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from backcoach.catalogue import loader as catalogue
from backcoach.catalogue.library import Library, open_library
from backcoach.history.store import History, open_history
from backcoach.models import Catalogue, HoldDose, Plan, Step
from backcoach.plan import prepare as coaching
from backcoach.plan.progression import extension_pause
from backcoach.timer.keys import Key
from backcoach.vocabulary import Level, Position

from .conftest import BUNDLED
from .fakes import ScriptedKeys

NOW = datetime.now(UTC).replace(microsecond=0)
SEEDS = range(40)


@cache
def bundled() -> Catalogue:
    return catalogue.load(BUNDLED)


def extension_ids() -> set[str]:
    return {e.id for e in bundled().exercises if e.extension}


def spread_on(history: History, exercise_id: str, days_ago: float) -> None:
    """A session in which leg symptoms spread during `exercise_id`, `days_ago` days ago."""
    step = Step(
        exercise=exercise_id, name=exercise_id, phase="main", position=Position.PRONE, cue="",
        dose=HoldDose(type="hold", seconds=10), get_ready=5, seconds=15, reason="",
    )  # fmt: skip
    plan = Plan(
        seed=1, minutes=10, regions=(), kinds=(), level=Level.BEGINNER, equipment=(),
        steps=(step,), total_seconds=15, budget_seconds=600,
    )  # fmt: skip
    started = NOW - timedelta(days=days_ago)
    session_id = history.begin(plan, "lower back", 3, [10.0], started_at=started)
    history.record_exercise(session_id, 0, "stopped", 5.0)
    history.record_symptoms_spread(session_id)
    history.finish(session_id, outcome="done", completed=True, active_seconds=60, ended_at=started)


def planned_extension(library: Library, seed: int, **choices: object) -> set[str]:
    prepared = coaching.prepare(
        library,
        coaching.Choices(focus=["lower"], minutes=30, seed=seed, **choices),  # type: ignore[arg-type]
    )
    return {step.exercise for step in prepared.plan().steps} & extension_ids()


@pytest.fixture
def library(isolated_home: Path) -> Library:
    return open_library(BUNDLED)


def test_plans_do_include_extension_exercises_without_a_spread(library: Library) -> None:
    assert any(planned_extension(library, seed) for seed in SEEDS)


@pytest.mark.parametrize("culprit", sorted(extension_ids()))
def test_a_spread_on_any_extension_exercise_leaves_all_of_them_out_for_7_days(
    library: Library, isolated_home: Path, culprit: str
) -> None:
    with open_history(isolated_home / "history.sqlite3") as history:
        spread_on(history, culprit, days_ago=1)
    assert all(not planned_extension(library, seed) for seed in SEEDS)
    plan = coaching.prepare(library, coaching.Choices(focus=["lower"], seed=1)).plan()
    assert any("all of them are left out until" in note for note in plan.notes)


def test_after_7_days_extension_exercises_come_back(library: Library, isolated_home: Path) -> None:
    with open_history(isolated_home / "history.sqlite3") as history:
        spread_on(history, "prone-press-up", days_ago=7.1)
    assert any(planned_extension(library, seed) for seed in SEEDS)


def test_a_second_spread_within_14_days_advises_a_clinician(
    library: Library, isolated_home: Path
) -> None:
    with open_history(isolated_home / "history.sqlite3") as history:
        spread_on(history, "standing-back-extension", days_ago=12)
        spread_on(history, "prone-on-elbows", days_ago=9)  # 3 days later, now 9 days ago
    plan = coaching.prepare(library, coaching.Choices(focus=["lower"], seed=2)).plan()
    advice = [note for note in plan.notes if "twice within 14 days" in note]
    assert advice and "see a physiotherapist or doctor" in advice[0]
    assert all(not planned_extension(library, seed) for seed in SEEDS)  # 9 > 7 days, still out


def test_a_spread_on_a_nerve_tensioning_exercise_leaves_out_only_that_one(
    library: Library, isolated_home: Path
) -> None:
    with open_history(isolated_home / "history.sqlite3") as history:
        spread_on(history, "double-knee-to-chest", days_ago=1)
        recent = history.sessions()
    assert extension_pause(recent, extension_ids().__contains__, NOW) is None
    assert any(planned_extension(library, seed) for seed in SEEDS)
    plans = [coaching.prepare(library, coaching.Choices(focus=["lower"], minutes=30, seed=seed))
             .plan() for seed in SEEDS]  # fmt: skip
    assert all("double-knee-to-chest" not in {s.exercise for s in p.steps} for p in plans)


def test_yes_leaves_extension_exercises_out_and_says_so(library: Library) -> None:
    for seed in SEEDS:
        assert not planned_extension(library, seed, no_questions=True)
    plan = coaching.prepare(library, coaching.Choices(seed=3, no_questions=True)).plan()
    assert any("--yes asks nothing" in note for note in plan.notes)


class AnswerNo(ScriptedKeys):
    """Keys for a live session: nothing pressed; a question on the screen gets 2 (no)."""

    def read(self, timeout: float | None) -> Key | None:
        if timeout is None:
            return Key("2", self.clock.now())
        return super().read(timeout)


@pytest.mark.parametrize("leg_symptoms", [True, False])
def test_nerve_tensioning_exercises_ask_about_spread_only_with_leg_symptoms(
    isolated_home: Path, leg_symptoms: bool
) -> None:
    """DESIGN.md, a session, step 5: after each extension exercise and, with leg
    symptoms, each nerve-tensioning one."""
    import io

    from rich.console import Console

    from backcoach.coach.before import Keeping
    from backcoach.coach.session import LiveSession, Options, Terminal
    from backcoach.vocabulary import Kind, Region

    from .builders import one_step_plan
    from .fakes import FakeClock

    assert "double-knee-to-chest" in {e.id for e in bundled().exercises if e.nerve_tension}
    plan = one_step_plan("double-knee-to-chest").model_copy(
        update={"regions": (Region.LOWER,), "kinds": (Kind.STRETCH,)}
    )
    clock = FakeClock()
    out = Console(file=io.StringIO(), width=100, color_system=None)
    live = LiveSession(
        plan, bundled(), Options(sound="off", plain=True),
        Terminal(out, clock, AnswerNo(clock, [])),
        Keeping(None, "a test keeps nothing"), lambda _: "", leg_symptoms=leg_symptoms,
    )  # fmt: skip
    live.run(3, None)
    asked = "Did any leg symptoms" in out.file.getvalue()  # type: ignore[attr-defined]
    assert asked is leg_symptoms
