"""``Idempotency-Key`` on ``POST /images/{id}/variants``: a retry gets the first variant back.

Same key and same request within 24 hours: the same variant and one job, not a second
generation. Same key, other request: 422. Keys are per user. Stored in the database, so it
holds across API processes (two apps on one database here).
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests._support import create_image
from tests.integration.api.conftest import ORIGIN, bearer

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi.testclient import TestClient

    from tests._support import Conn

GENERATION = {"kind": "generation", "camera_style": "orbit", "user_instruction": "winken"}
DRAFT = {"kind": "draft", "prompt_text": "Slow push-in."}


def _post(
    client: TestClient, image: uuid.UUID, body: dict[str, Any], user: uuid.UUID, key: str | None
) -> Any:
    headers = bearer(user) | ({"Idempotency-Key": key} if key is not None else {})
    return client.post(f"/images/{image}/variants", json=body, headers=headers)


def _count(admin: Conn, table: str) -> int:
    row = admin.execute(f"select count(*) from public.{table}".encode()).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(("body", "status"), [(GENERATION, 202), (DRAFT, 201)])
def test_the_same_key_twice_is_one_variant_and_one_answer(
    client: TestClient, admin: Conn, alice: uuid.UUID, body: dict[str, Any], status: int
) -> None:
    image = create_image(admin, alice)
    first = _post(client, image, body, alice, "retry-1")
    again = _post(client, image, body, alice, "retry-1")
    assert (first.status_code, again.status_code) == (status, status)
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(admin, "video_prompts") == 1
    assert _count(admin, "generation_jobs") == (1 if body is GENERATION else 0)


def test_without_a_key_every_post_is_a_new_variant(
    client: TestClient, admin: Conn, alice: uuid.UUID
) -> None:
    image = create_image(admin, alice)
    assert _post(client, image, GENERATION, alice, None).status_code == 202
    assert _post(client, image, GENERATION, alice, None).status_code == 202
    assert _count(admin, "generation_jobs") == 2


def test_another_api_process_answers_a_retry_the_same(
    make_client: Callable[..., TestClient], admin: Conn, alice: uuid.UUID
) -> None:
    one, other = make_client(pool_max_size=2), make_client(pool_max_size=2)
    image = create_image(admin, alice)
    first = _post(one, image, GENERATION, alice, '"8e03978e-40d5-43e8-bc93-6894a57f9324"')
    again = _post(other, image, GENERATION, alice, '"8e03978e-40d5-43e8-bc93-6894a57f9324"')
    assert again.json()["id"] == first.json()["id"]
    assert _count(admin, "generation_jobs") == 1


def test_keys_are_per_user(
    client: TestClient, admin: Conn, alice: uuid.UUID, bob: uuid.UUID
) -> None:
    alice_image, bob_image = create_image(admin, alice), create_image(admin, bob)
    mine = _post(client, alice_image, GENERATION, alice, "same-key")
    theirs = _post(client, bob_image, GENERATION, bob, "same-key")
    assert (mine.status_code, theirs.status_code) == (202, 202)
    assert mine.json()["id"] != theirs.json()["id"]
    assert (mine.json()["user_id"], theirs.json()["user_id"]) == (str(alice), str(bob))
    assert _count(admin, "generation_jobs") == 2
    # Bob replaying Alice's request with her key still cannot reach her variant.
    probe = _post(client, alice_image, GENERATION, bob, "same-key")
    assert probe.status_code == 422
    assert probe.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    "changed",
    [
        GENERATION | {"camera_style": "dolly"},
        GENERATION | {"user_instruction": "nicken"},
        DRAFT,
    ],
    ids=["camera", "instruction", "kind"],
)
def test_the_same_key_for_another_request_is_refused(
    client: TestClient, admin: Conn, alice: uuid.UUID, changed: dict[str, Any]
) -> None:
    image = create_image(admin, alice)
    assert _post(client, image, GENERATION, alice, "k").status_code == 202
    refused = _post(client, image, changed, alice, "k")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "idempotency_key_reused"
    other_image = _post(client, create_image(admin, alice), GENERATION, alice, "k")
    assert other_image.status_code == 422
    assert _count(admin, "video_prompts") == 1


def test_a_key_is_forgotten_after_24_hours(
    client: TestClient, admin: Conn, alice: uuid.UUID
) -> None:
    image = create_image(admin, alice)
    first = _post(client, image, GENERATION, alice, "daily").json()
    admin.execute("update public.variant_requests set created_at = now() - interval '25 hours'")
    later = _post(client, image, GENERATION | {"camera_style": "dolly"}, alice, "daily")
    assert later.status_code == 202
    assert later.json()["id"] != first["id"]
    assert _count(admin, "generation_jobs") == 2


def test_a_failed_request_frees_its_key(
    client: TestClient, admin: Conn, alice: uuid.UUID, bob: uuid.UUID
) -> None:
    bobs = create_image(admin, bob)
    assert _post(client, bobs, GENERATION, alice, "k").status_code == 404
    assert _count(admin, "variant_requests") == 0
    retry = _post(client, create_image(admin, alice), GENERATION, alice, "k")
    assert retry.status_code == 202


def test_a_retry_while_the_first_is_in_flight_is_told_to_wait(
    client: TestClient, admin: Conn, alice: uuid.UUID
) -> None:
    image = create_image(admin, alice)
    fingerprint_of_other = "0" * 64
    admin.execute(
        "insert into public.variant_requests (user_id, idempotency_key, fingerprint)"
        " values (%s, 'busy', %s)",
        [alice, fingerprint_of_other],
    )
    different = _post(client, image, GENERATION, alice, "busy")
    assert different.json()["code"] == "idempotency_key_reused"
    admin.execute("delete from public.variant_requests")
    first = _post(client, image, GENERATION, alice, "busy")
    admin.execute("update public.variant_requests set variant_id = null, status_code = null")
    waiting = _post(client, image, GENERATION, alice, "busy")
    assert waiting.status_code == 409
    assert waiting.json()["code"] == "request_in_progress"
    assert waiting.headers["Retry-After"] == "1"
    # A claim whose process died is taken over after a minute.
    admin.execute("update public.variant_requests set created_at = now() - interval '2 minutes'")
    taken_over = _post(client, image, GENERATION, alice, "busy")
    assert taken_over.status_code == 202
    assert taken_over.json()["id"] != first.json()["id"]


def test_concurrent_retries_make_one_generation(
    make_client: Callable[..., TestClient], admin: Conn, alice: uuid.UUID
) -> None:
    clients = [make_client(pool_max_size=2) for _ in range(4)]
    image = create_image(admin, alice)
    answers: list[Any] = []

    def send(client: TestClient) -> None:
        answers.append(_post(client, image, GENERATION, alice, "double-click"))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _count(admin, "generation_jobs") == 1
    made = {a.json()["id"] for a in answers if a.status_code == 202}
    assert len(made) == 1
    assert all(a.status_code in (202, 409) for a in answers)


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "del\x7f", '""', "ü".encode()])
def test_a_malformed_key_is_invalid_input(
    client: TestClient, admin: Conn, alice: uuid.UUID, key: str | bytes
) -> None:
    image = create_image(admin, alice)
    raw = key if isinstance(key, bytes) else key.encode()
    headers = {b"Authorization": bearer(alice)["Authorization"].encode(), b"Idempotency-Key": raw}
    response = client.post(f"/images/{image}/variants", json=GENERATION, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert _count(admin, "video_prompts") == 0


def test_two_key_headers_are_invalid_input_not_the_first_one(
    client: TestClient, admin: Conn, alice: uuid.UUID
) -> None:
    """Which of two keys a proxy or a client meant is unknowable; taking the first would
    replay a request the other key named."""
    image = create_image(admin, alice)
    _post(client, image, DRAFT, alice, "h1")
    headers = [*bearer(alice).items(), ("Idempotency-Key", "h1"), ("Idempotency-Key", "h2")]
    response = client.post(f"/images/{image}/variants", json=DRAFT, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert "Idempotent-Replayed" not in response.headers
    assert _count(admin, "video_prompts") == 1


def test_another_user_cannot_read_or_write_keys_at_the_database(
    admin: Conn, schema_url: str, alice: uuid.UUID, bob: uuid.UUID
) -> None:
    import psycopg

    from tests._support import acting_as

    admin.execute(
        "insert into public.variant_requests (user_id, idempotency_key, fingerprint, variant_id)"
        " values (%s, 'k', %s, %s)",
        [alice, "a" * 64, uuid.uuid4()],
    )
    with psycopg.connect(schema_url) as conn:
        with acting_as(conn, "authenticated", bob):
            assert conn.execute("select * from public.variant_requests").fetchall() == []
            changed = conn.execute("update public.variant_requests set variant_id = null")
            assert changed.rowcount == 0
        with acting_as(conn, "authenticated", alice):
            assert len(conn.execute("select * from public.variant_requests").fetchall()) == 1


def test_the_app_s_origin_may_send_the_key_and_read_the_replay(client: TestClient) -> None:
    preflight = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
    }
    allowed = client.options("/images/x/variants", headers=preflight)
    assert allowed.status_code == 200
    assert "idempotency-key" in allowed.headers["access-control-allow-headers"].lower()
    simple = client.get("/vocabulary", headers={"Origin": ORIGIN})
    assert "Idempotent-Replayed" in simple.headers["access-control-expose-headers"]
