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
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from backcoach.errors import EXIT_FAILURE, BackcoachError, CatalogueError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.coaching import Choices
    from backcoach.library import Library
    from backcoach.models import Exercise, Overview, SessionRecord

EQUIPMENT_HELP = (
    "Equipment you have, beyond a mat (repeat or join with commas): band, dumbbell, kettlebell, "
    "barbell, cable, bench, hyperextension-bench, stability-ball, massage-ball, foam-roller, wall, "
    "chair, towel; 'none' for just a mat."
)
FOCUS_HELP = (
    "What to work on: lower, upper (region) and stretch, strengthen (kind). "
    "Repeat or join with commas: --focus lower,stretch. Default: the whole back, both kinds."
)


def _err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _out_console() -> Console:
    from rich.console import Console

    # Data never holds markup or :emoji: codes; not parsing for them saves time per cell.
    return Console(highlight=False, markup=False, emoji=False)


def _debug() -> bool:
    return os.environ.get("BACKCOACH_DEBUG", "") not in ("", "0")


def report_error(error: BackcoachError) -> None:
    from rich.markup import escape

    # soft_wrap: "file:line: ..." lines stay whole, so they can be grepped and clicked.
    err = _err_console()
    err.print(f"[bold red]error:[/] {escape(error.message)}", soft_wrap=True)
    if isinstance(error, CatalogueError):
        for problem in error.problems:
            err.print(f"  {escape(str(problem))}", soft_wrap=True)
    if error.hint:
        err.print(f"[dim]hint: {escape(error.hint)}[/]", soft_wrap=True)


