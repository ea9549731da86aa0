"""The command line: parse options, call the core, render. Thin on purpose.

Heavy modules (pydantic models, yaml, sqlite3, rich.live) are imported inside
the commands that need them, so `backcoach --help` and `list` start fast.
The one place that turns a BackcoachError into a message and an exit code is
`_Group.invoke`.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from backcoach.errors import EXIT_FAILURE, BackcoachError, CatalogueError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.library import Library
    from backcoach.models import Catalogue, Exercise, Plan
    from backcoach.planner import Request
    from backcoach.storage import History

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


app = typer.Typer(
    cls=_Group,
    help="backcoach: a terminal coach for safe, guided back exercise.\n\n"
    "Self-care support, not a diagnosis: see a clinician if pain is severe, "
    "getting worse, or not easing after a few weeks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
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


# --- helpers ----------------------------------------------------------------


def _load(ctx: typer.Context) -> Library:
    from backcoach.catalogue import chosen_path
    from backcoach.library import open_library

    return open_library(chosen_path((ctx.obj or {}).get("catalogue")))


def _print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _write_json_array(items: Iterator[str]) -> None:
    """A JSON array of items already rendered, written a few hundred at a time (not all held)."""
    first = next(items, None)
    if first is None:
        sys.stdout.write("[]\n")
        return
    sys.stdout.write("[\n" + first)
    while chunk := list(itertools.islice(items, 256)):
        sys.stdout.write(",\n" + ",\n".join(chunk))
    sys.stdout.write("\n]\n")


def _exercise_json(exercise: Exercise) -> dict[str, Any]:
    data = exercise.model_dump(mode="json")
    data["dose_text"] = exercise.dose.describe()
    return data


def _split(values: Sequence[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _level(value: str) -> Any:
    from backcoach.vocabulary import LEVELS, Level

    word = value.strip().lower()
    if word not in LEVELS:
        raise UsageError(f"unknown level {value!r}: use {', '.join(LEVELS)}")
    return Level(word)


def _equipment(values: Sequence[str] | None) -> frozenset[Any]:
    from backcoach.vocabulary import Equipment

    out = set()
    for word in _split(values):
        word = word.lower()
        if word in ("none", "mat"):
            continue
        try:
            out.add(Equipment(word))
        except ValueError:
            allowed = ", ".join(item.value for item in Equipment)
            raise UsageError(f"unknown equipment {word!r}: use {allowed}, or none") from None
    return frozenset(out)


def _seed(value: int | None) -> int:
    if value is not None:
        if value < 0:
            raise UsageError("--seed must be 0 or more")
        return value
    import secrets

    return secrets.randbelow(1_000_000)


# --- commands ---------------------------------------------------------------


FocusOption = Annotated[list[str] | None, typer.Option("--focus", "-f", help=FOCUS_HELP)]
LevelOption = Annotated[
    str | None,
    typer.Option(
        "--level", "-l", help="Highest level to include: beginner, intermediate, advanced."
    ),
]
EquipmentOption = Annotated[
    list[str] | None, typer.Option("--equipment", "-e", help=EQUIPMENT_HELP)
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Write JSON to stdout instead of a table.")
]


@app.command("list")
def list_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    level: Annotated[
        str | None,
        typer.Option("--level", "-l", help="Only this level: beginner, intermediate, advanced."),
    ] = None,
    equipment: Annotated[
        list[str] | None,
        typer.Option(
            "--equipment",
            "-e",
            help="Only exercises you can do with this equipment (repeat or join with commas; "
            "'none' for just a mat).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the exercises in the catalogue, with their dose and equipment."""
    from backcoach.vocabulary import parse_focus

    regions, kinds = parse_focus(focus or ())
    region_words = {region.value for region in regions}
    kind_words = {kind.value for kind in kinds}
    wanted_level = _level(level).value if level is not None else None
    have = {item.value for item in _equipment(equipment)} if equipment else None
    library = _load(ctx)
    found = [
        summary
        for summary in library.summaries()
        if region_words & set(summary.regions)
        and summary.kind in kind_words
        and (wanted_level is None or summary.level == wanted_level)
        and (have is None or summary.needs <= have)
    ]
    if as_json:
        # Rendered when the cache was built: no models needed, even for 10,000 exercises.
        _write_json_array(library.pretty_json([summary.id for summary in found]))
        return
    out = _out_console()
    if not found:
        out.print("No exercise matches these filters.")
        return
    from backcoach.render import exercise_table

    out.print(exercise_table(found))
    noun = "exercise" if len(found) == 1 else "exercises"
    out.print(f"\n{len(found)} {noun}. Details: backcoach show ID", style="dim")


