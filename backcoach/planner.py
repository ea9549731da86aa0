"""Build a session plan from a catalogue and a request. Pure: no I/O, no clock.

A plan has three phases: a warm-up of gentle mobility, a main block from the
person's focus, and a cool-down of stretches. Every second is accounted for
by `segments()`, which is also what the engine runs, so the time a plan
promises is exactly the time a session takes (pauses aside).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from backcoach.errors import UsageError
from backcoach.models import (
    Catalogue,
    Dose,
    Equipment,
    Exercise,
    HoldDose,
    Kind,
    Level,
    Phase,
    Plan,
    Position,
    Region,
    RepsDose,
    Step,
    has_equipment,
    level_allows,
)

MIN_MINUTES = 1
MAX_MINUTES = 90
DEFAULT_MINUTES = 10
# Getting into position takes longer when it means getting up or down.
GET_READY_NEW_POSITION = 10
GET_READY_SAME_POSITION = 5
SWITCH_SIDES = 5
# A plan that uses less than this share of the budget says why.
FILL_TARGET = 0.85
MAX_EXTRA_SETS = 2


@dataclass(frozen=True)
class Request:
    regions: frozenset[Region] = frozenset(Region)
    kinds: frozenset[Kind] = frozenset(Kind)
    minutes: int = DEFAULT_MINUTES
    level: Level = Level.BEGINNER
    equipment: frozenset[Equipment] = frozenset()
    seed: int = 0
    flare_up: bool = False
    # Doses that progression chose for next time, by exercise id.
    doses: Mapping[str, Dose] = field(default_factory=dict)
    # Exercises to leave out today, with the reason (e.g. symptoms spread).
    excluded: Mapping[str, str] = field(default_factory=dict)
    # Why a dose differs from the catalogue's, for `plan` to show.
    dose_reasons: Mapping[str, str] = field(default_factory=dict)


# --- focus --------------------------------------------------------------------

FOCUS_WORDS = {
    "lower": Region.LOWER,
    "upper": Region.UPPER,
    "stretch": Kind.STRETCH,
    "strengthen": Kind.STRENGTHEN,
}


def parse_focus(values: Iterable[str]) -> tuple[frozenset[Region], frozenset[Kind]]:
    """`--focus lower,stretch --focus upper` → regions and kinds; an open dimension means both."""
    regions: set[Region] = set()
    kinds: set[Kind] = set()
    for value in values:
        for word in value.split(","):
            word = word.strip().lower()
            if not word:
                continue
            if word in ("all", "whole", "both"):
                continue
            found = FOCUS_WORDS.get(word)
            if found is None:
                allowed = ", ".join(FOCUS_WORDS)
                raise UsageError(f"unknown focus {word!r}: use {allowed} (repeat or join with commas)")
            if isinstance(found, Region):
                regions.add(found)
            else:
                kinds.add(found)
    return frozenset(regions or Region), frozenset(kinds or Kind)


def focus_words(regions: Iterable[Region], kinds: Iterable[Kind]) -> str:
    region_set, kind_set = set(regions), set(kinds)
    where = "whole back" if region_set == set(Region) else f"{next(iter(region_set))} back"
    if kind_set == set(Kind):
        return where
    return f"{where}, {next(iter(kind_set))}"


def matches(
    exercise: Exercise,
    *,
    regions: Iterable[Region] = Region,
    kinds: Iterable[Kind] = Kind,
    level: Level | None = None,
    equipment: Iterable[Equipment] | None = None,
) -> bool:
    """The filter `list` and the planner share."""
    if not set(exercise.regions) & set(regions):
        return False
    if exercise.kind not in set(kinds):
        return False
    if level is not None and not level_allows(exercise.level, level):
        return False
    return equipment is None or has_equipment(exercise, equipment)


# --- time -----------------------------------------------------------------------

SegmentKind = Literal["ready", "work", "relax", "switch", "rest"]


@dataclass(frozen=True)
class Segment:
    """One uninterrupted stretch of time in a session: the engine's unit."""

    step: int
    kind: SegmentKind
    seconds: int
    label: str
    set_number: int = 0
    sets: int = 0
    rep: int = 0
    reps: int = 0
    side: str | None = None
    # For counted reps: which tempo phase this is (0-based) of how many.
    phase: int = 0
    phases: int = 0
    # What comes after this rest, for "next: ..." announcements.
    next_label: str = ""

    @property
    def first_of_rep(self) -> bool:
        return self.phase == 0


