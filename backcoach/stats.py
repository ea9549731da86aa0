"""Streaks, weekly totals and the pain trend, from the history. Pure: "today" is given."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from backcoach.models import SessionRecord

WEEKS = 8


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

    def as_json(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "sessions": self.sessions,
            "completed_sessions": self.completed,
            "current_streak_days": self.current_streak,
            "longest_streak_days": self.longest_streak,
            "weeks": [
                {
                    "week_of": w.start.isoformat(),
                    "sessions": w.sessions,
                    "minutes": round(w.minutes, 1),
                }
                for w in self.weeks
            ],
            "pain_before_average": _round(self.pain_before_average),
            "pain_after_average": _round(self.pain_after_average),
            "pain": [
                {
                    "date": p.day.isoformat(),
                    "session": p.session_id,
                    "before": p.before,
                    "after": p.after,
                }
                for p in self.pain
            ],
            "most_skipped": [{"id": i, "name": n, "times": c} for i, n, c in self.most_skipped],
            "stopped_for_symptoms": [
                {"id": i, "name": n, "times": c} for i, n, c in self.stopped_for_symptoms
            ],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def local_day(session: SessionRecord, tz: tzinfo | None) -> date:
    return session.started_at.astimezone(tz).date()


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


def compute(sessions: Sequence[SessionRecord], today: date, tz: tzinfo | None = None) -> Stats:
    real = [s for s in sessions if s.outcome != "red flag"]
    completed_days = [local_day(s, tz) for s in real if s.completed]
    current, longest = streaks(completed_days, today)
    this_monday = today - timedelta(days=today.weekday())
    weeks = []
    for back in range(WEEKS - 1, -1, -1):
        start = this_monday - timedelta(weeks=back)
        inside = [s for s in real if start <= local_day(s, tz) < start + timedelta(days=7)]
        minutes = sum((s.active_seconds or 0) for s in inside) / 60
        weeks.append(Week(start, len(inside), minutes))
    before = [s.pain_before for s in real if s.pain_before is not None]
    after = [s.pain_after for s in real if s.pain_after is not None]
    pain = tuple(
        PainPoint(local_day(s, tz), s.id, s.pain_before, s.pain_after)
        for s in sorted(real, key=lambda s: (s.started_at, s.id))
        if s.pain_before is not None and s.pain_after is not None
    )
    skipped: Counter[str] = Counter()
    stopped: Counter[str] = Counter()
    names: dict[str, str] = {}
    for session in real:
        for record in session.exercises:
            names[record.id] = record.name
            if record.status in ("skipped", "stopped"):
                skipped[record.id] += 1
            if record.status == "stopped":
                stopped[record.id] += 1
    return Stats(
        today=today,
        sessions=len(real),
        completed=sum(s.completed for s in real),
        current_streak=current,
        longest_streak=longest,
        weeks=tuple(weeks),
        pain_before_average=sum(before) / len(before) if before else None,
        pain_after_average=sum(after) / len(after) if after else None,
        pain=pain,
        most_skipped=tuple(
            (i, names[i], c) for i, c in sorted(skipped.items(), key=lambda x: (-x[1], x[0]))[:5]
        ),
        stopped_for_symptoms=tuple(
            (i, names[i], c) for i, c in sorted(stopped.items(), key=lambda x: (-x[1], x[0]))
        ),
    )
