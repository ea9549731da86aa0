"""The red-flag screen before a session, in CLINICAL.md's three tiers.

- Emergency (a reason given with each) and urgent: every session. The first
  session of a day shows both lists; a later one that day asks one line
  ("anything new or worse since your check at 08:10?"), so that two short
  sessions a day, as NHS inform suggests, do not teach anyone to skip a list.
- See a clinician first: once per episode. When one applies, the session goes
  ahead only once the person says a clinician has said exercise is fine; that
  answer is recorded with its date and asked again after 6 weeks, or when the
  person says the pain is a new episode.
- A red flag reported last time is asked about first.
- "None apply" is typed (`none` or `0`); an empty Enter is not an answer.

Sources: NHS advice on back pain; BMJ Best Practice, cauda equina syndrome;
NHS 111 criteria as reproduced by NHS MSK services; NICE NG234 (spinal
metastases); NICE NG59; NHS Gloucestershire G-care red flags. The wording is
backcoach's own. This module decides; render/safety.py draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

NOT_A_DIAGNOSIS = "backcoach gives self-care support, not a diagnosis."
CLEARANCE_LASTS = timedelta(weeks=6)
NONE_WORDS = frozenset({"none", "0", "no", "n"})
NEW_EPISODE = "new"

# The caution each exclusion flag of an exercise needs ("Cautions every catalogue must
# carry"): the words one of its cautions must hold, and why. Checked by `validate`.
FLAG_CAUTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "extension": (
        ("stenosis", "spondylolisthesis"),
        "an extension exercise (extension: true) is left out with spinal stenosis or "
        "spondylolisthesis: say so",
    ),
    "end_range": (
        ("hypermobil",),
        "an end-range stretch or twist (end_range: true) is left out with hypermobility: say so",
    ),
    "loaded_flexion": (
        ("osteoporosis",),
        "loaded bending (loaded_flexion: true) is left out with osteoporosis: say so",
    ),
    "nerve_tension": (
        ("leg",),
        "after a nerve-tensioning exercise (nerve_tension: true) symptoms spreading down "
        "the leg are a reason to stop: say so",
    ),
}


def exercise_problems(exercise: Any) -> list[str]:
    """What an exercise (models.Exercise) breaks of the rules a checker can check
    (docs/safety.md says why). A draft's cautions and sources still TODO are not judged."""
    from backcoach.vocabulary import Equipment, Level, Position

    problems = []
    if exercise.extension and exercise.warmup:
        problems.append(
            "an extension exercise cannot be a warm-up: warm up with direction-neutral "
            "movement (warmup: false)"
        )
    if "cautions" not in exercise.todos:
        text = [caution.lower() for caution in exercise.cautions]
        problems += [
            why
            for flag, (words, why) in FLAG_CAUTIONS.items()
            if getattr(exercise, flag) and not all(any(w in c for c in text) for w in words)
        ]
    if exercise.loaded_flexion and not exercise.loaded:
        problems.append("loaded bending (loaded_flexion: true) is loaded: set loaded: true")
    if exercise.loaded and exercise.level is Level.BEGINNER:
        problems.append("a loaded exercise cannot be a beginner's (level: intermediate or up)")
    if exercise.desk and not (
        exercise.position in (Position.STANDING, Position.SITTING)
        and exercise.level is Level.BEGINNER
        and not exercise.loaded
        and exercise.needs <= {Equipment.CHAIR, Equipment.WALL}
    ):
        problems.append(
            "a desk exercise (desk: true) is a beginner's, standing or sitting, not "
            "loaded, and needs nothing but a chair or a wall"
        )
    sources = exercise.sources
    if exercise.evidence is None and "sources" not in exercise.todos:
        if all(source.evidence == "low" for source in sources):
            problems.append(
                "every source is of low authority (evidence: low): say so with "
                "evidence: low on the exercise, which `show` tells the person"
            )
    return problems


