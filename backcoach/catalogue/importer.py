"""Open exercise data → reviewed-to-be drafts: free-exercise-db's records mapped, or refused.

Pure: records in, drafts and refusals out. Nothing is invented: the dose, the
cautions, the cues, the purpose and the sources are left as TODOs for a person
to write from a reputable source (docs/import.md). A draft is `reviewed: false`
and never enters a plan. The dataset's photos are never used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

DATASET = "free-exercise-db"
DATASET_URL = "https://github.com/yuhonas/free-exercise-db"
LICENCE = "Unlicense (public domain)"
# Licences a record may carry (the dataset's own when it names none).
ALLOWED_LICENCES = frozenset({"unlicense", "unlicense (public domain)", "public domain", "cc0-1.0"})

KINDS = {"stretching": "stretch", "strength": "strengthen"}
LEVELS = {"beginner": "beginner", "intermediate": "intermediate", "expert": "advanced"}
# The back's muscles, and for stretches the hips' (a tight hamstring or glute pulls on it).
UPPER_MUSCLES = frozenset({"middle back", "lats", "traps", "neck"})
LOWER_MUSCLES = frozenset({"lower back", "abdominals"})
HIP_MUSCLES = frozenset({"glutes", "hamstrings"})
EQUIPMENT = {
    "body only": None,
    "bands": "band",
    "dumbbell": "dumbbell",
    "kettlebells": "kettlebell",
    "barbell": "barbell",
    "cable": "cable",
    "foam roll": "foam-roller",
    "exercise ball": "stability-ball",
}
# The record's equipment, as the dataset words it, by whether it is a load the spine
# carries. Weights are (a medicine ball and an E-Z curl bar too). A foam roller or an
# exercise ball supports the body; it is no load (nor is no equipment named, which the
# draft's equipment says is none). Bands and "other" are left to the reviewer: a band may
# be a light resistance, a strap for a stretch or a heavy pull (and "loaded" leaves an
# exercise out in pregnancy), so the words decide or a person does.
LOAD_EQUIPMENT = frozenset({"dumbbell", "kettlebells", "barbell", "cable", "medicine ball",
                            "e-z curl bar"})  # fmt: skip
NO_LOAD_EQUIPMENT = frozenset({"body only", "exercise ball", "foam roll"})
# Loaded or repeated spinal flexion, and heavy hinges: never a beginner's (CLINICAL.md).
NEVER_BEGINNER = re.compile(
    r"crunch|sit[- ]?up|good ?morning|deadlift|roll[- ]?out|ab wheel|jack ?knife|v[- ]?up",
    re.IGNORECASE,
)
# Where a record's first steps say the body starts, most specific first.
POSITIONS = (
    ("all-fours", r"hands and knees|all fours|quadruped"),
    ("side-lying", r"on your side|side[- ]lying|lie on one side"),
    (
        "prone",
        r"face down|facedown|prone|on your stomach|on your belly|plank position"
        r"|(torso|chest|stomach) (pressing )?(against|on) the (exercise )?ball",
    ),
    ("supine", r"on your back|face up|supine|\blie (down|flat)\b|lying position|back flat"),
    ("kneeling", r"\bkneel"),
    ("sitting", r"\bsit\b|\bsitting\b|\bseated\b|\bsit down\b|\bon a chair"),
    ("standing", r"\bstand\b|\bstanding\b|step under the bar|feet (shoulder|hip)[- ]width"),
)
# Back extension (CLINICAL.md): by name, or steps that arch the back, squeeze the lower
# back, or lift the chest or legs off the floor lying face down. Such drafts are
# `extension: true`, loaded where a weight is held, and never a beginner's.
EXTENSION_NAME = re.compile(
    r"superman|hyper ?extension|back extension|back raise|cobra|locust|\bswimmers?\b",
    re.IGNORECASE,
)
EXTENSION_STEP = re.compile(
    r"\barch(es|ing)? (your |the )?(lower |upper )?back"
    r"|(squeez|contract|tighten)\w* (your |the )?lower back"
    r"|\b(raise|lift)\w*\b[^.]*\b(chest|legs?|shoulders|torso|trunk|upper body)\b[^.]*"
    r"\b(off|from) (of )?the (floor|ground|mat)",
    re.IGNORECASE,
)
# Loaded by name (CLINICAL.md: "Loaded exercises (deadlift, hyperextension, rows, superman)
# never gain sets automatically"), whatever the record's equipment says.
LOADED_NAME = re.compile(r"superman|hyper ?extension", re.IGNORECASE)
FACE_DOWN = re.compile(r"face ?down|\bprone\b|on your (stomach|belly)", re.IGNORECASE)
# "Avoid arching your back", "do not arch": advice against it, not extension.
NEGATED = re.compile(r"\b(avoid|don't|do not|never|without|not)\b[^.]{0,30}$", re.IGNORECASE)
# A weight held, whatever the record's equipment says: "Weighted Crunches", "hold a weight
# to your chest", "holding a weight plate", "grab the plate", "hold a medicine ball".
_WEIGHTS = r"(weights?|plates?|dumbbells?|kettlebells?|barbells?|medicine balls?|med balls?)"
WEIGHTED = re.compile(
    r"weight(ed)? plate|extra resistance|\bweighted\b|\bmedicine ball"
    r"|\b(hold|holds|holding|grab|grabs|grabbing|grasp|grasping|take|pick up)"
    rf" (a |an |the |one |two |both )?(light |heavy |small )?{_WEIGHTS}\b",
    re.IGNORECASE,
)
# Any other word for a load: the reviewer answers, never a `false` from the import.
LOAD_WORD = re.compile(rf"\b({_WEIGHTS}|bands?|cables?)\b", re.IGNORECASE)
# "Support your weight on your hands", "shift your body weight": the body, no load.
BODY_WEIGHT = re.compile(r"\b(your|body|own|the body's) ?weight\b", re.IGNORECASE)
# The sciatic nerve is tensioned by a stretch behind the thigh or a straight leg with the
# hip bent (CLINICAL.md: knee to chest, legs up the wall, straight-leg positions).
NERVE = re.compile(
    r"hamstring|straight[- ]leg|legs? (fully )?(extended|straight)|touch (your )?toes"
    r"|knees? (in )?to(wards)? (your |the )?chest|legs up the wall",
    re.IGNORECASE,
)
# A bend under load: crunches, sit-ups, good mornings, deadlifts, bending over with weight,
# and bending sideways (a side bend is loaded lateral flexion: CLINICAL.md's osteoporosis
# rule, after the Royal Osteoporosis Society, avoids loaded bending, not only forwards).
FLEXION = re.compile(
    r"crunch|sit[- ]?up|good ?morning|deadlift|bent[- ]over|side[- ]?bend|curl[- ]?up"
    r"|jack ?knife|\bv[- ]?up|bend\w* (forward|over|sideways|to the side|at the (waist|hips?))"
    r"|\blateral(ly)? flex|\bflex\w* (at |from )?the (waist|trunk|spine|torso)"
    r"|shoulders (up )?off the (floor|ground|mat)",
    re.IGNORECASE,
)
END_RANGE = re.compile(r"as far as (you can|possible)|\btwist|\brotat", re.IGNORECASE)
# One line each in the draft, so that an editor shows the whole question.
TODO_FLAG = {
    "extension": "TODO true/false: does it bend the back backwards?",
    "nerve_tension": "TODO true/false: does it pull behind the thigh?",
    "loaded": "TODO true/false: does it carry a load (a weight, a band, a cable)?",
    "loaded_flexion": "TODO true/false: does it bend forwards or sideways under load?",
    "end_range": "TODO true/false: held at the end of the range, or a twist?",
}
FILLER = re.compile(
    r"^(repeat|perform|do)\b.*\b(recommended|desired|prescribed|required)\b|^repeat\.?$",
    re.IGNORECASE,
)

TODO_PURPOSE = "TODO: one sentence on what it does for the back"
TODO_CUE = "TODO: a short cue said during the exercise"
TODO_CAUTION = "TODO: when not to do it and when to stop, from a reputable source"
TODO_SOURCE = "TODO: the reputable source of the dose and the cautions"
TODO_DOSE = "TODO: a dose from a reputable source, e.g. {type: hold, seconds: 20, reps: 3}"

# Why a record was refused, as the summary says it.
REASONS = {
    "already": "already in backcoach (the same id or name as another exercise)",
    "malformed": "not a readable record (a field missing or of the wrong kind, or an id over "
    "300 characters)",
    "invalid": "would not pass validate (too long, or text that cannot be shown)",
    "category": "not back care (powerlifting, olympic lifts, strongman, plyometrics, cardio)",
    "machine": "needs a gym machine",
    "muscle": "no back-related muscle",
    "position": "no clear starting position",
    "licence": "no licence that allows it",
}


class Draft(NamedTuple):
    record: str  # the dataset's id, which re-imports match on
    data: dict[str, Any]  # the exercise as the catalogue holds it (TODOs included)
    raised: bool  # its level was raised above beginner (never-beginner rule)


class Outcome(NamedTuple):
    drafts: list[Draft]
    refused: Counter[str]  # REASONS key → count


_RECORD_FIELDS: dict[str, type] = {
    "id": str,
    "name": str,
    "instructions": list,
    "category": str,
    "primaryMuscles": list,
    "secondaryMuscles": list,
}
MAX_RECORD_ID = 300  # the origin's `record` is short text


def kebab(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "exercise"


def unique(base: str, used: set[str]) -> str:
    """`base`, or the first of base-2, base-3 ... not in `used` (cut to stay at 60
    characters, never ending in a hyphen): stable for the same records in the same order."""
    if base not in used:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: 60 - len(suffix)].rstrip("-") + suffix
        if candidate not in used:
            return candidate
        number += 1


def position_of(instructions: Iterable[str]) -> str | None:
    """The starting position the first two steps name; None if they name none."""
    opening = " ".join(list(instructions)[:2])
    for position, pattern in POSITIONS:
        if re.search(pattern, opening, re.IGNORECASE):
            return position
    return None


def extends_the_back(name: str, steps: Iterable[str]) -> bool:
    """Whether a record describes back extension, by its name or by its steps."""
    if EXTENSION_NAME.search(name):
        return True
    lines = list(steps)
    for line in lines:
        for found in EXTENSION_STEP.finditer(line):
            if NEGATED.search(line[: found.start()]):
                continue
            if not found.group().lower().startswith(("raise", "lift")):
                return True
            if FACE_DOWN.search(" ".join(lines[:2])):
                return True
    return False


def load_of(record: Mapping[str, Any], name: str, steps: list[str]) -> bool | str:
    """`loaded`: true for a weight as equipment, a weight held (by the words) or a superman
    or hyperextension; false only with no equipment that loads (body only or none named,
    an exercise ball, a foam roller) and no word for a load; else the reviewer's TODO."""
    text = " ".join([name, *steps])
    equipment = str(record.get("equipment") or "body only").lower()  # none named: none
    if equipment in LOAD_EQUIPMENT or LOADED_NAME.search(name) or WEIGHTED.search(text):
        return True
    if equipment in NO_LOAD_EQUIPMENT and not LOAD_WORD.search(BODY_WEIGHT.sub("", text)):
        return False
    return TODO_FLAG["loaded"]