class _Group(TyperGroup):
    """Runs every command inside the single error handler."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BackcoachError as error:
            if _debug():
                raise
            report_error(error)
            raise typer.Exit(error.exit_code) from None
        except Exception as error:
            # Typer's own signals (usage errors, Exit, Abort) pass through untouched.
            if type(error).__module__.startswith("typer") or _debug():
                raise
            _err_console().print(
                f"[bold red]error:[/] unexpected internal error: {type(error).__name__}: {error}\n"
                "[dim]hint: rerun with BACKCOACH_DEBUG=1 to see the traceback, and report it[/]",
                markup=True,
                highlight=False,
            )
            raise typer.Exit(EXIT_FAILURE) from None

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


# --- options shared by several commands ----------------------------------------

FocusOption = Annotated[
    list[str] | None, typer.Option("--focus", "-f", metavar="FOCUS", help=FOCUS_HELP)
]
MinutesOption = Annotated[
    int | None,
    typer.Option(
        "--minutes",
        "-m",
        metavar="MINUTES",
        help="Length of the session in minutes (1-90; default 10, or config).",
    ),
]
LevelOption = Annotated[
    str | None,
    typer.Option(
        "--level",
        "-l",
        metavar="LEVEL",
        help="Highest level to include: beginner, intermediate, advanced.",
    ),
]
EquipmentOption = Annotated[
    list[str] | None,
    typer.Option("--equipment", "-e", metavar="EQUIPMENT", help=EQUIPMENT_HELP),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed",
        metavar="N",
        help="Repeat a plan's choice of exercises: the same seed and options give the same "
        "exercises (doses may have progressed since).",
    ),
]
FlareUpOption = Annotated[
    bool,
    typer.Option(
        "--flare-up",
        help="A gentle session for a bad day: mobility and stretches only, shorter and fewer.",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Write JSON to stdout instead of a table.")
]


def _library(ctx: typer.Context) -> Library:
    from backcoach.catalogue import chosen_path
    from backcoach.library import open_library

    return open_library(chosen_path((ctx.obj or {}).get("catalogue")))


def _choices(
    focus: list[str] | None,
    minutes: int | None,
    level: str | None,
    equipment: list[str] | None,
    seed: int | None,
    flare_up: bool,
) -> Choices:
    from backcoach.coaching import Choices

    return Choices(focus, minutes, level, equipment, seed, flare_up)


# --- a session ------------------------------------------------------------------


@app.command("start")
def start_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    minutes: MinutesOption = None,
    level: LevelOption = None,
    equipment: EquipmentOption = None,
    seed: SeedOption = None,
    flare_up: FlareUpOption = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="Ask nothing: the safety list is printed and --yes confirms that none of it "
            "applies; pain and effort are not recorded, so no dose steps up.",
        ),
    ] = False,
    sound: Annotated[
        str | None,
        typer.Option(
            "--sound", metavar="SOUND", help="Cues: bell (default, or config), voice or off."
        ),
    ] = None,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="One line per event instead of a redrawn screen (for screen readers and logs).",
        ),
    ] = False,
) -> None:
    """Run a session live: safety check, countdowns, reps with tempo, sides and rests."""
    from backcoach import coaching, session
    from backcoach.clock import SystemClock, time_scale
    from backcoach.keys import for_terminal
    from backcoach.storage import open_history
    from backcoach.vocabulary import parse_sound

    defaults = coaching.settings()
    options = session.Options(
        yes=yes, plain=plain, sound=parse_sound(sound if sound is not None else defaults["sound"])
    )
    session.check_can_ask(options)
    clock = SystemClock(time_scale())
    library = _library(ctx)
    choices = _choices(focus, minutes, level, equipment, seed, flare_up)
    with open_history() as history:
        prepared = coaching.prepare(library, choices, history, defaults)
        session.coach(prepared, options, _out_console(), clock, for_terminal(clock), history)


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    minutes: MinutesOption = None,
    level: LevelOption = None,
    equipment: EquipmentOption = None,
    seed: SeedOption = None,
    flare_up: FlareUpOption = False,
    as_json: JsonOption = False,
) -> None:
    """Show the session that start would run, without running it."""
    from backcoach import coaching

    library = _library(ctx)
    prepared = coaching.prepare(library, _choices(focus, minutes, level, equipment, seed, flare_up))
    plan = prepared.plan()
    if as_json:
        from backcoach.shapes import plan_json, write_json

        write_json(plan_json(plan))
        return
    from backcoach.render.catalogue import plan_view

    _out_console().print(plan_view(plan))


# --- the catalogue --------------------------------------------------------------


@app.command("list")
def list_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            "-l",
            metavar="LEVEL",
            help="Only this level: beginner, intermediate, advanced.",
        ),
    ] = None,
    equipment: Annotated[
        list[str] | None,
        typer.Option(
            "--equipment",
            "-e",
            metavar="EQUIPMENT",
            help="Only exercises you can do with this equipment (repeat or join with commas; "
            "'none' for just a mat).",
        ),
    ] = None,
    as_json: JsonOption = False,
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
    ]
    if as_json:
        from backcoach.shapes import write_json_array

        # Rendered when the cache was built: no models needed, even for 10,000 exercises.
        write_json_array(library.pretty_json([summary.id for summary in found]))
        return
    out = _out_console()
    if not found:
        out.print("No exercise matches these filters.")
        return
    from backcoach.render.catalogue import exercise_table

    out.print(exercise_table(found))
    noun = "exercise" if len(found) == 1 else "exercises"
    out.print(f"\n{len(found)} {noun}. Details: backcoach show ID", style="dim")


def find_exercise(library: Library, query: str) -> Exercise:
    """Match an id, a name or an alias, ignoring case, spaces and hyphens."""
    import difflib

    from backcoach.errors import NotFoundError
    from backcoach.library import normal

    exercise_id = library.lookup(query)
    found = library.get(exercise_id) if exercise_id is not None else None
    if found is not None:
        return found
    keys = dict(library.name_keys())
    suggestions: list[str] = []
    for key in difflib.get_close_matches(normal(query), list(keys), n=10, cutoff=0.6):
        if keys[key] not in suggestions:
            suggestions.append(keys[key])
    hint = (
        "did you mean " + " or ".join(suggestions[:3]) + "?"
        if suggestions
        else "see every exercise with: backcoach list"
    )
    raise NotFoundError(f"unknown exercise {query!r}", hint=hint)


@app.command("show")
def show_command(
    ctx: typer.Context,
    exercise: Annotated[
        str,
        typer.Argument(
            metavar="EXERCISE",
            help='An exercise id, name or alias, e.g. bird-dog or "child\'s pose".',
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Show one exercise in full: steps, cues, cautions, dose, variants and sources."""
    library = _library(ctx)
    found = find_exercise(library, exercise)
    if as_json:
        from backcoach.shapes import exercise_json, write_json

        write_json(exercise_json(found))
        return
    from backcoach.render.catalogue import exercise_panel

    names = library.names([*found.easier, *found.harder])
    _out_console().print(exercise_panel(found, names))


# --- looking back ---------------------------------------------------------------


@app.command("history")
def history_command(
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", metavar="N", help="How many sessions to show, newest first."),
    ] = 20,
    as_json: JsonOption = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Write CSV with a header to stdout.")
    ] = False,
) -> None:
    """Past sessions, newest first."""
    from backcoach.storage import existing_history

    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be used together")
    if limit < 1:
        raise UsageError("--limit must be 1 or more")
    history = existing_history()
    sessions: list[SessionRecord] = []
    if history is not None:
        with history:
            sessions = history.sessions(limit)
    if as_json:
        from backcoach.shapes import session_json, write_json

        write_json([session_json(record) for record in sessions])
        return
    if as_csv:
        from backcoach.shapes import history_csv

        sys.stdout.write(history_csv(sessions))
        return
    out = _out_console()
    if not sessions:
        out.print("No sessions yet. Start one with: backcoach start")
        return
    from backcoach.render.history import history_table

    out.print(history_table(sessions))


