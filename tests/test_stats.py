"""Stats over fixed dates: streaks, weeks, averages, what gets skipped, the chart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from rich.console import Console

from backcoach.models import SessionRecord
from backcoach.render import stats_view
from backcoach.stats import compute, streaks

TODAY = date(2026, 11, 21)  # a Saturday


def record(
    day: date,
    *,
    completed: bool = True,
    pain: tuple[int, int] | None = (5, 3),
    minutes: float = 10,
    skipped: str | None = None,
    number: int = 1,
) -> SessionRecord:
    exercises = []
    if skipped:
        exercises.append({
            "position": 0, "id": skipped, "name": skipped.title(), "phase": "main",
            "status": "skipped", "dose": {"type": "hold", "seconds": 10},
            "work_seconds": 0, "planned_work_seconds": 10,
        })  # fmt: skip
    return SessionRecord.model_validate(
        {
            "id": number, "started_at": datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
            "ended_at": None, "focus": "lower back", "minutes": 10, "level": "beginner",
            "seed": 1, "flare_up": False, "planned_seconds": 600, "active_seconds": minutes * 60,
            "pain_before": pain[0] if pain else None, "pain_after": pain[1] if pain else None,
            "effort": None, "completed": completed, "outcome": "done" if completed else "quit",
            "red_flags": (), "red_flag_tier": None, "symptoms_spread": False,
            "exercises": exercises,
        }
    )  # fmt: skip


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_streaks() -> None:
    assert streaks([], TODAY) == (0, 0)
    assert streaks([days_ago(0), days_ago(1), days_ago(2)], TODAY) == (3, 3)
    # Nothing yet today: yesterday's run still counts as current.
    assert streaks([days_ago(1), days_ago(2)], TODAY) == (2, 2)
    assert streaks([days_ago(2), days_ago(3)], TODAY) == (0, 2)
    assert streaks([days_ago(0), days_ago(5), days_ago(6), days_ago(7)], TODAY) == (1, 3)
    assert streaks([days_ago(0), days_ago(0)], TODAY) == (1, 1)


def test_only_completed_sessions_make_a_streak() -> None:
    sessions = [record(days_ago(0), completed=False), record(days_ago(1)), record(days_ago(2))]
    stats = compute(sessions, TODAY, UTC)
    assert (stats.current_streak, stats.longest_streak) == (2, 2)
    assert stats.sessions == 3 and stats.completed == 2


def test_weeks_averages_and_skips() -> None:
    sessions = [
        record(days_ago(0), minutes=12, pain=(6, 4), skipped="superman", number=1),
        record(days_ago(1), minutes=8, pain=(4, 2), skipped="superman", number=2),
        record(days_ago(9), minutes=10, pain=None, skipped="bird-dog", number=3),
    ]
    stats = compute(sessions, TODAY, UTC)
    assert len(stats.weeks) == 8
    assert stats.weeks[-1].start == date(2026, 11, 16)  # this week's Monday
    assert (stats.weeks[-1].sessions, stats.weeks[-1].minutes) == (2, 20)
    assert (stats.weeks[-2].sessions, stats.weeks[-2].minutes) == (1, 10)
    assert stats.pain_before_average == 5 and stats.pain_after_average == 3
    assert stats.most_skipped[0] == ("superman", "Superman", 2)
    data = stats.as_json()
    assert data["current_streak_days"] == 2
    assert [p["before"] for p in data["pain"]] == [4, 6]  # type: ignore[index]


def render(stats_sessions: list[SessionRecord]) -> str:
    console = Console(width=80, record=True, no_color=True)
    console.print(stats_view(compute(stats_sessions, TODAY, UTC), 80))
    return console.export_text()


def test_no_chart_with_fewer_than_two_sessions() -> None:
    text = render([record(days_ago(0))])
    assert "░ before" not in text
    assert "A pain chart appears once two sessions" in text


def test_the_chart_shows_before_and_after() -> None:
    text = render(
        [record(days_ago(1), pain=(6, 2), number=1), record(days_ago(0), pain=(4, 1), number=2)]
    )
    assert "░ before  █ after" in text
    rows = [line for line in text.splitlines() if "│" in line]
    assert rows[0].startswith(" 10 │")
    # At level 5 only the first session's "before" (6) reaches: one ░ and no █.
    level5 = next(line for line in rows if line.startswith("  5 │"))
    assert level5.count("░") == 1 and level5.count("█") == 0