class Tier(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    CLINICIAN = "clinician"

    @property
    def rank(self) -> int:
        return {"emergency": 0, "urgent": 1, "clinician": 2}[self.value]


NERVES = "a possible emergency of the nerves at the base of the spine (cauda equina syndrome)"


@dataclass(frozen=True)
class RedFlag:
    code: str
    tier: Tier
    text: str
    reason: str = ""  # emergency items: why it is an emergency
    advice: str = ""  # what to do, when it is not its tier's usual advice


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "both-legs",
        Tier.EMERGENCY,
        "numbness, tingling or weakness in both legs, or sciatica in both legs",
        NERVES,
    ),
    RedFlag(
        "saddle",
        Tier.EMERGENCY,
        "numbness around your genitals, bottom or inner thighs, or it feels different "
        "when you wipe after the toilet",
        NERVES,
    ),
    RedFlag(
        "bladder-bowel",
        Tier.EMERGENCY,
        "new trouble passing urine, or losing control of your bladder or bowels",
        NERVES,
    ),
    RedFlag("erection", Tier.EMERGENCY, "new problems getting or keeping an erection", NERVES),
    RedFlag(
        "leg-weakness",
        Tier.EMERGENCY,
        "weakness in one leg or foot that is getting worse (tripping, a foot that drops)",
        NERVES,
    ),
    RedFlag(
        "chest-pain",
        Tier.EMERGENCY,
        "chest pain along with the back pain",
        "a possible problem with the heart or the main artery (aorta)",
    ),
    RedFlag(
        "trauma",
        Tier.EMERGENCY,
        "the pain began after a recent serious fall, accident or blow",
        "a possible broken bone",
    ),
    RedFlag("fever", Tier.URGENT, "a temperature of 38 °C or more, or feeling generally unwell"),
    RedFlag("weight-loss", Tier.URGENT, "losing weight without trying"),
    RedFlag("lump", Tier.URGENT, "a lump, or a change in the shape of your back"),
    RedFlag(
        "night-pain", Tier.URGENT, "pain that does not ease when you rest, or is worse at night"
    ),
    RedFlag("cough", Tier.URGENT, "pain that gets worse when you sneeze, cough or strain"),
    RedFlag(
        "thoracic",
        Tier.URGENT,
        "new, constant pain high in your back (between the shoulder blades) that moving or "
        "changing position does not change; not the stiffness there from sitting at a desk",
    ),
    RedFlag(
        "cancer",
        Tier.URGENT,
        "back pain, and you have had cancer (NICE NG234: it should be checked within 24 hours)",
    ),
    RedFlag(
        "severe",
        Tier.URGENT,
        "pain so severe (9 or 10 out of 10) that painkillers and rest do not help",
    ),
    RedFlag("age", Tier.CLINICIAN, "this is your first back pain and you are over 50 or under 20"),
    RedFlag("immune", Tier.CLINICIAN, "you have a weakened immune system, or you inject drugs"),
    RedFlag(
        "bones",
        Tier.CLINICIAN,
        "you have osteoporosis or take steroids long-term, and you fell or strained your back",
    ),
    RedFlag("weeks", Tier.CLINICIAN, "the pain has not improved after about 4 to 6 weeks"),
    # Replaces the lumped "stenosis, spondylolisthesis or osteoporosis" item: those are
    # now asked one by one as conditions that change the plan (CONDITIONS below).
    RedFlag(
        "surgery",
        Tier.CLINICIAN,
        "you have had spinal surgery in the last 12 months (see your surgeon or "
        "physiotherapist first)",
    ),
)
# Said during a session with the `s` key (not a screen item): recorded as a red flag.
NEW_WEAKNESS = "new-weakness"
DURING_SESSION = RedFlag(
    NEW_WEAKNESS, Tier.EMERGENCY, "new numbness or weakness, reported during a session", NERVES
)
# Asked at once when the person has had cancer (NICE NG234, spinal metastases and
# metastatic spinal cord compression, which replaced CG75 in 2023): any of these is
# an emergency, not urgent.
CANCER_LEGS_QUESTION = (
    "You have had cancer: since this back pain began, any new weakness, numbness or "
    "difficulty walking, or new nerve pain in the legs?"
)
CANCER_LEGS = RedFlag(
    "cancer-legs",
    Tier.EMERGENCY,
    "back pain after cancer, with new weakness, numbness, difficulty walking or nerve pain "
    "in the legs",
    "a possible pressure on the spinal cord (metastatic spinal cord compression, NICE NG234)",
    "Please get help now: call your emergency number (999 in the UK, 112 in Europe, 911 "
    "in North America), or your cancer team's acute oncology line, straight away. Tell "
    "them you have had cancer and what you noticed in your legs.",
)
BY_CODE = {flag.code: flag for flag in RED_FLAGS}
EVERY_SESSION = tuple(flag for flag in RED_FLAGS if flag.tier is not Tier.CLINICIAN)
ONCE_PER_EPISODE = tuple(flag for flag in RED_FLAGS if flag.tier is Tier.CLINICIAN)

