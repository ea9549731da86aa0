"""Sound cues: they subscribe to engine events, like the renderer.

The bell rings when work starts (each hold, each rep) and when a hold ends,
so a person lying face down can follow the session by ear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach import engine as ev

SOUNDS = ("bell", "voice", "off")


class Bell:
    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, event: ev.Event) -> None:
        from backcoach import engine as ev

        if isinstance(event, ev.SegmentStarted):
            segment = event.segment
            if segment.kind == "work" and segment.first_of_rep:
                self.console.bell()
        elif isinstance(event, ev.SegmentDone):
            segment = event.segment
            if segment.kind == "work" and segment.phases == 0:
                self.console.bell()
