"""The bundled catalogue holds what the issue and CLINICAL.md ask of it."""

from __future__ import annotations

from backcoach import catalogue
from backcoach.models import Catalogue, Exercise
from backcoach.vocabulary import Equipment, Kind, Level, Region

from .conftest import BUNDLED


def load() -> Catalogue:
    return catalogue.load(BUNDLED)


def beginner_mat_only(exercise: Exercise) -> bool:
    return exercise.level is Level.BEGINNER and not exercise.needs


def count(region: Region, kind: Kind) -> int:
    return sum(
        1
        for e in load().exercises
        if region in e.regions and e.kind is kind and beginner_mat_only(e)
    )


def test_has_at_least_thirty_exercises() -> None:
    assert len(load().exercises) >= 30


def test_every_seed_and_big_three_exercise_is_there() -> None:
    ids = {e.id for e in load().exercises}
    wanted = {
        "prone-on-elbows", "prone-press-up", "standing-back-extension", "single-knee-to-chest",
        "double-knee-to-chest", "childs-pose", "cat-cow", "bird-dog", "glute-bridge", "superman",
        "hyperextension", "deadlift", "dumbbell-row", "face-pull", "band-pull-apart",
        "legs-up-the-wall", "erector-spinae-ball-release", "modified-curl-up", "side-plank",
        "knee-side-plank",
    }  # fmt: skip
    assert wanted <= ids, wanted - ids


def test_enough_beginner_mat_exercises_for_each_focus() -> None:
    assert count(Region.LOWER, Kind.STRETCH) >= 8
    assert count(Region.LOWER, Kind.STRENGTHEN) >= 8
    assert count(Region.UPPER, Kind.STRETCH) >= 5
    assert count(Region.UPPER, Kind.STRENGTHEN) >= 5
    assert sum(1 for e in load().exercises if not e.needs) >= 20


def test_loaded_exercises_are_not_for_beginners_and_say_why() -> None:
    by_id = load().by_id()
    for exercise_id in ("deadlift", "hyperextension"):
        exercise = by_id[exercise_id]
        assert exercise.level in (Level.INTERMEDIATE, Level.ADVANCED)
        assert any("flare-up" in caution for caution in exercise.cautions)


def test_side_plank_chain_and_extension_flags() -> None:
    by_id = load().by_id()
    assert "side-plank" in by_id["knee-side-plank"].harder
    assert "knee-side-plank" in by_id["side-plank"].easier
    for exercise_id in ("prone-press-up", "standing-back-extension", "prone-on-elbows"):
        assert by_id[exercise_id].extension


def test_mcgill_holds_follow_the_source() -> None:
    by_id = load().by_id()
    bird_dog = by_id["bird-dog"].dose
    assert bird_dog.type == "hold" and bird_dog.max_seconds is not None
    assert bird_dog.max_seconds <= 10  # "never longer" than about 10 s
    curl_up = by_id["modified-curl-up"].dose
    assert curl_up.type == "hold" and curl_up.pyramid == (5, 3, 1)


def test_every_exercise_cites_a_source_and_a_caution() -> None:
    for exercise in load().exercises:
        assert exercise.sources and exercise.cautions, exercise.id


def test_equipment_words_are_the_fixed_vocabulary() -> None:
    used = {item for e in load().exercises for item in e.equipment}
    assert used <= set(Equipment)
