"""Run a plan against a clock and a key source, emitting events. Never prints.

Timing is deadline-based, as in termdown: each segment's deadline is the
previous deadline plus its length, and every wake-up computes
`remaining = deadline - now`. Nothing accumulates `sleep(1)` errors, so a
session ends when the plan says. A pause pushes the current deadline (and so
every later one) back by the time paused.

The engine waits on the key source with a timeout equal to the time until the
displayed second changes: an idle countdown wakes once a second, no polling.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from backcoach.plan.timeline import Segment, step_count
from backcoach.timer.clock import Clock
from backcoach.timer.keys import RESIZED, SUSPENDED, Key, KeySource

if TYPE_CHECKING:
    from backcoach.models import ExerciseStatus

EndReason = Literal["done", "quit", "stopped"]


@dataclass(frozen=True)
class SegmentStarted:
    index: int
    segment: Segment
    elapsed: float


@dataclass(frozen=True)
class Tick:
    segment: Segment
    remaining: float
    elapsed: float


@dataclass(frozen=True)
class Paused:
    segment: Segment
    remaining: float
    suspended: bool = False


@dataclass(frozen=True)
class Resumed:
    segment: Segment
    remaining: float
    paused_for: float


@dataclass(frozen=True)
class Skipped:
    segment: Segment
    whole_step: bool


@dataclass(frozen=True)
class HelpRequested:
    segment: Segment


@dataclass(frozen=True)
class StepsRequested:
    """The `i` key: show the exercise's steps (again)."""

    segment: Segment


@dataclass(frozen=True)
class Redraw:
    segment: Segment
    remaining: float


@dataclass(frozen=True)
class SegmentDone:
    segment: Segment


@dataclass(frozen=True)
class StepDone:
    """An exercise has ended, with what the history keeps of it."""

    step_index: int
    status: ExerciseStatus
    work_seconds: float  # holds and tempo phases finished in this exercise
    active_seconds: float  # the session's time so far, less pauses and questions


@dataclass(frozen=True)
class SessionEnded:
    reason: EndReason
    elapsed: float


Event = (
    SegmentStarted
    | Tick
    | Paused
    | Resumed
    | Skipped
    | HelpRequested
    | StepsRequested
    | Redraw
    | SegmentDone
    | StepDone
    | SessionEnded
)
Listener = Callable[[Event], None]

PAUSE_KEYS = frozenset({" ", "p"})
SKIP_KEYS = frozenset({"n"})
QUIT_KEYS = frozenset({"q"})
SYMPTOM_KEYS = frozenset({"s"})
# "This hurts": sharp pain during an exercise, its own answer (distinct from skipping):
# the exercise ends as "hurt" (CLINICAL.md, "Pacing the first weeks").
HURT_KEYS = frozenset({"x"})
HELP_KEYS = frozenset({"?", "h"})
STEPS_KEYS = frozenset({"i"})


@dataclass(frozen=True)
class StepDecision:
    """What a hook wants: end the session, end this exercise, or leave later steps out."""

    stop: bool = False
    leave_out: frozenset[int] = frozenset()
    stop_step: bool = False  # the exercise in progress ends here, as "stopped"


AfterStep = Callable[[int], StepDecision | None]
# Called when `s` (symptoms spreading) is pressed, with the exercise in progress.
OnSymptoms = Callable[[int], StepDecision | None]
# Called when `x` (this hurts) has ended the exercise in progress.
OnHurt = Callable[[int], None]


@dataclass
class Outcome:
    """What happened, kept current as the session runs (so Ctrl-C can save it)."""

    statuses: list[ExerciseStatus]
    # Work seconds actually done per step (holds and tempo phases that finished).
    work_done: list[float]
    started_at: float = 0.0
    elapsed: float = 0.0
    paused_total: float = 0.0
    # Time spent answering questions on the live screen: it moves the deadlines like a
    # pause does, but is neither a pause nor exercise.
    answering: float = 0.0
    reason: EndReason | None = None
    work_planned: list[float] = field(default_factory=list)

    @property
    def active(self) -> float:
        """Session time spent exercising: elapsed, less pauses and questions."""
        return self.elapsed - self.paused_total - self.answering


