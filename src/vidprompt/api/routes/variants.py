"""Variants of an image: list in order, create (draft or generation), get, edit, delete, primary.

Two path families, so no router prefix: an image's variant collection lives under
``/images/{image_id}/variants`` and each variant at ``/variants/{variant_id}``.
"""

# FastAPI and pydantic read this module's annotations at run time: imports stay real.
# ruff: noqa: TC001, TC003

from __future__ import annotations

import hashlib
import json
import uuid
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response, status

from vidprompt.api._deps import ScopeDep, SettingsDep, StoreDep
from vidprompt.api._fast_lane import FastGet, bounded_int, bounded_str
from vidprompt.api._openapi import problems
from vidprompt.api._responses import (
    JSONBody,
    variant_body,
    variant_list_body,
    variant_response,
)
from vidprompt.api._schemas import (
    DraftCreate,
    GenerationCreate,
    VariantCreate,
    VariantList,
    VariantPageLimit,
    VariantPublic,
    VariantUpdate,
)
from vidprompt.errors import InvalidInput
from vidprompt.generation import enqueue_generation
from vidprompt.prompts import DEFAULT_VARIANT_PAGE_SIZE, MAX_VARIANT_PAGE_SIZE, Variant

if TYPE_CHECKING:
    from vidprompt.config import Settings
    from vidprompt.database import Scope
    from vidprompt.db_types import VideoPromptsRow
    from vidprompt.prompts import Store

router = APIRouter(tags=["variants"], responses=problems(401, 403, 404, 422))

# What a variant written by the user (not a model) records as its model.
DRAFT_MODEL = "manual"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Told to a client whose retry was answered from the first request.
REPLAYED_HEADER = "Idempotent-Replayed"
# The longest page cursor a client may send back.
MAX_CURSOR_CHARS = 200


@router.get(
    "/images/{image_id}/variants",
    summary="List an image's variants in order",
    response_model=VariantList,
)
async def list_variants(
    image_id: uuid.UUID,
    scope: ScopeDep,
    store: StoreDep,
    limit: Annotated[VariantPageLimit, Query(description="Variants per page.")] = (
        DEFAULT_VARIANT_PAGE_SIZE
    ),
    after: Annotated[
        str | None, Query(max_length=MAX_CURSOR_CHARS, description="A page's `next_cursor`.")
    ] = None,
) -> JSONBody:
    """Oldest first, each with ``position`` and ``total`` (counted across pages), for "2 von
    3" navigation; ``next_cursor`` leads to the next page."""
    page = await store.page_variant_rows(scope, image_id, limit=limit, after=after)
    return JSONBody(variant_list_body(image_id, page))


def _public(variant: Variant) -> VariantPublic:
    return VariantPublic.model_validate(variant_body(vars(variant)))


@router.post(
    "/images/{image_id}/variants",
    status_code=status.HTTP_201_CREATED,
    summary="Create a variant: a draft, or a generation request",
    responses={
        201: {"description": "The draft, stored."},
        202: {"model": VariantPublic, "description": "The pending variant, queued."},
        **problems(409, 429, 503),
    },
)
async def create_variant(
    image_id: uuid.UUID,
    body: Annotated[VariantCreate, Body()],
    scope: ScopeDep,
    store: StoreDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_HEADER,
            max_length=257,
            description="A key of your choosing (at most 255 printable ASCII characters, "
            "e.g. a uuid) that makes retrying safe: for 24 hours, the same key with the same "
            "request answers with the variant the first one made (and `Idempotent-Replayed: "
            "true`) instead of creating another; with a different request, 422 "
            "`idempotency_key_reused`; while the first is still being handled, 409 "
            "`request_in_progress`. Keys are per user.",
        ),
    ] = None,
) -> VariantPublic:
    """``kind: draft`` stores the given text (201). ``kind: generation`` answers 202 with the
    ``pending`` variant, which the generation worker completes; 429 ``quota_exceeded`` when
    the caller already has too many unfinished requests."""
    if idempotency_key is None:
        created, code = await _create(store, scope, image_id, body, settings)
    else:
        key = _checked_key(request.headers.getlist(IDEMPOTENCY_HEADER))
        claim = await store.claim_request(scope, key, _fingerprint(image_id, body))
        if claim.variant_id is not None and claim.status_code is not None:
            created, code = claim.variant_id, claim.status_code
            response.headers[REPLAYED_HEADER] = "true"
        else:
            try:
                created, code = await _create(store, scope, image_id, body, settings)
            except Exception:  # no variant was made: a retry may try again
                await store.release_request(scope, key)
                raise
            await store.finish_request(scope, key, variant_id=created, status_code=code)
    response.status_code = code
    response.headers["Location"] = f"/variants/{created}"
    return _public(await store.get_variant(scope, created))


