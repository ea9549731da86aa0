"""The session as it runs: the live, redrawn view and plain mode.

Both subscribe to engine events and draw what they are told; colours carry
meaning, but every state is also said in words.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from backcoach.render.words import clock_text, one_line

if TYPE_CHECKING:
    from rich.live import Live

    from backcoach import engine as ev
    from backcoach.models import Plan
    from backcoach.timeline import Segment


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


def big_number(text: str, style: str) -> RenderableType:
    """The number in the block font, centred as one block.

    Centring each row on its own (Text's justify) drops a row's trailing spaces
    first, which shifted rows such as the top of a 1 or a 7 and bent the digit.
    """
    from rich.align import Align

    rows = ["  ".join(_DIGITS[char][row] for char in text) for row in range(5)]
    return Align.center(Text("\n".join(rows), style=style))


_STYLE = {"ready": "yellow", "work": "green", "relax": "cyan", "switch": "magenta", "rest": "blue"}
_WORDS = {"ready": "GET READY", "relax": "RELAX", "switch": "SWITCH SIDES", "rest": "REST"}


def progress_bar(fraction: float, width: int, style: str) -> Text:
    """A whole-session bar that also reads without colour (filled vs. thin line)."""
    filled = round(min(max(fraction, 0.0), 1.0) * width)
    return Text.assemble(("━" * filled, style), ("─" * (width - filled), "dim"), justify="center")


def state_words(segment: Segment) -> str:
    if segment.activity == "work":
        return segment.label.upper()
    return _WORDS[segment.activity]


def rep_words(segment: Segment) -> str:
    parts = []
    if segment.reps > 1:
        parts.append(f"{'hold' if segment.is_hold else 'rep'} {segment.rep} of {segment.reps}")
    if segment.side:
        parts.append(f"{segment.side} side")
    if segment.sets > 1:
        parts.append(f"set {segment.set_number} of {segment.sets}")
    return " · ".join(parts)


class SessionView:
    """Holds what the screen shows and builds it; the live and plain renderers share it."""

    def __init__(self, plan: Plan, timeline: Sequence[Segment], time_scale: float = 1.0) -> None:
        self.plan = plan
        self.timeline = timeline
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
        return one_line(self.plan.steps[segment.step_index].name)

    def next_words(self, segment: Segment) -> str:
        if segment.activity == "ready":
            return f"then: {rep_words(self._first_work(segment.step_index)) or 'go'}"
        if segment.activity == "rest":
            return f"next: {one_line(segment.next_label)}"
        for later in self.timeline[self.index + 1 :]:
            if later.step_index != segment.step_index:
                return f"next: {self.step_name(later)}"
        return "next: the end"

    def _first_work(self, step_index: int) -> Segment:
        for segment in self.timeline:
            if segment.step_index == step_index and segment.activity == "work":
                return segment
        raise ValueError(step_index)

    def tempo_line(self, segment: Segment) -> Text:
        dose = self.plan.steps[segment.step_index].dose
        if dose.type != "reps" or segment.activity != "work":
            return Text("")
        line = Text()
        for index, (name, seconds) in enumerate(dose.tempo.items()):
            if index:
                line.append(" · ", style="dim")
            style = "bold reverse" if index == segment.tempo_index else "dim"
            line.append(f"{name} {seconds}", style=style)
        return line

    def render(self, width: int) -> RenderableType:
        segment = self.segment
        if segment is None:
            return Text("Starting…")
        style = _STYLE[segment.activity]
        name = self.step_name(segment)
        seconds = str(max(0, int(-(-self.remaining // 1))))
        header = Text(name, style="bold", justify="center")
        state = "PAUSED" if self.paused else state_words(segment)
        state_text = Text(
            f" {state} ",
            style="bold white on red" if self.paused else f"bold {style}",
            justify="center",
        )
        number: RenderableType
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
        step = self.plan.steps[segment.step_index]
        if segment.activity == "ready" and step.caution:
            lines.append(
                Text(f"Careful: {one_line(step.caution)}", style="yellow", justify="center")
            )
        if segment.activity in ("ready", "work") and step.cue:
            lines.append(Text(one_line(step.cue), style="italic", justify="center"))
        lines.append(Text(self.next_words(segment), style="dim", justify="center"))
        if self.paused:
            lines.append(Text("PAUSED — press space to go on", style="bold red", justify="center"))
        from rich.panel import Panel

        panel = Panel(Group(*lines), border_style="red" if self.paused else style, padding=(0, 1))
        total = self.starts[-1]
        bar = progress_bar(self.elapsed / max(total, 1), max(10, width - 2), style)
        progress = Text(
            f"{clock_text(self.elapsed)} done · {clock_text(total - self.elapsed)} left "
            f"· exercise {segment.step_index + 1} of {len(self.plan.steps)}",
            style="dim",
            justify="center",
        )
        footer = Text(
            "space pause · n next · s symptoms · q quit · ? help"
            if width >= 60
            else "spc pause n next s symptoms q quit",
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
        "s leg symptoms spreading, or new numbness or weakness: stops the exercise · "
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

    def notice(self, text: str) -> None:
        """A message under the view while it runs (e.g. the session cannot be saved); a line
        of its own before or after. An empty text clears it."""
        if self.live is None:
            if text:
                self.console.print(one_line(text), style="yellow", markup=False, highlight=False)
            return
        self.view.message = text
        self.live.update(self.view.render(self.console.size.width), refresh=True)

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
        self.console.print(one_line(line), markup=False, highlight=False, soft_wrap=True)

    def notice(self, text: str) -> None:
        if text:  # an empty text clears a notice: nothing to print in plain mode
            self.say(text)

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
                else state_words(event.segment).lower()
            )
            self.say(f"{stamp} skipped: {what}")
        elif isinstance(event, ev.HelpRequested):
            self.say(help_text().plain)

    def _started(self, segment: Segment) -> str | None:
        view = self.view
        name = view.step_name(segment)
        if segment.activity == "ready":
            step = view.plan.steps[segment.step_index]
            careful = f"Careful: {step.caution} " if step.caution else ""
            return f"get ready: {name}, {segment.seconds} s. {careful}{step.cue}".rstrip()
        if segment.activity == "switch":
            return f"switch sides, {segment.seconds} s"
        if segment.activity == "rest":
            return f"rest {segment.seconds} s, next: {segment.next_label}"
        if segment.activity == "relax":
            return None
        if segment.tempo_count:
            if not segment.starts_rep:
                return None
            return f"{name}: {rep_words(segment)}: {view.tempo_line(segment).plain}"
        detail = rep_words(segment)
        return f"{name}: hold {segment.seconds} s" + (f", {detail}" if detail else "")
