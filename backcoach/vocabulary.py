"""The words backcoach uses: regions, kinds, levels, positions, equipment, focus.

Plain enums with no pydantic, so commands that only filter and show (`list`)
never pay for building model classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from backcoach.errors import UsageError


class Region(StrEnum):
    LOWER = "lower"
    UPPER = "upper"


class Kind(StrEnum):
    STRETCH = "stretch"
    STRENGTHEN = "strengthen"


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.BEGINNER: 0, Level.INTERMEDIATE: 1, Level.ADVANCED: 2}


class Position(StrEnum):
    """Starting positions, in the order a session moves down to the floor."""

    STANDING = "standing"
    SITTING = "sitting"
    KNEELING = "kneeling"
    ALL_FOURS = "all-fours"
    PRONE = "prone"
    SIDE_LYING = "side-lying"
    SUPINE = "supine"

    @property
    def rank(self) -> int:
        return _POSITION_ORDER.index(self)

    @property
    def words(self) -> str:
        return _POSITION_WORDS[self]


_POSITION_ORDER = list(Position)
_POSITION_WORDS = {
    Position.STANDING: "standing",
    Position.SITTING: "sitting",
    Position.KNEELING: "kneeling",
    Position.ALL_FOURS: "on hands and knees",
    Position.PRONE: "lying face down",
    Position.SIDE_LYING: "lying on your side",
    Position.SUPINE: "lying on your back",
}


class Equipment(StrEnum):
    """What an exercise needs. A mat is assumed everywhere and never required."""

    MAT = "mat"
    BAND = "band"
    DUMBBELL = "dumbbell"
    KETTLEBELL = "kettlebell"
    BARBELL = "barbell"
    CABLE = "cable"
    BENCH = "bench"
    HYPEREXTENSION_BENCH = "hyperextension-bench"
    STABILITY_BALL = "stability-ball"
    MASSAGE_BALL = "massage-ball"
    FOAM_ROLLER = "foam-roller"
    WALL = "wall"
    CHAIR = "chair"
    TOWEL = "towel"


# --- focus --------------------------------------------------------------------

FOCUS_WORDS: dict[str, Region | Kind] = {
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
                raise UsageError(
                    f"unknown focus {word!r}: use {allowed} (repeat or join with commas)"
                )
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


def level_allows(level: Level, wanted: Level) -> bool:
    return level.rank <= wanted.rank


SOUNDS = ("bell", "voice", "off")
MIN_MINUTES = 1
MAX_MINUTES = 90
DEFAULT_MINUTES = 10
LEVELS = tuple(level.value for level in Level)
# What a person can say they have; a mat is assumed everywhere.
EQUIPMENT_WORDS = tuple(item.value for item in Equipment if item is not Equipment.MAT)
