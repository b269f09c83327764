"""The API's request and response bodies: separate models for creating, editing and reading.

Request models forbid unknown fields, so a typo is a 422 naming the field rather than a
silently ignored value. Vocabulary fields are enums in the OpenAPI document, so the UI's
selectors and generated clients know the allowed keys. The variant bodies subclass the
store's :class:`VariantInputs` / :class:`GenerationInputs`: an input is defined once.
"""

# FastAPI and pydantic read this module's annotations at run time: imports stay real.
# ruff: noqa: TC001, TC002, TC003

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    computed_field,
)
from pydantic.json_schema import SkipJsonSchema

from vidprompt.db_types import ImagesType, VideoPromptsRow
from vidprompt.prompts import (
    MAX_PAGE_SIZE,
    MAX_VARIANT_PAGE_SIZE,
    GenerationInputs,
    LengthFeedback,
    VariantInputs,
    length_feedback,
    word_count,
)
from vidprompt.prompts.vocabulary import PromptText
from vidprompt.storage import check_object_name

_REQUEST = ConfigDict(extra="forbid")

PageLimit = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
VariantPageLimit = Annotated[int, Field(ge=1, le=MAX_VARIANT_PAGE_SIZE)]


class ImageCreate(BaseModel):
    """An image the app has stored (in Supabase Storage) to record for the caller."""

    model_config = _REQUEST

    url: Annotated[str, Field(min_length=1, max_length=2048)]
    # The object's name in the bucket, checked as the worker checks it before reading: no
    # '..', '.', empty segments, backslashes, leading '/', encoded dots, control characters.
    storage_path: Annotated[
        str, Field(min_length=1, max_length=1024), AfterValidator(check_object_name)
    ]
    collection_id: uuid.UUID | None = None
    type: ImagesType = "generated"
    metadata: dict[str, JsonValue] | None = None


class ImagePublic(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    collection_id: uuid.UUID | None
    url: str
    storage_path: str
    type: ImagesType
    metadata: JsonValue | None
    status: str
    created_at: AwareDatetime


class ImagePage(BaseModel):
    """Newest first; pass ``next_cursor`` as ``after`` for the next page (null: no more)."""

    items: list[ImagePublic]
    next_cursor: str | None


class VariantPublic(VideoPromptsRow):
    """A variant and its place among its image's variants: ``position`` of ``total`` ("2 von 3").

    Every column of the generated row is shown (a new column too), except the order key.
    """

    model_config = ConfigDict(extra="ignore")

    seq: SkipJsonSchema[int] = Field(default=0, exclude=True)  # the database's, not shown
    film_effects: list[str]
    is_primary: bool
    position: int = Field(ge=1)
    total: int = Field(ge=1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def word_count(self) -> int:
        """Words in ``prompt_text``, counted as the app counts them (whitespace-separated)."""
        return word_count(self.prompt_text)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def length_feedback(self) -> LengthFeedback:
        """``optimal`` for 50-150 words (green), ``long`` 151-200 (yellow), ``too_long``
        above 200 (red), ``short`` below 50 (no warning)."""
        return length_feedback(self.word_count)


class VariantList(BaseModel):
    """A page of an image's variants, in order (oldest first), each with its position among
    all ``total`` of them; pass ``next_cursor`` as ``after`` for the next page (null: no more)."""

    image_id: uuid.UUID
    total: int
    items: list[VariantPublic]
    next_cursor: str | None


class DraftCreate(VariantInputs):
    """A variant whose text the user writes (or pastes): stored as a ``draft``."""

    kind: Literal["draft"]
    prompt_text: PromptText


class GenerationCreate(GenerationInputs):
    """A variant for the AI to write: answered ``202`` with the ``pending`` variant, which the
    generation worker completes (or fails, with ``error_code``)."""

    kind: Literal["generation"]


VariantCreate = Annotated[DraftCreate | GenerationCreate, Field(discriminator="kind")]


def _no_defaults(schema: dict[str, JsonValue]) -> None:
    """An edit's fields have no default: one left out stays as it is."""
    properties = schema.get("properties")
    for field in properties.values() if isinstance(properties, dict) else ():
        if isinstance(field, dict):
            field.pop("default", None)


class VariantUpdate(VariantInputs):
    """The fields to change; a field left out stays as it is, and ``null`` clears a field
    that may be empty (``user_instruction: null`` clears the instruction)."""

    model_config = ConfigDict(json_schema_extra=_no_defaults)


class Term(BaseModel):
    """A stored key and the German label the UI shows for it."""

    key: str
    label: str


class Vocabulary(BaseModel):
    """What the UI's selectors offer, with the limits the API enforces."""

    camera_styles: list[Term]
    default_camera_style: str
    film_effects: list[Term]
    max_film_effects: int
    action_suggestions: list[str]
    max_instruction_chars: int
    max_prompt_chars: int
