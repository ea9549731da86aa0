"""The person's routine for a focus: the same exercises each session, changed only for a
reason that the plan shows. Pure: no I/O, no clock (the moment is passed in).

Programmes people trust keep a small set of exercises and progress them over
weeks (CLINICAL.md, "Dose and progression rules"): a plan that changes every
day makes progression meaningless. So the first plan for a focus becomes its
routine, and later plans reuse it with the doses progression chose. It changes
when the person asks (--new), when their level or equipment changes or the
minutes no longer suit it, when an exercise is dropped, is too hard even at its
easiest dose or is skipped three times (its easier variant, or one like it,
takes its place), and part of it every 4 weeks. An exercise that a clinical rule
leaves out for a few days (the 7-day extension rule) keeps its place: another
stands in for it that day only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from backcoach.models import Catalogue, Exercise, Phase
from backcoach.plan.choosing import Choice, Pools, Request, like, main_reason, pools
from backcoach.vocabulary import Kind

if TYPE_CHECKING:
    from backcoach.history.routines import Entries, Routine

REFRESH_AFTER = timedelta(weeks=4)
# A session this much longer than the routine was made for gets a routine of its own.
LONGER_REBUILDS = 1.5


class Review(NamedTuple):
    """What to do with the saved routine today."""

    entries: Entries | None  # None: build a new one
    changes: tuple[str, ...]  # why it is new or changed; empty when unchanged
    refreshed: bool = False  # part of it was refreshed (4 weeks)


def review(
    saved: Routine | None,
    request: Request,
    catalogue: Catalogue,
    *,
    new: bool,
    dropped: Mapping[str, object],
    swap: Mapping[str, str],
    now: datetime,
) -> Review:
    """Keep the saved routine, change part of it (with the reasons), or build a new one.

    `dropped`: exercises the person never wants (id → since); `swap`: exercises that
    progression says should leave the routine (id → why).
    """
    if saved is None:
        return Review(None, ("a new routine for this focus: the same exercises each session",))
    if new:
        return Review(None, ("a new routine, as you asked (--new)",))
    changed = _settings_changed(saved, request)
    if changed:
        return Review(None, (f"a new routine: {changed}",))
    # Left out today only (a clinical rule) is not a reason to change the routine.
    allowed = pools(catalogue, request._replace(excluded={}))
    # Never in: what is dropped, and what progression would swap out again at once.
    avoid = {exercise_id for exercise_id, _ in saved.entries} | set(dropped) | set(swap)
    rework = _Rework(allowed, catalogue.by_id(), avoid)
    for exercise_id, phase in saved.entries:
        why = rework.leaves_because(exercise_id, dropped, swap)
        if why is None:
            rework.kept.append((exercise_id, phase))
        else:
            rework.replace(exercise_id, phase, why, easier_first=exercise_id in swap)
    refreshed = now - saved.refreshed_at >= REFRESH_AFTER and _refresh(rework, saved, now)
    had_main = any(phase == "main" for _, phase in saved.entries)
    if had_main and not any(phase == "main" for _, phase in rework.kept):
        return Review(None, (*rework.changes, "a new routine: none of its main exercises is left"))
    return Review(tuple(rework.kept), tuple(rework.changes), refreshed)


class _Rework:
    """The saved routine as it is being changed: the entries kept so far, the exercises
    that may not come in, and the reason for each change; what is allowed now."""

    __slots__ = ("allowed", "by_id", "available", "avoid", "kept", "changes")

    def __init__(self, allowed: Pools, by_id: Mapping[str, Exercise], avoid: set[str]) -> None:
        self.allowed, self.by_id, self.avoid = allowed, by_id, avoid
        self.available = {exercise.id for exercise in allowed.region}
        self.kept: list[tuple[str, Phase]] = []
        self.changes: list[str] = []

    def leaves_because(
        self, exercise_id: str, dropped: Mapping[str, object], swap: Mapping[str, str]
    ) -> str | None:
        """Why the exercise leaves the routine, or None: it stays."""
        if exercise_id in dropped:
            return "you dropped it"
        if exercise_id not in self.by_id or exercise_id not in self.available:
            return "it no longer fits your level and equipment (or left the catalogue)"
        return swap.get(exercise_id)

    def replace(self, exercise_id: str, phase: Phase, why: str, *, easier_first: bool) -> None:
        """One like it takes the exercise's place, or else it just leaves; either is said."""
        exercise = self.by_id.get(exercise_id)
        name = exercise.name if exercise is not None else exercise_id
        stand_in = (
            like(exercise, self.allowed, self.avoid, easier_first=easier_first)
            if exercise is not None
            else None
        )
        if stand_in is None:
            self.changes.append(
                f"{name} leaves your routine: {why}; nothing like it is left to take its place"
            )
            return
        self.kept.append((stand_in.id, phase))
        self.avoid.add(stand_in.id)
        self.changes.append(f"{stand_in.name} takes the place of {name} in your routine: {why}")


