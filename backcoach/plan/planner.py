"""Build a session plan from a catalogue and a request. Pure: no I/O, no clock.

A plan has three phases: a warm-up of gentle mobility, a main block from the
person's focus, and a cool-down of stretches. Its time is counted with
timeline.dose_seconds, the same arithmetic the engine's timeline adds up to.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from backcoach.errors import UsageError
from backcoach.models import Catalogue, Exercise, Phase, Plan, Step
from backcoach.plan.choosing import (
    ATTEMPTS,
    EXTRA_REASON,
    FILL_TARGET,
    GET_READY_MOST,
    MAIN_MOST,
    NOT_ROUTINE,
    UPRIGHT,
    Choice,
    Pools,
    Request,
    extra_dose,
    extra_gentle,
    fill,
    flare_up_dose,
    get_ready,
    like,
    main_reason,
    order,
    pools,
    shuffled,
    total,
)
from backcoach.plan.timeline import dose_seconds
from backcoach.vocabulary import Kind, Position

__all__ = ["Request", "build", "flare_up_dose"]

# The cool-down: a calm stretch to finish, and at most one more in a routine.
COOL_DOWN_MOST = 2
# The share of the minutes a new routine takes at its first doses.
ROUTINE_SHARE = 0.75
ROOM_TO_GROW_FROM = 8  # minutes


def build(catalogue: Catalogue, request: Request) -> Plan:
    """The session for `request`: the routine's exercises when it has one, else a fresh
    choice reproducible from the seed; within budget except a routine that has outgrown
    it (coaching.py then makes a new one)."""
    rng = random.Random(request.seed)
    budget = request.minutes * 60
    allowed = pools(catalogue, request)
    # What a rule leaves out that this plan would have held: named in the notes.
    would_hold: list[Exercise] = []
    if not allowed.region:
        raise UsageError(
            "no exercise fits: nothing in the catalogue matches this focus, level and equipment"
        )
    day_notes: list[str] = []
    if request.snack or request.flare_up:
        from backcoach.plan.gentle import desk_break, flare_up_day

        short = (desk_break if request.snack else flare_up_day)(catalogue, request, budget, rng)
        best, would_hold, day_notes = short
    elif request.routine is not None:
        from backcoach.plan.routine import today

        chosen, allowed = today(request, catalogue, request.routine)
        by_id = catalogue.by_id()
        would_hold = [by_id[i] for i, _ in request.routine if i in request.excluded and i in by_id]
        best = _filled(order(chosen), allowed, budget, request)
    else:
        # A seed is a promise: the draw is made from the seed and the options alone (the
        # catalogue's doses, nothing left out), so that `start --seed N` runs what
        # `plan --seed N` showed whatever happened in between; progression's doses and
        # today's rules then apply to the drawn exercises, in place.
        drawn = _draw(catalogue, request, budget, rng)
        would_hold = [c.exercise for c in drawn if c.exercise.id in request.excluded]
        best, day_notes = _in_place(drawn, allowed, request, budget)
    if not best and request.flare_up and request.positions_out.get(Position.SUPINE):
        raise UsageError(
            "no gentle exercise in this catalogue is done lying on your side: today, walk "
            "gently instead, a little and often"
        )
    if not best:
        minutes = f"{request.minutes} minute{'' if request.minutes == 1 else 's'}"
        raise UsageError(f"no exercise fits in {minutes}: try a longer session")
    steps, seconds = _steps(best, request)
    used_all = {e.id for e in allowed.region} <= {choice.exercise.id for choice in best}
    notes = _notes(seconds, budget, len(allowed.main) if used_all else None, request)
    notes += _no_fill_ins(steps, catalogue, request)
    notes += day_notes + _left_out(request, would_hold) + list(request.cautions)
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
        total_seconds=seconds,
        budget_seconds=budget,
        notes=tuple(notes),
        flare_up=request.flare_up,
        routine=request.routine is not None and not request.flare_up and not request.snack,
        snack=request.snack,
    )


def _filled(choices: list[Choice], allowed: Pools, budget: int, request: Request) -> list[Choice]:
    """Today's fill-ins (CLINICAL.md, "Pacing the first weeks"): none the session after a
    step back; in a routine's first week, no extra sets."""
    if request.no_fill_ins:
        return choices
    grown = fill(choices, budget, request.held, first_week=request.first_week)
    return extra_gentle(grown, allowed, budget)


