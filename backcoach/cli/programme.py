"""The programme's commands: `goals` (add, rate, drop), `schedule`, `week` and `learn`.
Options checked, one call to the history, output; every mistake a clear message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import typer

from backcoach.cli.options import JsonOption, whole_number
from backcoach.errors import UsageError

goals_app = typer.Typer(
    help="Your goals: 3-5 activities your back makes hard, each scored 0 (unable) to 10 "
    "(as before), with their first and latest scores.",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _write(data: object) -> None:
    from backcoach.render.shapes import write_json

    write_json(data)


def _print(renderable: object) -> None:
    from backcoach.render.console import out_console

    out_console().print(renderable, markup=False, highlight=False)


@goals_app.callback()
def goals_show(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Your goals with their first and latest scores, and whether the change is meaningful."""
    if ctx.invoked_subcommand is not None:
        return
    from backcoach.history.programme import existing_programme
    from backcoach.render import programme as views

    goals = existing_programme().active_goals
    if as_json:
        _write(views.goals_json(goals))
        return
    _print(views.goals_view(goals))


@goals_app.command("add")
def goals_add(
    text: Annotated[str, typer.Argument(help="An activity your back makes hard.")],
    score: Annotated[
        int | None,
        typer.Option(
            "--score",
            metavar="N",
            parser=whole_number("--score", "", "0 to 10"),
            help="How well you can do it now: 0 (unable) to 10.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a goal (an activity your back makes hard), with its score now."""
    from backcoach.history.programme import add_goal, check_goal_text, check_score
    from backcoach.history.store import open_history
    from backcoach.render import programme as views

    check_goal_text(text)
    if score is not None:
        check_score(score, "--score")
    with open_history() as history:
        goal = add_goal(history, text, score, _now())
    if as_json:
        _write(views.goal_json(goal))
        return
    rated = f", scored {score}/10" if score is not None else " (rate it: backcoach goals rate)"
    _print(f"Goal {goal.id} added: {goal.text}{rated}.")


@goals_app.command("rate")
def goals_rate(as_json: JsonOption = False) -> None:
    """Score each goal again, in turn (Enter keeps one unrated)."""
    from backcoach.coach.checkin import ask_goals
    from backcoach.coach.prompts import console_asker, console_say
    from backcoach.history.programme import read_goals, record_check_in
    from backcoach.history.store import open_history
    from backcoach.render import programme as views
    from backcoach.render.console import err_console, out_console

    with open_history() as history:
        goals = tuple(goal for goal in read_goals(history) if goal.dropped_at is None)
        if not goals:
            raise UsageError(
                "no goals to rate yet",
                hint='add 3 to 5 first: backcoach goals add "walk the dog" --score 4',
            )
        now = _now()
        console = err_console() if as_json else out_console()
        record_check_in(history, now)
        ask_goals(history, goals, console_asker(console), console_say(console), now)
        kept = tuple(goal for goal in read_goals(history) if goal.dropped_at is None)
    if as_json:
        _write(views.goals_json(kept))
        return
    _print(views.goals_view(kept))


@goals_app.command("drop")
def goals_drop(
    goal_id: Annotated[
        int,
        typer.Argument(
            metavar="ID",
            parser=whole_number("ID", "", "a goal's number: backcoach goals lists them"),
            help="The goal's number (backcoach goals).",
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Set a goal aside (its scores stay in the report)."""
    from backcoach.history.programme import drop_goal
    from backcoach.history.store import open_history
    from backcoach.render import programme as views

    with open_history() as history:
        goal = drop_goal(history, goal_id, _now())
    if as_json:
        _write({**views.goal_json(goal), "dropped": True})
        return
    _print(f"Goal {goal.id} dropped: {goal.text}.")


def schedule_command(
    off: Annotated[
        str | None, typer.Argument(metavar="off", help="No sessions planned from now on.")
    ] = None,
    days: Annotated[
        str | None,
        typer.Option("--days", metavar="DAYS", help="The days a session is planned: mon,wed,fri."),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", metavar="HH:MM", help="The time (default 08:00).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The week to keep: the days (and time) a session is planned; remind reminds then."""
    from backcoach.history.programme import existing_programme, set_schedule
    from backcoach.history.store import open_history
    from backcoach.plan import week
    from backcoach.render import programme as views

    if off is not None and off.strip().lower() != "off":
        raise UsageError(f"schedule takes only 'off' as an argument, not {off!r}",
                         hint="backcoach schedule --days mon,wed,fri --at 08:00")  # fmt: skip
    if off is not None and (days or at):
        raise UsageError("schedule off takes no --days or --at")
    if off is None and days is None and at is None:
        current = existing_programme().schedule
        if as_json:
            _write(views.schedule_json(current))
        else:
            _print(views.schedule_words(current))
        return
    if off is None and days is None:
        current = existing_programme().schedule
        if current is None:
            raise UsageError(
                "--at needs days too: backcoach schedule --days mon,wed,fri --at 08:00"
            )
        chosen, time = current.days, week.parse_at(at or week.DEFAULT_AT)
    else:
        chosen = () if off is not None else week.parse_days(days or "")
        previous = existing_programme().schedule
        time = week.parse_at(at) if at else (previous.at if previous else week.DEFAULT_AT)
    with open_history() as history:
        set_schedule(history, chosen, time, _now())
    current = existing_programme().schedule
    if as_json:
        _write(views.schedule_json(current))
        return
    _print("Schedule off: no sessions planned." if not chosen else views.schedule_words(current))


def week_command(as_json: JsonOption = False) -> None:
    """This week at a glance: days planned and done, today's session, goals, the next
    lesson, the pain trend."""
    from backcoach.catalogue.lessons import next_unread
    from backcoach.coach import planned
    from backcoach.history.programme import existing_programme
    from backcoach.plan import prepare as coaching
    from backcoach.render import programme as views

    programme = existing_programme()
    now = _now()
    verdict = planned.gate_now(now)
    session = planned.today(verdict, coaching.settings())
    lesson = next_unread({n for n, _ in programme.lessons_read})
    today = date.today()
    if as_json:
        _write(views.week_json(programme, today, session, verdict, lesson))
        return
    _print(views.week_view(programme, today, session, lesson))


def learn_command(
    number: Annotated[
        int | None,
        typer.Argument(
            metavar="N",
            parser=whole_number("N", "", "a lesson's number: backcoach learn --list"),
            help="The lesson's number (none: the next unread).",
        ),
    ] = None,
    as_list: Annotated[
        bool, typer.Option("--list", help="Every lesson, and which you have read.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Short lessons (hurt is not harm, pacing, sleep and more), each with its sources."""
    from backcoach.catalogue.lessons import lesson, lessons, next_unread
    from backcoach.history.programme import existing_programme, record_lesson_read
    from backcoach.history.store import open_history
    from backcoach.render import programme as views

    read = {n for n, _ in existing_programme().lessons_read}
    if as_list:
        if number is not None:
            raise UsageError("learn --list takes no lesson number")
        if as_json:
            _write([views.lesson_json(one, one.number in read) for one in lessons()])
        else:
            _print(views.lessons_list(lessons(), read))
        return
    found = lesson(number) if number is not None else next_unread(read)
    if found is None:
        if as_json:
            _write(None)
        else:
            _print("You have read every lesson. Read one again: backcoach learn N (--list).")
        return
    with open_history() as history:
        record_lesson_read(history, found.number, _now())
    if as_json:
        _write(views.lesson_json(found, True))
        return
    _print(views.lesson_view(found))
