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
        import_summary(done.outcome, done.merged, done.records, done.todos, done.path, done.written)
    )


def add_command(
    exercise_id: Annotated[
        str,
        typer.Argument(help="The new exercise's id, in kebab-case.", metavar="ID"),
    ] = "my-exercise",
) -> None:
    """Start a new exercise of your own from a commented template, in your editor."""
    from backcoach.catalogue.loader import personal_path
    from backcoach.catalogue.personal import line_of, read_personal, with_template
    from backcoach.models import KEBAB_CASE

    if not KEBAB_CASE.fullmatch(exercise_id):
        raise UsageError(f"{exercise_id!r} is not kebab-case", hint="for example: hip-flexor-lunge")
    path = personal_path()
    read = read_personal(path)
    text = _shown(read)
    if line_of(text, exercise_id) is not None:
        raise UsageError(
            f"{exercise_id!r} is already in your catalogue", hint=f"backcoach edit {exercise_id}"
        )
    started, line = with_template(text, exercise_id)
    _edit(path, read, started.encode("utf-8"), line)


def edit_command(
    exercise_id: Annotated[
        str | None,
        typer.Argument(help="Open the file at this exercise (default: the top).", metavar="ID"),
    ] = None,
) -> None:
    """Edit your own catalogue in $VISUAL or $EDITOR; it is checked before it is saved."""
    from backcoach.catalogue.loader import personal_path
    from backcoach.catalogue.personal import HEADER, line_of, read_personal

    path = personal_path()
    read = read_personal(path)
    start = HEADER.encode("utf-8") if read is None else read
    kept = _offer_kept(path, read)
    if kept is not None:
        start = kept.read_bytes()
    line = None
    if exercise_id is not None:
        line = line_of(_shown(start), exercise_id)
        if line is None:
            raise NotFoundError(
                f"{exercise_id!r} is not in your catalogue ({path})",
                hint=f"backcoach add {exercise_id} starts it; bundled exercises are not edited",
            )
    _edit(path, read, start, line, kept)


def _shown(data: bytes | None) -> str:
    """The file as text to find an id in: bytes that are not UTF-8 kept as U+FFFD (the
    copy given to the editor is the file's own bytes, for the person to fix)."""
    from backcoach.catalogue.personal import HEADER

    return HEADER if data is None else data.decode("utf-8", "replace")


def _kept_name(path: Path) -> str:
    return f".{path.name}.kept-"


def _running(pid: int) -> bool:
    """Whether a process with this id runs (on Windows, unknown: taken as running)."""
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would send Ctrl-C there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process, or unknown: not ours to touch
    return True


def _adopt_left_over(path: Path, read: bytes | None) -> list[Path]:
    """Copies of an `edit` whose process ended without cleaning up (kill -9, a power cut):
    one identical to the catalogue is removed quietly; any other may hold the person's
    unsaved work, so it becomes a kept edit, offered like one that could not be saved.
    Returns the kept edits made."""
    import re
    import stat
    import time

    from backcoach.catalogue.personal import HEADER

    saved = HEADER.encode("utf-8") if read is None else read
    pattern = re.compile(rf"\.{re.escape(path.name)}\.edit-([0-9]{{1,10}})\.yaml")
    adopted: list[Path] = []
    try:
        copies = [entry for entry in path.parent.iterdir() if pattern.fullmatch(entry.name)]
    except OSError:
        return adopted
    for copy in copies:
        match = pattern.fullmatch(copy.name)
        assert match is not None
        pid = int(match.group(1))
        try:
            if not stat.S_ISREG(copy.lstat().st_mode):
                continue
            if pid != os.getpid() and _running(pid):
                continue  # an edit still open in another terminal
            if copy.read_bytes() == saved:
                copy.unlink()
                continue
            when = time.strftime("%Y%m%d-%H%M%S", time.localtime(copy.lstat().st_mtime))
            aside = path.with_name(f"{_kept_name(path)}{when}-{pid}.yaml")
            os.replace(copy, aside)
            adopted.append(aside)
        except OSError:
            continue  # left as it is: never lost
    return adopted


