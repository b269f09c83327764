"""The live catalog, and what is built on it: type generation, verify and lint."""

from __future__ import annotations

from vidprompt.errors import StaleTypes, TypegenError
from vidprompt.schema._catalog import DEFAULT_SCHEMAS, read_catalog
from vidprompt.schema._checks import Narrowing, narrowings
from vidprompt.schema._lint import Finding, at_or_above
from vidprompt.schema._lint import lint as lint_catalog
from vidprompt.schema._model import (
    Argument,
    Catalog,
    Check,
    Column,
    CompositeType,
    Constraint,
    Enum,
    Function,
    Index,
    Policy,
    Relation,
    Trigger,
    TypeRef,
)
from vidprompt.schema._python import python_module
from vidprompt.schema._typegen import (
    PYTHON_PATH,
    TYPESCRIPT_PATH,
    GeneratedFile,
    generated_files,
    stale_files,
    write_files,
)
from vidprompt.schema._typescript import typescript_module
from vidprompt.schema._verify import verify

__all__ = [
    "DEFAULT_SCHEMAS",
    "PYTHON_PATH",
    "TYPESCRIPT_PATH",
    "Argument",
    "Catalog",
    "Check",
    "Column",
    "CompositeType",
    "Constraint",
    "Enum",
    "Finding",
    "Function",
    "GeneratedFile",
    "Index",
    "Narrowing",
    "Policy",
    "Relation",
    "StaleTypes",
    "Trigger",
    "TypeRef",
    "TypegenError",
    "at_or_above",
    "generated_files",
    "lint_catalog",
    "narrowings",
    "python_module",
    "read_catalog",
    "stale_files",
    "typescript_module",
    "verify",
    "write_files",
]
