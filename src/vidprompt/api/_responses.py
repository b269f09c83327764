"""Response bodies written straight from the store's rows, for the busiest routes.

Validating a row into the store's model, again into the public model and then once more as
FastAPI's response model tripled the work of listing variants. Here the public fields are
read off the store's model (a single variant) or its plain rows (a listing:
:class:`VariantRows`, which Postgres typed and the table's checks bounded) and encoded with
orjson. The OpenAPI document still comes from the public models (the routes declare them as
``response_model``), and tests check that these bodies equal the public models' own JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from starlette.responses import Response

from vidprompt.api._schemas import VariantPublic
from vidprompt.prompts import Variant, VariantRows, length_feedback, word_count

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


def variant_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """What :class:`VariantPublic` shows of a variant, as plain values: ``values`` are a
    :class:`Variant`'s (``vars(variant)``) or an item of :class:`VariantRows`, its fields.

    A copy of the values without the hidden ones: reading the public fields one by one was
    the largest cost of a listing's own code.
    """
    body = dict(values)
    for name in _HIDDEN:
        del body[name]
    body["film_effects"] = body["film_effects"] or []
    body["is_primary"] = bool(body["is_primary"])
    words = word_count(body["prompt_text"])
    body["word_count"] = words
    body["length_feedback"] = length_feedback(words)
    return body


def variant_response(variant: Variant, *, status_code: int = 200) -> JSONBody:
    return JSONBody(variant_body(vars(variant)), status_code=status_code)


def variant_list_body(image_id: uuid.UUID, page: VariantRows) -> dict[str, Any]:
    """What :class:`VariantList` shows of a page of variants."""
    return {
        "image_id": image_id,
        "total": page.total,
        "items": [variant_body(row) for row in page.items],
        "next_cursor": page.next_cursor,
    }
