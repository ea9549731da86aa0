"""The questions progression needs, asked around a session (CLINICAL.md).

- The 24-hour rule: at the start of the next session, "Was your pain back to its
  usual level by the next morning?" about the last session that counts (not a desk
  break, a flare-up or a red-flag stop), named by its day. A "no" steps its
  exercises back one step in the plan that then runs.
- Leg symptoms: asked once per episode of back pain; when there are some, leg
  pain is scored before and after each session, apart from back pain. Leg pain
  falling (centralisation) is good news; it rising by 2 or more steps back.

Enter skips any of them: an unanswered question never steps anything up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from backcoach.coach.prompts import Ask, ask_pain, yes_no, yes_no_or_skip
from backcoach.coach.prompts import console_say as _say

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from backcoach.gate import LastSession
    from backcoach.history.store import History

LEG_SYMPTOMS = "leg-symptoms"
CENTRALISING = (
    "Leg pain easing, or moving back towards your spine, is a good sign (centralisation)."
)


def leg_pain_words(
    leg_before: int, leg_after: int, back_before: int | None, back_after: int | None
) -> str:
    """The end screen's leg-pain line with its advice (CLINICAL.md, "Leg pain and back
    pain"): judged apart from back pain."""
    line = f"Leg pain: {leg_before} → {leg_after}."
    rise = leg_after - leg_before
    if rise >= 2:
        return (
            f"{line} Leg pain rose by {rise}: next time the exercises step back "
            "(back-bending and nerve-tensioning ones first). Rest the leg today; if it "
            "spreads further down the leg or stays worse for more than a day or two, see "
            "a physiotherapist or GP. New numbness or weakness in the legs: get urgent help."
        )
    if rise < 0:
        back_rose = back_before is not None and back_after is not None and back_after > back_before
        extra = (
            " Back pain rising while leg pain eases is part of it: carry on." if back_rose else ""
        )
        return f"{line} {CENTRALISING}{extra}"
    return line


def ask_next_morning(
    console: Console, ask: Ask, history: History | None, last: LastSession
) -> bool | None:
    """The 24-hour question about the last session that counts (the gate says when it is
    due), named by its day; the answer is saved. None: skipped (nothing changes)."""
    day = last.started_at.astimezone()
    question = (
        f"After your session on {day:%A %d %b}, was your pain back to its usual level by "
        "the next morning?"
    )
    answer = yes_no_or_skip(ask, _say(console), question)
    if answer is None:
        return None
    if history is not None:
        _save(console, history, lambda: history.record_answers(last.id, next_morning=answer))
    if not answer:
        console.print(
            "Then today's doses are a step easier (the 24-hour rule): pain that lasts into "
            "the next day means that session asked a little too much."
        )
    return answer


# A question's answer waits this long for another backcoach's lock, as a session's do.
ANSWER_BUSY_TIMEOUT_MS = 30_000


def _save(console: Console, history: History, write: Callable[[], None]) -> None:
    """Save an answer; a busy history is waited for, and one that cannot be written is
    said, never a reason to lose the session (today's plan uses the answer regardless)."""
    from backcoach.errors import HistoryBusy, StorageError
    from backcoach.history.migrations import BUSY_TIMEOUT_MS

    try:
        try:
            write()
        except HistoryBusy:
            console.print("Waiting for the history: another backcoach is using it…")
            history.set_busy_timeout(ANSWER_BUSY_TIMEOUT_MS)
            try:
                write()
            finally:
                history.set_busy_timeout(BUSY_TIMEOUT_MS)
    except StorageError as error:
        console.print(
            f"(Your answer could not be saved: {error.message}; it counts for today.)",
            style="yellow",
            markup=False,
            highlight=False,
        )


def ask_leg_symptoms(console: Console, ask: Ask, history: History | None) -> bool:
    """Asked once per episode (the gate says when): leg symptoms with this back pain?"""
    from backcoach.history.routines import record_episode_answer

    has_leg_symptoms = yes_no(
        ask,
        _say(console),
        "Do you have pain, tingling or numbness down a leg with this back pain?",
        default=False,
    )
    if history is not None:
        answer = "yes" if has_leg_symptoms else "no"
        _save(console, history, lambda: record_episode_answer(history, LEG_SYMPTOMS, answer))
    return has_leg_symptoms


def ask_conditions(console: Console, ask: Ask, history: History | None) -> tuple[str, ...]:
    """Asked once per episode (the gate says when), one by one, each answer saved: the
    conditions that change the plan (CLINICAL.md). Returns the codes that apply."""
    from backcoach.clinical import CONDITIONS, PAST_16_WEEKS, PREGNANT
    from backcoach.history.flags import CONDITION_PREFIX

    say = _say(console)
    applying: list[str] = []
    for condition in CONDITIONS:
        if condition.code == PAST_16_WEEKS and PREGNANT not in applying:
            continue
        yes = yes_no(ask, say, condition.question, default=False)
        if yes:
            applying.append(condition.code)
        if history is not None:
            _save_answer(console, history, CONDITION_PREFIX + condition.code, yes)
    return tuple(applying)


def ask_extension_ok(
    console: Console, ask: Ask, history: History | None, spreads: tuple[datetime, datetime]
) -> bool:
    """After a second spread within 14 days: has a clinician said back-bending is OK?
    Recorded like a clearance; until it is "yes", extension exercises are left out."""
    from backcoach.history.flags import EXTENSION_OK
    from backcoach.vocabulary import days_words

    earlier, later = spreads
    yes = yes_no(
        ask,
        _say(console),
        f"Leg symptoms spread twice within 14 days ({days_words((earlier, later), later)}). "
        "Has a physiotherapist or doctor seen you since and said back-bending exercises "
        "are OK?",
        default=False,
    )
    if history is not None and yes:
        _save_answer(console, history, EXTENSION_OK, yes)
    return yes


def _save_answer(console: Console, history: History, question: str, yes: bool) -> None:
    from backcoach.history.routines import record_episode_answer

    answer = "yes" if yes else "no"
    _save(console, history, lambda: record_episode_answer(history, question, answer))


def ask_leg_pain(console: Console, ask: Ask) -> int | None:
    return ask_pain(ask, _say(console), "in your leg now")
