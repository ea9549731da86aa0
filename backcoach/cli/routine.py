"""`backcoach routine`: the routine for a focus; `drop` and `keep` an exercise."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from backcoach.cli.options import ExerciseArgument, FocusOption, JsonOption, library_for
from backcoach.vocabulary import Kind, Region, focus_words

if TYPE_CHECKING:
    from backcoach.models import Dose

routine_app = typer.Typer(
    help="Your routine for a focus: its exercises, since when, and how each dose changed.",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,  # the top-level app offers completion
    rich_markup_mode=None,
)


@routine_app.callback()
def routine_show(
    ctx: typer.Context, focus: FocusOption = None, as_json: JsonOption = False
) -> None:
    """Your routine for a focus (default: your only routine, or your usual focus): its
    exercises, since when, and each dose change with its reason."""
    if ctx.invoked_subcommand is not None:
        return
    from backcoach.history.routines import routine_facts, routines
    from backcoach.history.store import existing_history
    from backcoach.render.console import out_console

    found = existing_history()
    facts = None
    key = _asked_key(focus)
    kept: list[str] = []
    coming: dict[str, tuple[Dose, str]] = {}
    if found is not None:
        with found:
            kept = routines(found)
            if focus is None and key not in kept and len(kept) > 1:
                _pick_one(kept, as_json)
                return
            if focus is None and key not in kept and len(kept) == 1:
                key = kept[0]  # the one routine there is, whatever the usual focus
            facts = routine_facts(found, key)
            if facts is not None:  # the doses the next session runs
                from backcoach.history.store import now
                from backcoach.plan.prepare import coming_doses

                ids = sorted({exercise_id for exercise_id, _ in facts.routine.entries})
                coming = coming_doses(library_for(ctx), found, ids, now())
    words = _key_words(key)
    if facts is None:
        if as_json:
            from backcoach.render.shapes import write_json

            write_json(None)
            return
        out_console().print(
            f"No routine yet for {words}: the first `backcoach start` for this focus makes one.",
            markup=False,
            highlight=False,
        )
        return
    library = library_for(ctx)
    ids = sorted({exercise_id for exercise_id, _ in facts.routine.entries})
    exercises = {exercise.id: exercise for exercise in library.get_many(ids)}
    if as_json:
        from backcoach.render.shapes import routine_json, write_json

        write_json(routine_json(facts, words, exercises, coming))
        return
    from backcoach.render.routine import routine_view

    out_console().print(routine_view(facts, words, exercises, coming))
    others = [other for other in kept if other != key] if focus is None else []
    if others:
        out_console().print(
            "Your other routines: "
            + "; ".join(f"{_key_words(o)} (backcoach routine {_key_option(o)})" for o in others),
            markup=False,
            highlight=False,
        )


def _asked_key(focus: list[str] | None) -> str:
    """The routine's key for --focus, or for the person's usual focus (config)."""
    from backcoach.plan import prepare as coaching
    from backcoach.vocabulary import focus_key, parse_focus

    return focus_key(*parse_focus(focus if focus is not None else coaching.settings()["focus"]))


def _key_parts(key: str) -> tuple[frozenset[Region], frozenset[Kind]]:
    regions, _, kinds = key.partition("/")
    return (
        frozenset(Region(word) for word in regions.split(",") if word),
        frozenset(Kind(word) for word in kinds.split(",") if word),
    )


def _key_words(key: str) -> str:
    """A routine's key ("lower/strengthen,stretch") as a person reads it ("lower back")."""
    return focus_words(*_key_parts(key))


def _key_option(key: str) -> str:
    """The --focus that picks this routine: "--focus lower", "--focus lower,stretch"."""
    regions, kinds = _key_parts(key)
    words = sorted(region.value for region in regions if regions != frozenset(Region))
    words += sorted(kind.value for kind in kinds if kinds != frozenset(Kind))
    return f"--focus {','.join(words)}" if words else "--focus all"


def _pick_one(keys: list[str], as_json: bool) -> None:
    """Several routines and none for the usual focus: each listed, with how to see one."""
    from backcoach.errors import UsageError
    from backcoach.render.console import out_console

    if as_json:
        raise UsageError(
            f"you have {len(keys)} routines: pick one with --focus",
            hint="; ".join(f"backcoach routine {_key_option(key)} --json" for key in keys),
        )
    lines = [f"You have {len(keys)} routines; see one with --focus:"]
    lines += [f"  {_key_words(key):<24} backcoach routine {_key_option(key)}" for key in keys]
    out_console().print("\n".join(lines), markup=False, highlight=False)


@routine_app.command("drop", short_help="Never plan this exercise again; a like one instead.")
def routine_drop(ctx: typer.Context, exercise: ExerciseArgument) -> None:
    """Never plan this exercise for you again; your routine takes a like one instead."""
    from backcoach.history.routines import drop
    from backcoach.history.store import open_history
    from backcoach.render.console import out_console

    found = library_for(ctx).find(exercise)
    with open_history() as history:
        newly = drop(history, found.id)
    out_console().print(
        (
            f"Dropped {found.name}: it will not be planned for you again; your routine "
            f"takes a like exercise in its place next time. "
            f"(backcoach routine keep {found.id} brings it back.)"
        )
        if newly
        else f"{found.name} was dropped already.",
        markup=False,
        highlight=False,
    )


@routine_app.command("keep")
def routine_keep(ctx: typer.Context, exercise: ExerciseArgument) -> None:
    """Let a dropped exercise be planned again."""
    from backcoach.history.routines import keep
    from backcoach.history.store import existing_history
    from backcoach.render.console import out_console

    found = library_for(ctx).find(exercise)
    history = existing_history()
    was_dropped = False
    if history is not None:
        with history:
            was_dropped = keep(history, found.id)
    out_console().print(
        (
            f"{found.name} can be planned again: it comes back in a new routine "
            "(backcoach plan --new) or when your routine needs one like it."
        )
        if was_dropped
        else f"{found.name} was not dropped: nothing to bring back.",
        markup=False,
        highlight=False,
    )
