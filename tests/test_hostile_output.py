"""What backcoach writes out (a report file, CSV) is guarded against the names and text
people and hostile files give it (issue 26, part 2)."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from backcoach.history.store import open_history
from backcoach.render.shapes import csv_cell

from .builders import add_session
from .conftest import RunCli


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("lower\x1b]0;x\x07 back", "lower]0;x back"),
        ("a\u202eb\u200bc", "abc"),
        (3, 3),
    ],
)
def test_csv_cells_never_start_a_formula_nor_hold_controls(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def test_history_csv_escapes_a_hand_edited_history(run: RunCli, isolated_home: Path) -> None:
    with open_history() as history:
        add_session(history, date(2026, 1, 5))
    with sqlite3.connect(isolated_home / "history.sqlite3") as db:
        db.execute("UPDATE sessions SET focus = '=cmd|\u202e\x1b[2J'")
    result = run("history", "--csv")
    assert result.exit_code == 0
    assert ",'=cmd|[2J," in result.stdout
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


@pytest.mark.parametrize("name", ["summary [/].md", "summary [bold].md", "[link=https:]r.md"])
def test_report_file_names_are_never_markup(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("report", "-o", name)
    if "/" in name:
        assert result.exit_code == 2 and "does not exist" in result.stderr
        return
    assert result.exit_code == 0, result.stderr
    assert f"wrote {name} (md)" in result.stderr
    assert (tmp_path / name).is_file()


def test_report_refuses_a_missing_folder_and_makes_none(run: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "dir" / "r.md"
    result = run("report", "-o", str(target))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "nonexistent").exists()


def test_report_refuses_a_file_name_too_long(run: RunCli, tmp_path: Path) -> None:
    result = run("report", "-o", str(tmp_path / ("a" * 300 + ".md")))
    assert result.exit_code == 2
    assert "too long" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_report_to_a_fifo_is_refused_without_waiting(run: RunCli, tmp_path: Path) -> None:
    fifo = tmp_path / "r.md"
    os.mkfifo(fifo)
    result = run("report", "-o", str(fifo), "--force")
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_report_never_replaces_a_device(run: RunCli) -> None:
    result = run("report", "-o", "/dev/full", "--force")
    assert result.exit_code == 2
    assert Path("/dev/full").is_char_device()


def test_report_never_overwrites_the_personal_catalogue(run: RunCli, isolated_home: Path) -> None:
    mine = isolated_home / "exercises.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("version: 1\nexercises:\n")
    result = run("report", "-o", str(mine), "--force")
    assert result.exit_code == 2
    assert "backcoach's own files" in result.stderr
    assert mine.read_text() == "version: 1\nexercises:\n"


def test_catalogue_text_with_bidi_or_zero_width_is_refused_by_validate(
    run: RunCli, tmp_path: Path
) -> None:
    from .conftest import TEST_DATA

    for hidden in ("\u202e", "\u2066", "\u200b"):
        text = (
            (TEST_DATA / "tiny.yaml")
            .read_text()
            .replace("name: Side hold", f"name: Side{hidden} hold")
        )
        path = tmp_path / "hidden.yaml"
        path.write_text(text, encoding="utf-8")
        result = run("validate", str(path))
        assert result.exit_code == 2, hidden
        assert f"U+{ord(hidden):04X}" in result.stderr


def test_clean_drops_bidi_and_zero_width() -> None:
    from backcoach.render.words import clean, one_line

    assert clean("a\u202eb\u2067c\u200bd\te\nf") == "abcd e\nf"
    assert one_line("a\u202eb\nc") == "ab c"
