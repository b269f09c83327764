"""What a project's schema already has, and so which of the feature's migrations it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vidprompt.adopt._templates import (
    OWN_UPDATED_AT_FUNCTION,
    PLAIN_MIGRATIONS,
    PROFILE_COLUMNS,
    UPDATED_AT_FUNCTION,
    Layout,
)
from vidprompt.errors import ProjectNotReady

if TYPE_CHECKING:
    from collections.abc import Collection

    from vidprompt.schema import Catalog, Relation


def layout_for(catalog: Catalog, *, has_auth: bool, written: Collection[str] = ()) -> Layout:
    """The layout that adds the feature to the schema ``catalog`` describes.

    ``written`` names feature migrations the project's folder already holds (written by an
    earlier ``init`` and not applied where the catalog was read); they are not written twice.
    """
    images = _prerequisites(catalog, has_auth=has_auth)
    video_prompts = catalog.relation("public", "video_prompts") is None
    generation_jobs = catalog.relation("public", "generation_jobs") is None
    profiles = catalog.relation("public", "profiles")
    if profiles is not None and profiles.column("id") is None:
        raise ProjectNotReady(
            "public.profiles has no id column.",
            hint="vidprompt reads a user's Gemini key from profiles by id (= auth.users.id).",
        )
    function = _updated_at_function(catalog)
    return Layout(
        images_key=not _has_owner_key(images) and "add_images_id_user_id_key" not in written,
        video_prompts=video_prompts and "create_video_prompts_table" not in written,
        generation_jobs=generation_jobs and "add_profiles_and_generation_jobs" not in written,
        create_profiles=profiles is None,
        missing_profile_columns=tuple(
            name for name in PROFILE_COLUMNS if profiles is not None and not profiles.column(name)
        ),
        updated_at_function=function,
        define_updated_at_function=not _has_function(catalog, function),
        plain=tuple(
            name
            for name, (_, table) in PLAIN_MIGRATIONS.items()
            if catalog.relation("public", table) is None and name not in written
        ),
    )


# The columns of the app's images that vidprompt reads or writes besides id and user_id (as
# the app defines them), the types (format_type's names) each may have, and who needs it:
# without one, every claim of the worker (or every upload) would fail in the database.
_TEXT = ("text", "character varying")
_IMAGE_COLUMNS = {
    "url": ("text not null", _TEXT, "The worker fetches each image by its url"),
    "storage_path": (
        "text not null",
        _TEXT,
        "The worker reads each image from storage by its path",
    ),
    "metadata": (
        "jsonb default '{}'",
        ("jsonb", "json"),
        "The worker describes each image by its metadata",
    ),
    "type": ("text not null", _TEXT, "Uploads store their images with a type"),
    "collection_id": (
        "uuid references public.collections",
        ("uuid",),
        "Uploads may go to a collection",
    ),
}


def _prerequisites(catalog: Catalog, *, has_auth: bool) -> Relation:
    if not has_auth:
        raise ProjectNotReady(
            "The database has no auth schema.",
            hint="vidprompt adds a feature to a Supabase project: its users are auth.users. "
            "Point --db-url at the Supabase project's database.",
        )
    images = catalog.relation("public", "images")
    if images is None or not images.is_table:
        raise ProjectNotReady(
            "The project has no public.images table.",
            hint="vidprompt writes video prompts for the app's images: add the migration that "
            "creates public.images (id uuid primary key, user_id uuid references auth.users) "
            "first.",
        )
    for name in ("id", "user_id"):
        column = images.column(name)
        if column is None or column.data_type != "uuid":
            raise ProjectNotReady(
                f"public.images has no {name} column of type uuid.",
                hint="Each image belongs to a user: images needs id uuid (its key) and "
                "user_id uuid not null references auth.users (id).",
            )
    missing = [name for name in _IMAGE_COLUMNS if images.column(name) is None]
    if missing:
        # All of them at once, so one migration of the app's adds what init needs.
        raise ProjectNotReady(
            f"public.images has no {' / '.join(missing)} column.",
            hint="; ".join(_IMAGE_COLUMNS[name][2] for name in missing)
            + ": add "
            + ", ".join(f"`{name} {_IMAGE_COLUMNS[name][0]}`" for name in missing)
            + " to public.images in a migration of the app's, then run init again.",
        )
    for name, (definition, types, reader) in _IMAGE_COLUMNS.items():
        column = images.column(name)
        if column is not None and column.data_type.split("(")[0] not in types:
            raise ProjectNotReady(
                f"public.images.{name} is {column.data_type}, not {definition.split()[0]}.",
                hint=f"{reader}: make it `{definition}` in a migration of the app's, then run "
                "init again.",
            )
    return images


def _has_owner_key(images: Relation) -> bool:
    """A unique key on exactly (id, user_id), which the composite foreign key can reference."""
    return any(
        index.is_unique
        and index.predicate is None
        and len(index.key_columns) == 2
        and set(index.key_columns) == {"id", "user_id"}
        for index in images.indexes
    )


def _updated_at_function(catalog: Catalog) -> str:
    """The plan's name unless the project has a function of that name vidprompt did not make."""
    if not _has_function(catalog, UPDATED_AT_FUNCTION):
        return UPDATED_AT_FUNCTION
    video_prompts = catalog.relation("public", "video_prompts")
    triggers = video_prompts.triggers if video_prompts is not None else ()
    if any(trigger.function == f"public.{UPDATED_AT_FUNCTION}" for trigger in triggers):
        return UPDATED_AT_FUNCTION  # made with video_prompts, by the plan or an earlier init
    return OWN_UPDATED_AT_FUNCTION


def _has_function(catalog: Catalog, name: str) -> bool:
    return any(f.schema == "public" and f.name == name for f in catalog.functions)
