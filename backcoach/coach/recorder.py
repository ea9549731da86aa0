"""A session's record, written as it happens, that never stops the session.

Every write (the session's start, each exercise as it ends, the end, each
closing answer) is queued in order and tried at once. While another process
holds the history's lock the queue waits and is tried again at the next
event, then with backoff at the end; the countdown never waits for it. A
history that cannot be written (read-only, a full disk, an I/O error) is said
once, the session goes on, and at the end the record is offered as JSON, so
nothing the person did or typed is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from backcoach.errors import HistoryBusy, StorageError
from backcoach.history.records import begun
from backcoach.history.store import History, now
from backcoach.models import ExerciseStatus, Plan, SessionRecord
from backcoach.timer.clock import Clock, SystemClock

# While a session runs, a write waits this long for another process's lock.
LIVE_BUSY_TIMEOUT_MS = 50
# At the end, the queue is tried with backoff for up to this long before giving up.
FINAL_WAIT_SECONDS = 30.0


class Recorder:
    def __init__(
        self,
        history: History | None,
        say: Callable[[str], None],
        why_not: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.history = history
        # Waiting for another process's lock is real time, whatever the session's scale.
        self.clock = clock if clock is not None else SystemClock()
        self.say = say  # one line to the person; used once, when saving becomes impossible
        self.session_id: int | None = None
        self.unsaved_because: str | None = None if history is not None else why_not
        self._queue: list[Callable[[History], None]] = []
        self._record: SessionRecord | None = None
        if history is not None:
            history.set_busy_timeout(LIVE_BUSY_TIMEOUT_MS)

    # --- what happened ---------------------------------------------------------

    def begin(
        self,
        plan: Plan,
        focus: str,
        pain_before: int | None,
        planned_work: Sequence[float],
        *,
        flare_up: bool,
        leg_pain_before: int | None = None,
    ) -> None:
        started_at = now()
        self._record = begun(
            plan,
            focus,
            pain_before,
            planned_work,
            started_at=started_at,
            flare_up=flare_up,
            leg_pain_before=leg_pain_before,
        )

        if self.unsaved_because is not None:  # known before the start: say it now
            self._tell(self.unsaved_because)

        def write(history: History) -> None:
            self.session_id = history.begin(
                plan,
                focus,
                pain_before,
                planned_work,
                started_at=started_at,
                flare_up=flare_up,
                leg_pain_before=leg_pain_before,
            )

        self._add(write)

    def exercise(
        self, order: int, status: ExerciseStatus, work_seconds: float, active_seconds: float
    ) -> None:
        exercises = list(self._begun().exercises)
        exercises[order] = exercises[order].model_copy(
            update={"status": status, "work_seconds": work_seconds}
        )
        self._update(exercises=tuple(exercises), active_seconds=round(active_seconds, 3))
        self._add(
            lambda history: history.record_exercise(
                self._id(), order, status, work_seconds, active_seconds
            )
        )

    def symptoms_spread(self) -> None:
        self._update(symptoms_spread=True)
        self._add(lambda history: history.record_symptoms_spread(self._id()))

    def red_flag(self, code: str, tier: str) -> None:
        """A red flag during the session (new numbness or weakness): the session ends."""
        self._update(red_flags=(code,), red_flag_tier=tier)
        self._add(lambda history: history.record_session_flag(self._id(), code, tier))

    def finish(self, outcome: str, completed: bool, active_seconds: float) -> None:
        """The end of the session: written before any closing question is asked."""
        ended_at = now()
        self._update(
            ended_at=ended_at,
            outcome=outcome,
            completed=completed,
            active_seconds=round(active_seconds, 3),
        )
        self._add(
            lambda history: history.finish(
                self._id(),
                outcome=outcome,
                completed=completed,
                active_seconds=active_seconds,
                ended_at=ended_at,
            )
        )

    def answer(self, **answers: int | str | None) -> None:
        """A closing answer (pain_after, leg_pain_after, effort), stored the moment it is
        given."""
        self._update(**{key: value for key, value in answers.items() if value is not None})
        self._add(lambda history: history.record_answers(self._id(), **answers))

    # --- writing -----------------------------------------------------------------

    @property
    def pending(self) -> bool:
        return bool(self._queue) and self.unsaved_because is None

    def retry(self) -> None:
        """Try the queued writes again (called on the engine's ticks while any wait)."""
        if self.pending:
            self._flush()

    def close(self) -> str | None:
        """Write what is left, waiting for a busy history; the record as JSON if it cannot be."""
        waited, pause = 0.0, 0.1
        while self.pending and not self._flush() and waited < FINAL_WAIT_SECONDS:
            if waited == 0.0:
                self.say("Waiting for the history: another backcoach is using it…")
            self.clock.sleep(pause)
            waited += pause
            pause = min(pause * 2, 2.0)
        if self.pending:
            self._give_up("the history stayed locked by another process")
        if self.unsaved_because is None:
            return None
        from backcoach.render.shapes import unsaved_session_json

        shown = unsaved_session_json(self._record) if self._record is not None else {}
        return json.dumps(shown, indent=2, ensure_ascii=False)

    def _update(self, **changes: object) -> None:
        """The record as it now stands (a frozen SessionRecord, replaced)."""
        self._record = self._begun().model_copy(update=changes)

    def _begun(self) -> SessionRecord:
        if self._record is None:
            raise StorageError("the session's start was not recorded")
        return self._record

    def _id(self) -> int:
        if self.session_id is None:
            raise StorageError("the session's start was not written")
        return self.session_id

    def _add(self, write: Callable[[History], None]) -> None:
        if self.unsaved_because is not None:
            return
        self._queue.append(write)
        self._flush()

    def _flush(self) -> bool:
        """Write the queue in order; False while the history is busy."""
        history = self.history
        if history is None or self.unsaved_because is not None:
            return True
        while self._queue:
            try:
                self._queue[0](history)
            except HistoryBusy:
                return False
            except StorageError as error:
                self._give_up(error.message)
                return True
            self._queue.pop(0)
        return True

    def _give_up(self, why: str) -> None:
        self.unsaved_because = why
        self._queue.clear()
        self._tell(why)

    def _tell(self, why: str) -> None:
        self.say(
            f"This session cannot be saved: {why}. It goes on; its record is shown at the end."
        )
