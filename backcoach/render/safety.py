"""The safety screen as the person sees it: red-flag lists, the advice panel, tips."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from backcoach.clinical import ADVICE, NOT_A_DIAGNOSIS, TIER_TITLE, RedFlag, Screening, Tier


def red_flag_list(flags: tuple[RedFlag, ...], heading: str = "") -> RenderableType:
    """The flags numbered from 1, under their tiers' titles."""
    lines: list[RenderableType] = [
        Text(heading or "Before you start: a safety check", style="bold")
    ]
    number = 0
    for tier in Tier:
        inside = [flag for flag in flags if flag.tier is tier]
        if not inside:
            continue
        lines.append(Text(TIER_TITLE[tier] + ":", style="bold yellow"))
        for flag in inside:
            number += 1
            lines.append(Text(f"  {number:>2}. {flag.text}"))
    lines.append(Text(NOT_A_DIAGNOSIS, style="dim"))
    return Group(*lines)


def advice_panel(screening: Screening) -> RenderableType:
    """Why there is no session today, and what to do; each emergency item with its reason."""
    tier = screening.tier
    assert tier is not None, "advice is only given when a red flag applies"
    said = [*screening.flags, *(screening.clinician or ())]
    listed = "\n".join(
        f"• {flag.text}" + (f" ({flag.reason})" if flag.reason else "") for flag in said
    )
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


def emergency_panel(text: str) -> RenderableType:
    """Stop and get help now: said during a session (new numbness or weakness)."""
    return Panel(
        Text.assemble(text, "\n\n", (NOT_A_DIAGNOSIS, "dim")),
        title="Stop here",
        title_align="left",
        border_style="red",
    )
