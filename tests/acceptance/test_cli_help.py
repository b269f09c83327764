"""Every command explains itself with an example and is documented in the README."""

from __future__ import annotations

from typing import Any

import typer.main

from tests.conftest import REPO
from vidprompt.cli import app


def _commands() -> dict[str, Any]:
    root = typer.main.get_command(app)
    found: dict[str, Any] = {}

    def walk(command: Any, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, f"{path} {name}".strip())
        else:
            found[path] = command

    walk(root, "")
    return found


def test_every_command_has_help_with_an_example() -> None:
    commands = _commands()
    missing = [name for name, command in commands.items() if "Example:" not in (command.help or "")]
    assert len(commands) >= 7
    assert missing == []


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    undocumented = [name for name in _commands() if f"vidprompt {name}" not in readme]
    assert undocumented == []