def _offer_kept(path: Path, read: bytes | None) -> Path | None:
    """An edit kept because it could not be saved, or left by an `edit` that was ended
    before it saved: offered again, newest first. Open it (o), discard it (d) or leave it
    and start from the file (s, and at end of input)."""
    import stat

    from backcoach.render.console import err_console

    adopted = _adopt_left_over(path, read)
    try:
        found = [
            entry
            for entry in path.parent.glob(f"{_kept_name(path)}*.yaml")
            if stat.S_ISREG(entry.lstat().st_mode)
        ]
    except OSError:
        return None
    if not found:
        return None
    kept = max(found, key=lambda entry: entry.lstat().st_mtime_ns)
    why = "was ended before it was saved" if kept in adopted else "could not be saved"
    err_console().print(f"An edit that {why} is kept in {kept}.", markup=False, highlight=False)
    while True:  # a typo asks again: it never discards the edit
        try:
            answer = input(
                "Open it (o), discard it (d), or start from your catalogue (s)? [o/d/s] "
            )
        except EOFError:
            return None
        answer = answer.strip().lower()
        if answer in ("d", "discard"):
            kept.unlink(missing_ok=True)
            return None
        if answer in ("o", "open", "", "s", "start"):
            return kept if answer in ("o", "open", "") else None
        print("Please type o (open it), d (discard it) or s (start from your catalogue).",
              file=sys.stderr)  # fmt: skip


def _edit(
    path: Path, read: bytes | None, start: bytes, line: int | None, kept: Path | None = None
) -> None:
    """The crontab -e loop: edit a copy of its own (beside the file, named for this
    process), check it, save it over the file only if valid and only if the file did not
    change meanwhile; on problems, edit again or keep the old file. The file is never
    left invalid, and an edit that cannot be saved is kept, its path said, and offered
    again by the next `edit`."""
    import time

    from backcoach.catalogue.loader import bundled_path
    from backcoach.catalogue.personal import HEADER, check, one_writer, save, write_failure
    from backcoach.render.console import err_console, out_console, print_error

    original = HEADER.encode("utf-8") if read is None else read
    work = path.with_name(f".{path.name}.edit-{os.getpid()}.yaml")
    _adopt_left_over(path, read)  # a dead edit's copy with this process's id is kept first
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(work, start)
    except OSError as exc:
        _remove_copy(work)
        raise write_failure(work, exc) from None
    err = err_console()
    edited: bytes | None = None
    leave: Path | None = work  # removed at the end, unless it is where the edit is kept

    def set_aside() -> Path:
        """The edit moved aside, to be offered again by the next `edit`; where it is."""
        nonlocal leave
        aside = path.with_name(
            f"{_kept_name(path)}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.yaml"
        )
        try:
            os.replace(work, aside)
        except OSError:
            aside, leave = work, None  # it could not be moved: kept where it is
        if kept is not None and kept != aside:
            kept.unlink(missing_ok=True)
        return aside

    def keep(error: BackcoachError) -> BackcoachError:
        """The edit set aside; the error saying where."""
        if edited is None or edited == original:
            return error
        print_error(error)
        aside = set_aside()
        return BackcoachError(
            f"your edit is kept in {aside}; your catalogue is unchanged",
            hint="backcoach edit offers it again",
        )

    try:
        while True:
            status = _run_editor(work, line)
            edited = _read_copy(work)
            if status != 0:
                raise keep(
                    BackcoachError(
                        f"the editor exited with status {status}; your catalogue is unchanged"
                    )
                )
            if edited == original:
                err.print("No changes.")
                if kept is not None:
                    kept.unlink(missing_ok=True)
                return
            try:
                text = _utf8(edited, work)
                todos = check(text, path, bundled_path())
            except CatalogueError as error:
                print_error(error)
                again = _ask_again()
                if again:
                    continue
                if again is None:  # end of input: no answer, so not the person's choice
                    raise BackcoachError(
                        "no answer (end of input): nothing was saved; your edit is kept in "
                        f"{set_aside()}",
                        hint="backcoach edit offers it again",
                    ) from None
                # `k` is the person's choice, not an error: said once, and exit 0.
                err.print(
                    f"Kept the old file; your edit is in {set_aside()} if you want it back "
                    "(backcoach edit offers it again).",
                    markup=False,
                    highlight=False,
                )
                return
            try:
                with one_writer(path):
                    save(path, text, read)
            except BackcoachError as error:
                raise keep(error) from None
            if kept is not None:
                kept.unlink(missing_ok=True)
            drafts = len({todo.exercise for todo in todos})
            review = f"; {len(todos)} TODOs in {drafts} drafts to review" if todos else ""
            out_console().print(f"Saved {path}{review}.", markup=False, highlight=False)
            return
    finally:
        if leave is not None:
            _remove_copy(leave)


