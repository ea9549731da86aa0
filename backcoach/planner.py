"""Build a session plan from a catalogue and a request. Pure: no I/O, no clock.

A plan has three phases: a warm-up of gentle mobility, a main block from the
person's focus, and a cool-down of stretches. Its time is counted with
timeline.dose_seconds, the same arithmetic the engine's timeline adds up to.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from backcoach.errors import UsageError
from backcoach.models import (
    Catalogue,
    Dose,
    Exercise,
    HoldDose,
    Phase,
    Plan,
    RepsDose,
    Step,
    has_equipment,
)
from backcoach.timeline import dose_seconds
from backcoach.vocabulary import (
    DEFAULT_MINUTES,
    Equipment,
    Kind,
    Level,
    Position,
    Region,
    level_allows,
)

# Getting into position takes longer when it means getting up or down.
GET_READY_NEW_POSITION = 10
GET_READY_SAME_POSITION = 5
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
    # Why a dose differs from the catalogue's, for `plan` to show.
    dose_reasons: Mapping[str, str] = _EMPTY


# --- doses --------------------------------------------------------------------


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


# --- planning -------------------------------------------------------------------


class _Choice(NamedTuple):
    exercise: Exercise
    phase: Phase
    dose: Dose
    reason: str


def build(catalogue: Catalogue, request: Request) -> Plan:
    """The session for `request`: within budget, reproducible from the seed."""
    rng = random.Random(request.seed)
    budget = request.minutes * 60
    pools = _pools(catalogue, request)
    if not pools.region:
        raise UsageError(
            "no exercise fits: nothing in the catalogue matches this focus, level and equipment"
        )
    if request.flare_up:
        best = _order(_flare_up_choices(catalogue, request, budget, rng))
    else:
        # A few seeded attempts, keeping the fullest: one greedy pass can strand time
        # that a different order would have used.
        best = []
        best_total = -1
        for _attempt in range(ATTEMPTS):
            selected = _upright_warm_up(_select(pools, request, budget, rng), pools, budget)
            choices = _fill(_order(selected), budget)
            total = _total(choices)
            if total > best_total:
                best, best_total = choices, total
            if total >= budget * FILL_TARGET:
                break
    if not best:
        raise UsageError(f"no exercise fits in {request.minutes} minute(s): try a longer session")
    steps, total = _steps(best, request)
    notes = _notes(total, budget, len(pools.main), request, best)
    # Built from models already validated (doses, enums) and numbers computed here:
    # model_construct skips building Plan's validator, a tenth of `plan`'s start-up.
    return Plan.model_construct(
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
        flare_up=request.flare_up,
    )


FLARE_UP_MOST = 5
FLARE_UP_LEAST = 3
FLARE_UP_REPS = 5
_LYING = frozenset({Position.SUPINE, Position.SIDE_LYING})


def _flare_up_choices(
    catalogue: Catalogue, request: Request, budget: int, rng: random.Random
) -> list[_Choice]:
    """A flare-up day (CLINICAL.md): 3-5 gentle exercises lying on the back or side, about
    5 repetitions, never filled to the minutes. Whole back when the focus has too few."""

    def gentle(exercise: Exercise, regions: frozenset[Region]) -> bool:
        return (
            exercise.kind is Kind.STRETCH
            and exercise.level is Level.BEGINNER
            and exercise.position in _LYING
            and not exercise.extension
            and not exercise.loaded
            and exercise.id not in request.excluded
            and has_equipment(exercise, request.equipment)
            and bool(set(exercise.regions) & regions)
        )

    pool = [e for e in catalogue.exercises if gentle(e, request.regions)]
    if len(pool) < FLARE_UP_LEAST:  # too few for the focus: the whole back (a note says so)
        pool = [e for e in catalogue.exercises if gentle(e, frozenset(Region))]
    chosen: list[_Choice] = []
    spent = 0
    for exercise in _shuffled(pool, rng):
        if len(chosen) == FLARE_UP_MOST:
            break
        dose = flare_up_dose(request.doses.get(exercise.id, exercise.dose))
        cost = dose_seconds(dose, GET_READY_NEW_POSITION)
        if spent + cost > budget:
            continue
        chosen.append(_Choice(exercise, "main", dose, "gentle, lying down, for a bad day"))
        spent += cost
    return chosen


class _Pools(NamedTuple):
    region: list[Exercise]
    main: list[Exercise]
    stretch: list[Exercise]
    warmup: list[Exercise]
    doses: dict[str, Dose]


def _pools(catalogue: Catalogue, request: Request) -> _Pools:
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
    return _Pools(
        region=region,
        main=[e for e in region if e.kind in request.kinds],
        stretch=stretch,
        warmup=[e for e in stretch if e.warmup],
        doses=doses,
    )


def _select(pools: _Pools, request: Request, budget: int, rng: random.Random) -> list[_Choice]:
    """One greedy pass: warm-up, then the main block alternating kinds, then the cool-down."""
    chosen: list[_Choice] = []
    used: set[str] = set()
    spent = 0

    def cost(exercise: Exercise) -> int:
        # Worst case get-ready (a change of position), so the ordered plan never overruns.
        return dose_seconds(pools.doses[exercise.id], GET_READY_NEW_POSITION)

    def take(exercise: Exercise, phase: Phase, reason: str, limit: int) -> bool:
        nonlocal spent
        if exercise.id in used or spent + cost(exercise) > limit:
            return False
        chosen.append(_Choice(exercise, phase, pools.doses[exercise.id], reason))
        used.add(exercise.id)
        spent += cost(exercise)
        return True

    warmup_count = 1 if request.minutes < 20 else 2
    for exercise in _shuffled(pools.warmup, rng):
        if sum(c.phase == "warm-up" for c in chosen) >= warmup_count:
            break
        take(exercise, "warm-up", "gentle mobility to warm up", budget)

    # Keep room for a cool-down stretch, lying down if possible, before the main block.
    cooldowns = [e for e in _shuffled(pools.stretch, rng) if e.id not in used and not e.warmup]
    cooldowns.sort(key=lambda e: -e.position.rank)
    # Cool-downs come from the last position group (the floor), so that a session goes
    # between upright and the floor at most once.
    cooldowns = [e for e in cooldowns if e.position not in _UPRIGHT] or cooldowns
    reserved = cooldowns[0] if cooldowns else None
    reserve = cost(reserved) if reserved is not None else 0

    stretch_only = request.kinds == frozenset({Kind.STRETCH})
    by_kind = {
        kind: iter(_shuffled([e for e in pools.main if e.kind is kind and e is not reserved], rng))
        for kind in sorted(request.kinds, key=lambda k: k.value)
    }
    counts = dict.fromkeys(by_kind, 0)
    # Balance: no kind gets more than one ahead of a kind that could still be added.
    stuck: set[Kind] = set()
    while len(stuck) < len(by_kind):
        kind = min((k for k in by_kind if k not in stuck), key=lambda k: (counts[k], k.value))
        added = False
        for exercise in by_kind[kind]:  # an exercise that does not fit is not tried again
            if take(exercise, "main", _main_reason(exercise, stretch_only), budget - reserve):
                added = True
                break
        if added:
            counts[kind] += 1
        else:
            stuck.add(kind)
            if any(counts[kind] < counts[other] for other in by_kind if other is not kind):
                break  # the lagging kind is out: stop rather than unbalance the block

    if reserved is not None:
        take(reserved, "cool-down", "a calm stretch to finish", budget)
    for exercise in cooldowns[1:]:
        if spent >= budget * FILL_TARGET:
            break
        take(exercise, "cool-down", "another calm stretch to finish", budget)
    return chosen


def _shuffled(pool: Sequence[Exercise], rng: random.Random) -> list[Exercise]:
    out = list(pool)
    rng.shuffle(out)
    return out


def _main_reason(exercise: Exercise, stretch_only: bool) -> str:
    region = " and ".join(region.value for region in exercise.regions)
    if exercise.kind is Kind.STRENGTHEN:
        return f"strengthens the {region} back"
    if stretch_only:
        return f"stretches the {region} back"
    return f"stretches the {region} back, balancing the strengthening"


def _order(chosen: list[_Choice]) -> list[_Choice]:
    """Warm-up, main, cool-down; inside each, from standing down to lying on the back.

    Grouping by position keeps the person from going up and down from the floor.
    """
    phase_rank = {"warm-up": 0, "main": 1, "cool-down": 2}
    return sorted(
        chosen,
        key=lambda c: (
            phase_rank[c.phase],
            c.exercise.position not in _UPRIGHT,  # upright first, then the floor
            c.exercise.position.rank,
            c.exercise.id,
        ),
    )


_UPRIGHT = frozenset({Position.STANDING, Position.SITTING})


def _upright_warm_up(chosen: list[_Choice], pools: _Pools, budget: int) -> list[_Choice]:
    """A floor warm-up before a main block that starts upright would send the person down
    to the floor, up, and down again. An upright warm-up takes its place: one already in
    the main block changes roles with it, or else a spare one that fits."""
    if not any(c.phase == "main" and c.exercise.position in _UPRIGHT for c in chosen):
        return chosen
    out = list(chosen)
    for index, choice in enumerate(out):
        if choice.phase != "warm-up" or choice.exercise.position in _UPRIGHT:
            continue
        in_main = next(
            (
                i
                for i, c in enumerate(out)
                if c.phase == "main" and c.exercise.warmup and c.exercise.position in _UPRIGHT
            ),
            None,
        )
        if in_main is not None:
            upright = out[in_main]
            out[in_main] = choice._replace(
                phase="main", reason=_main_reason(choice.exercise, stretch_only=False)
            )
            out[index] = upright._replace(phase="warm-up", reason=choice.reason)
            continue
        used = {c.exercise.id for c in out}
        for spare in pools.warmup:
            if spare.position not in _UPRIGHT or spare.id in used:
                continue
            trial = list(out)
            trial[index] = _Choice(spare, "warm-up", pools.doses[spare.id], choice.reason)
            if _total(_order(trial)) <= budget:
                out = trial
                break
        else:  # no upright warm-up to be had: it becomes a stretch to finish, on the floor
            out[index] = choice._replace(phase="cool-down", reason="a calm stretch to finish")
    return out


def _get_ready(previous: Position | None, position: Position) -> int:
    return GET_READY_SAME_POSITION if previous == position else GET_READY_NEW_POSITION


def _total(choices: Sequence[_Choice]) -> int:
    total = 0
    previous: Position | None = None
    for choice in choices:
        total += dose_seconds(choice.dose, _get_ready(previous, choice.exercise.position))
        previous = choice.exercise.position
    return total


def _fill(choices: list[_Choice], budget: int) -> list[_Choice]:
    """Grow doses, within each exercise's limits, until the plan uses its time.

    First whole extra sets (main block first), then finer steps: a rep more or
    a few seconds longer per hold, never past the catalogue's maximum.
    """
    target = budget * FILL_TARGET
    if _total(choices) >= target:
        return choices
    order = sorted(range(len(choices)), key=lambda i: choices[i].phase != "main")
    for grow, note, rounds in (
        (_more_sets, "an extra set to fill the time", MAX_EXTRA_SETS),
        (_a_little_more, "a little more to fill the time", FINE_ROUNDS),
    ):
        for _round in range(rounds):
            for index in order:
                if _total(choices) >= target:
                    return choices
                choice = choices[index]
                bigger = grow(choice.dose, choice.exercise)
                if bigger is None:
                    continue
                trial = list(choices)
                reason = choice.reason if note in choice.reason else f"{choice.reason}; {note}"
                trial[index] = _Choice(choice.exercise, choice.phase, bigger, reason)
                if _total(trial) <= budget:
                    choices = trial
    return choices


def _more_sets(dose: Dose, exercise: Exercise) -> Dose | None:
    """One more set, or None where that makes no sense: a pyramid sets its own sets, and a
    loaded exercise (deadlift, rows, superman) never gains sets to fill time (CLINICAL.md)."""
    if exercise.loaded:
        return None
    if isinstance(dose, HoldDose):
        if dose.pyramid is not None:
            return None
        return dose.model_copy(update={"sets": (dose.sets or 1) + 1})
    return dose.model_copy(update={"sets": dose.sets + 1})


def _a_little_more(dose: Dose, exercise: Exercise) -> Dose | None:
    """One rep more, or 2 s longer holds, up to the exercise's own maximum."""
    if isinstance(dose, RepsDose):
        limit = min(exercise.dose.reps + 2, dose.max_reps or exercise.dose.reps + 2)
        return dose.model_copy(update={"reps": dose.reps + 1}) if dose.reps < limit else None
    base = exercise.dose.seconds if isinstance(exercise.dose, HoldDose) else dose.seconds
    limit = min(base + 4, dose.max_seconds or base)
    return (
        dose.model_copy(update={"seconds": dose.seconds + 2}) if dose.seconds + 2 <= limit else None
    )


