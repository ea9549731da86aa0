"""Looking back: `history`, `stats`, the summary after a session, and `config`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from backcoach.render.grid import Cell, Grid, Layout
from backcoach.render.words import bullets, counted, hanging, minutes_text, one_line

if TYPE_CHECKING:
    from datetime import date, datetime

    from rich.table import Table

    from backcoach.history.stats import PainPoint, Stats
    from backcoach.models import Plan, SessionRecord
    from backcoach.plan.outlook import Change, Outlook
    from backcoach.timer.engine import Outcome


_OUTCOME_WORDS = {
    "done": "complete",
    "quit": "ended early",
    "stopped": "stopped",
    "interrupted": "interrupted",
    "in progress": "in progress",
    "red flag": "red flag: no session",
}


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _pain_change(record: SessionRecord) -> str:
    before = "–" if record.pain_before is None else str(record.pain_before)
    after = "–" if record.pain_after is None else str(record.pain_after)
    if record.leg_pain_before is None and record.leg_pain_after is None:
        return f"{before} → {after}"
    leg_before = "–" if record.leg_pain_before is None else str(record.leg_pain_before)
    leg_after = "–" if record.leg_pain_after is None else str(record.leg_pain_after)
    return f"{before} → {after}, leg {leg_before} → {leg_after}"


def history_table(sessions: Sequence[SessionRecord]) -> Grid:
    """One line per session where it fits; else the result under the focus; else a block."""
    wide: list[list[Cell]] = []
    stacked: list[list[Cell]] = []
    blocks: list[list[Cell]] = []
    for record in sessions:
        done = sum(exercise.completed for exercise in record.exercises)
        focus = record.focus + (" (flare-up)" if record.flare_up else "")
        time = minutes_text(record.time_done)
        count = f"{done}/{len(record.exercises)}"
        hurt = sum(exercise.status == "hurt" for exercise in record.exercises)
        # Ran to its end, but not done in full (an exercise stopped for pain): said so,
        # as stats and the report count it (not complete).
        word = _OUTCOME_WORDS.get(record.outcome, record.outcome)
        if record.outcome == "done" and not record.completed:
            word = "ran to the end, not in full"
        result = (
            word
            + (f", {hurt} stopped for pain" if hurt else "")
            + (" · leg symptoms spread" if record.symptoms_spread else "")
        )
        started, pain = _local(record.started_at), _pain_change(record)
        wide.append(
            [((str(record.id), ""),), ((started, ""),), ((focus, ""),), ((time, ""),),
             ((count, ""),), ((pain, ""),), ((result, ""),)]
        )  # fmt: skip
        stacked.append(
            [((str(record.id), ""),), ((started, ""),), ((focus, ""), (result, "dim")),
             ((time, ""), (f"{count} done", "dim")), ((pain, ""),)]
        )  # fmt: skip
        blocks.append(
            [((f"#{record.id}  {started}", "bold"), (f"{focus} · {result}", ""),
              (f"{time} · {count} done · pain {pain}", "dim"))]
        )  # fmt: skip
    return Grid(
        Layout(
            ["#", "started", "focus", "time", "done", "pain", "result"],
            wide,
            right=frozenset({0, 3, 4}),
        ),
        Layout(
            ["#", "started", "focus / result", "time", "pain"],
            stacked,
            flexible={2: 12},
            right=frozenset({0, 3}),
        ),
        Layout(["session"], blocks, flexible={0: 1}, spaced=True),
    )


def pain_chart(points: Sequence[PainPoint], width: int) -> Text:
    """Pain before (░) and after (█) each session, 0-10, as columns: readable without colour."""
    fit = max(1, (width - 6) // 3)
    shown = list(points)[-fit:]
    lines = Text()
    for level in range(10, 0, -1):
        lines.append(f"{level:>3} │", style="dim")
        for point in shown:
            lines.append("░" if point.before >= level else " ", style="red")
            lines.append("█" if point.after >= level else " ", style="blue")
            lines.append(" ")
        lines.append("\n")
    lines.append("  0 └" + "─" * (3 * len(shown)) + "\n", style="dim")
    first, last = shown[0].day.strftime("%d %b"), shown[-1].day.strftime("%d %b")
    gap = max(1, 3 * len(shown) - len(first) - len(last))
    lines.append("     " + first + " " * gap + last + "\n", style="dim")
    lines.append("     ░ before  █ after", style="dim")
    return lines


def _minutes(minutes: float) -> str:
    """Whole minutes, but never "0" for a week in which something was done."""
    return "<1" if 0 < minutes < 0.5 else f"{minutes:.0f}"


def stats_view(stats: Stats, width: int) -> RenderableType:
    """`stats`: the streak, the last 8 weeks, pain and its chart, desk breaks, what is skipped."""
    if not stats.sessions and not stats.desk_break_count:
        return Text("No sessions yet. Start one with: backcoach start")
    parts: list[RenderableType] = [
        _streak_line(stats),
        Text(""),
        Text("Last 8 weeks", style="bold"),
        _week_table(stats),
        Text(""),
        *_pain_parts(stats, width),
        *_desk_breaks(stats),
        *_most_skipped(stats),
    ]
    return Group(*parts)


def _streak_line(stats: Stats) -> Text:
    return Text.assemble(
        ("Streak: ", "bold"),
        f"{counted(stats.current_streak, 'day')} now, longest {stats.longest_streak}",
        ("  ·  ", "dim"),
        ("Sessions: ", "bold"),
        f"{stats.sessions} ({stats.completed} complete)",
        *(
            (("  ·  ", "dim"), ("Desk breaks: ", "bold"), str(stats.desk_break_count))
            if stats.desk_break_count
            else ()
        ),
    )


def _week_table(stats: Stats) -> Grid:
    """Each week's sessions and minutes, with a bar."""
    # A full bar is at least a usual session (10 min): a week of a few seconds is not full.
    most = max(10.0, *(week.minutes for week in stats.weeks))
    rows: list[list[Cell]] = [
        [
            ((week.start.strftime("%d %b"), ""),),
            ((str(week.sessions), ""),),
            ((_minutes(week.minutes), ""),),
            (("█" * round(20 * week.minutes / most), "cyan"),),
        ]
        for week in stats.weeks
    ]
    return Grid(Layout(["week of", "sessions", "minutes", ""], rows, right=frozenset({1, 2})))