def _overview() -> Overview:
    from backcoach.models import Overview
    from backcoach.storage import existing_history

    history = existing_history()
    if history is None:
        return Overview((), (), (), None, None)
    with history:
        return history.overview()


@app.command("stats")
def stats_command(as_json: JsonOption = False) -> None:
    """Streaks, sessions and minutes per week, and how pain is moving."""
    from datetime import date

    from backcoach import stats

    summary = stats.compute(_overview(), date.today())
    if as_json:
        from backcoach.shapes import stats_json, write_json

        write_json(stats_json(summary))
        return
    from backcoach.render.history import stats_view

    out = _out_console()
    out.print(stats_view(summary, out.size.width))


@app.command("report")
def report_command(
    report_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="md (Markdown) or html (with a pain chart). Default: from the --output file's "
            "extension (.html, .htm), else md.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="PATH", help="Write to this file instead of stdout."
        ),
    ] = None,
) -> None:
    """A one-page summary to show a physiotherapist or doctor."""
    from datetime import date

    from backcoach import report, stats

    chosen = report.format_for(report_format, output)
    overview = _overview()
    summary = stats.compute(overview, date.today())
    render = report.html if chosen == "html" else report.markdown
    text = render(overview, summary, date.today())
    if output is None:
        sys.stdout.write(text)
        return
    _write_report(output, text)
    _err_console().print(f"wrote {output} ({chosen})")


def _write_report(path: Path, text: str) -> None:
    from backcoach.errors import StorageError
    from backcoach.paths import write_text_atomically

    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from exc


# --- settings and catalogues ----------------------------------------------------

config_app = typer.Typer(
    help="Your defaults for plan and start (minutes, focus, level, equipment, sound).",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(config_app, name="config")


@config_app.callback()
def config_show(ctx: typer.Context) -> None:
    """Your defaults in config.toml; with no command, each setting and where it came from."""
    if ctx.invoked_subcommand is not None:
        return
    from backcoach import config
    from backcoach.render.history import settings_table

    values = config.effective(config.read())
    out = _out_console()
    out.print(
        settings_table(
            [
                (key, config.shown(value), source, config.SETTINGS[key].help)
                for key, (value, source) in values.items()
            ]
        )
    )
    out.print(f"file: {config.path()}", style="dim")
    out.print("Options on the command line win over these.", style="dim")


@config_app.command("set")
def config_set(
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="minutes, focus, level, equipment or sound.")
    ],
    value: Annotated[
        str,
        typer.Argument(metavar="VALUE", help="The new value; lists take commas: lower,stretch."),
    ],
) -> None:
    """Set a default; it is checked before anything is written."""
    from backcoach import config

    checked = config.set_value(key.strip().lower(), value)
    _out_console().print(f"{key} = {config.shown(checked)}")


@config_app.command("unset")
def config_unset(
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="The setting to return to its default.")
    ],
) -> None:
    """Remove a default from config.toml, so the built-in default applies again."""
    from backcoach import config

    removed = config.unset(key.strip().lower())
    default = config.shown(config.SETTINGS[key.strip().lower()].default, empty="none")
    message = "back to the default" if removed else "was not set; the default applies"
    _out_console().print(f"{key}: {message} ({default})")


@config_app.command("path")
def config_path_command() -> None:
    """Print where config.toml lives."""
    from backcoach import config

    sys.stdout.write(f"{config.path()}\n")


@app.command("validate")
def validate_command(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="PATH",
            help="The catalogue file to check. Default: the catalogue in use (--catalogue, "
            "BACKCOACH_CATALOGUE, or the bundled one).",
        ),
    ] = None,
) -> None:
    """Check a catalogue file and list every problem with its location."""
    from backcoach import catalogue

    chosen = path if path is not None else catalogue.chosen_path((ctx.obj or {}).get("catalogue"))
    count = len(catalogue.load(chosen).exercises)
    _out_console().print(f"ok: {count} exercise{'s' if count != 1 else ''} in {chosen}")


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


def main() -> NoReturn:
    """Console-script entry point."""
    _only_the_command_asked_for(sys.argv[1:])
    try:
        app()
    except BackcoachError as error:  # raised outside a command (should not happen)
        if _debug():
            raise
        report_error(error)
        sys.exit(error.exit_code)
    sys.exit(0)
