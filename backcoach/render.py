"""Everything the person sees, through Rich. No timing logic lives here.

Rich's Table is imported only by the views that use it: `list` and `plan` lay
their rows out with Grid, which is much cheaper (see Grid).

The live view and plain mode subscribe to engine events and draw what they
are told; colours carry meaning, but every state is also said in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment as RichSegment
from rich.text import Text

from backcoach.vocabulary import focus_words

if TYPE_CHECKING:
    from datetime import datetime

    from rich.live import Live
    from rich.style import Style
    from rich.table import Table

    from backcoach import engine as ev
    from backcoach.library import Summary
    from backcoach.models import Exercise, HoldDose, Plan, RepsDose, SessionRecord
    from backcoach.planner import Segment
    from backcoach.stats import PainPoint, Stats


def dose_detail(exercise_dose: HoldDose | RepsDose) -> str:
    """The dose with its timing, for `show` and `plan`."""
    if exercise_dose.type == "reps":
        text = f"{exercise_dose.describe()}, tempo {exercise_dose.tempo_words()} s"
    else:
        text = exercise_dose.describe()
        if exercise_dose.reps > 1 or exercise_dose.pyramid:
            text += f", {exercise_dose.relax} s relax between holds"
    sets = len(exercise_dose.reps_per_set)
    if sets > 1 and exercise_dose.rest:
        text += f", {exercise_dose.rest} s rest between sets"
    return text


def clock_text(seconds: float) -> str:
    whole = max(0, int(round(seconds)))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def minutes_text(seconds: float) -> str:
    whole = max(0, int(round(seconds)))
    minutes, secs = divmod(whole, 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"


# --- list and show ------------------------------------------------------------


# --- aligned text -------------------------------------------------------------

# A cell is one or more lines of text, each with a Rich style ("" for none).
Cell = tuple[tuple[str, str], ...]
_GAP = "  "


class Layout:
    """One way to lay rows out: headers, rows, which columns may wrap and how narrow."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        flexible: dict[int, int] | None = None,
        right: frozenset[int] = frozenset(),
        spaced: bool = False,
        header: bool = True,
    ) -> None:
        self.headers, self.rows, self.right, self.spaced = headers, rows, right, spaced
        self.header = header  # False: no header line and no rule under it
        self.flexible = flexible or {}  # column index -> narrowest it may wrap to
        self.natural = [
            max([cell_len(header)] + [cell_len(text) for row in rows for text, _ in row[index]])
            for index, header in enumerate(headers)
        ]

    def narrowest(self) -> int:
        widths = (
            min(width, self.flexible.get(index, width)) for index, width in enumerate(self.natural)
        )
        return sum(widths) + len(_GAP) * (len(self.headers) - 1)

    def widths(self, available: int) -> list[int]:
        """Natural widths, the flexible columns (widest first) narrowed until the row fits."""
        widths = list(self.natural)
        excess = sum(widths) + len(_GAP) * (len(widths) - 1) - available
        for index in sorted(self.flexible, key=lambda i: -widths[i]):
            if excess <= 0:
                break
            cut = min(excess, widths[index] - min(widths[index], self.flexible[index]))
            widths[index] -= cut
            excess -= cut
        return widths