def _in_place(
    drawn: list[Choice], allowed: Pools, request: Request, budget: int
) -> tuple[list[Choice], list[str]]:
    """The draw for today: each exercise at progression's dose; each one a rule leaves
    out replaced, in its place, by one like it (or left out with no stand-in when none
    is like it or the minutes would run over); today's extras only while they fit and
    fill-ins are allowed. Never redrawn: when grown doses no longer fit, a note says so."""
    avoid = {choice.exercise.id for choice in drawn}
    out: list[Choice] = []
    for choice in drawn:
        exercise = choice.exercise
        if exercise.id in allowed.doses:
            if choice.for_today and request.no_fill_ins:
                continue
            reason = choice.reason  # the draw's for_today choices are its extras
            dose = allowed.doses[exercise.id]
            if choice.for_today:
                reason = EXTRA_REASON if request.one_off else EXTRA_REASON + NOT_ROUTINE
                dose = extra_dose(exercise, allowed)  # never a step up
            out.append(choice._replace(dose=dose, reason=reason))
            continue
        if exercise.id not in request.excluded or (choice.for_today and request.no_fill_ins):
            continue
        stand_in = like(
            exercise, allowed, avoid, easier_first=True, stand_in=exercise.id in request.spread
        )
        if stand_in is None:
            continue
        avoid.add(stand_in.id)
        reason = f"in place of {exercise.name} today (left out: see the notes)"
        out.append(Choice(stand_in, choice.phase, allowed.doses[stand_in.id], reason, True))
    for first in ("in place of", EXTRA_REASON):  # what goes first when it runs over
        while total(out) > budget:
            going = [i for i, c in enumerate(out) if c.reason.startswith(first)]
            if not going:
                break
            del out[going[-1]]
    seconds = total(out)
    if seconds > budget:
        return out, [
            f"your doses have grown since this draw: it now takes about {round(seconds / 60)} "
            f"minutes, more than the {request.minutes} asked for (the same exercises, not "
            "another draw: ask for more minutes, or another seed, for a plan that fits)"
        ]
    if request.no_fill_ins:
        return out, []
    return fill(out, budget, request.held, first_week=request.first_week), []


def _draw(catalogue: Catalogue, request: Request, budget: int, rng: random.Random) -> list[Choice]:
    """The seed's exercises, from the seed and the options alone: the catalogue's doses,
    nothing left out and no history, so that the same seed draws the same exercises
    after any session. Today's extra stretches are part of the draw (marked for today)."""
    plain = Request(
        regions=request.regions,
        kinds=request.kinds,
        minutes=request.minutes,
        level=request.level,
        equipment=request.equipment,
        seed=request.seed,
        first_week=True,  # no dose grown in the draw: the extras fill the room
    )
    return _fresh(pools(catalogue, plain), plain, budget, rng)


def _fresh(allowed: Pools, request: Request, budget: int, rng: random.Random) -> list[Choice]:
    """A few seeded attempts, keeping the fullest: one greedy pass can strand time that a
    different order would have used."""
    best: list[Choice] = []
    best_total = -1
    for _attempt in range(ATTEMPTS):
        # The routine takes part of the minutes: room for its doses to progress, which
        # today's extras use meanwhile.
        # Sessions under 8 minutes have no time to spare: they are remade if they outgrow it.
        share = ROUTINE_SHARE if request.minutes >= ROOM_TO_GROW_FROM else 1.0
        routine_budget = int(budget * share)
        selected = _select(allowed, request, routine_budget, rng)
        selected = _upright_warm_up(selected, allowed, routine_budget)
        choices = _filled(order(selected), allowed, budget, request)
        seconds = total(choices)
        if seconds > best_total:
            best, best_total = choices, seconds
        if seconds >= budget * FILL_TARGET:
            break
    return best


def _select(allowed: Pools, request: Request, budget: int, rng: random.Random) -> list[Choice]:
    """One greedy pass: warm-up, then a main block of at most 6 exercises alternating
    kinds (a routine small enough to progress), then the cool-down."""
    picks = _Picks(allowed)
    warmup_count = 1 if request.minutes < 20 else 2
    for exercise in shuffled(allowed.warmup, rng):
        if sum(c.phase == "warm-up" for c in picks.chosen) >= warmup_count:
            break
        picks.take(exercise, "warm-up", "gentle mobility to warm up", budget)

    # Keep room for a cool-down stretch, lying down if possible, before the main block.
    cooldowns = _cool_downs(allowed, picks.used, rng)
    reserved = cooldowns[0] if cooldowns else None
    reserve = picks.cost(reserved) if reserved is not None else 0
    _main_block(picks, request, budget - reserve, reserved, rng)

    if reserved is not None:
        picks.take(reserved, "cool-down", "a calm stretch to finish", budget)
    for exercise in cooldowns[1:COOL_DOWN_MOST]:
        if picks.spent >= budget * FILL_TARGET:
            break
        picks.take(exercise, "cool-down", "another calm stretch to finish", budget)
    return picks.chosen


