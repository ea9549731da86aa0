"""`backcoach start` and `backcoach snack`: a session, or a desk break, coached live."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from backcoach.cli.options import (
    EquipmentOption,
    FlareUpOption,
    FocusOption,
    LevelOption,
    MinutesOption,
    NewOption,
    PlainOption,
    SeedOption,
    SnackMinutesOption,
    SoundOption,
    YesOption,
    library_for,
)

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.plan.prepare import Choices


def out_console() -> Console:
    from backcoach.render.console import out_console as make

    return make()


def start_command(
    ctx: typer.Context,
    focus: FocusOption = None,
    minutes: MinutesOption = None,
    level: LevelOption = None,
    equipment: EquipmentOption = None,
    seed: SeedOption = None,
    new: NewOption = False,
    flare_up: FlareUpOption = False,
    yes: YesOption = False,
    sound: SoundOption = None,
    plain: PlainOption = False,
) -> None:
    """Run a session live: safety check, countdowns, reps with tempo, sides and rests."""
    from backcoach.plan.prepare import Choices

    choices = Choices(focus, minutes, level, equipment, seed, flare_up, no_questions=yes, new=new)
    _coach(ctx, choices, yes, sound, plain)


def snack_command(
    ctx: typer.Context,
    minutes: SnackMinutesOption = None,
    seed: SeedOption = None,
    yes: YesOption = False,
    sound: SoundOption = None,
    plain: PlainOption = False,
) -> None:
    """A 2-5 minute break at the desk: standing or sitting, a chair or a wall at most."""
    from backcoach.plan.prepare import Choices

    _coach(
        ctx, Choices(minutes=minutes, seed=seed, no_questions=yes, snack=True), yes, sound, plain
    )


def _coach(ctx: typer.Context, choices: Choices, yes: bool, sound: str | None, plain: bool) -> None:
    """`start` and `snack`: the options checked, then the session coached and saved."""
    from backcoach.coach import session
    from backcoach.history.store import writable_history
    from backcoach.plan import prepare as coaching
    from backcoach.timer.clock import SystemClock, time_scale
    from backcoach.timer.keys import for_terminal
    from backcoach.vocabulary import parse_sound

    defaults = coaching.settings()
    options = session.Options(
        yes=yes, plain=plain, sound=parse_sound(sound if sound is not None else defaults["sound"])
    )
    session.check_can_ask(options)
    if options.sound == "voice":
        from backcoach.coach.cues import speech_command

        speech_command()  # a BACKCOACH_TTS that cannot be read is said now, before any question
    clock = SystemClock(time_scale())
    library = library_for(ctx)
    history, why_unsaved = writable_history()  # None: the session runs, shown at the end
    try:
        prepared = coaching.prepare(library, choices, history, defaults)
        keys = for_terminal(clock)
        session.coach(prepared, options, out_console(), clock, keys, history, None, why_unsaved)
    finally:
        if history is not None:
            history.close()


def remind_command(
    every: Annotated[
        int | None,
        typer.Option(
            "--every", metavar="MINUTES", help="Minutes between reminders (1-480; default 60)."
        ),
    ] = None,
    between: Annotated[
        str | None,
        typer.Option(
            "--between",
            metavar="HH:MM-HH:MM",
            help="Remind only between these times of day (default 09:00-17:30).",
        ),
    ] = None,
    times: Annotated[
        int | None,
        typer.Option("--times", metavar="N", help="Stop after N reminders (default: never)."),
    ] = None,
) -> None:
    """Remind you to stand up and take a desk break, every hour (p pauses, q stops)."""
    from backcoach.coach.remind import remind

    remind(every, between, times, out_console())
