"""The questions progression needs, asked around a session (CLINICAL.md).

- The 24-hour rule: at the start of the next session, "Was your pain back to its
  usual level by the next morning?" about the last one. A "no" steps its
  exercises back one step.
- Leg symptoms: asked once per episode of back pain; when there are some, leg
  pain is scored before and after each session, apart from back pain. Leg pain
  falling (centralisation) is good news; it rising by 2 or more steps back.

Enter skips any of them: an unanswered question never steps anything up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from backcoach.coach.prompts import Ask, ask_pain, yes_no, yes_no_or_skip
from backcoach.coach.prompts import console_say as _say

if TYPE_CHECKING:
    from rich.console import Console

    from backcoach.clinical import Memory
    from backcoach.history.store import History
    from backcoach.models import SessionRecord

# Asked about a session from an earlier day, no longer than this ago.
NEXT_MORNING_WITHIN = timedelta(days=3)
LEG_SYMPTOMS = "leg-symptoms"
CENTRALISING = (
    "Leg pain easing, or moving back towards your spine, is a good sign (centralisation)."
)


def next_morning_due(last: SessionRecord | None, now: datetime) -> bool:
    """The last session was on an earlier day (its next morning has come), within 3 days,
    not a flare-up day, some exercise was done, and the question is not answered yet."""
    if last is None or last.flare_up or last.next_morning is not None:
        return False
    worked = any(record.work_seconds > 0 for record in last.exercises)
    earlier_day = last.started_at.astimezone().date() < now.astimezone().date()
    return worked and earlier_day and now - last.started_at <= NEXT_MORNING_WITHIN


def ask_next_morning(console: Console, ask: Ask, history: History, now: datetime) -> int | None:
    """Ask the 24-hour question when it is due and save the answer. When the answer is
    "no", the id of the session it is about (today's doses step back), else None."""
    sessions = history.sessions(1, at=now)
    last = sessions[0] if sessions else None
    if last is None or not next_morning_due(last, now):
        return None
    day = last.started_at.astimezone().strftime("%A")
    question = (
        f"After your last session ({day}), was your pain back to its usual level by the "
        "next morning?"
    )
    answer = yes_no_or_skip(ask, _say(console), question)
    if answer is None:
        return None  # skipped: nothing changes
    _save(console, history, lambda: history.record_answers(last.id, next_morning=answer))
    if answer:
        return None
    console.print(
        "Then today's doses are a step easier (the 24-hour rule): pain that lasts into "
        "the next day means the last session asked a little too much."
    )
    return last.id


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


def leg_symptoms_due(answered: tuple[datetime, str] | None, memory: Memory) -> bool:
    """Asked once per episode: never yet, or not since the episode's clinician check."""
    if answered is None:
        return True
    checked = memory.clinician_checked
    return checked is not None and answered[0] < checked


def ask_leg_pain_before(console: Console, ask: Ask, history: History | None) -> int | None:
    """Leg pain now, when the person has leg symptoms (asked about once per episode)."""
    from backcoach.history.routines import episode_answer, record_episode_answer

    answered = episode_answer(history, LEG_SYMPTOMS) if history is not None else None
    if history is None or leg_symptoms_due(answered, history.screening_memory()):
        has_leg_symptoms = yes_no(
            ask,
            _say(console),
            "Do you have pain, tingling or numbness down a leg with this back pain?",
            default=False,
        )
        if history is not None:
            answer = "yes" if has_leg_symptoms else "no"
            _save(console, history, lambda: record_episode_answer(history, LEG_SYMPTOMS, answer))
    else:
        has_leg_symptoms = answered is not None and answered[1] == "yes"
    if not has_leg_symptoms:
        return None
    return ask_pain(ask, _say(console), "in your leg now")
