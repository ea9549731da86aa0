"""The catalogue and plan models: frozen, validated, cross-references checked.

The YAML schema these models accept is documented field by field in
docs/catalogue.md; keep the two in step.
"""

import os
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal, NamedTuple

# Pydantic looks for plugins in every installed package's metadata when a model is
# built, which costs tens of milliseconds at start-up; backcoach uses none. Typer
# does the same around its own adapters.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

from pydantic import (  # noqa: E402
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from backcoach.clinical import exercise_problems  # noqa: E402
from backcoach.vocabulary import (  # noqa: E402
    Equipment,
    Kind,
    Level,
    Position,
    Region,
    hidden_character,  # noqa: E402
)

KEBAB_CASE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Bounds on every number, so that a typo (a 3000 s hold) is caught by `validate`.
MAX_HOLD_SECONDS = 300
MAX_REPS = 50
MAX_SETS = 10
MAX_REST_SECONDS = 300
MAX_TEMPO_PHASE_SECONDS = 10
# Items in one exercise's lists: a million steps once passed validate, then took 1.8 GB.
MAX_ITEMS = 30

# A number is a number and a yes/no is a yes/no: YAML's `seconds: true` is not 1.
Count = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]

# Plain text only: no control (an escape sequence could write the clipboard or hide a
# caution), bidi or zero-width character (hidden_character); tabs, long text's line breaks.