class Engine:
    def __init__(
        self,
        timeline: Sequence[Segment],
        clock: Clock,
        keys: KeySource,
        listeners: list[Listener] | None = None,
        *,
        after_step: AfterStep | None = None,
        on_symptoms: OnSymptoms | None = None,
        on_hurt: OnHurt | None = None,
    ) -> None:
        self.clock = clock
        self.keys = keys
        self.listeners: list[Listener] = list(listeners or [])
        self.timeline = timeline
        # Called after each step ends (e.g. to ask about leg symptoms); the time it
        # takes counts as a pause, so the next step still gets its full time.
        self.after_step = after_step
        self.on_symptoms = on_symptoms
        self.on_hurt = on_hurt
        self.left_out: set[int] = set()
        steps = step_count(timeline)
        self.outcome = Outcome(
            statuses=["pending"] * steps,
            work_done=[0.0] * steps,
            work_planned=[0.0] * steps,
        )
        for segment in self.timeline:
            if segment.activity == "work":
                self.outcome.work_planned[segment.step_index] += segment.seconds
        self._current_step: int | None = None
        self._begun: set[int] = set()  # exercises whose first hold or rep has started

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def _emit(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)

    def run(self) -> Outcome:
        clock, outcome = self.clock, self.outcome
        outcome.started_at = deadline = clock.now()
        index = 0
        while index < len(self.timeline):
            segment = self.timeline[index]
            step_index = segment.step_index
            if step_index in self.left_out:
                if outcome.statuses[step_index] == "pending":
                    self.set_status(step_index, "stopped")
                index = _next_step_start(self.timeline, index)
                continue
            self._current_step = step_index
            if segment.activity == "work":
                self._begun.add(step_index)
            deadline += segment.seconds
            self._emit(SegmentStarted(index, segment, self._elapsed(clock.now())))
            action = self._countdown(segment, deadline)
            if action.quit:
                self._close_step(step_index, partial=True)
                return self._end("quit")
            if action.stop_session:
                self._close_step(step_index, partial=True)
                return self._end("stopped")
            deadline = action.deadline
            if action.skip_step or action.hurt:
                next_index = _next_step_start(self.timeline, index)
            else:
                if segment.activity == "work" and not action.skipped:
                    outcome.work_done[step_index] += segment.seconds
                self._emit(SegmentDone(segment))
                next_index = index + 1
                if (
                    next_index < len(self.timeline)
                    and self.timeline[next_index].step_index == step_index
                ):
                    index = next_index
                    continue
            # The step has ended, whole or skipped part-way.
            if action.hurt:
                self.set_status(step_index, "hurt")
                if self.on_hurt is not None:
                    self.on_hurt(step_index)
            elif action.skip_step:
                # `n` is a choice to skip, whatever was done of it: "skipped" (with its
                # time kept), so that "skipped twice: step back" can see it.
                self._close_step(step_index, partial=True, skipped=True)
            else:
                self._close_step(step_index, partial=False)
            stop, deadline = self._after(step_index, deadline)
            if stop:
                return self._end("stopped")
            index = next_index
        return self._end("done")

    def abandon(self) -> Outcome:
        """Close the books after an interruption (Ctrl-C, SIGTERM) so what was done is kept."""
        outcome = self.outcome
        step = self._current_step
        # A step interrupted before any work stays "pending" (not reached), not "skipped".
        if step is not None and outcome.work_done[step] > 0:
            self._close_step(step, partial=True)
        if outcome.reason is None:
            outcome.elapsed = self.clock.now() - outcome.started_at
        return outcome

    def _after(self, step_index: int, deadline: float) -> tuple[bool, float]:
        """Run the after-step hook; returns (stop, the deadline moved by its time)."""
        if self.after_step is None:
            return False, deadline
        decision, spent = self._answered(self.after_step, step_index)
        deadline += spent
        if decision is None:
            return False, deadline
        self.left_out |= decision.leave_out
        return decision.stop, deadline

    def _close_step(self, step_index: int, *, partial: bool, skipped: bool = False) -> None:
        outcome = self.outcome
        if outcome.statuses[step_index] != "pending":
            return
        if (
            partial
            and not skipped
            and (step_index not in self._begun or outcome.work_done[step_index] <= 0)
        ):
            # Quit during its "get ready", or before a second of it was done: not
            # started, never held against it (quitting is not skipping).
            return
        if not partial:
            status: ExerciseStatus = "done"
        elif skipped or outcome.work_done[step_index] <= 0:
            status = "skipped"
        else:
            status = "partial"
        self.set_status(step_index, status)

    def set_status(self, step_index: int, status: ExerciseStatus) -> None:
        """Say how an exercise ended (also from outside: "stopped" when symptoms spread)."""
        outcome = self.outcome
        outcome.statuses[step_index] = status
        active = self._elapsed(self.clock.now())
        self._emit(StepDone(step_index, status, outcome.work_done[step_index], active))

    def _end(self, reason: EndReason) -> Outcome:
        outcome = self.outcome
        outcome.reason = reason
        outcome.elapsed = self.clock.now() - outcome.started_at
        self._emit(SessionEnded(reason, outcome.active))
        return outcome

    def _countdown(self, segment: Segment, deadline: float) -> _Action:
        """Wait out one segment, handling keys. Returns how it ended."""
        clock = self.clock
        while True:
            now = clock.now()
            remaining = deadline - now
            if remaining <= 0:
                return _Action(deadline)
            key = self.keys.read(_until_next_second(remaining))
            now = clock.now()
            if key is None:
                if deadline - now > 0:
                    self._emit(Tick(segment, deadline - now, self._elapsed(now)))
                continue
            if key.name in PAUSE_KEYS or key.name == SUSPENDED:
                deadline, quit_now = self._pause(segment, deadline, key)
                if quit_now:
                    return _Action(clock.now(), quit=True)
            elif key.name in SKIP_KEYS:
                if segment.activity == "work":
                    self._emit(Skipped(segment, whole_step=True))
                    return _Action(now, skip_step=True)
                self._emit(Skipped(segment, whole_step=False))
                return _Action(now, skipped=True)
            elif key.name in QUIT_KEYS:
                return _Action(now, quit=True)
            elif key.name in HURT_KEYS:
                return _Action(now, hurt=True)
            elif key.name in SYMPTOM_KEYS and self.on_symptoms is not None:
                decision, spent = self._answered(self.on_symptoms, segment.step_index)
                deadline += spent
                if decision is not None:
                    self.left_out |= decision.leave_out
                    if decision.stop:
                        return _Action(self.clock.now(), stop_session=True)
                    if decision.stop_step:
                        return _Action(self.clock.now(), skip_step=True)
            elif key.name in HELP_KEYS:
                self._emit(HelpRequested(segment))
            elif key.name in STEPS_KEYS:
                self._emit(StepsRequested(segment))
            elif key.name == RESIZED:
                self._emit(Redraw(segment, deadline - now))

    def _pause(self, segment: Segment, deadline: float, key: Key) -> tuple[float, bool]:
        """Hold the countdown until resumed; the deadline moves by the time paused.

        Returns the new deadline and whether the person quit while paused.
        """
        paused_at = key.at
        remaining = deadline - paused_at
        self._emit(Paused(segment, remaining, suspended=key.name == SUSPENDED))
        quit_now = False
        while True:
            resume = self.keys.read(None)
            if resume is None:
                continue
            if resume.name in PAUSE_KEYS or resume.name == "enter":
                break
            if resume.name in QUIT_KEYS:
                quit_now = True
                break
            if resume.name in (RESIZED, SUSPENDED):  # drawn again: at its size, after `fg`
                self._emit(Paused(segment, remaining, suspended=resume.name == SUSPENDED))
            elif resume.name in HELP_KEYS:
                self._emit(HelpRequested(segment))
            elif resume.name in STEPS_KEYS:
                self._emit(StepsRequested(segment))
        paused_for = self.clock.now() - paused_at
        self.outcome.paused_total += paused_for
        if not quit_now:
            self._emit(Resumed(segment, remaining, paused_for))
        return deadline + paused_for, quit_now

    def _elapsed(self, now: float) -> float:
        outcome = self.outcome
        return now - outcome.started_at - outcome.paused_total - outcome.answering

    def _answered(
        self, hook: Callable[[int], StepDecision | None], step_index: int
    ) -> tuple[StepDecision | None, float]:
        """Run a hook that asks a question; its time is counted as answering."""
        asked_at = self.clock.now()
        decision = hook(step_index)
        spent = max(0.0, self.clock.now() - asked_at)
        self.outcome.answering += spent
        return decision, spent


@dataclass(frozen=True)
class _Action:
    deadline: float
    skipped: bool = False
    skip_step: bool = False
    quit: bool = False
    stop_session: bool = False
    hurt: bool = False  # `x`: this exercise stops for sharp pain


def _until_next_second(remaining: float) -> float:
    """Time until the displayed whole second (ceil of remaining) changes."""
    fraction = remaining - (math.ceil(remaining) - 1)
    if fraction <= 1e-6:
        fraction = 1.0
    return min(fraction, remaining)


def _next_step_start(timeline: Sequence[Segment], index: int) -> int:
    step_index = timeline[index].step_index
    while index < len(timeline) and timeline[index].step_index == step_index:
        index += 1
    return index
