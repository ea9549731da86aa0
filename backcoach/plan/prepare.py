"""From what the person asked for to the plan: the one place `plan` and `start` share.

options on the command line → over config.toml's defaults → a planner Request
→ progression's doses and exclusions from the history → the candidates from
the catalogue → the Plan. `cli.py` only parses and prints; `session.py` runs
what this prepares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from backcoach.errors import StorageError, UsageError
from backcoach.vocabulary import Position, Region

if TYPE_CHECKING:
    from backcoach.catalogue.library import Library
    from backcoach.history.routines import Routine
    from backcoach.history.store import History
    from backcoach.models import Catalogue, Dose, Plan, SessionRecord
    from backcoach.plan.planner import Request

# The first days of a routine: no extra sets to fill the minutes (CLINICAL.md).
FIRST_WEEK = timedelta(days=7)
# How far back the no-improvement rule reads pain before sessions.
TREND_READ = timedelta(weeks=8)
# The exclusion rules that leave out a whole position (clinical.rule_applies).
POSITION_RULES = frozenset({"prone", "supine"})
# Seeds are stored in the history (SQLite INTEGER) and shown to people: keep them small.
MAX_SEED = 2**31 - 1
# Why a one-off plan leaves out an exercise the person dropped.
DROPPED = "you dropped it (backcoach routine keep brings it back)"


class Choices(NamedTuple):
    """What the person said on the command line; None means "my default"."""

    focus: Sequence[str] | None = None
    minutes: int | None = None
    level: str | None = None
    equipment: Sequence[str] | None = None
    seed: int | None = None
    flare_up: bool = False
    # start --yes: no question can be asked, so no symptom question either (the gate
    # names what that leaves out).
    no_questions: bool = False
    # --new: a new routine for this focus.
    new: bool = False
    # snack / plan --snack: a desk break instead of a session.
    snack: bool = False


def settings() -> dict[str, Any]:
    """config.toml's settings, or the built-in defaults."""
    from backcoach import config

    return {key: value for key, (value, _) in config.effective(config.read()).items()}


def check_seed(seed: int | None) -> int:
    """The seed given, or a fresh one; a seed that would not repeat a plan is refused."""
    if seed is None:
        import secrets

        return secrets.randbelow(1_000_000)
    if not 0 <= seed <= MAX_SEED:
        raise UsageError(f"--seed must be a whole number from 0 to {MAX_SEED}, not {seed}")
    return seed


def request_for(choices: Choices, defaults: dict[str, Any]) -> Request:
    """The planner's request: each choice, or the person's default for it."""
    from backcoach.plan.planner import Request
    from backcoach.vocabulary import (
        DEFAULT_SNACK_MINUTES,
        check_minutes,
        check_snack_minutes,
        parse_equipment,
        parse_focus,
        parse_level,
    )

    if choices.snack:  # a desk break: its own few minutes, the whole back, upright
        return Request(
            minutes=check_snack_minutes(
                DEFAULT_SNACK_MINUTES if choices.minutes is None else choices.minutes
            ),
            equipment=parse_equipment(choices.equipment or []),
            seed=check_seed(choices.seed),
            snack=True,
        )
    minutes = choices.minutes if choices.minutes is not None else defaults["minutes"]
    regions, kinds = parse_focus(choices.focus if choices.focus is not None else defaults["focus"])
    equipment = choices.equipment if choices.equipment is not None else defaults["equipment"]
    return Request(
        regions=regions,
        kinds=kinds,
        minutes=check_minutes(minutes),
        level=parse_level(choices.level if choices.level is not None else defaults["level"]),
        equipment=parse_equipment(equipment),
        seed=check_seed(choices.seed),
        flare_up=choices.flare_up,
    )