async def _create(
    store: Store,
    scope: Scope,
    image_id: uuid.UUID,
    body: DraftCreate | GenerationCreate,
    settings: Settings,
) -> tuple[uuid.UUID, int]:
    """The new variant's id, and the status that answers it (201 draft, 202 queued)."""
    if isinstance(body, GenerationCreate):
        queued = await request_generation(store, scope, image_id, body, settings)
        return queued.id, status.HTTP_202_ACCEPTED
    draft = await store.create_variant(scope, image_id, body, model_name=DRAFT_MODEL)
    return draft.id, status.HTTP_201_CREATED


def _checked_key(values: list[str]) -> str:
    """The key of the one ``Idempotency-Key`` header: a structured-field string as the IETF
    draft writes it (``"…"``), or the bare key; 1 to 255 printable ASCII characters. Two
    headers are refused: which key the client meant is unknowable."""
    if len(values) != 1:
        raise InvalidInput(f"Send one {IDEMPOTENCY_HEADER} header.", field=IDEMPOTENCY_HEADER)
    value = values[0]
    key = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    if not 1 <= len(key) <= 255 or not all(" " < char <= "~" for char in key):
        raise InvalidInput(
            f"{IDEMPOTENCY_HEADER} must be 1 to 255 printable ASCII characters.",
            field=IDEMPOTENCY_HEADER,
        )
    return key


def _fingerprint(image_id: uuid.UUID, body: DraftCreate | GenerationCreate) -> str:
    """What a request asks for, as a hash: the image and the body's values other than the
    defaults, so leaving a default out or sending it is one request, and an input added later
    (with its default) leaves the requests stored before it the same."""
    request = {
        "image_id": str(image_id),
        "body": body.model_dump(mode="json", exclude_defaults=True),
    }
    canonical = json.dumps(request, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def request_generation(
    store: Store, scope: Scope, image_id: uuid.UUID, body: GenerationCreate, settings: Settings
) -> VideoPromptsRow:
    """Queue a generation: a ``pending`` variant and its job, for the generation worker.

    The generation module writes both as the service role in one transaction, so no user
    can enqueue around the per-user cap (429 ``quota_exceeded``); the owner is the scope's
    verified user, never a value from the body, and an anonymous caller is refused (401).
    """
    return await enqueue_generation(store.database, scope, image_id, body, settings=settings)


@router.get("/variants/{variant_id}", summary="Get a variant", response_model=VariantPublic)
async def get_variant(variant_id: uuid.UUID, scope: ScopeDep, store: StoreDep) -> JSONBody:
    return variant_response(await store.get_variant(scope, variant_id))


# The routes that change a variant and answer with it as it is then.
_CHANGE: dict[str, Any] = {"responses": problems(409), "response_model": VariantPublic}


@router.patch(
    "/variants/{variant_id}",
    summary="Edit a variant's text, instruction, camera style or film effects",
    **_CHANGE,
)
async def update_variant(
    variant_id: uuid.UUID, body: VariantUpdate, scope: ScopeDep, store: StoreDep
) -> JSONBody:
    """409 ``conflict`` while the variant is ``pending`` (the worker is writing it)."""
    await store.update_variant(scope, variant_id, body)
    return await get_variant(variant_id, scope, store)


@router.post(
    "/variants/{variant_id}/primary", summary="Make a variant its image's primary one", **_CHANGE
)
async def mark_primary(variant_id: uuid.UUID, scope: ScopeDep, store: StoreDep) -> JSONBody:
    """The image's previous primary variant stops being primary, in the same transaction."""
    await store.mark_primary(scope, variant_id)
    return await get_variant(variant_id, scope, store)


# The busiest reads, served without FastAPI's per-request resolver when plainly well-formed
# (see vidprompt.api._fast_lane); the readers accept what the declarations above accept.
FAST_LANES = (
    FastGet(
        "/images/{image_id}/variants",
        list_variants,
        query={
            "limit": bounded_int(1, MAX_VARIANT_PAGE_SIZE),
            "after": bounded_str(MAX_CURSOR_CHARS),
        },
    ),
    FastGet("/variants/{variant_id}", get_variant),
)


@router.delete(
    "/variants/{variant_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a variant"
)
async def delete_variant(variant_id: uuid.UUID, scope: ScopeDep, store: StoreDep) -> None:
    await store.delete_variant(scope, variant_id)
