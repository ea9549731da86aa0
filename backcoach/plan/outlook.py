"""After a session: the streak, the minutes this week, and which doses change next time.

Read from the history once the session is saved; progression decides the doses, as
it will when the next plan is made (48 hours on, when a step up may first happen). A
step back applies at the very next session: each change says from when.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Mapping

    from backcoach.history.store import History
    from backcoach.models import Catalogue, Dose, Exercise, Plan


class Change(NamedTuple):
    name: str
    before: Dose  # the dose of this session (progression's, kept for next time)
    after: Dose  # the dose next time
    why: str
    back: bool  # a step back: it applies at the very next session, not 48 hours on


class Outlook(NamedTuple):
    streak: int  # days in a row with a session, today included
    minutes_this_week: float
    changes: tuple[Change, ...]  # doses that change at the next plan, and why
    from_day: date  # the first day a step up may happen (48 hours on)
    progresses: bool  # False for a desk break or a flare-up day: they change no dose
    # Exercises that leave the routine next time: (name, what takes its place, why).
    swaps: tuple[tuple[str, str, str], ...] = ()


def outlook(history: History, catalogue: Catalogue, plan: Plan, now: datetime) -> Outlook:
    from backcoach.history import stats
    from backcoach.plan import progression

    by_id = catalogue.by_id()
    ids = [step.exercise for step in plan.steps if step.exercise in by_id]
    # An exercise there for today only never steps up, but a step back (sharp pain, too
    # hard) applies to it too and is said: "x" on a stand-in is one step easier next time.
    today_only = {step.exercise for step in plan.steps if step.for_today}
    later = now + progression.STEP_UP_GAP
    records = history.recent_for_progression(ids, later)
    result = progression.next_doses(records, [by_id[i] for i in ids], later)
    changes = tuple(
        Change(
            by_id[i].name,
            result.kept[i],
            result.doses[i],
            _why(result.changed[i]),
            i in result.held,
        )
        for i in ids
        if i in result.changed
        and i in result.doses
        and i in result.kept
        and i not in result.swap
        and (i not in today_only or i in result.held)
    )
    swaps = tuple(
        (by_id[i].name, _in_its_place(by_id[i].easier, by_id), _swap_why(result.swap[i]))
        for i in ids
        if i in result.swap and i not in today_only
    )
    today = now.astimezone().date()
    from backcoach.history.overview import overview_of

    summary = stats.compute(overview_of(history), today)
    monday = today - timedelta(days=today.weekday())
    minutes = sum(week.minutes for week in summary.weeks if week.start == monday)
    return Outlook(
        summary.current_streak,
        minutes,
        changes,
        later.astimezone().date(),
        progresses=not (plan.snack or plan.flare_up),
        swaps=swaps,
    )


def _in_its_place(easier: tuple[str, ...], by_id: Mapping[str, Exercise]) -> str:
    """Its easier variant, as the routine picks it first; else a like exercise."""
    found = [by_id[i].name for i in easier if i in by_id]
    return found[0] if found else "a like exercise"


def _swap_why(reason: str) -> str:
    """ "it caused sharp pain twice within 14 days (…)" → "sharp pain twice within 14 days"."""
    if reason.startswith("it caused sharp pain twice"):
        return "sharp pain twice within 14 days"
    return reason


def _why(reason: str) -> str:
    """ "21 reps: up from 20 reps: two sessions done in full…" → the reason alone."""
    return reason.split(": ", 2)[-1]
