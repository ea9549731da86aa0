"""A person's defaults in config.toml: minutes, focus, level, equipment, sound.

Options on the command line win over the file; the file wins over built-in
defaults. The file is validated as a whole (every problem names its key and
what is allowed) and written atomically, so a crash never leaves half a file.
Only a regular file of at most 64 KiB is read; one writer at a time changes it
(a lock beside it), and a change is not saved over a file that changed since it
was read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from backcoach.errors import StorageError, UsageError
from backcoach.paths import read_regular_file, write_text_atomically
from backcoach.vocabulary import (
    DEFAULT_MINUTES,
    EQUIPMENT_WORDS,
    FOCUS_WORDS,
    LEVELS,
    MAX_MINUTES,
    MIN_MINUTES,
    SOUNDS,
    did_you_mean,
    hidden_character,
    printable,
    unknown,
)

EVERY_RANGE = (1, 480)  # minutes between reminders
LIMIT = 64 * 1024  # bytes: a config.toml is a few lines; anything larger is not one
LONGEST = 1000  # characters in one value: the file must stay far below LIMIT


class Hours(NamedTuple):
    """The hours of the day to remind in; an end before the start crosses midnight
    (22:00-06:00, a night shift)."""

    start: time
    end: time

    def contain(self, moment: datetime) -> bool:
        at = moment.time()
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end  # across midnight

    def next_start(self, moment: datetime) -> datetime:
        """The next moment the hours begin after `moment` (today's start, or tomorrow's),
        counted on the local clock: an aware `moment` gives the local time then, so a
        change to or from summer time between the two is counted right."""
        local = moment.replace(tzinfo=None)
        start = local.replace(hour=self.start.hour, minute=self.start.minute, second=0)
        start = start.replace(microsecond=0)
        if start <= local:
            start += timedelta(days=1)
        return start.astimezone() if moment.tzinfo is not None else start

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_every(value: int | str, source: str = "--every") -> int:
    """Minutes between reminders; `source` names the option in the message ("" for config,
    which names the key itself)."""
    text = str(value).strip()
    least, most = EVERY_RANGE
    if not (text.isascii() and text.isdecimal()) or not least <= int(text) <= most:
        raise UsageError(
            f"{source} must be a whole number of minutes from {least} to {most}".strip()
        )
    return int(text)


def parse_between(text: str, source: str = "--between") -> Hours:
    """'09:00-17:30' → Hours, and '22:00-06:00' across midnight; anything else is one
    clear message."""
    parts = text.strip().split("-")
    example = f"{source} takes two times of day such as 09:00-17:30, not {text!r}".strip()
    if len(parts) != 2:
        raise UsageError(example)
    try:
        start, end = (datetime.strptime(part.strip(), "%H:%M").time() for part in parts)
    except ValueError:
        raise UsageError(example) from None
    if start == end:
        lead = f"{source}: " if source else ""
        raise UsageError(
            f"{lead}the two times must differ, not {text!r} (hours that cross midnight, "
            "such as 22:00-06:00, are fine; 00:00-23:59 is the whole day)"
        )
    return Hours(start, end)


def _words(value: Any, allowed: tuple[str, ...], what: str, nothing: str = "") -> list[str]:
    """A list of allowed words (or one string with commas); `nothing` alone means none."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError(f"must be a list of {what}")
    words = [item.strip().lower() for item in items if item.strip()]
    if nothing and words == [nothing]:
        return []
    bad = [word for word in words if word not in allowed]
    if bad:
        raise ValueError(_not_one_of(bad[0], allowed))
    return list(dict.fromkeys(words))


def _not_one_of(value: Any, allowed: tuple[str, ...], one: bool = False) -> str:
    listed = ", ".join(allowed)
    message = (
        f"must be one of: {listed} (not {value!r})" if one else f"{value!r} is not one of: {listed}"
    )
    suggestion = did_you_mean(value, allowed) if isinstance(value, str) else None
    return f"{message}; {suggestion}" if suggestion else message


