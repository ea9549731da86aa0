"""The catalogue and plans: `list`, `show` and `plan`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text

from backcoach.render.grid import Cell, Grid, Layout
from backcoach.render.words import bullets, clean, dose_detail, minutes_text, numbered, one_line
from backcoach.vocabulary import focus_words

if TYPE_CHECKING:
    from pathlib import Path

    from backcoach.catalogue.importer import Outcome
    from backcoach.catalogue.library import Summary
    from backcoach.catalogue.loader import Todo
    from backcoach.catalogue.personal import Merged
    from backcoach.models import Exercise, Plan, Source


def marked(name: str, origin: str, reviewed: bool = True) -> str:
    """A name with where it comes from, unless it is bundled: "Cat stretch (imported, draft)"."""
    if origin == "bundled" and reviewed:
        return name
    return f"{name} ({origin}{'' if reviewed else ', draft'})"


def exercise_table(exercises: Sequence[Summary]) -> Grid:
    """The catalogue: one line per exercise if it fits, else two, else a block each."""
    wide: list[list[Cell]] = []
    stacked: list[list[Cell]] = []
    blocks: list[list[Cell]] = []
    for exercise in exercises:
        equipment = ", ".join(exercise.equipment) or "none"
        name = marked(exercise.name, exercise.origin, exercise.reviewed)
        regions = "both" if len(exercise.regions) > 1 else exercise.regions[0]
        where = f"{exercise.kind} · {exercise.level} · {' and '.join(exercise.regions)} back"
        wide.append(
            [
                ((exercise.id, "cyan"),),
                ((name, ""),),
                ((regions, ""),),
                ((exercise.kind, ""),),
                ((exercise.level, ""),),
                ((exercise.dose_text, ""),),
                ((equipment, ""),),
            ]
        )
        stacked.append(
            [
                ((exercise.id, "cyan"), (name, "dim")),
                ((exercise.kind, ""), (exercise.level, "dim")),
                ((regions, ""),),
                ((exercise.dose_text, ""), (equipment, "dim")),
            ]
        )
        blocks.append(
            [
                (
                    (exercise.id, "cyan"),
                    (name, ""),
                    (where, "dim"),
                    (f"{exercise.dose_text} · {equipment}", "dim"),
                )
            ]
        )
    return Grid(
        # From 120 columns a row per exercise: a long name, dose or equipment list may
        # wrap onto a second line (10 of the 41 bundled at exactly 120); from 150, none does.
        Layout(
            ["id", "name", "back", "kind", "level", "dose", "equipment"],
            wide,
            flexible={1: 21, 5: 24, 6: 9},
        ),
        Layout(
            ["id / name", "kind / level", "regions", "dose / equipment"],
            stacked,
            # Names may wrap; ids never do: they are what people type.
            flexible={0: max((cell_len(e.id) for e in exercises), default=0), 3: 14},
        ),
        Layout(["exercise"], blocks, flexible={0: 1}, spaced=True),
    )


def _figure(exercise: Exercise, wanted: bool) -> list[RenderableType]:
    if not wanted:
        return []
    from backcoach.render.figures import figure, words

    rows = figure(exercise.position, exercise.figure)
    drawing = Text("\n".join(rows), style="cyan", no_wrap=True)
    said = words(exercise.position, exercise.figure)
    return [Text(f"Starting position: {said}", style="italic"), drawing]


def _where(exercise: Exercise) -> str:
    return {
        "bundled": "backcoach's catalogue",
        "yours": "your catalogue",
        "imported": "your catalogue, imported",
    }[exercise.source_mark]


_MISSING = "TODO: to write from a reputable source"


def _written(exercise: Exercise, field: str, values: Sequence[str]) -> Sequence[str]:
    """A field's text, or the TODO a draft still has in its place."""
    return [_MISSING] if field in exercise.todos else values


