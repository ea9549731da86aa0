"""Rows of the history database as records: what history/store.py reads, converted."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from backcoach.models import Dose, ExerciseRecord, Plan, SessionRecord

if TYPE_CHECKING:  # stats' and the report's facts: imported only by the commands that read them
    from backcoach.clinical import Memory
    from backcoach.history.facts import ClinicianCheck, RedFlagAnswer, SessionFacts

# A session with no end older than its plan plus this has stopped for good.
STILL_RUNNING_GRACE = timedelta(hours=1)


def parse_dose(dose_json: str) -> Dose:
    """A dose as the history stores it (JSON); ValueError when it cannot be read."""
    return _dose_adapter().validate_json(dose_json)


def dose_text(dose_json: str) -> str:
    try:
        return parse_dose(dose_json).describe()
    except ValueError:
        return "(not readable)"


@functools.cache
def _dose_adapter() -> TypeAdapter[Dose]:
    return TypeAdapter(Dose)


def _alive(pid: int | None) -> bool:
    """Whether the process that began a session still runs (this machine only)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists, or we cannot tell: assume it still runs
    return True


def begun(
    plan: Plan,
    focus: str,
    pain_before: int | None,
    planned_work: Sequence[float],
    *,
    started_at: datetime,
    flare_up: bool,
    leg_pain_before: int | None = None,
) -> SessionRecord:
    """A session as it begins: what History.begin writes, as the record it reads back
    (id 0: not in the history yet). The recorder keeps it up to date as things happen."""
    return SessionRecord(
        id=0,
        started_at=started_at,
        ended_at=None,
        focus=focus,
        minutes=plan.minutes,
        level=plan.level,
        seed=plan.seed,
        flare_up=flare_up,
        planned_seconds=plan.total_seconds,
        active_seconds=None,
        pain_before=pain_before,
        pain_after=None,
        effort=None,
        completed=False,
        outcome="in progress",
        red_flags=(),
        red_flag_tier=None,
        symptoms_spread=False,
        leg_pain_before=leg_pain_before,
        snack=plan.snack,
        exercises=tuple(
            ExerciseRecord(
                order=order,
                id=step.exercise,
                name=step.name,
                phase=step.phase,
                status="pending",
                dose=step.dose,
                work_seconds=0.0,
                planned_work_seconds=planned_work[order],
                saved_dose=step.saved_dose or step.dose,
                # An extra's change is only ever a step back (the planner never steps
                # an extra up: choosing.extra_dose); kept, so no dose changes unsaid.
                dose_change=step.dose_change,
                for_today=step.for_today,
            )
            for order, step in enumerate(plan.steps)
        ),
    )


def session_record(
    row: sqlite3.Row, exercises: list[sqlite3.Row], moment: datetime
) -> SessionRecord:
    started = datetime.fromisoformat(row["started_at"])
    ended = datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None
    outcome = row["outcome"]
    if ended is None and outcome == "in progress":
        deadline = started + timedelta(seconds=row["planned_seconds"]) + STILL_RUNNING_GRACE
        if moment > deadline or not _alive(row["pid"]):
            outcome = "interrupted"
    return SessionRecord.model_validate(
        {
            "id": row["id"],
            "started_at": started,
            "ended_at": ended,
            "focus": row["focus"],
            "minutes": row["minutes"],
            "level": row["level"],
            "seed": row["seed"],
            "flare_up": bool(row["flare_up"]),
            "planned_seconds": row["planned_seconds"],
            "active_seconds": row["active_seconds"],
            "pain_before": row["pain_before"],
            "pain_after": row["pain_after"],
            "effort": row["effort"],
            "completed": bool(row["completed"]),
            "outcome": outcome,
            "red_flags": tuple(json.loads(row["red_flags"])),
            "red_flag_tier": row["red_flag_tier"],
            "symptoms_spread": bool(row["symptoms_spread"]),
            "leg_pain_before": row["leg_pain_before"],
            "leg_pain_after": row["leg_pain_after"],
            "next_morning": None if row["next_morning"] is None else bool(row["next_morning"]),
            "snack": bool(row["snack"]),
            "exercises": [
                record
                for exercise in exercises
                if (record := _exercise_record(row["id"], exercise)) is not None
            ],
        }
    )


