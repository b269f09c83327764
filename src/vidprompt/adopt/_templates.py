"""The feature's migrations as templates, rendered for one project's layout.

One source for both uses: ``vidprompt init`` renders them for a team's existing app, and
this repository's example project (``supabase/migrations/``, also the demo's project) is
the same templates rendered for the app as the plan found it. A template is SQL with
``{{name}}`` placeholders; a placeholder alone on its line stands for a block of SQL,
dropped with its line when the layout has nothing to put there. ``{{<table>_owner_policies}}``
is a table's owner-only policies, written once below (``OWNER_POLICIES``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

UPDATED_AT_FUNCTION = "update_updated_at_column"
# The trigger function's name when a project already has its own update_updated_at_column,
# which vidprompt neither relies on nor replaces.
OWN_UPDATED_AT_FUNCTION = "vidprompt_update_updated_at_column"

_BLOCK = re.compile(r"^\{\{(\w+)\}\}\n", re.MULTILINE)
_INLINE = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class Layout:
    """Which of the feature's migrations a project needs, and how they fit it."""

    images_key: bool = False  # add unique (id, user_id) on public.images
    video_prompts: bool = True
    generation_jobs: bool = True
    create_profiles: bool = True  # False: the project has profiles; only add missing columns
    missing_profile_columns: tuple[str, ...] = ()
    updated_at_function: str = UPDATED_AT_FUNCTION
    define_updated_at_function: bool = True
    # The names (of PLAIN_MIGRATIONS) of the feature's self-contained tables to create.
    plain: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.images_key or self.video_prompts or self.generation_jobs or self.plain)


# The feature's migrations that take nothing from the project's layout, in the order they
# run (after the others): migration name → (template, the table whose absence makes init
# write it: the table it creates, or the feature's table it changes, so the change comes
# with that table).
PLAIN_MIGRATIONS = {
    "add_image_suggestions": ("image_suggestions", "image_suggestions"),
    "add_variant_requests": ("variant_requests", "variant_requests"),
}


# The columns vidprompt reads from profiles, as it adds them to a profiles table without them.
PROFILE_COLUMNS = {"gemini_api_key": "text"}


# What a policy of each command says after `for <command> to authenticated`, and its verb in
# the policy's name; `{owner}` is the check that the signed-in user owns the row.
_OWNER_POLICY_CLAUSES = {
    "select": ("view", " using ({owner});"),
    "insert": ("insert", " with check ({owner});"),
    "update": ("update", "\n  using ({owner}) with check ({owner});"),
    "delete": ("delete", " using ({owner});"),
}


@dataclass(frozen=True)
class OwnerPolicies:
    """The policies that let a signed-in user use only their own rows of a table.

    They apply to ``authenticated`` only (anon skips policy work entirely) and call
    ``(select auth.uid())``, which Postgres evaluates once per statement, not once per row.
    """

    table: str
    noun: str  # as in "Users can view own <noun>"
    owner: str = "user_id"  # the column holding the owner's auth.users id
    commands: tuple[str, ...] = ("select", "insert", "update", "delete")

    def sql(self) -> str:
        owner = f"(select auth.uid()) = {self.owner}"
        policies = []
        for command in self.commands:
            verb, clause = _OWNER_POLICY_CLAUSES[command]
            policies.append(
                f'create policy "Users can {verb} own {self.noun}" on public.{self.table}\n'
                f"  for {command} to authenticated{clause.format(owner=owner)}"
            )
        return "\n".join(policies)


@dataclass(frozen=True)
class BucketOwnerPolicies:
    """The storage policies that make the first folder of an object's name its owner.

    The way Supabase's guides write them: the user with id ``<uid>`` may use the objects
    ``<uid>/...`` of the bucket, and no others.
    """

    bucket: str
    noun: str  # as in "Users can view own <noun>"

    def sql(self) -> str:
        owner = (
            f"(\n    bucket_id = '{self.bucket}'\n"
            "    and (storage.foldername(name))[1] = (select auth.uid())::text\n  )"
        )
        clauses = {
            "select": ("view", f"using {owner}"),
            "insert": ("upload", f"with check {owner}"),
            "update": ("update", f"using {owner}\n  with check {owner}"),
            "delete": ("delete", f"using {owner}"),
        }
        return "\n".join(
            f'create policy "Users can {verb} own {self.noun}" on storage.objects\n'
            f"  for {command} to authenticated\n  {clause};"
            for command, (verb, clause) in clauses.items()
        )