TIER_TITLE = {
    Tier.EMERGENCY: "Get help now if you have",
    Tier.URGENT: "Do not exercise today, and contact a doctor today, if you have",
    Tier.CLINICIAN: "See a doctor or physiotherapist before starting a programme if",
}
ADVICE = {
    Tier.EMERGENCY: (
        "Please stop here and get help now: call your emergency number (999 in the UK, "
        "112 in Europe, 911 in North America) or go to an emergency department."
    ),
    Tier.URGENT: (
        "Please do not exercise today. Contact a doctor or an urgent care line (NHS 111 "
        "in the UK) today, and tell them what you noticed."
    ),
    Tier.CLINICIAN: (
        "Please check with a doctor or physiotherapist before you start an exercise "
        "programme. Once they say it is fine, run backcoach again and say so: it will "
        "remember, and ask again after 6 weeks."
    ),
}


@dataclass(frozen=True)
class Memory:
    """What earlier checks said, from the history (an empty one: a first session)."""

    last_full_check: datetime | None = None  # the last time both lists were answered
    flags_last_time: tuple[str, ...] = ()  # red flags reported at the last check
    clinician_checked: datetime | None = None  # the last answer to the clinician tier
    clinician_flags: tuple[str, ...] = ()
    cleared: bool = False  # ... and whether a clinician had said exercise is fine


@dataclass(frozen=True)
class Screening:
    """The answer to the screen, and what to record of it."""

    flags: tuple[RedFlag, ...]
    confirmed_by: str  # "person", "brief" (the one-line check) or "--yes"
    full_check: bool = False  # both lists were answered (record it)
    clinician: tuple[RedFlag, ...] | None = None  # the clinician tier, if it was asked
    cleared: bool = False  # a clinician has said exercise is fine
    notes: tuple[str, ...] = field(default=())

    @property
    def tier(self) -> Tier | None:
        stopping = [flag for flag in self.flags if flag.tier is not Tier.CLINICIAN]
        if self.clinician and not self.cleared:
            stopping += list(self.clinician)
        if not stopping:
            return None
        return min((flag.tier for flag in stopping), key=lambda tier: tier.rank)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in (*self.flags, *(self.clinician or ())))


def whole_number(text: str) -> bool:
    """0-9 only: \"²\" and \"①\" are digits to str.isdigit but not numbers int() reads."""
    return text.isascii() and text.isdecimal()


def parse_flags(
    answer: str, flags: tuple[RedFlag, ...], allow_new: bool = False
) -> tuple[tuple[RedFlag, ...], bool] | None:
    """'3 7' → those flags; 'none' or '0' → none; 'new' (if allowed) marks a new episode.

    Returns (flags, new episode) or None when the answer is not one (an empty Enter
    included: "none apply" has to be said).
    """
    words = answer.strip().lower().replace(",", " ").split()
    if not words:
        return None
    new = allow_new and NEW_EPISODE in words
    words = [word for word in words if word != NEW_EPISODE or not allow_new]
    if not words:
        return (), new
    if len(words) == 1 and words[0] in NONE_WORDS:
        return (), new
    chosen: list[RedFlag] = []
    for word in words:
        if not whole_number(word) or not 1 <= int(word) <= len(flags):
            return None
        flag = flags[int(word) - 1]
        if flag not in chosen:
            chosen.append(flag)
    return tuple(chosen), new


def clinician_due(memory: Memory, now: datetime) -> bool:
    """The clinician tier is asked once per episode: again after 6 weeks, and every time
    while an item applies that no clinician has cleared."""
    checked = memory.clinician_checked
    if checked is None or now - checked >= CLEARANCE_LASTS:
        return True
    return bool(memory.clinician_flags) and not memory.cleared


# Around a session: the symptom-spread rule, pain, effort and advice (NHS, NHS inform,
# NICE NG59; the wording is backcoach's own).

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
    "Good: pain moving towards the middle of your back (away from the leg) is a good sign. "
    "Carry on."
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


