"""Pure: a programme's weeks. The schedule's words checked (days, a time), the days
planned and done in a calendar week (Monday to Sunday), sessions planned against done
for each week of the programme, the goals' change and whether it is meaningful
(Patient-Specific Functional Scale: 2 points in the average, 3 in one activity;
Stratford et al. 1995), and pain and leg pain week by week. "Today" is always given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from statistics import mean

from backcoach.errors import UsageError
from backcoach.history.programme import Goal, Programme, ScheduleChange
from backcoach.vocabulary import did_you_mean

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MEANINGFUL_AVERAGE = 2.0  # points in the average score (Stratford et al. 1995)
MEANINGFUL_ONE = 3  # points in one activity
DEFAULT_AT = "08:00"


def parse_days(text: str) -> tuple[int, ...]:
    """`mon,wed,fri` (full names and any case too) → (0, 2, 4); an unknown day is refused
    with the nearest name."""
    days: set[int] = set()
    for word in (part.strip().lower() for part in text.split(",")):
        if not word:
            continue
        key = word[:3]
        if key in DAY_NAMES and (word == key or DAY_WORDS[DAY_NAMES.index(key)].lower() == word):
            days.add(DAY_NAMES.index(key))
            continue
        raise UsageError(
            f"unknown day {word!r}: use mon, tue, wed, thu, fri, sat, sun, separated by commas",
            hint=did_you_mean(word, DAY_NAMES),
        )
    if not days:
        raise UsageError("--days needs at least one day, for example --days mon,wed,fri")
    return tuple(sorted(days))


def parse_at(text: str) -> str:
    """HH:MM, 24-hour, local time."""
    hours, colon, minutes = text.strip().partition(":")
    if colon and hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
        if 0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59:
            return f"{int(hours):02d}:{minutes}"
    raise UsageError(f"--at takes a time as HH:MM (24-hour), like 08:00 or 18:30, not {text!r}")


def days_words(days: Iterable[int]) -> str:
    return ", ".join(DAY_WORDS[day] for day in days) or "no days"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def schedule_on(
    schedules: Sequence[ScheduleChange], day: date, tz: tzinfo | None
) -> ScheduleChange | None:
    """The schedule in effect on a day: the last one set on or before it."""
    found = None
    for change in schedules:
        if change.set_at.astimezone(tz).date() <= day:
            found = change
    return found


def planned(schedules: Sequence[ScheduleChange], day: date, tz: tzinfo | None) -> bool:
    change = schedule_on(schedules, day, tz)
    return change is not None and day.weekday() in change.days


def done_days(starts: Iterable[datetime], tz: tzinfo | None) -> set[date]:
    return {start.astimezone(tz).date() for start in starts}


@dataclass(frozen=True)
class Day:
    day: date
    planned: bool
    done: bool


@dataclass(frozen=True)
class WeekTally:
    start: date  # a Monday
    planned: int  # days planned
    done: int  # days with a session
    done_as_planned: int  # planned days with a session


def calendar_week(programme: Programme, today: date, tz: tzinfo | None = None) -> tuple[Day, ...]:
    """This calendar week, Monday to Sunday: each day planned or not, done or not."""
    done = done_days(programme.session_starts, tz)
    first = monday(today)
    days = (first + timedelta(days=n) for n in range(7))
    return tuple(Day(day, planned(programme.schedules, day, tz), day in done) for day in days)


def programme_start(programme: Programme, tz: tzinfo | None) -> date | None:
    moments = [goal.added_at for goal in programme.goals]
    moments += [change.set_at for change in programme.schedules[:1]]
    moments += list(programme.session_starts[:1])
    return min(moments).astimezone(tz).date() if moments else None


def weeks(programme: Programme, today: date, tz: tzinfo | None = None) -> tuple[WeekTally, ...]:
    """Each week from the programme's first (goals, schedule or session) to this one."""
    start = programme_start(programme, tz)
    if start is None:
        return ()
    done = done_days(programme.session_starts, tz)
    tallies = []
    week = monday(start)
    while week <= today:
        days = [week + timedelta(days=n) for n in range(7)]
        plan = [day for day in days if planned(programme.schedules, day, tz)]
        tallies.append(
            WeekTally(
                week,
                len(plan),
                sum(1 for day in days if day in done),
                sum(1 for day in plan if day in done),
            )
        )
        week += timedelta(days=7)
    return tuple(tallies)