def _pain_parts(stats: Stats, width: int) -> list[RenderableType]:
    """The average pain before and after, and the chart once there are two sessions to draw."""

    def average(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    averages = Text.assemble(
        ("Average pain: ", "bold"),
        f"{average(stats.pain_before_average)} before, {average(stats.pain_after_average)} after",
        f" (0-10), over the same {counted(stats.pain_sessions, 'session')} with pain given "
        "before and after",
    )
    parts: list[RenderableType] = [averages]
    if stats.leg_sessions:
        parts.append(
            Text.assemble(
                ("Average leg pain: ", "bold"),
                f"{average(stats.leg_before_average)} before, "
                f"{average(stats.leg_after_average)} after, over the same "
                f"{counted(stats.leg_sessions, 'session')} with leg pain given before and after",
            )
        )
    if stats.stopped_for_pain:
        parts.append(
            Text(
                "Stopped for sharp pain: "
                + ", ".join(f"{one_line(name)} ({n}×)" for _, name, n in stats.stopped_for_pain)
            )
        )
    if len(stats.pain) >= 2:
        return [*parts, Text(""), pain_chart(stats.pain, width)]
    return [
        *parts,
        Text("A pain chart appears once two sessions have pain before and after.", style="dim"),
    ]


def _desk_breaks(stats: Stats) -> list[RenderableType]:
    if not stats.desk_breaks:
        return []
    return [
        Text(""),
        Text("Desk breaks (backcoach snack) against reminders:", style="bold"),
        bullets(
            f"{day:%a %d %b}: {counted(taken, 'break')}, {counted(given, 'reminder')}"
            for day, taken, given in stats.desk_breaks
        ),
    ]


def _most_skipped(stats: Stats) -> list[RenderableType]:
    if not stats.most_skipped:
        return []
    return [
        Text(""),
        Text("Most often skipped or stopped:", style="bold"),
        bullets(f"{one_line(name)} ({count}×)" for _, name, count in stats.most_skipped),
    ]


# --- the end of a session -------------------------------------------------------

_RESULT_WORDS = {
    "pending": "not started",
    "stopped": "stopped (symptoms)",
    "hurt": "stopped for pain",
}


def session_summary(
    plan: Plan,
    outcome: Outcome,
    interrupted_by: str | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    leg_falling: bool = False,
) -> RenderableType:
    """What was done, how long it took, and what a rise in pain means (back pain rising
    while leg pain falls is centralisation: nothing steps back for it)."""
    from rich.table import Table

    done = sum(status == "done" for status in outcome.statuses)
    table = Table(title="What you did", title_justify="left", header_style="bold")
    table.add_column("exercise")
    table.add_column("result")
    for step, status in zip(plan.steps, outcome.statuses, strict=True):
        table.add_row(one_line(step.name), _RESULT_WORDS.get(status, status))
    headline = {
        "done": "Session complete.",
        "quit": "Session ended early.",
        "stopped": "Session stopped.",
        None: f"Session stopped by {interrupted_by}; what you did is kept.",
    }[outcome.reason]
    parts: list[RenderableType] = [
        table,
        Text.assemble(
            (headline, "bold"),
            f" {done} of {len(plan.steps)} exercises done in {minutes_text(outcome.active)}",
            f" (paused {minutes_text(outcome.paused_total)})" if outcome.paused_total >= 1 else "",
            ".",
        ),
    ]
    rise = pain_after - pain_before if pain_before is not None and pain_after is not None else 0
    if rise >= 2 and not leg_falling:
        parts.append(
            Text(
                f"Your pain rose by {rise}. Next time backcoach makes these "
                "exercises a little easier. If pain keeps rising, or does not settle within a "
                "day, see a doctor or physiotherapist."
            )
        )
    return Group(*parts)


def end_screen(
    outlook: Outlook | None,
    pain_before: int | None,
    pain_after: int | None,
    leg_falling: bool = False,
) -> RenderableType:
    """What the session earned and what comes next: pain before → after, the streak,
    the minutes this week, the doses that change next time. Words only: plain mode too."""
    lines: list[RenderableType] = []
    if pain_before is not None and pain_after is not None:
        change = pain_after - pain_before
        if change < 0:
            words = "easing, well done."
        elif change == 0:
            words = "no worse."
        elif change == 1:
            words = "a little up, fine if it settles by tomorrow."
        elif leg_falling:
            words = f"up by {change} while leg pain eased, a good sign (see below)."
        else:
            words = f"up by {change}, so next time is a little easier."
        lines.append(Text.assemble(("Pain ", "bold"), f"{pain_before} → {pain_after}: {words}"))
    if outlook is not None:
        days = "day" if outlook.streak == 1 else "days"
        # A streak counts days with a session done in full: an early end starts none.
        streak = (
            f"{outlook.streak} {days} in a row"
            if outlook.streak
            else "none yet (a session done in full starts one)"
        )
        minutes = round(outlook.minutes_this_week)
        week = f"{minutes} min" if minutes or not outlook.minutes_this_week else "under a minute"
        lines.append(Text.assemble(("Streak ", "bold"), f"{streak} · {week} this week"))
        if outlook.progresses and (outlook.changes or outlook.swaps):
            lines.append(Text("Next time:", style="bold"))
            lines.append(
                hanging(
                    [
                        *(_next_time(change, outlook.from_day) for change in outlook.changes),
                        *(
                            f"{one_line(other)} takes the place of {one_line(name)} ({why})."
                            for name, other, why in outlook.swaps
                        ),
                    ]
                )
            )
        elif outlook.progresses:
            lines.append(
                Text.assemble(
                    ("Next time ", "bold"),
                    "the same doses: each steps up after two sessions done in full "
                    "that were not too hard and did not raise your pain.",
                )
            )
    return Group(*lines)


def _next_time(change: Change, from_day: date) -> str:
    """A dose that changes, in the plan's words: the whole dose, its change in words, and
    from when (a step back at the very next session, a step up 48 hours on). The bullet
    keeps its indent when the line wraps."""
    from backcoach.render.words import change_words

    when = "next time" if change.back else f"from {from_day:%a} {from_day.day} {from_day:%b}"
    said = change_words(change.before, change.after, change.why, easier=change.back)
    return f"{one_line(change.name)}: {change.after.describe()}, {when}; {said}."


# --- settings -------------------------------------------------------------------


def settings_table(rows: Sequence[tuple[str, str, str, str]]) -> Table:
    """`config`: each setting, its value, where it came from, what is allowed."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("setting")
    table.add_column("value")
    table.add_column("from")
    table.add_column("allowed", style="dim")
    for row in rows:
        table.add_row(*row)
    return table
