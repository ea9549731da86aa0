"""The command line: parse options, call the core, print. Thin on purpose.

Heavy modules (pydantic models, yaml, sqlite3, rich.live) are imported inside
the commands that need them, so `backcoach --help` and `list` start fast.
The one place that turns a BackcoachError into a message and an exit code is
`_Group.invoke`. `--help` lists the commands in the order a person uses them
(`WORKFLOW`), whatever order they are registered in.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from backcoach.cli.catalogue import add_command, edit_command, import_command
from backcoach.cli.config import config_app
from backcoach.cli.examples import epilog
from backcoach.cli.history import history_command, report_command, stats_command
from backcoach.cli.options import (
    CatalogueArgument,
    ExerciseArgument,
    FocusOption,
    JsonOption,
    OnlyEquipmentOption,
    OnlyLevelOption,
    PlanOptions,
    SnackOption,
    library_for,
    plan_options,
)
from backcoach.cli.programme import goals_app, learn_command, schedule_command, week_command
from backcoach.cli.routine import routine_app
from backcoach.cli.session import (
    plan_verdict,
    remind_command,
    safety_command,
    snack_command,
    start_command,
)
from backcoach.errors import EXIT_FAILURE, BackcoachError, UsageError
from backcoach.render.console import flushed, output_failed, print_error, print_internal_error
from backcoach.render.console import out_console as _out_console

if TYPE_CHECKING:
    from backcoach.catalogue.library import Library


WORKFLOW = (
    "start", "snack", "remind", "plan", "safety", "routine", "list", "show", "week", "goals",
    "schedule", "learn", "history", "stats", "report", "import", "add", "edit", "validate",
    "config",
)  # fmt: skip


def _debug() -> bool:
    return os.environ.get("BACKCOACH_DEBUG", "") not in ("", "0")


def _plain_arguments(command: Any) -> None:
    """Arguments shown as `EXERCISE` (`[ID]` when optional), as gh and uv show them:
    Typer 0.29 writes `{EXERCISE}` in the usage and `EXERCISE <str>` in the list."""
    for param in getattr(command, "params", ()):
        if getattr(param, "param_type_name", "") != "argument":
            continue
        shown = param.metavar or param.name.upper()
        param.display_type_rich = lambda ctx=None: None
        param._usage_display_name = (
            (lambda shown=shown: shown) if param.required else (lambda shown=shown: f"[{shown}]")
        )
    for sub in getattr(command, "commands", {}).values():
        _plain_arguments(sub)


class _Commands(MutableMapping[str, Any]):
    """The commands by name, each built (its signature read, its options made) the first
    time it is asked for. Typer builds every command on every run, 12 ms for backcoach's
    (a fifth of what `plan` adds to a bare Typer app); so a run builds only the command
    it runs, and --help, a typo's "did you mean" and completion build them all."""

    def __init__(self, apps: Mapping[str, typer.Typer]) -> None:
        self._apps = dict(apps)  # each a command (or group) of its own, not yet built
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            command = typer.main.get_command(self._apps[name])
            command.name = name
            from backcoach.cli.examples import epilog

            command.epilog = command.epilog or epilog(name)
            for sub_name, sub in getattr(command, "commands", {}).items():
                sub.epilog = sub.epilog or epilog(f"{name} {sub_name}")
            _plain_arguments(command)
            self._built[name] = command
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._apps.pop(name, None)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._apps.pop(name, None)
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:  # without building it
        return name in self._apps or name in self._built

    def __iter__(self) -> Iterator[str]:
        return iter({**self._built, **self._apps})

    def __len__(self) -> int:
        return len({**self._built, **self._apps})


# Each command is a Typer app of its own until it is built (`_Commands`).
_COMMANDS: dict[str, typer.Typer] = {}
F = TypeVar("F", bound=Callable[..., Any])


def _command(name: str) -> Callable[[F], F]:
    one = typer.Typer(add_completion=False, rich_markup_mode=None)
    _COMMANDS[name] = one
    return one.command(name)