# --- goals ---------------------------------------------------------------------------


def change(goal: Goal) -> int | None:
    """Latest minus first score; None with fewer than two scores."""
    if len(goal.scores) < 2:
        return None
    assert goal.first is not None and goal.latest is not None
    return goal.latest.score - goal.first.score


def goal_words(goal: Goal) -> str:
    """One activity's change in words, meaningful or not (3 points or more)."""
    moved = change(goal)
    if moved is None:
        return "rated once so far" if goal.scores else "not rated yet"
    if moved == 0:
        return "no change"
    way = "better" if moved > 0 else "worse"
    sign = f"{moved:+d}"
    if abs(moved) >= MEANINGFUL_ONE:
        return f"{sign}: a meaningful change ({way}; 3 points or more in one activity)"
    return f"{sign}: {way}, not yet a meaningful change (3 points in one activity)"


@dataclass(frozen=True)
class GoalsSummary:
    first_average: float | None
    latest_average: float | None
    change: float | None
    meaningful: bool
    words: str


def summary(goals: Sequence[Goal]) -> GoalsSummary:
    """The average of first and of latest scores over the goals rated twice or more, and
    whether the change is meaningful: 2 points in the average, or 3 in one activity."""
    rated = [goal for goal in goals if len(goal.scores) >= 2]
    if not rated:
        words = "Rate your goals again in a week to see how they move."
        return GoalsSummary(None, None, None, False, words)
    first = mean(goal.scores[0].score for goal in rated)
    latest = mean(goal.scores[-1].score for goal in rated)
    moved = round(latest - first, 1)
    one = [goal for goal in rated if abs(change(goal) or 0) >= MEANINGFUL_ONE]
    meaningful = abs(moved) >= MEANINGFUL_AVERAGE or bool(one)
    way = "better" if moved > 0 else "worse" if moved < 0 else "the same"
    text = f"Average {first:.1f} → {latest:.1f} ({moved:+.1f}, {way})"
    if abs(moved) >= MEANINGFUL_AVERAGE:
        text += ": a meaningful change (2 points or more in the average)."
    elif one:
        text += f": not 2 points in the average, but a meaningful change in {len(one)} " + (
            "activity (3 points or more)." if len(one) == 1 else "activities (3 points or more)."
        )
    else:
        text += ": not yet a meaningful change (2 points in the average, 3 in one activity)."
    return GoalsSummary(round(first, 1), round(latest, 1), moved, meaningful, text)


# --- pain over the programme ------------------------------------------------------------


@dataclass(frozen=True)
class PainWeek:
    start: date
    back: float | None  # average pain before sessions that week
    leg: float | None


def pain_weeks(programme: Programme, tz: tzinfo | None = None) -> tuple[PainWeek, ...]:
    """Pain (and leg pain) before sessions, averaged week by week; weeks with none left out."""
    by_week: dict[date, tuple[list[int], list[int]]] = {}
    for start, back, leg in programme.pain:
        backs, legs = by_week.setdefault(monday(start.astimezone(tz).date()), ([], []))
        if back is not None:
            backs.append(back)
        if leg is not None:
            legs.append(leg)
    return tuple(
        PainWeek(
            week,
            round(mean(backs), 1) if backs else None,
            round(mean(legs), 1) if legs else None,
        )
        for week, (backs, legs) in sorted(by_week.items())
        if backs or legs
    )


def pain_words(weeks: Sequence[PainWeek]) -> str:
    """The first and latest week's pain before sessions, meaningful or not (2 points)."""
    rated = [week for week in weeks if week.back is not None]
    if len(rated) < 2:
        return "Pain trend: not enough weeks with pain scores yet."
    first, last = rated[0].back, rated[-1].back
    assert first is not None and last is not None
    moved = last - first
    meaningful = abs(moved) >= 2 or (first > 0 and abs(moved) / first >= 0.3)
    note = "a meaningful change" if meaningful else "not yet a meaningful change"
    return f"Pain before sessions: {first:.1f} in the first week, {last:.1f} lately ({note})."
