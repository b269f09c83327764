"""Liveness and readiness, for load balancers and orchestrators."""

# FastAPI and pydantic read this module's annotations at run time: imports stay real.
# ruff: noqa: TC001

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from vidprompt.api._deps import DatabaseDep
from vidprompt.api._openapi import problems
from vidprompt.database import Scope

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/health", summary="The process is up")
async def health() -> Health:
    """Answers as long as the process runs; it does not touch the database."""
    return Health()


@router.get("/ready", summary="The service can answer requests", responses=problems(503))
async def ready(database: DatabaseDep) -> Health:
    """200 once the database answers a query; 503 ``database_unavailable`` while it does not,
    ``database_busy`` while every connection is in use."""
    async with database.transaction(Scope.anonymous()) as tx:
        await tx.fetch(b"select 1")
    return Health()
