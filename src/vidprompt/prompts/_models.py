"""What the store returns beyond the generated row models: numbered variants and pages."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from typing_extensions import TypedDict

from vidprompt.db_types import VideoPromptsRow
from vidprompt.errors import InvalidInput

T = TypeVar("T", bound=BaseModel)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# An image's variants come in larger pages: a page is one image's navigation ("2 von 3").
DEFAULT_VARIANT_PAGE_SIZE = 50
MAX_VARIANT_PAGE_SIZE = 200


class Variant(VideoPromptsRow):
    """A variant with its place among its image's variants: ``position`` of ``total``.

    Positions count from 1 in the documented order (``created_at``, then ``seq``).
    """

    position: int
    total: int


class Page(BaseModel, Generic[T]):
    """One page of a newest-first list; pass ``next_cursor`` as ``after`` for the next."""

    model_config = ConfigDict(frozen=True)

    items: list[T]
    next_cursor: str | None


class VariantPage(BaseModel):
    """One page of an image's variants, oldest first; ``total`` counts all of them.

    Pass ``next_cursor`` as ``after`` for the next page (None: this is the last).
    """

    model_config = ConfigDict(frozen=True)

    items: list[Variant]
    total: int
    next_cursor: str | None


class VariantEdit(TypedDict, total=False):
    """The columns a user may edit on a variant; a key left out stays unchanged."""

    prompt_text: str
    user_instruction: str | None
    camera_style: str
    film_effects: list[str]


def page_size(limit: int, maximum: int = MAX_PAGE_SIZE) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise InvalidInput(f"limit must be between 1 and {maximum}.", field="limit")
    return limit


def encode_cursor(created_at: datetime.datetime, tiebreak: uuid.UUID | int) -> str:
    """An opaque keyset cursor: the last item's sort key."""
    key = [created_at.isoformat(), str(tiebreak) if isinstance(tiebreak, uuid.UUID) else tiebreak]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, str | int]:
    """The sort key inside ``cursor``; InvalidInput if it was not made by :func:`encode_cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, tiebreak = json.loads(raw)
        moment = datetime.datetime.fromisoformat(created_at)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidInput("The page cursor is not valid.", field="after") from None
    if moment.tzinfo is None or not isinstance(tiebreak, str | int):
        raise InvalidInput("The page cursor is not valid.", field="after")
    return moment, tiebreak
