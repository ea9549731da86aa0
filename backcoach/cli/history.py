"""`backcoach history`, `stats` and `report`: looking back over the sessions, for the
person and for a clinician."""

from __future__ import annotations

import sys

import typer

from backcoach.cli.options import (
    CsvOption,
    ForceOption,
    FormatOption,
    JsonOption,
    LimitOption,
    OutputOption,
    library_for,
)
from backcoach.errors import UsageError
from backcoach.render.console import err_console as _err_console
from backcoach.render.console import out_console as _out_console


def history_command(
    limit: LimitOption = 20,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Past sessions, newest first."""
    from backcoach.history.store import read_sessions

    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be used together")
    if limit < 1:
        raise UsageError("--limit must be 1 or more")
    sessions = read_sessions(min(limit, 2**62))  # more than there are: every session
    if as_json:
        from backcoach.render.shapes import session_json, write_json

        write_json([session_json(record) for record in sessions])
        return
    if as_csv:
        from backcoach.render.shapes import history_csv

        sys.stdout.write(history_csv(sessions))
        return
    out = _out_console()
    if not sessions:
        out.print("No sessions yet. Start one with: backcoach start")
        return
    from backcoach.render.history import history_table

    out.print(history_table(sessions))


def stats_command(as_json: JsonOption = False) -> None:
    """Streaks, sessions and minutes per week, and how pain is moving."""
    from datetime import date

    from backcoach.history import stats
    from backcoach.history.overview import read_overview
    from backcoach.history.programme import existing_programme
    from backcoach.render import programme as views

    summary = stats.compute(read_overview(), date.today())
    programme = existing_programme()  # issue 25: goals, weeks, lessons, pain over weeks
    if as_json:
        from backcoach.render.shapes import stats_json, write_json

        write_json(
            {
                **stats_json(summary),
                "desk_breaks_total": summary.desk_break_count,  # apart from "sessions"
                "programme": views.programme_json(programme, date.today()),
            }
        )
        return
    from backcoach.render.history import stats_view

    out = _out_console()
    out.print(stats_view(summary, out.size.width))
    out.print(views.stats_lines(programme, date.today()))


def report_command(
    ctx: typer.Context,
    report_format: FormatOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """A one-page summary to show a physiotherapist or doctor."""
    from datetime import date

    from backcoach.render.reporting import clinician_report, write_report
    from backcoach.vocabulary import printable

    chosen, text = clinician_report(report_format, output, lambda: library_for(ctx), date.today())
    if output is None:
        sys.stdout.write(text)
        return
    write_report(output, text, force=force)
    # A file name is never Rich markup: "summary [bold].md" is printed as it is.
    _err_console().print(f"wrote {printable(str(output))} ({chosen})", markup=False)
