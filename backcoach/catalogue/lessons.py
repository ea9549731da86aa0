"""The short lessons (data/lessons.yaml): found like the bundled catalogue (inside the
package in a wheel, data/ in a checkout or an editable install), read and validated:
numbered from 1, each under 250 words, each with its sources."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backcoach.catalogue.loader import PACKAGE_DIR
from backcoach.errors import CatalogueError, Problem, UsageError

LESSONS_NAME = "lessons.yaml"
MAX_WORDS = 250


class Source(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    title: str
    publisher: str
    url: str | None = None


class Lesson(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    number: int = Field(ge=1)
    title: str
    text: str
    sources: tuple[Source, ...] = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _short(cls, text: str) -> str:
        if len(text.split()) >= MAX_WORDS:
            raise ValueError(f"a lesson is under {MAX_WORDS} words, not {len(text.split())}")
        return text.strip()

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def minutes(self) -> int:
        return max(1, -(-self.words // 80))  # read slowly, about 80 words a minute


def lessons_path() -> Path:
    for candidate in (
        PACKAGE_DIR / "data" / LESSONS_NAME,
        PACKAGE_DIR.parent / "data" / LESSONS_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise CatalogueError(
        [Problem(str(PACKAGE_DIR), "the bundled lessons.yaml is missing: reinstall backcoach")]
    )


@cache
def lessons() -> tuple[Lesson, ...]:
    """Every lesson, by number (1, 2, ...)."""
    import yaml
    from pydantic import ValidationError

    path = lessons_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = tuple(Lesson.model_validate(item) for item in data["lessons"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValidationError) as exc:
        raise CatalogueError([Problem(str(path), f"the lessons cannot be read: {exc}")]) from exc
    if [lesson.number for lesson in found] != list(range(1, len(found) + 1)):
        raise CatalogueError([Problem(str(path), "the lessons are not numbered 1, 2, 3, ...")])
    return found


def lesson(number: int) -> Lesson:
    every = lessons()
    if not 1 <= number <= len(every):
        raise UsageError(
            f"there is no lesson {number}: they are numbered 1 to {len(every)}",
            hint="backcoach learn --list shows them all",
        )
    return every[number - 1]


def next_unread(read: set[int]) -> Lesson | None:
    """The first lesson not read yet; None once all are read."""
    return next((one for one in lessons() if one.number not in read), None)
