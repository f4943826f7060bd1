"""Every command has help text and appears in the README; the README's commands are real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rome_export.cli import COMMANDS, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
AVAILABLE = main.list_commands(None)  # type: ignore[arg-type]


def test_every_command_of_the_table_is_available():
    assert list(COMMANDS) == AVAILABLE


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_has_help_and_is_in_the_readme(runner, name):
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = main.get_command(None, name)  # type: ignore[arg-type]
    assert command is not None and command.help and len(command.help) > 40
    assert f"rome-export {name}" in README


def test_main_help_lists_commands_and_exit_codes(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in AVAILABLE:
        assert re.search(rf"^\s+{re.escape(name)}\s", result.output, re.M)
    assert "3 operational failure" in " ".join(result.output.split())


def test_readme_opens_with_the_two_commands():
    head = README[: README.index("## Validate first")]
    assert "pip install . && .venv/bin/rome-export build data/ -o dist/" in head
    assert 'pip install ".[test]" && .venv/bin/pytest' in head
