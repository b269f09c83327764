"""Type generation from a live catalog: golden files, the checked-in files, and --check.

The TypeScript goldens are the output of Supabase's own generator (postgres-meta v0.99.0,
the image `supabase gen types typescript` runs) for the same fixture schemas, so equality
here means byte-identical to the Supabase CLI.
"""

from __future__ import annotations

import datetime
import shutil
import uuid
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg.rows import dict_row
from pydantic import TypeAdapter, ValidationError

from tests._cli import run_vidprompt
from tests._support import create_image, create_prompt, create_user
from tests.conftest import REPO
from tests.fixtures.databases import FIXTURES
from vidprompt.db_types import VideoPromptsInsert, VideoPromptsRow
from vidprompt.schema import (
    PYTHON_PATH,
    TYPESCRIPT_PATH,
    generated_files,
    python_module,
    read_catalog,
    typescript_module,
)

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    from psycopg.rows import TupleRow


def _load(url: str, fixture: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((FIXTURES / fixture).read_text().encode())


@pytest.mark.parametrize(
    ("fixture", "schemas"),
    [("typegen_schema", ["public"]), ("typegen_edge_cases", ["public", "other"])],
)
def test_typescript_and_python_match_the_golden_files(
    layer_url: str, fixture: str, schemas: list[str]
) -> None:
    _load(layer_url, f"{fixture}.sql")
    with psycopg.connect(layer_url, autocommit=True) as conn:
        catalog = read_catalog(conn, schemas)
    assert typescript_module(catalog) == (FIXTURES / f"{fixture}.ts").read_text()
    assert python_module(catalog) == (FIXTURES / f"{fixture}_types.py").read_text()


def test_the_same_schema_gives_the_same_bytes(layer_url: str) -> None:
    _load(layer_url, "typegen_schema.sql")
    with psycopg.connect(layer_url, autocommit=True) as conn:
        first, second = read_catalog(conn), read_catalog(conn)
    assert typescript_module(first) == typescript_module(second)
    assert python_module(first) == python_module(second)


def test_narrow_typescript_turns_in_checks_into_unions(schema_url: str) -> None:
    with psycopg.connect(schema_url, autocommit=True) as conn:
        catalog = read_catalog(conn)
    narrow, plain = typescript_module(catalog, narrow=True), typescript_module(catalog)
    assert 'status: "completed" | "draft" | "failed" | "pending"' in narrow
    assert "          status: string\n" in plain
    assert 'camera_style:\n            | "cinematic"' in narrow


def test_the_checked_in_files_are_what_the_pushed_schema_gives(schema_url: str) -> None:
    with psycopg.connect(schema_url, autocommit=True) as conn:
        files = generated_files(read_catalog(conn))
    for generated in files:
        assert (REPO / generated.path).read_bytes() == generated.text.encode(), generated.path


def test_generated_models_read_real_rows_and_refuse_what_the_database_refuses(
    admin: psycopg.Connection[TupleRow],
) -> None:
    user = create_user(admin)
    prompt = create_prompt(admin, user, create_image(admin, user))
    with admin.cursor(row_factory=dict_row) as cursor:
        row = cursor.execute(
            "select * from public.video_prompts where id = %s", [prompt]
        ).fetchone()
    assert row is not None
    model = VideoPromptsRow.model_validate(row)
    assert model.id == prompt
    assert model.created_at.tzinfo is not None
    assert model.status == "draft"
    adapter = TypeAdapter(VideoPromptsInsert)
    base = {"image_id": uuid.uuid4(), "user_id": user, "model_name": "m", "prompt_text": "ok"}
    assert adapter.validate_python(base)["prompt_text"] == "ok"
    for bad in ({"status": "done"}, {"prompt_text": "x" * 2001}, {"camera_style": "static"}):
        with pytest.raises(ValidationError):
            adapter.validate_python(base | bad)
    with pytest.raises(ValidationError):  # a timestamptz without a time zone is refused
        VideoPromptsRow.model_validate(row | {"created_at": datetime.datetime(2026, 1, 1)})


def _vidprompt(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_vidprompt(project, *args, "--workdir", str(project))


def test_check_fails_after_a_new_column_until_the_types_are_updated(
    schema_url: str, tmp_path: Path
) -> None:
    (tmp_path / "supabase").mkdir()  # a project folder, as every command needs
    for path in (TYPESCRIPT_PATH, PYTHON_PATH):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / path, tmp_path / path)
    before = (tmp_path / TYPESCRIPT_PATH).read_text()
    assert (
        _vidprompt(tmp_path, "types", "update", "--check", "--db-url", schema_url).returncode == 0
    )

    with psycopg.connect(schema_url, autocommit=True) as conn:
        conn.execute("alter table public.video_prompts add column note text")
    stale = _vidprompt(tmp_path, "types", "update", "--check", "--db-url", schema_url)
    assert stale.returncode == 1
    assert str(TYPESCRIPT_PATH) in stale.stderr
    assert str(PYTHON_PATH) in stale.stderr
    assert (tmp_path / TYPESCRIPT_PATH).read_text() == before  # --check writes nothing

    assert _vidprompt(tmp_path, "types", "update", "--db-url", schema_url).returncode == 0
    assert "note: string | null" in (tmp_path / TYPESCRIPT_PATH).read_text()
    assert "note: str | None" in (tmp_path / PYTHON_PATH).read_text()
    assert (
        _vidprompt(tmp_path, "types", "update", "--check", "--db-url", schema_url).returncode == 0
    )
