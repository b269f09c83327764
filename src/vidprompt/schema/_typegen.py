"""The generated files as a whole: what they should contain, which are stale, writing them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vidprompt.schema._python import python_module
from vidprompt.schema._typescript import helper_style, typescript_module

if TYPE_CHECKING:
    from vidprompt.schema._model import Catalog

TYPESCRIPT_PATH = Path("types/database.types.ts")
PYTHON_PATH = Path("src/vidprompt/db_types.py")


@dataclass(frozen=True)
class GeneratedFile:
    path: Path  # relative to the work folder, or absolute
    text: str


def generated_files(
    catalog: Catalog,
    *,
    narrow: bool = False,
    typescript_path: Path | None = TYPESCRIPT_PATH,
    python_path: Path | None = PYTHON_PATH,
    workdir: Path | None = None,
) -> list[GeneratedFile]:
    """The type files the catalog gives; a None path leaves that file out.

    With ``workdir``, an existing TypeScript file keeps its generator's style of the helper
    types (see :func:`helper_style`), so a regeneration shows only real schema changes.
    """
    files = []
    if typescript_path is not None:
        existing = _read(workdir / typescript_path) if workdir is not None else None
        module = typescript_module(catalog, narrow=narrow, helpers=helper_style(existing))
        files.append(GeneratedFile(typescript_path, module))
    if python_path is not None:
        files.append(GeneratedFile(python_path, python_module(catalog)))
    return files


def stale_files(workdir: Path, files: list[GeneratedFile]) -> list[Path]:
    """The files whose content on disk is not what the catalog gives (missing ones too)."""
    return [f.path for f in files if _read(workdir / f.path) != f.text]


def write_files(workdir: Path, files: list[GeneratedFile]) -> list[Path]:
    """Write the stale files; the ones written. Unchanged files keep their timestamps."""
    written = []
    for found in files:
        target = workdir / found.path
        if _read(target) != found.text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(found.text.encode("utf-8"))
            written.append(found.path)
    return written


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None
