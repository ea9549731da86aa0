"""The safety screen as the person sees it: the red-flag list and the advice panel."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from backcoach.safety import ADVICE, NOT_A_DIAGNOSIS, RED_FLAGS, TIER_TITLE, Screening, Tier


def red_flag_list() -> RenderableType:
    lines: list[RenderableType] = [Text("Before you start: a safety check", style="bold")]
    number = 0
    for tier in Tier:
        lines.append(Text(TIER_TITLE[tier] + ":", style="bold yellow"))
        for flag in RED_FLAGS:
            if flag.tier is tier:
                number += 1
                lines.append(Text(f"  {number:>2}. {flag.text}"))
    lines.append(Text(NOT_A_DIAGNOSIS, style="dim"))
    return Group(*lines)


def advice_panel(screening: Screening) -> RenderableType:
    """Why there is no session today, and what to do."""
    tier = screening.tier
    assert tier is not None, "advice is only given when a red flag applies"
    listed = "\n".join(f"• {flag.text}" for flag in screening.flags)
    return Panel(
        Text.assemble(
            ("You said:\n", "bold"),
            listed,
            "\n\n",
            ADVICE[tier],
            "\n\n",
            (NOT_A_DIAGNOSIS, "dim"),
        ),
        title="No session today",
        title_align="left",
        border_style="red" if tier is Tier.EMERGENCY else "yellow",
    )


def advice(lines: tuple[str, ...]) -> RenderableType:
    """One or two lines of advice around a session."""
    return Group(*(Text.assemble(("Tip: ", "bold cyan"), line) for line in lines))