def flags(record: Mapping[str, Any], name: str, steps: list[str]) -> dict[str, Any]:
    """The five exclusion flags, each explicit: true where the record shows it, false only
    where it cannot be (no load, no loaded bending), else a TODO for the reviewer."""
    text = " ".join([name, *steps])
    extension = extends_the_back(name, steps)
    loaded = load_of(record, name, steps)
    stretch = str(record.get("category")).lower() == "stretching"
    muscles = {str(m).lower() for m in [*record["primaryMuscles"], *record["secondaryMuscles"]]}
    nerve = bool(NERVE.search(text)) or (stretch and "hamstrings" in muscles)
    values: dict[str, Any] = {
        "extension": extension,
        "nerve_tension": nerve,
        "loaded": loaded,
        # Bending under load only when the load is certain; no load, no loaded bending.
        "loaded_flexion": False if loaded is False else TODO_FLAG["loaded_flexion"],
        "end_range": bool(END_RANGE.search(text)),
    }
    if loaded is True and FLEXION.search(text):
        values["loaded_flexion"] = True
    for flag in ("extension", "nerve_tension", "end_range"):
        if not values[flag] and (flag != "end_range" or stretch):
            values[flag] = TODO_FLAG[flag]
    return values


def convert(records: Iterable[Mapping[str, Any]], taken: Iterable[str] = ()) -> Outcome:
    """Each record mapped to a draft, or refused with its reason. `taken`: every id, name
    and alias of the other exercises (bundled and the person's), as `vocabulary.normal`
    makes them: a record whose id or name is among them is already in backcoach, left
    out and counted. Two records of this import that make the same id: the later gets
    "-2" (then "-3" ...)."""
    from backcoach.vocabulary import normal

    others = set(taken) - {""}
    used: set[str] = set()
    drafts: list[Draft] = []
    refused: Counter[str] = Counter()
    for record in records:
        reason = _refusal(record)
        if reason is None and {normal(str(record["id"])), normal(str(record["name"]))} & others:
            reason = "already"
        if reason is not None:
            refused[reason] += 1
            continue
        draft = _draft(record)
        draft.data["id"] = unique(draft.data["id"], used | others)
        used.add(draft.data["id"])
        drafts.append(draft)
    return Outcome(drafts, refused)


