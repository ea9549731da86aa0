"""config.toml: precedence, validation, the config command, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from backcoach import config
from backcoach.errors import StorageError

from .conftest import RunCli


def budget(run: RunCli, *args: str) -> int:
    return int(json.loads(run("plan", "--seed", "1", "--json", *args).stdout)["budget_seconds"])


def test_file_values_apply_and_options_win(run: RunCli, isolated_home: Path) -> None:
    assert budget(run) == 600
    assert run("config", "set", "minutes", "15").stdout.strip() == "minutes = 15"
    assert run("config", "set", "focus", "upper,stretch").exit_code == 0
    assert budget(run) == 900
    assert budget(run, "--minutes", "5") == 300
    plan = json.loads(run("plan", "--seed", "1", "--json").stdout)
    assert plan["regions"] == ["upper"] and plan["kinds"] == ["stretch"]
    plan = json.loads(run("plan", "--seed", "1", "--json", "--focus", "lower").stdout)
    assert plan["regions"] == ["lower"] and plan["kinds"] == ["strengthen", "stretch"]
    assert (isolated_home / "config.toml").read_text().splitlines()[1:] == [
        "minutes = 15",
        'focus = ["upper", "stretch"]',
    ]


def test_config_shows_every_setting_and_where_it_came_from(run: RunCli) -> None:
    run("config", "set", "level", "intermediate")
    lines = run("config").stdout.splitlines()
    level = next(line for line in lines if line.startswith("level"))
    minutes = next(line for line in lines if line.startswith("minutes"))
    assert "intermediate" in level and "file" in level
    assert "10" in minutes and "default" in minutes
    for key in ("minutes", "focus", "level", "equipment", "sound"):
        assert any(line.startswith(key) for line in lines)


def test_unset_returns_to_the_default(run: RunCli) -> None:
    run("config", "set", "minutes", "20")
    assert "back to the default (10)" in run("config", "unset", "minutes").stdout
    assert budget(run) == 600
    assert "was not set" in run("config", "unset", "minutes").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "minutes", "ten"], "minutes: must be a whole number from 1 to 90, not 'ten'"),
        (["set", "minutes", "0"], "minutes: must be a whole number from 1 to 90"),
        (["set", "level", "expert"], "level: must be one of: beginner, intermediate, advanced"),
        (["set", "sound", "loud"], "sound: must be one of: bell, voice, off"),
        (
            ["set", "focus", "legs"],
            "focus: 'legs' is not one of: lower, upper, stretch, strengthen",
        ),
        (["set", "equipment", "sofa"], "equipment: 'sofa' is not one of: band"),
        (["set", "colour", "red"], "unknown setting 'colour'"),
        (["unset", "colour"], "unknown setting 'colour'"),
    ],
)
def test_invalid_values_name_the_key_and_write_nothing(
    run: RunCli, isolated_home: Path, args: list[str], message: str
) -> None:
    result = run("config", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (isolated_home / "config.toml").exists()


def test_an_invalid_file_is_refused_and_can_be_repaired(run: RunCli, isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text('minutes = "ten"\nsound = "voice"\n')
    result = run("plan")
    assert result.exit_code == 2
    assert "config.toml: minutes: must be a whole number from 1 to 90" in result.stderr
    assert run("config").exit_code == 2
    assert run("config", "unset", "minutes").exit_code == 0
    assert (isolated_home / "config.toml").read_text().splitlines()[1:] == ['sound = "voice"']
    (isolated_home / "config.toml").write_text("minutes = [\n")
    assert "is not valid TOML" in run("plan").stderr


def test_config_path(run: RunCli, isolated_home: Path) -> None:
    assert run("config", "path").stdout.strip() == str(isolated_home / "config.toml")


def test_a_failed_write_leaves_the_old_file_whole(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = isolated_home / "config.toml"
    config.set_value("minutes", "12", file)
    before = file.read_bytes()

    def crash(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StorageError, match="No space left on device"):
        config.set_value("minutes", "30", file)
    assert file.read_bytes() == before
    assert [p.name for p in isolated_home.iterdir() if p.name.endswith(".tmp")] == []


# --- issue 26: guarding what people write, and the file itself --------------------


def test_a_notifier_with_an_unclosed_quote_is_refused_when_set(
    run: RunCli, isolated_home: Path
) -> None:
    result = run("config", "set", "notify", 'x "')
    assert result.exit_code == 2
    assert "notify: cannot be split into a command (no closing quotation)" in result.stderr
    assert not (isolated_home / "config.toml").exists()


def test_a_value_that_was_not_utf8_is_refused(run: RunCli, isolated_home: Path) -> None:
    # A shell passes the byte 0xff as the surrogate U+DCFF (Python's surrogateescape).
    result = run("config", "set", "notify", "a\udcff")
    assert result.exit_code == 2
    assert "notify: is not valid UTF-8 text" in result.stderr
    assert not (isolated_home / "config.toml").exists()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("x\x1b]0;pwned\x07y", "U+001B"),  # an OSC sequence: retitles the window
        ("dunstify \u202eexe.live", "U+202E"),  # right-to-left override
        ("notify\u2066-send", "U+2066"),  # left-to-right isolate
        ("notify\u200b-send", "U+200B"),  # zero-width space
    ],
)
def test_control_and_invisible_characters_are_refused_when_set(
    run: RunCli, isolated_home: Path, value: str, code: str
) -> None:
    result = run("config", "set", "notify", value)
    assert result.exit_code == 2
    assert f"holds a control or invisible character ({code})" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert not (isolated_home / "config.toml").exists()


def test_a_hand_written_escape_sequence_never_reaches_the_terminal(
    run: RunCli, isolated_home: Path
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text('notify = "x\\u001b]0;pwned\\u0007y"\n')
    result = run("config")
    assert result.exit_code == 2
    assert "notify: holds a control or invisible character (U+001B)" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr


def test_values_are_shown_cleaned() -> None:
    assert config.shown("x\x1b]0;t\x07\u202ey\u2066\u200bz") == "x]0;tyz"
    assert config.shown(["a\u2069", "b"]) == "a, b"


def test_a_value_too_long_to_read_back_is_refused(run: RunCli, isolated_home: Path) -> None:
    result = run("config", "set", "notify", "notify-send " + "x" * 100_000)
    assert result.exit_code == 2
    assert "notify: is longer than 1,000 characters" in result.stderr
    assert not (isolated_home / "config.toml").exists()


def test_a_byte_order_mark_is_skipped(run: RunCli, isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_bytes(b"\xef\xbb\xbfminutes = 15\n")
    assert budget(run) == 900
    assert run("config", "set", "level", "intermediate").exit_code == 0
    assert (isolated_home / "config.toml").read_bytes().startswith(b"# backcoach")


def test_a_deeply_nested_file_is_one_message(run: RunCli, isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    file = isolated_home / "config.toml"
    file.write_text("a = " + "[" * 10_000 + "]" * 10_000 + "\n")
    result = run("plan")
    assert result.exit_code == 2
    assert "nests its values too deeply" in result.stderr
    file.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")  # the case
    result = run("config")
    assert result.exit_code == 2
    assert "is larger than 64 KiB; backcoach does not read it" in result.stderr


def test_a_fifo_is_refused_before_it_is_opened(isolated_home: Path) -> None:
    import subprocess
    import sys

    isolated_home.mkdir(parents=True, exist_ok=True)
    os.mkfifo(isolated_home / "config.toml")
    for args in (["plan"], ["config"], ["config", "set", "minutes", "5"]):
        result = subprocess.run(
            [sys.executable, "-m", "backcoach", *args],
            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
        )  # fmt: skip
        assert result.returncode == 2, args
        assert "config.toml is a FIFO (named pipe), not a regular file" in result.stderr
    assert (isolated_home / "config.toml").is_fifo()


@pytest.mark.parametrize(
    ("target", "kind"), [("/dev/zero", "a character device"), ("", "a folder")]
)
def test_devices_and_folders_are_refused(
    run: RunCli, isolated_home: Path, target: str, kind: str
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    file = isolated_home / "config.toml"
    if target:
        file.symlink_to(target)
    else:
        file.mkdir()
    for args in (["config"], ["config", "set", "minutes", "5"]):
        result = run(*args)
        assert result.exit_code == 2
        assert f"is {kind}, not a regular file" in result.stderr


def test_a_symlinked_file_is_written_through_its_link(
    run: RunCli, isolated_home: Path, tmp_path: Path
) -> None:
    real = tmp_path / "dotfiles" / "backcoach.toml"
    real.parent.mkdir()
    real.write_text("minutes = 5\n")
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").symlink_to(real)
    assert run("config", "set", "level", "intermediate").exit_code == 0
    assert run("config", "unset", "minutes").exit_code == 0
    assert (isolated_home / "config.toml").is_symlink()
    assert real.read_text().splitlines()[1:] == ['level = "intermediate"']


def test_one_writer_at_a_time(run: RunCli, isolated_home: Path) -> None:
    from backcoach.paths import hold_lock

    run("config", "set", "minutes", "12")
    before = (isolated_home / "config.toml").read_bytes()
    with hold_lock(isolated_home / ".config.toml.lock"):  # another backcoach, mid-change
        for args in (["set", "minutes", "30"], ["unset", "minutes"]):
            result = run("config", *args)
            assert result.exit_code == 1
            assert f"another backcoach (process {os.getpid()}) is changing" in result.stderr
            assert "nothing was written" in result.stderr
    assert (isolated_home / "config.toml").read_bytes() == before
    assert run("config", "set", "minutes", "30").exit_code == 0  # released: it goes on


def test_a_file_changed_since_it_was_read_is_not_written_over(
    run: RunCli, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = isolated_home / "config.toml"
    config.set_value("minutes", "12", file)
    validate = config.validate

    def meanwhile(raw: dict[str, object], where: str) -> dict[str, object]:
        file.write_text("minutes = 20\n")  # an editor saves while backcoach is changing it
        return validate(raw, where)

    monkeypatch.setattr(config, "validate", meanwhile)
    result = run("config", "set", "level", "advanced")
    assert result.exit_code == 1
    assert "changed while backcoach was changing it" in result.stderr
    assert file.read_text() == "minutes = 20\n"
