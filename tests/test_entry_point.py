"""The installed console script and `python -m backcoach`, as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / ("backcoach.exe" if os.name == "nt" else "backcoach")


def run(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    environment.update(BACKCOACH_HOME=str(home), **env)
    return subprocess.run(
        list(args), capture_output=True, text=True, env=environment, timeout=120, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_console_script_lists_the_catalogue(isolated_home: Path) -> None:
    result = run(str(BIN), "list", "--json", home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) >= 30


def test_python_dash_m(isolated_home: Path) -> None:
    result = run(sys.executable, "-m", "backcoach", "show", "bird-dog", home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert "Bird-dog" in result.stdout


def test_a_whole_session_without_a_terminal_is_plain(isolated_home: Path) -> None:
    result = run(
        str(BIN), "start", "--yes", "--minutes", "2", "--seed", "3",
        home=isolated_home, BACKCOACH_TIME_SCALE="0.005",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert "time runs ×200 (BACKCOACH_TIME_SCALE=0.005)" in result.stdout
    assert "[00:00] get ready: " in result.stdout
    assert "Session complete." in result.stdout


def test_usage_error_exit_code_and_no_traceback(isolated_home: Path) -> None:
    result = run(str(BIN), "show", "no-such-exercise", home=isolated_home)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unknown exercise" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cache_is_used_and_invalidated_by_content(isolated_home: Path, tmp_path: Path) -> None:
    source = (Path(__file__).parent / "data" / "tiny.yaml").read_text()
    path = tmp_path / "mine.yaml"
    path.write_text(source)
    first = run(str(BIN), "--catalogue", str(path), "list", "--json", home=isolated_home)
    assert [e["name"] for e in json.loads(first.stdout)][0] == "Easy roll"
    assert list((isolated_home / "cache").glob("catalogue-*.sqlite3"))
    path.write_text(source.replace("name: Easy roll", "name: Gentle roll"))
    second = run(str(BIN), "--catalogue", str(path), "list", "--json", home=isolated_home)
    assert [e["name"] for e in json.loads(second.stdout)][0] == "Gentle roll"


def test_every_command_and_suggestion_still_reachable_from_the_console_script(
    isolated_home: Path,
) -> None:
    # The console script registers only the command asked for (a start-up saving);
    # what a person can reach and what they are told must not change.
    top = run(str(BIN), "--help", home=isolated_home)
    for name in ("list", "show", "validate", "plan", "start", "history", "stats", "report"):
        assert f"  {name} " in top.stdout
    typo = run(str(BIN), "lst", home=isolated_home)
    assert typo.returncode == 2
    assert "Did you mean 'list'?" in typo.stderr
    tiny = str(Path(__file__).parent / "data" / "tiny.yaml")
    shown = run(str(BIN), "--catalogue", tiny, "show", "easy-roll", home=isolated_home)
    assert shown.returncode == 0 and "Easy roll" in shown.stdout
    config = run(str(BIN), "config", "set", "minutes", "15", home=isolated_home)
    assert config.returncode == 0 and "minutes = 15" in config.stdout
