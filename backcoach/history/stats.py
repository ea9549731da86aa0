"""Streaks, weekly totals and the pain trend, from the history. Pure: "today" is given."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from statistics import median

from backcoach.history.facts import Overview

WEEKS = 8
MOST_SKIPPED = 5


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    sessions: int
    minutes: float


@dataclass(frozen=True)
class PainPoint:
    day: date
    session_id: int
    before: int
    after: int
    leg_before: int | None = None
    leg_after: int | None = None


@dataclass(frozen=True)
class Stats:
    today: date
    sessions: int
    completed: int
    current_streak: int
    longest_streak: int
    weeks: tuple[Week, ...]
    pain_before_average: float | None
    pain_after_average: float | None
    pain: tuple[PainPoint, ...]
    most_skipped: tuple[tuple[str, str, int], ...]  # (id, name, times skipped or stopped)
    stopped_for_symptoms: tuple[tuple[str, str, int], ...]
    # The last 7 days with a desk break or a reminder: (day, breaks taken, reminders given).
    desk_breaks: tuple[tuple[date, int, int], ...] = ()
    # The averages are over the same sessions: those with pain recorded before and after
    # (how many), so before and after compare like with like (issue 23).
    pain_sessions: int = 0
    leg_before_average: float | None = None
    leg_after_average: float | None = None
    leg_sessions: int = 0
    stopped_for_pain: tuple[tuple[str, str, int], ...] = ()  # the `x` key
    desk_break_count: int = 0  # every desk break ever (they are not among `sessions`)


def local_day(moment: datetime, tz: tzinfo | None) -> date:
    return moment.astimezone(tz).date()


def streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days. The current run may end yesterday:
    today's session may simply not have happened yet."""
    unique = sorted(set(days))
    longest = run = 0
    previous: date | None = None
    for day in unique:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    present = set(unique)
    day = today if today in present else today - timedelta(days=1)
    while day in present:
        current += 1
        day -= timedelta(days=1)
    return current, longest


def compute(overview: Overview, today: date, tz: tzinfo | None = None) -> Stats:
    sessions = overview.sessions
    days = [local_day(s.started_at, tz) for s in sessions]
    current, longest = streaks(
        (day for day, s in zip(days, sessions, strict=True) if s.completed), today
    )
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=WEEKS - 1)
    counts = [0] * WEEKS
    seconds = [0.0] * WEEKS
    for day, session in zip(days, sessions, strict=True):
        week = (day - first_monday).days // 7
        if 0 <= week < WEEKS and day >= first_monday:
            counts[week] += 1
            seconds[week] += session.seconds_done
    weeks = tuple(
        Week(first_monday + timedelta(weeks=index), counts[index], seconds[index] / 60)
        for index in range(WEEKS)
    )
    paired = [s for s in sessions if s.pain_before is not None and s.pain_after is not None]
    before = [s.pain_before for s in paired if s.pain_before is not None]
    after = [s.pain_after for s in paired if s.pain_after is not None]
    legs = [
        (s.leg_pain_before, s.leg_pain_after)
        for s in sessions
        if s.leg_pain_before is not None and s.leg_pain_after is not None
    ]
    pain = tuple(
        PainPoint(day, s.id, s.pain_before, s.pain_after, s.leg_pain_before, s.leg_pain_after)
        for day, s in zip(days, sessions, strict=True)
        if s.pain_before is not None and s.pain_after is not None
    )
    hurt = sorted((t for t in overview.exercises if t.hurt), key=lambda t: (-t.hurt, t.id))
    skipped = sorted((t for t in overview.exercises if t.skipped), key=lambda t: (-t.skipped, t.id))
    stopped = sorted((t for t in overview.exercises if t.stopped), key=lambda t: (-t.stopped, t.id))
    return Stats(
        today=today,
        sessions=len(sessions),
        completed=sum(s.completed for s in sessions),
        current_streak=current,
        longest_streak=longest,
        weeks=weeks,
        pain_before_average=sum(before) / len(before) if before else None,
        pain_after_average=sum(after) / len(after) if after else None,
        pain=pain,
        most_skipped=tuple((t.id, t.name, t.skipped) for t in skipped[:MOST_SKIPPED]),
        stopped_for_symptoms=tuple((t.id, t.name, t.stopped) for t in stopped),
        desk_breaks=_desk_breaks(overview, today, tz),
        pain_sessions=len(paired),
        leg_before_average=sum(b for b, _ in legs) / len(legs) if legs else None,
        leg_after_average=sum(a for _, a in legs) / len(legs) if legs else None,
        leg_sessions=len(legs),
        stopped_for_pain=tuple((t.id, t.name, t.hurt) for t in hurt),
        desk_break_count=overview.break_count,
    )