# The tables whose owner policies the templates take, by table. Writes that only
# service_role may make have no policy: there is none to grant them.
OWNER_POLICIES = {
    policies.table: policies
    for policies in [
        OwnerPolicies("collections", "collections"),
        OwnerPolicies("images", "images"),
        OwnerPolicies("profiles", "profile", owner="id", commands=("select", "insert", "update")),
        OwnerPolicies("generation_jobs", "generation jobs", commands=("select",)),
        OwnerPolicies("image_suggestions", "image suggestions", commands=("select",)),
        OwnerPolicies("variant_requests", "variant requests"),
    ]
}
_OWNER_POLICY_BLOCKS = {
    **{f"{table}_owner_policies": p.sql() for table, p in OWNER_POLICIES.items()},
    "generated_images_bucket_owner_policies": BucketOwnerPolicies(
        "generated_images", "generated images"
    ).sql(),
}


def template(name: str) -> str:
    return (resources.files(__package__) / "templates" / f"{name}.sql").read_text("utf-8")


def render(name: str, values: Mapping[str, str]) -> str:
    """Template ``name`` with its placeholders filled; an unknown placeholder is a bug."""

    def block(match: re.Match[str]) -> str:
        text = values[match.group(1)].rstrip("\n")
        # A blank line parts a block from what follows it; the template's last line has none.
        end = "\n" if match.end() == len(match.string) else "\n\n"
        return f"{text}{end}" if text else ""

    values = {**_OWNER_POLICY_BLOCKS, **values}
    return _INLINE.sub(lambda match: values[match.group(1)], _BLOCK.sub(block, template(name)))


def feature_migrations(layout: Layout) -> list[tuple[str, str]]:
    """``(name, SQL)`` of each migration ``layout`` needs, in the order they must run."""
    values = {"updated_at_function": layout.updated_at_function}
    definition = render("updated_at_function", values) if layout.define_updated_at_function else ""
    migrations: list[tuple[str, str]] = []
    if layout.images_key:
        migrations.append(("add_images_id_user_id_key", render("images_id_user_id_key", {})))
    if layout.video_prompts:
        migrations.append(
            (
                "create_video_prompts_table",
                render("video_prompts", {**values, "updated_at_function_definition": definition}),
            )
        )
        definition = ""
    if layout.generation_jobs:
        profiles = render("profiles", values) if layout.create_profiles else _extend(layout)
        migrations.append(
            (
                "add_profiles_and_generation_jobs",
                render(
                    "profiles_and_generation_jobs",
                    {**values, "updated_at_function_definition": definition, "profiles": profiles},
                ),
            )
        )
    migrations.extend(
        (name, render(PLAIN_MIGRATIONS[name][0], {}))
        for name in PLAIN_MIGRATIONS
        if name in layout.plain
    )
    return migrations


def _extend(layout: Layout) -> str:
    added = "\n".join(
        f"alter table public.profiles add column {name} {PROFILE_COLUMNS[name]};"
        for name in layout.missing_profile_columns
    )
    return render("profiles_extend", {"missing_columns": added or "-- It has both already."})


# The example project: the app's tables as the plan found them (they already carry the
# composite key), then the feature's migrations under the versions this repository uses.
EXAMPLE_APP_TABLES = "20260105152700_create_image_generation_tables.sql"
EXAMPLE_VERSIONS = {
    "create_video_prompts_table": "20261124204044",
    "add_profiles_and_generation_jobs": "20261124205640",
    "add_image_suggestions": "20261201221634",
    "add_variant_requests": "20261201224000",
}


def example_migrations() -> dict[str, str]:
    """File name → SQL of the example project's ``supabase/migrations/``."""
    files = {EXAMPLE_APP_TABLES: render("example_app_tables", {})}
    for name, sql in feature_migrations(Layout(plain=tuple(PLAIN_MIGRATIONS))):
        files[f"{EXAMPLE_VERSIONS[name]}_{name}.sql"] = sql
    return files


def write_example(migrations_dir: Path) -> list[Path]:
    """Write the example project's migrations into ``migrations_dir``; the paths written."""
    migrations_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, sql in example_migrations().items():
        path = migrations_dir / name
        path.write_text(sql, encoding="utf-8")
        written.append(path)
    return written
