"""A small figure of each starting position: text for the terminal, SVG for the report.

Drawn by the backcoach developers (the project's licence), never taken from an
exercise database. One description serves both forms: the SVG draws each
character of the text figure as a stroke in its cell, so the two cannot drift
apart. Plain mode and screen readers get the position in words instead.

A position may have variants, named by an exercise's optional `figure` field
(docs/catalogue.md): kneeling upright, half-kneeling (one knee down, the other
foot forward) and sitting back on the heels (child's pose) are told apart. Body
parts lying on the floor (shins, forearms) are `=`, drawn just above the floor
line, so they do not read as a step.
"""

from __future__ import annotations

from html import escape

from backcoach.vocabulary import Position

WIDTH = 24

# Side views, facing right, on a floor line. Only the characters in _STROKES.
_FIGURES: dict[Position, tuple[str, ...]] = {
    Position.STANDING: (
        "           O",
        "          /|\\",
        "           |",
        "          / \\",
        "________________________",
    ),
    Position.SITTING: (
        "      |  O",
        "      |  |\\",
        "      |__|_\\__",
        "      |   |   |",
        "______|___|___|_________",
    ),
    Position.KNEELING: (
        "            O",
        "           /|\\",
        "            |",
        "______======|___________",
    ),
    Position.ALL_FOURS: (
        "     ___________O",
        "    |          |",
        "    |          |",
        "____|__________|________",
    ),
    Position.PRONE: (
        "  __________________O__",
        "________________________",
    ),
    Position.SIDE_LYING: (
        "   O        ___",
        "  /|_______/   \\___",
        "________________________",
    ),
    Position.SUPINE: (
        "             /\\",
        "  O_________/  \\___",
        "________________________",
    ),
}

# Variants of a position, by the exercise's `figure` field: the rows, and the words.
_VARIANTS: dict[str, tuple[tuple[str, ...], str]] = {
    "half-kneeling": (
        (
            "          O",
            "         /|\\",
            "          |____",
            "____======|    |________",
        ),
        "half-kneeling, one knee down and the other foot forward",
    ),
    "sitting-back": (
        (
            "        ______",
            "       /      \\",
            "      |        \\",
            "______|=========\\O=====_",
        ),
        "kneeling, sitting back on your heels, arms forward on the floor",
    ),
}

# Each character as strokes in a 10 x 20 cell: lines (x1, y1, x2, y2), "circle" for a head.
_CELL_W, _CELL_H = 10, 20
_HEAD = "O"
_STROKES: dict[str, tuple[tuple[int, int, int, int], ...]] = {
    " ": (),
    "_": ((0, 19, 10, 19),),
    "=": ((0, 15, 10, 15), (0, 17, 10, 17)),  # lying on the floor
    "|": ((5, 0, 5, 20),),
    "/": ((0, 20, 10, 0),),
    "\\": ((0, 0, 10, 20),),
    _HEAD: (),  # drawn as a circle
}


VARIANTS = tuple(_VARIANTS)


def figure(position: Position, variant: str | None = None) -> tuple[str, ...]:
    """The figure's rows, each exactly WIDTH columns wide: the variant's when it has one."""
    rows = _VARIANTS[variant][0] if variant in _VARIANTS else _FIGURES[position]
    return tuple(row.ljust(WIDTH) for row in rows)


def words(position: Position, variant: str | None = None) -> str:
    """The position in words: the text alternative, and what plain mode says."""
    return _VARIANTS[variant][1] if variant in _VARIANTS else position.words


def svg(position: Position, variant: str | None = None) -> str:
    """The same figure as inline SVG, with its position in words as the text alternative."""
    rows = figure(position, variant)
    said = escape(words(position, variant))
    width, height = WIDTH * _CELL_W, len(rows) * _CELL_H
    shapes: list[str] = []
    for row_index, row in enumerate(rows):
        for column, char in enumerate(row):
            x, y = column * _CELL_W, row_index * _CELL_H
            if char == _HEAD:
                shapes.append(f'<circle cx="{x + 5}" cy="{y + 11}" r="7"/>')
            for x1, y1, x2, y2 in _STROKES[char]:
                shapes.append(f'<line x1="{x + x1}" y1="{y + y1}" x2="{x + x2}" y2="{y + y2}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{said}" '
        f'width="{width // 2}" height="{height // 2}" viewBox="0 0 {width} {height}">'
        f"<title>{said}</title>"
        '<g fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round">'
        f"{''.join(shapes)}</g></svg>"
    )
