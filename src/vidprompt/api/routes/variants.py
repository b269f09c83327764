"""Variants of an image: list in order, create (draft or generation), get, edit, delete, primary.

Two path families, so no router prefix: an image's variant collection lives under
``/images/{image_id}/variants`` and each variant at ``/variants/{variant_id}``.
"""

# FastAPI and pydantic read this module's annotations at run time: imports stay real.
# ruff: noqa: TC001, TC003

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Body, Query, Response, status

from vidprompt.api._deps import ScopeDep, SettingsDep, StoreDep
from vidprompt.api._openapi import problems
from vidprompt.api._schemas import (
    DraftCreate,
    GenerationCreate,
    VariantCreate,
    VariantList,
    VariantPageLimit,
    VariantPublic,
    VariantUpdate,
)
from vidprompt.generation import enqueue_generation
from vidprompt.prompts import DEFAULT_VARIANT_PAGE_SIZE, Variant, VariantEdit

if TYPE_CHECKING:
    from vidprompt.config import Settings
    from vidprompt.database import Scope
    from vidprompt.db_types import VideoPromptsRow
    from vidprompt.prompts import Store

router = APIRouter(tags=["variants"], responses=problems(401, 403, 404, 422))

# What a variant written by the user (not a model) records as its model.
DRAFT_MODEL = "manual"


def _public(variant: Variant) -> VariantPublic:
    return VariantPublic.model_validate(
        variant.model_dump()
        | {"film_effects": variant.film_effects or [], "is_primary": bool(variant.is_primary)}
    )


@router.get("/images/{image_id}/variants", summary="List an image's variants in order")
async def list_variants(
    image_id: uuid.UUID,
    scope: ScopeDep,
    store: StoreDep,
    limit: Annotated[VariantPageLimit, Query(description="Variants per page.")] = (
        DEFAULT_VARIANT_PAGE_SIZE
    ),
    after: Annotated[
        str | None, Query(max_length=200, description="A page's `next_cursor`.")
    ] = None,
) -> VariantList:
    """Oldest first, each with ``position`` and ``total`` (counted across pages), for "2 von
    3" navigation; ``next_cursor`` leads to the next page."""
    page = await store.page_variants(scope, image_id, limit=limit, after=after)
    return VariantList(
        image_id=image_id,
        total=page.total,
        items=[_public(v) for v in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    "/images/{image_id}/variants",
    status_code=status.HTTP_201_CREATED,
    summary="Create a variant: a draft, or a generation request",
    responses={
        201: {"description": "The draft, stored."},
        202: {"model": VariantPublic, "description": "The pending variant, queued."},
        **problems(429, 503),
    },
)
async def create_variant(
    image_id: uuid.UUID,
    body: Annotated[VariantCreate, Body()],
    scope: ScopeDep,
    store: StoreDep,
    settings: SettingsDep,
    response: Response,
) -> VariantPublic:
    """``kind: draft`` stores the given text (201). ``kind: generation`` answers 202 with the
    ``pending`` variant, which the generation worker completes; 429 ``quota_exceeded`` when
    the caller already has too many unfinished requests."""
    if isinstance(body, DraftCreate):
        created = await store.create_variant(
            scope,
            image_id,
            model_name=DRAFT_MODEL,
            prompt_text=body.prompt_text,
            user_instruction=body.user_instruction,
            camera_style=body.camera_style,
            film_effects=body.film_effects,
        )
    else:
        created = await request_generation(store, scope, image_id, body, settings)
        response.status_code = status.HTTP_202_ACCEPTED
    response.headers["Location"] = f"/variants/{created.id}"
    return _public(await store.get_variant(scope, created.id))


async def request_generation(
    store: Store, scope: Scope, image_id: uuid.UUID, body: GenerationCreate, settings: Settings
) -> VideoPromptsRow:
    """Queue a generation: a ``pending`` variant and its job, for the generation worker.

    The generation module writes both as the service role in one transaction, so no user
    can enqueue around the per-user cap (429 ``quota_exceeded``); the owner is the scope's
    verified user, never a value from the body, and an anonymous caller is refused (401).
    """
    return await enqueue_generation(
        store.database,
        scope,
        image_id,
        settings=settings,
        instruction=body.user_instruction,
        camera_style=body.camera_style,
        film_effects=body.film_effects,
    )


@router.get("/variants/{variant_id}", summary="Get a variant")
async def get_variant(variant_id: uuid.UUID, scope: ScopeDep, store: StoreDep) -> VariantPublic:
    return _public(await store.get_variant(scope, variant_id))


@router.patch(
    "/variants/{variant_id}",
    summary="Edit a variant's text, instruction, camera style or film effects",
    responses=problems(409),
)
async def update_variant(
    variant_id: uuid.UUID, body: VariantUpdate, scope: ScopeDep, store: StoreDep
) -> VariantPublic:
    """409 ``conflict`` while the variant is ``pending`` (the worker is writing it)."""
    edit = VariantEdit(**body.model_dump(exclude_unset=True))  # type: ignore[typeddict-item]
    await store.update_variant(scope, variant_id, edit)
    return _public(await store.get_variant(scope, variant_id))


@router.post(
    "/variants/{variant_id}/primary",
    summary="Make a variant its image's primary one",
    responses=problems(409),
)
async def mark_primary(variant_id: uuid.UUID, scope: ScopeDep, store: StoreDep) -> VariantPublic:
    """The image's previous primary variant stops being primary, in the same transaction."""
    await store.mark_primary(scope, variant_id)
    return _public(await store.get_variant(scope, variant_id))


@router.delete(
    "/variants/{variant_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a variant"
)
async def delete_variant(variant_id: uuid.UUID, scope: ScopeDep, store: StoreDep) -> None:
    await store.delete_variant(scope, variant_id)