class Grid:
    """Rows of text in aligned columns, laid out by hand; the first layout that fits is used.

    Rich's Table measures and renders every cell as a renderable of its own: for
    the 41 rows of `list` that was 30-50 ms, the largest cost of the command.
    Here cells are lines of text, widths are measured once, and only a line too
    wide for its column is wrapped (by Rich's Text, so wide characters count
    right). The last layout is used when none fits.
    """

    def __init__(self, *layouts: Layout) -> None:
        self.layouts = layouts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RichSegment]:
        available = options.max_width
        layout = next(
            (each for each in self.layouts if each.narrowest() <= available), self.layouts[-1]
        )
        widths = layout.widths(available)
        style = console.get_style
        if layout.header:
            header: Cell = tuple((text, "bold") for text in layout.headers)
            yield from self._line(header, widths, layout.right, style)
            rule = sum(widths) + len(_GAP) * (len(widths) - 1)
            yield RichSegment("─" * rule)
            yield RichSegment.line()
        for number, row in enumerate(layout.rows):
            if number and layout.spaced:
                yield RichSegment.line()
            cells = [_wrap(cell, width, console) for cell, width in zip(row, widths, strict=True)]
            for depth in range(max(len(cell) for cell in cells)):
                line = tuple(cell[depth] if depth < len(cell) else ("", "") for cell in cells)
                yield from self._line(line, widths, layout.right, style)

    @staticmethod
    def _line(
        line: Cell, widths: list[int], right: frozenset[int], style: Callable[[str], Style]
    ) -> Iterator[RichSegment]:
        # Stop at the last cell with text: no trailing blanks to copy and paste.
        last = max((index for index, (text, _) in enumerate(line) if text), default=0)
        for index in range(last + 1):
            text, text_style = line[index]
            pad = " " * (widths[index] - cell_len(text))
            if index in right:
                yield RichSegment(pad)
            yield RichSegment(text, style(text_style)) if text_style else RichSegment(text)
            if index != last:
                yield RichSegment(_GAP if index in right else pad + _GAP)
        yield RichSegment.line()


def _wrap(cell: Cell, width: int, console: Console) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for text, style in cell:
        if cell_len(text) <= width:
            lines.append((text, style))
        else:
            pieces = Text(text).wrap(console, width, overflow="fold")
            lines += [(piece.plain.rstrip(), style) for piece in pieces]
    return lines


def exercise_table(exercises: Sequence[Summary]) -> Grid:
    """The catalogue: one line per exercise if it fits, else two, else a block each."""
    wide: list[list[Cell]] = []
    stacked: list[list[Cell]] = []
    blocks: list[list[Cell]] = []
    for exercise in exercises:
        equipment = ", ".join(exercise.equipment) or "none"
        regions = "both" if len(exercise.regions) > 1 else exercise.regions[0]
        where = f"{exercise.kind} · {exercise.level} · {' and '.join(exercise.regions)} back"
        wide.append(
            [
                ((exercise.id, "cyan"),),
                ((exercise.name, ""),),
                (("+".join(exercise.regions), ""),),
                ((exercise.kind, ""),),
                ((exercise.level, ""),),
                ((exercise.dose_text, ""),),
                ((equipment, ""),),
            ]
        )
        stacked.append(
            [
                ((exercise.id, "cyan"), (exercise.name, "dim")),
                ((exercise.kind, ""), (exercise.level, "dim")),
                ((regions, ""),),
                ((exercise.dose_text, ""), (equipment, "dim")),
            ]
        )
        blocks.append(
            [
                (
                    (exercise.id, "cyan"),
                    (exercise.name, ""),
                    (where, "dim"),
                    (f"{exercise.dose_text} · {equipment}", "dim"),
                )
            ]
        )
    return Grid(
        Layout(["id", "name", "regions", "kind", "level", "dose", "equipment"], wide),
        Layout(
            ["id / name", "kind / level", "regions", "dose / equipment"],
            stacked,
            # Names may wrap; ids never do: they are what people type.
            flexible={0: max((cell_len(e.id) for e in exercises), default=0), 3: 14},
        ),
        Layout(["exercise"], blocks, flexible={0: 1}, spaced=True),
    )


def _bullets(items: Iterable[str], marker: str = "•") -> Text:
    text = Text()
    for index, item in enumerate(items):
        if index:
            text.append("\n")
        text.append(f"{marker} ", style="dim")
        text.append(item)
    return text


def _numbered(items: Sequence[str]) -> Text:
    text = Text()
    for index, item in enumerate(items, start=1):
        if index > 1:
            text.append("\n")
        text.append(f"{index}. ", style="bold")
        text.append(item)
    return text


