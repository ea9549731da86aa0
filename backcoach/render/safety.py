"""The safety screen as the person sees it: red-flag lists, the advice panel, tips; the
gate's verdict and what `backcoach safety` shows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from backcoach.clinical import (
    BY_CODE,
    CLEARANCE_LASTS,
    NOT_A_DIAGNOSIS,
    TIER_TITLE,
    RedFlag,
    Screening,
    Tier,
)
from backcoach.gate import EVERY_FLAG, Allowed, OpenFlag, Record, Verdict, advice_for

if TYPE_CHECKING:
    from backcoach.history.flags import ClosedFlag


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
    return stop_panel((*screening.flags, *(screening.clinician or ())), tier)


def stop_panel(said: tuple[RedFlag, ...], tier: Tier, title: str = "No session today") -> Panel:
    """The gate's "no exercise": what the person said (each emergency item with its
    reason) and the advice for the most serious tier."""
    listed = "\n".join(
        f"• {flag.text}" + (f" ({flag.reason})" if flag.reason else "") for flag in said
    )
    return Panel(
        Text.assemble(
            ("You said:\n", "bold"),
            listed,
            "\n\n",
            advice_for(said, tier),
            "\n\n",
            (NOT_A_DIAGNOSIS, "dim"),
        ),
        title=title,
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


class SafetyFacts(NamedTuple):
    """What `backcoach safety` shows: the gate's record and verdict, and the spreads."""

    record: Record
    spreads: list[datetime]
    closed: list[ClosedFlag]
    verdict: Verdict
    at: datetime


def _closes_when(flag: OpenFlag) -> str:
    if flag.tier is Tier.EMERGENCY:
        return "closes when you confirm a clinician has assessed it"
    return "closes when, on a later day, you say it no longer applies"


def _day(moment: datetime) -> str:
    return f"{moment.astimezone():%a %d %b %H:%M}"


def verdict_line(verdict: Verdict, thing: str = "a session") -> Text:
    """The gate's verdict in one line, with the questions still to come."""
    asks = ", ".join(ask.value for ask in verdict.asks)
    after = f"; first: {asks}" if asks else ""
    if verdict.allowed is Allowed.NONE:
        # Only the first question can change this: the rest wait for it.
        after = f"; asked first: {verdict.asks[0].value}" if verdict.asks else ""
        why = "; ".join(flag.text for flag in verdict.flags)
        tier = verdict.tier.value if verdict.tier is not None else "declined"
        return Text.assemble(("Now: no exercise", "bold red"), f" ({tier}: {why}){after}", style="")
    what = (
        "only the gentle flare-up session"
        if verdict.allowed is Allowed.FLARE_UP
        else f"{thing} (the questions may still change what runs)"
    )
    left_out = "; ".join(reason for _, reason in verdict.exclusions)
    extra = f"; left out: {left_out}" if left_out else ""
    return Text.assemble(("Now: ", "bold"), what, after, extra)


def safety_view(facts: SafetyFacts) -> RenderableType:
    record = facts.record
    lines: list[RenderableType] = [Text("What backcoach holds for your safety", style="bold")]
    lines.append(Text("Red flags still open (asked about first at every session):", style="bold"))
    for flag in record.open_flags:
        during = ", during a session" if flag.during_session else ""
        lines.append(
            Text(
                f"  • {_day(flag.raised_at)}{during} ({flag.tier.value}): {flag.flag.text}; "
                f"{_closes_when(flag)}"
            )
        )
    if not record.open_flags:
        lines.append(Text("  none"))
    memory = record.memory
    lines.append(Text("See-a-clinician items:", style="bold"))
    if memory.clinician_checked is None:
        lines.append(Text("  not asked yet (the first session asks)"))
    else:
        items = "; ".join(BY_CODE[c].text for c in memory.clinician_flags if c in BY_CODE)
        state = (
            "a clinician said exercise is fine"
            if memory.cleared
            else "no clearance yet: no session until a clinician says exercise is fine"
            if items
            else "none applied"
        )
        again = (memory.clinician_checked + CLEARANCE_LASTS).astimezone()
        lines.append(
            Text(
                f"  answered {_day(memory.clinician_checked)}: {items or 'none'}; {state}; "
                f"asked again from {again:%a %d %b}"
            )
        )
    lines.append(Text("Leg symptoms spreading (last 14 days):", style="bold"))
    lines.append(Text("  " + (", ".join(_day(d) for d in facts.spreads) or "none")))
    if facts.closed:
        lines.append(Text("Closed lately:", style="bold"))
        for closed in facts.closed[:5]:
            how = "a clinician assessed it" if closed.how == "assessed" else "no longer applied"
            text = EVERY_FLAG[closed.code].text if closed.code in EVERY_FLAG else closed.code
            lines.append(Text(f"  • {text}: raised {_day(closed.raised_at)}, closed "
                              f"{_day(closed.closed_at)} ({how})"))  # fmt: skip
    lines.append(verdict_line(facts.verdict))
    lines.append(Text(NOT_A_DIAGNOSIS, style="dim"))
    return Group(*lines)


def safety_json(facts: SafetyFacts) -> dict[str, Any]:
    record, memory = facts.record, facts.record.memory
    return {
        "open_flags": [
            {
                "code": flag.code,
                "tier": flag.tier.value,
                "text": flag.flag.text,
                "raised_at": flag.raised_at.isoformat(),
                "during_session": flag.during_session,
                "closes": _closes_when(flag),
            }
            for flag in record.open_flags
        ],
        "clinician": {
            "checked_at": memory.clinician_checked.isoformat()
            if memory.clinician_checked
            else None,
            "items": list(memory.clinician_flags),
            "cleared": memory.cleared,
        },
        "spreads": [moment.isoformat() for moment in facts.spreads],
        "closed_flags": [
            {
                "code": closed.code,
                "tier": closed.tier,
                "raised_at": closed.raised_at.isoformat(),
                "closed_at": closed.closed_at.isoformat(),
                "how": closed.how,
            }
            for closed in facts.closed
        ],
        **verdict_json(facts.verdict),
    }


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """`verdict` and `asks`, as `plan --json` and `safety --json` carry them."""
    return {
        "verdict": {
            "allowed": verdict.allowed.value,
            "tier": verdict.tier.value if verdict.tier is not None else None,
            "flags": [flag.code for flag in verdict.flags],
            "advice": verdict.advice,
            "left_out": [reason for _, reason in verdict.exclusions],
        },
        "asks": [ask.value for ask in verdict.asks],
    }