def exercise_segments(step: int, name: str, dose: Dose, get_ready: int) -> list[Segment]:
    """The timeline of one exercise: get ready, then sets of holds or reps, sides, rests."""
    out = [Segment(step, "ready", get_ready, name)]
    sides: tuple[str | None, ...] = ("left", "right") if dose.per_side else (None,)
    reps_per_set = dose.reps_per_set
    total_sets = len(reps_per_set)
    for set_index, reps in enumerate(reps_per_set, start=1):
        for side in sides:
            if side == "right":
                out.append(Segment(step, "switch", SWITCH_SIDES, "switch sides", side=side))
            for rep in range(1, reps + 1):
                common = dict(set_number=set_index, sets=total_sets, rep=rep, reps=reps, side=side)
                if isinstance(dose, HoldDose):
                    out.append(Segment(step, "work", dose.seconds, "hold", **common))  # type: ignore[arg-type]
                    if rep < reps and dose.relax:
                        out.append(Segment(step, "relax", dose.relax, "relax", **common))  # type: ignore[arg-type]
                else:
                    phases = len(dose.tempo)
                    for index, (phase_name, seconds) in enumerate(dose.tempo.items()):
                        out.append(
                            Segment(
                                step,
                                "work",
                                seconds,
                                phase_name,
                                phase=index,
                                phases=phases,
                                **common,  # type: ignore[arg-type]
                            )
                        )
        if set_index < total_sets and dose.rest:
            out.append(
                Segment(
                    step,
                    "rest",
                    dose.rest,
                    "rest",
                    set_number=set_index,
                    sets=total_sets,
                    next_label=f"set {set_index + 1} of {total_sets}",
                )
            )
    return out


def dose_seconds(dose: Dose, get_ready: int = 0) -> int:
    return sum(segment.seconds for segment in exercise_segments(0, "", dose, get_ready))


def segments(plan: Plan) -> list[Segment]:
    """The whole session's timeline; its seconds add up to `plan.total_seconds`."""
    out: list[Segment] = []
    for index, step in enumerate(plan.steps):
        step_segments = exercise_segments(index, step.name, step.dose, step.get_ready)
        nxt = plan.steps[index + 1].name if index + 1 < len(plan.steps) else ""
        out.extend(
            segment if segment.kind != "ready" else _with_next(segment, step.name, nxt)
            for segment in step_segments
        )
    return out


def _with_next(segment: Segment, name: str, nxt: str) -> Segment:
    from dataclasses import replace

    return replace(segment, next_label=nxt)


# --- doses --------------------------------------------------------------------


