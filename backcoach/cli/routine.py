"""`backcoach routine`: the routine for a focus; `drop` and `keep` an exercise."""

from __future__ import annotations

import typer

from backcoach.cli.options import ExerciseArgument, FocusOption, JsonOption, library_for

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
    """Your routine for a focus (default: your usual focus): its exercises, since when, and
    each dose change with its reason."""
    if ctx.invoked_subcommand is not None:
        return
    from backcoach.history.routines import routine_facts
    from backcoach.history.store import existing_history
    from backcoach.plan import prepare as coaching
    from backcoach.render.console import out_console
    from backcoach.vocabulary import focus_key, focus_words, parse_focus

    regions, kinds = parse_focus(focus if focus is not None else coaching.settings()["focus"])
    key, words = focus_key(regions, kinds), focus_words(regions, kinds)
    found = existing_history()
    facts = None
    if found is not None:
        with found:
            facts = routine_facts(found, key)
    if facts is None:
        if as_json:
            from backcoach.render.shapes import write_json

            write_json(None)
            return
        out_console().print(
            f"No routine yet for {words}: the first `backcoach plan` or `backcoach start` "
            "for this focus makes one.",
            markup=False,
            highlight=False,
        )
        return
    library = library_for(ctx)
    ids = sorted({exercise_id for exercise_id, _ in facts.routine.entries})
    exercises = {exercise.id: exercise for exercise in library.get_many(ids)}
    if as_json:
        from backcoach.render.shapes import routine_json, write_json

        write_json(routine_json(facts, words, exercises))
        return
    from backcoach.render.routine import routine_view

    out_console().print(routine_view(facts, words, exercises))


@routine_app.command("drop")
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
