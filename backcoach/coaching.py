"""From what the person asked for to the plan: the one place `plan` and `start` share.

options on the command line → over config.toml's defaults → a planner Request
→ progression's doses and exclusions from the history → the candidates from
the catalogue → the Plan. `cli.py` only parses and prints; `session.py` runs
what this prepares.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from backcoach.errors import UsageError
from backcoach.vocabulary import Region

if TYPE_CHECKING:
    from backcoach.library import Library
    from backcoach.models import Catalogue, Plan
    from backcoach.planner import Request
    from backcoach.storage import History

# Seeds are stored in the history (SQLite INTEGER) and shown to people: keep them small.
MAX_SEED = 2**31 - 1


class Choices(NamedTuple):
    """What the person said on the command line; None means "my default"."""

    focus: Sequence[str] | None = None
    minutes: int | None = None
    level: str | None = None
    equipment: Sequence[str] | None = None
    seed: int | None = None
    flare_up: bool = False
    # start --yes: no question can be asked, so no symptom question either.
    no_questions: bool = False


NO_QUESTIONS = (
    "--yes asks nothing, so no question about leg symptoms can follow them "
    "(answer the questions to include them)"
)


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
    from backcoach.planner import Request
    from backcoach.vocabulary import check_minutes, parse_equipment, parse_focus, parse_level

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


class Prepared(NamedTuple):
    """A request with its history applied, and the exercises it may draw from."""

    request: Request
    candidates: Catalogue

    def plan(self, *, flare_up: bool | None = None) -> Plan:
        """The plan; `flare_up` switches to (or from) the gentle flare-up session."""
        from backcoach import planner

        request = self.request
        if flare_up is not None:
            request = request._replace(flare_up=flare_up)
        return planner.build(self.candidates, request)


def prepare(
    library: Library,
    choices: Choices,
    history: History | None = None,
    defaults: dict[str, Any] | None = None,
) -> Prepared:
    """Everything a plan needs. Without `history`, the saved one is read if it exists."""
    request = request_for(choices, defaults if defaults is not None else settings())
    # Both regions: the planner keeps to the focus itself, and a flare-up day may need
    # gentle exercises from the whole back when the focus has too few.
    candidates = library.candidates(
        frozenset(Region), request.level, request.equipment, request.seed
    )
    request = _progressed(request, candidates, library, history)
    if choices.no_questions:  # the rule wins over the convenience (CLINICAL.md)
        excluded = dict(request.excluded)
        excluded.update((e.id, NO_QUESTIONS) for e in candidates.exercises if e.extension)
        request = request._replace(excluded=excluded)
    return Prepared(request, candidates)


def _progressed(
    request: Request, candidates: Catalogue, library: Library, history: History | None
) -> Request:
    """The request with progression's doses and exclusions for the candidates, from the history."""
    from backcoach.progression import extension_pause, next_doses
    from backcoach.storage import existing_history, now

    moment = now()
    ids = [exercise.id for exercise in candidates.exercises]
    if history is None:
        found = existing_history()
        if found is None:
            return request
        with found:
            recent = found.recent_for_progression(ids, moment)
    else:
        recent = history.recent_for_progression(ids, moment)
    seen = {record.id: None for session in recent for record in session.exercises}
    known = {exercise.id: exercise for exercise in library.get_many(sorted(seen))}
    progress = next_doses(recent, known.values(), moment)
    excluded = dict(progress.excluded)
    pause = extension_pause(
        recent, lambda exercise_id: exercise_id in known and known[exercise_id].extension, moment
    )
    if pause is not None:
        excluded.update((e.id, pause) for e in candidates.exercises if e.extension)
    return request._replace(doses=progress.doses, excluded=excluded, dose_reasons=progress.reasons)
