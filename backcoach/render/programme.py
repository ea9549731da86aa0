"""The programme's views: `goals`, `schedule`, `week`, `learn`, the lesson offered after a
session, their JSON shapes, and the report's programme sections (Markdown and HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from backcoach.history.programme import Goal, Programme, ScheduleChange
from backcoach.plan import week as weeks

if TYPE_CHECKING:
    from backcoach.catalogue.lessons import Lesson
    from backcoach.gate import Verdict

PSFS = (
    "Goals use the Patient-Specific Functional Scale (Stratford P, Gill C, Westaway M, "
    "Binkley J. Physiotherapy Canada 1995;47:258-263): each activity 0 (unable) to 10 "
    "(as before the problem)."
)


def _score(goal: Goal, which: str) -> str:
    found = goal.first if which == "first" else goal.latest
    return "-" if found is None else str(found.score)


def _day(moment: datetime | None, tz: tzinfo | None = None) -> str:
    return "" if moment is None else moment.astimezone(tz).date().isoformat()


# --- goals ---------------------------------------------------------------------------


def goals_view(goals: Sequence[Goal]) -> Group | Text:
    if not goals:
        return Text(
            "No goals yet. Name 3 to 5 activities your back makes hard, each scored 0 "
            '(unable) to 10 (as before): backcoach goals add "put my socks on" --score 4'
        )
    table = Table(box=None, pad_edge=False)
    for column in ("id", "activity", "first", "latest", "change"):
        table.add_column(column, justify="right" if column in ("id", "first", "latest") else "left")
    for goal in goals:
        table.add_row(
            str(goal.id), goal.text, _score(goal, "first"), _score(goal, "latest"),
            weeks.goal_words(goal),
        )  # fmt: skip
    lines: list[Any] = [table, Text(""), Text(weeks.summary(goals).words)]
    if len(goals) < 3:
        lines.append(Text(f"Add {3 - len(goals)} more: the scale uses 3 to 5 activities."))
    lines.append(Text(PSFS, style="dim"))
    return Group(*lines)


def goal_json(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.id,
        "text": goal.text,
        "added_at": goal.added_at.isoformat(),
        "first": goal.first.score if goal.first else None,
        "latest": goal.latest.score if goal.latest else None,
        "change": weeks.change(goal),
        "meaningful": abs(weeks.change(goal) or 0) >= weeks.MEANINGFUL_ONE,
        "scores": [{"score": s.score, "at": s.at.isoformat()} for s in goal.scores],
    }


def goals_json(goals: Sequence[Goal]) -> dict[str, Any]:
    found = weeks.summary(goals)
    return {
        "goals": [goal_json(goal) for goal in goals],
        "first_average": found.first_average,
        "latest_average": found.latest_average,
        "change": found.change,
        "meaningful": found.meaningful,
        "words": found.words,
    }


# --- schedule ------------------------------------------------------------------------


def schedule_words(change: ScheduleChange | None) -> str:
    if change is None or not change.days:
        return "No schedule: set one with backcoach schedule --days mon,wed,fri --at 08:00"
    return f"Sessions planned on {weeks.days_words(change.days)}, at {change.at}."


def schedule_json(change: ScheduleChange | None) -> dict[str, Any]:
    if change is None or not change.days:
        return {"days": [], "at": None}
    return {"days": [weeks.DAY_NAMES[day] for day in change.days], "at": change.at}


# --- the week ------------------------------------------------------------------------


def _mark(day: weeks.Day, today: date) -> str:
    if day.done:
        return "done"
    if day.planned:
        return "planned" if day.day >= today else "missed"
    return ""


def week_view(
    programme: Programme,
    today: date,
    session: str,
    next_lesson: Lesson | None,
    tz: tzinfo | None = None,
) -> Group:
    days = weeks.calendar_week(programme, today, tz)
    table = Table(box=None, pad_edge=False, title=f"Week of {days[0].day.isoformat()}")
    for day in days:
        table.add_column(
            weeks.DAY_NAMES[day.day.weekday()].title() + ("*" if day.day == today else "")
        )
    table.add_row(*(_mark(day, today) for day in days))
    planned = sum(day.planned for day in days)
    done = sum(day.done for day in days)
    lines: list[Any] = [
        table,
        Text(f"{done} done of {planned} planned this week. " + schedule_words(programme.schedule)),
        Text(f"Today: {session}"),
    ]
    goals = programme.active_goals
    if goals:
        lines.append(Text("Goals: " + "; ".join(
            f"{goal.text} {_score(goal, 'latest')}/10" for goal in goals
        )))  # fmt: skip
        lines.append(Text(weeks.summary(goals).words))
    else:
        lines.append(Text("Goals: none yet (backcoach goals add TEXT --score N)."))
    if next_lesson is not None:
        lines.append(
            Text(f"Next lesson: {next_lesson.title} (backcoach learn {next_lesson.number})")
        )
    lines.append(Text(weeks.pain_words(weeks.pain_weeks(programme, tz))))
    return Group(*lines)


def week_json(
    programme: Programme,
    today: date,
    session: str,
    verdict: Verdict,
    next_lesson: Lesson | None,
    tz: tzinfo | None = None,
) -> dict[str, Any]:
    days = weeks.calendar_week(programme, today, tz)
    return {
        "week_start": days[0].day.isoformat(),
        "days": [
            {
                "day": d.day.isoformat(),
                "name": weeks.DAY_NAMES[d.day.weekday()],
                "planned": d.planned,
                "done": d.done,
            }
            for d in days
        ],  # fmt: skip
        "schedule": schedule_json(programme.schedule),
        "today": {"session": session, "allowed": verdict.allowed.value, "stops": verdict.stops},
        "goals": goals_json(programme.active_goals),
        "next_lesson": next_lesson.number if next_lesson else None,
        "pain": [
            {"week": p.start.isoformat(), "pain_before": p.back, "leg_pain_before": p.leg}
            for p in weeks.pain_weeks(programme, tz)
        ],
    }


# --- lessons ---------------------------------------------------------------------------


def lesson_view(found: Lesson) -> Group:
    sources = [
        Text(f"- {s.title}, {s.publisher}" + (f", {s.url}" if s.url else ""), style="dim")
        for s in found.sources
    ]
    return Group(
        Text(f"Lesson {found.number}: {found.title}", style="bold"),
        Text(""),
        Text(found.text),
        Text(""),
        Text("Sources (in backcoach's own words):", style="dim"),
        *sources,
    )


def lesson_json(found: Lesson, read: bool) -> dict[str, Any]:
    return {
        "number": found.number,
        "title": found.title,
        "minutes": found.minutes,
        "words": found.words,
        "read": read,
        "text": found.text,
        "sources": [s.model_dump() for s in found.sources],
    }


def lessons_list(every: Sequence[Lesson], read: set[int]) -> Table:
    table = Table(box=None, pad_edge=False)
    for column in ("n", "lesson", "minutes", "read"):
        table.add_column(column, justify="right" if column in ("n", "minutes") else "left")
    for one in every:
        table.add_row(
            str(one.number), one.title, str(one.minutes), "yes" if one.number in read else ""
        )
    return table


def lesson_offer(found: Lesson) -> str:
    return f"Today's read, {found.minutes} minute{'s' if found.minutes != 1 else ''}: " + (
        f"{found.title} (backcoach learn {found.number})"
    )


# --- the report's programme sections ------------------------------------------------------


# The table counts days (two sessions on one day are one day done), so it says so: beside
# the report's "Sessions: 10", a "done" column of days read as a different count.
WEEKS_TITLE = "Days planned and days with a session, week by week"
WEEK_COLUMNS = ("days planned", "days with a session", "planned days with a session")


def _week_rows(programme: Programme, today: date) -> list[weeks.WeekTally]:
    return list(weeks.weeks(programme, today))


def report_markdown(programme: Programme, today: date, lesson_titles: dict[int, str]) -> str:
    """The programme's sections of the report, in Markdown."""
    from backcoach.render.report import md

    goals = programme.goals
    lines = ["", "## Goals (Patient-Specific Functional Scale)", ""]
    if goals:
        lines += ["| activity | first | latest | change |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {md(g.text)}{' (dropped)' if g.dropped_at else ''} | {_score(g, 'first')} | "
            f"{_score(g, 'latest')} | {md(weeks.goal_words(g))} |"
            for g in goals
        ]
        lines += ["", md(weeks.summary(programme.active_goals).words), "", f"_{md(PSFS)}_"]
    else:
        lines.append("No goals set.")
    lines += ["", f"## {WEEKS_TITLE}", ""]
    rows = _week_rows(programme, today)
    if rows:
        lines += [
            "| week of | " + " | ".join(WEEK_COLUMNS) + " |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| {w.start.isoformat()} | {w.planned} | {w.done} | {w.done_as_planned} |"
            for w in rows
        ]
    else:
        lines.append("No weeks yet.")
    lines += ["", "## Lessons read", ""]
    lines += [
        f"- {day.astimezone().date().isoformat()}: {n}. {md(lesson_titles.get(n, '?'))}"
        for n, day in programme.lessons_read
    ] or ["None yet."]
    pain = weeks.pain_weeks(programme)
    lines += ["", "## Pain and leg pain over the programme (average before sessions)", ""]
    if pain:
        lines += ["| week of | pain | leg pain |", "| --- | --- | --- |"]
        lines += [f"| {p.start.isoformat()} | {_num(p.back)} | {_num(p.leg)} |" for p in pain]
        lines += ["", md(weeks.pain_words(pain))]
    else:
        lines.append("No pain scores yet.")
    return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def report_html(programme: Programme, today: date, lesson_titles: dict[int, str]) -> str:
    """The same sections in HTML."""
    from backcoach.render.report import h

    goals = programme.goals
    parts = ["<h2>Goals (Patient-Specific Functional Scale)</h2>"]
    if goals:
        parts.append(
            "<table><tr><th>activity</th><th>first</th><th>latest</th><th>change</th></tr>"
            + "".join(
                f"<tr><td>{h(g.text)}{' (dropped)' if g.dropped_at else ''}</td>"
                f"<td>{_score(g, 'first')}</td><td>{_score(g, 'latest')}</td>"
                f"<td>{h(weeks.goal_words(g))}</td></tr>"
                for g in goals
            )
            + "</table>"
        )
        parts.append(f"<p>{h(weeks.summary(programme.active_goals).words)}</p>")
        parts.append(f'<p class="note">{h(PSFS)}</p>')
    else:
        parts.append("<p>No goals set.</p>")
    parts.append(f"<h2>{WEEKS_TITLE}</h2>")
    rows = _week_rows(programme, today)
    parts.append(
        "<table><tr><th>week of</th>"
        + "".join(f"<th>{column}</th>" for column in WEEK_COLUMNS)
        + "</tr>"
        + "".join(
            f"<tr><td>{w.start.isoformat()}</td><td>{w.planned}</td><td>{w.done}</td>"
            f"<td>{w.done_as_planned}</td></tr>"
            for w in rows
        )
        + "</table>"
        if rows
        else "<p>No weeks yet.</p>"
    )
    parts.append("<h2>Lessons read</h2>")
    read = [
        f"<li>{day.astimezone().date().isoformat()}: {n}. {h(lesson_titles.get(n, '?'))}</li>"
        for n, day in programme.lessons_read
    ]
    parts.append(f"<ul>{''.join(read)}</ul>" if read else "<p>None yet.</p>")
    pain = weeks.pain_weeks(programme)
    parts.append("<h2>Pain and leg pain over the programme (average before sessions)</h2>")
    if pain:
        parts.append(
            "<table><tr><th>week of</th><th>pain</th><th>leg pain</th></tr>"
            + "".join(
                f"<tr><td>{p.start.isoformat()}</td><td>{_num(p.back)}</td><td>{_num(p.leg)}</td></tr>"
                for p in pain
            )
            + "</table>"
        )
        parts.append(f"<p>{h(weeks.pain_words(pain))}</p>")
    else:
        parts.append("<p>No pain scores yet.</p>")
    return "\n".join(parts) + "\n"