def find_exercise(library: Library, query: str) -> Exercise:
    """Match an id, a name or an alias, ignoring case, spaces and hyphens."""
    import difflib

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
    raise UsageError(f"unknown exercise {query!r}", hint=hint)


@app.command("show")
def show_command(
    ctx: typer.Context,
    exercise: Annotated[
        str, typer.Argument(help='An exercise id, name or alias, e.g. bird-dog or "child\'s pose".')
    ],
    as_json: JsonOption = False,
) -> None:
    """Show one exercise in full: steps, cues, cautions, dose, variants and sources."""
    library = _load(ctx)
    found = find_exercise(library, exercise)
    if as_json:
        _print_json(_exercise_json(found))
        return
    from backcoach.render import exercise_panel

    names = library.names([*found.easier, *found.harder])
    _out_console().print(exercise_panel(found, names))


@app.command("validate")
def validate_command(
    path: Annotated[Path, typer.Argument(help="The catalogue file to check.", metavar="PATH")],
) -> None:
    """Check a catalogue file and list every problem with its location."""
    from backcoach import catalogue

    checked = catalogue.parse(catalogue.read_bytes(path), str(path))
    count = len(checked.exercises)
    _out_console().print(f"ok: {count} exercise{'s' if count != 1 else ''}")


def _settings() -> dict[str, Any]:
    """config.toml's settings, or defaults; options given on the command line win over both."""
    from backcoach import config

    return {key: value for key, (value, _) in config.effective(config.read()).items()}


def _request(
    focus: Sequence[str] | None,
    minutes: int | None,
    level: str | None,
    equipment: Sequence[str] | None,
    seed: int | None,
    flare_up: bool = False,
    settings: dict[str, Any] | None = None,
) -> Request:
    from backcoach.planner import Request
    from backcoach.vocabulary import MAX_MINUTES, MIN_MINUTES, parse_focus

    settings = settings if settings is not None else _settings()
    minutes = settings["minutes"] if minutes is None else minutes
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise UsageError(f"--minutes must be from {MIN_MINUTES} to {MAX_MINUTES}, not {minutes}")
    regions, kinds = parse_focus(focus if focus is not None else settings["focus"])
    return Request(
        regions=regions,
        kinds=kinds,
        minutes=minutes,
        level=_level(level if level is not None else settings["level"]),
        equipment=_equipment(equipment if equipment is not None else settings["equipment"]),
        seed=_seed(seed),
        flare_up=flare_up,
    )


def _plan_json(plan: Plan) -> dict[str, Any]:
    data = plan.model_dump(mode="json")
    for step, model in zip(data["steps"], plan.steps, strict=True):
        step["dose_text"] = model.dose.describe()
    return data


