"""Every command explains itself with an example and is documented in the README."""

from __future__ import annotations

from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import typer.main

from tests._cli import run_vidprompt
from tests.conftest import REPO
from vidprompt.cli import app
from vidprompt.config import Settings

if TYPE_CHECKING:
    from pathlib import Path


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


def test_every_command_group_has_help_with_an_example() -> None:
    root: Any = typer.main.get_command(app)
    groups = {"": root} | {
        name: command for name, command in root.commands.items() if hasattr(command, "commands")
    }
    assert set(groups) >= {"", "auth", "db", "migration", "types"}
    assert [name for name, group in groups.items() if "Example:" not in (group.help or "")] == []


def test_version_is_shown_even_when_a_setting_is_broken(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("VIDPROMPT_POOL_MAX_SIZE=many\n")
    result = run_vidprompt(tmp_path, "--version", env={"PATH": "/usr/bin:/bin"})
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"vidprompt {version('vidprompt')}\n",
        "",
    )


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    undocumented = [name for name in _commands() if f"vidprompt {name}" not in readme]
    assert undocumented == []


def _environment_names() -> list[str]:
    """The variable each setting is read from: its alias, else VIDPROMPT_<NAME>."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    return names


def test_every_setting_is_documented_in_the_readmes_configuration_table() -> None:
    readme = (REPO / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    undocumented = [name for name in _environment_names() if f"`{name}`" not in table]
    assert len(_environment_names()) >= 20
    assert undocumented == []
