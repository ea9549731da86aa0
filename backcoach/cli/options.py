"""Command-line options that several commands share, with their help and placeholders."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, get_type_hints

import typer

from backcoach.errors import UsageError
from backcoach.plan.prepare import MAX_SEED, Choices
from backcoach.vocabulary import MAX_MINUTES, MIN_MINUTES, SNACK_MINUTES

if TYPE_CHECKING:
    from backcoach.catalogue.library import Library

_WHOLE = re.compile(r"[+-]?[0-9]+")


def whole_number(name: str, of: str, bounds: str) -> Callable[[str | int], int]:
    """A parser for a numeric option or argument: what a person typed that is not a whole
    number is one line naming the option and its range ("--minutes: 'abc' is not a whole
    number of minutes (1 to 90)"), exit 2; the range itself is checked where it is used."""
    words = f"a whole number of {of}" if of else "a whole number"

    def parse(value: str | int) -> int:
        if isinstance(value, int):  # a default, already a number
            return value
        text = value.strip()
        if not _WHOLE.fullmatch(text):
            raise UsageError(f"{name}: {value!r} is not {words} ({bounds})")
        return int(text)

    return parse


MINUTES_RANGE = f"{MIN_MINUTES} to {MAX_MINUTES}"

EQUIPMENT_HELP = (
    "Equipment you have, beyond a mat (repeat or join with commas): band, dumbbell, kettlebell, "
    "barbell, cable, bench, hyperextension-bench, stability-ball, massage-ball, foam-roller, wall, "
    "chair, towel; 'none' for just a mat."
)
FOCUS_HELP = (
    "What to work on: lower, upper (region) and stretch, strengthen (kind). "
    "Repeat or join with commas: --focus lower,stretch. Default: the whole back, both kinds."
)


FocusOption = Annotated[
    list[str] | None, typer.Option("--focus", "-f", metavar="FOCUS", help=FOCUS_HELP)
]
MinutesOption = Annotated[
    int | None,
    typer.Option(
        "--minutes",
        "-m",
        metavar="MINUTES",
        parser=whole_number("--minutes", "minutes", MINUTES_RANGE),
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
        parser=whole_number("--seed", "", f"0 to {MAX_SEED}"),
        help="A one-off plan that leaves your routine alone: the same seed and options give "
        "the same exercises (doses may have progressed since).",
    ),
]
NewOption = Annotated[
    bool,
    typer.Option(
        "--new",
        help="Make a new routine for this focus (the doses each exercise reached are kept).",
    ),
]
SnackOption = Annotated[
    bool,
    typer.Option("--snack", help="Show a desk break (what backcoach snack would run)."),
]
SnackMinutesOption = Annotated[
    int | None,
    typer.Option(
        "--minutes",
        "-m",
        metavar="MINUTES",
        parser=whole_number("--minutes", "minutes", "{} to {}".format(*SNACK_MINUTES)),
        help="Length of the break in minutes (2-5; default 3).",
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
YesOption = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="Ask nothing: the safety list is printed and --yes confirms that none of it "
        "applies. Refused (exit 2) while backcoach holds something to ask about: a warning "
        "sign still open, or a see-a-clinician item with no clearance (run without --yes and "
        "answer). Back-bending and nerve-tensioning exercises are left out, since no question "
        "about leg symptoms can follow them; pain and effort are not recorded, so no dose "
        "steps up.",
    ),
]
SoundOption = Annotated[
    str | None,
    typer.Option("--sound", metavar="SOUND", help="Cues: bell (default, or config), voice or off."),
]
PlainOption = Annotated[
    bool,
    typer.Option(
        "--plain",
        help="One line per event instead of a redrawn screen (for screen readers and logs).",
    ),
]


class PlanOptions(NamedTuple):
    """The options `plan` and `start` share, as the command receives them (`plan_options`)."""

    focus: list[str] | None
    minutes: int | None
    level: str | None
    equipment: list[str] | None
    seed: int | None
    new: bool
    flare_up: bool

    def choices(self, *, no_questions: bool = False, snack: bool = False) -> Choices:
        return Choices(
            self.focus, self.minutes, self.level, self.equipment, self.seed, self.flare_up,
            no_questions=no_questions, new=self.new, snack=snack,
        )  # fmt: skip


_PLAN_OPTIONS: dict[str, tuple[Any, object]] = {
    "focus": (FocusOption, None),
    "minutes": (MinutesOption, None),
    "level": (LevelOption, None),
    "equipment": (EquipmentOption, None),
    "seed": (SeedOption, None),
    "new": (NewOption, False),
    "flare_up": (FlareUpOption, False),
}


def plan_options(command: Callable[..., None]) -> Callable[..., None]:
    """`plan` and `start` take the same options, defined once here: the command declares
    one parameter `options: PlanOptions`, and its help lists those options, in this order,
    after the context and before its own."""
    hints = get_type_hints(command, include_extras=True)
    own = [
        parameter.replace(annotation=hints.get(parameter.name, parameter.annotation))
        for parameter in inspect.signature(command).parameters.values()
        if parameter.name != "options"
    ]
    shared = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default,
                          annotation=annotation)
        for name, (annotation, default) in _PLAN_OPTIONS.items()
    ]  # fmt: skip
    at = 1 if own and own[0].name == "ctx" else 0

    def run(**given: Any) -> None:
        options = PlanOptions(**{name: given.pop(name) for name in _PLAN_OPTIONS})
        command(options=options, **given)

    run.__name__, run.__qualname__ = command.__name__, command.__qualname__
    run.__doc__, run.__module__ = command.__doc__, command.__module__
    run.__signature__ = inspect.Signature([*own[:at], *shared, *own[at:]])  # type: ignore[attr-defined]
    return run


OnlyLevelOption = Annotated[
    str | None,
    typer.Option(
        "--level", "-l", metavar="LEVEL", help="Only this level: beginner, intermediate, advanced."
    ),
]
OnlyEquipmentOption = Annotated[
    list[str] | None,
    typer.Option(
        "--equipment",
        "-e",
        metavar="EQUIPMENT",
        help="Only exercises you can do with this equipment (repeat or join with commas; "
        "'none' for just a mat).",
    ),
]
ExerciseArgument = Annotated[
    str,
    typer.Argument(
        metavar="EXERCISE", help='An exercise id, name or alias, e.g. bird-dog or "child\'s pose".'
    ),
]
LimitOption = Annotated[
    int,
    typer.Option(
        "--limit",
        "-n",
        metavar="N",
        parser=whole_number("--limit", "sessions", "1 or more"),
        help="How many sessions to show, newest first.",
    ),
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Write CSV with a header to stdout.")]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="md (Markdown) or html (with a pain chart). Default: from the --output file's "
        "extension (.html, .htm), else md.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="PATH", help="Write to this file instead of stdout."),
]
CatalogueArgument = Annotated[
    Path | None,
    typer.Argument(
        metavar="PATH",
        help="The catalogue file to check. Default: the catalogue in use (--catalogue, "
        "BACKCOACH_CATALOGUE, or the bundled one).",
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace the --output file even if it is not an earlier backcoach report "
        "(backcoach's own files are never replaced).",
    ),
]


def library_for(ctx: typer.Context) -> Library:
    """The catalogue in use: the global --catalogue (or BACKCOACH_CATALOGUE), else the
    bundled one with the person's own."""
    from backcoach.catalogue.library import open_library
    from backcoach.catalogue.loader import sources

    return open_library(sources((ctx.find_root().obj or {}).get("catalogue")))
