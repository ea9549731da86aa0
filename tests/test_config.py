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
