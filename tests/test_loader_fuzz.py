"""The loader, fed anything, raises nothing but its own CatalogueError."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcoach.catalogue.loader import parse
from backcoach.errors import CatalogueError

from .conftest import BUNDLED

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUNDLED_DATA: dict[str, Any] = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=20,
)


def parses_or_explains(data: bytes) -> None:
    try:
        parse(data, "fuzz.yaml")
    except CatalogueError as error:
        assert error.problems
        assert all(str(problem).startswith("fuzz.yaml") for problem in error.problems)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    parses_or_explains(data)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#\n %@`,?")), max_size=200))
def test_arbitrary_yaml_looking_text(text: str) -> None:
    parses_or_explains(text.encode("utf-8"))


@FUZZ
@given(values)
def test_arbitrary_yaml_documents(value: object) -> None:
    parses_or_explains(yaml.safe_dump(value).encode("utf-8"))


# libyaml's emitter where it is built in: the same YAML as the pure-Python one, faster.
DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dumped(value: object) -> str:
    return yaml.dump(value, Dumper=DUMPER, allow_unicode=True)


# The bundled catalogue as YAML, one exercise at a time: a mutation re-dumps only the
# exercise it changed, and the document is what dumping the whole would write (checked
# below), so the examples spend their time in the loader, not in writing their input.
EXERCISES_YAML = [dumped([exercise]) for exercise in BUNDLED_DATA["exercises"]]


def catalogue_yaml(exercises_yaml: list[str]) -> str:
    return "".join(
        "exercises:\n" + "".join(exercises_yaml) if key == "exercises" else dumped({key: value})
        for key, value in sorted(BUNDLED_DATA.items())
    )


@st.composite
def mutated_catalogue(draw: st.DrawFn) -> tuple[object, str]:
    """The bundled catalogue with one field of one exercise replaced, removed or added:
    as data, and as YAML."""
    import copy

    data = dict(BUNDLED_DATA)
    exercises = data["exercises"] = list(BUNDLED_DATA["exercises"])
    index = draw(st.integers(0, len(exercises) - 1))
    exercise = exercises[index] = copy.deepcopy(exercises[index])
    target = exercise
    if draw(st.booleans()) and isinstance(exercise.get("dose"), dict):
        target = exercise["dose"]
    key = draw(st.sampled_from(sorted(target) + ["extra-field"]))
    action = draw(st.sampled_from(["replace", "delete"]))
    if action == "delete":
        target.pop(key, None)
    else:
        target[key] = draw(values)
    chunks = list(EXERCISES_YAML)
    chunks[index] = dumped([exercise])
    return data, catalogue_yaml(chunks)


@FUZZ
@given(mutated_catalogue())
def test_mutations_of_the_bundled_catalogue(mutated: tuple[object, str]) -> None:
    _, text = mutated
    parses_or_explains(text.encode("utf-8"))


def test_the_catalogue_dumped_by_exercise_is_the_catalogue_dumped_whole() -> None:
    assert catalogue_yaml(EXERCISES_YAML) == yaml.safe_dump(BUNDLED_DATA, allow_unicode=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_catalogue())
def test_a_mutated_catalogue_dumped_by_exercise_is_it_dumped_whole(
    mutated: tuple[object, str],
) -> None:
    data, text = mutated
    assert text == dumped(data)