def _refresh(rework: _Rework, saved: Routine, now: datetime) -> bool:
    """Every 4 weeks one main exercise makes way for one like it, in turn."""
    entries = rework.kept
    mains = [index for index, (_, phase) in enumerate(entries) if phase == "main"]
    if not mains:
        return False
    turn = (now - saved.started_at) // REFRESH_AFTER
    index = mains[int(turn) % len(mains)]
    exercise = rework.by_id[entries[index][0]]
    fresh = like(exercise, rework.allowed, rework.avoid)
    if fresh is None:
        return False
    entries[index] = (fresh.id, "main")
    rework.avoid.add(fresh.id)
    rework.changes.append(
        f"{fresh.name} takes the place of {exercise.name} in your routine: "
        "4 weeks with the same exercises"
    )
    return True


def _settings_changed(saved: Routine, request: Request) -> str:
    if saved.level is not request.level:
        return f"your level changed from {saved.level.value} to {request.level.value}"
    equipment = tuple(sorted(request.equipment, key=lambda e: e.value))
    if saved.equipment != equipment:
        words = ", ".join(e.value for e in equipment) or "none"
        return f"your equipment changed (now {words})"
    if request.minutes >= saved.minutes * LONGER_REBUILDS:
        return f"{request.minutes} minutes asked for; the routine was made for {saved.minutes}"
    return ""


def today(request: Request, catalogue: Catalogue, entries: Entries) -> tuple[list[Choice], Pools]:
    """Today's choices from the routine: each exercise at its progressed dose; one left out
    today by a clinical rule has another stand in for it, for today only."""
    today_pools = pools(catalogue, request)
    by_id = catalogue.by_id()
    offered = {exercise.id for exercise in today_pools.region}
    avoid = {exercise_id for exercise_id, _ in entries}
    stretch_only = request.kinds == frozenset({Kind.STRETCH})
    chosen: list[Choice] = []
    for exercise_id, phase in entries:
        exercise = by_id.get(exercise_id)
        if exercise is None:
            continue
        if exercise_id in offered:
            reason = _reason(exercise, phase, stretch_only)
            chosen.append(Choice(exercise, phase, today_pools.doses[exercise_id], reason))
            continue
        if exercise_id not in request.excluded:
            continue
        stand_in = like(
            exercise, today_pools, avoid, easier_first=True, stand_in=exercise_id in request.spread
        )
        if stand_in is not None:
            avoid.add(stand_in.id)
            reason = f"in place of {exercise.name} today only (left out: see the notes)"
            chosen.append(Choice(stand_in, phase, today_pools.doses[stand_in.id], reason, True))
    return chosen, today_pools


def _reason(exercise: Exercise, phase: Phase, stretch_only: bool) -> str:
    if phase == "warm-up":
        return "your routine: gentle mobility to warm up"
    if phase == "cool-down":
        return "your routine: a calm stretch to finish"
    return f"your routine: {main_reason(exercise, stretch_only)}"
