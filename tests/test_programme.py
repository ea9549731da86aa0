"""A programme over weeks (issue 25): goals, the schedule, the week, the check-in,
lessons, scheduled reminders and the report. Real SQLite files under BACKCOACH_HOME,
dates injected, a fake clock for remind; nothing sleeps."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.catalogue import lessons as lesson_data
from backcoach.coach import planned as planning
from backcoach.coach import remind as reminding
from backcoach.coach.checkin import ask_goals, parse_score, weekly
from backcoach.config import parse_between
from backcoach.errors import UsageError
from backcoach.history import programme as prog
from backcoach.history.store import open_history
from backcoach.plan import week

from .conftest import RunCli
from .fakes import FakeClock, ScriptedKeys
from .test_remind import FakeProcess, FakeWall, utc  # noqa: F401

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def history(home: Path) -> prog.History:  # type: ignore[name-defined]
    return open_history(home / "history.sqlite3")


# --- goals ----------------------------------------------------------------------------


def test_goals_are_added_rated_and_dropped_with_each_score_kept(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite3") as h:
        socks = prog.add_goal(h, "  put my   socks on ", 3, MONDAY)
        prog.add_goal(h, "sit through a film", 4, MONDAY)
        prog.add_goal(h, "lift my child", None, MONDAY)
        assert socks.text == "put my socks on"
        prog.rate_goal(h, socks.id, 7, MONDAY + timedelta(days=7))
        prog.drop_goal(h, 2, MONDAY + timedelta(days=8))
        goals = prog.read_goals(h)
    assert [g.text for g in goals if g.dropped_at is None] == ["put my socks on", "lift my child"]
    assert [s.score for s in goals[0].scores] == [3, 7]
    assert week.change(goals[0]) == 4
    assert "a meaningful change (better" in week.goal_words(goals[0])
    assert goals[1].dropped_at is not None and goals[1].scores[0].score == 4  # kept


def test_every_mistake_is_refused_in_words(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite3") as h:
        with pytest.raises(UsageError, match="needs words"):
            prog.add_goal(h, "   ", None, MONDAY)
        with pytest.raises(UsageError, match="from 0 .unable. to 10"):
            prog.add_goal(h, "walk", 11, MONDAY)
        for n in range(5):
            prog.add_goal(h, f"goal {n}", 5, MONDAY)
        with pytest.raises(UsageError, match="already have 5 goals"):
            prog.add_goal(h, "a sixth", 5, MONDAY)
        with pytest.raises(UsageError, match="no goal 9 to drop"):
            prog.drop_goal(h, 9, MONDAY)
        assert len(prog.read_goals(h)) == 5  # nothing half-written


def test_meaningful_in_the_average_or_in_one_activity() -> None:
    def goal(n: int, *scores: int) -> prog.Goal:
        return prog.Goal(n, f"g{n}", MONDAY, tuple(prog.Score(s, MONDAY) for s in scores))

    assert week.summary([goal(1, 2, 4), goal(2, 3, 5), goal(3, 4, 6)]).meaningful
    assert "2 points or more in the average" in week.summary([goal(1, 2, 4), goal(2, 3, 5)]).words
    one = week.summary([goal(1, 2, 5), goal(2, 3, 3), goal(3, 4, 4)])
    assert one.meaningful and "in 1 activity" in one.words
    small = week.summary([goal(1, 2, 3), goal(2, 3, 4)])
    assert not small.meaningful and "not yet a meaningful change" in small.words


def test_the_cli_says_each_mistake_and_exits_2(run: RunCli) -> None:
    assert run("goals", "add", "").exit_code == 2
    result = run("goals", "add", "walk the dog", "--score", "-1")
    assert result.exit_code == 2 and "0 (unable) to 10" in result.output
    result = run("schedule", "--days", "mon,wensday")
    assert result.exit_code == 2 and "did you mean wed?" in result.output
    assert run("schedule", "--days", "mon", "--at", "25:00").exit_code == 2
    assert run("learn", "99").exit_code == 2
    added = run("goals", "add", "walk the dog", "--score", "4", "--json")
    assert json.loads(added.stdout)["first"] == 4
    listed = json.loads(run("goals", "--json").stdout)
    assert [g["text"] for g in listed["goals"]] == ["walk the dog"]


def test_goals_rate_asks_each_in_turn_and_keeps_each_answer(run: RunCli) -> None:
    run("goals", "add", "socks", "--score", "3")
    run("goals", "add", "film", "--score", "4")
    result = run("goals", "rate", input="12\n6\n\n")
    assert result.exit_code == 0, result.output
    assert "Please give a whole number from 0 to 10" in result.output
    shown = json.loads(run("goals", "--json").stdout)["goals"]
    assert [(g["first"], g["latest"]) for g in shown] == [(3, 6), (4, 4)]
    assert shown[0]["meaningful"] and shown[0]["change"] == 3


# --- the weekly check-in ----------------------------------------------------------------


def test_the_check_in_is_due_after_seven_days_and_enter_skips(tmp_path: Path) -> None:
    said: list[str] = []
    with open_history(tmp_path / "h.sqlite3") as h:
        assert not prog.check_in_due(h, MONDAY)  # no goals: nothing to ask
        prog.add_goal(h, "socks", 3, MONDAY)
        prog.add_goal(h, "film", 4, MONDAY)
        assert not prog.check_in_due(h, MONDAY + timedelta(days=6, hours=23))
        answers = iter(["5", ""])
        weekly(h, lambda q: next(answers), said.append, MONDAY + timedelta(days=7))
        goals = prog.read_goals(h)
        assert [s.score for s in goals[0].scores] == [3, 5]
        assert [s.score for s in goals[1].scores] == [4]  # skipped
        asked = iter(["9", "9"])
        weekly(h, lambda q: next(asked), said.append, MONDAY + timedelta(days=8))
        assert next(asked) == "9"  # not asked again the next day
    assert parse_score("10") == (True, 10) and parse_score("11") == (False, None)
    assert parse_score("") == (True, None) and parse_score("²") == (False, None)


def test_ask_goals_saves_each_answer_as_it_is_given(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite3") as h:
        prog.add_goal(h, "socks", 3, MONDAY)
        prog.add_goal(h, "film", 4, MONDAY)
        goals = prog.read_goals(h)

        def ask(question: str) -> str:
            if "film" in question:  # the first answer is already in the file
                with open_history(tmp_path / "h.sqlite3") as other:
                    assert other.db.execute("SELECT count(*) FROM goal_scores").fetchone()[0] == 3
                raise KeyboardInterrupt
            return "6"

        with pytest.raises(KeyboardInterrupt):
            ask_goals(h, goals, ask, lambda line: None, MONDAY)


# --- the week -------------------------------------------------------------------------


def test_a_calendar_week_has_its_planned_and_done_days(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite3") as h:
        prog.set_schedule(h, (0, 2, 4), "08:00", MONDAY)
        found = prog.read_programme(h)
    found = prog.Programme(
        found.goals, found.schedules, (), (MONDAY, MONDAY + timedelta(days=1)), (), None
    )
    days = week.calendar_week(found, date(2026, 11, 25), UTC)
    assert [d.planned for d in days] == [True, False, True, False, True, False, False]
    assert [d.done for d in days] == [True, True, False, False, False, False, False]
    tallies = week.weeks(found, date(2026, 12, 1), UTC)
    assert [(t.planned, t.done, t.done_as_planned) for t in tallies] == [(3, 2, 1), (3, 0, 0)]
    assert week.parse_days("Monday,wed, FRI") == (0, 2, 4)


def test_schedule_off_keeps_the_past_weeks_plan(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite3") as h:
        prog.set_schedule(h, (0, 2, 4), "08:00", MONDAY)
        prog.set_schedule(h, (), "08:00", MONDAY + timedelta(days=7))
        found = prog.read_programme(h)
    assert found.schedule is None
    tallies = week.weeks(found, date(2026, 12, 1), UTC)
    assert [t.planned for t in tallies] == [3, 0]


# --- lessons ----------------------------------------------------------------------------


def test_at_least_twelve_lessons_each_short_and_sourced() -> None:
    every = lesson_data.lessons()
    assert len(every) >= 12
    for one in every:
        assert one.words < 250 and one.sources
        assert "paracetamol" not in one.text.lower() and "ibuprofen" not in one.text.lower()
    allowed = ("NHS", "NICE", "Versus Arthritis", "Chartered Society of Physiotherapy")
    for one in every:
        assert all(any(a in s.publisher for a in allowed) for s in one.sources)


def test_learn_shows_the_next_unread_and_records_it(run: RunCli) -> None:
    first = run("learn")
    assert "Lesson 1: Hurt is not harm" in first.output and "Sources" in first.output
    second = json.loads(run("learn", "--json").stdout)
    assert second["number"] == 2 and second["read"]
    listed = json.loads(run("learn", "--list", "--json").stdout)
    assert [one["read"] for one in listed[:3]] == [True, True, False]


# --- scheduled reminders ----------------------------------------------------------------


def test_remind_announces_a_planned_session_at_its_time(utc: None) -> None:  # noqa: F811
    clock = FakeClock()
    wall = FakeWall(clock, "2026-11-23T07:58:00")
    said: list[str] = []
    sent: list[str] = []

    def start(command: object, message: str) -> FakeProcess:
        sent.append(message)
        return FakeProcess(status=0)

    nudge = reminding.Nudge(["notify"], said.append, lambda: None, start)
    breaks = reminding.Breaks(lambda: None, lambda at: None)
    change = prog.ScheduleChange(MONDAY, (0, 2, 4), "08:00")
    refuse = {"now": False}

    def words(now: datetime) -> str | None:
        return None if refuse["now"] else "Your back session: 10 minutes, lower back"

    planned = planning.Planned(change, words)
    schedule = reminding.Schedule(240, parse_between("00:00-23:59"))
    reminders = reminding.Reminders(
        schedule, clock, ScriptedKeys(clock), nudge, breaks, wall, planned=planned
    )
    assert reminders.run(times=1) == 1
    assert sent == ["Your back session: 10 minutes, lower back"]
    assert "08:00 Your back session: 10 minutes, lower back" in said
    # Wednesday at 08:00, with something to ask about first: nothing announced.
    refuse["now"] = True
    assert planned.due(datetime(2026, 11, 25, 8, 0, 30, tzinfo=UTC)) == (planning.REFUSED, False)


def test_a_planned_time_long_past_is_let_go() -> None:
    planned = planning.Planned(prog.ScheduleChange(MONDAY, (0,), "08:00"), lambda now: "go")
    assert planned.due(MONDAY - timedelta(hours=1)) is None
    assert planned.due(MONDAY + timedelta(hours=3)) == ("", False)


# --- the report -------------------------------------------------------------------------


def test_the_report_shows_goals_weeks_lessons_and_pain(run: RunCli, isolated_home: Path) -> None:
    with open_history(isolated_home / "history.sqlite3") as h:
        a = prog.add_goal(h, "socks", 2, MONDAY)
        b = prog.add_goal(h, "film", 3, MONDAY)
        prog.rate_goal(h, a.id, 6, MONDAY + timedelta(days=14))
        prog.rate_goal(h, b.id, 5, MONDAY + timedelta(days=14))
        prog.set_schedule(h, (0, 2, 4), "08:00", MONDAY)
        prog.record_lesson_read(h, 3, MONDAY)
    text = run("report").stdout
    assert "## Goals (Patient-Specific Functional Scale)" in text
    assert "a meaningful change" in text and "2 points or more in the average" in text
    assert "| 2026-11-23 | 3 | 0 | 0 |" in text
    assert "Pacing, not boom and bust" in text
    html = run("report", "--format", "html").stdout
    assert "<h2>Goals (Patient-Specific Functional Scale)</h2>" in html
    assert html.rstrip().endswith("</html>")


@pytest.mark.pty
def test_no_lesson_follows_emergency_advice(isolated_home: Path) -> None:
    from .terminals import report_new_weakness
    from .test_record_safety import finish, started

    child = started(isolated_home)
    report_new_weakness(child)
    child.expect("call your emergency number")
    assert finish(child) == 3
    assert "Today's read" not in (child.before or "") and "backcoach learn" not in (
        child.before or ""
    )
