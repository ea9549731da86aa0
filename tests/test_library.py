"""The cached catalogue: the cache really serves, round-trips, heals, and samples fairly."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import backcoach.catalogue.library as library_module
from backcoach.catalogue import loader as catalogue
from backcoach.catalogue.library import Library, cache_file_for, in_memory, open_library
from backcoach.errors import UsageError
from backcoach.models import Exercise
from backcoach.vocabulary import Equipment, Level, Region

from .conftest import BUNDLED, RunCli


def every_exercise(library: Library) -> list[Exercise]:
    return library.get_many(summary.id for summary in library.summaries())


def test_a_second_run_is_served_by_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    first = open_library(BUNDLED)
    assert cache_file_for(BUNDLED.read_bytes()).is_file()

    def no_parsing(*_: object) -> None:
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(library_module, "read_all", no_parsing)
    second = open_library(BUNDLED)
    assert (
        every_exercise(second) == every_exercise(first) == list(catalogue.load(BUNDLED).exercises)
    )


def test_exercises_from_the_cache_are_exactly_the_validated_ones() -> None:
    # The cache builds exercises without validating them again; repr shows every
    # field's type (an enum, not its text; a tuple, not a list), which == would not.
    cached = every_exercise(open_library(BUNDLED))
    validated = list(catalogue.load(BUNDLED).exercises)
    assert [repr(exercise) for exercise in cached] == [repr(exercise) for exercise in validated]
    assert {type(e.dose).__name__ for e in cached} == {"HoldDose", "RepsDose"}
    assert any(e.dose.type == "hold" and e.dose.pyramid for e in cached)


def test_a_damaged_cache_is_rebuilt() -> None:
    open_library(BUNDLED)
    file = cache_file_for(BUNDLED.read_bytes())
    file.write_bytes(b"not sqlite at all" * 100)
    assert len(open_library(BUNDLED).summaries()) == 45
    assert file.read_bytes().startswith(b"SQLite format 3")


def test_an_unwritable_cache_folder_still_works(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BACKCOACH_HOME", str(blocker / "home"))
    assert len(open_library(BUNDLED).summaries()) == 45


def test_list_json_is_the_full_exercise(run: RunCli) -> None:
    items = json.loads(run("list", "--json", "--focus", "upper").stdout)
    by_id = catalogue.load(BUNDLED).by_id()
    for item in items:
        exercise = by_id[item["id"]]
        expected = exercise.model_dump(mode="json") | {"dose_text": exercise.dose.describe()}
        assert item == expected


def test_candidates_are_a_seeded_bounded_sample() -> None:
    big = catalogue.load(BUNDLED)
    # A catalogue of 45 is small: every candidate is kept, none sampled away.
    whole = in_memory(big.exercises).candidates(Region, Level.BEGINNER, [], seed=1)
    beginner_mat = [e for e in big.exercises if e.level is Level.BEGINNER and not e.needs]
    assert {e.id for e in whole.exercises} == {e.id for e in beginner_mat}
    # With a bound, each kind is sampled from the seed: the same seed, the same sample.
    library = in_memory(big.exercises)
    one = library.candidates(Region, Level.ADVANCED, list(Equipment), seed=7, per_kind=5)
    again = library.candidates(Region, Level.ADVANCED, list(Equipment), seed=7, per_kind=5)
    other = library.candidates(Region, Level.ADVANCED, list(Equipment), seed=8, per_kind=5)
    assert [e.id for e in one.exercises] == [e.id for e in again.exercises]
    assert [e.id for e in one.exercises] != [e.id for e in other.exercises]
    kinds = [("warmup" if e.warmup else e.kind.value) for e in one.exercises]
    assert kinds.count("stretch") == 5 and kinds.count("strengthen") == 5
    assert 0 < kinds.count("warmup") <= 5


def test_a_catalogue_found_broken_late_leaves_no_cache(run: RunCli, tmp_path: Path) -> None:
    # Exercises are stored while the file is still being read; a problem near the end
    # must still mean nothing is cached, or the next run would trust a broken file.
    text = BUNDLED.read_text(encoding="utf-8") + "  - id: late\n    id: again\n"
    path = tmp_path / "late.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("--catalogue", str(path), "list")
    assert result.exit_code == 2
    assert f"{path}:{len(text.splitlines())}: key 'id' is given twice" in result.stderr
    cache = cache_file_for(path.read_bytes())
    # Neither the cache nor the temporary file it is built in is left behind.
    assert not [file for file in cache.parent.glob("*") if cache.name in file.name]


def damage_by_dropping_a_table(file: Path) -> None:
    with sqlite3.connect(file) as db:
        db.execute("DROP TABLE IF EXISTS names")


def damage_by_copying_another_database(file: Path) -> None:
    file.unlink()
    with sqlite3.connect(file) as db:
        db.execute("CREATE TABLE exercises (id TEXT)")
        db.execute(f"PRAGMA user_version = {library_module.CACHE_FORMAT}")


def damage_by_editing_a_dose(file: Path) -> None:
    with sqlite3.connect(file) as db:
        db.execute(
            "UPDATE exercises SET data = replace(data, '\"reps\":8', '\"reps\":-8'), "
            "pretty = replace(pretty, '\"reps\": 8', '\"reps\": -8'), "
            "dose_text = '-8 reps' WHERE id = 'bird-dog' OR id = 'pelvic-tilt'"
        )


def damage_a_row_read_later(file: Path) -> None:
    # Summaries untouched (they are checked on opening); one exercise's JSON edited.
    with sqlite3.connect(file) as db:
        db.execute("UPDATE exercises SET pretty = '  {\"id\": \"forged\"}' WHERE id = 'superman'")


@pytest.mark.parametrize(
    "damage",
    [
        damage_by_dropping_a_table,
        damage_by_copying_another_database,
        damage_by_editing_a_dose,
        damage_a_row_read_later,
    ],
)
def test_a_damaged_or_edited_cache_gives_what_a_first_run_gives(
    run: RunCli, damage: Callable[[Path], None]
) -> None:
    commands = [["list", "--json"], ["list"], ["show", "bird-dog", "--json"],
                ["plan", "--seed", "5", "--json"]]  # fmt: skip
    first = [run(*command).stdout for command in commands]
    for index, command in enumerate(commands):
        damage(cache_file_for(BUNDLED.read_bytes()))
        result = run(*command)
        assert result.exit_code == 0, result.output
        assert result.stdout == first[index]
    assert "-8" not in run("list").stdout


def test_a_home_whose_name_holds_uri_characters_stays_inside_it(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "odd#name?mode=rw%20"
    monkeypatch.setenv("BACKCOACH_HOME", str(home))
    assert run("list").exit_code == 0
    assert run("list").exit_code == 0  # served from the cache this time
    assert [p.name for p in tmp_path.iterdir()] == [home.name]
    assert list((home / "cache").glob("catalogue-*.sqlite3"))


def test_list_filters_match_what_each_exercise_is() -> None:
    from backcoach.catalogue.listing import Filters

    library = open_library(BUNDLED)
    exercises = every_exercise(library)
    found = Filters.parse(["lower,stretch"], "beginner", ["none"]).matching(library)
    assert [summary.id for summary in found] == [
        exercise.id
        for exercise in exercises
        if Region.LOWER in exercise.regions
        and exercise.kind.value == "stretch"
        and exercise.level == Level.BEGINNER
        and not exercise.needs
        and exercise.reviewed
    ]
    assert found  # the bundled catalogue has some
    with pytest.raises(UsageError, match="unknown level"):
        Filters.parse(level="beginer")
