"""Typed rows of the database, generated from its catalog: do not edit."""

# Regenerate with `vidprompt types update` after a migration. There is no
# `from __future__ import annotations`: Pydantic and TypedDict read these at runtime.

import uuid
from typing import Annotated, Literal, NotRequired

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue
from typing_extensions import TypedDict

GenerationJobsState = Literal["failed", "queued", "running", "succeeded"]
ImagesType = Literal["generated", "source"]
VideoPromptsCameraStyle = Literal[
    "cinematic",
    "dolly",
    "orbit",
    "slow_motion",
    "statisch",
    "zoom_in",
]
VideoPromptsStatus = Literal["completed", "draft", "failed", "pending"]


class CollectionsRow(BaseModel):
    """A row of the table public.collections."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    created_at: AwareDatetime
    id: uuid.UUID
    name: Annotated[str, Field(min_length=1)]
    prompt: str | None
    quantity: int | None
    status: str
    type: str
    updated_at: AwareDatetime
    user_id: uuid.UUID


class CollectionsInsert(TypedDict):
    """A new row of public.collections; keys with a default may be left out."""

    created_at: NotRequired[AwareDatetime]
    id: NotRequired[uuid.UUID]
    name: Annotated[str, Field(min_length=1)]
    prompt: NotRequired[str | None]
    quantity: NotRequired[int | None]
    status: NotRequired[str]
    type: NotRequired[str]
    updated_at: NotRequired[AwareDatetime]
    user_id: uuid.UUID


class CollectionsUpdate(TypedDict, total=False):
    """A change to rows of public.collections: only the columns to set."""

    created_at: AwareDatetime
    id: uuid.UUID
    name: Annotated[str, Field(min_length=1)]
    prompt: str | None
    quantity: int | None
    status: str
    type: str
    updated_at: AwareDatetime
    user_id: uuid.UUID


class GenerationJobsRow(BaseModel):
    """A row of the table public.generation_jobs."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    attempts: int
    created_at: AwareDatetime
    error_code: str | None
    error_message: str | None
    finished_at: AwareDatetime | None
    id: int
    locked_by: str | None
    max_attempts: int
    run_after: AwareDatetime
    state: GenerationJobsState
    updated_at: AwareDatetime
    user_id: uuid.UUID
    variant_id: uuid.UUID


class GenerationJobsInsert(TypedDict):
    """A new row of public.generation_jobs; keys with a default may be left out."""

    attempts: NotRequired[int]
    created_at: NotRequired[AwareDatetime]
    error_code: NotRequired[str | None]
    error_message: NotRequired[str | None]
    finished_at: NotRequired[AwareDatetime | None]
    locked_by: NotRequired[str | None]
    max_attempts: NotRequired[int]
    run_after: NotRequired[AwareDatetime]
    state: NotRequired[GenerationJobsState]
    updated_at: NotRequired[AwareDatetime]
    user_id: uuid.UUID
    variant_id: uuid.UUID


class GenerationJobsUpdate(TypedDict, total=False):
    """A change to rows of public.generation_jobs: only the columns to set."""

    attempts: int
    created_at: AwareDatetime
    error_code: str | None
    error_message: str | None
    finished_at: AwareDatetime | None
    locked_by: str | None
    max_attempts: int
    run_after: AwareDatetime
    state: GenerationJobsState
    updated_at: AwareDatetime
    user_id: uuid.UUID
    variant_id: uuid.UUID


class ImageSuggestionsRow(BaseModel):
    """A row of the table public.image_suggestions."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    created_at: AwareDatetime
    image_id: uuid.UUID
    model_name: str
    suggestions: Annotated[list[str], Field(max_length=5)]
    user_id: uuid.UUID


class ImageSuggestionsInsert(TypedDict):
    """A new row of public.image_suggestions; keys with a default may be left out."""

    created_at: NotRequired[AwareDatetime]
    image_id: uuid.UUID
    model_name: str
    suggestions: Annotated[list[str], Field(max_length=5)]
    user_id: uuid.UUID


class ImageSuggestionsUpdate(TypedDict, total=False):
    """A change to rows of public.image_suggestions: only the columns to set."""

    created_at: AwareDatetime
    image_id: uuid.UUID
    model_name: str
    suggestions: Annotated[list[str], Field(max_length=5)]
    user_id: uuid.UUID


class ImagesRow(BaseModel):
    """A row of the table public.images."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    collection_id: uuid.UUID | None
    created_at: AwareDatetime
    id: uuid.UUID
    metadata: JsonValue | None
    status: str
    storage_path: str
    type: ImagesType
    url: str
    user_id: uuid.UUID


