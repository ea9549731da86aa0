"""The command line: parse options, call the core, print. Thin on purpose.

Heavy modules (pydantic models, yaml, sqlite3, rich.live) are imported inside
the commands that need them, so `backcoach --help` and `list` start fast.
The one place that turns a BackcoachError into a message and an exit code is
`_Group.invoke`. Commands are registered in the order a person uses them,
which is the order `--help` lists them in.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from backcoach.cli.catalogue import add_command, edit_command, import_command, report_facts
from backcoach.cli.config import config_app
from backcoach.cli.options import (
    CatalogueArgument,
    CsvOption,
    EquipmentOption,
    ExerciseArgument,
    FlareUpOption,
    FocusOption,
    ForceOption,
    FormatOption,
    JsonOption,
    LevelOption,
    LimitOption,
    MinutesOption,
    NewOption,
    OnlyEquipmentOption,
    OnlyLevelOption,
    OutputOption,
    SeedOption,
    SnackOption,
    library_for,
)
from backcoach.cli.routine import routine_app
from backcoach.cli.session import (
    plan_verdict,
    remind_command,
    safety_command,
    snack_command,
    start_command,
)
from backcoach.errors import EXIT_FAILURE, BackcoachError, UsageError
from backcoach.plan.prepare import Choices

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.catalogue.library import Library


WORKFLOW = (
    "start", "snack", "remind", "plan", "safety", "routine", "list", "show", "history", "stats",
    "report", "import", "add", "edit", "validate", "config",
)  # fmt: skip


def _print_error(error: BackcoachError) -> None:
    from backcoach.render.console import print_error

    print_error(error)


def _out_console() -> Console:
    from backcoach.render.console import out_console

    return out_console()


def _err_console() -> Console:
    from backcoach.render.console import err_console

    return err_console()


def _debug() -> bool:
    return os.environ.get("BACKCOACH_DEBUG", "") not in ("", "0")


class _Group(TyperGroup):
    """Runs every command inside the single error handler."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BackcoachError as error:
            if _debug():
                raise
            _print_error(error)
            raise typer.Exit(error.exit_code) from None
        except OSError as error:
            from backcoach.render.console import output_failed

            code = output_failed(error)
            if code is None or _debug():
                raise
            raise typer.Exit(code) from None
        except Exception as error:
            # Typer's own signals (usage errors, Exit, Abort) pass through untouched.
            if type(error).__module__.startswith("typer") or _debug():
                raise
            from backcoach.render.console import print_internal_error

            print_internal_error(error)
            raise typer.Exit(EXIT_FAILURE) from None

    def list_commands(self, ctx: Any) -> list[str]:
        """Commands in the order people use them (Typer puts groups such as routine last)."""
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: WORKFLOW.index(n) if n in WORKFLOW else len(WORKFLOW))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command's whole one-line summary, wrapped if need be, never cut with '...'."""
        rows = [
            (name, command.get_short_help_str(limit=1_000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=_Group,
    help="backcoach: a terminal coach for safe, guided back exercise.\n\n"
    "Self-care support, not a diagnosis: see a clinician if pain is severe, "
    "getting worse, or not easing after a few weeks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# The global options that take a value: `main` must step over them to find the command.
GLOBAL_OPTIONS_WITH_VALUE = ("--catalogue",)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"backcoach {version('backcoach')}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    catalogue: Annotated[
        str | None,
        typer.Option(
            "--catalogue",
            metavar="PATH",
            help="Use this catalogue file instead of the bundled one (also BACKCOACH_CATALOGUE).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show backcoach's version and exit.",
        ),
    ] = False,
) -> None:
    ctx.obj = {"catalogue": catalogue}


def _library(ctx: typer.Context) -> Library:
    return library_for(ctx)


# --- a session ------------------------------------------------------------------


app.command("start")(start_command)
app.command("import")(import_command)
app.command("add")(add_command)
app.command("edit")(edit_command)
app.command("snack")(snack_command)
app.command("remind")(remind_command)
app.command("safety")(safety_command)


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    minutes: MinutesOption = None,
    level: LevelOption = None,
    equipment: EquipmentOption = None,
    seed: SeedOption = None,
    new: NewOption = False,
    flare_up: FlareUpOption = False,
    snack: SnackOption = False,
    as_json: JsonOption = False,
) -> None:
    """Show the session that start would run, without running it."""
    from backcoach.plan import prepare as coaching

    library = _library(ctx)
    if snack and (focus or level or new or flare_up):
        raise UsageError("--snack takes only --minutes (2-5), --equipment and --seed")
    choices = Choices(focus, minutes, level, equipment, seed, flare_up, new=new, snack=snack)
    verdict = plan_verdict(snack, flare_up)  # the safety gate: what start would be allowed
    prepared = coaching.prepare(library, choices, exclusions=verdict.exclusions)
    plan = prepared.plan()
    # The first plan for a focus makes its routine (not while nothing is allowed).
    unsaved = None if verdict.stops else coaching.keep_routine(prepared, plan)
    if unsaved is not None:
        _err_console().print(f"({unsaved}.)", style="yellow", markup=False, highlight=False)
    from backcoach.errors import NoExerciseToday
    from backcoach.render.safety import stop_panel, verdict_json, verdict_line

    stop = NoExerciseToday(
        "no exercise today: backcoach holds something to ask about first",
        hint="backcoach safety shows it; start asks about it",
    )
    if as_json:
        from backcoach.render.shapes import plan_json, write_json

        write_json({**plan_json(plan), **verdict_json(verdict)})
        if verdict.stops:
            raise stop
        return
    if verdict.stops:
        assert verdict.tier is not None
        _out_console().print(stop_panel(verdict.flags, verdict.tier))
        _out_console().print(verdict_line(verdict))
        raise stop
    from backcoach.render.catalogue import plan_view

    _out_console().print(plan_view(plan))
    _out_console().print(verdict_line(verdict, "a desk break" if snack else "a session"))