def _facts(exercise: Exercise) -> Grid:
    """The short facts, a label and a value a line: id, where from, region, level, dose..."""
    todo = exercise.todos
    rows = [("id", exercise.id), ("from", _where(exercise))]
    if exercise.aliases:
        rows.append(("also called", ", ".join(exercise.aliases)))
    rows += [
        ("for", f"{' and '.join(r.value for r in exercise.regions)} back · {exercise.kind.value}"),
        ("level", exercise.level.value),
        ("position", exercise.position.words),
        ("equipment", _MISSING if "equipment" in todo else
         ", ".join(e.value for e in exercise.equipment) or "none"),
        ("dose", _MISSING if "dose" in todo else dose_detail(exercise.dose)),
    ]  # fmt: skip
    return Grid(
        Layout(
            ["", ""],
            [[((label, "bold"),), ((value, ""),)] for label, value in rows],
            flexible={1: 10},
            header=False,
        )
    )


def _draft_notice(exercise: Exercise) -> list[RenderableType]:
    if exercise.reviewed:
        return []
    still = ", ".join(exercise.todos) or "nothing"
    return [
        Text(
            f"DRAFT, not reviewed: never planned. Still TODO: {still}. "
            f"backcoach edit {exercise.id}",
            style="bold yellow",
        ),
        Text(""),
    ]


def _cautions(exercise: Exercise) -> RenderableType:
    from rich.panel import Panel

    return Panel(
        bullets(_written(exercise, "cautions", exercise.cautions), "!"),
        title="Cautions: when not to do it, when to stop",
        title_align="left",
        border_style="yellow",
    )


def _mistakes(exercise: Exercise) -> list[RenderableType]:
    if not exercise.mistakes:
        return []
    return [Text(""), Text("Common mistakes", style="bold underline"), bullets(exercise.mistakes)]


def _variants(exercise: Exercise, names: dict[str, str]) -> list[RenderableType]:
    """The easier and harder exercises, by name (`show` takes a name as well as an id)."""

    def named(ids: Sequence[str]) -> str:
        return one_line(", ".join(names.get(i, i) for i in ids))

    if not (exercise.easier or exercise.harder):
        return []
    parts: list[RenderableType] = [Text("")]
    if exercise.easier:
        parts.append(Text.assemble(("Easier: ", "bold"), named(exercise.easier)))
    if exercise.harder:
        parts.append(Text.assemble(("Harder: ", "bold"), named(exercise.harder)))
    return parts


def _leg_question(exercise: Exercise) -> list[RenderableType]:
    if not (exercise.extension or exercise.nerve_tension):
        return []
    return [
        Text(""),
        Text(
            "After this one backcoach asks whether leg symptoms moved further down the leg.",
            style="dim",
        ),
    ]


def _source(source: Source) -> Text:
    """One source in full: title — publisher, year; then where to find it (the page's
    address, the DOI as a link, or the ISBN)."""
    from rich.style import Style

    from backcoach.render.shapes import source_link

    text = Text(clean(source.title), overflow="fold")  # a long address wraps, never cut
    text.append(" — " + clean(source.publisher) + (f", {source.year}" if source.year else ""))
    if source.evidence == "low":
        text.append(" (low authority)", style="yellow")
    link = source_link(source)
    if link:
        text.append("\n")
        text.append(one_line(link), style=Style(color="cyan", link=one_line(link)))
    if source.isbn:
        text.append(f"\nISBN {one_line(source.isbn)}", style="cyan")
    return text


def _source_list(sources: Sequence[Source]) -> RenderableType:
    """The sources as bullets whose wrapped lines keep clear of the bullet."""
    from rich.table import Table

    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim")
    table.add_column()
    for source in sources:
        table.add_row("•", _source(source))
    return table


def _sources(exercise: Exercise) -> list[RenderableType]:
    """The sources, then the open data an imported exercise came from, with its licence."""
    parts: list[RenderableType] = [
        Text(""),
        Text("Sources", style="bold underline"),
        bullets([_MISSING]) if "sources" in exercise.todos else _source_list(exercise.sources),
    ]
    if exercise.origin is not None:
        origin = exercise.origin
        credit = f"Imported from {origin.dataset} (record {origin.record}), {origin.licence}"
        parts.append(Text(credit + (f" — {origin.url}" if origin.url else ""), style="dim"))
    return parts