def exercise_panel(exercise: Exercise, names: dict[str, str]) -> RenderableType:
    """One exercise in full. Cautions come right after the dose, never buried."""
    from rich.panel import Panel

    rows = [("id", exercise.id)]
    if exercise.aliases:
        rows.append(("also called", ", ".join(exercise.aliases)))
    rows += [
        ("for", f"{' and '.join(r.value for r in exercise.regions)} back · {exercise.kind.value}"),
        ("level", exercise.level.value),
        ("position", exercise.position.words),
        ("equipment", ", ".join(e.value for e in exercise.equipment) or "none"),
        ("dose", dose_detail(exercise.dose)),
    ]
    facts = Grid(
        Layout(
            ["", ""],
            [[((label, "bold"),), ((value, ""),)] for label, value in rows],
            flexible={1: 10},
            header=False,
        )
    )

    def variant(ids: Sequence[str]) -> str:
        return ", ".join(f"{names.get(i, i)} ({i})" for i in ids)

    parts: list[RenderableType] = [
        Text(exercise.purpose, style="italic"),
        Text(""),
        facts,
        Text(""),
        Panel(
            _bullets(exercise.cautions, "!"),
            title="Cautions: when not to do it, when to stop",
            title_align="left",
            border_style="yellow",
        ),
        Text("How to do it", style="bold underline"),
        _numbered(exercise.steps),
        Text(""),
        Text("Cues", style="bold underline"),
        _bullets(exercise.cues),
    ]
    if exercise.mistakes:
        parts += [
            Text(""),
            Text("Common mistakes", style="bold underline"),
            _bullets(exercise.mistakes),
        ]
    if exercise.easier or exercise.harder:
        parts.append(Text(""))
        if exercise.easier:
            parts.append(Text.assemble(("Easier: ", "bold"), variant(exercise.easier)))
        if exercise.harder:
            parts.append(Text.assemble(("Harder: ", "bold"), variant(exercise.harder)))
    if exercise.extension:
        parts += [
            Text(""),
            Text(
                "After this one backcoach asks whether leg symptoms moved further down the leg.",
                style="dim",
            ),
        ]
    parts += [
        Text(""),
        Text("Sources", style="bold underline"),
        _bullets(
            f"{source.title}" + (f" — {source.url}" if source.url else "")
            for source in exercise.sources
        ),
    ]
    return Panel(Group(*parts), title=Text(exercise.name, style="bold"), title_align="left")


# --- plan ---------------------------------------------------------------------


def plan_view(plan: Plan) -> RenderableType:
    focus = focus_words(plan.regions, plan.kinds)
    header = Text.assemble(
        ("Plan: ", "bold"),
        f"{focus} · {plan.minutes} min · {plan.level.value}",
        (" · seed ", "dim"),
        (str(plan.seed), "dim"),
    )
    wide: list[list[Cell]] = []
    stacked: list[list[Cell]] = []
    blocks: list[list[Cell]] = []
    for number, step in enumerate(plan.steps, start=1):
        dose, time = step.dose.describe(), minutes_text(step.seconds)
        wide.append(
            [
                ((str(number), ""),),
                ((step.phase, ""),),
                ((step.name, ""),),
                ((dose, ""),),
                ((time, ""),),
                ((step.reason, "dim"),),
            ]
        )
        stacked.append(
            [
                ((str(number), ""),),
                ((step.phase, ""),),
                ((step.name, ""), (step.reason, "dim")),
                ((dose, ""),),
                ((time, ""),),
            ]
        )
        blocks.append(
            [((f"{number}. {step.name}", "bold"), (f"{step.phase} · {dose} · {time}", ""),
              (step.reason, "dim"))]
        )  # fmt: skip
    table = Grid(
        Layout(["#", "phase", "exercise", "dose", "time", "why"], wide, right=frozenset({0, 4})),
        Layout(
            ["#", "phase", "exercise / why", "dose", "time"],
            stacked,
            flexible={2: 20, 3: 13},
            right=frozenset({0, 4}),
        ),
        Layout(["exercise"], blocks, flexible={0: 1}, spaced=True),
    )
    total = Text.assemble(
        ("Total: ", "bold"),
        f"{minutes_text(plan.total_seconds)} of {plan.minutes} min",
        (" (includes getting ready, switching sides and rests)", "dim"),
    )
    parts: list[RenderableType] = [header, table, total]
    for note in plan.notes:
        parts.append(Text(f"Note: {note}", style="yellow"))
    parts.append(Text(f"Same plan again: --seed {plan.seed}", style="dim"))
    return Group(*parts)


