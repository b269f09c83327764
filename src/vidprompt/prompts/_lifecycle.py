"""The status lifecycle ``draft -> pending -> completed | failed``, and regenerating.

A move the lifecycle does not allow is refused with InvalidTransition, never applied: the
update only matches a row whose current status may move to the target, so two concurrent
moves cannot both succeed. Regenerating makes a new ``pending`` variant and keeps the old.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

from vidprompt.db_types import VideoPromptsRow, VideoPromptsStatus, VideoPromptsUpdate
from vidprompt.errors import InvalidTransition, NotFound
from vidprompt.prompts import vocabulary
from vidprompt.prompts._models import GenerationInputs, input_values, inputs, with_inputs
from vidprompt.prompts._operations import Operations
from vidprompt.prompts._queries import queries
from vidprompt.prompts._variants import VARIANT_NOT_FOUND

if TYPE_CHECKING:
    import uuid
    from collections.abc import Mapping
    from typing import Any

    from vidprompt.database import Scope

# Status -> the statuses it may move to.
TRANSITIONS: Mapping[VideoPromptsStatus, frozenset[VideoPromptsStatus]] = MappingProxyType(
    {
        "draft": frozenset({"pending"}),
        "pending": frozenset({"completed", "failed"}),
        "completed": frozenset(),
        "failed": frozenset(),
    }
)


class LifecycleOperations(Operations):
    async def submit(self, scope: Scope, variant_id: uuid.UUID) -> VideoPromptsRow:
        """``draft -> pending``: hand a draft to generation."""
        return await self._move(scope, variant_id, {"status": "pending"})

    async def complete(
        self,
        scope: Scope,
        variant_id: uuid.UUID,
        *,
        prompt_text: str,
        model_name: str | None = None,
    ) -> VideoPromptsRow:
        """``pending -> completed`` with the generated text (and the model that wrote it)."""
        change: VideoPromptsUpdate = {
            "status": "completed",
            "prompt_text": vocabulary.prompt_text(prompt_text, required=True),
        }
        if model_name is not None:
            change["model_name"] = vocabulary.required_text("model_name", model_name)
        return await self._move(scope, variant_id, change)

    async def fail(
        self,
        scope: Scope,
        variant_id: uuid.UUID,
        *,
        error_code: str,
        error_message: str | None = None,
    ) -> VideoPromptsRow:
        """``pending -> failed``, saying why with a stable code and a readable message."""
        change: VideoPromptsUpdate = {
            "status": "failed",
            "error_code": vocabulary.required_text("error_code", error_code),
            "error_message": None
            if error_message is None
            else vocabulary.text("error_message", error_message),
        }
        return await self._move(scope, variant_id, change)

    async def regenerate(
        self,
        scope: Scope,
        variant_id: uuid.UUID,
        changes: GenerationInputs | Mapping[str, Any] | None = None,
        *,
        model_name: str | None = None,
    ) -> VideoPromptsRow:
        """A new ``pending`` variant of the same image with the old one's inputs, except
        those ``changes`` sets; the old variant is kept as it is."""
        given = inputs(GenerationInputs, changes)
        params = {
            "id": variant_id,
            "inputs": input_values(given, GenerationInputs, only_set=True),
            "model_name": None
            if model_name is None
            else vocabulary.required_text("model_name", model_name),
        }
        async with self._transaction(scope) as tx:
            inserted = await tx.queue(with_inputs(queries()["regenerate"]), params)
        if (row := inserted.one()) is None:
            raise NotFound(VARIANT_NOT_FOUND)
        return VideoPromptsRow.model_validate(row)

    async def _move(
        self, scope: Scope, variant_id: uuid.UUID, change: VideoPromptsUpdate
    ) -> VideoPromptsRow:
        target = change["status"]
        sources = sorted(status for status, nexts in TRANSITIONS.items() if target in nexts)
        params = {
            "id": variant_id,
            "status": target,
            "allowed_from": sources,
            "prompt_text": change.get("prompt_text"),
            "model_name": change.get("model_name"),
            "error_code": change.get("error_code"),
            "error_message": change.get("error_message"),
        }
        async with self._transaction(scope) as tx:
            moved = await tx.queue(queries()["transition"], params)
        if (row := moved.one()) is not None:
            return VideoPromptsRow.model_validate(row)
        if (status := await self._status(scope, variant_id)) is None:
            raise NotFound(VARIANT_NOT_FOUND)
        raise InvalidTransition(
            f"A {status} variant cannot become {target}; "
            f"{target} is reached from {' or '.join(sources)}."
        )