def _steps(choices: Sequence[_Choice], request: Request) -> tuple[list[Step], int]:
    """The plan's steps. Each keeps the dose to save (progression's, or the catalogue's)
    apart from the dose of today: what fills the minutes and a flare-up's cut are for
    today only, never saved as the dose (CLINICAL.md)."""
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
            Step.model_construct(
                exercise=exercise.id,
                name=exercise.name,
                phase=choice.phase,
                position=exercise.position,
                cue=exercise.first_cue,
                caution=exercise.key_caution,
                saved_dose=request.doses.get(exercise.id, exercise.dose),
                dose=choice.dose,
                get_ready=get_ready,
                seconds=seconds,
                reason=reason,
            )
        )
        total += seconds
        previous = exercise.position
    return steps, total


def _notes(
    total: int, budget: int, main_count: int, request: Request, choices: Sequence[_Choice]
) -> list[str]:
    notes: list[str] = []
    if total < budget * FILL_TARGET and not request.flare_up:
        minutes = total / 60
        noun = "exercise matches" if main_count == 1 else "exercises match"
        notes.append(
            f"only {main_count} {noun} this focus, level and equipment: "
            f"{minutes:.0f} of {request.minutes} minutes"
            if main_count
            else "nothing matches this focus, level and equipment; "
            f"{minutes:.0f} minutes of stretches"
        )
    if request.flare_up and any(not set(c.exercise.regions) & request.regions for c in choices):
        notes.append(
            "your focus has too few gentle exercises lying down: some are for the whole back"
        )
    if request.flare_up:
        notes.append(
            "flare-up day: a few gentle exercises lying down, about 5 repetitions each, and "
            "no more than that today; keep walking gently, a little and often"
        )
    # One note per reason: a rule that leaves out every back-bending exercise is one line.
    by_reason: dict[str, list[str]] = {}
    for exercise_id, why in sorted(request.excluded.items()):
        by_reason.setdefault(why, []).append(exercise_id)
    for why, ids in by_reason.items():
        notes.append(f"left out {', '.join(ids)}: {why}")
    return notes
