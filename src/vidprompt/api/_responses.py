"""Response bodies written straight from the store's validated rows, for the busiest routes.

The store validates every row into its model once. Validating it again into the public model
and then once more as FastAPI's response model tripled the work of listing variants; here the
public fields are read off the row model and encoded with orjson. The OpenAPI document still
comes from the public models (the routes declare them as ``response_model``), and a test
checks that these bodies equal the public models' own JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from starlette.responses import Response

from vidprompt.api._schemas import VariantPublic
from vidprompt.prompts import Variant, length_feedback, word_count

if TYPE_CHECKING:
    import uuid
    from collections.abc import Mapping

# The row model's fields the public model leaves out (its computed fields follow the rest).
_HIDDEN = tuple(
    name
    for name in Variant.model_fields
    if name not in VariantPublic.model_fields or VariantPublic.model_fields[name].exclude
)


class JSONBody(Response):
    """``application/json`` encoded by orjson; datetimes in UTC end in ``Z``, as pydantic's."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_UTC_Z)

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        """Starlette's headers for a body without headers of its own, written out: its
        general way costs the busiest routes a few microseconds per response."""
        if headers is not None or self.status_code < 200 or self.status_code in (204, 304):
            super().init_headers(headers)
            return
        self.raw_headers = [
            (b"content-length", str(len(self.body)).encode()),
            (b"content-type", b"application/json"),
        ]


def variant_body(variant: Variant) -> dict[str, Any]:
    """What :class:`VariantPublic` shows of ``variant``, as plain values.

    A copy of the model's values without the hidden ones: reading the public fields one
    by one was the largest cost of a listing's own code.
    """
    body = variant.__dict__.copy()
    for name in _HIDDEN:
        del body[name]
    body["film_effects"] = variant.film_effects or []
    body["is_primary"] = bool(variant.is_primary)
    words = word_count(variant.prompt_text)
    body["word_count"] = words
    body["length_feedback"] = length_feedback(words)
    return body


def variant_response(variant: Variant, *, status_code: int = 200) -> JSONBody:
    return JSONBody(variant_body(variant), status_code=status_code)


def variant_list_body(
    image_id: uuid.UUID, total: int, items: list[Variant], next_cursor: str | None
) -> dict[str, Any]:
    """What :class:`VariantList` shows of a page of variants."""
    return {
        "image_id": image_id,
        "total": total,
        "items": [variant_body(variant) for variant in items],
        "next_cursor": next_cursor,
    }
