"""The red-flag screen asked in a terminal, in CLINICAL.md's three tiers (the lists, the
tiers and what each answer means are `clinical`'s; this module asks them in order).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from backcoach.clinical import (
    BY_CODE,
    CLEARANCE_LASTS,
    EVERY_SESSION,
    ONCE_PER_EPISODE,
    RED_FLAGS,
    Memory,
    RedFlag,
    Screening,
    clinician_due,
    parse_flags,
)
from backcoach.coach.prompts import Ask, Say, yes_no


def screen(
    memory: Memory,
    now: datetime,
    ask: Ask | None,
    show: Callable[[tuple[RedFlag, ...], str], None],
    say: Say,
    *,
    yes: bool = False,
    check_time: str = "",
) -> Screening:
    """Ask what applies today. `show` draws a numbered list; `say` prints one line."""
    if yes or ask is None:
        show(RED_FLAGS, "")
        say("--yes: you confirm that none of these apply to you today.")
        return Screening((), "--yes")

    if memory.flags_last_time:  # asked about first
        flags = tuple(BY_CODE[c] for c in memory.flags_last_time if c in BY_CODE)
        listed = "; ".join(flag.text for flag in flags)
        if flags and yes_no(ask, say, f"Last time you told backcoach: {listed}. Is that still so?"):
            return Screening(flags, "person", full_check=True)

    today_checked = (
        memory.last_full_check is not None
        and memory.last_full_check.astimezone().date() == now.astimezone().date()
        and not memory.flags_last_time
    )
    if today_checked:
        question = (
            f"Anything new or worse since your safety check at {check_time}? "
            "(y shows the list again)"
        )
        if not yes_no(ask, say, question):
            return Screening((), "brief")

    show(EVERY_SESSION, "")
    new_episode = False
    while True:
        answer = ask(
            f"Type the numbers of any that apply (1-{len(EVERY_SESSION)}), or none (0) if none "
            "do; add 'new' if this is a new episode of back pain"
        )
        parsed = parse_flags(answer, EVERY_SESSION, allow_new=True)
        if parsed is not None:
            flags, new_episode = parsed
            break
        say(
            f"Please type none (or 0) if none apply, or numbers from 1 to {len(EVERY_SESSION)} "
            "such as 3 or 3 7."
        )
    if flags:
        return Screening(flags, "person", full_check=True)
    if not new_episode and not clinician_due(memory, now):
        return Screening((), "person", full_check=True, notes=(_still_checked(memory),))

    show(ONCE_PER_EPISODE, "Once per episode of back pain:")
    while True:
        answer = ask(f"Type the numbers of any that apply (1-{len(ONCE_PER_EPISODE)}), or none (0)")
        parsed = parse_flags(answer, ONCE_PER_EPISODE)
        if parsed is not None:
            clinician, _ = parsed
            break
        say(f"Please type none (or 0), or numbers from 1 to {len(ONCE_PER_EPISODE)}.")
    cleared = bool(clinician) and yes_no(
        ask,
        say,
        "Has a doctor or physiotherapist told you that exercise is fine for you, for this "
        "episode of back pain?",
    )
    return Screening((), "person", full_check=True, clinician=clinician, cleared=cleared)


def _still_checked(memory: Memory) -> str:
    checked = memory.clinician_checked
    assert checked is not None
    until = (checked + CLEARANCE_LASTS).astimezone().date()
    what = (
        "a clinician has said exercise is fine"
        if memory.cleared
        else "none of the see-a-clinician items applied"
    )
    return (
        f"On {checked.astimezone().date():%d %b} you told backcoach that {what}; "
        f"it asks again on {until:%d %b}, or when you type 'new' for a new episode."
    )
