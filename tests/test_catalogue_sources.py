"""What `show` tells a person about each source (issue 23): who published it and when,
and where to find it — the page's address, the DOI as a link, or the ISBN."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import RunCli


def words(text: str) -> str:
    """The panel's text with its borders and line breaks taken out."""
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", text))


def test_show_names_a_papers_journal_and_year_and_links_its_doi(run: RunCli) -> None:
    shown = words(run("show", "bird-dog").stdout)
    assert "— Physical Therapy (American Physical Therapy Association), 1998" in shown
    assert "https://doi.org/10.1093/ptj/78.7.754" in shown


def test_show_gives_a_books_publisher_year_and_isbn(run: RunCli) -> None:
    shown = words(run("show", "deadlift").stdout)
    assert "— Human Kinetics, for the National Strength and Conditioning Association" in shown
    assert "(NSCA), 2016" in shown
    assert "ISBN 978-1-4925-0162-6" in shown


def test_show_gives_a_web_pages_publisher_and_its_own_address(run: RunCli) -> None:
    shown = words(run("show", "pelvic-tilt").stdout)
    assert "— NHS inform (NHS 24, Scotland)" in shown
    assert "https://www.nhsinform.scot/illnesses-and-conditions/muscle-bone-and-joints/" in shown
    assert "(low authority)" not in shown


def test_show_marks_a_source_of_low_authority_and_the_exercise_too(run: RunCli) -> None:
    shown = words(run("show", "clamshell").stdout)
    assert "(a back and joint clinic) (low authority)" in shown
    assert "Evidence: low." in shown


def test_show_json_keeps_every_field_of_a_source_and_adds_its_link(run: RunCli) -> None:
    paper = json.loads(run("show", "bird-dog", "--json").stdout)["sources"][0]
    assert paper["type"] == "paper" and paper["year"] == 1998
    assert paper["doi"] == "10.1093/ptj/78.7.754"
    assert paper["link"] == "https://doi.org/10.1093/ptj/78.7.754"
    page = json.loads(run("show", "knee-rolls", "--json").stdout)["sources"][0]
    assert page["publisher"].startswith("NHS inform") and page["link"] == page["url"]
    book = json.loads(run("show", "deadlift", "--json").stdout)["sources"][0]
    assert book["isbn"] == "978-1-4925-0162-6" and book["link"] is None


def test_a_long_address_wraps_in_a_narrow_terminal_and_is_never_cut(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    shown = re.sub(r"[\s│╭╮╰╯─]", "", run("show", "knee-rolls").stdout)
    assert "…" not in shown
    assert (
        "https://www.nhsinform.scot/illnesses-and-conditions/muscle-bone-and-joints/"
        "exercises/exercises-for-back-pain" in shown
    )