def flare_up_dose(dose: Dose) -> Dose:
    """Fewer reps and shorter holds, for a day when pain is high: cut back, don't stop."""
    if isinstance(dose, HoldDose):
        if dose.pyramid is not None:
            return dose.model_copy(
                update={"pyramid": None, "reps": max(1, dose.pyramid[-1]), "sets": 1,
                        "seconds": max(5, dose.seconds // 2)}
            )
        return dose.model_copy(
            update={"seconds": max(5, dose.seconds // 2), "reps": max(1, dose.reps - 1), "sets": 1}
        )
    assert isinstance(dose, RepsDose)
    return dose.model_copy(update={"reps": max(3, dose.reps // 2), "sets": 1})


def _with_sets(dose: Dose, extra: int) -> Dose | None:
    """The dose with `extra` more sets, or None where that makes no sense (pyramids)."""
    if isinstance(dose, HoldDose):
        if dose.pyramid is not None:
            return None
        return dose.model_copy(update={"sets": (dose.sets or 1) + extra})
    return dose.model_copy(update={"sets": dose.sets + extra})


# --- planning -------------------------------------------------------------------


@dataclass
class _Choice:
    exercise: Exercise
    phase: Phase
    dose: Dose
    reason: str


def build(catalogue: Catalogue, request: Request) -> Plan:
    """The session for `request`: within budget, reproducible from the seed."""
    if not MIN_MINUTES <= request.minutes <= MAX_MINUTES:
        raise UsageError(f"--minutes must be from {MIN_MINUTES} to {MAX_MINUTES}")
    rng = random.Random(request.seed)
    budget = request.minutes * 60
    available = set(request.equipment)

    def allowed(exercise: Exercise) -> bool:
        if exercise.id in request.excluded:
            return False
        if request.flare_up and (exercise.kind is Kind.STRENGTHEN or exercise.level is not Level.BEGINNER):
            return False
        return level_allows(exercise.level, request.level) and has_equipment(exercise, available)

    in_region = [
        exercise
        for exercise in catalogue.exercises
        if allowed(exercise) and set(exercise.regions) & request.regions
    ]
    main_pool = [exercise for exercise in in_region if exercise.kind in request.kinds]
    stretch_pool = [exercise for exercise in in_region if exercise.kind is Kind.STRETCH]
    warmup_pool = [exercise for exercise in stretch_pool if exercise.warmup]

    def dose_for(exercise: Exercise) -> Dose:
        dose = request.doses.get(exercise.id, exercise.dose)
        return flare_up_dose(dose) if request.flare_up else dose

    def cost(exercise: Exercise, dose: Dose | None = None) -> int:
        # Worst case get-ready: the position may change.
        return dose_seconds(dose or dose_for(exercise), GET_READY_NEW_POSITION)

    chosen: list[_Choice] = []
    used: set[str] = set()
    spent = 0

    def take(exercise: Exercise, phase: Phase, reason: str) -> bool:
        nonlocal spent
        seconds = cost(exercise)
        if exercise.id in used or spent + seconds > budget:
            return False
        chosen.append(_Choice(exercise, phase, dose_for(exercise), reason))
        used.add(exercise.id)
        spent += seconds
        return True

    stretch_only = request.kinds == frozenset({Kind.STRETCH})
    # Warm-up: one gentle mobility exercise, two in longer sessions.
    warmups = _shuffled(warmup_pool, rng)
    warmup_count = 1 if request.minutes < 20 else 2
    taken = 0
    for exercise in warmups:
        if taken >= warmup_count:
            break
        if take(exercise, "warm-up", "warm-up: gentle mobility to get the back moving"):
            taken += 1

    # Keep room for a cool-down stretch before filling the main block.
    cooldown_candidates = [e for e in _shuffled(stretch_pool, rng) if e.id not in used and not e.warmup]
    cooldown_candidates.sort(key=lambda e: -e.position.rank)  # lying down to finish
    reserve = cost(cooldown_candidates[0]) if cooldown_candidates else 0
    cooldown_reserved = cooldown_candidates[0] if cooldown_candidates else None

    main_candidates = [e for e in main_pool if e.id not in used and e is not cooldown_reserved]
    by_kind = {
        kind: _shuffled([e for e in main_candidates if e.kind is kind], rng) for kind in request.kinds
    }
    kinds_cycle = sorted(request.kinds, key=lambda kind: kind.value)
    rng.shuffle(kinds_cycle)
    budget_for_main = budget - reserve
    progress = True
    while progress:
        progress = False
        # Alternate kinds so strengthening is balanced with its stretch.
        for kind in kinds_cycle:
            pool = by_kind[kind]
            while pool:
                exercise = pool.pop(0)
                if spent + cost(exercise) > budget_for_main:
                    continue
                reason = _main_reason(exercise, request, stretch_only)
                if take(exercise, "main", reason):
                    progress = True
                    break

    if cooldown_reserved is not None:
        take(cooldown_reserved, "cool-down", "cool-down: a calm stretch to finish, lying down")
    for exercise in cooldown_candidates[1:]:
        if spent >= budget * FILL_TARGET:
            break
        take(exercise, "cool-down", "cool-down: another gentle stretch to finish")

    if not chosen:
        raise UsageError(
            "no exercise fits: nothing in the catalogue matches this focus, level and equipment"
            if not in_region
            else f"no exercise fits in {request.minutes} minute(s): try more --minutes"
        )

    ordered = _order(chosen)
    # Still short of the target: add sets to the main exercises, round-robin.
    ordered = _fill_with_sets(ordered, budget)
    steps, total = _steps(ordered, request)
    notes = _notes(total, budget, len(main_pool), request)
    return Plan(
        seed=request.seed,
        minutes=request.minutes,
        regions=tuple(sorted(request.regions, key=lambda r: r.value)),
        kinds=tuple(sorted(request.kinds, key=lambda k: k.value)),
        level=request.level,
        equipment=tuple(sorted(request.equipment, key=lambda e: e.value)),
        steps=tuple(steps),
        total_seconds=total,
        budget_seconds=budget,
        notes=tuple(notes),
    )


def _shuffled(pool: Sequence[Exercise], rng: random.Random) -> list[Exercise]:
    out = list(pool)
    rng.shuffle(out)
    return out


def _main_reason(exercise: Exercise, request: Request, stretch_only: bool) -> str:
    region = " and ".join(region.value for region in exercise.regions)
    if exercise.kind is Kind.STRENGTHEN:
        return f"strengthens the {region} back"
    if stretch_only:
        return f"stretches the {region} back"
    return f"stretches the {region} back, to balance the strengthening"


def _order(chosen: list[_Choice]) -> list[_Choice]:
    """Warm-up, main, cool-down; inside each, from standing down to lying on the back.

    Grouping by position keeps the person from going up and down from the floor.
    """
    phase_rank = {"warm-up": 0, "main": 1, "cool-down": 2}
    return sorted(
        chosen, key=lambda c: (phase_rank[c.phase], c.exercise.position.rank, c.exercise.id)
    )


def _get_ready(previous: Position | None, position: Position) -> int:
    return GET_READY_SAME_POSITION if previous == position else GET_READY_NEW_POSITION


def _total(choices: Sequence[_Choice]) -> int:
    total = 0
    previous: Position | None = None
    for choice in choices:
        total += dose_seconds(choice.dose, _get_ready(previous, choice.exercise.position))
        previous = choice.exercise.position
    return total


def _fill_with_sets(choices: list[_Choice], budget: int) -> list[_Choice]:
    if _total(choices) >= budget * FILL_TARGET:
        return choices
    for _round in range(MAX_EXTRA_SETS):
        for index, choice in enumerate(choices):
            if choice.phase != "main" or _total(choices) >= budget * FILL_TARGET:
                continue
            bigger = _with_sets(choice.dose, 1)
            if bigger is None:
                continue
            trial = list(choices)
            trial[index] = _Choice(choice.exercise, choice.phase, bigger, choice.reason + "; an extra set to fill the time")
            if _total(trial) <= budget:
                choices = trial
    return choices


def _steps(choices: Sequence[_Choice], request: Request) -> tuple[list[Step], int]:
    steps: list[Step] = []
    previous: Position | None = None
    total = 0
    for choice in choices:
        exercise = choice.exercise
        get_ready = _get_ready(previous, exercise.position)
        seconds = dose_seconds(choice.dose, get_ready)
        reason = choice.reason
        if exercise.id in request.dose_reasons:
            reason += f"; {request.dose_reasons[exercise.id]}"
        if request.flare_up:
            reason += "; flare-up dose: shorter and fewer"
        steps.append(
            Step(
                exercise=exercise.id,
                name=exercise.name,
                phase=choice.phase,
                position=exercise.position,
                cue=exercise.first_cue,
                dose=choice.dose,
                get_ready=get_ready,
                seconds=seconds,
                reason=reason,
            )
        )
        total += seconds
        previous = exercise.position
    return steps, total


def _notes(total: int, budget: int, main_count: int, request: Request) -> list[str]:
    notes: list[str] = []
    if total < budget * FILL_TARGET:
        minutes = total / 60
        notes.append(
            f"only {main_count} exercise(s) match this focus, level and equipment: "
            f"{minutes:.0f} of {request.minutes} minutes"
            if main_count
            else f"nothing matches this focus, level and equipment; {minutes:.0f} minutes of stretches"
        )
    if request.flare_up:
        notes.append("flare-up session: gentle stretches only, shorter holds and fewer reps")
    for exercise_id, why in sorted(request.excluded.items()):
        notes.append(f"left out {exercise_id}: {why}")
    return notes