class _Picks:
    """What one greedy pass has chosen so far, and the most time it can take."""

    __slots__ = ("allowed", "chosen", "used", "spent")

    def __init__(self, allowed: Pools) -> None:
        self.allowed = allowed
        self.chosen: list[Choice] = []
        self.used: set[str] = set()
        self.spent = 0

    def cost(self, exercise: Exercise) -> int:
        # Worst case get-ready (a change of position), so the ordered plan never overruns.
        return dose_seconds(self.allowed.doses[exercise.id], GET_READY_MOST)

    def take(self, exercise: Exercise, phase: Phase, reason: str, limit: int) -> bool:
        """Choose the exercise if it is new and fits within `limit` seconds."""
        if exercise.id in self.used or self.spent + self.cost(exercise) > limit:
            return False
        self.chosen.append(Choice(exercise, phase, self.allowed.doses[exercise.id], reason))
        self.used.add(exercise.id)
        self.spent += self.cost(exercise)
        return True


def _cool_downs(allowed: Pools, used: set[str], rng: random.Random) -> list[Exercise]:
    """Stretches to finish with, lying down first."""
    cooldowns = [e for e in shuffled(allowed.stretch, rng) if e.id not in used and not e.warmup]
    cooldowns.sort(key=lambda e: -e.position.rank)
    # Cool-downs come from the last position group (the floor), so that a session goes
    # between upright and the floor at most once.
    return [e for e in cooldowns if e.position not in UPRIGHT] or cooldowns


def _main_block(
    picks: _Picks, request: Request, limit: int, reserved: Exercise | None, rng: random.Random
) -> None:
    """At most 6 exercises of the kinds asked for, in turn, within `limit` seconds."""
    stretch_only = request.kinds == frozenset({Kind.STRETCH})
    by_kind = {
        kind: iter(
            shuffled([e for e in picks.allowed.main if e.kind is kind and e is not reserved], rng)
        )
        for kind in sorted(request.kinds, key=lambda k: k.value)
    }
    counts = dict.fromkeys(by_kind, 0)
    # Balance: no kind gets more than one ahead of a kind that could still be added.
    stuck: set[Kind] = set()
    while len(stuck) < len(by_kind) and sum(counts.values()) < MAIN_MOST:
        kind = min((k for k in by_kind if k not in stuck), key=lambda k: (counts[k], k.value))
        added = False
        for exercise in by_kind[kind]:  # an exercise that does not fit is not tried again
            if picks.take(exercise, "main", main_reason(exercise, stretch_only), limit):
                added = True
                break
        if added:
            counts[kind] += 1
        else:
            stuck.add(kind)
            if any(counts[kind] < counts[other] for other in by_kind if other is not kind):
                break  # the lagging kind is out: stop rather than unbalance the block


def _upright_warm_up(chosen: list[Choice], allowed: Pools, budget: int) -> list[Choice]:
    """A floor warm-up before a main block that starts upright would send the person down
    to the floor, up, and down again. An upright warm-up takes its place: one already in
    the main block changes roles with it, or else a spare one that fits."""
    if not any(c.phase == "main" and c.exercise.position in UPRIGHT for c in chosen):
        return chosen
    out = list(chosen)
    for index, choice in enumerate(out):
        if choice.phase != "warm-up" or choice.exercise.position in UPRIGHT:
            continue
        in_main = next(
            (
                i
                for i, c in enumerate(out)
                if c.phase == "main" and c.exercise.warmup and c.exercise.position in UPRIGHT
            ),
            None,
        )
        if in_main is not None:
            upright = out[in_main]
            out[in_main] = choice._replace(
                phase="main", reason=main_reason(choice.exercise, stretch_only=False)
            )
            out[index] = upright._replace(phase="warm-up", reason=choice.reason)
            continue
        used = {c.exercise.id for c in out}
        for spare in allowed.warmup:
            if spare.position not in UPRIGHT or spare.id in used:
                continue
            trial = list(out)
            trial[index] = Choice(spare, "warm-up", allowed.doses[spare.id], choice.reason)
            if total(order(trial)) <= budget:
                out = trial
                break
        else:  # no upright warm-up to be had: it becomes a stretch to finish, on the floor
            out[index] = choice._replace(phase="cool-down", reason="a calm stretch to finish")
    return out


