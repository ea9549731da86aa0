"""The personal catalogue guarded (issue 26, part 2): one writer at a time, never a save
over a change made meanwhile, an edit that cannot be saved kept and offered again, only
regular files read, and an import that a bad record never stops."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from backcoach.catalogue.loader import personal_path
from backcoach.catalogue.personal import lock_path
from backcoach.paths import hold_lock

from .conftest import TEST_DATA, RunCli, plain

SAMPLE = TEST_DATA / "free-exercise-db-sample.json"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and signals")


def script(tmp_path: Path, body: str, name: str = "editor.py") -> str:
    """A fake $VISUAL: a Python script given the file to edit as sys.argv[-1]."""
    path = tmp_path / name
    path.write_text("import sys, pathlib, os\nfile = pathlib.Path(sys.argv[-1])\n" + body)
    return f"{sys.executable} {path}"


APPEND = "file.write_text(file.read_text() + '# a comment\\n')\n"


def imported(run: RunCli) -> str:
    result = run("import", "free-exercise-db", str(SAMPLE))
    assert result.exit_code == 0, result.output
    return " ".join(plain(result.output).split())


def kept_copies() -> list[Path]:
    return sorted(personal_path().parent.glob(".exercises.yaml.kept-*.yaml"))


# --- edit ------------------------------------------------------------------------------


def test_an_edit_while_another_backcoach_holds_the_lock_is_kept_and_offered_again(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    before = personal_path().read_text()
    monkeypatch.setenv("VISUAL", script(tmp_path, APPEND))
    with hold_lock(lock_path(personal_path())):
        result = run("edit", input="")
    assert result.exit_code == 1
    assert "another backcoach" in result.stderr and "is changing" in result.stderr
    assert "your edit is kept in" in result.stderr
    assert personal_path().read_text() == before
    [kept] = kept_copies()
    assert kept.read_text() == before + "# a comment\n"
    # The next edit offers it; opening it and saving it keeps both the edit and the file.
    monkeypatch.setenv("VISUAL", script(tmp_path, "pass\n", "noop.py"))
    result = run("edit", input="o\n")
    assert result.exit_code == 0, result.stderr
    assert "An edit that could not be saved is kept in" in result.stderr
    assert personal_path().read_text() == before + "# a comment\n"
    assert kept_copies() == []


@posix_only
def test_an_edit_killed_with_kill_9_is_offered_back_by_the_next_edit(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kill -9` during `backcoach edit` left its copy behind forever; the next `edit` offers
    it (it holds what the person typed), and one identical to the catalogue goes quietly."""
    import signal
    import subprocess

    imported(run)
    before = personal_path().read_text()
    ready = tmp_path / "ready"
    os.mkfifo(ready)
    body = APPEND + f"open({str(ready)!r}, 'w').write('typed')\nsys.stdin.read()\n"
    monkeypatch.setenv("VISUAL", script(tmp_path, body))
    editing = subprocess.Popen(
        [sys.executable, "-m", "backcoach", "edit"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert ready.read_text() == "typed"  # the editor has the person's line in the copy
    finally:
        os.killpg(editing.pid, signal.SIGKILL)  # backcoach and its editor, as kill -9 would
        editing.wait()
        assert editing.stdin is not None
        editing.stdin.close()
    left = personal_path().parent / f".exercises.yaml.edit-{editing.pid}.yaml"
    assert left.read_text() == before + "# a comment\n"
    idle = personal_path().parent / ".exercises.yaml.edit-999999999.yaml"
    idle.write_text(before)  # a dead edit that changed nothing
    monkeypatch.setenv("VISUAL", script(tmp_path, "pass\n", "noop.py"))
    result = run("edit", input="o\n")
    assert result.exit_code == 0, result.stderr
    assert "An edit that was ended before it was saved is kept in" in result.stderr
    assert personal_path().read_text() == before + "# a comment\n"  # nothing typed is lost
    assert not list(personal_path().parent.glob(".exercises.yaml.edit-*"))
    assert kept_copies() == []


def test_the_copy_of_an_edit_still_open_elsewhere_is_left_alone(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    before = personal_path().read_text()
    other = personal_path().parent / f".exercises.yaml.edit-{os.getppid()}.yaml"
    other.write_text(before + "# typed in another terminal\n")
    monkeypatch.setenv("VISUAL", script(tmp_path, "pass\n", "noop.py"))
    result = run("edit", input="")
    assert result.exit_code == 0 and "is kept in" not in result.stderr
    assert other.read_text() == before + "# typed in another terminal\n"


def test_a_save_never_replaces_a_change_made_while_the_editor_was_open(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    catalogue = personal_path()
    body = APPEND + f"pathlib.Path({str(catalogue)!r}).write_text('# someone else\\n')\n"
    monkeypatch.setenv("VISUAL", script(tmp_path, body))
    result = run("edit", input="")
    assert result.exit_code == 1
    assert "changed since backcoach read it" in result.stderr
    assert catalogue.read_text() == "# someone else\n"
    assert len(kept_copies()) == 1


def test_two_edits_have_copies_of_their_own(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    seen = tmp_path / "seen"
    body = f"pathlib.Path({str(seen)!r}).write_text(file.name)\n" + APPEND
    monkeypatch.setenv("VISUAL", script(tmp_path, body))
    result = run("edit")
    assert result.exit_code == 0, result.stderr
    assert seen.read_text() == f".exercises.yaml.edit-{os.getpid()}.yaml"
    assert not list(personal_path().parent.glob(".exercises.yaml.edit*"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("file.unlink()\n", "the editor removed"),
        ("file.unlink(); file.mkdir()\n", "is a folder"),
    ],
)
def test_an_editor_that_removes_its_copy_is_one_message_and_blocks_nothing(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str
) -> None:
    imported(run)
    before = personal_path().read_text()
    monkeypatch.setenv("VISUAL", script(tmp_path, body))
    result = run("edit")
    assert result.exit_code == 1 and message in result.stderr
    assert "Traceback" not in result.output
    assert personal_path().read_text() == before
    monkeypatch.setenv("VISUAL", script(tmp_path, APPEND, "append.py"))
    assert run("edit").exit_code == 0  # the next edit is not blocked


def test_an_editor_writing_latin_1_is_a_problem_to_fix_and_the_edit_kept(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    body = "file.write_bytes(file.read_bytes() + '# café\\n'.encode('latin-1'))\n"
    monkeypatch.setenv("VISUAL", script(tmp_path, body))
    result = run("edit", input="k\n")
    assert result.exit_code == 0  # k: the person chose to keep the old file
    assert "is not UTF-8 text" in result.stderr
    assert "unexpected internal error" not in result.stderr
    assert len(kept_copies()) == 1


@pytest.mark.parametrize(
    ("visual", "message"),
    [('vim "', "cannot be split into a command"), (" ", None)],
)
def test_editor_variables_that_are_blank_or_unclosed(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, visual: str, message: str | None
) -> None:
    imported(run)
    monkeypatch.setenv("VISUAL", visual)
    monkeypatch.setenv("EDITOR", script(tmp_path, APPEND))
    result = run("edit")
    if message is None:  # a blank VISUAL is no VISUAL: EDITOR is used
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 2 and message in result.stderr


def test_a_catalogue_that_is_not_utf8_can_be_opened_by_edit(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    catalogue = personal_path()
    catalogue.write_bytes(catalogue.read_bytes() + "# café\n".encode("latin-1"))
    fix = "file.write_bytes(file.read_bytes().replace(b'caf\\xe9', b'cafe'))\n"
    monkeypatch.setenv("VISUAL", script(tmp_path, fix))
    result = run("edit")
    assert result.exit_code == 0, result.stderr
    assert catalogue.read_text().endswith("# cafe\n")


@pytest.mark.parametrize("command", [("edit",), ("add", "my-one"), ("import",)])
def test_a_folder_in_place_of_the_catalogue_is_one_message(
    run: RunCli, command: tuple[str, ...]
) -> None:
    personal_path().mkdir(parents=True)
    args = ("import", "free-exercise-db", str(SAMPLE)) if command == ("import",) else command
    result = run(*args)
    assert result.exit_code == 2
    assert "is a folder, not a regular file" in result.stderr


@posix_only
@pytest.mark.parametrize("command", ["edit", "import", "list", "validate"])
def test_a_fifo_in_place_of_the_catalogue_never_hangs(run: RunCli, command: str) -> None:
    personal_path().parent.mkdir(parents=True)
    os.mkfifo(personal_path())
    args = ("import", "free-exercise-db", str(SAMPLE)) if command == "import" else (command,)
    result = run(*args)
    assert result.exit_code == 2
    assert "FIFO" in result.stderr


@posix_only
def test_a_symlinked_catalogue_stays_a_link(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotfiles = tmp_path / "dotfiles" / "exercises.yaml"
    dotfiles.parent.mkdir()
    personal_path().parent.mkdir(parents=True)
    personal_path().symlink_to(dotfiles)
    imported(run)
    monkeypatch.setenv("VISUAL", script(tmp_path, APPEND))
    assert run("edit").exit_code == 0
    assert personal_path().is_symlink()
    assert dotfiles.read_text().endswith("# a comment\n")


@posix_only
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a read-only folder")
def test_a_read_only_folder_is_said_and_the_edit_not_lost(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    folder = personal_path().parent
    folder.chmod(0o555)
    try:
        monkeypatch.setenv("VISUAL", script(tmp_path, APPEND))
        result = run("edit")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1
    assert "permission denied" in result.stderr


# --- import ------------------------------------------------------------------------------


def records() -> list[dict[str, object]]:
    return json.loads(SAMPLE.read_text())  # type: ignore[no-any-return]


def test_an_import_while_another_holds_the_lock_is_refused_at_once(run: RunCli) -> None:
    personal_path().parent.mkdir(parents=True)
    with hold_lock(lock_path(personal_path())):
        result = run("import", "free-exercise-db", str(SAMPLE))
    assert result.exit_code == 1 and "another backcoach (process" in result.stderr
    assert not personal_path().exists()


def test_bad_records_are_left_out_and_counted(run: RunCli, tmp_path: Path) -> None:
    good = records()[0]  # Cat_Stretch
    bad = [
        1,
        {"id": "x", "name": "X"},
        {**good, "id": "a" * 301},
        {**good, "id": "Ctrl\x1b_Stretch", "name": "Ctrl stretch"},
    ]
    hidden = {**good, "id": "Hidden_Stretch", "name": "Hidden\u202e \ud800stretch\x07"}
    long_steps = {**good, "id": "Long_Stretch", "name": "Long stretch",
                  "instructions": [f"Lie on your back, step {n}." for n in range(40)]}  # fmt: skip
    file = tmp_path / "bad.json"
    file.write_text(json.dumps([*bad, good, hidden, long_steps]))
    result = run("import", "free-exercise-db", str(file))
    out = " ".join(plain(result.output).split())
    assert result.exit_code == 0, out
    assert "3 drafts: 3 new" in out
    assert "4 not a readable record" in out
    text = personal_path().read_text()
    assert "\u202e" not in text and "\x07" not in text and "\ud800" not in text
    assert "name: Hidden \ufffdstretch" in text
    assert run("validate").exit_code == 0


def test_ids_that_differ_only_in_case_or_separators_are_made_unique(
    run: RunCli, tmp_path: Path
) -> None:
    good = records()[0]
    same = [
        {**good, "id": "My_Stretch", "name": "My stretch one"},
        {**good, "id": "my-stretch", "name": "My stretch two"},
        {**good, "id": "My Stretch", "name": "My stretch three"},
        {**good, "id": "x" * 200, "name": "a" * 200},
        {**good, "id": "x" * 201, "name": "b" * 200},
    ]
    file = tmp_path / "same.json"
    file.write_text(json.dumps(same))
    result = run("import", "free-exercise-db", str(file))
    assert result.exit_code == 0, result.output
    text = personal_path().read_text()
    for expected in ("id: my-stretch\n", "id: my-stretch-2\n", "id: my-stretch-3\n"):
        assert expected in text
    assert f"id: {'x' * 60}\n" in text and f"id: {'x' * 58}-2\n" in text
    assert "--" not in text.split("id: ", 5)[-1].split("\n")[0]


def test_records_named_like_a_bundled_exercise_are_already_in_backcoach(
    run: RunCli, tmp_path: Path
) -> None:
    """The real free-exercise-db has Barbell_Deadlift; the bundled deadlift's alias is
    'barbell deadlift': it stopped the whole import of the real file (issue 23)."""
    good = records()[0]
    clash = [
        {**good, "id": "Barbell_Deadlift", "name": "Barbell Deadlift"},
        {**good, "id": "Something_Else", "name": "Bird dog"},
        {**good, "id": "Bird-Dog", "name": "Another name"},
    ]
    file = tmp_path / "clash.json"
    file.write_text(json.dumps(clash))
    result = run("import", "free-exercise-db", str(file))
    out = " ".join(plain(result.output).split())
    assert result.exit_code == 0, out
    assert "already in backcoach" in out
    assert "0 drafts" in out
    assert not personal_path().exists()


def test_reimport_keeps_what_a_person_wrote_in_a_draft(run: RunCli) -> None:
    imported(run)
    catalogue = personal_path()
    todo = "purpose: 'TODO: one sentence on what it does for the back'"
    catalogue.write_text(catalogue.read_text().replace(todo, "purpose: My own words.", 3))
    assert run("validate").exit_code == 0
    out = imported(run)
    assert "in 3, what you wrote was kept" in out
    assert catalogue.read_text().count("purpose: My own words.") == 3
    assert "Nothing new" in out


@posix_only
@pytest.mark.parametrize("device", ["fifo", "/dev/zero"])
def test_import_of_a_fifo_or_a_device_never_hangs(run: RunCli, tmp_path: Path, device: str) -> None:
    path = Path(device)
    if device == "fifo":
        path = tmp_path / "records.json"
        os.mkfifo(path)
    elif not path.exists():
        pytest.skip("no /dev/zero")
    result = run("import", "free-exercise-db", str(path))
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_import_of_deeply_nested_json_is_one_message(run: RunCli, tmp_path: Path) -> None:
    file = tmp_path / "deep.json"
    file.write_text("[" * 100_000 + "]" * 100_000)
    result = run("import", "free-exercise-db", str(file))
    assert result.exit_code == 2 and "nested more than" in result.stderr


@pytest.mark.parametrize(
    ("number", "message"),
    [(28, "the disk is full"), (30, "the file system is read-only")],  # ENOSPC, EROFS
)
def test_an_edit_that_cannot_be_written_is_said_and_kept(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int, message: str
) -> None:
    import errno

    from backcoach import paths

    assert errno.ENOSPC == 28 and errno.EROFS == 30
    imported(run)
    before = personal_path().read_text()

    def full(file: Path, text: str) -> None:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(paths, "write_text_atomically", full)
    monkeypatch.setenv("VISUAL", script(tmp_path, APPEND))
    result = run("edit")
    assert result.exit_code == 1
    assert message in result.stderr and "could not write all of the output" not in result.stderr
    assert "your edit is kept in" in result.stderr
    assert personal_path().read_text() == before
    [kept] = kept_copies()
    assert kept.read_text().endswith("# a comment\n")


# --- the personal catalogue as a whole ---------------------------------------------------


def test_an_empty_personal_catalogue_breaks_nothing(run: RunCli) -> None:
    personal_path().parent.mkdir(parents=True)
    personal_path().write_text("version: 1\nexercises: []\n")
    assert run("list").exit_code == 0
    assert run("validate").exit_code == 0
    assert run("plan").exit_code == 0


def test_deleting_the_last_exercise_with_edit_is_allowed(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    body = "file.write_text(file.read_text().split('  - id:')[0] + '  []\\n')\n"
    monkeypatch.setenv("VISUAL", script(tmp_path, body))
    result = run("edit")
    assert result.exit_code == 0, result.stderr
    assert run("list").exit_code == 0


def test_a_personal_easier_may_name_a_bundled_exercise(run: RunCli) -> None:
    imported(run)
    catalogue = personal_path()
    text = catalogue.read_text().replace(
        "    reviewed: false\n", "    reviewed: false\n    easier: [cat-cow]\n", 1
    )
    catalogue.write_text(text)
    result = run("validate")
    assert result.exit_code == 0, result.stderr


def test_a_broken_personal_catalogue_points_to_edit(run: RunCli) -> None:
    personal_path().parent.mkdir(parents=True)
    personal_path().write_text("version: 1\nexercises:\n  - id: [\n")
    for command in (("plan",), ("snack", "--yes"), ("list",)):
        result = run(*command)
        assert result.exit_code == 2
        assert "hint: backcoach edit opens your catalogue" in result.stderr


# --- issue 24: keeping the old file is the person's choice -------------------------------

BREAK = "file.write_text(file.read_text().replace('level: beginner', 'level: easy', 1))\n"


def test_keeping_the_old_file_is_said_once_plainly_and_exits_0(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new user chose `k` and read two "error:" lines (exit 1) for their own choice.
    imported(run)
    before = personal_path().read_text()
    monkeypatch.setenv("VISUAL", script(tmp_path, BREAK))
    result = run("edit", "cat-stretch", input="k\n")
    assert result.exit_code == 0
    said = " ".join(plain(result.stderr).split())
    assert said.count("error:") == 1  # the problem found in the edit, and only that
    assert "Kept the old file; your edit is in" in said and "if you want it back" in said
    assert personal_path().read_text() == before
    [kept] = kept_copies()
    assert kept.name in said.replace(" ", "")  # where it is (however the line wraps)
    assert "level: easy" in kept.read_text()
    # The next edit offers it back.
    monkeypatch.setenv("VISUAL", script(tmp_path, ""))
    result = run("edit", input="s\n")
    assert "is kept in" in result.stderr


def test_no_answer_at_edit_again_keeps_the_old_file_and_says_so_as_one_error(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(run)
    monkeypatch.setenv("VISUAL", script(tmp_path, BREAK))
    result = run("edit", "cat-stretch", input="")
    assert result.exit_code == 1
    said = " ".join(plain(result.stderr).split())
    assert said.count("error:") == 2  # the problem, then: no answer, where the edit is
    assert "no answer (end of input)" in said and "your edit is kept in" in said
    assert len(kept_copies()) == 1