class RoutineUpdate(NamedTuple):
    """The routine a plan uses, and whether (and why) it is new or changed."""

    routine: Routine
    changes: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class Prepared(NamedTuple):
    """A request with its history applied, and the exercises it may draw from: built once,
    after the questions, from their answers."""

    request: Request
    candidates: Catalogue
    # None: a one-off plan (--seed), which neither uses nor changes the routine.
    routine: RoutineUpdate | None = None

    def plan(self, *, flare_up: bool | None = None) -> Plan:
        """The plan; `flare_up` switches to (or from) the gentle flare-up session."""
        from backcoach.plan import planner

        request = self.request
        if flare_up is not None:
            request = request._replace(flare_up=flare_up)
        return planner.build(self.candidates, request)


def prepare(
    library: Library,
    choices: Choices,
    history: History | None = None,
    defaults: Mapping[str, Any] | None = None,
    moment: datetime | None = None,
    unsettled: int | None = None,
    exclusions: Sequence[tuple[str, str]] = (),
    extension_ok_at: datetime | None = None,
) -> Prepared:
    """Everything a plan needs. Without `history`, the saved one is read if it exists;
    `moment` is now unless given (tests of rules that span days); `unsettled`: a session
    whose pain was not settled by the next morning, whether or not that answer is saved;
    `exclusions`: what the safety gate leaves out, as (exercise attribute, reason)."""
    from backcoach.history.store import now
    from backcoach.vocabulary import focus_key

    defaults = defaults if defaults is not None else settings()
    request = request_for(choices, dict(defaults))
    # Both regions: the planner keeps to the focus itself, and a flare-up day may need
    # gentle exercises from the whole back when the focus has too few.
    candidates = library.candidates(
        frozenset(Region), request.level, request.equipment, request.seed
    )
    moment = moment or now()
    key = focus_key(request.regions, request.kinds)
    known = _Known.read(history, [e.id for e in candidates.exercises], key, moment)
    if unsettled is not None:
        recent = [
            s.model_copy(update={"next_morning": False}) if s.id == unsettled else s
            for s in known.recent
        ]
        known = known._replace(recent=recent)
    request, swap = _progressed(request, library, known.recent, moment, candidates, extension_ok_at)
    # The first 7 days of a routine (a new history, or a new routine): no extra sets.
    first_week = choices.new or known.saved is None or moment - known.saved.started_at < FIRST_WEEK
    request = request._replace(first_week=first_week)
    if known.trend is not None and not choices.snack:
        request = request._replace(progress_notes=(*request.progress_notes, known.trend))
    if choices.no_questions:  # the rule wins over the convenience (CLINICAL.md)
        request = _no_step_up(request)
        from backcoach.gate import NO_QUESTIONS

        exclusions = (*exclusions, *NO_QUESTIONS)
    if exclusions:
        from backcoach.clinical import LEG_SYMPTOMS_RULE, rule_applies
        from backcoach.gate import condition_advice

        excluded = dict(request.excluded)
        spread = set(request.spread)
        for rule, reason in exclusions:
            ruled = [e.id for e in candidates.exercises if rule_applies(rule, e)]
            excluded.update((exercise_id, reason) for exercise_id in ruled)
            if rule == LEG_SYMPTOMS_RULE[0]:
                spread.update(ruled)
        # A position left out (face down, flat on the back): a flare-up day says so.
        out = {Position(rule): why for rule, why in exclusions if rule in POSITION_RULES}
        request = request._replace(
            excluded=excluded,
            spread=frozenset(spread),
            positions_out=out,
            cautions=condition_advice(exclusions),
        )
    if choices.seed is not None and not choices.snack:
        # A one-off plan draws from the seed and the options alone: an exercise you
        # dropped keeps its place in the draw, and one like it stands in (plan.py).
        excluded = dict(request.excluded)
        for exercise_id in known.dropped:
            excluded.setdefault(exercise_id, DROPPED)
        request = request._replace(one_off=True, excluded=excluded)
        return Prepared(request, candidates, None)
    # Dropped exercises are never planned (`backcoach routine drop`): not even offered.
    wanted = candidates._replace(
        exercises=tuple(e for e in candidates.exercises if e.id not in known.dropped)
    )
    base = Prepared(request, wanted, None)
    if choices.snack:  # one-off: the routine is left alone
        return base
    return _with_routine(base, candidates, known, swap, key, moment, choices.new)


