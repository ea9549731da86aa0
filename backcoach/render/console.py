"""The two consoles (data on stdout, messages on stderr) and how an error is printed."""

from __future__ import annotations

from rich.console import Console

from backcoach.errors import BackcoachError, CatalogueError


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def out_console() -> Console:
    # Data never holds markup or :emoji: codes; not parsing for them saves time per cell.
    return Console(highlight=False, markup=False, emoji=False)


def print_error(error: BackcoachError) -> None:
    from rich.markup import escape

    # soft_wrap: "file:line: ..." lines stay whole, so they can be grepped and clicked.
    from backcoach.render.words import one_line

    err = err_console()
    err.print(f"[bold red]error:[/] {escape(one_line(error.message))}", soft_wrap=True)
    if isinstance(error, CatalogueError):
        for problem in error.problems:
            err.print(f"  {escape(one_line(str(problem)))}", soft_wrap=True)
    if error.hint:
        err.print(f"[dim]hint: {escape(one_line(error.hint))}[/]", soft_wrap=True)


def print_internal_error(error: Exception) -> None:
    err_console().print(
        f"[bold red]error:[/] unexpected internal error: {type(error).__name__}: {error}\n"
        "[dim]hint: rerun with BACKCOACH_DEBUG=1 to see the traceback, and report it[/]",
        markup=True,
        highlight=False,
    )
