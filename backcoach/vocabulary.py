"""The words backcoach uses: regions, kinds, levels, positions, equipment, focus.

Plain enums with no pydantic, so commands that only filter and show (`list`)
never pay for building model classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
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
                raise unknown("focus", word, FOCUS_WORDS, "repeat or join with commas")
            if isinstance(found, Region):
                regions.add(found)
            else:
                kinds.add(found)
    return frozenset(regions or Region), frozenset(kinds or Kind)


def focus_key(regions: Iterable[Region], kinds: Iterable[Kind]) -> str:
    """One name per focus, for the routine kept for it, such as "lower/strengthen,stretch"."""
    return (
        ",".join(sorted(region.value for region in regions))
        + "/"
        + ",".join(sorted(kind.value for kind in kinds))
    )


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


# --- days as a person reads them -------------------------------------------------


def day_words(day: date | datetime, today: date | datetime) -> str:
    """A day as a person reads it, "Mon 23 Nov", with the year when it is not the year
    of `today` ("Fri 18 Dec 2025"). A moment is taken on the local calendar. Pure: the
    caller gives today."""
    shown, now = _local_day(day), _local_day(today)
    words = f"{shown:%a} {shown.day} {shown:%b}"
    return words if shown.year == now.year else f"{words} {shown.year}"


def days_words(days: Sequence[date | datetime], today: date | datetime) -> str:
    """Two or more days as a person reads them: "Thu 3 Dec and Mon 7 Dec", or "both on
    Mon 7 Dec" when they are the same day (never "Mon 7 Dec and Mon 7 Dec")."""
    said = list(dict.fromkeys(day_words(day, today) for day in days))
    if len(said) == 1:
        return f"both on {said[0]}" if len(days) == 2 else f"all on {said[0]}"
    return ", ".join(said[:-1]) + f" and {said[-1]}"


def _local_day(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        return (moment.astimezone() if moment.tzinfo is not None else moment).date()
    return moment


# --- checking what a person typed -------------------------------------------------


def nearest(word: str, allowed: Iterable[str]) -> str | None:
    """The allowed word a typo most likely meant, if one is close."""
    import difflib

    close = difflib.get_close_matches(word.lower(), list(allowed), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, allowed: Iterable[str]) -> str | None:
    close = nearest(word, allowed)
    return f"did you mean {close}?" if close else None


def unknown(what: str, word: str, allowed: Iterable[str], also: str = "") -> UsageError:
    """The error for a word that is not one of `allowed`, with the nearest as a hint."""
    choices = list(allowed)
    usage = ", ".join(choices) + (f" ({also})" if also else "")
    return UsageError(f"unknown {what} {word!r}: use {usage}", hint=did_you_mean(word, choices))


def check_minutes(minutes: int, source: str = "--minutes") -> int:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise UsageError(f"{source} must be from {MIN_MINUTES} to {MAX_MINUTES}, not {minutes}")
    return minutes


SNACK_MINUTES = (2, 5)
DEFAULT_SNACK_MINUTES = 3


def check_snack_minutes(minutes: int) -> int:
    least, most = SNACK_MINUTES
    if not least <= minutes <= most:
        raise UsageError(
            f"--minutes for a desk break must be from {least} to {most}, not {minutes}"
        )
    return minutes


def parse_level(value: str) -> Level:
    word = value.strip().lower()
    if word not in LEVELS:
        raise unknown("level", word, LEVELS)
    return Level(word)


def parse_sound(value: str) -> str:
    word = value.strip().lower()
    if word not in SOUNDS:
        raise unknown("sound", word, SOUNDS)
    return word


def split_words(values: Iterable[str]) -> list[str]:
    """`--equipment band,wall --equipment chair` → band, wall, chair."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_equipment(values: Iterable[str]) -> frozenset[Equipment]:
    """What a person has; 'none' (or 'mat') alone means just a mat."""
    out = set()
    for word in split_words(values):
        word = word.lower()
        if word in ("none", "mat"):
            continue
        if word not in EQUIPMENT_WORDS:
            raise unknown("equipment", word, EQUIPMENT_WORDS, "or none")
        out.add(Equipment(word))
    return frozenset(out)


def normal(text: str) -> str:
    """How names are matched: any case, spaces, hyphens and apostrophes alike."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "").replace("’", "")).strip("-")


# --- text a terminal will show as text ------------------------------------------------

# What a terminal acts on, or what changes how text reads, instead of being shown:
# C0 controls (tab and line feed apart), DEL and C1; the bidirectional marks,
# embeddings, overrides and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9), which can
# make a value read backwards; the zero-width characters (U+200B-D, U+2060, U+FEFF),
# which hide inside a word.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def hidden_character(text: str, *, newlines: bool = False) -> str | None:
    """The first character `printable` would drop (tab and line feed count unless
    `newlines`), as U+XXXX; None when the text shows as it is."""
    found = _HIDDEN.search(text) or (None if newlines else re.search(r"[\t\n]", text))
    return f"U+{ord(found.group()):04X}" if found else None


def printable(text: str, *, newlines: bool = False) -> str:
    """Text from outside (a setting, a file, a catalogue) safe to print: controls,
    bidi overrides and isolates and zero-width characters dropped, and unless
    `newlines`, tabs and line breaks as spaces. Lone surrogates (bytes that were not
    UTF-8) become U+FFFD, so printing never fails on them."""
    if not newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return _SURROGATE.sub("\ufffd", _HIDDEN.sub("", text))


_SURROGATE = re.compile("[\ud800-\udfff]")
