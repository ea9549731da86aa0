"""Spoken cues: what is said, how engines are found, and that speech never holds the clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backcoach.catalogue import loader as catalogue
from backcoach.coach.cues import Speaker, Voice, speech_command
from backcoach.plan import planner
from backcoach.plan.timeline import segments  # noqa: I001
from backcoach.timer import engine

from .conftest import BUNDLED, TEST_DATA
from .fakes import FakeClock, ScriptedKeys

BIN = Path(sys.executable).parent / "backcoach"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="shell-script fake engine")


def phrases_for(path: Path, minutes: int, seed: int) -> tuple[planner.Plan, list[str]]:  # type: ignore[name-defined]
    cat = catalogue.load(path)
    plan = planner.build(cat, planner.Request(minutes=minutes, seed=seed))
    said: list[str] = []
    clock = FakeClock()
    voice = Voice(plan, said.append)
    engine.Engine(segments(plan), clock, ScriptedKeys(clock), [voice]).run()
    return plan, said


def test_every_exercise_is_announced_with_its_caution_and_first_cue() -> None:
    plan, said = phrases_for(BUNDLED, 10, 4)
    cat = catalogue.load(BUNDLED).by_id()
    for index, step in enumerate(plan.steps):
        prefix = "First" if index == 0 else "Next"
        exercise = cat[step.exercise]
        assert f"{prefix}: {step.name}. {exercise.cautions[0]} {exercise.first_cue}" in said
    assert said[-1] == "session done"


def test_what_a_small_session_says() -> None:
    _, said = phrases_for(TEST_DATA / "tiny.yaml", 1, 1)
    assert said == [
        "First: Easy roll. Stop if it hurts. Roll slowly",
        "three", "two", "one",
        "1: left", "right", "last one: left", "right",
        "Next: Lying stretch. Stop if it hurts. Breathe out",  # 5 s: too short to count
        "hold", "rest. Next: set 2 of 2", "hold",
        "session done",
    ]  # fmt: skip
    # The seconds are not read out as they pass: the last three are counted in words.
    assert not any(phrase.isdigit() for phrase in said)


@posix_only
def test_engines_are_found_on_path(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert speech_command({"PATH": str(empty)}) is None
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert speech_command({"PATH": str(tmp_path)}) == [str(fake)]
    custom = {"PATH": str(tmp_path), "BACKCOACH_TTS": "espeak-ng -s 150 --punct"}
    assert speech_command(custom) == ["espeak-ng", "-s", "150", "--punct"]
    missing = {"PATH": str(tmp_path), "BACKCOACH_TTS": "not-installed-anywhere"}
    assert speech_command(missing) is None


@posix_only
def test_a_new_phrase_replaces_one_still_playing() -> None:
    speaker = Speaker(["sleep"])
    speaker.say("30")
    first = speaker.current
    assert first is not None
    speaker.say("30")
    assert first.wait(timeout=10) != 0  # terminated, not left talking over the next one
    speaker.close(let_last_finish=False)
    assert speaker.current is None and speaker.stopping == []


def write_fake_engine(folder: Path, log: Path) -> None:
    folder.mkdir()
    script = folder / "espeak-ng"
    script.write_text(
        f'#!/bin/sh\necho "say: $*" >> "{log}"\nsleep 30\necho "finished: $*" >> "{log}"\n'
    )
    script.chmod(0o755)


def session_env(home: Path, path: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_HOME=str(home), BACKCOACH_TIME_SCALE="0.01", PATH=path)
    return env


@posix_only
def test_a_slow_engine_never_holds_the_session_up(isolated_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "said.log"
    write_fake_engine(tmp_path / "bin", log)
    env = session_env(isolated_home, f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    try:
        command = ["start", "--yes", "--plain", "--sound", "voice", "--minutes", "3", "--seed", "3"]
        result = subprocess.run(
            [str(BIN), *command], capture_output=True, text=True, env=env, timeout=120, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "Session complete." in result.stdout
        said = log.read_text()
        # Each phrase takes the fake engine 30 s, and the session (3 minutes at ×100)
        # has already ended: nothing waited for speech, every phrase was cut short.
        assert "finished:" not in said
        names = [
            line.split("get ready: ")[1].split(",")[0]
            for line in result.stdout.splitlines()
            if "get ready: " in line
        ]
        assert names
        for index, name in enumerate(names):
            assert f"say: {'First' if index == 0 else 'Next'}: {name}. " in said
        assert said.rstrip().endswith("say: session done")
    finally:
        subprocess.run(["pkill", "-f", str(tmp_path / "bin")], check=False)


def test_no_engine_warns_once_and_the_session_runs(isolated_home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = session_env(isolated_home, str(empty))
    command = ["start", "--yes", "--plain", "--sound", "voice", "--minutes", "2", "--seed", "3"]
    result = subprocess.run(
        [str(BIN), *command], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0
    assert result.stderr.count("no speech engine found") == 1
    assert "Using the bell instead." in result.stderr
    assert "Session complete." in result.stdout


def test_sides_are_named_as_they_start() -> None:
    from backcoach.models import Catalogue

    cat = catalogue.load(TEST_DATA / "tiny.yaml")
    only_side_hold = Catalogue(
        version=cat.version, exercises=[e for e in cat.exercises if e.id == "side-hold"]
    )
    plan = planner.build(only_side_hold, planner.Request(minutes=1, seed=1))
    said: list[str] = []
    clock = FakeClock()
    engine.Engine(segments(plan), clock, ScriptedKeys(clock), [Voice(plan, said.append)]).run()
    assert [p for p in said[1:] if p not in ("three", "two", "one")] == [
        "left side first. hold", "relax", "last one: hold",
        "switch to the right side", "hold", "relax", "last one: hold",
        "session done",
    ]  # fmt: skip
