"""Rows of text in aligned columns, laid out by hand (cheaper than Rich's Table)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment as RichSegment
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import OverflowMethod
    from rich.style import Style

# A cell is one or more lines of text, each with a Rich style ("" for none).
Cell = tuple[tuple[str, str], ...]
_GAP = "  "


class Layout:
    """One way to lay rows out: headers, rows, which columns may wrap and how narrow."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        flexible: dict[int, int] | None = None,
        right: frozenset[int] = frozenset(),
        spaced: bool = False,
        header: bool = True,
        under: Sequence[Cell] = (),
        indent: int = 0,
    ) -> None:
        from backcoach.render.words import one_line

        rows = [
            [tuple((one_line(text), style) for text, style in cell) for cell in row] for row in rows
        ]
        self.headers, self.rows, self.right, self.spaced = headers, rows, right, spaced
        self.header = header  # False: no header line and no rule under it
        # A line (or more) under each row, across the table's width from `indent`: a
        # plan's reason under its exercise, so that the name and dose keep one line each.
        self.under = [tuple((one_line(text), style) for text, style in cell) for cell in under]
        self.indent = indent
        self.flexible = flexible or {}  # column index -> narrowest it may wrap to
        self.natural = [
            max([cell_len(header)] + [cell_len(text) for row in rows for text, _ in row[index]])
            for index, header in enumerate(headers)
        ]

    def narrowest(self) -> int:
        widths = (
            min(width, self.flexible.get(index, width)) for index, width in enumerate(self.natural)
        )
        return sum(widths) + len(_GAP) * (len(self.headers) - 1)

    def widths(self, available: int) -> list[int]:
        """Natural widths, the flexible columns (widest first) narrowed until the row fits."""
        widths = list(self.natural)
        excess = sum(widths) + len(_GAP) * (len(widths) - 1) - available
        for index in sorted(self.flexible, key=lambda i: -widths[i]):
            if excess <= 0:
                break
            cut = min(excess, widths[index] - min(widths[index], self.flexible[index]))
            widths[index] -= cut
            excess -= cut
        return widths


class Grid:
    """Rows of text in aligned columns, laid out by hand; the first layout that fits is used.

    Rich's Table measures and renders every cell as a renderable of its own: for
    the 41 rows of `list` that was 30-50 ms, the largest cost of the command.
    Here cells are lines of text, widths are measured once, and only a line too
    wide for its column is wrapped (by Rich's Text, so wide characters count
    right). The last layout is used when none fits.
    """

    def __init__(self, *layouts: Layout) -> None:
        self.layouts = layouts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RichSegment]:
        available = options.max_width
        layout = next(
            (each for each in self.layouts if each.narrowest() <= available), self.layouts[-1]
        )
        widths = layout.widths(available)
        style = console.get_style
        rule = sum(widths) + len(_GAP) * (len(widths) - 1)
        if layout.header:
            header: Cell = tuple((text, "bold") for text in layout.headers)
            yield from self._line(header, widths, layout.right, style)
            yield RichSegment("─" * rule)
            yield RichSegment.line()
        for number, row in enumerate(layout.rows):
            if number and layout.spaced:
                yield RichSegment.line()
            cells = [_wrap(cell, width, console) for cell, width in zip(row, widths, strict=True)]
            for depth in range(max(len(cell) for cell in cells)):
                line = tuple(cell[depth] if depth < len(cell) else ("", "") for cell in cells)
                yield from self._line(line, widths, layout.right, style)
            if number < len(layout.under):
                room = max(1, rule - layout.indent)
                for text, text_style in _wrap(layout.under[number], room, console, "fold"):
                    yield RichSegment(" " * layout.indent)
                    yield RichSegment(text, style(text_style)) if text_style else RichSegment(text)
                    yield RichSegment.line()

    @staticmethod
    def _line(
        line: Cell, widths: list[int], right: frozenset[int], style: Callable[[str], Style]
    ) -> Iterator[RichSegment]:
        # Stop at the last cell with text: no trailing blanks to copy and paste.
        last = max((index for index, (text, _) in enumerate(line) if text), default=0)
        for index in range(last + 1):
            text, text_style = line[index]
            pad = " " * (widths[index] - cell_len(text))
            if index in right:
                yield RichSegment(pad)
            yield RichSegment(text, style(text_style)) if text_style else RichSegment(text)
            if index != last:
                yield RichSegment(_GAP if index in right else pad + _GAP)
        yield RichSegment.line()


def _wrap(
    cell: Cell, width: int, console: Console, overflow: OverflowMethod = "fold"
) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for text, style in cell:
        if cell_len(text) <= width:
            lines.append((text, style))
        else:
            pieces = Text(text).wrap(console, width, overflow=overflow)
            lines += [(piece.plain.rstrip(), style) for piece in pieces]
    return lines