def _desk_breaks(
    overview: Overview, today: date, tz: tzinfo | None
) -> tuple[tuple[date, int, int], ...]:
    """Breaks taken against reminders given, per day, for the last 7 days that had any."""
    first = today - timedelta(days=6)
    taken = [local_day(moment, tz) for moment in overview.breaks]
    given = [local_day(moment, tz) for moment in overview.reminders]
    days = sorted({day for day in (*taken, *given) if first <= day <= today})
    return tuple((day, taken.count(day), given.count(day)) for day in days)


# CLINICAL.md, "Pacing the first weeks": no improvement is at least 4 sessions over at
# least 14 days whose median pain before sessions in the last 7 days is not 2 points
# (or 30%) below the first 7 days' (NPRS: Childs et al. 2005; Ostelo et al. 2008).
TREND_LEAST_SESSIONS = 4
TREND_LEAST_SPAN = timedelta(days=14)
TREND_WEEK = timedelta(days=7)
TREND_GAP = timedelta(days=14)  # a longer break starts a new run of sessions
MEANINGFUL_POINTS = 2
MEANINGFUL_SHARE = 0.3
CLINICIAN_AFTER = timedelta(days=28)  # about 4-6 weeks


@dataclass(frozen=True)
class NoImprovement:
    """Pain before sessions that has not improved: the figures, and the line to show."""

    first_median: float
    last_median: float
    sessions: int
    days: int
    started: datetime | None = None  # the first session of the run

    @property
    def clinician_from(self) -> datetime | None:
        """When the "not improved after about 4 to 6 weeks" item became due."""
        return None if self.started is None else self.started + CLINICIAN_AFTER

    @property
    def weeks_4_to_6(self) -> bool:
        return self.days >= CLINICIAN_AFTER.days

    def line(self) -> str:
        return (
            f"Your pain before sessions has not improved over {self.days} days "
            f"({self.sessions} sessions): median {self.first_median:g} in the first week, "
            f"{self.last_median:g} in the last week. Please see a GP or physiotherapist "
            "(NHS inform: seek help if your back is no better after 2 weeks of exercises)."
        )


def no_improvement(points: Sequence[tuple[datetime, int]], now: datetime) -> NoImprovement | None:
    """The no-improvement rule over the current run of sessions (no break over 14 days)."""
    ordered = sorted(points)
    run: list[tuple[datetime, int]] = []
    for when, pain in ordered:
        if run and when - run[-1][0] > TREND_GAP:
            run = []
        run.append((when, pain))
    if run and now - run[-1][0] > TREND_GAP:
        return None  # away too long: a new start, judged afresh
    if len(run) < TREND_LEAST_SESSIONS or now - run[0][0] < TREND_LEAST_SPAN:
        return None
    start = run[0][0]
    first = [pain for when, pain in run if when - start < TREND_WEEK]
    last = [pain for when, pain in run if now - when <= TREND_WEEK]
    if not first or not last:
        return None
    first_median, last_median = median(first), median(last)
    fall = first_median - last_median
    if fall >= MEANINGFUL_POINTS or (first_median > 0 and fall / first_median >= MEANINGFUL_SHARE):
        return None
    return NoImprovement(first_median, last_median, len(run), (now - start).days, start)
