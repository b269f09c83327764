"""The database package's public names: each loads from the module that defines it."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import vidprompt.database as database


def test_every_listed_name_is_exported_and_every_export_listed() -> None:
    assert sorted(database._HOMES) == sorted(database.__all__)


def test_each_name_is_the_object_its_module_defines() -> None:
    for name, module in database._HOMES.items():
        home = importlib.import_module(f"vidprompt.database.{module}")
        assert getattr(database, name) is getattr(home, name), name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        database.no_such_name  # noqa: B018


def test_importing_the_package_loads_no_driver() -> None:
    probe = (
        "import sys, vidprompt.database; print(any(m.startswith('psycopg') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
