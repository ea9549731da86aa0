"""Bad catalogue input: one clear message, exit 2, no traceback, nothing executed."""

from __future__ import annotations

import time
from pathlib import Path

import pexpect
import pytest

from .conftest import BUNDLED, TEST_DATA, RunCli

TINY = (TEST_DATA / "tiny.yaml").read_text()


def write(tmp_path: Path, text: str | bytes, name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def invalid(run: RunCli, path: Path) -> str:
    """validate's message, which `list` and `plan` must give too for the same file."""
    messages = []
    for args in (
        ["validate", str(path)],
        ["--catalogue", str(path), "list"],
        ["--catalogue", str(path), "plan", "--seed", "1"],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert result.stdout == ""
        messages.append(result.stderr)
    assert messages[1] == messages[0] == messages[2]
    return messages[0]


def test_bundled_catalogue_is_valid(run: RunCli) -> None:
    result = run("validate", str(BUNDLED))
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: ")
    assert "exercises" in result.stdout


def test_validate_without_a_path_checks_the_catalogue_in_use(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert run("validate").stdout.strip() == f"ok: 45 exercises in {BUNDLED}"
    tiny = TEST_DATA / "tiny.yaml"
    assert run("--catalogue", str(tiny), "validate").stdout.strip() == f"ok: 3 exercises in {tiny}"
    broken = write(tmp_path, TINY.replace("id: lying-stretch", "id: side-hold"))
    monkeypatch.setenv("BACKCOACH_CATALOGUE", str(broken))
    result = run("validate")
    assert result.exit_code == 2 and "duplicate id" in result.stderr


def test_tiny_catalogue_is_valid(run: RunCli) -> None:
    result = run("validate", str(TEST_DATA / "tiny.yaml"))
    assert result.stdout.strip() == f"ok: 3 exercises in {TEST_DATA / 'tiny.yaml'}"


def test_yaml_syntax_error_gives_line_and_column(run: RunCli, tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nexercises:\n  - id: [unclosed\n")
    err = invalid(run, path)
    assert f"{path}:" in err
    assert "column" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("   \n# only a comment\n", "is empty"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("just a string\n", "top level must be a mapping"),
        ("version: 1\n", "'exercises' must be a non-empty list"),
        ("version: 1\nexercises: []\n", "'exercises' must be a non-empty list"),
        ("version: 2\nexercises: [{}]\n", "version 2 is not supported"),
    ],
)
def test_wrong_shapes(run: RunCli, tmp_path: Path, text: str, expected: str) -> None:
    assert expected in invalid(run, write(tmp_path, text))


def test_unknown_key_names_exercise_field_and_line(run: RunCli, tmp_path: Path) -> None:
    text = TINY.replace("    kind: strengthen\n", "    kind: strengthen\n    colour: red\n")
    path = write(tmp_path, text)
    err = invalid(run, path)
    line = text.splitlines().index("    colour: red") + 1
    assert f"{path}:{line}: side-hold: colour: unknown field" in err


def test_every_problem_is_reported_not_only_the_first(run: RunCli, tmp_path: Path) -> None:
    text = (
        TINY.replace("    level: beginner\n", "    level: expert\n", 1)
        .replace("seconds: 3,", "seconds: 3000,")
        .replace("    cues: [Breathe out]\n", "")
    )
    err = invalid(run, write(tmp_path, text))
    assert "3 problems" in err
    assert "easy-roll: level:" in err
    assert "side-hold: dose.seconds: Input should be less than or equal to 300" in err
    assert "lying-stretch: cues: required field is missing" in err


def test_wrong_types(run: RunCli, tmp_path: Path) -> None:
    err = invalid(run, write(tmp_path, TINY.replace("reps: 2, tempo", "reps: lots, tempo")))
    assert "easy-roll: dose.reps:" in err


def test_duplicate_ids(run: RunCli, tmp_path: Path) -> None:
    err = invalid(run, write(tmp_path, TINY.replace("id: lying-stretch", "id: side-hold")))
    assert "side-hold: id: duplicate id" in err


def test_ids_must_be_kebab_case(run: RunCli, tmp_path: Path) -> None:
    err = invalid(run, write(tmp_path, TINY.replace("id: side-hold", "id: Side_Hold")))
    assert "is not kebab-case" in err


def test_dangling_variant_reference(run: RunCli, tmp_path: Path) -> None:
    text = TINY.replace("    warmup: true\n", "    warmup: true\n    harder: [no-such-thing]\n")
    err = invalid(run, write(tmp_path, text))
    assert "easy-roll: harder: names 'no-such-thing', which is not in the catalogue" in err


def test_pyramid_must_descend(run: RunCli, tmp_path: Path) -> None:
    text = TINY.replace(
        "{type: hold, seconds: 4, reps: 1}", "{type: hold, seconds: 4, pyramid: [2, 4]}"
    )
    assert "a pyramid must go down" in invalid(run, write(tmp_path, text))


def test_python_tags_are_refused_and_never_executed(run: RunCli, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"!!python/object/apply:os.system ['touch {marker}']\n"
    err = invalid(run, write(tmp_path, text))
    assert "tags" in err
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly(run: RunCli, tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    lines.append("exercises: *a11")
    started = time.process_time()
    err = invalid(run, write(tmp_path, "\n".join(lines) + "\n"))
    assert "anchors and aliases" in err
    # Sanity bound only (seconds of CPU, not a benchmark): 10**12 nodes were never built.
    assert time.process_time() - started < 30


def test_keys_given_twice(run: RunCli, tmp_path: Path) -> None:
    text = TINY.replace("    kind: strengthen\n", "    kind: strengthen\n    kind: stretch\n")
    assert "key 'kind' is given twice" in invalid(run, write(tmp_path, text))


def test_bytes_that_are_not_utf8(run: RunCli, tmp_path: Path) -> None:
    err = invalid(run, write(tmp_path, b"version: 1\nexercises:\n  - id: caf\xe9\n"))
    assert "is not UTF-8" in err
    assert ":3:" in err


def test_folder_and_missing_path(run: RunCli, tmp_path: Path) -> None:
    assert "is a folder" in invalid(run, tmp_path)
    assert "no such file" in invalid(run, tmp_path / "missing.yaml")


def test_invalid_catalogue_option_fails_like_validate(run: RunCli, tmp_path: Path) -> None:
    path = write(tmp_path, TINY.replace("id: side-hold", "id: Side_Hold"))
    for args in (["list"], ["show", "easy-roll"], ["plan"]):
        result = run("--catalogue", str(path), *args)
        assert result.exit_code == 2
        assert "is not kebab-case" in result.stderr
        assert "Traceback" not in result.output


def test_environment_variable_chooses_the_catalogue(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCOACH_CATALOGUE", str(TEST_DATA / "tiny.yaml"))
    result = run("list", "--json")
    assert [item["id"] for item in __import__("json").loads(result.stdout)] == [
        "easy-roll",
        "side-hold",
        "lying-stretch",
    ]


def test_anchors_are_refused_even_without_an_alias(run: RunCli, tmp_path: Path) -> None:
    text = TINY.replace("    kind: strengthen\n", "    kind: &k strengthen\n", 1)
    path = write(tmp_path, text)
    line = text.splitlines().index("    kind: &k strengthen") + 1
    assert f"{path}:{line}: anchors and aliases" in invalid(run, path)


def test_a_second_document_is_refused(run: RunCli, tmp_path: Path) -> None:
    err = invalid(run, write(tmp_path, TINY + "---\nversion: 1\n"))
    assert "more than one YAML document" in err


def test_problems_in_several_places_keep_their_own_lines(run: RunCli, tmp_path: Path) -> None:
    text = "colour: red\n" + TINY.replace("id: side-hold", "id: Side_Hold")
    path = write(tmp_path, text)
    err = invalid(run, path)
    assert f"{path}:1: colour: unknown key" in err
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "Side_Hold" in row)
    assert f"{path}:{line}: Side_Hold: id:" in err


def first(text: str, old: str, new: str) -> str:
    """`text` with the first `old` replaced (the first exercise, easy-roll, a warm-up)."""
    assert old in text
    return text.replace(old, new, 1)


STRETCH = "    kind: stretch\n"  # easy-roll's line; lying-stretch has one too


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda text: first(text, "extension: false", "extension: true"),
            "an extension exercise cannot be a warm-up",
        ),
        (
            lambda text: first(
                text.replace("    warmup: true\n", ""), "extension: false", "extension: true"
            ),
            "is left out with spinal stenosis or spondylolisthesis: say so",
        ),
        (
            lambda text: first(
                text,
                "side-lying\n    extension: false\n    nerve_tension: false\n    loaded: false",
                "side-lying\n    extension: false\n    nerve_tension: false\n    loaded: true",
            ),
            "a loaded exercise cannot be a beginner's",
        ),
        (
            lambda text: first(text, "end_range: false", "end_range: true"),
            "an end-range stretch or twist (end_range: true) is left out with hypermobility",
        ),
        (
            lambda text: first(text, "nerve_tension: false", "nerve_tension: true"),
            "symptoms spreading down the leg are a reason to stop",
        ),
        (
            lambda text: first(
                first(text, "loaded_flexion: false", "loaded_flexion: true"),
                "level: beginner",
                "level: intermediate",
            ),
            "loaded bending (loaded_flexion: true) is left out with osteoporosis",
        ),
        (
            lambda text: first(text, "loaded_flexion: false", "loaded_flexion: true"),
            "loaded bending (loaded_flexion: true) is loaded: set loaded: true",
        ),
    ],
)
def test_the_clinical_rules_validate_checks(
    run: RunCli, tmp_path: Path, change: object, message: str
) -> None:
    changed = change(TINY)  # type: ignore[operator]
    assert changed != TINY
    assert message in invalid(run, write(tmp_path, changed))


def line_of(text: str, words: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if words in row)


@pytest.mark.parametrize(
    "flag", ["extension", "nerve_tension", "loaded", "loaded_flexion", "end_range"]
)
def test_a_catalogue_that_leaves_out_an_exclusion_flag_is_told_which(
    run: RunCli, tmp_path: Path, flag: str
) -> None:
    text = first(TINY, f"    {flag}: false\n", "")
    path = write(tmp_path, text)
    err = invalid(run, path)
    assert (
        f"{path}:{line_of(text, 'id: easy-roll')}: easy-roll: {flag}: required field is missing"
        in err
    )


def test_a_reviewed_import_must_say_extension_and_nerve_tension(
    run: RunCli, tmp_path: Path
) -> None:
    origin = (
        "    origin: {dataset: free-exercise-db, record: Easy_Roll, "
        "licence: Unlicense (public domain)}\n    reviewed: true\n"
    )
    text = first(TINY, "    warmup: true\n", "    warmup: true\n" + origin)
    text = first(first(text, "    extension: false\n", ""), "    nerve_tension: false\n", "")
    err = invalid(run, write(tmp_path, text))
    assert "easy-roll: extension: required field is missing" in err
    assert "easy-roll: nerve_tension: required field is missing" in err


SOURCE = '{title: Test source, publisher: Test publisher, url: "https://example.org/test"}'


@pytest.mark.parametrize(
    ("source", "field", "message"),
    [
        ("{title: A page, url: https://example.org/a}", "sources.0.publisher",
         "required field is missing"),
        ("{publisher: NHS, url: https://example.org/a}", "sources.0.title",
         "required field is missing"),
        ("{title: A page, publisher: NHS}", "sources.0",
         "a web source needs its address (url)"),
        ("{type: book, title: A book, publisher: A press}", "sources.0",
         "a book source needs its year and its ISBN or DOI"),
        ("{type: book, title: A book, publisher: A press, year: 2016}", "sources.0",
         "a book source needs its ISBN or DOI"),
        ("{type: leaflet, title: Back exercises, publisher: My physiotherapist}", "sources.0",
         "a leaflet source needs its year"),
        ("{type: paper, title: A paper, publisher: A journal, doi: 10.1093/ptj/78.7.754}",
         "sources.0", "a paper source needs its year"),
        ("{type: book, title: A book, publisher: A press, year: 2016, isbn: '12345'}",
         "sources.0.isbn", "an ISBN has 13 digits (or 10 in older books)"),
        ("{type: book, title: A book, publisher: A press, year: 2016, isbn: 978-1-4925-0162-7}",
         "sources.0.isbn", "this ISBN's check digit is wrong (should end in 6)"),
        ("{type: book, title: A book, publisher: A press, year: 1990, isbn: 0-306-40615-3}",
         "sources.0.isbn", "this ISBN's check digit is wrong (should end in 2)"),
        ("{type: paper, title: A paper, publisher: A journal, year: 1998, doi: 'doi:10.1093/x'}",
         "sources.0.doi", "a DOI starts 10., a number, a slash and the rest"),
        ("{type: paper, title: A paper, publisher: A journal, year: 1998, doi: '10.1093'}",
         "sources.0.doi", "a DOI starts 10., a number, a slash and the rest"),
        ("{type: book, title: A book, publisher: A press, year: 2016, isbn: 9781492501626}",
         "sources.0.isbn", 'write it in quotes, e.g. isbn: "978-1-4925-0162-6"'),
        ("{title: A page, publisher: NHS, url: www.nhs.uk/conditions/back-pain/}",
         "sources.0.url", "a web address starts http:// or https:// and has no spaces"),
        ("{title: A page, publisher: NHS, url: ftp://example.org/a}",
         "sources.0.url", "a web address starts http:// or https:// and has no spaces"),
        ("{title: A page, publisher: A vendor, url: https://example.org/a, evidence: low}",
         None, "every source is of low authority (evidence: low): say so with evidence: low"),
    ],
)  # fmt: skip
def test_validate_says_what_each_source_is_missing_and_where(
    run: RunCli, tmp_path: Path, source: str, field: str | None, message: str
) -> None:
    text = first(TINY, f"sources: [{SOURCE}]", f"sources: [{source}]")
    path = write(tmp_path, text)
    err = invalid(run, path)
    place = f"{path}:{line_of(text, source if field else 'id: easy-roll')}: easy-roll: "
    assert place + (f"{field}: " if field else "") + message in err, err


def test_a_low_authority_source_beside_a_reputable_one_needs_no_evidence_mark(
    run: RunCli, tmp_path: Path
) -> None:
    vendor = "{title: A page, publisher: A vendor, url: https://example.org/a, evidence: low}"
    text = first(TINY, f"sources: [{SOURCE}]", f"sources: [{SOURCE}, {vendor}]")
    assert run("validate", str(write(tmp_path, text))).exit_code == 0


@pytest.mark.parametrize(
    "source",
    [
        "{type: book, title: A book, publisher: A press, year: 2016, isbn: 978-1-4925-0162-6}",
        "{type: book, title: A book, publisher: A press, year: 2016, isbn: '9781492501626'}",
        "{type: book, title: A book, publisher: A press, year: 1990, isbn: 0-306-40615-2}",
        "{type: book, title: A book, publisher: A press, year: 1990, isbn: 0-8044-2957-X}",
        "{type: paper, title: A paper, publisher: A journal, year: 2012, "
        "doi: 10.1016/j.math.2012.05.003}",
    ],
)
def test_a_source_with_a_sound_isbn_or_doi_is_accepted(
    run: RunCli, tmp_path: Path, source: str
) -> None:
    text = first(TINY, f"sources: [{SOURCE}]", f"sources: [{source}]")
    result = run("validate", str(write(tmp_path, text)))
    assert result.exit_code == 0, result.output


@pytest.mark.pty
def test_in_a_terminal_a_long_problem_wraps_between_words(tmp_path: Path) -> None:
    # Issue 24: with a long path the message broke inside a word ("requ|ired").
    import re

    from .terminals import BIN, env

    folder = tmp_path / "a-folder-with-a-rather-long-name-for-my-own-exercises"
    folder.mkdir()
    write(folder, TINY.replace("level: beginner", "level: expert", 1))
    path = f"{folder.name}/catalogue.yaml"  # relative: shorter than a line
    child = pexpect.spawn(
        str(BIN), ["validate", path], env=env(tmp_path, "1"), encoding="utf-8",
        dimensions=(30, 80), cwd=str(tmp_path),
    )  # fmt: skip
    child.expect(pexpect.EOF)
    shown = re.sub(r"\x1b\[[0-9;]*m", "", child.before).replace("\r", "")
    lines = [line for line in shown.splitlines() if line.strip()]
    assert all(len(line) <= 80 for line in lines)
    first = next(number for number, line in enumerate(lines) if line.startswith(f"  {path}:8:"))
    said = " ".join(" ".join(lines).split())
    problem = "level: Input should be 'beginner', 'intermediate' or 'advanced'"
    assert problem in said  # every word whole, in order
    assert lines[first + 1].startswith("    ")  # the rest of the problem indented under it