def _plain(multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        found = hidden_character(value.replace("\t", " "), newlines=multiline)
        if found:
            at = value.index(chr(int(found[2:], 16)))
            what = "control" if ord(value[at]) < 0xA0 else "hidden (bidi or zero-width)"
            raise ValueError(
                f"holds a {what} character ({value[at]!r}, {found}) at character "
                f"{at + 1}: catalogue text must be plain"
                + ("" if multiline else " and on one line")
            )
        return value

    return AfterValidator(check)


ShortText = Annotated[str, Field(min_length=1, max_length=300), _plain(multiline=False)]
LongText = Annotated[str, Field(min_length=1, max_length=1000), _plain(multiline=True)]


class _Frozen(BaseModel):
    # defer_build: each model's validator is built on first use, so a command that
    # needs no models (list reads the cache's columns) never pays for building them.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )


class HoldDose(_Frozen):
    """Timed holds: `reps` holds of `seconds` each per set, or a descending pyramid."""

    type: Literal["hold"]
    seconds: Count = Field(ge=1, le=MAX_HOLD_SECONDS)
    reps: Count = Field(default=1, ge=1, le=30)
    sets: Count | None = Field(default=None, ge=1, le=MAX_SETS)
    pyramid: tuple[Count, ...] | None = None
    rest: Count = Field(default=20, ge=0, le=MAX_REST_SECONDS)
    relax: Count = Field(default=3, ge=0, le=60)
    per_side: Flag = False
    max_seconds: Count | None = Field(default=None, ge=1, le=MAX_HOLD_SECONDS)

    @field_validator("pyramid")
    @classmethod
    def _descending(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is None:
            return value
        if not 2 <= len(value) <= MAX_SETS:
            raise ValueError(f"a pyramid has 2 to {MAX_SETS} sets")
        if any(not 1 <= reps <= 30 for reps in value):
            raise ValueError("each pyramid set has 1 to 30 holds")
        if any(later >= earlier for earlier, later in zip(value, value[1:], strict=False)):
            raise ValueError("a pyramid must go down, such as 6-4-2")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "HoldDose":
        if self.pyramid is not None and self.sets is not None and self.sets != len(self.pyramid):
            raise ValueError("give either sets or a pyramid (the pyramid sets the sets)")
        if self.pyramid is not None and self.reps != 1:
            raise ValueError("give either reps or a pyramid (the pyramid sets the reps)")
        if self.max_seconds is not None and self.max_seconds < self.seconds:
            raise ValueError("max_seconds is below seconds")
        return self

    @property
    def reps_per_set(self) -> tuple[int, ...]:
        if self.pyramid is not None:
            return self.pyramid
        return (self.reps,) * (self.sets or 1)

    def describe(self) -> str:
        """The dose in plain English, the one wording every view uses (issue 24):
        "3 holds of 10 s, each side", "holds of 8 s: 3, then 2, each side"."""
        side = ", each side" if self.per_side else ""
        if self.pyramid is not None:
            steps = ", then ".join(str(n) for n in self.pyramid)
            return f"holds of {self.seconds} s: {steps}{side}"
        holds = f"{self.reps} holds" if self.reps > 1 else "a hold"
        sets = f"{self.sets} sets of " if (self.sets or 1) > 1 else ""
        return f"{sets}{holds} of {self.seconds} s{side}"


class RepsDose(_Frozen):
    """Counted repetitions, each moving through the tempo's phases in order."""

    type: Literal["reps"]
    reps: Count = Field(ge=1, le=MAX_REPS)
    tempo: dict[str, Count] = Field(min_length=1, max_length=4)
    sets: Count = Field(default=1, ge=1, le=MAX_SETS)
    rest: Count = Field(default=30, ge=0, le=MAX_REST_SECONDS)
    per_side: Flag = False
    max_reps: Count | None = Field(default=None, ge=1, le=MAX_REPS)

    @field_validator("tempo")
    @classmethod
    def _phases(cls, value: dict[str, int]) -> dict[str, int]:
        for name, seconds in value.items():
            if not re.fullmatch(r"[a-z][a-z ]{0,15}", name):
                raise ValueError(
                    f"tempo phase {name!r} must be a short lowercase word such as up, hold, down"
                )
            if not 1 <= seconds <= MAX_TEMPO_PHASE_SECONDS:
                raise ValueError(
                    f"tempo phase {name!r} lasts 1 to {MAX_TEMPO_PHASE_SECONDS} seconds"
                )
        return value

    @model_validator(mode="after")
    def _max(self) -> "RepsDose":
        if self.max_reps is not None and self.max_reps < self.reps:
            raise ValueError("max_reps is below reps")
        return self

    @property
    def reps_per_set(self) -> tuple[int, ...]:
        return (self.reps,) * self.sets

    @property
    def rep_seconds(self) -> int:
        return sum(self.tempo.values())

    def tempo_words(self) -> str:
        """ "lift 2 s · hold 2 s · lower 2 s": each phase with its unit."""
        return " · ".join(f"{name} {seconds} s" for name, seconds in self.tempo.items())

    def describe(self) -> str:
        """ "8 reps, each side", "2 sets of 8 reps": the one wording every view uses."""
        side = ", each side" if self.per_side else ""
        reps = f"{self.reps} rep{'' if self.reps == 1 else 's'}{side}"
        return reps if self.sets == 1 else f"{self.sets} sets of {reps}"


Dose = Annotated[HoldDose | RepsDose, Field(discriminator="type")]
Url = Annotated[str, Field(pattern=r"^https?://[!-~]+$", max_length=500)]


class Source(_Frozen):
    """Where the facts and the dose come from. A web page needs its address; a book or a
    paper its year and its ISBN or DOI; a printed leaflet its year (docs/catalogue.md)."""

    type: Literal["web", "book", "paper", "leaflet"] = "web"
    title: ShortText
    publisher: ShortText
    url: Url | None = None
    year: Count | None = Field(default=None, ge=1800, le=2100)
    isbn: str | None = Field(default=None, pattern=r"^(97[89]-?)?(\d-?){9}[\dX]$")
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/[!-~]+$", max_length=200)
    # A source of low authority (a vendor's page, a Q&A article, a summary): CLINICAL.md.
    evidence: Literal["low"] | None = None

    @model_validator(mode="after")
    def _complete(self) -> "Source":
        missing = ["its address (url)"] if self.type == "web" and not self.url else []
        missing += ["its year"] if self.type != "web" and not self.year else []
        if self.type in ("book", "paper") and not (self.isbn or self.doi):
            missing.append("its ISBN or DOI")  # a leaflet, printed by a clinic, has neither
        if missing:
            raise ValueError(f"a {self.type} source needs {' and '.join(missing)}")
        return self


class Origin(_Frozen):
    """Where an imported exercise came from, and under what licence."""

    dataset: ShortText
    record: ShortText
    licence: ShortText
    author: ShortText | None = None
    url: Url | None = None


# A field still to be written by a person: "TODO ..." (a draft from `backcoach import`).
TODO = "TODO"


class Exercise(_Frozen):
    id: str = Field(min_length=1, max_length=60)
    name: ShortText
    aliases: tuple[ShortText, ...] = Field(default=(), max_length=MAX_ITEMS)
    regions: tuple[Region, ...] = Field(min_length=1)
    kind: Kind
    level: Level
    position: Position
    # Which drawing of a kneeling start (render/figures.py): one knee down and the other
    # foot forward, or sitting back on the heels. None: the position's own figure.
    figure: Literal["half-kneeling", "sitting-back"] | None = None
    equipment: tuple[Equipment, ...] = ()
    purpose: LongText
    steps: tuple[LongText, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    cues: tuple[ShortText, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    mistakes: tuple[ShortText, ...] = Field(default=(), max_length=MAX_ITEMS)
    cautions: tuple[LongText, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    dose: Dose
    warmup: Flag = False
    # What keeps an exercise out of a plan (CLINICAL.md, "Conditions that change the
    # plan"): required, so that every catalogue says each one (docs/catalogue.md).
    extension: Flag
    nerve_tension: Flag
    loaded: Flag
    loaded_flexion: Flag
    end_range: Flag
    # Fit for a break at the desk (`backcoach snack`): upright, gentle, a chair or a wall.
    desk: Flag = False
    evidence: Literal["low"] | None = None
    easier: tuple[str, ...] = Field(default=(), max_length=MAX_ITEMS)
    harder: tuple[str, ...] = Field(default=(), max_length=MAX_ITEMS)
    sources: tuple[Source, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    # An imported draft is `reviewed: false` until a person has filled in its TODOs;
    # it never enters a plan.
    reviewed: Flag = True
    origin: Origin | None = None
    # Set by the loader, never written in a catalogue file: the person's own catalogue
    # (not the bundled one), and a draft's fields still TODO.
    personal: Flag = False
    todos: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _kebab(cls, value: str) -> str:
        if not KEBAB_CASE.fullmatch(value):
            raise ValueError(f"{value!r} is not kebab-case (lowercase words joined by hyphens)")
        return value

    @field_validator("regions", "equipment")
    @classmethod
    def _no_repeats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("lists a value twice")
        return value

    @model_validator(mode="after")
    def _clinical_rules(self) -> "Exercise":
        """The rules of CLINICAL.md a checker can check (clinical.exercise_problems)."""
        if problems := exercise_problems(self):
            raise ValueError("; ".join(problems))
        return self

    @property
    def needs(self) -> frozenset[Equipment]:
        """Equipment beyond the mat everyone is assumed to have."""
        return frozenset(self.equipment) - {Equipment.MAT}

    @property
    def source_mark(self) -> str:
        """Where it comes from, as `list`, `show` and `plan` say it."""
        if self.origin is not None:
            return "imported"
        return "yours" if self.personal else "bundled"

    @property
    def first_cue(self) -> str:
        return self.cues[0]

    @property
    def key_caution(self) -> str:
        """The most important caution (the catalogue lists it first): said at "get ready"."""
        return self.cautions[0]

    @classmethod
    def trusted(cls, data: dict[str, Any]) -> "Exercise":
        """An exercise from JSON this program validated and wrote itself (the cache), as is:
        converted to what validation would give, not checked again (building the validator
        costs more than `show` itself; tests/test_library.py compares the two)."""
        values = dict(data)
        for name in _TEXT_TUPLES:
            values[name] = tuple(data[name])
        values["regions"] = tuple(map(Region, data["regions"]))
        values["equipment"] = tuple(map(Equipment, data["equipment"]))
        values["kind"], values["level"] = Kind(data["kind"]), Level(data["level"])
        values["position"] = Position(data["position"])
        dose = dict(data["dose"])
        if dose["type"] == "hold":
            if dose["pyramid"] is not None:
                dose["pyramid"] = tuple(dose["pyramid"])
            values["dose"] = HoldDose.model_construct(**dose)
        else:
            values["dose"] = RepsDose.model_construct(**dose)
        values["sources"] = tuple(Source.model_construct(**source) for source in data["sources"])
        if data.get("origin") is not None:
            values["origin"] = Origin.model_construct(**data["origin"])
        return cls.model_construct(**values)


_TEXT_TUPLES = (
    "aliases", "steps", "cues", "mistakes", "cautions", "easier", "harder", "todos"
)  # fmt: skip


class Catalogue(NamedTuple):
    """Validated exercises, in the file's order (each was validated on its own).

    A plain NamedTuple, not a model: nothing ever validates a catalogue as a
    whole, and each model class costs about a millisecond to create at import.
    """

    exercises: tuple[Exercise, ...]
    version: int = 1

    def by_id(self) -> dict[str, Exercise]:
        return {exercise.id: exercise for exercise in self.exercises}


Phase = Literal["warm-up", "main", "cool-down"]


class Step(_Frozen):
    """One exercise in a plan, with the dose to do and the time it takes."""

    exercise: str
    name: str
    phase: Phase
    position: Position
    cue: str
    dose: Dose
    caution: str = ""  # the exercise's most important caution, shown at "get ready"
    # The dose progression keeps for next time: `dose` less anything added to fill the
    # minutes, and before a flare-up's cut. None in plans made before it existed.
    saved_dose: Dose | None = None
    get_ready: int
    seconds: int
    reason: str
    # Added for this session only: not part of the routine, never saved as one.
    for_today: bool = False
    # Why progression changed the dose this time (stored with the session), if it did.
    dose_change: str | None = None
    # Where the exercise comes from: "bundled", "yours" or "imported" (reviewed).
    source: str = "bundled"


class Plan(_Frozen):
    seed: int
    minutes: int
    regions: tuple[Region, ...]
    kinds: tuple[Kind, ...]
    level: Level
    equipment: tuple[Equipment, ...]
    steps: tuple[Step, ...]
    total_seconds: int
    budget_seconds: int
    notes: tuple[str, ...] = ()
    flare_up: bool = False
    # The person's routine for this focus (not a one-off plan from --seed).
    routine: bool = False
    # A short break at the desk (`backcoach snack`), not a session on the floor.
    snack: bool = False


def has_equipment(exercise: Exercise, available: Iterable[Equipment]) -> bool:
    return exercise.needs <= set(available)


# --- history ------------------------------------------------------------------

SessionOutcome = Literal["in progress", "done", "quit", "stopped", "interrupted", "red flag"]
# An exercise's status in a session: the same word while the engine runs it and in the history.
# "stopped": leg symptoms spread; "hurt": stopped for sharp pain (the `x` key).
ExerciseStatus = Literal["pending", "done", "partial", "skipped", "stopped", "hurt"]


class ExerciseRecord(_Frozen):
    """One exercise of a past session: what was planned and what happened."""

    order: int  # its place in the session, from 0
    id: str
    name: str
    phase: Phase
    status: ExerciseStatus
    dose: Dose  # what was done that day
    work_seconds: float
    planned_work_seconds: float
    saved_dose: Dose | None = None  # what progression keeps (None: recorded before 0.2)
    dose_change: str | None = None  # why progression changed the dose this session
    # Added for that session only (an extra, or a stand-in): never counts toward a step-up.
    for_today: bool = False

    @property
    def kept_dose(self) -> Dose:
        """The dose progression goes on from."""
        return self.saved_dose if self.saved_dose is not None else self.dose

    @property
    def completed(self) -> bool:
        return self.status == "done"


class SessionRecord(_Frozen):
    """A past (or running, or interrupted) session, as the history keeps it."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    focus: str
    minutes: int
    level: Level
    seed: int
    flare_up: bool
    planned_seconds: int
    active_seconds: float | None
    pain_before: int | None
    pain_after: int | None
    effort: str | None
    completed: bool
    outcome: SessionOutcome
    red_flags: tuple[str, ...]
    red_flag_tier: str | None
    symptoms_spread: bool
    exercises: tuple[ExerciseRecord, ...]
    # Asked when the person has leg symptoms (once per episode): 0-10, before and after.
    leg_pain_before: int | None = Field(default=None, ge=0, le=10)
    leg_pain_after: int | None = Field(default=None, ge=0, le=10)
    # The 24-hour rule, asked at the start of the next session: was pain back to its
    # usual level by the next morning? None: not asked (yet).
    next_morning: bool | None = None
    snack: bool = False  # a desk break (`backcoach snack`): it changes no dose

    @property
    def time_done(self) -> float:
        """Active time; for a session that never reached its end, the work it finished."""
        if self.active_seconds is not None:
            return self.active_seconds
        return sum(exercise.work_seconds for exercise in self.exercises)
