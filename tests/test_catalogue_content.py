"""The bundled catalogue holds what the issue and CLINICAL.md ask of it."""

from __future__ import annotations

from pathlib import Path

from backcoach.catalogue import loader as catalogue
from backcoach.catalogue.library import open_library
from backcoach.history.store import open_history
from backcoach.models import Catalogue, Exercise, Source
from backcoach.plan import prepare as coaching
from backcoach.vocabulary import Equipment, Kind, Level, Region

from .conftest import BUNDLED
from .test_symptom_rules import spread_on


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
    for exercise_id in ("prone-press-up", "standing-back-extension", "prone-on-elbows",
                        "prone-opposite-arm-leg-lift", "superman", "hyperextension"):  # fmt: skip
        assert by_id[exercise_id].extension, exercise_id


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


# Publishers of standing (CLINICAL.md: NHS, NICE, a professional body; a hospital's
# patient pages, written by its physiotherapists); papers and books must carry a DOI or
# an ISBN, which the model checks.
REPUTABLE = ("NHS", "NICE", "Chartered Society of Physiotherapy", "Versus Arthritis", "hospital")


def reputable(source: Source) -> bool:
    return source.evidence != "low" and (
        source.type in ("paper", "book")
        or any(name.lower() in source.publisher.lower() for name in REPUTABLE)
    )


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
        assert any(map(reputable, exercise.sources)) or exercise.evidence == "low", exercise.id
    by_id = load().by_id()
    for exercise_id in ("legs-up-the-wall", "erector-spinae-ball-release", "superman"):
        assert by_id[exercise_id].evidence == "low", exercise_id


def test_every_source_is_named_and_can_be_found() -> None:
    for exercise in load().exercises:
        for source in exercise.sources:
            assert source.title and source.publisher, exercise.id
            if source.type == "web":
                assert source.url, (exercise.id, source.title)
            else:
                assert source.year and (source.isbn or source.doi), (exercise.id, source.title)
            # Unnamed "handouts" and the seed articles (no address, no publisher of
            # standing) are not sources.
            assert "handout" not in source.title.lower(), exercise.id
            assert "seed article" not in source.title.lower(), exercise.id


def test_issue_23_sources_are_corrected() -> None:
    by_id = load().by_id()
    # The Versus Arthritis (CSP) page does not show these.
    for exercise_id in ("dead-bug", "clamshell", "prone-opposite-arm-leg-lift", "knee-plank"):
        publishers = " ".join(s.publisher for s in by_id[exercise_id].sources)
        assert "Versus Arthritis" not in publishers, exercise_id
    # The NHS sciatica page has no figure-four stretch.
    assert not any(s.url and "sciatica" in s.url for s in by_id["figure-four-stretch"].sources)
    # Lying on elbows and the press-up rest on the NHS's back extensions and a
    # systematic review; standing back extension on NHS inform's back programme.
    for exercise_id in ("prone-on-elbows", "prone-press-up", "standing-back-extension"):
        exercise = by_id[exercise_id]
        assert exercise.evidence is None, exercise_id
        assert any(map(reputable, exercise.sources)), exercise_id
    assert any("nhsinform" in (s.url or "") for s in by_id["standing-back-extension"].sources)


def test_no_source_is_a_home_page() -> None:
    """A site's front page is not where the exercise is shown (issue 23): every web
    source gives the page's own address, in the catalogue and in the lessons."""
    from urllib.parse import urlsplit

    from backcoach.catalogue.lessons import lessons

    urls = [s.url for e in load().exercises for s in e.sources if s.url]
    urls += [s.url for lesson in lessons() for s in lesson.sources if s.url]
    for url in urls:
        assert urlsplit(url).path.strip("/"), url


def test_the_sources_that_were_checked_carry_their_identifiers() -> None:
    """The papers and the book, checked against the publishers' records (issue 23)."""
    cited = {s.doi or s.isbn: s for e in load().exercises for s in e.sources if s.doi or s.isbn}
    assert cited["10.1093/ptj/78.7.754"].year == 1998  # McGill, Phys Ther 78(7):754-765
    assert cited["10.1093/ptj/78.1.8"].year == 1998  # Callaghan et al., Phys Ther 78(1):8-18
    assert cited["10.1016/j.math.2012.05.003"].year == 2012  # May & Aina, Man Ther 17(6)
    assert cited["10.1136/bjsports-2021-104634"].year == 2022  # Brooke-Wavell et al., BJSM
    assert cited["978-1-4925-0162-6"].year == 2016  # NSCA Essentials, 4th edition
    by_id = load().by_id()
    # Home pages that never showed these exercises are gone; only a clinic's page or a
    # general guideline shows them, and the catalogue says so.
    shown_only_by_clinics = (
        *("dead-bug", "clamshell", "knee-plank", "single-leg-glute-bridge"),
        *("thread-the-needle", "open-book", "wall-angel", "prone-t-raise"),
    )
    for exercise_id in shown_only_by_clinics:
        assert by_id[exercise_id].evidence == "low", exercise_id


