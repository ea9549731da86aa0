"""The shapes of what backcoach writes for programs: JSON objects and CSV rows.

One home for each shape, so `--json`, `--csv`, the catalogue cache and the
tests agree. DESIGN.md ("Output and exit codes") is the contract: fields may
be added, never removed or renamed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backcoach.history.routines import RoutineFacts
    from backcoach.history.stats import Stats
    from backcoach.models import Dose, Exercise, Plan, SessionRecord, Source


def source_link(source: Source) -> str | None:
    """Where a reader finds a source: its DOI as a link, else its address (a book has
    neither: its ISBN finds it)."""
    return f"https://doi.org/{source.doi}" if source.doi else source.url


def exercise_json(exercise: Exercise) -> dict[str, Any]:
    data = exercise.model_dump(mode="json")
    data["dose_text"] = exercise.dose.describe()
    for shown, source in zip(data["sources"], exercise.sources, strict=True):
        shown["link"] = source_link(source)
    return data


def plan_json(plan: Plan) -> dict[str, Any]:
    data = plan.model_dump(mode="json")
    for step, model in zip(data["steps"], plan.steps, strict=True):
        step["dose_text"] = model.dose.describe()
    return data


# A session's JSON objects are SessionRecord's fields, picked in the order shown.
# `history --json`: the session object of DESIGN.md, plus a few fields people find useful.
SESSION_FIELDS = (
    "id", "started_at", "ended_at", "focus", "completed", "outcome", "planned_seconds",
    "active_seconds", "pain_before", "pain_after", "effort", "flare_up", "snack",
    "leg_pain_before", "leg_pain_after", "next_morning", "red_flags",
)  # fmt: skip
# A session that could not be saved shows this at its end (coach/recorder.py).
UNSAVED_FIELDS = (
    "started_at", "ended_at", "focus", "completed", "outcome", "planned_seconds",
    "active_seconds", "pain_before", "pain_after", "leg_pain_before", "leg_pain_after",
    "effort", "flare_up", "seed", "symptoms_spread",
)  # fmt: skip


def _picked(record: SessionRecord, names: Sequence[str]) -> dict[str, Any]:
    """Fields of a record as JSON values: moments in ISO 8601, tuples as lists."""
    data: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        data[name] = value
    return data


def session_json(record: SessionRecord) -> dict[str, Any]:
    """The session object of DESIGN.md, plus a few fields people find useful."""
    return {
        **_picked(record, SESSION_FIELDS),
        "exercises": [
            {
                "id": exercise.id,
                "completed": exercise.completed,
                "status": exercise.status,
                # As plan, routine, show and list give it (DESIGN.md, "Output"): the
                # structured dose, and dose_text in words.
                "dose": exercise.dose.model_dump(mode="json"),
                "dose_text": exercise.dose.describe(),
                "work_seconds": exercise.work_seconds,
            }
            for exercise in record.exercises
        ],
    }


def unsaved_session_json(record: SessionRecord) -> dict[str, Any]:
    """The record of a session the history could not keep, so nothing is lost."""
    data = {
        **_picked(record, UNSAVED_FIELDS),
        "exercises": [
            {
                "id": exercise.id,
                "name": exercise.name,
                "status": exercise.status,
                "work_seconds": exercise.work_seconds,
            }
            for exercise in record.exercises
        ],
    }
    if record.red_flags:
        data["red_flags"] = list(record.red_flags)
    return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def stats_json(stats: Stats) -> dict[str, Any]:
    return {
        "today": stats.today.isoformat(),
        "sessions": stats.sessions,
        "completed_sessions": stats.completed,
        "current_streak_days": stats.current_streak,
        "longest_streak_days": stats.longest_streak,
        "weeks": [
            {"week_of": w.start.isoformat(), "sessions": w.sessions, "minutes": round(w.minutes, 1)}
            for w in stats.weeks
        ],
        "pain_before_average": _round(stats.pain_before_average),
        "pain_after_average": _round(stats.pain_after_average),
        "pain": [
            {
                "date": p.day.isoformat(),
                "session": p.session_id,
                "before": p.before,
                "after": p.after,
            }
            for p in stats.pain
        ],
        "most_skipped": [{"id": i, "name": n, "times": c} for i, n, c in stats.most_skipped],
        "desk_breaks": [
            {"day": day.isoformat(), "breaks": taken, "reminders": given}
            for day, taken, given in stats.desk_breaks
        ],
        "stopped_for_symptoms": [
            {"id": i, "name": n, "times": c} for i, n, c in stats.stopped_for_symptoms
        ],
    }


CSV_COLUMNS = (
    "id", "started_at", "ended_at", "focus", "outcome", "completed", "planned_seconds",
    "active_seconds", "pain_before", "pain_after", "effort", "exercises_done",
    "exercises_planned", "flare_up", "symptoms_spread", "red_flags",
)  # fmt: skip


# A spreadsheet takes a cell starting with one of these as a formula (OWASP, "CSV
# injection"): such a cell gets a leading quote, so it is read as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell as text a spreadsheet shows and never runs: controls, bidi and zero-width
    characters dropped, a formula's first character escaped. Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    from backcoach.vocabulary import printable

    text = printable(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def history_csv(sessions: Sequence[SessionRecord]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in sessions:
        writer.writerow(
            csv_cell(cell)
            for cell in (
                record.id,
                record.started_at.isoformat(),
                record.ended_at.isoformat() if record.ended_at else "",
                record.focus,
                record.outcome,
                int(record.completed),
                record.planned_seconds,
                "" if record.active_seconds is None else record.active_seconds,
                "" if record.pain_before is None else record.pain_before,
                "" if record.pain_after is None else record.pain_after,
                record.effort or "",
                sum(e.completed for e in record.exercises),
                len(record.exercises),
                int(record.flare_up),
                int(record.symptoms_spread),
                " ".join(record.red_flags),
            )
        )
    return buffer.getvalue()


def routine_json(
    facts: RoutineFacts,
    focus_words: str,
    exercises: Mapping[str, Exercise],
    coming: Mapping[str, tuple[Dose, str]] | None = None,
) -> dict[str, Any]:
    """`routine --json`: the routine, each exercise's dose story, and `next`: the dose the
    next session runs and why, where it differs from the last kept one (else null)."""
    routine = facts.routine
    coming = coming or {}

    def upcoming(exercise_id: str) -> dict[str, Any] | None:
        if exercise_id not in coming:
            return None
        dose, why = coming[exercise_id]
        return {"dose": dose.model_dump(mode="json"), "dose_text": dose.describe(),
                "reason": why or None}  # fmt: skip

    def story(exercise_id: str) -> list[dict[str, Any]]:
        return [
            {
                "date": change.at.isoformat(),
                "dose": change.dose.model_dump(mode="json"),
                "dose_text": change.dose.describe(),
                "reason": change.reason,
            }
            for change in facts.stories.get(exercise_id, [])
        ]

    return {
        "focus": focus_words,
        "since": routine.started_at.isoformat(),
        "refreshed": routine.refreshed_at.isoformat(),
        "minutes": routine.minutes,
        "level": routine.level.value,
        "equipment": [e.value for e in routine.equipment],
        "exercises": [
            {
                "id": exercise_id,
                "name": exercises[exercise_id].name if exercise_id in exercises else None,
                "phase": phase,
                "doses": story(exercise_id),
                "next": upcoming(exercise_id),
            }
            for exercise_id, phase in routine.entries
        ],
        "changes": [{"date": at.isoformat(), "reason": why} for at, why in facts.changes],
        "dropped": [
            {"id": exercise_id, "since": since.isoformat()}
            for exercise_id, since in sorted(facts.dropped.items())
        ],
    }


def write_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_json_array(items: Iterator[str]) -> None:
    """A JSON array of items already rendered, written a few hundred at a time (not all held)."""
    import itertools

    first = next(items, None)
    if first is None:
        sys.stdout.write("[]\n")
        return
    sys.stdout.write("[\n" + first)
    while chunk := list(itertools.islice(items, 256)):
        sys.stdout.write(",\n" + ",\n".join(chunk))
    sys.stdout.write("\n]\n")