def _minutes(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if MIN_MINUTES <= value <= MAX_MINUTES:
            return value
    raise ValueError(f"must be a whole number from {MIN_MINUTES} to {MAX_MINUTES}, not {value!r}")


def _choice(allowed: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            raise ValueError(_not_one_of(value, allowed, one=True))
        return value.strip().lower()

    return check


def _remind_every(value: Any) -> int:
    from backcoach.errors import UsageError

    try:
        return parse_every(value, "")
    except UsageError as error:
        raise ValueError(error.message) from None


def _remind_between(value: Any) -> str:
    from backcoach.errors import UsageError

    try:
        return str(parse_between(str(value), ""))
    except UsageError as error:
        raise ValueError(error.message) from None


def _notify(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a command, not {value!r}")
    split_command(value)
    return value.strip()


def split_command(text: str) -> list[str]:
    """A command split into words as a shell would (never run by one); ValueError with
    what is wrong when it cannot be (an unclosed quote, a trailing backslash)."""
    import shlex

    try:
        return shlex.split(text)
    except ValueError as exc:
        reason = str(exc).lower()
        raise ValueError(
            f"cannot be split into a command ({reason}): quote it as a shell would, not {text!r}"
        ) from None


def check_text(value: Any) -> None:
    """ValueError for text that would not show as it is: bytes that were not UTF-8,
    control characters (an escape sequence retitles the window or worse), bidi
    overrides and isolates, zero-width characters. Lists are checked item by item."""
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, str):
            continue
        if len(item) > LONGEST:
            raise ValueError(f"is longer than {LONGEST:,} characters")
        if any("\ud800" <= char <= "\udfff" for char in item):
            raise ValueError("is not valid UTF-8 text; type it again")
        hidden = hidden_character(item)
        if hidden is not None:
            raise ValueError(
                f"holds a control or invisible character ({hidden}); settings are "
                "plain text on one line"
            )


class Setting(NamedTuple):
    key: str
    default: Any
    check: Callable[[Any], Any]
    help: str


SETTINGS: dict[str, Setting] = {
    setting.key: setting
    for setting in (
        Setting(
            "minutes",
            DEFAULT_MINUTES,
            _minutes,
            f"length of a session, {MIN_MINUTES}-{MAX_MINUTES}",
        ),
        Setting(
            "focus",
            [],
            lambda v: _words(v, tuple(FOCUS_WORDS), "focus words"),
            "lower, upper, stretch, strengthen (empty: the whole back, both kinds)",
        ),
        Setting("level", "beginner", _choice(LEVELS), ", ".join(LEVELS)),
        Setting(
            "equipment",
            [],
            lambda v: _words(v, EQUIPMENT_WORDS, "equipment", nothing="none"),
            "what you have beyond a mat: " + ", ".join(EQUIPMENT_WORDS),
        ),
        Setting("sound", "bell", _choice(SOUNDS), ", ".join(SOUNDS)),
        Setting("remind_every", 60, _remind_every, "minutes between reminders, 1-480"),
        Setting("remind_between", "09:00-17:30", _remind_between, "hours to remind in"),
        Setting("notify", "", _notify, "a notifier command for remind (empty: the platform's)"),
    )
}


def path() -> Path:
    from backcoach.paths import config_path

    return config_path()


def _read_raw(file: Path) -> dict[str, Any]:
    return _load(file)[0]


def _load(file: Path) -> tuple[dict[str, Any], bytes | None]:
    """The file's settings as written, and its bytes (None: there is no file)."""
    data = _bytes(file)
    return ({} if data is None else _parse(file, data)), data


def _bytes(file: Path) -> bytes | None:
    try:
        return read_regular_file(file, LIMIT)
    except (FileNotFoundError, NotADirectoryError):
        return None  # no config file (its folder may not exist): the defaults apply
    except OSError as exc:
        raise StorageError(f"cannot read {file}: {exc.strerror or exc}") from exc


def _parse(file: Path, data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Notepad writes one) is skipped
    except UnicodeDecodeError as exc:
        raise UsageError(f"{file} is not UTF-8 text: {exc}") from None
    import tomllib  # only when there is a file: most runs have none

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(
            f"{file} is not valid TOML: {exc}", hint="fix it, or remove it to use the defaults"
        ) from exc
    except RecursionError:
        raise UsageError(
            f"{file} nests its values too deeply to be a backcoach config",
            hint="fix it, or remove it to use the defaults",
        ) from None


def read(file: Path | None = None) -> dict[str, Any]:
    """The validated settings in the file (only those it sets); {} when there is none."""
    file = file or path()
    return validate(_read_raw(file), str(file))


def _others(raw: Mapping[str, Any], file: Path, key: str) -> dict[str, Any]:
    """The file's other settings, validated: changing one key may repair that key alone."""
    return validate({k: v for k, v in raw.items() if k != key}, str(file))


def validate(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    problems: list[str] = []
    out: dict[str, Any] = {}
    for key, value in raw.items():
        setting = SETTINGS.get(key)
        if setting is None:
            problems.append(f"{printable(key)!r}: unknown setting (known: {', '.join(SETTINGS)})")
            continue
        try:
            check_text(value)
            out[key] = setting.check(value)
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    if problems:
        raise UsageError(
            f"{where}: " + "; ".join(problems),
            hint="change it with: backcoach config set KEY VALUE (or unset KEY)",
        )
    return out


def effective(file_values: Mapping[str, Any]) -> dict[str, tuple[Any, str]]:
    """Every setting with its value and where it came from: 'file' or 'default'."""
    return {
        key: (file_values[key], "file") if key in file_values else (setting.default, "default")
        for key, setting in SETTINGS.items()
    }


def set_value(key: str, value: str, file: Path | None = None) -> Any:
    setting = SETTINGS.get(key)
    if setting is None:
        raise unknown("setting", key, SETTINGS)
    try:
        check_text(value)
        checked = setting.check(value)
    except ValueError as exc:
        raise UsageError(f"{key}: {exc}") from None
    file = file or path()
    with _one_writer(file):
        raw, seen = _load(file)
        values = _others(raw, file, key)
        values[key] = checked
        _save(values, file, seen)
    return checked


def unset(key: str, file: Path | None = None) -> bool:
    if key not in SETTINGS:
        raise unknown("setting", key, SETTINGS)
    file = file or path()
    if key not in _read_raw(file):
        return False  # nothing to change: no lock needed
    with _one_writer(file):
        raw, seen = _load(file)
        if key not in raw:
            return False
        _save(_others(raw, file, key), file, seen)
    return True


@contextmanager
def _one_writer(file: Path) -> Iterator[None]:
    """Hold the lock beside the file (beside the file a link points to): one backcoach
    changes config.toml at a time; another is refused at once, and says so."""
    from backcoach.paths import LockHeld, hold_lock

    target = Path(os.path.realpath(file))
    with ExitStack() as holding:
        try:
            holding.enter_context(hold_lock(target.with_name(f".{target.name}.lock")))
        except LockHeld as held:
            who = f" (process {held.holder})" if held.holder else ""
            raise StorageError(
                f"another backcoach{who} is changing {file} right now; nothing was written",
                hint="run the command again when it is done",
            ) from None
        except OSError as exc:
            raise StorageError(f"cannot lock {file} to change it: {exc.strerror or exc}") from exc
        yield


def _save(values: Mapping[str, Any], file: Path, seen: bytes | None) -> None:
    """Write `values` unless the file changed since it was read as `seen`."""
    if _bytes(file) != seen:
        raise StorageError(
            f"{file} changed while backcoach was changing it (another program wrote it); "
            "nothing was written",
            hint="look at it, then run the command again",
        )
    write(values, file)


def _toml_value(value: Any) -> str:
    # The values are validated ints, words and lists of words, so this small writer
    # is enough; json's string escapes are valid TOML basic-string escapes.
    import json

    if isinstance(value, bool):
        raise TypeError("no boolean settings")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r}")


def render(values: Mapping[str, Any]) -> str:
    lines = ["# backcoach settings: edit with `backcoach config set KEY VALUE`"]
    lines += [f"{key} = {_toml_value(values[key])}" for key in SETTINGS if key in values]
    return "\n".join(lines) + "\n"


def shown(value: Any, empty: str = "(none)") -> str:
    """A setting's value as people read it: lists with commas, nothing as `empty`."""
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return printable(text) or empty


def write(values: Mapping[str, Any], file: Path) -> None:
    try:
        write_text_atomically(file, render(values))
    except OSError as exc:
        raise StorageError(f"cannot write {file}: {exc.strerror or exc}") from exc