def _exercise_record(session_id: int, exercise: sqlite3.Row) -> ExerciseRecord | None:
    """One exercise of a session; a row that cannot be read is left out and named."""
    try:
        return ExerciseRecord.model_validate(
            {
                "order": exercise["position"],
                "id": exercise["exercise_id"],
                "name": exercise["name"],
                "phase": exercise["phase"],
                "status": exercise["status"],
                "dose": json.loads(exercise["dose"]),
                "work_seconds": exercise["work_seconds"],
                "planned_work_seconds": exercise["planned_work_seconds"],
                "saved_dose": _saved(exercise),
                "dose_change": exercise["dose_reason"],
                "for_today": "for_today" in exercise.keys() and bool(exercise["for_today"]),
            }
        )
    except (ValueError, TypeError) as exc:
        skipped(f"exercise {exercise['position'] + 1} of session {session_id}", exc)
        return None


def _saved(exercise: sqlite3.Row) -> object:
    saved = exercise["saved_dose"] if "saved_dose" in exercise.keys() else None
    return json.loads(saved) if saved else None


def skipped(what: str, exc: Exception) -> None:
    """Say once that a row of the history was left out, and why."""
    import warnings

    from backcoach.errors import HistoryWarning

    why = str(exc).splitlines()[0]
    warnings.warn(
        f"{what} in the history cannot be read and is left out ({why})",
        HistoryWarning,
        stacklevel=3,
    )


def session_facts(row: tuple[Any, ...]) -> SessionFacts | None:
    from backcoach.history.facts import SessionFacts

    try:
        pain_before, pain_after = row[4], row[5]
        for pain in (pain_before, pain_after):
            if pain is not None and not (isinstance(pain, int) and 0 <= pain <= 10):
                raise ValueError(f"pain {pain!r} is not 0-10")
        return SessionFacts(
            int(row[0]),
            datetime.fromisoformat(row[1]),
            bool(row[2]),
            float(row[3]),
            pain_before,
            pain_after,
        )
    except (ValueError, TypeError) as exc:
        _skipped_session(row[0], exc)
        return None


def red_flag_answer(row: tuple[Any, ...]) -> RedFlagAnswer | None:
    from backcoach.history.facts import RedFlagAnswer

    try:
        codes = json.loads(row[2])
        if not isinstance(codes, list):
            raise ValueError("red flags are not a list")
        return RedFlagAnswer(datetime.fromisoformat(row[1]), tuple(map(str, codes)), row[3])
    except (ValueError, TypeError) as exc:
        _skipped_session(row[0], exc)
        return None


def clinician_check(row: tuple[Any, ...]) -> ClinicianCheck | None:
    from backcoach.history.facts import ClinicianCheck

    try:
        return ClinicianCheck(
            datetime.fromisoformat(row[0]), tuple(map(str, json.loads(row[1]))), bool(row[2])
        )
    except (ValueError, TypeError) as exc:
        skipped("a safety check", exc)
        return None


def _skipped_session(session_id: object, exc: Exception) -> None:
    skipped(f"session {session_id}", exc)


def screening_memory(full: tuple[Any, ...] | None, clinician: tuple[Any, ...] | None) -> Memory:
    """screening.Memory from the last full check's row and the last clinician check's."""
    from backcoach.clinical import Memory

    try:
        return Memory(
            last_full_check=datetime.fromisoformat(full[0]) if full else None,
            flags_last_time=tuple(json.loads(full[1])) if full else (),
            clinician_checked=datetime.fromisoformat(clinician[0]) if clinician else None,
            clinician_flags=tuple(json.loads(clinician[1])) if clinician else (),
            cleared=bool(clinician[2]) if clinician else False,
        )
    except (ValueError, TypeError) as exc:
        skipped("the last safety check", exc)
        return Memory()
