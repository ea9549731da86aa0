"""Pain and effort questions, the symptom-spread wording, and advice around sessions.

Facts from CLINICAL.md (NHS advice on back pain, NHS inform, NICE NG59). The
wording is backcoach's own: calm, plain and short. The red-flag screen is
screening.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

from backcoach.screening import NOT_A_DIAGNOSIS as NOT_A_DIAGNOSIS
from backcoach.screening import whole_number

SYMPTOM_QUESTION = "Did any leg symptoms (pain, tingling, numbness) move further down the leg?"
SYMPTOM_STOP = (
    "Then stop the back-bending (extension) exercises for today: symptoms moving further "
    "down the leg are a sign to stop them. backcoach has noted it and leaves them out for "
    "the next 7 days. If this keeps happening, or you notice numbness or weakness, see a "
    "doctor or physiotherapist."
)
SYMPTOM_STOP_ONE = (
    "That exercise has stopped: symptoms moving further down the leg are a sign to stop it. "
    "backcoach has noted it and leaves it out for the next 7 days. If this keeps happening, "
    "or you notice numbness or weakness, see a doctor or physiotherapist."
)
SYMPTOM_WHAT = (
    "Symptoms: what happened? 1 pain, tingling or numbness spread further down the leg · "
    "2 new numbness or weakness · 3 it moved towards the middle of the back · "
    "c carry on (pressed by mistake)"
)
SYMPTOM_EMERGENCY = (
    "New numbness or weakness can be a sign of a nerve emergency (cauda equina syndrome). "
    "The session has stopped. Please get help now: call your emergency number (999 in the "
    "UK, 112 in Europe, 911 in North America) or go to an emergency department."
)
SYMPTOM_GOOD = (
    "Good. If pain moves towards the middle of your back instead, that is a good sign: carry on."
)
FLARE_UP_OFFER_AT = 7

# Advice around sessions (CLINICAL.md, "Advice shown around sessions": NHS back pain,
# NHS inform, NICE NG59); one or two lines, chosen for the session, never the whole list.
KEEP_MOVING = (
    "Keep moving today: walking and your usual activities help a back recover; bed rest does not."
)
KEEP_WALKING_GENTLY = (
    "On a bad day, keep walking gently, a little and often; resting in bed makes backs stiffer."
)
HEAT = "A warm bath or a heat pack before stretching can ease stiffness."
DESK = "At a desk, stand up and move at least once an hour."
HURT_IS_NOT_HARM = (
    "Mild soreness during and after exercise is normal: hurt does not mean harm. "
    "Sharp pain, or pain that keeps rising, is a reason to stop."
)
SEE_SOMEONE = (
    "If your back is no better after 2 weeks of these exercises, or it gets worse, "
    "see a GP or a physiotherapist."
)
EFFORTS = ("easy", "about right", "too hard")

Ask = Callable[[str], str]


def advice_before(upper_only: bool, stretching: bool) -> tuple[str, ...]:
    """What to keep in mind as a session starts."""
    second = DESK if upper_only else HEAT if stretching else None
    return (HURT_IS_NOT_HARM, second) if second else (HURT_IS_NOT_HARM,)


def advice_after(
    flare_up: bool, pain_before: int | None, pain_after: int | None
) -> tuple[str, ...]:
    """What to do next: keep moving; see someone when pain is not coming down."""
    first = KEEP_WALKING_GENTLY if flare_up else KEEP_MOVING
    not_easing = pain_before is not None and pain_after is not None and pain_after >= pain_before
    return (first, SEE_SOMEONE) if not_easing or flare_up else (first,)


def parse_pain(answer: str) -> tuple[bool, int | None]:
    """(valid, value): Enter skips (None); 0-10 is a score; anything else is invalid."""
    text = answer.strip()
    if not text:
        return True, None
    if whole_number(text) and 0 <= int(text) <= 10:
        return True, int(text)
    return False, None


def ask_pain(console: Console, ask: Ask, when: str) -> int | None:
    while True:
        valid, value = parse_pain(
            ask(f"Pain {when}, from 0 (none) to 10 (worst imaginable)? Enter to skip")
        )
        if valid:
            return value
        console.print("Please type a whole number from 0 to 10, or press Enter to skip.")


def parse_effort(answer: str) -> tuple[bool, str | None]:
    text = answer.strip().lower()
    if not text:
        return True, None
    choices = {"1": "easy", "2": "about right", "3": "too hard", "right": "about right"}
    if text in EFFORTS:
        return True, text
    if text in choices:
        return True, choices[text]
    return False, None


def ask_effort(console: Console, ask: Ask) -> str | None:
    while True:
        valid, value = parse_effort(
            ask("How hard did it feel? 1 easy, 2 about right, 3 too hard (Enter to skip)")
        )
        if valid:
            return value
        console.print("Please type 1, 2 or 3 (or easy, about right, too hard), or press Enter.")


def parse_yes_no(answer: str, default: bool) -> bool | None:
    text = answer.strip().lower()
    if not text:
        return default
    if text in ("y", "yes"):
        return True
    if text in ("n", "no"):
        return False
    return None


def ask_yes_no(console: Console, ask: Ask, question: str, default: bool) -> bool:
    hint = "[Y/n]" if default else "[y/N]"
    while True:
        answer = parse_yes_no(ask(f"{question} {hint}"), default)
        if answer is not None:
            return answer
        console.print("Please answer y or n.")