def _low_evidence(exercise: Exercise) -> list[RenderableType]:
    if exercise.evidence != "low":
        return []
    return [
        Text(""),
        Text(
            "Evidence: low. No guideline, professional body, study or recognised "
            "clinician's book among these sources shows this exercise itself; ask a "
            "physiotherapist whether it suits you.",
            style="yellow",
        ),
    ]


def exercise_panel(
    exercise: Exercise, names: dict[str, str], *, figure: bool = False
) -> RenderableType:
    """One exercise in full. Cautions come right after the dose, never buried.

    With `figure`, the starting position drawn too (its words are always there)."""
    from rich.panel import Panel

    parts: list[RenderableType] = [
        *_draft_notice(exercise),
        Text(clean(_written(exercise, "purpose", [exercise.purpose])[0]), style="italic"),
        Text(""),
        _facts(exercise),
        Text(""),
        _cautions(exercise),
        Text("How to do it", style="bold underline"),
        *_figure(exercise, figure),
        numbered(_written(exercise, "steps", exercise.steps)),
        Text(""),
        Text("Cues", style="bold underline"),
        bullets(_written(exercise, "cues", exercise.cues)),
        *_mistakes(exercise),
        *_variants(exercise, names),
        *_leg_question(exercise),
        *_sources(exercise),
        *_low_evidence(exercise),
    ]
    return Panel(
        Group(*parts), title=Text(one_line(exercise.name), style="bold"), title_align="left"
    )


def plan_view(plan: Plan) -> RenderableType:
    """A plan: what it is for, a row per exercise, the total, its notes, how to have it again."""
    parts: list[RenderableType] = [_plan_header(plan), _step_table(plan), _plan_total(plan)]
    for note in plan.notes:
        parts.append(Text(f"Note: {one_line(note)}", style="yellow"))
    parts.append(_plan_again(plan))
    return Group(*parts)


def _plan_header(plan: Plan) -> Text:
    focus = focus_words(plan.regions, plan.kinds)
    return Text.assemble(
        ("Plan: ", "bold"),
        f"desk break · {plan.minutes} min" if plan.snack else
        f"{focus} · {plan.minutes} min · {plan.level.value}",
        (" · your routine", "dim") if plan.routine else (f" · seed {plan.seed}", "dim"),
    )  # fmt: skip


def _step_table(plan: Plan) -> Grid:
    """The steps: a row each if it fits, the reason under the name and dose if not (each
    kept to one line), else a block each. Dose changes said in words (issue 24)."""
    from backcoach.render.words import reason_words

    wide: list[list[Cell]] = []
    short: list[list[Cell]] = []
    reasons: list[Cell] = []
    blocks: list[list[Cell]] = []
    for number, step in enumerate(plan.steps, start=1):
        dose, time, why = (
            step.dose.describe(),
            minutes_text(step.seconds),
            reason_words(step.reason),
        )
        name = marked(step.name, step.source)
        short.append(
            [((str(number), ""),), ((step.phase, ""),), ((name, ""),), ((dose, ""),), ((time, ""),)]
        )
        wide.append([*short[-1], ((why, "dim"),)])
        reasons.append(((why, "dim"),))
        blocks.append(
            [((f"{number}. {name}", "bold"), (f"{step.phase} · {dose} · {time}", ""), (why, "dim"))]
        )  # fmt: skip
    numbers = len(str(len(plan.steps)))
    return Grid(
        Layout(
            ["#", "phase", "exercise", "dose", "time", "why"],
            wide,
            flexible={5: 30},
            right=frozenset({0, 4}),
        ),
        Layout(
            ["#", "phase", "exercise", "dose", "time"],
            short,
            right=frozenset({0, 4}),
            under=reasons,
            indent=numbers + 2,
        ),
        Layout(["exercise"], blocks, flexible={0: 1}, spaced=True),
    )