MinutesOption = Annotated[
    int | None,
    typer.Option(
        "--minutes", "-m", help="Length of the session in minutes (1-90; default 10, or config)."
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option("--seed", help="Repeat a plan: the same seed and options give the same plan."),
]


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    minutes: MinutesOption = None,
    level: LevelOption = None,
    equipment: EquipmentOption = None,
    seed: SeedOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the session that start would run, without running it."""
    from backcoach import planner

    library = _load(ctx)
    request = _progressed(_request(focus, minutes, level, equipment, seed), library)
    plan = planner.build(_candidates(library, request), request)
    if as_json:
        _print_json(_plan_json(plan))
        return
    from backcoach.render import plan_view

    _out_console().print(plan_view(plan))


@app.command("start")
def start_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    minutes: MinutesOption = None,
    level: LevelOption = None,
    equipment: EquipmentOption = None,
    seed: SeedOption = None,
    flare_up: Annotated[
        bool,
        typer.Option(
            "--flare-up",
            help="A gentle session for a bad day: mobility and stretches only, shorter and fewer.",
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="Ask nothing: the safety list is printed and --yes confirms it; "
            "pain is not recorded.",
        ),
    ] = False,
    sound: Annotated[
        str | None,
        typer.Option("--sound", help="Cues: bell (default, or config), voice or off."),
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
    from backcoach import session
    from backcoach.vocabulary import SOUNDS

    settings = _settings()
    sound = sound if sound is not None else settings["sound"]
    if sound not in SOUNDS:
        raise UsageError(f"unknown sound {sound!r}: use {', '.join(SOUNDS)}")
    options = session.Options(yes=yes, plain=plain, sound=sound)
    session.check_can_ask(options)
    from backcoach.clock import SystemClock, time_scale
    from backcoach.keys import for_terminal
    from backcoach.storage import open_history

    clock = SystemClock(time_scale())
    library = _load(ctx)
    history = open_history()
    assert history is not None
    try:
        request = _progressed(
            _request(focus, minutes, level, equipment, seed, flare_up, settings),
            library,
            history,
        )
        candidates = _candidates(library, request)
        out = _out_console()
        session.coach(candidates, request, options, out, clock, for_terminal(clock), history)
    finally:
        history.close()


def _candidates(library: Library, request: Request) -> Catalogue:
    return library.candidates(request.regions, request.level, request.equipment, request.seed)


def _progressed(request: Request, library: Library, history: History | None = None) -> Request:
    """The request with progression's doses and exclusions from the history, if there is one."""
    from backcoach.progression import next_doses
    from backcoach.storage import now, open_history

    opened = history if history is not None else open_history(create=False)
    if opened is None:
        return request
    try:
        sessions = opened.sessions()
    finally:
        if history is None:
            opened.close()
    seen = {record.id for session in sessions for record in session.exercises}
    progress = next_doses(sessions, library.get_many(sorted(seen)), now())
    return request._replace(
        doses=progress.doses, excluded=progress.excluded, dose_reasons=progress.reasons
    )


def _sessions(limit: int | None = None) -> list[Any]:
    from backcoach.storage import open_history

    history = open_history(create=False)
    if history is None:
        return []
    try:
        return history.sessions(limit)
    finally:
        history.close()


@app.command("history")
def history_command(
    limit: Annotated[
        int, typer.Option("--limit", "-n", help="How many sessions to show, newest first.")
    ] = 20,
    as_json: JsonOption = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Write CSV with a header to stdout.")
    ] = False,
) -> None:
    """Past sessions, newest first."""
    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be used together")
    if limit < 1:
        raise UsageError("--limit must be 1 or more")
    sessions = _sessions(limit)
    if as_json:
        _print_json([record.contract_json() for record in sessions])
        return
    if as_csv:
        from backcoach.render import history_csv

        sys.stdout.write(history_csv(sessions))
        return
    out = _out_console()
    if not sessions:
        out.print("No sessions yet. Start one with: backcoach start")
        return
    from backcoach.render import history_table

    out.print(history_table(sessions))


@app.command("stats")
def stats_command(as_json: JsonOption = False) -> None:
    """Streaks, sessions and minutes per week, and how pain is moving."""
    from datetime import date

    from backcoach import stats

    summary = stats.compute(_sessions(), date.today())
    if as_json:
        _print_json(summary.as_json())
        return
    from backcoach.render import stats_view

    out = _out_console()
    out.print(stats_view(summary, out.size.width))


@app.command("report")
def report_command(
    report_format: Annotated[
        str, typer.Option("--format", help="md (Markdown, default) or html (with a pain chart).")
    ] = "md",
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

    if report_format not in report.FORMATS:
        raise UsageError(f"unknown format {report_format!r}: use md or html")
    sessions = _sessions()
    summary = stats.compute(sessions, date.today())
    render = report.html if report_format == "html" else report.markdown
    text = render(sessions, summary, date.today())
    if output is None:
        sys.stdout.write(text)
        return
    _write_report(output, text)
    _err_console().print(f"wrote {output}")


def _write_report(path: Path, text: str) -> None:
    from backcoach.errors import StorageError
    from backcoach.paths import write_text_atomically

    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from exc


config_app = typer.Typer(
    help="Your defaults for plan and start (minutes, focus, level, equipment, sound), "
    "in config.toml. With no command: every setting, its value and where it came from.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(config_app, name="config")


@config_app.callback()
def config_show(ctx: typer.Context) -> None:
    """Show every setting, its value and where it came from."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from backcoach import config

    values = config.effective(config.read())
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("setting")
    table.add_column("value")
    table.add_column("from")
    table.add_column("allowed", style="dim")
    for key, (value, source) in values.items():
        table.add_row(key, config.shown(value), source, config.SETTINGS[key].help)
    out = _out_console()
    out.print(table)
    out.print(f"file: {config.path()}", style="dim")
    out.print("Options on the command line win over these.", style="dim")


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="minutes, focus, level, equipment or sound.")],
    value: Annotated[str, typer.Argument(help="The new value; lists take commas: lower,stretch.")],
) -> None:
    """Set a default; it is checked before anything is written."""
    from backcoach import config

    checked = config.set_value(key.strip().lower(), value)
    _out_console().print(f"{key} = {config.shown(checked)}")


@config_app.command("unset")
def config_unset(
    key: Annotated[str, typer.Argument(help="The setting to return to its default.")],
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
        index += 2 if args[index] == "--catalogue" else 1
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
