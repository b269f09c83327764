"""Only vidprompt.database sees the driver: no other module imports psycopg or its pool.

Everything else talks to Postgres through what database/ exports (Database, Transaction,
connect, Connection, DriverError, ...) and gets vidprompt's errors, translated there once.
"""

from __future__ import annotations

import ast
from pathlib import Path

import vidprompt

SOURCE = Path(vidprompt.__file__).parent
DRIVER = ("psycopg", "psycopg_pool")
# Modules outside database/ that may import the driver, and why.
ALLOWED = {
    # Push runs a project's own migration files statement by statement on one session: the
    # transaction status, lock timeouts and the server's error position are its subject.
    "migrations/_push.py",
}


def _driver_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in DRIVER]
    return found


def test_no_module_outside_database_imports_the_driver() -> None:
    offenders = {
        str(path.relative_to(SOURCE)): imports
        for path in sorted(SOURCE.rglob("*.py"))
        if path.relative_to(SOURCE).parts[0] != "database"
        and str(path.relative_to(SOURCE)) not in ALLOWED
        and (imports := _driver_imports(path))
    }
    assert offenders == {}


def test_the_guard_sees_an_import_wherever_it_is(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import typing\n"
        "if typing.TYPE_CHECKING:\n    from psycopg.rows import TupleRow\n"
        "def f():\n    import psycopg_pool\n"
    )
    assert _driver_imports(module) == ["psycopg.rows", "psycopg_pool"]


def test_every_allowed_module_still_exists_and_needs_it() -> None:
    for name in ALLOWED:
        assert _driver_imports(SOURCE / name), f"{name} no longer imports the driver"