class _Known(NamedTuple):
    """What the history says that a plan needs."""

    recent: list[SessionRecord]
    saved: Routine | None
    dropped: Mapping[str, datetime]
    # The no-improvement line, when pain before sessions has not improved.
    trend: str | None = None

    @staticmethod
    def read(history: History | None, ids: list[str], key: str, moment: datetime) -> _Known:
        from backcoach.history.store import existing_history

        if history is None:
            found = existing_history()
            if found is None:
                return _Known([], None, {})
            with found:
                return _Known.read(found, ids, key, moment)
        from backcoach.history.overview import pain_before_since
        from backcoach.history.routines import dropped, read_routine
        from backcoach.history.stats import no_improvement

        trend = no_improvement(pain_before_since(history, moment - TREND_READ), moment)
        return _Known(
            history.recent_for_progression(ids, moment),
            read_routine(history, key),
            dropped(history),
            trend.line() if trend is not None else None,
        )


def _with_routine(
    base: Prepared,
    everything: Catalogue,
    known: _Known,
    swap: Mapping[str, str],
    key: str,
    moment: datetime,
    new: bool,
) -> Prepared:
    """The routine for this focus: kept, changed for a reason, or new (routine.py)."""
    from backcoach.history.routines import Routine
    from backcoach.plan import planner
    from backcoach.plan.routine import review

    request = base.request
    saved = known.saved
    decided = review(
        saved,
        request,
        everything,  # dropped ones included: their names, and what is like them
        new=new,
        dropped=known.dropped,
        swap=swap,
        now=moment,
    )
    changes = decided.changes
    entries = decided.entries
    if entries is not None and saved is not None:
        trial = planner.build(base.candidates, request._replace(routine=entries))
        if trial.total_seconds > trial.budget_seconds:
            entries = None
            changes = (
                f"a new routine: the last one takes {trial.total_seconds // 60} minutes, "
                f"more than the {request.minutes} asked for",
            )
    if entries is None:  # a new routine: a fresh plan's exercises, less today's extras
        # Drawn from a seed of the day and the options (and the routine it replaces), so
        # that `plan` shows today the routine `start` makes today.
        replaced = known.saved.entries if known.saved is not None else ()
        request = request._replace(seed=day_seed(moment, key, request, replaced))
        # Drawn as if nothing were left out (what `plan` shows is what `start` keeps):
        # an exercise a rule leaves out today keeps its place, and one stands in today.
        fresh = planner.build(base.candidates, request._replace(excluded={}))
        entries = tuple((s.exercise, s.phase) for s in fresh.steps if not s.for_today)
        saved = None
    routine = Routine(
        focus=key,
        level=request.level,
        equipment=tuple(sorted(request.equipment, key=lambda e: e.value)),
        minutes=saved.minutes if saved is not None else request.minutes,
        started_at=saved.started_at if saved is not None else moment,
        refreshed_at=moment if saved is None or decided.refreshed else saved.refreshed_at,
        entries=entries,
    )
    request = request._replace(routine=entries, routine_notes=changes)
    return base._replace(request=request, routine=RoutineUpdate(routine, changes))


def day_seed(
    moment: datetime, key: str, request: Request, replaced: Sequence[tuple[str, str]]
) -> int:
    """The seed of a new routine drawn today: the same all day, for the same options and
    the same routine replaced, so that `plan` and `start` draw the same exercises."""
    from hashlib import sha256

    words = [
        moment.astimezone().date().isoformat(),
        key,
        str(request.minutes),
        request.level.value,
        ",".join(sorted(e.value for e in request.equipment)),
        ",".join(f"{exercise_id}:{phase}" for exercise_id, phase in replaced),
    ]
    return int.from_bytes(sha256("|".join(words).encode()).digest()[:8], "big") % 1_000_000


