"""The two short sessions: a flare-up day and a desk break. Pure: no I/O, no clock.

Each is drawn from the seed as if nothing were left out, so that a seed is a promise
(`plan --flare-up --seed N` and `start --flare-up --seed N --yes` hold the same
exercises when nothing is left out); an exercise a rule leaves out then has an allowed
one stand in, in its place, and the plan names only what this day would have held.

A flare-up day (CLINICAL.md, "Dose and progression rules"): 3-5 gentle exercises lying
on the back or side, about 5 repetitions, never filled to the minutes. Past about 16
weeks of pregnancy nothing is done lying flat on the back, so the day is done on the
side, and is shorter when fewer than 3 such exercises remain ("Conditions that change
the plan").
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import NamedTuple

from backcoach.models import Catalogue, Dose, Exercise, has_equipment
from backcoach.plan.choosing import (
    GET_READY_MOST,
    Choice,
    Request,
    flare_up_dose,
    one_set,
    order,
    shuffled,
    total,
)
from backcoach.plan.progression import step_up
from backcoach.plan.timeline import dose_seconds
from backcoach.vocabulary import Equipment, Kind, Level, Position, Region

FLARE_UP_MOST = 5
FLARE_UP_LEAST = 3
LYING = frozenset({Position.SUPINE, Position.SIDE_LYING})
SNACK_MOST = 5


class Day(NamedTuple):
    """A short session's choices, what a rule left out of it, and its notes."""

    choices: list[Choice]
    would_hold: list[Exercise]
    notes: list[str]


def on_the_side(request: Request) -> str | None:
    """Why a flare-up day is done on the side (lying on the back ruled out), if it is."""
    return request.positions_out.get(Position.SUPINE)


def flare_up_day(catalogue: Catalogue, request: Request, budget: int, rng: random.Random) -> Day:
    """3-5 gentle exercises lying down (on the side when lying on the back is ruled out),
    about 5 repetitions; the whole back when the focus has too few."""
    side = on_the_side(request)
    side_day = side is not None
    lying = LYING - {Position.SUPINE} if side is not None else LYING

    def gentle(exercise: Exercise, regions: frozenset[Region], ruled: bool) -> bool:
        return (
            (exercise.kind is Kind.STRETCH or (side_day and ruled and _easy_side(exercise)))
            and exercise.level is Level.BEGINNER
            and exercise.position in (lying if ruled else LYING)
            and not exercise.extension
            and not exercise.loaded
            and not (ruled and exercise.id in request.excluded)
            and has_equipment(exercise, request.equipment)
            and bool(set(exercise.regions) & regions)
        )

    # Drawn as if nothing were left out; too few for the focus: the whole back (a note
    # says so), which also gives the stand-ins when those of the focus run out.
    regions = request.regions
    if sum(gentle(e, regions, False) for e in catalogue.exercises) < FLARE_UP_LEAST:
        regions = frozenset(Region)
    drawn = shuffled([e for e in catalogue.exercises if gentle(e, regions, False)], rng)
    whole = [e for e in catalogue.exercises if gentle(e, frozenset(Region), True)]
    why = "gentle, on your side, for a bad day" if side else "gentle, lying down, for a bad day"

    def make(exercise: Exercise, history: bool = True) -> Choice:
        dose = request.doses.get(exercise.id, exercise.dose) if history else exercise.dose
        return Choice(exercise, "main", flare_up_dose(dose), why)

    def fits(choices: list[Choice]) -> bool:
        return sum(dose_seconds(c.dose, GET_READY_MOST) for c in choices) <= budget

    chosen, left = in_place(drawn, make, fits, FLARE_UP_MOST, request, whole)
    return Day(order(chosen), left, _flare_up_notes(request, chosen, side))


def _easy_side(exercise: Exercise) -> bool:
    """On a day done on the side, a light strengthening movement lying on the side in
    counted reps (the clamshell) also counts as gentle: with so few side-lying stretches
    the day would otherwise be a single exercise. Holds (the side plank) do not."""
    return exercise.position is Position.SIDE_LYING and exercise.dose.type == "reps"


