"""Variants: create, list an image's in order, get, recent prompts, edit, primary, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from vidprompt.db_types import VideoPromptsRow
from vidprompt.errors import Conflict, InvalidInput, NotFound
from vidprompt.prompts import vocabulary
from vidprompt.prompts._models import (
    DEFAULT_VARIANT_PAGE_SIZE,
    MAX_VARIANT_PAGE_SIZE,
    Variant,
    VariantInputs,
    VariantPage,
    VariantRows,
    decode_cursor,
    encode_cursor,
    input_values,
    inputs,
    page_size,
    with_columns,
)
from vidprompt.prompts._operations import Operations
from vidprompt.prompts._queries import queries

if TYPE_CHECKING:
    import uuid
    from collections.abc import Mapping
    from datetime import datetime

    from vidprompt.database import Scope

VARIANT_NOT_FOUND = "Variant not found."
# The key before every variant: the first page starts after it.
_START = ("-infinity", -(2**63))


class VariantOperations(Operations):
    async def create_variant(
        self,
        scope: Scope,
        image_id: uuid.UUID,
        given: VariantInputs | Mapping[str, Any] | None = None,
        *,
        model_name: str,
        status: Literal["draft", "pending"] = "draft",
    ) -> VideoPromptsRow:
        """A new variant of an image the scope can see: a ``draft`` (text given by the user)
        or ``pending`` (to be generated), with the inputs ``given`` (a :class:`VariantInputs`
        or a mapping of its fields; the rest take their defaults). It comes last in the
        image's order."""
        if status not in ("draft", "pending"):
            raise InvalidInput("A new variant is a draft or pending.", field="status")
        # The owner is not among the columns: the query copies it from the image.
        params = {
            "image_id": image_id,
            "model_name": vocabulary.required_text("model_name", model_name),
            "status": status,
            "inputs": input_values(inputs(VariantInputs, given), VariantInputs),
        }
        insert = with_columns(queries()["insert_variant"])
        row = await self._one(scope, insert, params, "Image not found.")
        return VideoPromptsRow.model_validate(row)

    async def list_variants(self, scope: Scope, image_id: uuid.UUID) -> list[Variant]:
        """All variants of an image in the documented order, each with position and total."""
        params = {"image_id": image_id}
        async with self._transaction(scope) as tx:
            listed = await tx.queue(queries()["list_variants"], params)
        rows = listed.all()
        if not rows:  # no variants yet, or no such image for this scope
            async with self._transaction(scope) as tx:
                image = await tx.queue(queries()["image_exists"], params)
            if image.one() is None:
                raise NotFound("Image not found.")
        total = len(rows)
        return [
            Variant.model_validate({**row, "position": number, "total": total})
            for number, row in enumerate(rows, start=1)
        ]

    async def page_variants(
        self,
        scope: Scope,
        image_id: uuid.UUID,
        *,
        limit: int = DEFAULT_VARIANT_PAGE_SIZE,
        after: str | None = None,
    ) -> VariantPage:
        """A page of an image's variants in the documented order, each with its position
        among all of them (counted across pages) and the total; ``after`` is the previous
        page's ``next_cursor``."""
        rows = await self.page_variant_rows(scope, image_id, limit=limit, after=after)
        return rows.validated()

    async def page_variant_rows(
        self,
        scope: Scope,
        image_id: uuid.UUID,
        *,
        limit: int = DEFAULT_VARIANT_PAGE_SIZE,
        after: str | None = None,
    ) -> VariantRows:
        """:meth:`page_variants` as plain rows, not validated into models: for encoding them
        straight to JSON (the API's listing)."""
        created_at, seq = _variant_key(after)
        params = {
            "image_id": image_id,
            "limit": page_size(limit, MAX_VARIANT_PAGE_SIZE),
            "created_at": created_at,
            "seq": seq,
        }
        async with self._transaction(scope) as tx:
            counted = await tx.queue(queries()["variant_count"], params)
            listed = await tx.queue(with_columns(queries()["page_variants"]), params)
        count = counted.one()
        if count is None or not count["found"]:
            raise NotFound("Image not found.")
        total = int(count["total"])
        rows = listed.all()
        for row in rows:
            row["total"] = total
            effects = row["film_effects"]
            # The one shape the table's checks let through and the row type does not: a
            # nested array (Postgres arrays may have any number of dimensions), refused as
            # validating the row refuses it.
            if effects and not all(type(effect) is str for effect in effects):
                Variant.model_validate(row)
        last = rows[-1] if rows else None
        more = last is not None and last["position"] < total
        cursor = encode_cursor(last["created_at"], last["seq"]) if more and last else None
        return VariantRows(rows, total, cursor)

    async def get_variant(self, scope: Scope, variant_id: uuid.UUID) -> Variant:
        row = await self._one(
            scope, queries()["get_variant"], {"id": variant_id}, VARIANT_NOT_FOUND
        )
        return Variant.model_validate(row)

    async def update_variant(
        self, scope: Scope, variant_id: uuid.UUID, edit: VariantInputs | Mapping[str, Any]
    ) -> VideoPromptsRow:
        """Change the inputs ``edit`` sets: the keys of a mapping, or the fields set on a
        :class:`VariantInputs` (``user_instruction=None`` clears the instruction).

        Refused with Conflict while the variant is ``pending``: generation is using it.
        """
        changes = inputs(VariantInputs, edit)
        if not changes.model_fields_set:
            raise InvalidInput("Nothing to change.")
        params = {"id": variant_id, "edit": input_values(changes, VariantInputs, only_set=True)}
        async with self._transaction(scope) as tx:
            updated = await tx.queue(with_columns(queries()["update_variant"]), params)
        if (row := updated.one()) is None:
            if await self._status(scope, variant_id) is None:
                raise NotFound(VARIANT_NOT_FOUND)
            raise Conflict("The variant is being generated; edit it once it is done.")
        return VideoPromptsRow.model_validate(row)

    async def mark_primary(self, scope: Scope, variant_id: uuid.UUID) -> VideoPromptsRow:
        """Make this the image's primary variant; the previous primary stops being one.

        Concurrent calls for one image are serialized on the image row, so exactly one
        primary remains: the last to commit.
        """
        params = {"id": variant_id}
        async with self._transaction(scope) as tx:
            await tx.queue(queries()["lock_variant_image"], params)
            await tx.queue(queries()["clear_primary"], params)
            marked = await tx.queue(queries()["set_primary"], params)
        if (row := marked.one()) is None:
            raise NotFound(VARIANT_NOT_FOUND)
        return VideoPromptsRow.model_validate(row)

    async def delete_variant(self, scope: Scope, variant_id: uuid.UUID) -> None:
        await self._one(scope, queries()["delete_variant"], {"id": variant_id}, VARIANT_NOT_FOUND)


def _variant_key(after: str | None) -> tuple[datetime | str, int]:
    if after is None:
        return _START
    created_at, seq = decode_cursor(after)
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise InvalidInput("The page cursor is not valid.", field="after")
    return created_at, seq