def _write_new(work: Path, data: bytes) -> None:
    """This edit's copy, made new (an old one of a dead process with this id replaced)."""
    _remove_copy(work)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(work, flags, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _read_copy(work: Path) -> bytes:
    """The copy as the editor left it; an editor that deleted it or left a folder in its
    place is one message (the catalogue unchanged)."""
    from backcoach.catalogue.loader import MAX_CATALOGUE_BYTES
    from backcoach.paths import read_regular_file

    try:
        return read_regular_file(work, MAX_CATALOGUE_BYTES)
    except FileNotFoundError:
        raise BackcoachError(
            f"the editor removed {work}; your catalogue is unchanged", hint="try again"
        ) from None
    except OSError as exc:
        raise BackcoachError(
            f"cannot read {work} ({exc.strerror}); your catalogue is unchanged"
        ) from None
    except UsageError as error:
        raise BackcoachError(f"{error.message}; your catalogue is unchanged") from None


def _utf8(data: bytes, work: Path) -> str:
    """The edited text; bytes that are not UTF-8 (an editor saving Latin-1) are a problem
    to fix in the editor, as any other."""
    from backcoach.errors import Problem

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogueError(
            [Problem(str(work), "is not UTF-8 text: save it as UTF-8 (utf-8) in the editor", line)]
        ) from None


def _remove_copy(work: Path) -> None:
    """This edit's copy gone: a file removed, an empty folder an editor left removed."""
    try:
        if work.is_dir() and not work.is_symlink():
            work.rmdir()
        else:
            work.unlink(missing_ok=True)
    except OSError:
        pass  # a folder with things in it is the person's: left as it is


def _ask_again() -> bool | None:
    """Edit again (True) or keep the old file (False)? None: end of input, no answer (the
    old file is kept too). Anything but e or k asks again (a typo must not throw the edit
    away)."""
    while True:
        try:
            answer = input("Edit again (e) or keep the old file (k)? [e/k] ").strip().lower()
        except EOFError:
            return None
        if answer in ("e", "edit", ""):
            return True
        if answer in ("k", "keep"):
            return False
        print("Please type e (edit again) or k (keep the old file).", file=sys.stderr)


def _run_editor(file: Path, line: int | None) -> int:
    import shlex
    import subprocess

    variable = next((name for name in ("VISUAL", "EDITOR") if os.environ.get(name, "").strip()), "")
    command = os.environ[variable] if variable else ""
    if not command:
        command = "notepad" if sys.platform == "win32" else "vi"
    try:
        args = shlex.split(command, posix=sys.platform != "win32")
    except ValueError as exc:
        raise UsageError(
            f"{variable} cannot be split into a command ({exc}): {command!r}",
            hint="fix its quotes, e.g. export EDITOR=nano",
        ) from None
    if line is not None and Path(args[0]).name in _PLUS_LINE:
        args.append(f"+{line}")
    try:
        return subprocess.call([*args, str(file)])
    except OSError as exc:
        raise UsageError(
            f"cannot start the editor {args[0]!r}: {exc.strerror}",
            hint="set VISUAL or EDITOR, e.g. export EDITOR=nano",
        ) from None
