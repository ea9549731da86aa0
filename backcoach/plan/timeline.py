"""A plan as time: the segments a session runs through, second by second. Pure.

Every second of a session belongs to one segment: getting ready, working (a
hold, or one tempo phase of a counted rep), relaxing between holds, switching
sides, resting between sets. The planner counts with `dose_seconds`, the
engine runs `segments(plan)`, and the live view reads the same list, so the
time a plan promises is exactly the time a session takes (pauses aside).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from backcoach.models import Dose, Plan

SWITCH_SIDES = 5

# What the person is doing during a segment.
Activity = Literal["ready", "work", "relax", "switch", "rest"]


class Segment(NamedTuple):
    """One uninterrupted stretch of time in a session: the engine's unit."""

    step_index: int  # which exercise of the plan
    activity: Activity
    seconds: int
    label: str  # "hold", a tempo phase's name ("up"), "rest", ...
    set_number: int = 0
    sets: int = 0
    rep: int = 0
    reps: int = 0
    side: str | None = None
    # Counted reps only: which phase of the tempo this is (0-based), of how many.
    tempo_index: int = 0
    tempo_count: int = 0
    # What comes next, for "next: ..." announcements.
    next_label: str = ""

    @property
    def is_hold(self) -> bool:
        """Work that is a timed hold (not one phase of a counted rep)."""
        return self.activity == "work" and self.tempo_count == 0

    @property
    def starts_rep(self) -> bool:
        """Work that begins a hold or a rep: where the bell rings and the count moves."""
        return self.activity == "work" and self.tempo_index == 0


def exercise_segments(step_index: int, name: str, dose: Dose, get_ready: int) -> list[Segment]:
    """The timeline of one exercise: get ready, then sets of holds or reps, sides, rests."""
    from backcoach.models import HoldDose

    out = [Segment(step_index, "ready", get_ready, name)]
    sides: tuple[str | None, ...] = ("left", "right") if dose.per_side else (None,)
    reps_per_set = dose.reps_per_set
    total_sets = len(reps_per_set)
    for set_number, reps in enumerate(reps_per_set, start=1):
        for side in sides:
            if side == "right":
                out.append(Segment(step_index, "switch", SWITCH_SIDES, "switch sides", side=side))
            for rep in range(1, reps + 1):
                where = Segment(step_index, "work", 0, "", set_number, total_sets, rep, reps, side)
                if isinstance(dose, HoldDose):
                    out.append(where._replace(seconds=dose.seconds, label="hold"))
                    if rep < reps and dose.relax:
                        out.append(
                            where._replace(activity="relax", seconds=dose.relax, label="relax")
                        )
                else:
                    count = len(dose.tempo)
                    for index, (tempo_name, seconds) in enumerate(dose.tempo.items()):
                        out.append(
                            where._replace(
                                seconds=seconds,
                                label=tempo_name,
                                tempo_index=index,
                                tempo_count=count,
                            )
                        )
        if set_number < total_sets and dose.rest:
            out.append(
                Segment(
                    step_index,
                    "rest",
                    dose.rest,
                    "rest",
                    set_number=set_number,
                    sets=total_sets,
                    next_label=f"set {set_number + 1} of {total_sets}",
                )
            )
    return out


def dose_seconds(dose: Dose, get_ready: int = 0) -> int:
    """What `exercise_segments` adds up to, in closed form (the planner calls this a lot)."""
    from backcoach.models import HoldDose

    sides = 2 if dose.per_side else 1
    reps_per_set = dose.reps_per_set
    total = get_ready
    for reps in reps_per_set:
        if isinstance(dose, HoldDose):
            one_side = reps * dose.seconds + (reps - 1) * dose.relax
        else:
            one_side = reps * dose.rep_seconds
        total += sides * one_side + (sides - 1) * SWITCH_SIDES
    if dose.rest:
        total += (len(reps_per_set) - 1) * dose.rest
    return total


def segments(plan: Plan) -> list[Segment]:
    """The whole session's timeline; its seconds add up to `plan.total_seconds`."""
    out: list[Segment] = []
    for index, step in enumerate(plan.steps):
        following = plan.steps[index + 1].name if index + 1 < len(plan.steps) else ""
        out.extend(
            segment._replace(next_label=following) if segment.activity == "ready" else segment
            for segment in exercise_segments(index, step.name, step.dose, step.get_ready)
        )
    return out


def step_count(timeline: Sequence[Segment]) -> int:
    return timeline[-1].step_index + 1 if timeline else 0