app.add_typer(routine_app, name="routine")


# --- the catalogue --------------------------------------------------------------


@app.command("list")
def list_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    level: OnlyLevelOption = None,
    equipment: OnlyEquipmentOption = None,
    as_json: JsonOption = False,
    unreviewed: Annotated[
        bool,
        typer.Option(
            "--unreviewed", help="Only the drafts still to review (imported or added by you)."
        ),
    ] = False,
) -> None:
    """List the exercises in the catalogue, with their dose and equipment."""
    from backcoach.vocabulary import parse_equipment, parse_focus, parse_level

    regions, kinds = parse_focus(focus or ())
    region_words = {region.value for region in regions}
    kind_words = {kind.value for kind in kinds}
    wanted_level = parse_level(level).value if level is not None else None
    have = {item.value for item in parse_equipment(equipment)} if equipment else None
    library = _library(ctx)
    found = [
        summary
        for summary in library.summaries()
        if region_words & set(summary.regions)
        and summary.kind in kind_words
        and (wanted_level is None or summary.level == wanted_level)
        and (have is None or summary.needs <= have)
        and summary.reviewed != unreviewed  # drafts only with --unreviewed, and only then
    ]
    if as_json:
        from backcoach.render.shapes import write_json_array

        # Rendered when the cache was built: no models needed, even for 10,000 exercises.
        write_json_array(library.pretty_json([summary.id for summary in found]))
        return
    out = _out_console()
    if not found:
        out.print("No draft to review." if unreviewed else "No exercise matches these filters.")
        return
    from backcoach.render.catalogue import exercise_table

    out.print(exercise_table(found))
    noun = "exercise" if len(found) == 1 else "exercises"
    out.print(f"\n{len(found)} {noun}. Details: backcoach show ID", style="dim")


@app.command("show")
def show_command(
    ctx: typer.Context,
    exercise: ExerciseArgument,
    as_json: JsonOption = False,
) -> None:
    """Show one exercise in full: steps, cues, cautions, dose, variants and sources."""
    library = _library(ctx)
    found = library.find(exercise)
    if as_json:
        from backcoach.render.shapes import exercise_json, write_json

        write_json(exercise_json(found))
        return
    from backcoach.render.catalogue import exercise_panel

    names = library.names([*found.easier, *found.harder])
    console = _out_console()
    # NO_COLOR and dumb terminals (often a screen reader's) get the position in words only.
    figure = not (console.no_color or console.is_dumb_terminal)
    console.print(exercise_panel(found, names, figure=figure))


# --- looking back ---------------------------------------------------------------