# --- stats ------------------------------------------------------------------------------


def stats_lines(programme: Programme, today: date) -> Group:
    """`stats`'s programme part: goals, this and recent weeks planned against done,
    lessons read, pain and leg pain week by week."""
    lines: list[Any] = [Text("")]
    goals = programme.active_goals
    if goals:
        lines.append(Text("Goals: " + weeks.summary(goals).words))
        lines += [
            Text(
                f"  {g.text}: {_score(g, 'first')} → {_score(g, 'latest')} ({weeks.goal_words(g)})"
            )
            for g in goals
        ]
    tallies = weeks.weeks(programme, today)[-4:]
    if tallies and programme.schedules:
        lines.append(Text("Planned against done: " + ", ".join(
            f"week of {w.start:%d %b} {w.done}/{w.planned}" for w in tallies
        )))  # fmt: skip
    lines.append(Text(f"Lessons read: {len(programme.lessons_read)}"))
    pain = weeks.pain_weeks(programme)
    if pain:
        lines.append(Text("Pain by week (before sessions): " + ", ".join(
            f"{_num(p.back)}" + (f" (leg {_num(p.leg)})" if p.leg is not None else "")
            for p in pain[-6:]
        )))  # fmt: skip
    return Group(*lines)


def programme_json(programme: Programme, today: date) -> dict[str, Any]:
    return {
        "goals": goals_json(programme.active_goals),
        "schedule": schedule_json(programme.schedule),
        "weeks": [
            {
                "week": w.start.isoformat(),
                "planned": w.planned,
                "done": w.done,
                "done_as_planned": w.done_as_planned,
            }
            for w in weeks.weeks(programme, today)
        ],  # fmt: skip
        "lessons_read": [
            {"lesson": n, "read_at": at.isoformat()} for n, at in programme.lessons_read
        ],
        "pain": [
            {"week": p.start.isoformat(), "pain_before": p.back, "leg_pain_before": p.leg}
            for p in weeks.pain_weeks(programme)
        ],
    }
