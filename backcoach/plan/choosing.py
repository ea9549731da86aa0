"""The parts a plan is made of, shared by a fresh plan and a routine's. Pure: no I/O.

A Choice is an exercise with its phase, today's dose and why; Pools are the
exercises a request allows; `order` puts choices in the order a session goes
(standing to the floor, once); `fill` grows today's doses to use the minutes
asked, never the saved dose (CLINICAL.md).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from backcoach.models import Catalogue, Dose, Exercise, HoldDose, Phase, RepsDose, has_equipment
from backcoach.plan.progression import step_up
from backcoach.plan.timeline import dose_seconds
from backcoach.vocabulary import (
    DEFAULT_MINUTES,
    Equipment,
    Kind,
    Level,
    Position,
    Region,
    level_allows,
)

FLARE_UP_REPS = 5
# A routine's main block: small enough that progression means something.
MAIN_MOST = 6

# Getting into position takes longer when it means getting up or down.
GET_READY_UP_OR_DOWN = 15  # from standing or sitting to the floor, or back up
GET_READY_NEW_POSITION = 10
GET_READY_SAME_POSITION = 5
# The longest get-ready, counted for each exercise while choosing, so that the ordered
# plan never overruns.
GET_READY_MOST = GET_READY_UP_OR_DOWN
# A plan that uses less than this share of the budget says why.
FILL_TARGET = 0.85
MAX_EXTRA_SETS = 2
FINE_ROUNDS = 2
# Seeded greedy attempts per plan; the fullest is kept.
ATTEMPTS = 8


# NamedTuple rather than dataclass here and in progression/config: a dataclass
# writes and compiles its methods when the module is imported (about 1 ms each),
# which every `plan` paid before doing anything.
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Request(NamedTuple):
    regions: frozenset[Region] = frozenset(Region)
    kinds: frozenset[Kind] = frozenset(Kind)
    minutes: int = DEFAULT_MINUTES
    level: Level = Level.BEGINNER
    equipment: frozenset[Equipment] = frozenset()
    seed: int = 0
    flare_up: bool = False
    # Doses that progression chose for next time, by exercise id.
    doses: Mapping[str, Dose] = _EMPTY
    # Exercises to leave out today, with the reason (e.g. symptoms spread).
    excluded: Mapping[str, str] = _EMPTY
    # Those left out because leg symptoms spread (or to spare a leg with symptoms): one
    # that bends the back or tensions the nerve as they do never stands in for them.
    spread: frozenset[str] = frozenset()
    # Why a dose differs from the catalogue's, for `plan` to show.
    dose_reasons: Mapping[str, str] = _EMPTY
    # Why progression changed a dose this time (stored with the session that uses it).
    dose_changes: Mapping[str, str] = _EMPTY
    # Each exercise's dose as last kept, before today's change: what a flare-up keeps.
    kept: Mapping[str, Dose] = _EMPTY
    # The person's routine for this focus, (exercise id, phase) in order; None: a fresh
    # plan from the seed.
    routine: tuple[tuple[str, Phase], ...] | None = None
    # Why the routine is new or changed today, for `plan` to show.
    routine_notes: tuple[str, ...] = ()
    # Stepped back today: never grown to fill the minutes.
    held: frozenset[str] = frozenset()
    # A desk break (`backcoach snack`): desk exercises only, upright, a few minutes.
    snack: bool = False
    # The session after a step back: nothing added to fill the minutes (CLINICAL.md,
    # "Pacing the first weeks").
    no_fill_ins: bool = False
    # What stepped back at the last session (`no_fill_ins`'s cause), for the plan's note.
    after_step_back: frozenset[str] = frozenset()
    # The first 7 days of a routine: no extra sets to fill the minutes.
    first_week: bool = False
    # Progression's lines for the plan: centralisation, a return after a break.
    progress_notes: tuple[str, ...] = ()
    # Positions a rule leaves out, with why (lying on the back past about 16 weeks of
    # pregnancy: a flare-up day is then done on the side).
    positions_out: Mapping[Position, str] = MappingProxyType({})
    # Advice for the conditions that apply, each its own line in the plan's notes.
    cautions: tuple[str, ...] = ()
    # A one-off plan (--seed): it neither uses nor makes a routine.
    one_off: bool = False


def one_set(dose: Dose) -> Dose:
    """The dose as one set: for a short break at the desk."""
    if isinstance(dose, HoldDose):
        if dose.pyramid is not None:
            return dose.model_copy(update={"pyramid": None, "reps": dose.pyramid[0]})
        return dose.model_copy(update={"sets": None})
    return dose.model_copy(update={"sets": 1})


def flare_up_dose(dose: Dose) -> Dose:
    """About 5 repetitions and shorter holds, one set, for a bad day: cut back, don't stop."""
    if isinstance(dose, HoldDose):
        reps = dose.pyramid[-1] if dose.pyramid is not None else dose.reps
        return dose.model_copy(
            update={
                "pyramid": None,
                "reps": max(1, min(reps, FLARE_UP_REPS)),
                "sets": 1,
                "seconds": max(5, dose.seconds // 2),
            }
        )
    assert isinstance(dose, RepsDose)
    return dose.model_copy(update={"reps": min(dose.reps, FLARE_UP_REPS), "sets": 1})


class Choice(NamedTuple):
    exercise: Exercise
    phase: Phase
    dose: Dose
    reason: str
    # Added for this session only (to fill the minutes, or standing in for a routine
    # exercise left out today): never part of the saved routine.
    for_today: bool = False


class Pools(NamedTuple):
    region: list[Exercise]
    main: list[Exercise]
    stretch: list[Exercise]
    warmup: list[Exercise]
    doses: dict[str, Dose]
    # Each exercise's dose as last kept: an extra for today runs at it, never a step up.
    kept: Mapping[str, Dose] = _EMPTY


def pools(catalogue: Catalogue, request: Request) -> Pools:
    available = set(request.equipment)

    def allowed(exercise: Exercise) -> bool:
        if exercise.id in request.excluded:
            return False
        if request.flare_up and (
            exercise.kind is Kind.STRENGTHEN or exercise.level is not Level.BEGINNER
        ):
            return False
        return level_allows(exercise.level, request.level) and has_equipment(exercise, available)

    region = [e for e in catalogue.exercises if allowed(e) and set(e.regions) & request.regions]
    stretch = [e for e in region if e.kind is Kind.STRETCH]
    doses: dict[str, Dose] = {}
    for exercise in region:
        dose = request.doses.get(exercise.id, exercise.dose)
        doses[exercise.id] = flare_up_dose(dose) if request.flare_up else dose
    return Pools(
        region=region,
        main=[e for e in region if e.kind in request.kinds],
        stretch=stretch,
        warmup=[e for e in stretch if e.warmup],
        doses=doses,
        kept=request.kept,
    )


def shuffled(pool: Sequence[Exercise], rng: random.Random) -> list[Exercise]:
    out = list(pool)
    rng.shuffle(out)
    return out


def main_reason(exercise: Exercise, stretch_only: bool) -> str:
    region = " and ".join(region.value for region in exercise.regions)
    if exercise.kind is Kind.STRENGTHEN:
        return f"strengthens the {region} back"
    if stretch_only:
        return f"stretches the {region} back"
    return f"stretches the {region} back, balancing the strengthening"


def order(chosen: list[Choice]) -> list[Choice]:
    """Warm-up, main, cool-down; inside each, from standing down to lying on the back.

    Grouping by position keeps the person from going up and down from the floor.
    """
    phase_rank = {"warm-up": 0, "main": 1, "cool-down": 2}
    return sorted(
        chosen,
        key=lambda c: (
            phase_rank[c.phase],
            c.exercise.position not in UPRIGHT,  # upright first, then the floor
            c.exercise.position.rank,
            c.exercise.id,
        ),
    )


UPRIGHT = frozenset({Position.STANDING, Position.SITTING})


def get_ready(previous: Position | None, position: Position) -> int:
    """Getting into position: longer when it means getting down to the floor or up from
    it (a session begins standing, at the computer) than when the person stays put."""
    if previous == position:
        return GET_READY_SAME_POSITION
    if ((previous or Position.STANDING) in UPRIGHT) != (position in UPRIGHT):
        return GET_READY_UP_OR_DOWN
    return GET_READY_NEW_POSITION


def total(choices: Sequence[Choice]) -> int:
    total = 0
    previous: Position | None = None
    for choice in choices:
        total += dose_seconds(choice.dose, get_ready(previous, choice.exercise.position))
        previous = choice.exercise.position
    return total


def fill(
    choices: list[Choice],
    budget: int,
    held: frozenset[str] = frozenset(),
    *,
    no_fill_ins: bool = False,
    first_week: bool = False,
) -> list[Choice]:
    """Grow doses, within each exercise's limits, until the plan uses its time.

    First whole extra sets (main block first), then finer steps: a rep more or
    a few seconds longer per hold, never past the catalogue's maximum. A dose
    stepped back today (`held`) is never grown back up. The session after a step back
    grows nothing (`no_fill_ins`); the first week of a routine grows no dose at all.
    """
    target = budget * FILL_TARGET
    if no_fill_ins or total(choices) >= target:
        return choices
    order = sorted(
        (i for i, choice in enumerate(choices) if choice.exercise.id not in held),
        key=lambda i: choices[i].phase != "main",
    )
    growths = (
        (more_sets, "an extra set to fill the time", 0 if first_week else MAX_EXTRA_SETS),
        # Nor a dose above the catalogue's start (NHS inform: start with about 5 and add
        # 1-2 every few days): in the first week, time left over stays for a walk.
        (a_little_more, "a little more to fill the time", 0 if first_week else FINE_ROUNDS),
    )
    for grow, note, rounds in growths:
        for _round in range(rounds):
            for index in order:
                if total(choices) >= target:
                    return choices
                choice = choices[index]
                bigger = grow(choice.dose, choice.exercise)
                if bigger is None:
                    continue
                trial = list(choices)
                reason = choice.reason if note in choice.reason else f"{choice.reason}; {note}"
                trial[index] = choice._replace(dose=bigger, reason=reason)
                if total(trial) <= budget:
                    choices = trial
    return choices


EXTRA_MOST = 3
EXTRA_REASON = "an extra gentle stretch for today"
# What an extra is said to be where a routine is kept (a one-off plan has none).
NOT_ROUTINE = " (not part of your routine)"


def extra_gentle(
    choices: list[Choice], pools: Pools, budget: int, reason: str = EXTRA_REASON + NOT_ROUTINE
) -> list[Choice]:
    """Gentle stretches for this session only, while the minutes are not used yet.

    Taken from the position group the session ends in (the floor, when it goes
    there), so that it still moves between upright and the floor at most once. Each
    runs at its kept dose: never a step up (CLINICAL.md: it is for that session only).
    """
    target = budget * FILL_TARGET
    used = {choice.exercise.id for choice in choices}
    ends_on_floor = any(choice.exercise.position not in UPRIGHT for choice in choices)
    spare = sorted(
        (
            e
            for e in pools.stretch
            if e.id not in used
            and not e.loaded
            and e.level is Level.BEGINNER
            and (e.position not in UPRIGHT) == ends_on_floor
        ),
        key=lambda e: (-e.position.rank, e.id),
    )
    added = 0
    for exercise in spare:
        if added == EXTRA_MOST or total(choices) >= target:
            break
        extra = Choice(exercise, "cool-down", extra_dose(exercise, pools), reason, True)
        trial = order([*choices, extra])
        if total(trial) <= budget:
            choices = trial
            added += 1
    return choices


def extra_dose(exercise: Exercise, pools: Pools) -> Dose:
    """An extra's dose today: as last kept, never progression's step up (CLINICAL.md:
    what fills the minutes never counts toward a step-up); a step back still applies."""
    dose = pools.doses[exercise.id]
    kept = pools.kept.get(exercise.id)
    return kept if kept is not None and step_up(exercise, kept) == dose else dose


def like(
    exercise: Exercise,
    pools: Pools,
    avoid: set[str],
    *,
    easier_first: bool = False,
    stand_in: bool = False,
) -> Exercise | None:
    """An exercise to take `exercise`'s place: its easier variant when asked, else one
    of the same kind for the same region, from the same position group if possible.
    `stand_in`: for one left out today because leg symptoms spread, so never one that
    bends the back backwards or tensions the nerve as it does (after a spread on Single
    knee to chest, not Double knee to chest)."""
    risky = [f for f in ("extension", "nerve_tension") if stand_in and getattr(exercise, f)]
    allowed = {
        e.id: e
        for e in pools.region
        if e.id not in avoid and e.id != exercise.id and not any(getattr(e, flag) for flag in risky)
    }
    if easier_first:
        for easier_id in exercise.easier:
            if easier_id in allowed:
                return allowed[easier_id]
    same_kind = [
        e
        for e in allowed.values()
        if e.kind is exercise.kind
        and set(e.regions) & set(exercise.regions)
        and (e.warmup or not exercise.warmup)
    ]
    if not same_kind:
        return None
    upright = exercise.position in UPRIGHT
    return min(
        same_kind,
        key=lambda e: (
            (e.position in UPRIGHT) != upright,
            abs(e.position.rank - exercise.position.rank),
            easier_first and e.level is not Level.BEGINNER,
            e.id,
        ),
    )


def more_sets(dose: Dose, exercise: Exercise) -> Dose | None:
    """One more set, or None where that makes no sense: a pyramid sets its own sets, and a
    loaded exercise (deadlift, rows, superman) never gains sets to fill time (CLINICAL.md)."""
    if exercise.loaded:
        return None
    if isinstance(dose, HoldDose):
        if dose.pyramid is not None:
            return None
        return dose.model_copy(update={"sets": (dose.sets or 1) + 1})
    return dose.model_copy(update={"sets": dose.sets + 1})


def a_little_more(dose: Dose, exercise: Exercise) -> Dose | None:
    """One rep more, or 2 s longer holds, up to the exercise's own maximum; a loaded
    exercise is never grown to fill time."""
    if exercise.loaded:
        return None
    if isinstance(dose, RepsDose):
        limit = min(exercise.dose.reps + 2, dose.max_reps or exercise.dose.reps + 2)
        return dose.model_copy(update={"reps": dose.reps + 1}) if dose.reps < limit else None
    base = exercise.dose.seconds if isinstance(exercise.dose, HoldDose) else dose.seconds
    limit = min(base + 4, dose.max_seconds or base)
    return (
        dose.model_copy(update={"seconds": dose.seconds + 2}) if dose.seconds + 2 <= limit else None
    )
