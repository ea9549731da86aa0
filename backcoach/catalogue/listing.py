"""`list`'s filters: the words a person typed, checked, then matched against the cached
summaries (no exercise models built)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcoach.catalogue.library import Library, Summary


class Filters:
    """What `list` keeps: a focus's regions and kinds, one level (None: any), the
    equipment a person has (None: any), and drafts only or reviewed exercises only.

    A plain class: NamedTuple and dataclass generate code when the module is imported.
    """

    __slots__ = ("regions", "kinds", "level", "have", "unreviewed")

    def __init__(
        self,
        regions: frozenset[str],
        kinds: frozenset[str],
        level: str | None = None,
        have: frozenset[str] | None = None,
        unreviewed: bool = False,
    ) -> None:
        self.regions, self.kinds, self.level = regions, kinds, level
        self.have, self.unreviewed = have, unreviewed

    @classmethod
    def parse(
        cls,
        focus: Sequence[str] = (),
        level: str | None = None,
        equipment: Sequence[str] | None = None,
        *,
        unreviewed: bool = False,
    ) -> Filters:
        """The options' words checked before the catalogue is opened: a UsageError names
        one that is not ours."""
        from backcoach.vocabulary import parse_equipment, parse_focus, parse_level

        regions, kinds = parse_focus(focus)
        return cls(
            frozenset(region.value for region in regions),
            frozenset(kind.value for kind in kinds),
            parse_level(level).value if level is not None else None,
            frozenset(item.value for item in parse_equipment(equipment)) if equipment else None,
            unreviewed,
        )

    def matching(self, library: Library) -> list[Summary]:
        """The exercises that pass every filter, in catalogue order."""
        return [
            summary
            for summary in library.summaries()
            if self.regions & set(summary.regions)
            and summary.kind in self.kinds
            and (self.level is None or summary.level == self.level)
            and (self.have is None or summary.needs <= self.have)
            and summary.reviewed != self.unreviewed  # drafts only with --unreviewed, only then
        ]
