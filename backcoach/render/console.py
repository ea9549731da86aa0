"""The two consoles (data on stdout, messages on stderr) and how an error is printed.

Rich is imported when a console is first made, not with this module, so the command
line imports it at start-up and `backcoach --help` still never loads Rich.
"""

from __future__ import annotations

import errno
import functools
from typing import TYPE_CHECKING

from backcoach.errors import EXIT_FAILURE, AdviceGiven, BackcoachError, CatalogueError

if TYPE_CHECKING:
    from rich.console import Console


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            """The reader went away (`| head`): stop quietly with status 0, as other tools do.

            (Rich's own choice is status 1.)
            """
            self.quiet = True
            closed_pipe()
            raise SystemExit(0)

    return _Console


def err_console() -> Console:
    return _console_class()(stderr=True, highlight=False)


def out_console() -> Console:
    # Data never holds markup or :emoji: codes; not parsing for them saves time per cell.
    return _console_class()(highlight=False, markup=False, emoji=False)


def closed_pipe() -> int:
    """Point standard output at nothing, so the interpreter's last flush cannot fail."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


# Writing the output failed for lack of room or a failing device (`> /dev/full`).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT})


def output_failed(error: OSError) -> int | None:
    """The exit status for an error writing the output; None if it is not one."""
    if isinstance(error, BrokenPipeError):
        return closed_pipe()
    if error.errno not in _OUTPUT_ERRNOS:
        return None
    err_console().print(
        f"[bold red]error:[/] could not write all of the output: {error.strerror or error}",
        highlight=False,
    )
    return EXIT_FAILURE


def flushed(code: int | str | None) -> int | str | None:
    """The exit status once everything written has reached its file (or could not)."""
    import sys

    try:
        sys.stdout.flush()
    except OSError as error:
        failed = output_failed(error)
        return EXIT_FAILURE if failed is None else failed
    return code


def print_error(error: BackcoachError) -> None:
    """`error: …`, a catalogue's problems a line each, `hint: …`.

    Into a file or a pipe each stays one whole line, to grep and to click ("file:line:
    …"). In a terminal a long line wraps between words, a problem's next lines indented
    under it; only a word longer than the line (a long path) is folded.
    """
    from rich.markup import escape
    from rich.text import Text

    from backcoach.render.words import Hanging, one_line

    if isinstance(error, AdviceGiven):
        return  # the advice on screen is the last word; the exit code carries the rest

    if not error.message:
        return  # said already (a session stopped by Ctrl-C says so in its summary)
    err = err_console()
    wrap = err.is_terminal
    err.print(f"[bold red]error:[/] {escape(one_line(error.message))}", soft_wrap=not wrap)
    if isinstance(error, CatalogueError):
        problems = [one_line(str(problem)) for problem in error.problems]
        if wrap:
            err.print(Hanging(problems, marker="", indent=1, more=2))
        else:
            for problem in problems:
                err.print(Text(f"  {problem}"), soft_wrap=True)
    if error.hint:
        err.print(f"[dim]hint: {escape(one_line(error.hint))}[/]", soft_wrap=not wrap)


def print_internal_error(error: Exception) -> None:
    err_console().print(
        f"[bold red]error:[/] unexpected internal error: {type(error).__name__}: {error}\n"
        "[dim]hint: rerun with BACKCOACH_DEBUG=1 to see the traceback, and report it[/]",
        markup=True,
        highlight=False,
    )
