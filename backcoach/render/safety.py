"""The safety screen as the person sees it: red-flag lists, the advice panel, tips; the
gate's verdict and what `backcoach safety` shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
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


class Hanging:
    """One list item: its marker, then text whose wrapped lines keep their indent (a
    hanging indent), with no trailing spaces, in the live and the plain output alike."""

    def __init__(self, marker: str | Text, text: str | Text, indent: int, width: int) -> None:
        self.marker = Text(" " * indent) + Text.assemble(marker).copy()
        self.marker.pad_left(indent + width - len(self.marker))
        self.text = text if isinstance(text, Text) else Text(text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        gap = len(self.marker) + (1 if self.marker.plain.strip() else 0)
        lines = self.text.wrap(console, max(options.max_width - gap, 10))
        for number, line in enumerate(lines):
            line.rstrip()
            head = self.marker + " " if number == 0 and gap > len(self.marker) else None
            yield Text.assemble(head or " " * gap, line, end="\n")


def items(rows: Iterable[tuple[str | Text, str | Text]], indent: int = 2) -> RenderableType:
    """A numbered or bulleted list whose wrapped lines keep their indent."""
    listed = list(rows)
    width = max((len(Text.assemble(marker)) for marker, _ in listed), default=0)
    return Group(*(Hanging(marker, text, indent, width) for marker, text in listed))


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
        first = number + 1
        number += len(inside)
        width = len(str(len(flags)))
        lines.append(items((f"{n:>{width}}.", flag.text) for n, flag in enumerate(inside, first)))
    lines.append(Text(NOT_A_DIAGNOSIS, style="dim"))
    return Group(*lines)


# The conditions as the list under --yes names them (clinical.CONDITIONS, in order).
CONDITIONS_NAMED = (
    "spinal stenosis or spondylolisthesis",
    "osteoporosis",
    "pregnancy (and whether you are past about 16 weeks)",
    "joint hypermobility (very flexible joints)",
)
# Leg symptoms change the plan too (CLINICAL.md): --yes cannot ask the spread question
# after a nerve-tensioning exercise, so it leaves those out whatever the answer.
LEG_SYMPTOMS_UNDER_YES = (
    "Leg symptoms (pain, tingling or numbness down a leg) change the plan too: --yes "
    "cannot ask whether they spread, so it leaves out the nerve-stretching exercises "
    "(knee to chest, legs up the wall and the like) and the back-bending ones, whether "
    "or not you have them."
)


def conditions_under_yes(conditions: tuple[str, ...] | None) -> RenderableType | None:
    """Under --yes: the conditions that change the plan. Never answered: listed, and
    confirmed as not applying today; recorded: which apply (they still change the plan)."""
    from backcoach.clinical import CONDITION_BY_CODE

    if conditions is None:
        return Group(
            Text("Conditions that change the plan:", style="bold yellow"),
            items(("•", named) for named in CONDITIONS_NAMED),
            Text(
                "--yes also confirms that none of these conditions apply to you today; the "
                "next session without --yes asks about them one by one."
            ),
            Text(LEG_SYMPTOMS_UNDER_YES),
        )
    applying = [CONDITION_BY_CODE[code] for code in conditions if code in CONDITION_BY_CODE]
    if not applying:
        return Text(LEG_SYMPTOMS_UNDER_YES)
    return Group(
        Text("You told backcoach, and it still changes the plan:", style="bold yellow"),
        items(("•", f"{c.told}: {c.leaves_out}") for c in applying),
        Text(LEG_SYMPTOMS_UNDER_YES),
    )


def advice_panel(screening: Screening) -> RenderableType:
    """Why there is no session today, and what to do; each emergency item with its reason."""
    tier = screening.tier
    assert tier is not None, "advice is only given when a red flag applies"
    return stop_panel((*screening.flags, *(screening.clinician or ())), tier)


def stop_panel(said: tuple[RedFlag, ...], tier: Tier, title: str = "No session today") -> Panel:
    """The gate's "no exercise": what the person said (each emergency item with its
    reason) and the advice for the most serious tier."""
    listed = items(
        (("•", flag.text + (f" ({flag.reason})" if flag.reason else "")) for flag in said),
        indent=0,
    )
    return Panel(
        Group(
            Text("You said:", style="bold"),
            listed,
            Text(""),
            Text(advice_for(said, tier)),
            Text(""),
            Text(NOT_A_DIAGNOSIS, style="dim"),
        ),
        title=title,
        title_align="left",
        border_style="red" if tier is Tier.EMERGENCY else "yellow",
    )


def advice(lines: tuple[str, ...]) -> RenderableType:
    """One or two lines of advice around a session."""
    return items(((Text("Tip:", style="bold cyan"), line) for line in lines), indent=0)


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
    # The exercises the verdict leaves out, by reason (left_out_names); None: not known.
    names: Mapping[str, list[str]] | None = None


def _closes_when(flag: OpenFlag) -> str:
    if flag.tier is Tier.EMERGENCY:
        return "closes when you confirm a clinician has assessed it"
    return "closes when, on a later day, you say it no longer applies"


def _day(moment: datetime) -> str:
    return f"{moment.astimezone():%a %d %b %H:%M}"


# What each exclusion rule leaves out, in words: said when no exercise is named.
RULE_WORDS = {
    "extension": "back-bending (extension) exercises",
    "nerve_tension": "nerve-tensioning exercises",
    "loaded_flexion": "loaded forward bending",
    "end_range": "stretches pushed to the end of the range",
    "prone": "exercises lying face down",
    "supine": "exercises lying on your back",
    "loaded": "loaded exercises",
    "long_straight_leg": "long straight-leg holds",
}
NAMED_AT_MOST = 4


def left_out_names(
    exclusions: Iterable[tuple[str, str]], exercises: Iterable[Any]
) -> dict[str, list[str]]:
    """For each reason, the names of the exercises its rules leave out (in order, once)."""
    from backcoach.clinical import rule_applies

    pool = list(exercises)
    names: dict[str, list[str]] = {}
    for rule, reason in exclusions:
        held = names.setdefault(reason, [])
        held.extend(e.name for e in pool if rule_applies(rule, e) and e.name not in held)
    return names


def _and(words: list[str]) -> str:
    if len(words) > NAMED_AT_MOST:
        words = [*words[: NAMED_AT_MOST - 1], f"{len(words) - NAMED_AT_MOST + 1} more"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def leaving_out(
    exclusions: tuple[tuple[str, str], ...],
    names: Mapping[str, list[str]] | None = None,
    noted: Sequence[str] = (),
) -> str:
    """ "leaving out A and B, because …; and C, because …": each reason once, with the
    exercises it leaves out by name (or, with none named, what its rules cover). A reason
    a note on the same screen already gives (`noted`: the notes' text) is not repeated."""
    rules: dict[str, list[str]] = {}
    for rule, reason in exclusions:
        rules.setdefault(reason, []).append(rule)
    parts = []
    said = [reason for reason in rules if any(reason in note for note in noted)]
    for reason in said:
        del rules[reason]
    for reason, covered in rules.items():
        named = list((names or {}).get(reason, ()))
        what = _and(named) if named else _and([RULE_WORDS.get(r, r) for r in covered])
        parts.append(f"{what}{', ' if reason.startswith('because') else ': '}{reason}")
    if said:
        parts.append("what the notes above name")
    return "leaving out " + "; and ".join(parts) if parts else ""


def verdict_line(
    verdict: Verdict,
    thing: str = "a session",
    names: Mapping[str, list[str]] | None = None,
    noted: Sequence[str] = (),
) -> Text:
    """The gate's verdict in one line: what runs, what it leaves out (by name, each reason
    once) and the questions still to come. `names`: see left_out_names; `noted`: the
    notes shown above it (a reason they give is not said again)."""
    if verdict.allowed is Allowed.NONE:
        # Only the first question can change this: the rest wait for it.
        after = f"; asked first: {verdict.asks[0].value}" if verdict.asks else ""
        why = "; ".join(flag.text for flag in verdict.flags)
        tier = verdict.tier.value if verdict.tier is not None else "declined"
        return Text.assemble(("Now: no exercise", "bold red"), f" ({tier}: {why}){after}", style="")
    what = "only the gentle flare-up session" if verdict.allowed is Allowed.FLARE_UP else thing
    left_out = leaving_out(verdict.exclusions, names, noted)
    asks = ", ".join(ask.value for ask in verdict.asks)
    after = f". Asked first: {asks} (the answers may change what runs)" if asks else ""
    return Text.assemble(("Now: ", "bold"), what, f", {left_out}" if left_out else "", after)


def safety_view(facts: SafetyFacts, with_verdict: bool = True) -> RenderableType:
    """What backcoach holds; `with_verdict`: the "Now:" line too (said once: when the
    record is updated next, it is said after that instead)."""
    record = facts.record
    lines: list[RenderableType] = [Text("What backcoach holds for your safety", style="bold")]
    lines.append(Text("Red flags still open (asked about first at every session):", style="bold"))
    lines.append(
        items(
            (
                "•",
                f"{_day(flag.raised_at)}"
                f"{', during a session' if flag.during_session else ''} ({flag.tier.value}): "
                f"{flag.flag.text}; {_closes_when(flag)}",
            )
            for flag in record.open_flags
        )
    )
    if not record.open_flags:
        lines.append(items([("", "none")], indent=2))
    memory = record.memory
    lines.append(Text("See-a-clinician items:", style="bold"))
    if memory.clinician_checked is None:
        lines.append(items([("", "not asked yet (the first session asks)")], indent=2))
    else:
        listed = "; ".join(BY_CODE[c].text for c in memory.clinician_flags if c in BY_CODE)
        state = (
            "a clinician said exercise is fine"
            if memory.cleared
            else "no clearance yet: no session until a clinician says exercise is fine"
            if listed
            else "none of them applied"
        )
        again = (memory.clinician_checked + CLEARANCE_LASTS).astimezone()
        said = f"{listed}; {state}" if listed else state
        lines.append(
            items(
                [
                    (
                        "",
                        f"answered {_day(memory.clinician_checked)}: {said}; asked again from "
                        f"{again:%a %d %b}",
                    )
                ],
                indent=2,
            )
        )
    lines.append(Text("Leg symptoms spreading (last 14 days):", style="bold"))
    lines.append(items([("", ", ".join(_day(d) for d in facts.spreads) or "none")], indent=2))
    back_bending = _back_bending(record)
    if back_bending is not None:
        lines.append(Text("Back-bending exercises after two spreads:", style="bold"))
        lines.append(items([("", back_bending)], indent=2))
    if facts.closed:
        lines.append(Text("Closed lately:", style="bold"))
        shown: list[tuple[str, str]] = []
        for closed in facts.closed[:5]:
            how = "a clinician assessed it" if closed.how == "assessed" else "no longer applied"
            text = EVERY_FLAG[closed.code].text if closed.code in EVERY_FLAG else closed.code
            shown.append(("•", f"{text}: raised {_day(closed.raised_at)}, closed "
                                f"{_day(closed.closed_at)} ({how})"))  # fmt: skip
        lines.append(items(shown))
    if with_verdict:
        lines.append(verdict_line(facts.verdict, names=facts.names))
    lines.append(Text(NOT_A_DIAGNOSIS, style="dim"))
    return Group(*lines)


def _back_bending(record: Record) -> str | None:
    """The clinician's OK for back-bending after a second spread, or the wait for it."""
    if record.extension_hold is not None:
        return "waiting for a physiotherapist's or doctor's OK (start asks for it)"
    if record.extension_ok_at is not None:
        return (
            f"a physiotherapist or doctor said they are OK (you told backcoach "
            f"{_day(record.extension_ok_at)}): they return a step lower"
        )
    return None


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
        "extension_ok_at": record.extension_ok_at.isoformat()
        if record.extension_ok_at is not None
        else None,
        "extension_waiting": record.extension_hold is not None,
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
            "left_out": list(dict.fromkeys(reason for _, reason in verdict.exclusions)),
        },
        "asks": [ask.value for ask in verdict.asks],
    }
