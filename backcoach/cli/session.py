"""`backcoach start` and `backcoach snack`: a session, or a desk break, coached live;
`backcoach safety`: what the safety gate reads, and updating it (a clearance, a flag
closed) under the gate's rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from backcoach.cli.options import (
    JsonOption,
    PlainOption,
    PlanOptions,
    SeedOption,
    SnackMinutesOption,
    SoundOption,
    YesOption,
    library_for,
    plan_options,
    whole_number,
)
from backcoach.config import EVERY_RANGE
from backcoach.render.console import out_console

if TYPE_CHECKING:
    from datetime import datetime

    from backcoach.gate import Verdict
    from backcoach.history.store import History
    from backcoach.plan.prepare import Choices


@plan_options
def start_command(
    ctx: typer.Context,
    options: PlanOptions,
    yes: YesOption = False,
    sound: SoundOption = None,
    plain: PlainOption = False,
) -> None:
    """Run a session live: safety check, countdowns, reps with tempo, sides and rests."""
    _coach(ctx, options.choices(no_questions=yes), yes, sound, plain)


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
    from backcoach.coach.before import Asked, Keeping
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
        keys = for_terminal(clock)
        session.coach(
            Asked(library, choices, defaults),
            options,
            session.Terminal(out_console(), clock, keys),
            Keeping(history, why_unsaved),
        )
    finally:
        if history is not None:
            history.close()


def remind_command(
    every: Annotated[
        int | None,
        typer.Option(
            "--every",
            metavar="MINUTES",
            parser=whole_number("--every", "minutes", "{} to {}".format(*EVERY_RANGE)),
            help="Minutes between reminders (1-480; default 60).",
        ),
    ] = None,
    between: Annotated[
        str | None,
        typer.Option(
            "--between",
            metavar="HH:MM-HH:MM",
            help="Remind only between these times of day; an end before the start crosses "
            "midnight, e.g. 22:00-06:00 (default 09:00-17:30).",
        ),
    ] = None,
    times: Annotated[
        int | None,
        typer.Option(
            "--times",
            metavar="N",
            parser=whole_number("--times", "reminders", "1 or more"),
            help="Stop after N reminders (default: never).",
        ),
    ] = None,
) -> None:
    """Remind you to stand up and take a desk break, every hour (p pauses, q stops)."""
    from backcoach.coach.remind import remind

    _gate_allows_a_break()
    remind(every, between, times, out_console())


def plan_verdict(snack: bool, flare_up: bool) -> Verdict:
    """`plan`'s question to the safety gate: what would `start` (or `snack`) be allowed?"""
    from backcoach import gate
    from backcoach.history.flags import existing_record
    from backcoach.history.store import now

    way = gate.Way.SNACK if snack else gate.Way.PLAN
    return gate.decide(existing_record(), gate.Moment(now(), way, flare_up=flare_up))


def _gate_allows_a_break() -> None:
    """remind never announces a desk break the safety gate would refuse (exit 3)."""
    from backcoach import gate
    from backcoach.errors import AdviceGiven
    from backcoach.history.flags import existing_record
    from backcoach.history.store import now

    verdict = gate.decide(existing_record(), gate.Moment(now(), gate.Way.REMIND))
    if verdict.stops:
        from backcoach.render.safety import stop_panel

        assert verdict.tier is not None
        out_console().print(stop_panel(verdict.flags, verdict.tier, "No reminders today"))
        raise AdviceGiven(  # the advice is the last word on screen
            "no reminders: backcoach holds something to ask about before any exercise",
            hint="run backcoach safety to see it and answer, then remind again",
        )


def safety_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """What backcoach holds for your safety (open flags, clearances, spreads); update it."""
    from backcoach import gate
    from backcoach.history.store import existing_history, now, open_history

    at = now()
    found = existing_history()  # read-only when it cannot be written
    asking = not as_json and _stdin_is_terminal()
    if found is None:
        _show_safety(ctx, None, at, as_json)
        return
    with found:
        # The "Now:" line is said once: after the answers, when there is anything to ask.
        asking = _show_safety(ctx, found, at, as_json, asking) and asking
    if not asking:
        return
    from backcoach.coach.prompts import console_asker, console_say
    from backcoach.coach.screen import update_record
    from backcoach.history.flags import gate_record

    out = out_console()
    with open_history() as history:
        update_record(history, gate_record(history), at, console_asker(out), console_say(out))
        verdict = gate.decide(gate_record(history), gate.Moment(at))
        _show_verdict(verdict, _names(ctx, verdict))


def _stdin_is_terminal() -> bool:
    import sys

    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _show_safety(
    ctx: typer.Context, history: History | None, at: datetime, as_json: bool, asking: bool = False
) -> bool:
    """Shows what backcoach holds; True when there is something to update (the "Now:"
    line then waits for the answers)."""
    from backcoach import gate
    from backcoach.history.flags import SPREADS_SHOWN, closed_flags, gate_record, spreads
    from backcoach.render.safety import SafetyFacts, safety_json, safety_view

    record = gate_record(history)
    verdict = gate.decide(record, gate.Moment(at))
    facts = SafetyFacts(
        record,
        spreads(history, at - SPREADS_SHOWN) if history is not None else [],
        closed_flags(history) if history is not None else [],
        verdict,
        at,
        None if as_json else _names(ctx, verdict),
    )
    if as_json:
        from backcoach.render.shapes import write_json

        write_json(safety_json(facts))
        return False
    to_update = bool(record.open_flags or record.uncleared)
    out_console().print(safety_view(facts, with_verdict=not (asking and to_update)))
    return to_update


def _names(ctx: typer.Context, verdict: Verdict) -> dict[str, list[str]] | None:
    """The catalogue's exercises the verdict leaves out, by reason (None: unreadable)."""
    if not verdict.exclusions:
        return None
    from backcoach.errors import BackcoachError
    from backcoach.render.safety import left_out_names

    try:
        library = library_for(ctx)
        exercises = library.get_many([summary.id for summary in library.summaries()])
    except BackcoachError:
        return None  # the rules are named in words instead
    return left_out_names(verdict.exclusions, exercises)


def _show_verdict(verdict: Verdict, names: dict[str, list[str]] | None = None) -> None:
    from backcoach.render.safety import verdict_line

    out_console().print(verdict_line(verdict, names=names))
