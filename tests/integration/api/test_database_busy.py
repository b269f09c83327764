"""A full connection pool is load, not an outage: 503 ``database_busy`` with Retry-After."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import psycopg

from tests.integration.api.conftest import bearer

if TYPE_CHECKING:
    import uuid
    from collections.abc import Callable

    from fastapi.testclient import TestClient

    from tests._support import Conn


def _waiting_on_a_lock(admin: Conn) -> bool:
    row = admin.execute(
        "select count(*) from pg_stat_activity"
        " where application_name = 'vidprompt' and wait_event_type = 'Lock'"
    ).fetchone()
    return bool(row and row[0])


def test_a_full_pool_answers_database_busy_and_frees_up(
    make_client: Callable[..., TestClient], schema_url: str, admin: Conn, alice: uuid.UUID
) -> None:
    client = make_client(pool_min_size=1, pool_max_size=1, pool_timeout_ms=300)
    results: dict[str, Any] = {}
    with psycopg.connect(schema_url) as locker:
        # The pool's one connection waits on this lock, inside a request.
        locker.execute("lock table public.images in access exclusive mode")
        first = threading.Thread(
            target=lambda: results.update(first=client.get("/images", headers=bearer(alice)))
        )
        first.start()
        while not _waiting_on_a_lock(admin):
            first.join(0.05)
        busy = client.get("/images", headers=bearer(alice))
        ready = client.get("/ready")
        locker.rollback()
    first.join()
    assert busy.status_code == 503, busy.text
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.json()["code"] == "database_busy"
    assert busy.headers["Retry-After"] == "1"
    assert "cannot be reached" not in busy.text
    assert ready.status_code == 503
    assert ready.json()["code"] == "database_busy"
    assert results["first"].status_code == 200
    assert client.get("/images", headers=bearer(alice)).status_code == 200
