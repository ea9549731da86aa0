"""The weekly check-in: each goal asked again, 0-10, Enter keeping it unrated; each
answer saved the moment it is given. The first session of a new week (7 days or more
since the last check-in) asks it last, after pain and the flare-up offer; `goals rate`
asks it whenever the person wants."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from backcoach.clinical import whole_number
from backcoach.coach.prompts import Ask, Say

if TYPE_CHECKING:
    from backcoach.history.programme import Goal
    from backcoach.history.store import History


def parse_score(answer: str) -> tuple[bool, int | None]:
    """(understood, score): Enter skips (None); 0-10 is a score; anything else is not."""
    text = answer.strip()
    if not text:
        return True, None
    if not whole_number(text) or not 0 <= int(text) <= 10:
        return False, None
    return True, int(text)


def ask_goals(
    history: History,
    goals: tuple[Goal, ...],
    ask: Ask,
    say: Say,
    now: datetime,
    *,
    skippable: bool = True,
) -> dict[int, int]:
    """Each goal asked in turn; the scores given, by goal id."""
    from backcoach.history.programme import rate_goal

    given: dict[int, int] = {}
    say(
        "Your goals this week: 0 (unable) to 10 (as before)"
        + (", Enter skips." if skippable else ".")
    )
    for goal in goals:
        last = f" (last {goal.latest.score})" if goal.latest else ""
        while True:
            understood, score = parse_score(ask(f"  {goal.text}{last}"))
            if understood and (score is not None or skippable):
                break
            say(
                "Please give a whole number from 0 to 10"
                + (", or press Enter to skip." if skippable else ".")
            )
        if score is not None:
            rate_goal(history, goal.id, score, now)
            given[goal.id] = score
    return given


def weekly(history: History | None, ask: Ask, say: Say, now: datetime) -> None:
    """The check-in before a session, when due: asked, and recorded as asked."""
    from backcoach.errors import StorageError
    from backcoach.history.programme import check_in_due, read_goals, record_check_in

    if history is None:
        return
    try:
        if not check_in_due(history, now):
            return
        goals = tuple(goal for goal in read_goals(history) if goal.dropped_at is None)
        record_check_in(history, now)
        ask_goals(history, goals, ask, say, now)
    except StorageError as error:
        say(f"(Your goals could not be saved: {error.message}.)")