@app.command("history")
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
    sessions = read_sessions(limit)
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


@app.command("stats")
def stats_command(as_json: JsonOption = False) -> None:
    """Streaks, sessions and minutes per week, and how pain is moving."""
    from datetime import date

    from backcoach.history import stats
    from backcoach.history.overview import read_overview

    summary = stats.compute(read_overview(), date.today())
    if as_json:
        from backcoach.render.shapes import stats_json, write_json

        write_json(stats_json(summary))
        return
    from backcoach.render.history import stats_view

    out = _out_console()
    out.print(stats_view(summary, out.size.width))


@app.command("report")
def report_command(
    ctx: typer.Context,
    report_format: FormatOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """A one-page summary to show a physiotherapist or doctor."""
    from datetime import date

    from backcoach.history import stats
    from backcoach.history.overview import read_overview
    from backcoach.render import report

    chosen = report.format_for(report_format, output)
    overview = read_overview()
    summary = stats.compute(overview, date.today())
    if chosen == "html":
        positions, credits = report_facts(ctx, overview)
        text = report.html(overview, summary, date.today(), positions, credits)
    else:
        text = report.markdown(overview, summary, date.today(), report_facts(ctx, overview)[1])
    if output is None:
        sys.stdout.write(text)
        return
    report.write(output, text, force=force)
    _err_console().print(f"wrote {output} ({chosen})")


# --- settings and catalogues ----------------------------------------------------

app.add_typer(config_app, name="config")


@app.command("validate")
def validate_command(
    ctx: typer.Context,
    path: CatalogueArgument = None,
) -> None:
    """Check a catalogue file and list every problem with its location."""
    from backcoach.catalogue import loader as catalogue

    files = (
        [(path, False)] if path is not None else catalogue.sources((ctx.obj or {}).get("catalogue"))
    )
    todos: list[catalogue.Todo] = []
    contents = [(str(file), catalogue.read_bytes(file), mine) for file, mine in files]
    count = sum(1 for _ in catalogue.read_all(contents, todos))
    where = " and ".join(str(file) for file, _ in files)
    out = _out_console()
    out.print(f"ok: {count} exercise{'s' if count != 1 else ''} in {where}")
    if todos:
        from backcoach.render.catalogue import todo_list

        out.print(todo_list(todos))


# --- the entry point ------------------------------------------------------------


def _only_the_command_asked_for(args: Sequence[str]) -> None:
    """Register only the command on the command line, when it names one of ours.

    Typer inspects every command's signature and builds all their options on
    every run, whichever command was asked for: 12 ms for backcoach's, a fifth of
    what `plan` adds to a bare Typer app. When the first word after the global
    options is a command, the others are left out; anything else (no command,
    --help, a typo to suggest a fix for) keeps them all.
    """
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in GLOBAL_OPTIONS_WITH_VALUE else 1
    if index >= len(args):
        return
    name = args[index]
    if name in {group.name for group in app.registered_groups}:
        app.registered_commands = []
        app.registered_groups = [group for group in app.registered_groups if group.name == name]
    elif name in {command.name for command in app.registered_commands}:
        app.registered_commands = [c for c in app.registered_commands if c.name == name]
        app.registered_groups = []


def _warnings_as_lines() -> None:
    """A warning (a history row left out) is one line on stderr, not Python's format."""
    import warnings

    def show(message: Warning | str, *_: object, **__: object) -> None:
        sys.stderr.write(f"warning: {message}\n")

    warnings.showwarning = show


def main() -> NoReturn:
    """Console-script entry point."""
    if sys.stdout is None or sys.stderr is None:  # started with `>&-` or `2>&-`
        if sys.stderr is not None:
            sys.stderr.write("error: standard output is closed: nothing could be shown\n")
        sys.exit(EXIT_FAILURE)
    for stream in (sys.stdout, sys.stderr):
        # A terminal or file that cannot show a character gets "?" instead of a crash.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    _only_the_command_asked_for(sys.argv[1:])
    _warnings_as_lines()
    try:
        app()
    except SystemExit as done:
        code = done.code
    except BackcoachError as error:  # raised outside a command (should not happen)
        if _debug():
            raise
        _print_error(error)
        code = error.exit_code
    from backcoach.render.console import flushed

    sys.exit(flushed(code))
