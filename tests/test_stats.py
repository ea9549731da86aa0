"""Stats over fixed dates: streaks, weeks, averages, what gets skipped, the chart."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from backcoach.history.overview import overview_of
from backcoach.history.stats import Stats, compute, streaks
from backcoach.history.store import History, open_history
from backcoach.render.history import stats_view
from backcoach.render.shapes import stats_json

from .builders import add_session, one_step_plan

TODAY = date(2026, 11, 21)  # a Saturday


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture
def history(tmp_path: Path) -> History:
    return open_history(tmp_path / "history.sqlite3")


def stats_of(history: History) -> Stats:
    return compute(overview_of(history), TODAY, UTC)


def test_streaks() -> None:
    assert streaks([], TODAY) == (0, 0)
    assert streaks([days_ago(0), days_ago(1), days_ago(2)], TODAY) == (3, 3)
    # Nothing yet today: yesterday's run still counts as current.
    assert streaks([days_ago(1), days_ago(2)], TODAY) == (2, 2)
    assert streaks([days_ago(2), days_ago(3)], TODAY) == (0, 2)
    assert streaks([days_ago(0), days_ago(5), days_ago(6), days_ago(7)], TODAY) == (1, 3)
    assert streaks([days_ago(0), days_ago(0)], TODAY) == (1, 1)


def test_only_completed_sessions_make_a_streak(history: History) -> None:
    add_session(history, days_ago(0), completed=False)
    add_session(history, days_ago(1))
    add_session(history, days_ago(2))
    stats = stats_of(history)
    assert (stats.current_streak, stats.longest_streak) == (2, 2)
    assert stats.sessions == 3 and stats.completed == 2


def test_weeks_averages_and_skips(history: History) -> None:
    add_session(history, days_ago(9), minutes=10, pain=None, skipped="bird-dog")
    add_session(history, days_ago(1), minutes=8, pain=(4, 2), skipped="superman")
    add_session(history, days_ago(0), minutes=12, pain=(6, 4), skipped="superman")
    stats = stats_of(history)
    assert len(stats.weeks) == 8
    assert stats.weeks[-1].start == date(2026, 11, 16)  # this week's Monday
    assert (stats.weeks[-1].sessions, stats.weeks[-1].minutes) == (2, 20)
    assert (stats.weeks[-2].sessions, stats.weeks[-2].minutes) == (1, 10)
    assert stats.pain_before_average == 5 and stats.pain_after_average == 3
    assert stats.most_skipped[0] == ("superman", "Superman", 2)
    data = stats_json(stats)
    assert data["current_streak_days"] == 2
    assert [p["before"] for p in data["pain"]] == [4, 6]


def render(history: History) -> str:
    console = Console(width=80, record=True, no_color=True)
    console.print(stats_view(stats_of(history), 80))
    return console.export_text()


def test_no_chart_with_fewer_than_two_sessions(history: History) -> None:
    add_session(history, days_ago(0))
    text = render(history)
    assert "░ before" not in text
    assert "A pain chart appears once two sessions" in text


def test_the_chart_shows_before_and_after(history: History) -> None:
    add_session(history, days_ago(1), pain=(6, 2))
    add_session(history, days_ago(0), pain=(4, 1))
    text = render(history)
    assert "░ before  █ after" in text
    rows = [line for line in text.splitlines() if "│" in line]
    assert rows[0].startswith(" 10 │")
    # At level 5 only the first session's "before" (6) reaches: one ░ and no █.
    level5 = next(line for line in rows if line.startswith("  5 │"))
    assert level5.count("░") == 1 and level5.count("█") == 0


def test_a_week_of_short_sessions_draws_a_short_bar(history: History) -> None:
    # 10 seconds of exercise is not a full week's bar, even when it is the most there is.
    add_session(history, days_ago(0), minutes=10 / 60)
    week = next(line for line in render(history).splitlines() if line.startswith("16 Nov"))
    assert "█" * 5 not in week


def test_no_improvement_needs_4_sessions_over_14_days_and_no_meaningful_fall() -> None:
    # CLINICAL.md, "Pacing the first weeks"; the finding: sixteen days of pain 6 -> 6.
    from datetime import UTC, datetime, timedelta

    from backcoach.history.stats import no_improvement

    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    flat = [(start + timedelta(days=d), 6) for d in range(0, 17, 2)]
    found = no_improvement(flat, start + timedelta(days=16, hours=2))
    assert found is not None and found.first_median == 6 and found.last_median == 6
    assert "GP or physiotherapist" in found.line() and "16 days" in found.line()
    assert not found.weeks_4_to_6
    # Too soon, too few, or a meaningful fall (2 points, or 30%): nothing said.
    assert no_improvement(flat[:4], start + timedelta(days=6)) is None
    assert no_improvement(flat[::3], start + timedelta(days=16)) is None  # 3 sessions
    easing = [(when, 6 if when - start < timedelta(days=7) else 4) for when, _ in flat]
    assert no_improvement(easing, start + timedelta(days=16, hours=2)) is None
    low = [(when, 3 if when - start < timedelta(days=7) else 2) for when, _ in flat]
    assert no_improvement(low, start + timedelta(days=16, hours=2)) is None  # 33% down
    long = [(start + timedelta(days=d), 5) for d in range(0, 30, 2)]
    assert (found := no_improvement(long, start + timedelta(days=30))) and found.weeks_4_to_6


def add_desk_break(history: History, day: date) -> int:
    """A desk break (`backcoach snack`) on `day`, done in full, as a snack writes it."""
    from datetime import datetime

    started = datetime(day.year, day.month, day.day, 11, tzinfo=UTC)
    plan = one_step_plan("standing-back-extension").model_copy(update={"snack": True})
    session_id = history.begin(plan, "desk break", None, [10.0], started_at=started)
    history.finish(session_id, outcome="done", completed=True, active_seconds=120, ended_at=started)
    return session_id


def test_desk_breaks_are_counted_apart_from_sessions(history: History) -> None:
    """A person who took one session and two desk breaks reads "Sessions: 1", not 3, and
    the breaks on their own; the weeks' sessions and minutes are sessions only."""
    add_session(history, days_ago(0), minutes=10)
    add_desk_break(history, days_ago(0))
    add_desk_break(history, days_ago(1))
    stats = stats_of(history)
    assert (stats.sessions, stats.completed, stats.desk_break_count) == (1, 1, 2)
    assert (stats.weeks[-1].sessions, stats.weeks[-1].minutes) == (1, 10)
    text = render(history)
    assert "Sessions: 1 (1 complete)" in text and "Desk breaks: 2" in text
    assert stats_json(stats)["sessions"] == 1


def test_only_desk_breaks_is_not_no_sessions_yet(history: History) -> None:
    add_desk_break(history, days_ago(0))
    text = render(history)
    assert "No sessions yet" not in text
    assert "Sessions: 0 (0 complete)" in text and "Desk breaks: 1" in text
    assert "over the same 0 sessions with pain" in " ".join(text.split())
