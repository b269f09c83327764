"""The command line starts at once: importing it loads none of the heavy libraries.

Each is imported inside the commands that need it (the API's by ``serve``, Gemini's by the
worker, the SQL parser by the migration and schema commands), so ``vidprompt --help`` or
``vidprompt db url`` does not pay for them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

HEAVY = ("fastapi", "starlette", "uvicorn", "google.genai", "pglast", "httpx", "cryptography")
# What no help needs: the settings and the database driver.
NOT_FOR_HELP = ("pydantic_settings", "psycopg", "psycopg_pool")

_PROBE = """
import json, sys
import vidprompt.cli
argv = {argv!r}
if argv is not None:
    sys.argv = ["vidprompt", *argv]
    try:
        vidprompt.cli.main()
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""


def _loaded_after(
    argv: list[str] | None = None, *, cwd: Path | None = None, heavy: tuple[str, ...] = HEAVY
) -> set[str]:
    """The heavy modules loaded in a fresh interpreter after importing vidprompt.cli (and
    running it with ``argv``, if given)."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(argv=argv)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=cwd,
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    return {name for name in heavy if any(m == name or m.startswith(f"{name}.") for m in loaded)}


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    assert _loaded_after() == set()


@pytest.mark.parametrize(
    "argv", [["--help"], ["db", "--help"], ["serve", "--help"], ["types", "--help"], ["db", "url"]]
)
def test_help_and_db_url_load_no_heavy_library(argv: list[str], tmp_path: Path) -> None:
    """In a folder without a local database, so ``db url`` fails as a user would see it."""
    assert _loaded_after(argv, cwd=tmp_path) == set()


@pytest.mark.parametrize("argv", [["--help"], ["db", "--help"], ["serve", "--help"]])
def test_help_loads_neither_the_settings_nor_the_driver(argv: list[str], tmp_path: Path) -> None:
    assert _loaded_after(argv, cwd=tmp_path, heavy=NOT_FOR_HELP) == set()


def test_db_url_loads_no_database_driver(tmp_path: Path) -> None:
    """Scripts call ``vidprompt db url`` often: it reads the settings but needs no driver.

    In a project folder without a local database yet, so the command gets as far as asking
    for the local server (and says there is none)."""
    (tmp_path / "supabase").mkdir()
    assert _loaded_after(["db", "url"], cwd=tmp_path, heavy=("psycopg", "psycopg_pool")) == set()


def test_the_type_commands_default_paths_are_the_schema_packages() -> None:
    from vidprompt import schema
    from vidprompt.cli import types

    assert (types.TYPESCRIPT_PATH, types.PYTHON_PATH) == (
        schema.TYPESCRIPT_PATH,
        schema.PYTHON_PATH,
    )
