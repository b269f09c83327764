"""The floor for the API benchmark: the least an app can do for ``GET /images/{id}/variants``.

    python -m bench._floor --port 8001 --db-url postgresql://authenticator@.../db

The same request work as ``vidprompt serve`` and nothing else: verify the HS256 bearer
token with PyJWT (audience ``authenticated``) and remember it, with the scope its claims
make, until it expires, as vidprompt remembers verified tokens (the load sends one token,
so without this the floor alone would verify it on every request), then one pipelined
transaction on a pooled connection that sets the scope exactly as vidprompt's store does
(:data:`APPLY_SCOPE`, the token's claims verbatim) and runs the store's own two queries
through row-level security, then the same JSON body (orjson). A bare Starlette route on
uvicorn with httptools and uvloop: no validation models, no middleware, no logs, no
OpenAPI. Requests beyond the pool's size wait their turn on a semaphore before they ask the
pool, as vidprompt's store makes them: psycopg_pool's own queue costs far more per wait, and
a floor that paid it would not be the least the same work can cost. For the same reason it
freezes what exists once it starts out of the garbage collector (``gc.freeze``), as
vidprompt does: unfrozen, the full collections that walk every module, class and function
of the process cost the floor about a twenty-fifth of its CPU per request under load, a
handicap vidprompt did not share. The secret comes from ``VIDPROMPT_JWT_SECRET``, as for
``vidprompt serve``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import time
import uuid
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import jwt
import orjson
import uvicorn
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from vidprompt.config import Settings
from vidprompt.database._scope import APPLY_SCOPE, Scope
from vidprompt.prompts import length_feedback, word_count
from vidprompt.prompts._models import with_columns
from vidprompt.prompts._queries import queries

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request

# The store's default statement timeout, set per transaction as the store sets it.
STATEMENT_TIMEOUT_MS: int = Settings.model_fields["statement_timeout_ms"].default
PAGE = 50
TOKENS_REMEMBERED = 4096
_START = ("-infinity", -(2**63))
_HIDDEN = ("seq",)


def build(db_url: str, secret: str, pool_size: int) -> Starlette:
    pool: AsyncConnectionPool[AsyncConnection[DictRow]] = AsyncConnectionPool(
        db_url,
        connection_class=AsyncConnection[DictRow],
        kwargs={"autocommit": True, "row_factory": dict_row},
        min_size=pool_size,
        max_size=pool_size,
        open=False,
    )
    count, page = queries()["variant_count"], with_columns(queries()["page_variants"])
    verified: dict[str, tuple[float, Scope]] = {}
    turns = asyncio.Semaphore(pool_size)

    async def variants(request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        known = verified.get(token)
        if known is None or known[0] <= time.time():
            try:
                claims = jwt.decode(token, secret, algorithms=["HS256"], audience="authenticated")
            except jwt.PyJWTError:
                return Response(b'{"code":"PGRST301"}', 401, media_type="application/json")
            if len(verified) >= TOKENS_REMEMBERED:
                verified.clear()
            known = verified[token] = (claims["exp"], Scope.from_claims(claims))
        image_id = uuid.UUID(request.path_params["image_id"])
        params = {"image_id": image_id, "limit": PAGE, "created_at": _START[0], "seq": _START[1]}
        async with turns, pool.connection() as conn:
            async with conn.pipeline():
                await conn.execute(APPLY_SCOPE, known[1].settings(STATEMENT_TIMEOUT_MS))
                counted = await conn.execute(count, params)
                listed = await conn.execute(page, params)
            found = await counted.fetchone()
            rows = await listed.fetchall()
        if found is None or not found["found"]:
            return Response(b'{"code":"not_found"}', 404, media_type="application/json")
        total = found["total"]
        body = {
            "image_id": image_id,
            "total": total,
            "items": [_public(row, total) for row in rows],
            "next_cursor": None,
        }
        return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type="application/json")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await pool.open()
        gc.freeze()  # as vidprompt's lifespan does: see the module's docstring
        try:
            yield
        finally:
            await pool.close()

    return Starlette(
        routes=[Route("/images/{image_id}/variants", variants), Route("/ready", ready)],
        lifespan=lifespan,
    )


async def ready(_: Request) -> Response:
    return Response(b"{}", media_type="application/json")


def _public(row: dict[str, Any], total: int) -> dict[str, Any]:
    words = word_count(row["prompt_text"])
    # As vidprompt's body is made: a copy less the hidden key, cheaper than picking the rest.
    item = row.copy()
    for key in _HIDDEN:
        del item[key]
    item |= {
        "film_effects": row["film_effects"] or [],
        "is_primary": bool(row["is_primary"]),
        "total": total,
        "word_count": words,
        "length_feedback": length_feedback(words),
    }
    return item


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench._floor", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--pool-size", type=int, default=10)
    args = parser.parse_args(argv)
    app = build(args.db_url, os.environ["VIDPROMPT_JWT_SECRET"], args.pool_size)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        http="httptools",
        loop="uvloop",
        access_log=False,
        log_config=None,
        server_header=False,
    )


if __name__ == "__main__":
    main()