class _Group(TyperGroup):
    """Runs every command inside the single error handler; builds only the one it runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(_COMMANDS)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BackcoachError as error:
            if _debug():
                raise
            print_error(error)
            raise typer.Exit(error.exit_code) from None
        except OSError as error:
            code = output_failed(error)
            if code is None or _debug():
                raise
            raise typer.Exit(code) from None
        except Exception as error:
            # Typer's own signals (usage errors, Exit, Abort) pass through untouched.
            if type(error).__module__.startswith("typer") or _debug():
                raise
            print_internal_error(error)
            raise typer.Exit(EXIT_FAILURE) from None

    def list_commands(self, ctx: Any) -> list[str]:
        """Commands in the order people use them (Click's is by name)."""
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
    epilog=epilog(""),  # examples, as every command's help has
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


_command("start")(start_command)
_command("import")(import_command)
_command("add")(add_command)
_command("edit")(edit_command)
_command("snack")(snack_command)
_command("remind")(remind_command)
_command("safety")(safety_command)


@_command("plan")
@plan_options
def plan_command(
    ctx: typer.Context,
    options: PlanOptions,
    snack: SnackOption = False,
    as_json: JsonOption = False,
) -> None:
    """Show the session that start would run, without running it."""
    from backcoach.plan import prepare as coaching

    library = _library(ctx)
    if snack and (options.focus or options.level or options.new or options.flare_up):
        raise UsageError("--snack takes only --minutes (2-5), --equipment and --seed")
    choices = options.choices(snack=snack)
    verdict = plan_verdict(snack, options.flare_up)  # the safety gate: what start may do
    prepared = coaching.prepare(
        library, choices, exclusions=verdict.exclusions, extension_ok_at=verdict.extension_ok_at
    )
    plan = prepared.plan()
    # plan changes nothing: only start saves a new or changed routine. Said, not done.
    update = prepared.routine
    would_save = update is not None and update.changed and not plan.flare_up and not verdict.stops
    from backcoach.errors import AdviceGiven, NoExerciseToday
    from backcoach.render.safety import stop_panel, verdict_json, verdict_line

    stop = NoExerciseToday(
        "no exercise today: backcoach holds something to ask about first",
        hint="backcoach safety shows it; start asks about it",
    )
    if as_json:
        from backcoach.render.shapes import plan_json, write_json

        data = {
            **plan_json(plan),
            **verdict_json(verdict),
            "exercise_today": not verdict.stops,
            "reason": None,  # why there is no exercise today
        }
        if verdict.stops:  # the verdict and its reason; no exercise listed (DESIGN.md)
            reason = verdict_line(verdict).plain.removeprefix("Now: ")
            data.update(steps=[], total_seconds=0, notes=[], routine=False, reason=reason)
            write_json(data)
            raise stop
        write_json(data)
        return
    if verdict.stops:
        assert verdict.tier is not None
        _out_console().print(verdict_line(verdict))
        _out_console().print(stop_panel(verdict.flags, verdict.tier))
        raise AdviceGiven(stop.message, hint=stop.hint)  # the advice is the last word
    from backcoach.render.catalogue import plan_view

    _out_console().print(plan_view(plan))
    if would_save:
        _out_console().print(
            "start would make a new routine for this focus: these exercises, when run "
            "today (why: in the notes; plan changes nothing).",
            markup=False,
            highlight=False,
        )
    from backcoach.render.safety import left_out_names

    names = left_out_names(verdict.exclusions, prepared.candidates.exercises)
    thing = "a desk break" if snack else "a session"  # reasons the notes give: not again
    _out_console().print(verdict_line(verdict, thing, names, noted=plan.notes))


_COMMANDS["routine"] = routine_app
_COMMANDS["goals"] = goals_app
_command("schedule")(schedule_command)
_command("week")(week_command)
_command("learn")(learn_command)


# --- the catalogue --------------------------------------------------------------


@_command("list")
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
    from backcoach.catalogue.listing import Filters

    filters = Filters.parse(focus or (), level, equipment, unreviewed=unreviewed)
    library = _library(ctx)
    found = filters.matching(library)
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


@_command("show")
def show_command(
    ctx: typer.Context,
    exercise: ExerciseArgument,
    as_json: JsonOption = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain", help="The starting position in words only, not drawn (for screen readers)."
        ),
    ] = False,
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
    # NO_COLOR is about colour: the figure is drawn, uncoloured; --plain and a dumb terminal
    # (often a screen reader's) get the position in words only.
    figure = not plain and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")
    console.print(exercise_panel(found, names, figure=figure))


# --- looking back ---------------------------------------------------------------


_command("history")(history_command)
_command("stats")(stats_command)
_command("report")(report_command)


# --- settings and catalogues ----------------------------------------------------

_COMMANDS["config"] = config_app


@_command("validate")
def validate_command(
    ctx: typer.Context,
    path: CatalogueArgument = None,
) -> None:
    """Check a catalogue file and list every problem with its location."""
    from backcoach.catalogue.loader import validate

    count, files, todos = validate(path, (ctx.obj or {}).get("catalogue"))
    where = " and ".join(str(file) for file in files)
    out = _out_console()
    out.print(f"ok: {count} exercise{'s' if count != 1 else ''} in {where}")
    if todos:
        from backcoach.render.catalogue import todo_list

        out.print(todo_list(todos))


# --- the entry point ------------------------------------------------------------


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
    _warnings_as_lines()
    try:
        app()
    except SystemExit as done:
        code = done.code
    except BackcoachError as error:  # raised outside a command (should not happen)
        if _debug():
            raise
        print_error(error)
        code = error.exit_code
    sys.exit(flushed(code))