def _plan_total(plan: Plan) -> Text:
    return Text.assemble(
        ("Total: ", "bold"),
        f"{minutes_text(plan.total_seconds)} of {plan.minutes} min",
        (" (includes getting ready, switching sides and rests)", "dim"),
    )


def _plan_again(plan: Plan) -> Text:
    """How to have this plan again: the routine, or the seed that makes it."""
    if plan.routine:
        return Text(
            "Your routine: the same exercises each session, doses that progress. "
            "backcoach routine shows it; --new makes a new one.",
            style="dim",
        )
    if plan.snack:
        return Text(f"Same break again: backcoach snack --seed {plan.seed}", style="dim")
    return Text(
        f"Same plan again: backcoach start {seed_options(plan)} (the same exercises; "
        "their doses follow your progress; one a rule leaves out on the day is named, "
        "with one like it in its place where there is one)",
        style="dim",
    )


def seed_options(plan: Plan) -> str:
    """The options that draw this plan again: the seed alone is a promise only with them."""
    from backcoach.vocabulary import Kind, Level, Region

    focus = [r.value for r in plan.regions] if set(plan.regions) != set(Region) else []
    focus += [k.value for k in plan.kinds] if set(plan.kinds) != set(Kind) else []
    words = [f"--focus {','.join(focus)}"] if focus else []
    words.append(f"--minutes {plan.minutes}")
    if plan.level is not Level.BEGINNER:
        words.append(f"--level {plan.level.value}")
    if plan.equipment:
        words.append(f"--equipment {','.join(e.value for e in plan.equipment)}")
    words.append(f"--seed {plan.seed}")
    if plan.flare_up:
        words.append("--flare-up")
    return " ".join(words)


def import_summary(
    outcome: Outcome, merged: Merged, records: int, todos: int, path: Path, written: bool = True
) -> RenderableType:
    """What `import` did: drafts written, records refused and why, what to do next."""
    from backcoach.catalogue.importer import DATASET, LICENCE, REASONS

    drafts = len(outcome.drafts)
    raised = sum(draft.raised for draft in outcome.drafts)
    refused = sum(outcome.refused.values())
    lines = [
        Text.assemble(
            (f"Read {records} records from {DATASET} ({LICENCE}). ", "bold"),
            f"{drafts} drafts: {merged.added} new, {merged.updated} updated, "
            f"{merged.same} unchanged, {merged.kept} already reviewed and left as they are"
            + (
                f"; in {merged.own}, what you wrote was kept (only TODOs are refreshed)."
                if merged.own
                else "."
            ),
        ),
        Text(f"Left out {refused}:" if refused else "Left out: none."),
    ]
    for reason, count in outcome.refused.most_common():
        lines.append(Text(f"  {count:>4}  {REASONS[reason]}"))
    if raised:
        lines.append(
            Text(
                f"Level raised to intermediate for {raised} (loaded, repeated spinal flexion or "
                "a heavy hinge: never a beginner's)."
            )
        )
    where = f"Written to {path}" if written else f"Nothing new: {path} was left as it was"
    lines += [Text(f"{where}; {todos} TODOs to review (dose, cautions, cues, sources).")]
    lines.append(
        Text(
            "Drafts are never planned. Next: backcoach list --unreviewed, then "
            "backcoach edit ID to write the TODOs from a reputable source and set "
            "reviewed: true.",
            style="dim",
        )
    )
    return Group(*lines)


def todo_list(todos: Sequence[Todo]) -> RenderableType:
    """`validate`: each draft's TODOs with their lines, to review, and how many."""
    drafts = len({(todo.file, todo.exercise) for todo in todos})
    lines = [Text(f"to review: {len(todos)} TODOs in {drafts} drafts (never planned until "
                  "reviewed)", style="bold yellow")]  # fmt: skip
    lines += [
        Text(f"  {todo.file}:{todo.line or '?'}: {todo.exercise}: {todo.field}") for todo in todos
    ]
    return Group(*lines)