def coming_doses(
    library: Library, history: History, ids: Sequence[str], moment: datetime
) -> dict[str, tuple[Dose, str]]:
    """What the next session runs for each exercise whose dose changes then, and why:
    the progression `plan` and `start` apply, for `routine` to show."""
    from backcoach.plan.progression import next_doses

    recent = history.recent_for_progression(list(ids), moment)
    if not recent:
        return {}
    progress = next_doses(recent, library.get_many(sorted(ids)), moment)
    return {
        exercise_id: (progress.doses[exercise_id], why)
        for exercise_id, why in progress.changed.items()
        if exercise_id in progress.doses
    }


def keep_routine(prepared: Prepared, plan: Plan, history: History | None = None) -> str | None:
    """Save the routine when it is new or changed; a flare-up day changes nothing. Returns
    why it could not be saved, if it could not (the plan goes on regardless)."""
    update = prepared.routine
    if update is None or not update.changed or plan.flare_up:
        return None
    from backcoach.history.routines import save_routine
    from backcoach.history.store import open_history

    try:
        if history is not None:
            save_routine(history, update.routine, update.changes)
        else:
            with open_history() as opened:
                save_routine(opened, update.routine, update.changes)
    except StorageError as error:
        return f"the routine could not be saved: {error.message}"
    return None


def _progressed(
    request: Request,
    library: Library,
    recent: list[SessionRecord],
    moment: datetime,
    candidates: Catalogue,
    extension_ok_at: datetime | None = None,
) -> tuple[Request, Mapping[str, str]]:
    """The request with progression's doses and exclusions, and the exercises that
    should leave the routine (with why)."""
    if not recent:
        return request, {}
    from backcoach.plan.progression import extension_pause, next_doses

    seen = {record.id: None for session in recent for record in session.exercises}
    known = {exercise.id: exercise for exercise in library.get_many(sorted(seen))}
    progress = next_doses(recent, known.values(), moment, extension_ok_at)
    excluded = dict(progress.excluded)
    pause = extension_pause(
        recent,
        lambda exercise_id: exercise_id in known and known[exercise_id].extension,
        moment,
        extension_ok_at,
    )
    if pause is not None:
        excluded.update((e.id, pause) for e in candidates.exercises if e.extension)
    progressed = request._replace(
        doses=progress.doses,
        excluded=excluded,
        spread=frozenset(excluded),  # every one of them: a spread, or the pause after one
        dose_reasons=progress.reasons,
        dose_changes=progress.changed,
        kept=progress.kept,
        held=progress.held,
        # The session after a step back: nothing added to fill the minutes.
        no_fill_ins=bool(progress.after_step_back),
        after_step_back=progress.after_step_back,
        progress_notes=progress.notes,
    )
    return progressed, progress.swap


def _no_step_up(request: Request) -> Request:
    """`--yes` answers nothing, so nothing steps up today (CLINICAL.md, "Dose and
    progression rules": "With no answers (`--yes`, skipped questions), nothing steps
    up"): each step up waits at the dose last kept; a step back still applies."""
    from backcoach.plan.progression import dose_words

    ups = [i for i in request.dose_changes if i not in request.held and i in request.kept]
    if not ups:
        return request
    doses, changes, reasons = (
        dict(request.doses),
        dict(request.dose_changes),
        dict(request.dose_reasons),
    )
    for exercise_id in ups:
        kept = request.kept[exercise_id]
        doses[exercise_id] = kept
        del changes[exercise_id]
        reasons[exercise_id] = (
            f"{dose_words(kept)}: as last time (--yes answers nothing, so nothing steps up)"
        )
    return request._replace(doses=doses, dose_changes=changes, dose_reasons=reasons)