# --- live session -------------------------------------------------------------

# A 3x5 block font, so the seconds can be read from across the room.
_DIGITS = {
    "0": ("███", "█ █", "█ █", "█ █", "███"),
    "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"),
    "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"),
    "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"),
    "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"),
    "9": ("███", "█ █", "███", "  █", "███"),
    ":": ("   ", " █ ", "   ", " █ ", "   "),
}


def big_number(text: str, style: str) -> Text:
    rows = ["  ".join(_DIGITS[char][row] for char in text) for row in range(5)]
    return Text("\n".join(rows), style=style, justify="center")


_STYLE = {"ready": "yellow", "work": "green", "relax": "cyan", "switch": "magenta", "rest": "blue"}
_WORDS = {"ready": "GET READY", "relax": "RELAX", "switch": "SWITCH SIDES", "rest": "REST"}


def progress_bar(fraction: float, width: int, style: str) -> Text:
    """A whole-session bar that also reads without colour (filled vs. thin line)."""
    filled = round(min(max(fraction, 0.0), 1.0) * width)
    return Text.assemble(("━" * filled, style), ("─" * (width - filled), "dim"), justify="center")


def phase_words(segment: Segment) -> str:
    if segment.kind == "work":
        return segment.label.upper()
    return _WORDS[segment.kind]


def rep_words(segment: Segment) -> str:
    parts = []
    if segment.reps > 1:
        parts.append(f"{'hold' if segment.phases == 0 else 'rep'} {segment.rep} of {segment.reps}")
    if segment.side:
        parts.append(f"{segment.side} side")
    if segment.sets > 1:
        parts.append(f"set {segment.set_number} of {segment.sets}")
    return " · ".join(parts)