class ImagesInsert(TypedDict):
    """A new row of public.images; keys with a default may be left out."""

    collection_id: NotRequired[uuid.UUID | None]
    created_at: NotRequired[AwareDatetime]
    id: NotRequired[uuid.UUID]
    metadata: NotRequired[JsonValue | None]
    status: NotRequired[str]
    storage_path: str
    type: ImagesType
    url: str
    user_id: uuid.UUID


class ImagesUpdate(TypedDict, total=False):
    """A change to rows of public.images: only the columns to set."""

    collection_id: uuid.UUID | None
    created_at: AwareDatetime
    id: uuid.UUID
    metadata: JsonValue | None
    status: str
    storage_path: str
    type: ImagesType
    url: str
    user_id: uuid.UUID


class ProfilesRow(BaseModel):
    """A row of the table public.profiles."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    avatar_url: str | None
    created_at: AwareDatetime
    full_name: str | None
    gemini_api_key: str | None
    id: uuid.UUID
    updated_at: AwareDatetime


class ProfilesInsert(TypedDict):
    """A new row of public.profiles; keys with a default may be left out."""

    avatar_url: NotRequired[str | None]
    created_at: NotRequired[AwareDatetime]
    full_name: NotRequired[str | None]
    gemini_api_key: NotRequired[str | None]
    id: uuid.UUID
    updated_at: NotRequired[AwareDatetime]


class ProfilesUpdate(TypedDict, total=False):
    """A change to rows of public.profiles: only the columns to set."""

    avatar_url: str | None
    created_at: AwareDatetime
    full_name: str | None
    gemini_api_key: str | None
    id: uuid.UUID
    updated_at: AwareDatetime


class VariantRequestsRow(BaseModel):
    """A row of the table public.variant_requests."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    created_at: AwareDatetime
    fingerprint: str
    idempotency_key: Annotated[str, Field(max_length=255, min_length=1)]
    status_code: int | None
    user_id: uuid.UUID
    variant_id: uuid.UUID | None


class VariantRequestsInsert(TypedDict):
    """A new row of public.variant_requests; keys with a default may be left out."""

    created_at: NotRequired[AwareDatetime]
    fingerprint: str
    idempotency_key: Annotated[str, Field(max_length=255, min_length=1)]
    status_code: NotRequired[int | None]
    user_id: uuid.UUID
    variant_id: NotRequired[uuid.UUID | None]


class VariantRequestsUpdate(TypedDict, total=False):
    """A change to rows of public.variant_requests: only the columns to set."""

    created_at: AwareDatetime
    fingerprint: str
    idempotency_key: Annotated[str, Field(max_length=255, min_length=1)]
    status_code: int | None
    user_id: uuid.UUID
    variant_id: uuid.UUID | None


class VideoPromptsRow(BaseModel):
    """A row of the table public.video_prompts."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    camera_style: VideoPromptsCameraStyle | None
    created_at: AwareDatetime
    error_code: str | None
    error_message: str | None
    film_effects: Annotated[list[str], Field(max_length=3)] | None
    id: uuid.UUID
    image_id: uuid.UUID
    is_primary: bool | None
    model_name: str
    prompt_text: Annotated[str, Field(max_length=2000)]
    seq: int
    status: VideoPromptsStatus
    updated_at: AwareDatetime
    user_id: uuid.UUID
    user_instruction: Annotated[str, Field(max_length=500)] | None


class VideoPromptsInsert(TypedDict):
    """A new row of public.video_prompts; keys with a default may be left out."""

    camera_style: NotRequired[VideoPromptsCameraStyle | None]
    created_at: NotRequired[AwareDatetime]
    error_code: NotRequired[str | None]
    error_message: NotRequired[str | None]
    film_effects: NotRequired[Annotated[list[str], Field(max_length=3)] | None]
    id: NotRequired[uuid.UUID]
    image_id: uuid.UUID
    is_primary: NotRequired[bool | None]
    model_name: str
    prompt_text: Annotated[str, Field(max_length=2000)]
    status: NotRequired[VideoPromptsStatus]
    updated_at: NotRequired[AwareDatetime]
    user_id: uuid.UUID
    user_instruction: NotRequired[Annotated[str, Field(max_length=500)] | None]


class VideoPromptsUpdate(TypedDict, total=False):
    """A change to rows of public.video_prompts: only the columns to set."""

    camera_style: VideoPromptsCameraStyle | None
    created_at: AwareDatetime
    error_code: str | None
    error_message: str | None
    film_effects: Annotated[list[str], Field(max_length=3)] | None
    id: uuid.UUID
    image_id: uuid.UUID
    is_primary: bool | None
    model_name: str
    prompt_text: Annotated[str, Field(max_length=2000)]
    status: VideoPromptsStatus
    updated_at: AwareDatetime
    user_id: uuid.UUID
    user_instruction: Annotated[str, Field(max_length=500)] | None
