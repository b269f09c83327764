"""``init`` adds only what the feature needs to an existing app's schema, and nothing twice."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import psycopg
import pytest

from tests.conftest import REPO
from tests.fixtures.databases import push_project
from tests.fixtures.existing_app import NEWEST_APP_VERSION, existing_app_project
from vidprompt.adopt import ProjectNotReady, init_project
from vidprompt.adopt._templates import PLAIN_MIGRATIONS
from vidprompt.config import load_settings
from vidprompt.migrations import MIGRATIONS_DIR
from vidprompt.schema import verify

if TYPE_CHECKING:
    from pathlib import Path

LATER = datetime(2027, 3, 4, 5, 6, 7, tzinfo=UTC)
# What init writes for the existing app, in order: the images' composite key, video_prompts,
# the jobs (beside the app's own profiles), then every self-contained table of the feature.
FOR_THE_APP = [
    "add_images_id_user_id_key",
    "create_video_prompts_table",
    "add_profiles_and_generation_jobs",
    *PLAIN_MIGRATIONS,
]


def _app(tmp_path: Path, url: str) -> Path:
    project = existing_app_project(tmp_path / "app")
    push_project(url, project)
    return project


def _sql(url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(query.encode())
        return cursor.fetchall() if cursor.description else []


def test_the_app_gets_the_key_video_prompts_and_jobs_after_its_newest_version(
    layer_url: str, tmp_path: Path
) -> None:
    project = _app(tmp_path, layer_url)
    written = init_project(
        project, load_settings(), db_url=layer_url, now=datetime(2020, 1, 1, tzinfo=UTC)
    ).written

    names = [path.name for path in written]
    assert [name.split("_", 1)[1] for name in names] == [f"{name}.sql" for name in FOR_THE_APP]
    versions = [name.split("_", 1)[0] for name in names]
    assert all(re.fullmatch(r"\d{14}", version) for version in versions)
    assert versions[0] > NEWEST_APP_VERSION  # the clock was behind
    assert versions == sorted(set(versions))
    jobs = written[2].read_text()
    assert "create table public.profiles" not in jobs
    assert not re.search(r"(policy|grant|revoke|trigger)[^\n]*public\.profiles", jobs)

    push_project(layer_url, project)
    assert _sql(layer_url, "select to_regclass('public.generation_jobs') is not null") == [(True,)]
    assert init_project(project, load_settings(), db_url=layer_url).written == []


def test_versions_follow_the_clock_when_it_is_later(layer_url: str, tmp_path: Path) -> None:
    project = _app(tmp_path, layer_url)
    written = init_project(project, load_settings(), db_url=layer_url, now=LATER).written
    assert written[0].name.startswith("20270304050607_")


def test_files_written_but_not_pushed_are_not_written_again(layer_url: str, tmp_path: Path) -> None:
    project = _app(tmp_path, layer_url)
    assert len(init_project(project, load_settings(), db_url=layer_url).written) == len(FOR_THE_APP)
    assert init_project(project, load_settings(), db_url=layer_url).written == []


def test_the_throwaway_database_reads_the_projects_own_migrations(
    tmp_path: Path, pg_bin_dir: Path | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if pg_bin_dir is not None:
        monkeypatch.setenv("VIDPROMPT_PG_BIN_DIR", str(pg_bin_dir))
    project = existing_app_project(tmp_path / "app")
    first = init_project(project, load_settings())
    assert len(first.written) == len(FOR_THE_APP)
    assert not first.layout.create_profiles
    assert init_project(project, load_settings()).written == []


def test_the_example_project_needs_nothing(schema_url: str, tmp_path: Path) -> None:
    project = tmp_path / "example"
    (project / MIGRATIONS_DIR).mkdir(parents=True)
    for path in (REPO / MIGRATIONS_DIR).glob("*.sql"):
        (project / MIGRATIONS_DIR / path.name).write_text(path.read_text())
    assert init_project(project, load_settings(), db_url=schema_url).written == []


def test_an_app_without_profiles_gets_them_created(layer_url: str, tmp_path: Path) -> None:
    project = existing_app_project(tmp_path / "app")
    next((project / MIGRATIONS_DIR).glob("*_create_profiles.sql")).unlink()
    push_project(layer_url, project)
    result = init_project(project, load_settings(), db_url=layer_url)
    assert result.layout.create_profiles
    assert (
        "create table public.profiles"
        in next(
            p for p in result.written if p.name.endswith("_add_profiles_and_generation_jobs.sql")
        ).read_text()
    )
    push_project(layer_url, project)


def test_profiles_without_the_key_column_get_only_that_column(
    layer_url: str, tmp_path: Path
) -> None:
    project = _app(tmp_path, layer_url)
    _sql(layer_url, "alter table public.profiles drop column gemini_api_key")
    policies_before = _sql(layer_url, "select polname from pg_policy order by 1")
    result = init_project(project, load_settings(), db_url=layer_url)
    assert result.layout.missing_profile_columns == ("gemini_api_key",)
    push_project(layer_url, project)
    assert _sql(
        layer_url,
        "select data_type from information_schema.columns"
        " where table_name = 'profiles' and column_name = 'gemini_api_key'",
    ) == [("text",)]
    policies = {name for (name,) in _sql(layer_url, "select polname from pg_policy")}
    assert {name for (name,) in policies_before} <= policies
    assert not any("profile" in str(name) for name in policies - {n for (n,) in policies_before})


def test_the_apps_own_updated_at_function_is_neither_used_nor_replaced(
    layer_url: str, tmp_path: Path
) -> None:
    project = _app(tmp_path, layer_url)
    app_function = (
        "create function public.update_updated_at_column() returns trigger language plpgsql"
        " as $$ begin new.updated_at = timezone('utc', now()); return new; end; $$"
    )
    _sql(layer_url, app_function)
    before = _sql(
        layer_url, "select prosrc from pg_proc where proname = 'update_updated_at_column'"
    )

    result = init_project(project, load_settings(), db_url=layer_url)
    push_project(layer_url, project)

    assert result.layout.updated_at_function == "vidprompt_update_updated_at_column"
    after = _sql(layer_url, "select prosrc from pg_proc where proname = 'update_updated_at_column'")
    assert after == before
    triggers = _sql(
        layer_url,
        "select distinct p.proname from pg_trigger t join pg_proc p on p.oid = t.tgfoid"
        " where t.tgrelid in ('public.video_prompts'::regclass, 'public.generation_jobs'::regclass)"
        " and not t.tgisinternal and p.proname like '%updated_at%'",
    )
    assert triggers == [("vidprompt_update_updated_at_column",)]
    with psycopg.connect(layer_url, autocommit=True) as conn:
        checks = {check.name: check.passed for check in verify(conn, project)}
    assert checks["updated_at trigger"]
    assert checks["trigger function pins search_path"]  # vidprompt's; the app's is not its care


def test_a_duplicate_image_id_stops_the_key_migration_and_changes_nothing(
    layer_url: str, tmp_path: Path
) -> None:
    project = existing_app_project(tmp_path / "app")
    tables = next((project / MIGRATIONS_DIR).glob("*_create_image_generation_tables.sql"))
    images = "create table public.images (\n  id uuid primary key default"
    tables.write_text(tables.read_text().replace(images, images.replace(" primary key", "")))
    push_project(layer_url, project)
    _sql(
        layer_url,
        "insert into auth.users (id) values ('00000000-0000-0000-0000-000000000001'),"
        " ('00000000-0000-0000-0000-000000000002');"
        " insert into public.images (id, user_id, url, storage_path, type)"
        " select '00000000-0000-0000-0000-0000000000aa', u, 'u', 'p', 'generated'"
        " from (values ('00000000-0000-0000-0000-000000000001'::uuid),"
        " ('00000000-0000-0000-0000-000000000002'::uuid)) as users (u)",
    )
    init_project(project, load_settings(), db_url=layer_url)
    with pytest.raises(Exception, match="duplicate ids"):
        push_project(layer_url, project)
    assert _sql(layer_url, "select to_regclass('public.video_prompts')") == [(None,)]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("drop table public.images cascade", "no public.images table"),
        ("alter table public.images drop column user_id cascade", "no user_id column"),
        # The worker's claim reads these of every image: without one, every claim would fail.
        ("alter table public.images drop column url", "no url column"),
        (
            "alter table public.images drop column storage_path, drop column metadata",
            "no storage_path / metadata column",
        ),
        ("alter table public.images drop column storage_path", "no storage_path column"),
        ("alter table public.images drop column metadata", "no metadata column"),
        ("alter table public.images drop column type", "no type column"),
        ("alter table public.images drop column collection_id", "no collection_id column"),
        ("alter table public.images alter column url type int using 0", "url is integer"),
        (
            "alter table public.images alter column metadata drop default,"
            " alter column metadata type text",
            "metadata is text, not jsonb",
        ),
        (
            "alter table public.images drop column collection_id, add column collection_id int",
            "collection_id is integer, not uuid",
        ),
    ],
)
def test_missing_prerequisites_are_refused_with_what_to_add(
    layer_url: str, tmp_path: Path, change: str, named: str
) -> None:
    project = _app(tmp_path, layer_url)
    _sql(layer_url, change)
    with pytest.raises(ProjectNotReady, match=named) as refused:
        init_project(project, load_settings(), db_url=layer_url)
    assert refused.value.hint
    assert list((project / MIGRATIONS_DIR).glob("*video_prompts*")) == []


def test_a_database_without_auth_is_refused(bare_url: str, tmp_path: Path) -> None:
    project = tmp_path / "plain"
    (project / MIGRATIONS_DIR).mkdir(parents=True)
    with pytest.raises(ProjectNotReady, match="no auth schema"):
        init_project(project, load_settings(), db_url=bare_url)