def malformed(record: object) -> bool:
    """A record without the fields a draft is made from, of their kinds."""
    from backcoach.vocabulary import hidden_character

    if not isinstance(record, Mapping):
        return True
    for field, kind in _RECORD_FIELDS.items():
        value = record.get(field)
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            return True
    for field in ("instructions", "primaryMuscles", "secondaryMuscles"):
        if not all(isinstance(item, str) for item in record[field]):
            return True
    record_id = record["id"]
    return len(record_id) > MAX_RECORD_ID or hidden_character(record_id) is not None


def _refusal(record: Mapping[str, Any]) -> str | None:
    if malformed(record):
        return "malformed"
    licence = record.get("license", record.get("licence"))
    if licence is not None and str(licence).strip().lower() not in ALLOWED_LICENCES:
        return "licence"
    if str(record.get("category") or "").lower() not in KINDS:
        return "category"
    if str(record.get("equipment") or "").lower() == "machine":
        return "machine"
    if not _regions(record):
        return "muscle"
    if position_of(record.get("instructions") or []) is None:
        return "position"
    return None


def _regions(record: Mapping[str, Any]) -> list[str]:
    muscles = {str(m).lower() for m in [*record["primaryMuscles"], *record["secondaryMuscles"]]}
    stretch = str(record.get("category")).lower() == "stretching"
    regions = []
    if muscles & LOWER_MUSCLES or (stretch and muscles & HIP_MUSCLES):
        regions.append("lower")
    if muscles & UPPER_MUSCLES:
        regions.append("upper")
    return regions


