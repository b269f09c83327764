"""One source: this repository's migrations are the feature's templates, rendered."""

from __future__ import annotations

import itertools
import re

import pytest

from tests.conftest import REPO
from vidprompt.adopt import Layout, example_migrations, feature_migrations
from vidprompt.adopt._templates import OWN_UPDATED_AT_FUNCTION, PLAIN_MIGRATIONS
from vidprompt.migrations import MIGRATIONS_DIR

REGENERATE = "uv run python -m vidprompt.adopt supabase/migrations"


def test_the_repositorys_migrations_are_the_templates_rendered_byte_for_byte() -> None:
    on_disk = {path.name: path.read_text() for path in (REPO / MIGRATIONS_DIR).glob("*.sql")}
    rendered = example_migrations()
    assert sorted(on_disk) == sorted(rendered), f"fold new files into the templates: {REGENERATE}"
    for name, sql in rendered.items():
        assert on_disk[name] == sql, (
            f"{name} differs from its template; edit the template, then {REGENERATE}"
        )


LAYOUTS = [
    Layout(
        images_key=images_key,
        create_profiles=create,
        missing_profile_columns=() if create else missing,
        updated_at_function=function,
        define_updated_at_function=define,
    )
    for images_key, create, missing, function, define in itertools.product(
        (False, True),
        (False, True),
        ((), ("gemini_api_key",)),
        ("update_updated_at_column", OWN_UPDATED_AT_FUNCTION),
        (False, True),
    )
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_keeps_the_plans_must_haves_and_fills_every_placeholder(
    layout: Layout,
) -> None:
    files = dict(feature_migrations(layout))
    assert not any("{{" in sql for sql in files.values())
    video_prompts = files["create_video_prompts_table"]
    assert "create table public.video_prompts" in video_prompts
    assert re.search(r"references public\.images.*on delete cascade", video_prompts)
    assert "'statisch'" in video_prompts
    everything = "\n".join(files.values())
    triggers = re.findall(r"execute function public\.(\w+)\(\)", everything)
    assert set(triggers) == {layout.updated_at_function, "notify_generation_jobs"}
    definitions = re.findall(r"create function public\.(\w+)\(\)", everything)
    expected = [layout.updated_at_function] if layout.define_updated_at_function else []
    assert [name for name in definitions if name != "notify_generation_jobs"] == expected
    assert "create or replace" not in everything  # nothing of a project's is ever replaced
    assert ("add_images_id_user_id_key" in files) is layout.images_key


def test_an_existing_profiles_table_gets_columns_only() -> None:
    layout = Layout(create_profiles=False, missing_profile_columns=("gemini_api_key",))
    sql = dict(feature_migrations(layout))["add_profiles_and_generation_jobs"]
    profiles = [
        line for line in sql.splitlines() if "profiles" in line and not line.startswith("--")
    ]
    assert profiles == ["alter table public.profiles add column gemini_api_key text;"]


def test_the_adopting_guide_lists_every_migration_init_can_write() -> None:
    everything = Layout(images_key=True, plain=tuple(PLAIN_MIGRATIONS))
    guide = (REPO / "docs" / "adopting.md").read_text()
    missing = [name for name, _ in feature_migrations(everything) if f"_{name}.sql`" not in guide]
    assert missing == []
