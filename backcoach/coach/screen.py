"""The red-flag screen asked in a terminal, in CLINICAL.md's three tiers (the lists, the
tiers and what each answer means are `clinical`'s and `gate`'s; this module asks them
in order).

- Flags still open are asked about first: an emergency one closes only when a clinician
  has assessed it, an urgent one when, on a later day, it no longer applies.
- Before a stop, the chosen items are said back in words: "is that right?" (a mistyped
  number never locks anyone out).
- Cancer in the person's history: at once, the legs (NICE NG234).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from backcoach.clinical import (
    BY_CODE,
    CANCER_LEGS,
    CANCER_LEGS_QUESTION,
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
from backcoach.gate import OpenFlag, Record, closing_question

if TYPE_CHECKING:
    from backcoach.history.store import History

CLEARANCE_QUESTION = (
    "Has a doctor or physiotherapist told you that exercise is fine for you, for this "
    "episode of back pain?"
)


def when_said(flag: OpenFlag, now: datetime) -> str:
    """ "Earlier today at 08:00" or "On Monday 23 Nov at 08:00"."""
    at = flag.raised_at.astimezone()
    if at.date() == now.astimezone().date():
        return f"Earlier today at {at:%H:%M}"
    return f"On {at:%A %d %b} at {at:%H:%M}"


def ask_open_flags(
    held: tuple[OpenFlag, ...], now: datetime, ask: Ask, say: Say
) -> tuple[tuple[tuple[OpenFlag, str], ...], tuple[RedFlag, ...]]:
    """Each flag still open, asked about first. Returns (those closed, with how) and the
    flags still open."""
    closed: list[tuple[OpenFlag, str]] = []
    still: list[RedFlag] = []
    for flag in held:
        during = " during a session" if flag.during_session else ""
        text = flag.flag.text.removesuffix(", reported during a session")
        said = f"{when_said(flag, now)} you told backcoach{during}: {text}."
        question = closing_question(flag, now)
        if question is None:
            say(f"{said} That stays in place for today; backcoach asks again tomorrow.")
            still.append(flag.flag)
            continue
        text, how = question
        answer = yes_no(ask, say, f"{said} {text}")
        if (how == "assessed") == answer:  # assessed: yes closes; still applies: no closes
            closed.append((flag, how))
        else:
            still.append(flag.flag)
    return tuple(closed), tuple(still)


def screen(
    memory: Memory,
    now: datetime,
    ask: Ask | None,
    show: Callable[[tuple[RedFlag, ...], str], None],
    say: Say,
    *,
    yes: bool = False,
    check_time: str = "",
    brief: bool | None = None,
    clinician_asked: bool | None = None,
    why_due: str = "",
) -> Screening:
    """Ask what applies today. `show` draws a numbered list; `say` prints one line.
    `brief`: the one-line check of a later session the same day; `clinician`: the
    see-a-clinician tier is due (both as the gate says; None: from `memory`); `why_due`:
    why that tier is asked now (backcoach's own figures), said before it."""
    if yes or ask is None:
        show(RED_FLAGS, "")
        say("--yes: you confirm that none of these apply to you today.")
        return Screening((), "--yes")

    if brief is None:
        brief = (
            memory.last_full_check is not None
            and memory.last_full_check.astimezone().date() == now.astimezone().date()
        )
    due = clinician_due(memory, now) if clinician_asked is None else clinician_asked
    new_episode = False
    first = memory.last_full_check is None and memory.clinician_checked is None
    flags: tuple[RedFlag, ...] = ()
    question = (
        f"Anything new or worse since your safety check at {check_time}? (y shows the list again)"
    )
    if brief and not yes_no(ask, say, question):
        if not due:
            return Screening((), "brief")
    else:
        show(EVERY_SESSION, "")
        # A first run has no earlier episode to tell apart: 'new' is offered later on.
        later = "" if first else "; add 'new' if this is a new episode of back pain"
        flags, new_episode = _numbers(
            ask,
            say,
            EVERY_SESSION,
            f"Type the numbers of any that apply (1-{len(EVERY_SESSION)}), or none (0) if none "
            f"do{later}",
            allow_new=not first,
        )
        if BY_CODE["cancer"] in flags and yes_no(ask, say, CANCER_LEGS_QUESTION):
            flags = (CANCER_LEGS, *flags)
        if flags:
            return Screening(flags, "person", full_check=True)
        if not new_episode and not due:
            return Screening((), "person", full_check=True, notes=(_still_checked(memory),))

    held = tuple(BY_CODE[c] for c in memory.clinician_flags if c in BY_CODE)
    if held and not memory.cleared:
        # An uncleared item stays until a clinician clears it (CLINICAL.md, "One gate"):
        # the list is not offered again, so "none" cannot wipe what was said.
        listed = "; ".join(flag.text for flag in held)
        say(f"Last time you told backcoach: {listed}. That needs a clinician's OK first.")
        cleared = yes_no(ask, say, CLEARANCE_QUESTION)
        return Screening((), "person", full_check=not brief, clinician=held, cleared=cleared)
    if why_due:
        say(why_due)
    show(
        ONCE_PER_EPISODE,
        "Before your first session (asked again for each new episode of back pain):"
        if first
        else "Once per episode of back pain:",
    )
    clinician, _ = _numbers(
        ask,
        say,
        ONCE_PER_EPISODE,
        f"Type the numbers of any that apply (1-{len(ONCE_PER_EPISODE)}), or none (0)",
    )
    cleared = bool(clinician) and yes_no(ask, say, CLEARANCE_QUESTION)
    return Screening((), "person", full_check=not brief, clinician=clinician, cleared=cleared)


def _numbers(
    ask: Ask, say: Say, flags: tuple[RedFlag, ...], prompt: str, allow_new: bool = False
) -> tuple[tuple[RedFlag, ...], bool]:
    """Numbers typed, said back in words and confirmed when any were chosen."""
    while True:
        parsed = parse_flags(ask(prompt), flags, allow_new=allow_new)
        if parsed is None:
            say(
                f"Please type none (or 0) if none apply, or numbers from 1 to {len(flags)} "
                "such as 3 or 3 7."
            )
            continue
        chosen, new_episode = parsed
        if not chosen:
            return chosen, new_episode
        said = "\n".join(f"  • {flag.text}" for flag in chosen)
        if yes_no(ask, say, f"You chose:\n{said}\nIs that right?"):
            return chosen, new_episode
        say("Then type the numbers again.")


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


def update_record(history: History, record: Record, now: datetime, ask: Ask, say: Say) -> None:
    """`backcoach safety`: close open flags and give a clearance, under the gate's rules
    (the same questions a session asks first)."""
    from backcoach.errors import StorageError
    from backcoach.history.flags import close_all_of

    uncleared = record.uncleared
    if not record.open_flags and not uncleared:
        say("Nothing to update: backcoach holds no open flag and no item waiting for a clinician.")
        return
    try:
        if record.open_flags:
            closed, _ = ask_open_flags(record.open_flags, now, ask, say)
            for flag, how in closed:
                close_all_of(history, flag.code, how, now)
        if uncleared:
            listed = "; ".join(flag.text for flag in uncleared)
            if yes_no(
                ask,
                say,
                f"You told backcoach: {listed}. Has a doctor or physiotherapist told you that "
                "exercise is fine for you, for this episode of back pain?",
            ):
                history.record_safety_check(
                    "clinician", [f.code for f in uncleared], cleared=True, at=now
                )
    except StorageError as error:
        say(f"(Your answer could not be saved: {error.message}.)")
