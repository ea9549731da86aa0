"""The commands' contract: output, JSON shapes, filters, help, exit codes."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import typer

from backcoach.cli.app import app

from .conftest import TEST_DATA, RunCli, plain

EXERCISE_KEYS = {"id", "name", "aliases", "regions", "kind", "level", "equipment", "dose"}


def test_list_shows_a_table_and_a_count(run: RunCli) -> None:
    result = run("list")
    assert result.exit_code == 0
    assert "bird-dog" in result.stdout
    assert "Bird-dog" in result.stdout
    assert "2 sets of 8 reps" in run("list", "--equipment", "dumbbell,bench").stdout
    assert "45 exercises" in result.stdout


def test_list_json_is_an_array_of_exercise_objects(run: RunCli) -> None:
    result = run("list", "--json")
    items = json.loads(result.stdout)
    assert isinstance(items, list) and len(items) == 45
    for item in items:
        assert EXERCISE_KEYS <= set(item)
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["--focus", "lower"], lambda e: "lower" in e["regions"]),
        (
            ["--focus", "upper,stretch"],
            lambda e: "upper" in e["regions"] and e["kind"] == "stretch",
        ),
        (["--focus", "upper", "--focus", "strengthen"], lambda e: e["kind"] == "strengthen"),
        (["--level", "beginner"], lambda e: e["level"] == "beginner"),
        (["--equipment", "none"], lambda e: set(e["equipment"]) <= {"mat"}),
    ],
)
def test_list_filters(run: RunCli, args: list[str], check: object) -> None:
    items = json.loads(run("list", "--json", *args).stdout)
    assert items
    assert all(check(item) for item in items)  # type: ignore[operator]


def test_list_equipment_adds_to_the_mat(run: RunCli) -> None:
    ids = {item["id"] for item in json.loads(run("list", "--json", "-e", "band").stdout)}
    assert "band-pull-apart" in ids and "bird-dog" in ids
    assert "deadlift" not in ids


def test_list_empty_result_says_so(run: RunCli) -> None:
    result = run("list", "--level", "advanced", "--focus", "upper")
    assert result.exit_code == 0
    assert "No exercise matches" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--focus", "legs"], "unknown focus 'legs'"),
        (["list", "--level", "expert"], "unknown level 'expert'"),
        (["list", "--equipment", "trampoline"], "unknown equipment 'trampoline'"),
        (["plan", "--minutes", "0"], "--minutes must be from 1 to 90"),
        (["plan", "--minutes", "91"], "--minutes must be from 1 to 90"),
        (["start", "--sound", "loud", "--yes"], "unknown sound 'loud'"),
    ],
)
def test_bad_options_are_usage_errors(run: RunCli, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["plan", "--minutes", "abc"],
            "--minutes: 'abc' is not a whole number of minutes (1 to 90)",
        ),
        (
            ["start", "--minutes", "abc"],
            "--minutes: 'abc' is not a whole number of minutes (1 to 90)",
        ),
        (["snack", "-m", "2.5"], "--minutes: '2.5' is not a whole number of minutes (2 to 5)"),
        (["plan", "--seed", "x"], "--seed: 'x' is not a whole number (0 to 2147483647)"),
        (["remind", "--every", "hourly"], "--every: 'hourly' is not a whole number of minutes"),
        (["remind", "--times", "3x"], "--times: '3x' is not a whole number of reminders"),
        (["history", "--limit", "all"], "--limit: 'all' is not a whole number of sessions"),
        (["goals", "add", "walk", "--score", "high"], "--score: 'high' is not a whole number"),
        (["learn", "two"], "N: 'two' is not a whole number"),
    ],
)
def test_a_number_that_is_not_one_is_one_clear_line(
    run: RunCli, args: list[str], line: str
) -> None:
    """Not Click's three lines with "Input should be a valid integer": the option, what was
    typed and the range, on one line, exit 2."""
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {line}")
    assert len(result.stderr.strip().splitlines()) == 1 and "valid integer" not in result.stderr
    assert result.stdout == ""


def test_a_limit_past_every_session_shows_them_all(run: RunCli) -> None:
    result = run("history", "--limit", "99999999999999999999999")
    assert result.exit_code == 0 and "No sessions yet" in result.stdout


def test_unknown_option_is_a_usage_error(run: RunCli) -> None:
    result = run("list", "--colour")
    assert result.exit_code == 2
    assert "No such option" in result.output


@pytest.mark.parametrize(
    "query", ["bird-dog", "Bird Dog", "BIRD_DOG", "quadruped arm and leg raise"]
)
def test_show_matches_id_name_and_alias(run: RunCli, query: str) -> None:
    result = run("show", query)
    assert result.exit_code == 0
    assert "Bird-dog" in result.stdout
    assert "Cautions" in result.stdout
    assert "McGill" in result.stdout


def test_show_apostrophes_and_spaces(run: RunCli) -> None:
    assert "Child's pose" in run("show", "child's pose").stdout
    assert "Child's pose" in run("show", "childs pose").stdout


def test_show_json_is_the_full_exercise(run: RunCli) -> None:
    data = json.loads(run("show", "side plank", "--json").stdout)
    assert data["id"] == "side-plank"
    assert EXERCISE_KEYS <= set(data)
    assert data["easier"] == ["knee-side-plank"]
    assert data["sources"] and data["cautions"] and data["steps"]


def test_show_unknown_suggests_close_matches(run: RunCli) -> None:
    result = run("show", "bird-dgo")
    assert result.exit_code == 2
    assert "unknown exercise 'bird-dgo'" in result.stderr
    assert "did you mean bird-dog" in result.stderr  # the closest first
    assert result.stdout == ""


def test_show_unknown_with_nothing_close(run: RunCli) -> None:
    result = run("show", "zzzzzz")
    assert result.exit_code == 2
    assert "backcoach list" in result.stderr


def test_version(run: RunCli) -> None:
    from importlib.metadata import version

    result = run("--version")
    assert result.stdout.strip() == f"backcoach {version('backcoach')}"


def test_no_arguments_shows_help(run: RunCli) -> None:
    result = run()
    assert "Usage" in result.output
    for command in ("list", "show", "plan", "start", "validate"):
        assert command in result.output


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_and_option_has_help() -> None:
    group = typer.main.get_command(app)
    for param in group.params:
        if param.name != "help" and not param.hidden:
            assert getattr(param, "help", None), f"global option {param.name} has no help"
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"command {name} has no help"
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name} has no help"


@pytest.mark.parametrize("command", _commands())
def test_every_command_help_runs(run: RunCli, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_plan_json_contract(run: RunCli) -> None:
    data = json.loads(run("plan", "--focus", "lower", "--seed", "5", "--json").stdout)
    assert data["seed"] == 5
    assert 0 < data["total_seconds"] <= 600
    assert data["total_seconds"] == sum(step["seconds"] for step in data["steps"])
    for step in data["steps"]:
        assert {"exercise", "phase", "seconds"} <= set(step)
        assert step["phase"] in ("warm-up", "main", "cool-down")


def test_plan_is_reproducible_from_its_seed(run: RunCli) -> None:
    first = run("plan", "--seed", "42", "--json").stdout
    assert first == run("plan", "--seed", "42", "--json").stdout
    assert first != run("plan", "--seed", "43", "--json").stdout


def test_plan_table_shows_phases_total_reasons_and_seed(run: RunCli) -> None:
    out = run("plan", "--focus", "lower", "--seed", "1").stdout
    for words in (
        "warm-up",
        "main",
        "cool-down",
        "Total:",
        "strengthens the lower back",
        "--seed 1",
    ):
        assert words in out


def test_plan_says_why_when_it_is_short(run: RunCli) -> None:
    result = run(
        "--catalogue", str(TEST_DATA / "tiny.yaml"), "plan", "--minutes", "20", "--seed", "1"
    )
    assert result.exit_code == 0
    assert "only 3 exercises match this focus, level and equipment:" in result.stdout


def test_start_without_a_terminal_or_yes_exits_2(run: RunCli) -> None:
    result = run("start")
    assert result.exit_code == 2
    assert "not a terminal" in result.stderr
    assert "--yes" in result.stderr


def test_bad_time_scale_is_a_usage_error(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCOACH_TIME_SCALE", "fast")
    result = run("start", "--yes")
    assert result.exit_code == 2
    assert "BACKCOACH_TIME_SCALE" in result.stderr


def test_internal_error_is_one_line_with_a_hint(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backcoach.plan.planner

    def boom(*_: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(backcoach.plan.planner, "build", boom)
    result = run("plan")
    assert result.exit_code == 1
    assert "unexpected internal error: ZeroDivisionError" in result.stderr
    assert "BACKCOACH_DEBUG=1" in result.stderr
    assert "Traceback" not in result.output

    monkeypatch.setenv("BACKCOACH_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        run("plan")


def test_history_after_real_sessions(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCOACH_TIME_SCALE", "0.0005")
    assert run("start", "--yes", "--minutes", "2", "--seed", "1").exit_code == 0
    assert run("start", "--yes", "--minutes", "3", "--seed", "2", "--focus", "upper").exit_code == 0
    records = json.loads(run("history", "--json").stdout)
    assert [r["id"] for r in records] == [2, 1]
    assert records[0]["focus"] == "upper back"
    assert all(r["completed"] and r["pain_before"] is None for r in records)
    assert all(e["completed"] for e in records[0]["exercises"])
    assert len(json.loads(run("history", "--json", "--limit", "1").stdout)) == 1
    csv_lines = run("history", "--csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,started_at,ended_at,focus,outcome,completed")
    assert len(csv_lines) == 3
    table = run("history").stdout
    assert "upper back" in table and "complete" in table
    assert run("history", "--json", "--csv").exit_code == 2
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["sessions"] == 2 and stats["current_streak_days"] == 1


@pytest.mark.parametrize("columns", [120, 80, 60, 40])
def test_history_fits_the_terminal_without_cutting_dates(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("BACKCOACH_TIME_SCALE", "0.0005")
    assert run("start", "--yes", "--minutes", "2", "--seed", "1", "--flare-up").exit_code == 0
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = run("history").stdout.splitlines()
    assert all(len(line) <= columns for line in lines)
    flowing = " ".join(" ".join(lines).split())
    (record,) = json.loads(run("history", "--json").stdout)
    started = datetime.fromisoformat(record["started_at"]).astimezone().date().isoformat()
    assert started in flowing and "complete" in flowing and "…" not in flowing


def test_plan_says_why_a_dose_changed(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, isolated_home: object
) -> None:
    from datetime import UTC, datetime, timedelta

    from backcoach.catalogue import loader as catalogue
    from backcoach.history.store import open_history
    from backcoach.plan import planner

    cat = catalogue.load(catalogue.bundled_path())
    plan = planner.build(cat, planner.Request(seed=9))
    history = open_history()
    for days in (2, 1):
        started = datetime.now(UTC) - timedelta(days=days)
        sid = history.begin(plan, "whole back", 3, [1.0] * len(plan.steps), started_at=started)
        for position in range(len(plan.steps)):
            history.record_exercise(sid, position, "done", 1.0)
        history.finish(sid, outcome="done", completed=True, active_seconds=600, pain_after=2)
        # Settled by the next morning: a step-up waits for that "yes" (or 48 hours).
        history.record_answers(sid, effort="about right", next_morning=True)
    history.close()
    data = json.loads(run("plan", "--seed", "9", "--json").stdout)
    assert any("up from" in step["reason"] and "two sessions done in full" in step["reason"]
               for step in data["steps"])  # fmt: skip
    # What a person reads says the change in words, never a second dose (issue 24).
    for columns in ("120", "80", "60"):
        monkeypatch.setenv("COLUMNS", columns)
        shown = " ".join(run("plan", "--seed", "9").stdout.split())
        assert "than last time: two sessions done in full" in shown
        assert "up from" not in shown and "×" not in shown and "→" not in shown


@pytest.mark.parametrize("columns", [80, 60])
def test_plan_keeps_each_name_and_dose_on_one_line(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    # At 80 columns "exercise / why" wrapped into 3-4 narrow lines: the reason now goes
    # under the row, across the width.
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = run("plan", "--seed", "3").stdout.splitlines()
    steps = json.loads(run("plan", "--seed", "3", "--json").stdout)["steps"]
    for step in steps:
        assert any(step["name"] in line for line in lines)
        assert any(step["dose_text"] in line for line in lines)
        if len(step["reason"]) <= columns - 4:  # a reason that fits the width is one line
            assert any(step["reason"] in line for line in lines)


@pytest.mark.parametrize("columns", [200, 120, 80, 60, 40])
def test_list_fits_the_terminal_and_keeps_every_id_whole(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = run("list").stdout.splitlines()
    assert all(len(line) <= columns for line in lines)
    assert all(line == line.rstrip() for line in lines)
    ids = [item["id"] for item in json.loads(run("list", "--json").stdout)]
    words = {word for line in lines for word in line.split()}
    assert set(ids) <= words  # an id is never folded or wrapped (the longest is 27)
    if columns >= 120:  # wide enough for a row per exercise
        row = next(line for line in lines if line.startswith("bird-dog "))
        assert "Bird-dog" in row and "mat" in row


@pytest.mark.parametrize("columns", [200, 80, 40])
def test_plan_fits_the_terminal_and_keeps_its_reasons(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run("plan", "--focus", "lower", "--seed", "1").stdout
    assert all(len(line) <= columns for line in out.splitlines())
    reasons = [step["reason"] for step in json.loads(
        run("plan", "--focus", "lower", "--seed", "1", "--json").stdout)["steps"]]  # fmt: skip
    flowing = " ".join(out.split())  # a reason may wrap, but every word is there in order
    assert all(reason in flowing for reason in reasons)


def test_help_is_h_too_and_lists_commands_in_the_order_they_are_used(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    text = run("-h").stdout
    assert text == run("--help").stdout
    listed = text.split("Commands:")[1]
    names = [line.split()[0] for line in listed.splitlines() if line.startswith("  ") and
             not line.startswith("   ")]  # fmt: skip
    assert names[:8] == ["start", "snack", "remind", "plan", "safety", "routine", "list", "show"]
    assert "..." not in listed  # summaries are whole, wrapped rather than cut
    assert run("plan", "-h").exit_code == 0


def test_help_shows_placeholders_not_types(run: RunCli) -> None:
    text = run("start", "--help").stdout
    for placeholder in ("--focus FOCUS", "--minutes MINUTES", "--level LEVEL", "--seed N",
                        "--sound SOUND", "--equipment EQUIPMENT"):  # fmt: skip
        assert placeholder in text
    assert "TEXT" not in text and "INTEGER" not in text and "list[" not in text


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["list", "--level", "beginer"], "did you mean beginner?"),
        (["list", "--equipment", "dumbell"], "did you mean dumbbell?"),
        (["list", "--focus", "lowr"], "did you mean lower?"),
        (["plan", "--level", "advnced"], "did you mean advanced?"),
        (["start", "--yes", "--sound", "voise"], "did you mean voice?"),
        (["report", "--format", "htm"], "did you mean html?"),
        (["config", "set", "levle", "beginner"], "did you mean level?"),
        (["config", "set", "level", "beginer"], "did you mean beginner?"),
    ],
)
def test_every_closed_choice_suggests_the_nearest(
    run: RunCli, args: list[str], suggestion: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert suggestion in result.stderr


def test_plan_takes_every_option_start_plans_with(run: RunCli) -> None:
    gentle = json.loads(run("plan", "--flare-up", "--seed", "3", "--json").stdout)
    assert gentle["flare_up"] is True
    assert any("flare-up" in note for note in gentle["notes"])
    start_options = {p.name for p in _command("start").params}
    plan_options = {p.name for p in _command("plan").params}
    assert start_options - plan_options == {"yes", "sound", "plain"}


def _command(name: str) -> typer.core.TyperCommand:
    return typer.main.get_command(app).commands[name]  # type: ignore[attr-defined, no-any-return]


def test_a_run_builds_only_the_command_it_runs(capsys: pytest.CaptureFixture[str]) -> None:
    # Start-up: Typer would read every command's signature and build its options.
    group = typer.main.get_command(app)
    group.main(["config", "path"], standalone_mode=False)
    assert capsys.readouterr().out.strip().endswith("config.toml")
    assert list(group.commands._built) == ["config"]  # type: ignore[attr-defined]


def test_show_says_when_an_exercises_evidence_is_low(run: RunCli) -> None:
    assert "Evidence: low." in run("show", "legs-up-the-wall").stdout
    assert "Evidence: low." not in run("show", "bird-dog").stdout
    assert json.loads(run("show", "legs-up-the-wall", "--json").stdout)["evidence"] == "low"


def test_show_draws_the_starting_position_unless_the_terminal_is_dumb(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backcoach.render.figures import figure
    from backcoach.vocabulary import Position

    drawn = figure(Position.ALL_FOURS)
    words_only = run("show", "bird-dog").output  # TERM=dumb is set by the fixture
    assert "position     on hands and knees" in words_only
    assert drawn[0].rstrip() not in words_only
    monkeypatch.setenv("TERM", "xterm-256color")  # NO_COLOR still set: drawn, uncoloured
    shown = run("show", "bird-dog").output
    assert "Starting position: on hands and knees" in shown
    rows = [line.strip("│ ").rstrip() for line in shown.splitlines()]
    at = rows.index(drawn[0].strip())
    assert rows[at : at + len(drawn)] == [row.strip() for row in drawn]
    plain = run("show", "bird-dog", "--plain").output  # a screen reader's choice: words
    assert "position     on hands and knees" in plain and drawn[0].rstrip() not in plain


def test_show_names_the_easier_and_harder_exercises_without_ids(run: RunCli) -> None:
    # A new user: "Easier: Half bird-dog (half-bird-dog)"; show takes the name itself.
    text = " ".join(plain(run("show", "bird-dog").output).split())
    assert "Easier: Half bird-dog" in text and "(half-bird-dog)" not in text
    assert run("show", "Half bird-dog").exit_code == 0