def _steps(choices: Sequence[Choice], request: Request) -> tuple[list[Step], int]:
    """The plan's steps. Each keeps the dose to save (progression's, or the catalogue's)
    apart from the dose of today: what fills the minutes and a flare-up's cut are for
    today only, never saved as the dose (CLINICAL.md)."""
    steps: list[Step] = []
    previous: Position | None = None
    seconds_in_all = 0
    for choice in choices:
        exercise = choice.exercise
        ready = get_ready(previous, exercise.position)
        seconds = dose_seconds(choice.dose, ready)
        reason = choice.reason
        # An extra at its kept dose, not progression's step up (choosing.extra_gentle).
        kept_here = choice.reason.startswith(EXTRA_REASON) and choice.dose != request.doses.get(
            exercise.id, choice.dose
        )
        if exercise.id in request.dose_reasons and not kept_here:
            reason += f"; {request.dose_reasons[exercise.id]}"
        if request.flare_up:
            reason += "; flare-up dose: shorter and fewer"
        # A flare-up day or a desk break keeps the dose as it was: progression's change
        # waits for a normal session.
        as_it_was = request.flare_up or request.snack
        change = None if as_it_was or kept_here else request.dose_changes.get(exercise.id)
        saved = (
            request.kept.get(exercise.id, exercise.dose)
            if as_it_was or kept_here
            else request.doses.get(exercise.id, exercise.dose)
        )
        steps.append(
            Step.model_construct(
                exercise=exercise.id,
                name=exercise.name,
                phase=choice.phase,
                position=exercise.position,
                cue=exercise.first_cue,
                caution=exercise.key_caution,
                saved_dose=saved,
                dose=choice.dose,
                get_ready=ready,
                seconds=seconds,
                reason=reason,
                for_today=choice.for_today,
                dose_change=change,
                source=exercise.source_mark,
            )
        )
        seconds_in_all += seconds
        previous = exercise.position
    return steps, seconds_in_all


def _notes(seconds: int, budget: int, main_count: int | None, request: Request) -> list[str]:
    """What the plan needs to say. `main_count`: how many exercises match, when the plan
    uses every one of them (then that is why it is short), else None."""
    if request.snack:
        return [
            "a desk break: a few gentle exercises standing or sitting, nothing but a chair "
            "or a wall; then back to work, and stand up again within the hour"
        ]
    notes: list[str] = [] if request.flare_up else list(request.routine_notes)
    if not request.flare_up:
        notes.extend(request.progress_notes)
    if seconds < budget * FILL_TARGET and not request.flare_up:
        if request.first_week and not request.no_fill_ins:
            first = "your first week" if request.one_off else "the first week of this routine"
            notes.append(
                f"{first}: no extra sets or longer doses to fill the "
                "minutes (start with about 5 repetitions and add a little every few days)"
            )
        minutes = seconds / 60
        noun = "exercise matches" if main_count == 1 else "exercises match"
        if main_count is not None:
            notes.append(
                f"only {main_count} {noun} this focus, level and equipment: "
                f"{minutes:.0f} of {request.minutes} minutes"
                if main_count
                else "nothing matches this focus, level and equipment; "
                f"{minutes:.0f} minutes of stretches"
            )
        spare = round((budget - seconds) / 60)
        if spare >= 1:
            spare_words = f"{spare} minute{'' if spare == 1 else 's'}"
            notes.append(
                f"about {spare_words} to spare: a gentle walk is a good way to use "
                f"{'it' if spare == 1 else 'them'} "
                "(walking keeps a back moving)"
            )
    return notes  # a flare-up day's own notes are gentle.py's


def _no_fill_ins(steps: Sequence[Step], catalogue: Catalogue, request: Request) -> list[str]:
    """Why nothing fills the minutes after a step back, naming what stepped back: in this
    plan ("stepped back today"), or only in another ("the session after a step back")."""
    if not request.no_fill_ins or request.flare_up or request.snack:
        return []
    cause = request.after_step_back
    here = [s.name for s in steps if s.exercise in cause and s.exercise in request.dose_changes]
    if here:
        return [f"a dose stepped back today ({_and(here)}): nothing is added to fill the minutes"]
    names = sorted(e.name for e in catalogue.exercises if e.id in cause)
    after = f" ({_and(names)}, not in this plan)" if names else ""
    return [f"the session after a step back{after}: nothing is added to fill the minutes"]


def _left_out(request: Request, would_hold: Sequence[Exercise]) -> list[str]:
    """One note per reason, naming by name what this plan would have held: a rule that
    leaves out every back-bending exercise is one line ("left out A and B, because …"),
    and names none it never had."""
    by_reason: dict[str, list[str]] = {}
    for exercise in would_hold:
        names = by_reason.setdefault(request.excluded[exercise.id], [])
        if exercise.name not in names:
            names.append(exercise.name)
    return [
        f"left out {_and(names)}{', ' if why.startswith('because') else ': '}{why}"
        for why, names in by_reason.items()
    ]


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
