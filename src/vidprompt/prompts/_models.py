"""A variant's inputs, defined once; what the store returns beyond the generated rows.

:class:`GenerationInputs` and :class:`VariantInputs` are the one definition of what a user
chooses for a variant. The API's request and response bodies subclass them, the store and
the queue validate with them, and the SQL that writes them lists their fields
(:func:`with_columns`): a new input column is a migration and a field here.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from vidprompt.database import Jsonb, column_list
from vidprompt.db_types import VideoPromptsRow
from vidprompt.errors import InvalidInput
from vidprompt.prompts.vocabulary import (
    DEFAULT_CAMERA_STYLE,
    CameraStyle,
    FilmEffects,
    Instruction,
    PromptText,
    refusal,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

T = TypeVar("T", bound=BaseModel)
I = TypeVar("I", bound="GenerationInputs")  # noqa: E741

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# An image's variants come in larger pages: a page is one image's navigation ("2 von 3").
DEFAULT_VARIANT_PAGE_SIZE = 50
MAX_VARIANT_PAGE_SIZE = 200


class GenerationInputs(BaseModel):
    """What a user chooses for a generated variant; each field is a column of video_prompts.

    Defaults are the columns' defaults. A new input column is a field here (or on
    :class:`VariantInputs` if generation does not take it): the API's bodies, the store's
    writes and the queue's reads follow.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_instruction: Instruction | None = None
    camera_style: CameraStyle = DEFAULT_CAMERA_STYLE
    film_effects: FilmEffects = []


class VariantInputs(GenerationInputs):
    """Everything a user writes on a variant: the generation inputs and the text itself."""

    prompt_text: PromptText = ""


def inputs(model: type[I], given: I | Mapping[str, Any] | None) -> I:
    """``given`` as ``model``: a model passes, a mapping is validated (InvalidInput naming
    the first refused field); only the keys given count as set (an edit's changes)."""
    if given is None:
        return model()
    if isinstance(given, model):
        return given
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise refusal(exc) from None


def input_values(
    given: GenerationInputs, model: type[GenerationInputs], *, only_set: bool = False
) -> Jsonb:
    """The query parameter of ``model``'s fields of ``given``: a JSON object, one key per
    column; ``only_set``: only the fields the caller set (an edit's changes)."""
    names = set(model.model_fields)
    if only_set:
        names &= given.model_fields_set
    return Jsonb(given.model_dump(mode="json", include=names))


def stored_inputs(model: type[I], row: Mapping[str, Any]) -> I:
    """``model`` of a stored row, as a client that bypassed vidprompt may have written it: a
    null where vidprompt always writes a value reads as the column's default, and a film
    effect stored twice (no database rule forbids it) counts once. InvalidInput naming the
    field for what the database allows but no generation can use (a nested array)."""
    values = {name: row[name] for name in model.model_fields if row[name] is not None}
    effects = values.get("film_effects")
    if isinstance(effects, list):
        values["film_effects"] = [e for i, e in enumerate(effects) if e not in effects[:i]]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise refusal(exc) from None


def _columns(model: type[BaseModel], table: str | None = None) -> bytes:
    return column_list(model.model_fields, table)


@cache
def with_columns(query: bytes) -> bytes:
    """``query`` with its column lists written out: ``{inputs}`` / ``{generation_inputs}`` are
    the columns of :class:`VariantInputs` / :class:`GenerationInputs` and ``{row}`` those of
    the generated :class:`VideoPromptsRow`, in its order; ``{r.inputs}`` (``v.``, and so on)
    the same of the row ``r`` (``v``)."""
    for model, placeholder in (
        (VariantInputs, b"inputs"),
        (GenerationInputs, b"generation_inputs"),
        (VideoPromptsRow, b"row"),
    ):
        query = query.replace(b"{" + placeholder + b"}", _columns(model))
        for table in ("r", "v"):
            marker = b"{" + table.encode() + b"." + placeholder + b"}"
            query = query.replace(marker, _columns(model, table))
    return query


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


@dataclass(frozen=True, slots=True)
class VariantRows:
    """:class:`VariantPage` as the database returned it, for callers that only encode it.

    Each item holds exactly the fields of :class:`Variant`, in its order: the query lists
    the generated row's columns, so a column the generated types do not know is not read.
    Postgres typed each value and the table's checks bounded it, as the generated types
    (``vidprompt types``, checked by ``vidprompt verify``) describe them, but for the
    number of an array's dimensions, which no check limits: a row whose ``film_effects``
    is nested is refused with the model's ValidationError, as :meth:`validated` would.
    Validating the rows into models cost the API's listing a tenth of its CPU under load.
    """

    items: list[dict[str, Any]]
    total: int
    next_cursor: str | None

    def validated(self) -> VariantPage:
        return VariantPage.model_validate(
            {"items": self.items, "total": self.total, "next_cursor": self.next_cursor}
        )


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