def test_every_exercise_says_each_exclusion_flag() -> None:
    """Every flag is written in the file, not left to a default (issue 23)."""
    text = BUNDLED.read_text(encoding="utf-8")
    count = len(load().exercises)
    for flag in ("extension", "nerve_tension", "loaded", "loaded_flexion", "end_range"):
        assert text.count(f"\n    {flag}: ") == count, flag


def test_lying_face_down_lifts_are_extension_with_the_stenosis_caution() -> None:
    lift = load().by_id()["prone-opposite-arm-leg-lift"]
    assert lift.extension and not lift.warmup
    assert "stenosis" in lift.key_caution  # the one said at "get ready"
    assert "superman" in lift.harder


def test_the_hip_hinge_stretch_behind_the_thighs_tensions_the_nerve() -> None:
    hinge = load().by_id()["hip-hinge"]
    assert hinge.nerve_tension
    assert any("leg" in caution for caution in hinge.cautions)


def test_osteoporosis_cautions_where_the_spine_bends_or_twists_or_lifts() -> None:
    by_id = load().by_id()
    for exercise_id in ("upper-back-reach", "figure-four-stretch", "modified-curl-up",
                        "hyperextension", "deadlift", "dumbbell-row", "thread-the-needle",
                        "open-book"):  # fmt: skip
        assert any("osteoporosis" in c for c in by_id[exercise_id].cautions), exercise_id
    loaded_bending = {e.id for e in load().exercises if e.loaded_flexion}
    assert loaded_bending == {"deadlift", "hyperextension"}
    assert all(by_id[exercise_id].loaded for exercise_id in loaded_bending)


def test_end_range_stretches_say_why_they_are_left_out_with_hypermobility() -> None:
    by_id = load().by_id()
    end_range = {e.id for e in load().exercises if e.end_range}
    assert {"childs-pose", "single-knee-to-chest", "double-knee-to-chest",
            "thread-the-needle", "bottom-to-heels", "open-book"} <= end_range  # fmt: skip
    for exercise_id in end_range:
        assert any("hypermobility" in c for c in by_id[exercise_id].cautions), exercise_id
    # Gentle warm-ups move in the middle of the range.
    assert not any(by_id[e].end_range for e in ("cat-cow", "knee-rolls", "pelvic-tilt"))


def test_nerve_tensioning_exercises_are_marked() -> None:
    by_id = load().by_id()
    for exercise_id in ("single-knee-to-chest", "double-knee-to-chest", "figure-four-stretch",
                        "legs-up-the-wall", "hip-hinge", "hyperextension"):  # fmt: skip
        assert by_id[exercise_id].nerve_tension, exercise_id


def test_after_a_spread_the_lying_arm_and_leg_lift_is_left_out_with_the_press_up(
    isolated_home: Path,
) -> None:
    """Its extension flag is what keeps it out of the next week's plans."""
    library = open_library(BUNDLED)
    lift = "prone-opposite-arm-leg-lift"

    def planned(seed: int) -> set[str]:
        choices = coaching.Choices(focus=["lower"], minutes=30, seed=seed)
        return {step.exercise for step in coaching.prepare(library, choices).plan().steps}

    assert any(lift in planned(seed) for seed in range(40))  # it is planned otherwise
    with open_history() as history:
        spread_on(history, "prone-press-up", days_ago=1)
    assert not any(lift in planned(seed) for seed in range(40))


def test_a_desk_break_never_asks_for_equipment_it_does_not_have() -> None:
    """A desk break has a chair or a wall at most: the hip hinge's cue asked to keep "the
    stick" touching the head. Equipment beyond those is only ever offered ("if you use")."""
    import re

    absent = re.compile(
        r"\b(stick|broom|dowel|band|dumbbell|kettlebell|barbell|mat|ball|roller|bench)\b", re.I
    )
    for exercise in load().exercises:
        if not exercise.desk:
            continue
        for text in (*exercise.cues, *exercise.cautions):
            if absent.search(text):
                assert re.search(r"\bif you (use|have)\b", text, re.I), (exercise.id, text)
