"""Every question backcoach asks in a terminal goes through here: one `Ask`, one way to say
a line, one yes/no, and the pain and effort questions. The words and rules they ask
about are `clinical`'s; what an answer then changes is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from backcoach.clinical import EFFORTS, whole_number
from backcoach.errors import EndOfInput

if TYPE_CHECKING:
    from rich.console import Console

Ask = Callable[[str], str]
Say = Callable[[str], None]


def console_asker(console: Console) -> Ask:
    """Questions typed at the terminal; a closed standard input ends the session cleanly,
    and Ctrl-C at a question ends the line first, so the shell's prompt starts its own."""

    def ask(question: str) -> str:
        try:
            return console.input(f"{question}: ", markup=False, emoji=False)
        except KeyboardInterrupt:
            console.print()
            raise
        except EOFError:
            raise EndOfInput(
                "standard input closed while backcoach was asking a question",
                hint="add --yes to run without questions",
            ) from None

    return ask


def console_say(console: Console) -> Say:
    """One line said as it is: no markup, no highlighting of what a person typed."""
    return lambda line: console.print(line, markup=False, highlight=False)


def yes_no(ask: Ask, say: Say, question: str, default: bool | None = None) -> bool:
    """y or n; with no default, an empty answer is asked again."""
    hint = "[y/n]" if default is None else "[Y/n]" if default else "[y/N]"
    answer = _y_or_n(ask, say, f"{question} {hint}", default, "Please answer y or n.")
    assert answer is not None  # only a skippable question gives None
    return answer


def yes_no_or_skip(ask: Ask, say: Say, question: str) -> bool | None:
    """y or n, or Enter to skip (None): for questions whose answer is optional."""
    return _y_or_n(
        ask,
        say,
        f"{question} [y/n] (Enter to skip)",
        None,
        "Please answer y or n, or press Enter to skip.",
        skippable=True,
    )


def _y_or_n(
    ask: Ask, say: Say, prompt: str, default: bool | None, again: str, skippable: bool = False
) -> bool | None:
    while True:
        answer = ask(prompt).strip().lower()
        if not answer and (default is not None or skippable):
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        say(again)


def parse_pain(answer: str) -> tuple[bool, int | None]:
    """(valid, value): Enter skips (None); 0-10 is a score; anything else is invalid."""
    text = answer.strip()
    if not text:
        return True, None
    if whole_number(text) and 0 <= int(text) <= 10:
        return True, int(text)
    return False, None


def ask_pain(ask: Ask, say: Say, when: str) -> int | None:
    while True:
        valid, value = parse_pain(
            ask(f"Pain {when}, from 0 (none) to 10 (worst imaginable)? Enter to skip")
        )
        if valid:
            return value
        say("Please type a whole number from 0 to 10, or press Enter to skip.")


def parse_effort(answer: str) -> tuple[bool, str | None]:
    text = answer.strip().lower()
    if not text:
        return True, None
    choices = {"1": "easy", "2": "about right", "3": "too hard", "right": "about right"}
    if text in EFFORTS:
        return True, text
    if text in choices:
        return True, choices[text]
    return False, None


def ask_effort(ask: Ask, say: Say) -> str | None:
    while True:
        valid, value = parse_effort(
            ask("How hard did it feel? 1 easy, 2 about right, 3 too hard (Enter to skip)")
        )
        if valid:
            return value
        say("Please type 1, 2 or 3 (or easy, about right, too hard), or press Enter.")
