"""The session as it runs: the live, redrawn view and plain mode.

Both subscribe to engine events and draw what they are told; colours carry
meaning, but every state is also said in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from backcoach.render.digits import big_width, digit_scale
from backcoach.render.guide import Guide, Lines, cue_for, layouts, numbered, pages
from backcoach.render.layout import (
    Question,
    beside,
    help_lines,
    help_text,
    key_words,
    number_block,
    over,
    progress_bar,
    question_lines,
    rep_words,
    scale_words,
    stack,
    state_words,
    with_caution,
)
from backcoach.render.words import clock_text, one_line

if TYPE_CHECKING:
    from rich.live import Live

    from backcoach.models import Plan
    from backcoach.plan.timeline import Segment
    from backcoach.timer import engine as ev


TEMPO_BAR = 10
MESSAGE_SECONDS = 6  # of session time: a notice during the session, then gone
_STYLE = {"ready": "yellow", "work": "green", "relax": "cyan", "switch": "magenta", "rest": "blue"}


class SessionView:
    """Holds what the screen shows and builds it; the live and plain renderers share it."""

    def __init__(
        self,
        plan: Plan,
        timeline: Sequence[Segment],
        time_scale: float = 1.0,
        guides: Sequence[Guide] | None = None,
    ) -> None:
        self.plan = plan
        self.timeline = timeline
        self.starts = [0, *accumulate(segment.seconds for segment in self.timeline)]
        self.time_scale = time_scale
        self.guides = (
            list(guides)
            if guides is not None
            else [Guide(step.position, cues=(step.cue,)) for step in plan.steps]
        )
        self.segment: Segment | None = None
        self.index = 0
        self.remaining = 0.0
        self.paused = False
        self.help = False
        self.all_steps = False  # the `i` key: every step of the exercise, whatever the time
        self.steps_from, self.steps_shown = 0, 0  # where `i` shows the steps from; how many fit
        self.message = ""  # a notice, shown over the rest for MESSAGE_SECONDS
        self.message_at = 0.0
        self.question: Question | None = None  # open: nothing but its answers counts
        self.began = 0.0  # the engine's elapsed time when this segment began

    @property
    def position(self) -> float:
        """Where the session is in its plan, in planned seconds: the progress line."""
        if self.segment is None:
            return 0.0
        return self.starts[self.index] + self.segment.seconds - self.remaining

    @property
    def elapsed(self) -> float:
        """Time spent exercising and resting, as the engine counts it: never time paused
        or answering, and no jump when an exercise is skipped or stopped."""
        if self.segment is None:
            return 0.0
        return self.began + self.segment.seconds - self.remaining

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
            if segment.side and later.side and later.side != segment.side:
                return f"next: {later.side} side"  # the other side comes before the end
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
            line.append(f"{name} {seconds} s", style=style)
        return line

    def cue(self, segment: Segment) -> str:
        return cue_for(self.guides[segment.step_index], segment, segment.seconds - self.remaining)

    def instructions(self, segment: Segment, *, key_cue_only: bool = False) -> list[str]:
        """At "get ready": every step the first times, then the key cue (`i`: all again)."""
        guide = self.guides[segment.step_index]
        if guide.steps and (guide.new_to_it or self.all_steps) and not key_cue_only:
            return numbered(guide)
        key_cue = guide.cues[0] if guide.cues else self.plan.steps[segment.step_index].cue
        more = " (i: all the steps)" if guide.steps else ""
        return [f"{one_line(key_cue)}{more}"]

    def render(self, width: int, height: int = 24) -> RenderableType:
        segment = self.segment
        if segment is None:
            return Text("Starting…")
        return Group(*self._screen(segment, width, height))

    def _screen(self, segment: Segment, width: int, height: int) -> list[Text]:
        """The whole screen, exactly `height` lines: the number as large as the room allows,
        centred; the guide, the steps or the help beside it or over the rest, never instead."""
        fit = Lines(width)
        style = "red" if self.paused else _STYLE[segment.activity]
        top = self._top(segment, width, style)
        footer = self._footer(width)
        if self.question is not None:
            body = question_lines(self.question, width, height - len(top) - len(footer))
            return stack(top, body, [], footer, height)

        seconds = str(max(0, int(-(-self.remaining // 1))))
        step = self.plan.steps[segment.step_index]
        counting_reps = segment.activity == "work" and not segment.is_hold and segment.reps > 1
        number = f"{segment.rep}/{segment.reps}" if counting_reps else seconds
        side = self._tempo_beside(segment) if counting_reps else []

        middle: list[Text] = []
        detail = rep_words(segment, with_rep=not counting_reps)
        if detail:
            middle += fit.lines(detail, "bold")
        if counting_reps:
            middle += [self.tempo_line(segment)]
            middle[-1].justify = "center"
        # The caution stays whatever opens: it is what keeps the exercise safe.
        caution = (
            fit.lines(f"Careful: {step.caution}", "bold yellow")
            if segment.activity == "ready" and step.caution
            else []
        )
        middle += caution
        if segment.activity == "work":
            middle += fit.lines(self.cue(segment), "italic")
        middle += fit.lines(self.next_words(segment))

        total = self.starts[-1]
        status: list[Text] = [progress_bar(self.position / max(total, 1), width, style)]
        status += fit.lines(
            f"{clock_text(self.elapsed)} done · {clock_text(total - self.position)} left "
            f"· exercise {segment.step_index + 1} of {len(self.plan.steps)}"
        )

        panel = self._panel(segment)
        fixed = len(top) + len(footer)
        # Everything first; when a panel is open and does not fit whole, it goes over
        # the rest (the middle lines and the progress line give way), never over the number.
        tries = [(middle, status, panel)]
        if panel is not None:
            tries += [(caution, status, panel), (caution, [], panel)]
            if caution:  # a small screen: the caution goes with the steps, beside the number
                tries.append(([], [], with_caution(panel, f"Careful: {step.caution}")))
        best: tuple[tuple[bool, int, int], list[Text], list[Text], list[Text]] | None = None
        for mid, stat, opens in tries:
            rows = height - fixed - len(mid) - len(stat)
            if rows < 1:
                continue
            key, block = self._arrange(number, side, style, width, rows, opens)
            if best is None or key > best[0]:
                best = (key, block, mid, stat)
            if key[1] == 0:  # the richest panel (or none) with the number at its best
                break
        if best is None:
            return stack(top, [], [], footer, height)
        _, block, mid, stat = best
        shown = " ".join(" ".join(line.plain.split()) for line in block)
        self.steps_shown = sum(f"{n}. {s.split()[0]}" in shown for n, s in self._steps(segment))
        notice = fit.lines(self.message, "bold yellow") if self.message else []
        return over(stack(top, [*block, *mid], stat, footer, height), notice, len(top), len(footer))

    def _top(self, segment: Segment, width: int, style: str) -> list[Text]:
        fit = Lines(width)
        top: list[Text] = []
        if self.time_scale != 1:
            top += fit.lines(scale_words(self.time_scale), "bold yellow")
        top += fit.lines(self.step_name(segment), "bold")
        if self.question is not None:
            state, band = "A QUESTION", "bold black on yellow"
        elif self.paused:
            state, band = "PAUSED — press space to go on", "bold white on red"
        else:
            state, band = state_words(segment), f"bold black on {style}"
        top.append(Text(f" {state} ".center(width)[:width], style=band, no_wrap=True))
        return top

    def _footer(self, width: int) -> list[Text]:
        keys = "press the number of your answer" if self.question else key_words(width)
        return Lines(width).lines(keys, "dim")

    def _panel(self, segment: Segment) -> Callable[[int], list[list[Text]]] | None:
        """What opens beside the number: the help (`?`), or the position and the steps."""
        if self.help:
            return lambda width: [help_lines(width), help_lines(width, short=True)]
        if segment.activity != "ready" and not self.all_steps:
            return None
        guide = self.guides[segment.step_index]
        choices = [self.instructions(segment)]
        if self.all_steps and guide.steps:  # too many for the screen: `i` again, the rest
            choices = pages(numbered(guide), self.steps_from)
        elif len(choices[0]) > 1:
            choices.append(self.instructions(segment, key_cue_only=True))
        return lambda width: layouts(guide.position, choices, width, guide.figure)

    def _steps(self, segment: Segment) -> list[tuple[int, str]]:
        steps = self.guides[segment.step_index].steps
        return list(enumerate(steps, start=1))[self.steps_from :]

    def _arrange(
        self,
        number: str,
        side: list[str],
        style: str,
        width: int,
        rows: int,
        panel: Callable[[int], list[list[Text]]] | None,
    ) -> tuple[tuple[bool, int, int], list[Text]]:
        """The number and the panel in `rows` rows: the panel above or beside the number.

        Chosen by: the number no more than one step smaller than it could be alone;
        then the richest panel; then the largest number. The key says how it went:
        (number near its best, minus the panel's rank, the number's height).
        """
        side_width = max((len(line) for line in side), default=-4) + 4
        alone = digit_scale(number, rows, width - side_width)
        floor = max(1, alone[0] - 1) if alone else 0
        if panel is None:
            return (True, 0, alone[0] if alone else 0), number_block(
                number, side, style, width, rows
            )
        candidates: list[tuple[tuple[bool, int, int], list[Text]]] = []
        for rank, option in enumerate(panel(width)):
            left = rows - len(option)
            if left < 0:
                continue
            scale = digit_scale(number, left, width - side_width)
            tall = scale[0] if scale else 0
            if scale is None and left < 1:
                continue
            key = (tall >= floor, -rank, tall)
            candidates.append((key, [*option, *number_block(number, side, style, width, left)]))
        least = big_width(number, 1) + side_width + 2  # the number at its smallest
        for panel_width in sorted({width // 2, width * 3 // 5, width - 14, width - least}):
            columns = width - panel_width - 2
            if panel_width < 24 or columns < 3:
                continue
            scale = digit_scale(number, rows, columns - side_width)
            if scale is None:
                continue
            for rank, option in enumerate(panel(panel_width)):
                if len(option) > rows:
                    continue
                key = (scale[0] >= floor, -rank, scale[0])
                block = number_block(number, side, style, columns, len(option), scale)
                candidates.append((key, beside(block, columns, option, panel_width)))
        if not candidates:
            return (False, -99, alone[0] if alone else 0), number_block(
                number, side, style, width, rows
            )
        return max(candidates, key=lambda candidate: candidate[0])

    def _tempo_beside(self, segment: Segment) -> list[str]:
        """The tempo phase's word and how far through it: read beside the rep count."""
        done = 1 - self.remaining / max(segment.seconds, 1)
        filled = round(min(max(done, 0.0), 1.0) * TEMPO_BAR)
        return [state_words(segment), "█" * filled + "░" * (TEMPO_BAR - filled)]

    def apply(self, event: ev.Event) -> None:
        """Update what is shown from an engine event."""
        from backcoach.timer import engine as ev

        if isinstance(event, ev.SegmentStarted):
            self.began = event.elapsed
            self.segment, self.index = event.segment, event.index
            self.remaining = float(event.segment.seconds)
            self.paused = False
            if event.segment.activity == "ready":
                self.all_steps, self.steps_from = False, 0
        elif isinstance(event, ev.Tick | ev.Redraw):
            self.remaining = event.remaining
        if self.message and self.elapsed - self.message_at >= MESSAGE_SECONDS:
            self.message = ""  # said for a few seconds: it never stays into what follows
        elif isinstance(event, ev.Paused):
            self.paused, self.remaining = True, event.remaining
        elif isinstance(event, ev.Resumed):
            self.paused = False
        elif isinstance(event, ev.HelpRequested):
            self.help = not self.help
        elif isinstance(event, ev.StepsRequested):  # open; the rest if some did not fit; close
            left = len(self.guides[event.segment.step_index].steps) - self.steps_from
            more = self.all_steps and 0 < self.steps_shown < left
            self.steps_from = self.steps_from + self.steps_shown if more else 0
            self.all_steps = more or not self.all_steps
        elif isinstance(event, ev.SessionEnded) and event.reason == "done":
            self.remaining = 0.0


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
            screen=True,  # the alternate screen: the whole terminal, given back on any exit
        )
        self.live.start()
        self._draw()

    def _draw(self) -> None:
        if self.live is not None:
            width, height = self.console.size
            self.live.update(self.view.render(width, height), refresh=True)

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
        self.view.message, self.view.message_at = text, self.view.elapsed
        self._draw()

    def ask(self, question: Question | None) -> None:
        """Draw a question large in the middle of the screen; None: back to the session."""
        self.view.question = question
        self._draw()

    def __call__(self, event: ev.Event) -> None:
        self.view.apply(event)
        self._draw()


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

    def ask(self, question: Question | None) -> None:
        """The question and its number keys on one line; nothing to clear afterwards."""
        if question is not None:
            answers = " · ".join(f"{key} {words}" for key, words in question.answers)
            self.say(f"{question.text} {answers}")

    def __call__(self, event: ev.Event) -> None:
        from backcoach.timer import engine as ev

        view = self.view
        view.apply(event)
        stamp = f"[{clock_text(view.elapsed)}]"
        if isinstance(event, ev.SegmentStarted):
            line = self._started(event.segment)
            if line:
                self.say(f"{stamp} {line}")
            if event.segment.activity == "ready":
                self._steps(event.segment, every=False)
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
        elif isinstance(event, ev.StepsRequested):
            self._steps(event.segment, every=True)

    def _steps(self, segment: Segment, *, every: bool) -> None:
        guide = self.view.guides[segment.step_index]
        if every or guide.new_to_it:
            for step in numbered(guide):
                self.say(f"  {step}")

    def _started(self, segment: Segment) -> str | None:
        view = self.view
        name = view.step_name(segment)
        if segment.activity == "ready":
            step = view.plan.steps[segment.step_index]
            careful = f"Careful: {step.caution} " if step.caution else ""
            where = view.guides[segment.step_index].position.words
            return f"get ready: {name}, {segment.seconds} s, {where}. {careful}{step.cue}".rstrip()
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
