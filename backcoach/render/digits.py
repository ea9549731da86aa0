"""The big numbers of the live view: a 3x5 block font, scaled to the room there is."""

from __future__ import annotations

# A 3x5 block font, scaled up to fill the screen, so the number can be read from the floor.
_DIGITS = {
    "0": ("███", "█ █", "█ █", "█ █", "███"),
    "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"),
    "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"),
    "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"),
    "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"),
    "9": ("███", "█ █", "███", "  █", "███"),
    ":": ("   ", " █ ", "   ", " █ ", "   "),
    "/": ("  █", "  █", " █ ", "█  ", "█  "),
}
GLYPH_ROWS = 5
# Enough for a number filling a large terminal (10 × 5 = 50 rows); the room decides.
MAX_SCALE = 10


def big_rows(text: str, scale: tuple[int, int] = (1, 1)) -> list[str]:
    """The text in the block font, each pixel `scale` = (rows, columns) cells.

    Returned as whole rows to be centred as one block: centring each row on its own
    drops trailing spaces first and bent digits such as 1 and 7.
    """
    tall, wide = scale
    rows = []
    for row in range(GLYPH_ROWS):
        line = (" " * wide).join(
            "".join(pixel * wide for pixel in _DIGITS[char][row]) for char in text
        )
        rows.extend([line] * tall)
    return rows


def big_width(text: str, wide: int) -> int:
    return len(text) * 3 * wide + (len(text) - 1) * wide


def digit_scale(text: str, rows: int, columns: int) -> tuple[int, int] | None:
    """The largest scale for the number that fits; None if even the small font does not."""
    for tall in range(MAX_SCALE, 0, -1):
        for wide in sorted({2 * tall, tall + 1, tall}, reverse=True):
            if GLYPH_ROWS * tall <= rows and big_width(text, wide) <= columns:
                return tall, wide
    return None