class SessionView:
    """Holds what the screen shows and builds it; the live and plain renderers share it."""

    def __init__(self, plan: Plan, time_scale: float = 1.0) -> None:
        from backcoach.planner import segments

        self.plan = plan
        self.timeline = segments(plan)
        self.starts = [0, *accumulate(segment.seconds for segment in self.timeline)]
        self.time_scale = time_scale
        self.segment: Segment | None = None
        self.index = 0
        self.remaining = 0.0
        self.paused = False
        self.help = False
        self.message = ""

    @property
    def elapsed(self) -> float:
        if self.segment is None:
            return 0.0
        return self.starts[self.index] + self.segment.seconds - self.remaining

    def step_name(self, segment: Segment) -> str:
        return self.plan.steps[segment.step].name

    def next_words(self, segment: Segment) -> str:
        if segment.kind == "ready":
            return f"then: {rep_words(self._first_work(segment.step)) or 'go'}"
        if segment.kind == "rest":
            return f"next: {segment.next_label}"
        for later in self.timeline[self.index + 1 :]:
            if later.step != segment.step:
                return f"next: {self.step_name(later)}"
        return "next: the end"

    def _first_work(self, step: int) -> Segment:
        for segment in self.timeline:
            if segment.step == step and segment.kind == "work":
                return segment
        raise ValueError(step)

    def tempo_line(self, segment: Segment) -> Text:
        dose = self.plan.steps[segment.step].dose
        if dose.type != "reps" or segment.kind != "work":
            return Text("")
        line = Text()
        for index, (name, seconds) in enumerate(dose.tempo.items()):
            if index:
                line.append(" · ", style="dim")
            style = "bold reverse" if index == segment.phase else "dim"
            line.append(f"{name} {seconds}", style=style)
        return line

    def render(self, width: int) -> RenderableType:
        segment = self.segment
        if segment is None:
            return Text("Starting…")
        style = _STYLE[segment.kind]
        name = self.step_name(segment)
        seconds = str(max(0, int(-(-self.remaining // 1))))
        header = Text(name, style="bold", justify="center")
        state = "PAUSED" if self.paused else phase_words(segment)
        state_text = Text(
            f" {state} ",
            style="bold white on red" if self.paused else f"bold {style}",
            justify="center",
        )
        if width >= 40:
            number = big_number(seconds, "bold red" if self.paused else style)
        else:
            number = Text(f"{seconds} s", style=f"bold {style}", justify="center")
        lines: list[RenderableType] = [header, state_text, number]
        detail = rep_words(segment)
        if detail:
            lines.append(Text(detail, justify="center"))
        tempo = self.tempo_line(segment)
        if tempo.plain:
            tempo.justify = "center"
            lines.append(tempo)
        cue = self.plan.steps[segment.step].cue
        if segment.kind in ("ready", "work") and cue:
            lines.append(Text(cue, style="italic", justify="center"))
        lines.append(Text(self.next_words(segment), style="dim", justify="center"))
        if self.paused:
            lines.append(Text("PAUSED — press space to go on", style="bold red", justify="center"))
        from rich.panel import Panel

        panel = Panel(Group(*lines), border_style="red" if self.paused else style, padding=(0, 1))
        total = self.starts[-1]
        bar = progress_bar(self.elapsed / max(total, 1), max(10, width - 2), style)
        progress = Text(
            f"{clock_text(self.elapsed)} done · {clock_text(total - self.elapsed)} left "
            f"· exercise {segment.step + 1} of {len(self.plan.steps)}",
            style="dim",
            justify="center",
        )
        footer = Text(
            "space pause · n next · q quit · ? help" if width >= 40 else "spc pause n next q quit",
            style="dim",
            justify="center",
        )
        parts: list[RenderableType] = [panel, bar, progress, footer]
        if self.time_scale != 1:
            parts.insert(
                0,
                Text(scale_words(self.time_scale), style="bold yellow"),
            )
        if self.help:
            parts.append(help_text())
        if self.message:
            parts.append(Text(self.message, style="yellow"))
        return Group(*parts)

    def apply(self, event: ev.Event) -> None:
        """Update what is shown from an engine event."""
        from backcoach import engine as ev

        if isinstance(event, ev.SegmentStarted):
            self.segment, self.index = event.segment, event.index
            self.remaining = float(event.segment.seconds)
            self.paused = False
        elif isinstance(event, ev.Tick | ev.Redraw):
            self.remaining = event.remaining
        elif isinstance(event, ev.Paused):
            self.paused, self.remaining = True, event.remaining
        elif isinstance(event, ev.Resumed):
            self.paused = False
        elif isinstance(event, ev.HelpRequested):
            self.help = not self.help
        elif isinstance(event, ev.SessionEnded) and event.reason == "done":
            self.remaining = 0.0


def scale_words(scale: float) -> str:
    """Said on screen whenever the clock is scaled, so a demo is never mistaken for real time."""
    return f"time runs ×{1 / scale:g} (BACKCOACH_TIME_SCALE={scale:g})"


def help_text() -> Text:
    return Text(
        "Keys: space or p pause and go on · n skip to the next exercise (or end a rest early) · "
        "q quit (what you did is kept) · ? this help · Ctrl-C stop now",
        style="cyan",
    )


class LiveRenderer:
    """Redraws the session in place with Rich Live; refreshes only on events."""

    def __init__(self, console: Console, view: SessionView) -> None:
        self.console = console
        self.view = view
        self.live: Live | None = None

    def __enter__(self) -> LiveRenderer:
        self._start()
        return self

    def _start(self) -> None:
        # A new Live each time: a restarted one would move the cursor up over
        # whatever was printed while it was stopped (a question and its answer).
        from rich.live import Live

        self.live = Live(
            console=self.console,
            auto_refresh=False,
            transient=False,
            redirect_stdout=False,
            redirect_stderr=False,
            vertical_overflow="crop",
        )
        self.live.start()
        self.live.update(self.view.render(self.console.size.width), refresh=True)

    def __exit__(self, *_: Any) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

    @contextmanager
    def suspended(self) -> Iterator[None]:
        """Step aside so a question can be asked; the view comes back afterwards."""
        if self.live is None:
            yield
            return
        self.live.stop()
        try:
            yield
        finally:
            self._start()

    def __call__(self, event: ev.Event) -> None:
        self.view.apply(event)
        if self.live is not None:
            self.live.update(self.view.render(self.console.size.width), refresh=True)


class PlainRenderer:
    """One line per event, no escape codes: for logs, screen readers and dumb terminals."""

    def __init__(self, console: Console, view: SessionView) -> None:
        self.console = console
        self.view = view

    def __enter__(self) -> PlainRenderer:
        if self.view.time_scale != 1:
            self.say(scale_words(self.view.time_scale))
        return self

    def __exit__(self, *_: Any) -> None:
        return None

    def suspended(self) -> AbstractContextManager[None]:
        return nullcontext()

    def say(self, line: str) -> None:
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def __call__(self, event: ev.Event) -> None:
        from backcoach import engine as ev

        view = self.view
        view.apply(event)
        stamp = f"[{clock_text(view.elapsed)}]"
        if isinstance(event, ev.SegmentStarted):
            line = self._started(event.segment)
            if line:
                self.say(f"{stamp} {line}")
        elif isinstance(event, ev.Paused):
            self.say(f"{stamp} paused: press space to go on")
        elif isinstance(event, ev.Resumed):
            self.say(f"{stamp} going on")
        elif isinstance(event, ev.Skipped):
            what = (
                view.step_name(event.segment)
                if event.whole_step
                else phase_words(event.segment).lower()
            )
            self.say(f"{stamp} skipped: {what}")
        elif isinstance(event, ev.HelpRequested):
            self.say(help_text().plain)

    def _started(self, segment: Segment) -> str | None:
        view = self.view
        name = view.step_name(segment)
        if segment.kind == "ready":
            cue = view.plan.steps[segment.step].cue
            return f"get ready: {name}, {segment.seconds} s. {cue}".rstrip()
        if segment.kind == "switch":
            return f"switch sides, {segment.seconds} s"
        if segment.kind == "rest":
            return f"rest {segment.seconds} s, next: {segment.next_label}"
        if segment.kind == "relax":
            return None
        if segment.phases:
            if not segment.first_of_rep:
                return None
            return f"{name}: {rep_words(segment)}: {view.tempo_line(segment).plain}"
        detail = rep_words(segment)
        return f"{name}: hold {segment.seconds} s" + (f", {detail}" if detail else "")


# --- history and stats --------------------------------------------------------

_OUTCOME_WORDS = {
    "done": "complete",
    "quit": "ended early",
    "stopped": "stopped",
    "interrupted": "interrupted",
    "in progress": "in progress",
    "red flag": "red flag: no session",
}


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _pain_change(record: SessionRecord) -> str:
    before = "–" if record.pain_before is None else str(record.pain_before)
    after = "–" if record.pain_after is None else str(record.pain_after)
    return f"{before} → {after}"


def history_table(sessions: Sequence[SessionRecord]) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("started")
    table.add_column("focus")
    table.add_column("time", justify="right")
    table.add_column("done", justify="right")
    table.add_column("pain", justify="center")
    table.add_column("result")
    for record in sessions:
        done = sum(exercise.completed for exercise in record.exercises)
        table.add_row(
            str(record.id),
            _local(record.started_at),
            record.focus + (" (flare-up)" if record.flare_up else ""),
            minutes_text(record.active_seconds or 0),
            f"{done}/{len(record.exercises)}",
            _pain_change(record),
            _OUTCOME_WORDS.get(record.outcome, record.outcome)
            + (" · leg symptoms spread" if record.symptoms_spread else ""),
        )
    return table


CSV_COLUMNS = (
    "id", "started_at", "ended_at", "focus", "outcome", "completed", "planned_seconds",
    "active_seconds", "pain_before", "pain_after", "effort", "exercises_done",
    "exercises_planned", "flare_up", "symptoms_spread", "red_flags",
)  # fmt: skip


def history_csv(sessions: Sequence[SessionRecord]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in sessions:
        writer.writerow(
            (
                record.id,
                record.started_at.isoformat(),
                record.ended_at.isoformat() if record.ended_at else "",
                record.focus,
                record.outcome,
                int(record.completed),
                record.planned_seconds,
                "" if record.active_seconds is None else record.active_seconds,
                "" if record.pain_before is None else record.pain_before,
                "" if record.pain_after is None else record.pain_after,
                record.effort or "",
                sum(e.completed for e in record.exercises),
                len(record.exercises),
                int(record.flare_up),
                int(record.symptoms_spread),
                " ".join(record.red_flags),
            )
        )
    return buffer.getvalue()


def pain_chart(points: Sequence[PainPoint], width: int) -> Text:
    """Pain before (░) and after (█) each session, 0-10, as columns: readable without colour."""
    fit = max(1, (width - 6) // 3)
    shown = list(points)[-fit:]
    lines = Text()
    for level in range(10, 0, -1):
        lines.append(f"{level:>3} │", style="dim")
        for point in shown:
            lines.append("░" if point.before >= level else " ", style="red")
            lines.append("█" if point.after >= level else " ", style="blue")
            lines.append(" ")
        lines.append("\n")
    lines.append("  0 └" + "─" * (3 * len(shown)) + "\n", style="dim")
    first, last = shown[0].day.strftime("%d %b"), shown[-1].day.strftime("%d %b")
    gap = max(1, 3 * len(shown) - len(first) - len(last))
    lines.append("     " + first + " " * gap + last + "\n", style="dim")
    lines.append("     ░ before  █ after", style="dim")
    return lines


def stats_view(stats: Stats, width: int) -> RenderableType:
    from rich import box
    from rich.table import Table

    parts: list[RenderableType] = []
    if not stats.sessions:
        return Text("No sessions yet. Start one with: backcoach start")
    parts.append(
        Text.assemble(
            ("Streak: ", "bold"),
            f"{stats.current_streak} day(s) now, longest {stats.longest_streak}",
            ("  ·  ", "dim"),
            ("Sessions: ", "bold"),
            f"{stats.sessions} ({stats.completed} complete)",
        )
    )
    weeks = Table(title="Last 8 weeks", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    weeks.add_column("week of")
    weeks.add_column("sessions", justify="right")
    weeks.add_column("minutes", justify="right")
    weeks.add_column("")
    most = max((w.minutes for w in stats.weeks), default=0) or 1
    for week in stats.weeks:
        bar = "█" * round(20 * week.minutes / most)
        weeks.add_row(week.start.strftime("%d %b"), str(week.sessions), f"{week.minutes:.0f}", bar)
    parts.append(weeks)

    def average(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    parts.append(
        Text.assemble(
            ("Average pain: ", "bold"),
            f"{average(stats.pain_before_average)} before, "
            f"{average(stats.pain_after_average)} after",
            " (0-10)",
        )
    )
    if len(stats.pain) >= 2:
        parts += [Text(""), pain_chart(stats.pain, width)]
    else:
        parts.append(
            Text("A pain chart appears once two sessions have pain before and after.", style="dim")
        )
    if stats.most_skipped:
        parts.append(Text(""))
        parts.append(Text("Most often skipped or stopped:", style="bold"))
        parts.append(_bullets(f"{name} ({count}×)" for _, name, count in stats.most_skipped))
    return Group(*parts)
