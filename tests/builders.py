"""Histories written through the storage layer, as a real session writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from backcoach.history.store import History
from backcoach.models import HoldDose, Plan, Step
from backcoach.vocabulary import Level, Position


def one_step_plan(exercise_id: str | None) -> Plan:
    steps = ()
    if exercise_id is not None:
        dose = HoldDose(type="hold", seconds=10)
        steps = (
            Step(
                exercise=exercise_id, name=exercise_id.replace("-", " ").title(), phase="main",
                position=Position.SUPINE, cue="", dose=dose, get_ready=5, seconds=15, reason="",
            ),
        )  # fmt: skip
    return Plan(
        seed=1, minutes=10, regions=(), kinds=(), level=Level.BEGINNER, equipment=(),
        steps=steps, total_seconds=600, budget_seconds=600,
    )  # fmt: skip


def add_session(
    history: History,
    day: date,
    *,
    completed: bool = True,
    pain: tuple[int, int] | None = (5, 3),
    minutes: float = 10,
    skipped: str | None = None,
    status: str = "skipped",
) -> int:
    """A session on `day` at 09:00 UTC; `skipped` names an exercise left with `status`."""
    started = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    plan = one_step_plan(skipped)
    session_id = history.begin(
        plan, "lower back", pain[0] if pain else None, [10.0] * len(plan.steps), started_at=started
    )
    if skipped is not None:
        history.record_exercise(session_id, 0, status, 0.0)  # type: ignore[arg-type]
    history.finish(
        session_id,
        outcome="done" if completed else "quit",
        completed=completed,
        active_seconds=minutes * 60,
        pain_after=pain[1] if pain else None,
        ended_at=started,
    )
    return session_id


def add_red_flag_stop(history: History, day: date, codes: tuple[str, ...], tier: str) -> int:
    moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return history.record_red_flags(one_step_plan(None), "lower back", codes, tier, at=moment)
