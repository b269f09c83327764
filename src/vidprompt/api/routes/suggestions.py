"""Action suggestions for an image's instruction field: the fixed ones and the AI's."""

# FastAPI and pydantic read this module's annotations at run time: imports stay real.
# ruff: noqa: TC001, TC003

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from vidprompt.api._deps import ScopeDep
from vidprompt.api._openapi import problems
from vidprompt.generation import ActionSuggester, UnavailableReason

router = APIRouter(tags=["suggestions"], responses=problems(401, 403, 404, 422))


class SuggestionsPublic(BaseModel):
    """Chips for the instruction field: first ``fixed``, then ``ai`` (shown with a sparkle)."""

    image_id: uuid.UUID
    fixed: list[str] = Field(examples=[["lächeln", "winken", "nicken", "drehen"]])
    ai: list[str] = Field(
        max_length=5, examples=[["haare zurückstreichen", "in die ferne blicken"]]
    )
    ai_unavailable_reason: UnavailableReason | None = Field(
        description="Why ``ai`` is empty: ``offline`` (no Gemini key: the offline template "
        "sees no image), ``image_unavailable``, ``model_error``, ``invalid_output``; null "
        "when there are AI suggestions."
    )
    model_name: str | None = Field(description="The model that made the AI suggestions.")
    cached: bool = Field(description="Whether they come from an earlier request's answer.")


async def app_suggester(request: Request) -> ActionSuggester:
    suggester: ActionSuggester = request.app.state.suggester
    return suggester


SuggesterDep = Annotated[ActionSuggester, Depends(app_suggester)]


@router.get("/images/{image_id}/suggestions", summary="Action suggestions for an image")
async def image_suggestions(
    image_id: uuid.UUID, scope: ScopeDep, suggester: SuggesterDep
) -> SuggestionsPublic:
    """The model is asked once per image; later requests answer from the database. An
    enhancement, never an error: without AI suggestions the answer is still 200."""
    found = await suggester.for_image(scope, image_id)
    return SuggestionsPublic(
        image_id=image_id,
        fixed=list(found.fixed),
        ai=list(found.ai),
        ai_unavailable_reason=found.ai_unavailable_reason,
        model_name=found.model_name,
        cached=found.cached,
    )