def _flare_up_notes(request: Request, chosen: Sequence[Choice], side: str | None) -> list[str]:
    notes: list[str] = []
    if any(not set(c.exercise.regions) & request.regions for c in chosen):
        notes.append(
            f"your focus has too few gentle exercises {'on your side' if side else 'lying down'}"
            ": some are for the whole back"
        )
    if side is None:
        notes.append(
            "flare-up day: a few gentle exercises lying down, about 5 repetitions each, and "
            "no more than that today; keep walking gently, a little and often"
        )
        return notes
    notes.append(
        "flare-up day, done lying on your side: not flat on your back, "
        f"{side}; about 5 repetitions each, and no more than that today; keep walking "
        "gently, a little and often"
    )
    if len(chosen) < FLARE_UP_LEAST:
        count = "1 gentle exercise" if len(chosen) == 1 else f"{len(chosen)} gentle exercises"
        notes.append(
            f"a shorter day: only {count} can be done on your side"
            if chosen
            else "no gentle exercise can be done on your side today: walk gently instead"
        )
    return notes


def desk_break(catalogue: Catalogue, request: Request, budget: int, rng: random.Random) -> Day:
    """Desk exercises (upright, a chair or a wall at most), kinds in turn, one set each at
    the dose last kept, as many as fit in the minutes (at most 5)."""
    at_a_desk = set(request.equipment) | {Equipment.CHAIR, Equipment.WALL}
    pool = [e for e in catalogue.exercises if e.desk and has_equipment(e, at_a_desk)]
    by_kind = {kind: shuffled([e for e in pool if e.kind is kind], rng) for kind in Kind}
    turns = [e for pair in zip(*by_kind.values(), strict=False) for e in pair]
    turns += [e for e in pool if e not in turns]

    def make(exercise: Exercise, history: bool = True) -> Choice:
        dose = _break_dose(exercise, request) if history else exercise.dose
        return Choice(exercise, "main", one_set(dose), "a desk break")

    chosen, left = in_place(turns, make, lambda c: total(order(c)) <= budget, SNACK_MOST, request)
    return Day(order(chosen), left, [])


def _break_dose(exercise: Exercise, request: Request) -> Dose:
    """A desk break's dose: as last kept (a break changes no dose and steps nothing up),
    but a step back progression chose still applies (sharp pain, too hard, back after
    two spreads with a clinician's OK: "a step lower", CLINICAL.md)."""
    kept = request.kept.get(exercise.id, exercise.dose)
    dose = request.doses.get(exercise.id, kept)
    return kept if dose == kept or step_up(exercise, kept) == dose else dose


def in_place(
    turns: Sequence[Exercise],
    make: Callable[[Exercise, bool], Choice],
    fits: Callable[[list[Choice]], bool],
    most: int,
    request: Request,
    more: Sequence[Exercise] = (),
) -> tuple[list[Choice], list[Exercise]]:
    """The draw as if nothing were left out and at the catalogue's doses (at most `most`
    that fit: the seed and the options alone decide it), then today's doses, and each one
    left out replaced by the next allowed one not drawn that fits (from `turns`, then from
    `more`); and those left out."""
    plain: list[Choice] = []
    for exercise in turns:
        if len(plain) == most:
            break
        if fits([*plain, make(exercise, False)]):
            plain.append(make(exercise, False))
    drawn = [make(choice.exercise, True) for choice in plain]
    used = {choice.exercise.id for choice in drawn}
    spares = [e for e in (*turns, *more) if e.id not in used and e.id not in request.excluded]
    spares = list({e.id: e for e in spares}.values())
    out: list[Choice] = []
    left: list[Exercise] = []
    for index, choice in enumerate(drawn):
        if choice.exercise.id not in request.excluded:
            out.append(choice)
            continue
        left.append(choice.exercise)
        after = [c for c in drawn[index + 1 :] if c.exercise.id not in request.excluded]
        for spare in spares:
            if fits([*out, make(spare, True), *after]):
                out.append(make(spare, True))
                spares.remove(spare)
                break
    return out, left
