"""The docs say what the program does: commands, set-up, the catalogue example."""

from __future__ import annotations

import re

import typer

from backcoach.catalogue import loader as catalogue
from backcoach.cli.app import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def fenced_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [block.strip() for block in fenced_blocks(setup, "sh")]
    assert len(commands) == 2
    run_command, test_command = commands
    assert "backcoach start" in run_command
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_every_command_is_in_the_readme() -> None:
    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert f"backcoach {name}" in README, name


def test_catalogue_docs_example_validates() -> None:
    text = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    example = fenced_blocks(text.split("## A complete example", 1)[1], "yaml")[0]
    parsed = catalogue.parse(example.encode(), "docs/catalogue.md")
    assert [e.id for e in parsed.exercises] == ["knee-side-plank", "side-plank", "cat-cow"]


def test_catalogue_docs_name_every_field() -> None:
    from backcoach.models import Exercise, HoldDose, RepsDose
    from backcoach.vocabulary import Equipment

    text = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    for model in (Exercise, HoldDose, RepsDose):
        for field in model.model_fields:
            assert f"`{field}`" in text, f"{model.__name__}.{field} is not documented"
    for item in Equipment:
        assert f"`{item.value}`" in text
