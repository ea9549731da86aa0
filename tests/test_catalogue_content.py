"""The bundled catalogue holds what the issue and CLINICAL.md ask of it."""

from __future__ import annotations

from backcoach.catalogue import loader as catalogue
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


REPUTABLE = ("NHS", "NICE", "McGill", "NSCA", "Nuffield Health", "Versus Arthritis", "May S",
             "May, Runge")  # fmt: skip


def test_the_cautions_clinical_md_asks_every_catalogue_to_carry() -> None:
    by_id = load().by_id()
    for exercise in load().exercises:
        if exercise.extension:
            assert not exercise.warmup, exercise.id
            assert any("stenosis" in c and "spondylolisthesis" in c for c in exercise.cautions)
    for exercise_id in ("single-knee-to-chest", "double-knee-to-chest", "childs-pose", "cat-cow",
                        "knee-rolls", "seated-thoracic-rotation", "bottom-to-heels"):  # fmt: skip
        assert any("osteoporosis" in c for c in by_id[exercise_id].cautions), exercise_id
    deadlift = " ".join(by_id["deadlift"].cautions)
    for words in ("hip hinge", "light kettlebell or an empty bar", "before you could not",
                  "high blood pressure"):  # fmt: skip
        assert words in deadlift
    assert by_id["deadlift"].easier == ("hip-hinge",)
    assert any("Bend from the hips" in c for c in by_id["hyperextension"].cautions)
    superman = by_id["superman"]
    assert superman.regions == (Region.LOWER,) and superman.level is Level.INTERMEDIATE
    assert superman.easier == ("bird-dog",) and superman.loaded
    assert by_id["bird-dog"].easier == ("half-bird-dog",)
    assert by_id["erector-spinae-ball-release"].regions == (Region.UPPER,)


def test_standing_back_extension_is_no_warm_up_and_warm_ups_are_neutral() -> None:
    warmups = {e.id for e in load().exercises if e.warmup}
    assert "standing-back-extension" not in warmups
    assert {"cat-cow", "pelvic-tilt", "knee-rolls", "marching-on-the-spot"} <= warmups


def test_bottom_to_heels_is_its_own_exercise_at_the_nhs_dose() -> None:
    by_id = load().by_id()
    dose = by_id["bottom-to-heels"].dose
    assert dose.type == "hold" and 8 <= dose.reps <= 10  # one deep breath, 8 to 10 times
    assert any(s.url and "nhs.uk" in s.url for s in by_id["bottom-to-heels"].sources)
    assert "bottom to heels" not in by_id["childs-pose"].aliases


def test_every_exercise_has_a_reputable_source_or_says_its_evidence_is_low() -> None:
    for exercise in load().exercises:
        titles = " ".join(source.title for source in exercise.sources)
        reputable = any(name in titles for name in REPUTABLE)
        assert reputable or exercise.evidence == "low", exercise.id
    by_id = load().by_id()
    assert by_id["legs-up-the-wall"].evidence == "low"
    assert by_id["erector-spinae-ball-release"].evidence == "low"


def test_nerve_tensioning_exercises_are_marked() -> None:
    by_id = load().by_id()
    for exercise_id in ("single-knee-to-chest", "double-knee-to-chest", "figure-four-stretch",
                        "legs-up-the-wall"):  # fmt: skip
        assert by_id[exercise_id].nerve_tension
