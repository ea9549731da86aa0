"""The red-flag screen, pain and effort questions, and the symptom-spread rule.

Facts from CLINICAL.md (NHS advice on back pain; BMJ Best Practice on cauda
equina syndrome; NHS 111 criteria; clinicians' red-flag lists). The wording is
backcoach's own: calm, plain and short. backcoach gives self-care support, not
a diagnosis, and says so once wherever it advises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

NOT_A_DIAGNOSIS = "backcoach gives self-care support, not a diagnosis."


class Tier(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    CLINICIAN = "clinician"

    @property
    def rank(self) -> int:
        return {"emergency": 0, "urgent": 1, "clinician": 2}[self.value]


@dataclass(frozen=True)
class RedFlag:
    code: str
    tier: Tier
    text: str


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("both-legs", Tier.EMERGENCY, "numbness, tingling or weakness in both legs"),
    RedFlag(
        "saddle",
        Tier.EMERGENCY,
        "numbness around your genitals, bottom or inner thighs",
    ),
    RedFlag(
        "bladder-bowel",
        Tier.EMERGENCY,
        "new trouble passing urine, or losing control of your bladder or bowels",
    ),
    RedFlag("erection", Tier.EMERGENCY, "new problems getting or keeping an erection"),
    RedFlag("chest-pain", Tier.EMERGENCY, "chest pain along with the back pain"),
    RedFlag("trauma", Tier.EMERGENCY, "the pain began after a bad fall, an accident or a blow"),
    RedFlag("fever", Tier.URGENT, "a temperature of 38 °C or more, or feeling generally unwell"),
    RedFlag("weight-loss", Tier.URGENT, "losing weight without trying"),
    RedFlag("lump", Tier.URGENT, "a lump, or a change in the shape of your back"),
    RedFlag(
        "night-pain", Tier.URGENT, "pain that does not ease when you rest, or is worse at night"
    ),
    RedFlag("cough", Tier.URGENT, "pain that gets worse when you sneeze, cough or strain"),
    RedFlag("thoracic", Tier.URGENT, "pain high up between the shoulder blades"),
    RedFlag("age", Tier.CLINICIAN, "this is your first back pain and you are over 50 or under 20"),
    RedFlag(
        "history",
        Tier.CLINICIAN,
        "you have had cancer, have a weakened immune system, or inject drugs",
    ),
    RedFlag(
        "bones",
        Tier.CLINICIAN,
        "you have osteoporosis or take steroids long-term, and fell or strained your back",
    ),
    RedFlag("weeks", Tier.CLINICIAN, "the pain has not improved after about 4 to 6 weeks"),
)

TIER_TITLE = {
    Tier.EMERGENCY: "Get help now if you have",
    Tier.URGENT: "Do not exercise today, and contact a doctor today, if you have",
    Tier.CLINICIAN: "See a doctor or physiotherapist before starting a programme if",
}

ADVICE = {
    Tier.EMERGENCY: (
        "Please stop here and get help now: call your emergency number (999 in the UK, "
        "112 in Europe, 911 in North America) or go to an emergency department. These "
        "signs can mean a nerve problem that needs treating quickly."
    ),
    Tier.URGENT: (
        "Please do not exercise today. Contact a doctor or an urgent care line (NHS 111 "
        "in the UK) today, and tell them what you noticed."
    ),
    Tier.CLINICIAN: (
        "Please check with a doctor or physiotherapist before you start an exercise "
        "programme. Once they say it is fine, backcoach will be here."
    ),
}

SYMPTOM_QUESTION = "Did any leg symptoms (pain, tingling, numbness) move further down the leg?"
SYMPTOM_STOP = (
    "Then stop the back-bending (extension) exercises for today: symptoms moving further "
    "down the leg are a sign to stop them. backcoach has noted it and leaves them out for "
    "the next 7 days. If this keeps happening, or you notice numbness or weakness, see a "
    "doctor or physiotherapist."
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


@dataclass(frozen=True)
class Screening:
    """The answer to the red-flag screen."""

    flags: tuple[RedFlag, ...]
    confirmed_by: str  # "person" or "--yes"

    @property
    def tier(self) -> Tier | None:
        if not self.flags:
            return None
        return min((flag.tier for flag in self.flags), key=lambda tier: tier.rank)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in self.flags)


def _whole_number(text: str) -> bool:
    """0-9 only: "²" and "①" are digits to str.isdigit but not numbers int() reads."""
    return text.isascii() and text.isdecimal()


def parse_flags(answer: str) -> tuple[RedFlag, ...] | None:
    """'3, 7' → those flags; '' → none apply; None when the answer makes no sense."""
    text = answer.strip().lower()
    if text in ("", "none", "no", "n", "0"):
        return ()
    flags: list[RedFlag] = []
    for part in text.replace(",", " ").split():
        if not _whole_number(part) or not 1 <= int(part) <= len(RED_FLAGS):
            return None
        flag = RED_FLAGS[int(part) - 1]
        if flag not in flags:
            flags.append(flag)
    return tuple(flags)


def screen(console: Console, ask: Ask | None, *, yes: bool) -> Screening:
    """Show the list; the person says which apply (or --yes confirms none do)."""
    from backcoach.render.safety import red_flag_list

    console.print(red_flag_list())
    if yes or ask is None:
        console.print("--yes: you confirm that none of these apply to you today.")
        return Screening((), "--yes")
    while True:
        answer = ask(
            f"Type the numbers of any that apply (1-{len(RED_FLAGS)}), or press Enter if none do"
        )
        flags = parse_flags(answer)
        if flags is not None:
            return Screening(flags, "person")
        console.print(
            f"Please type numbers from 1 to {len(RED_FLAGS)}, such as 3 or 3 7, or just Enter."
        )


def parse_pain(answer: str) -> tuple[bool, int | None]:
    """(valid, value): Enter skips (None); 0-10 is a score; anything else is invalid."""
    text = answer.strip()
    if not text:
        return True, None
    if _whole_number(text) and 0 <= int(text) <= 10:
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
