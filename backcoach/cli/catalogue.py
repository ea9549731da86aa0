"""`import`, `add` and `edit`: the person's own catalogue, beside the bundled one."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from backcoach.errors import BackcoachError, CatalogueError, NotFoundError, UsageError

DATASETS = ("free-exercise-db",)
# Editors that open a file at a line given as +N before it.
_PLUS_LINE = frozenset({"vi", "vim", "nvim", "view", "nano", "emacs", "micro", "kak", "joe", "mg"})
_PROGRESS_FROM = 100  # records: fewer go by too fast for a bar to mean anything


def import_command(
    dataset: Annotated[str, typer.Argument(help="The dataset's format: free-exercise-db.")],
    file: Annotated[
        Path,
        typer.Argument(
            help="Its JSON: a list of records (dist/exercises.json) or one record per file.",
            metavar="FILE",
        ),
    ],
) -> None:
    """Bring in exercises from open data as drafts to review (never planned until reviewed)."""
    from backcoach.catalogue.personal import import_file
    from backcoach.render.catalogue import import_summary
    from backcoach.render.console import err_console, out_console

    if dataset not in DATASETS:
        raise UsageError(f"unknown dataset {dataset!r}", hint=f"known: {', '.join(DATASETS)}")
    err = err_console()

    def shown(records: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        if len(records) < _PROGRESS_FROM or not err.is_terminal:
            return records
        from rich.progress import track

        return track(records, description="Reading records", console=err, transient=True)

    done = import_file(file, shown)
    out_console().print(
        import_summary(done.outcome, done.merged, done.records, done.todos, done.path)
    )


def add_command(
    exercise_id: Annotated[
        str,
        typer.Argument(help="The new exercise's id, in kebab-case.", metavar="ID"),
    ] = "my-exercise",
) -> None:
    """Start a new exercise of your own from a commented template, in your editor."""
    from backcoach.catalogue.loader import personal_path
    from backcoach.catalogue.personal import HEADER, line_of, with_template
    from backcoach.models import KEBAB_CASE

    if not KEBAB_CASE.fullmatch(exercise_id):
        raise UsageError(f"{exercise_id!r} is not kebab-case", hint="for example: hip-flexor-lunge")
    path = personal_path()
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if line_of(text, exercise_id) is not None:
        raise UsageError(
            f"{exercise_id!r} is already in your catalogue", hint=f"backcoach edit {exercise_id}"
        )
    started, line = with_template(text, exercise_id)
    _edit(path, text, started, line)


def edit_command(
    exercise_id: Annotated[
        str | None,
        typer.Argument(help="Open the file at this exercise (default: the top).", metavar="ID"),
    ] = None,
) -> None:
    """Edit your own catalogue in $VISUAL or $EDITOR; it is checked before it is saved."""
    from backcoach.catalogue.loader import personal_path
    from backcoach.catalogue.personal import HEADER, line_of

    path = personal_path()
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    line = None
    if exercise_id is not None:
        line = line_of(text, exercise_id)
        if line is None:
            raise NotFoundError(
                f"{exercise_id!r} is not in your catalogue ({path})",
                hint=f"backcoach add {exercise_id} starts it; bundled exercises are not edited",
            )
    _edit(path, text, text, line)


def _edit(path: Path, original: str, start: str, line: int | None) -> None:
    """The crontab -e loop: edit a copy, check it, save it over the file only if valid;
    on problems, edit again or keep the old file. The file is never left invalid."""
    from backcoach.catalogue.loader import bundled_path
    from backcoach.catalogue.personal import check, save
    from backcoach.render.console import err_console, out_console, print_error

    work = path.with_name(f".{path.name}.edit")
    work.parent.mkdir(parents=True, exist_ok=True)
    work.write_text(start, encoding="utf-8")
    err = err_console()
    try:
        while True:
            status = _run_editor(work, line)
            if status != 0:
                raise BackcoachError(
                    f"the editor exited with status {status}; your catalogue is unchanged"
                )
            text = work.read_text(encoding="utf-8")
            if text == original:
                err.print("No changes.")
                return
            try:
                todos = check(text, path, bundled_path())
            except CatalogueError as error:
                print_error(error)
                if _ask_again():
                    continue
                raise BackcoachError("kept the old file: nothing was saved") from None
            save(path, text)
            drafts = len({todo.exercise for todo in todos})
            review = f"; {len(todos)} TODOs in {drafts} drafts to review" if todos else ""
            out_console().print(f"Saved {path}{review}.")
            return
    finally:
        work.unlink(missing_ok=True)


def _ask_again() -> bool:
    """Edit again? End of input keeps the old file; anything but e or k asks again (a typo
    must not throw the edit away)."""
    while True:
        try:
            answer = input("Edit again (e) or keep the old file (k)? [e/k] ").strip().lower()
        except EOFError:
            return False
        if answer in ("e", "edit", ""):
            return True
        if answer in ("k", "keep"):
            return False
        print("Please type e (edit again) or k (keep the old file).", file=sys.stderr)


def _run_editor(file: Path, line: int | None) -> int:
    import shlex
    import subprocess

    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not command:
        command = "notepad" if sys.platform == "win32" else "vi"
    args = shlex.split(command, posix=sys.platform != "win32")
    if line is not None and Path(args[0]).name in _PLUS_LINE:
        args.append(f"+{line}")
    try:
        return subprocess.call([*args, str(file)])
    except OSError as exc:
        raise UsageError(
            f"cannot start the editor {args[0]!r}: {exc.strerror}",
            hint="set VISUAL or EDITOR, e.g. export EDITOR=nano",
        ) from None