def _draft(record: Mapping[str, Any]) -> Draft:
    from backcoach.models import MAX_ITEMS
    from backcoach.vocabulary import printable

    # Text shown as it is: controls, bidi and zero-width characters dropped, bytes that
    # were not UTF-8 as U+FFFD (vocabulary.printable), lists cut to what validate allows.
    name = " ".join(printable(str(record["name"])).split())[:300]
    equipment_word = str(record.get("equipment") or "body only").lower()
    mapped = EQUIPMENT.get(equipment_word, "TODO")
    equipment: list[str] | str = (
        [] if mapped is None else [mapped] if mapped != "TODO" else
        f"TODO: the record says {equipment_word!r}; name it from the catalogue's list or []"
    )  # fmt: skip
    steps = [
        " ".join(printable(str(line)).split())[:1000]
        for line in record["instructions"]
        if printable(str(line)).strip() and not FILLER.search(str(line).strip())
    ][:MAX_ITEMS]
    marked = flags(record, name, steps)
    category = str(record["category"]).lower()
    level = LEVELS.get(str(record.get("level")).lower(), "intermediate")
    raised = level == "beginner" and (
        marked["loaded"] is True or marked["extension"] is True or bool(NEVER_BEGINNER.search(name))
    )
    if raised:
        level = "intermediate"
    data: dict[str, Any] = {
        "id": kebab(str(record["id"])),
        "name": name,
        "reviewed": False,
        "origin": {"dataset": DATASET, "record": str(record["id"]), "licence": LICENCE,
                   "url": DATASET_URL},
        "regions": _regions(record),
        # A superman or a hyperextension strengthens, whatever the dataset files it under
        # (its Superman is a "stretching" record).
        "kind": "strengthen" if LOADED_NAME.search(name) else KINDS[category],
        "level": level,
        "position": position_of(record["instructions"]),
        "equipment": equipment,
        **marked,
        "purpose": TODO_PURPOSE,
        "steps": steps or ["TODO: the steps, in your own words"],
        "cues": [TODO_CUE],
        "cautions": [TODO_CAUTION],
        "dose": TODO_DOSE,
        "sources": [{"title": TODO_SOURCE}],
    }  # fmt: skip
    return Draft(str(record["id"]), data, raised)
