"""Every command's help ends with examples, as gh and uv do (issue 24)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backcoach.cli.app import WORKFLOW

from .conftest import RunCli


@pytest.mark.parametrize("name", WORKFLOW)
def test_every_command_has_examples_and_plain_placeholders(run: RunCli, name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    text = result.stdout
    assert "Examples:" in text
    assert f"$ backcoach {name}" in text
    assert "{" not in text.splitlines()[0]  # `show [OPTIONS] EXERCISE`, not `{EXERCISE}`
    assert "[[" not in text.splitlines()[0]  # `learn [OPTIONS] [N]`, not `[[N]]`
    assert "<str>" not in text


def test_the_top_level_help_has_examples_too(run: RunCli) -> None:
    # Issue 24: `backcoach --help` was the one help with no example.
    for args in (["--help"], ["-h"]):
        result = run(*args)
        assert result.exit_code == 0
        text = result.stdout
        assert "Examples:" in text
        assert "$ backcoach start --focus lower" in text
        assert "$ backcoach show bird-dog" in text
        assert text.index("Commands") < text.index("Examples:")  # after what they show


SUBCOMMANDS = ("routine drop", "routine keep", "goals add", "goals rate", "goals drop",
               "config set", "config unset", "config path")  # fmt: skip


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_examples_too(run: RunCli, name: str) -> None:
    result = run(*name.split(), "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and f"$ backcoach {name}" in result.stdout
    assert "[[" not in result.stdout.splitlines()[0] and "<str>" not in result.stdout


def test_the_subcommands_listed_are_all_there_are() -> None:
    import typer

    from backcoach.cli.app import app

    root = typer.main.get_command(app)
    found = {
        f"{name} {sub}"
        for name in WORKFLOW
        for sub in getattr(root.commands[name], "commands", {})  # type: ignore[attr-defined]
    }
    assert found == set(SUBCOMMANDS)


def test_a_typo_at_edit_again_asks_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from backcoach.cli.catalogue import _ask_again

    answers = iter(["x", "kep", "k"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    assert _ask_again() is False
    answers = iter(["w", "e"])
    assert _ask_again() is True


def test_end_of_input_at_edit_again_is_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    from backcoach.cli.catalogue import _ask_again

    def ended(_prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", ended)
    assert _ask_again() is None  # not "k": the old file is kept, but as an error


def test_a_typo_at_the_kept_edit_offer_asks_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from backcoach.cli.catalogue import _offer_kept

    catalogue = tmp_path / "exercises.yaml"
    kept = tmp_path / ".exercises.yaml.kept-20261207-000000-1.yaml"
    kept.write_text("# what I typed\n")
    answers = iter(["dd", "x", "o"])  # "dd" is not "d": nothing is thrown away
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    assert _offer_kept(catalogue, None) == kept and kept.exists()


def test_no_message_counts_with_a_bracketed_plural() -> None:
    # Issue 24: "1 day(s)", "0 break(s)" read like code; render.words.counted says
    # "1 day", "2 days". Every string a person can be shown is checked, not docstrings.
    import ast

    package = Path(__file__).resolve().parent.parent / "backcoach"
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and re.search(r"[a-z]\(s\)", node.value)
            ):
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert found == []


@pytest.mark.parametrize("group", ["", "config", "routine", "goals"])
def test_no_command_summary_is_cut_short(run: RunCli, group: str) -> None:
    # Click cuts a summary longer than 45 characters with "..." ("Remove a default from
    # config.toml, so the built-in default..."): every listed command says it whole.
    result = run(*group.split(), "--help")
    assert result.exit_code == 0
    listed = [line for line in result.stdout.splitlines()[1:] if line.startswith("  ")]
    assert listed and not [line for line in listed if line.rstrip().endswith("...")]
