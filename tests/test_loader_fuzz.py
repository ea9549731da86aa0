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


@st.composite
def mutated_catalogue(draw: st.DrawFn) -> object:
    """The bundled catalogue with one field of one exercise replaced, removed or added."""
    import copy

    data = copy.deepcopy(BUNDLED_DATA)
    exercises = data["exercises"]
    exercise = exercises[draw(st.integers(0, len(exercises) - 1))]
    target = exercise
    if draw(st.booleans()) and isinstance(exercise.get("dose"), dict):
        target = exercise["dose"]
    key = draw(st.sampled_from(sorted(target) + ["extra-field"]))
    action = draw(st.sampled_from(["replace", "delete"]))
    if action == "delete":
        target.pop(key, None)
    else:
        target[key] = draw(values)
    return data


@FUZZ
@given(mutated_catalogue())
def test_mutations_of_the_bundled_catalogue(data: object) -> None:
    parses_or_explains(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
