"""The one error type backcoach raises on purpose, and its kinds.

Every kind carries the exit code the contract gives it (DESIGN.md, "Output and
exit codes"). One function prints them (`render/console.print_error`); one handler
turns them into that message and an exit code (`cli/app.py`, `_Group.invoke`). The
only other callers: `edit`, which shows a catalogue's problems and asks again, and
`main`, for one raised outside a command.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NO_EXERCISE = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class BackcoachError(Exception):
    """A problem backcoach can explain to the person in one message."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(BackcoachError):
    """The person asked for something that cannot be done as asked."""

    exit_code = EXIT_USAGE


class NotFoundError(UsageError):
    """An exercise (or other named thing) that does not exist."""


class Problem:
    """One problem found in a catalogue file, located as precisely as we can."""

    __slots__ = ("file", "message", "line", "exercise", "field")

    def __init__(
        self,
        file: str,
        message: str,
        line: int | None = None,
        exercise: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file, self.message, self.line = file, message, line
        self.exercise, self.field = exercise, field

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.exercise:
            parts.append(self.exercise)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + ": " + self.message


class CatalogueError(UsageError):
    """A catalogue file that cannot be used; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the catalogue")
        self.problems = problems


class NoExerciseToday(BackcoachError):
    """The safety gate allows no exercise now (a red flag, an uncleared item): the advice
    has been shown."""

    exit_code = EXIT_NO_EXERCISE


class AdviceGiven(NoExerciseToday):
    """No exercise now, and emergency or urgent advice is already on screen: it is the
    last thing shown (CLINICAL.md, "One gate, every path"), so no error line follows it;
    only the exit code says it."""


class StorageError(BackcoachError):
    """The history or settings could not be read or written."""

    exit_code = EXIT_FAILURE


class HistoryBusy(StorageError):
    """Another process holds the history's lock: try again in a moment."""


class HistoryUnwritable(StorageError):
    """The history can be read but not written: read-only, a full disk, an I/O error."""


class EndOfInput(UsageError):
    """Standard input closed while a question was being asked (Ctrl-D)."""


class HistoryWarning(UserWarning):
    """A row of the history that cannot be read: skipped, named, never blocking the rest."""


class Interrupted(BackcoachError):
    """The person pressed Ctrl-C; what was done has been kept."""

    exit_code = EXIT_INTERRUPTED


class Terminated(BackcoachError):
    """The process was asked to stop (SIGTERM, SIGHUP, SIGQUIT); what was done has been kept."""

    exit_code = EXIT_TERMINATED

    def __init__(self, message: str, *, signal_number: int | None = None) -> None:
        super().__init__(message)
        if signal_number is not None:
            self.exit_code = 128 + signal_number  # as a shell reports a process it stopped
