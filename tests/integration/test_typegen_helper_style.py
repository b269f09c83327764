"""An existing types file keeps its generator's style of the helper types (hosted or local)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import psycopg

from tests.conftest import REPO
from vidprompt.schema import TYPESCRIPT_PATH, generated_files, read_catalog, write_files

if TYPE_CHECKING:
    from pathlib import Path


def hosted(local: str) -> str:
    """What `supabase gen types --project-id` writes: no parentheses around the conditional."""
    lines = []
    for line in local.splitlines(keepends=True):
        if line.startswith("  ") and "NameOrOptions extends {" in line and " extends (" in line:
            line = line.replace(" extends (", " extends ", 1)
        elif line == "    : never) = never,\n":
            line = "    : never = never,\n"
        lines.append(line)
    return "".join(lines)


def _typescript(url: str, workdir: Path | None) -> str:
    with psycopg.connect(url) as conn:
        catalog = read_catalog(conn)
    [typescript] = generated_files(catalog, python_path=None, workdir=workdir)
    return typescript.text


def test_a_new_file_is_the_local_generators_byte_for_byte(schema_url: str, tmp_path: Path) -> None:
    assert _typescript(schema_url, tmp_path) == (REPO / TYPESCRIPT_PATH).read_text()


def test_a_hosted_file_stays_hosted_and_shows_only_the_schema_change(
    schema_url: str, tmp_path: Path
) -> None:
    local = (REPO / TYPESCRIPT_PATH).read_text()
    app_file = hosted(local)
    changed = [d for d in difflib.ndiff(local.splitlines(), app_file.splitlines()) if d[0] in "+-"]
    assert len(changed) == 20  # the five helpers' opening and closing lines, both sides
    (tmp_path / TYPESCRIPT_PATH).parent.mkdir(parents=True)
    (tmp_path / TYPESCRIPT_PATH).write_text(app_file)

    assert _typescript(schema_url, tmp_path) == app_file

    with psycopg.connect(schema_url, autocommit=True) as conn:
        conn.execute("alter table public.video_prompts add column note text")
        catalog = read_catalog(conn)
    write_files(tmp_path, generated_files(catalog, python_path=None, workdir=tmp_path))
    after = (tmp_path / TYPESCRIPT_PATH).read_text()
    diff = [d for d in difflib.ndiff(app_file.splitlines(), after.splitlines()) if d[0] in "+-"]
    assert diff
    assert all("note" in line for line in diff)


def test_a_local_file_stays_local(schema_url: str, tmp_path: Path) -> None:
    (tmp_path / TYPESCRIPT_PATH).parent.mkdir(parents=True)
    (tmp_path / TYPESCRIPT_PATH).write_text((REPO / TYPESCRIPT_PATH).read_text())
    assert _typescript(schema_url, tmp_path) == (REPO / TYPESCRIPT_PATH).read_text()