# The `x` key, "this hurts" (CLINICAL.md, "Pacing the first weeks"; "Hurt does not
# equal harm": mild soreness is expected, sharp pain is a reason to stop).
HURT_STOP = (
    "Stopped for sharp pain: that exercise is one step easier next time, and if it hurts "
    "like this twice within 14 days it is swapped for an easier one."
)


# Conditions that change the plan (CLINICAL.md): asked once per episode, each a separate
# answer, each recorded; the gate turns them into exclusions the planner obeys.


@dataclass(frozen=True)
class Condition:
    code: str
    question: str
    told: str  # "you told backcoach {told}" (what applies, as the person said it)
    rules: tuple[str, ...]  # what it leaves out (see rule_applies)
    leaves_out: str  # what the rules mean, in words: "{told}: {leaves_out}"
    caution: str = ""  # advice, said once when the answer is yes


PREGNANT = "pregnancy"
PAST_16_WEEKS = "pregnancy-16"
CONDITIONS = (
    Condition(
        "stenosis",
        "Has a clinician told you that you have spinal stenosis or spondylolisthesis?",
        "you have spinal stenosis or spondylolisthesis",
        ("extension",),
        "no back-bending (extension) exercises",
    ),
    Condition(
        "osteoporosis",
        "Do you have osteoporosis?",
        "you have osteoporosis",
        ("loaded_flexion", "end_range"),
        "no loaded forward bending and no stretch pushed to the end of the range",
        "With osteoporosis, keep bending and twisting small and never forceful "
        "(Royal Osteoporosis Society).",
    ),
    Condition(
        PREGNANT,
        "Are you pregnant?",
        "you are pregnant",
        ("prone", "loaded"),
        "no lying face down and no loaded exercise",
        "In pregnancy, pain at the front or back of the pelvis (pelvic girdle pain) is for a "
        "physiotherapist to see: ask your midwife or GP (NHS).",
    ),
    Condition(
        PAST_16_WEEKS,
        "Are you past about 16 weeks?",
        "you are past about 16 weeks of pregnancy",
        ("supine",),
        "no lying on your back (NHS: not flat on your back for long)",
    ),
    Condition(
        "hypermobility",
        "Do you have joint hypermobility (very flexible joints, hypermobility syndrome)?",
        "you have hypermobility",
        ("end_range",),
        "no stretch held at the end of the range",
        "With hypermobility, hold stretches in the middle of the range, never pushed to the "
        "end: the end of the range strains joints that already move too far.",
    ),
)
CONDITION_BY_CODE = {condition.code: condition for condition in CONDITIONS}
LEG_SYMPTOMS_RULE = (
    "long_straight_leg",
    "because you told backcoach you have leg symptoms (a long straight-leg hold "
    "tensions the nerve)",
)
LONG_HOLD_SECONDS = 60


def rule_applies(rule: str, exercise: Any) -> bool:
    """Whether an exclusion rule (an exercise flag, or a position) covers an exercise."""
    position = getattr(getattr(exercise, "position", None), "value", None)
    if rule == "prone":
        return position == "prone"
    if rule == "supine":
        return position == "supine"
    if rule == "long_straight_leg":
        seconds = getattr(getattr(exercise, "dose", None), "seconds", 0)
        return bool(getattr(exercise, "nerve_tension", False)) and seconds >= LONG_HOLD_SECONDS
    return bool(getattr(exercise, rule, False))


def condition_reason(condition: Condition) -> str:
    """Why a condition leaves something out, as the person said it, and what it leaves
    out: "because you told backcoach you are pregnant: no lying face down and …"."""
    return f"because you told backcoach {condition.told}: {condition.leaves_out}"


def condition_exclusions(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(rule, reason) for each condition that applies, named as the person said it."""
    out: list[tuple[str, str]] = []
    for code in codes:
        condition = CONDITION_BY_CODE.get(code)
        if condition is None:
            continue
        out.extend((rule, condition_reason(condition)) for rule in condition.rules)
    return tuple(out)


def condition_cautions(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The advice for the conditions that apply, each said once when answered yes."""
    return tuple(
        CONDITION_BY_CODE[code].caution
        for code in codes
        if code in CONDITION_BY_CODE and CONDITION_BY_CODE[code].caution
    )
