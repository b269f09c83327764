"""Action suggestions: the fixed ones always, the AI's from Gemini once per image, cached.

Gemini is a stand-in on 127.0.0.1 that the real SDK talks to; the image is read from the
work folder's local storage, through the image sources the worker uses.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests._support import acting_as
from tests.integration.api._storage import image_of, storage_path_of, stored_image
from tests.integration.api.conftest import bearer
from tests.integration.generation._standins import Reply, StandIn, gemini_error, gemini_text
from vidprompt.api import create_app
from vidprompt.generation import sample_image

if TYPE_CHECKING:
    import uuid
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests._support import Conn
    from vidprompt.config import Settings

FIXED = ["lächeln", "winken", "nicken", "drehen"]
ANSWER = {"suggestions": ["Haare zurückstreichen", "lächeln", " in die Ferne blicken. ", ""]}
GENERATE = ":generateContent"


@pytest.fixture
def gemini() -> Iterator[StandIn]:
    with StandIn(gemini_text(json.dumps(ANSWER))) as standin:
        yield standin


@pytest.fixture
def make_app(
    api_settings: Settings, tmp_path: Path, gemini: StandIn
) -> Iterator[Callable[..., TestClient]]:
    """``make(**settings)``: a started client whose server key talks to the stand-in."""
    opened: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        settings = api_settings.model_copy(
            update={"gemini_api_key": "test-key", "gemini_base_url": gemini.url} | changes
        )
        client = TestClient(create_app(settings, workdir=tmp_path))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def image(admin: Conn, tmp_path: Path, alice: uuid.UUID) -> uuid.UUID:
    return stored_image(admin, tmp_path, alice, sample_image())


def _cached_rows(admin: Conn, user: uuid.UUID) -> list[tuple[Any, ...]]:
    with acting_as(admin, "authenticated", user):
        return admin.execute(
            "select image_id, suggestions from public.image_suggestions"
        ).fetchall()


def test_the_model_is_asked_once_per_image_and_then_the_cache_answers(
    make_app: Callable[..., TestClient], gemini: StandIn, admin: Conn, alice: uuid.UUID,
    image: uuid.UUID,
) -> None:  # fmt: skip
    client = make_app()
    first = client.get(f"/images/{image}/suggestions", headers=bearer(alice))
    assert first.status_code == 200, first.text
    expected_ai = ["Haare zurückstreichen", "in die Ferne blicken"]
    assert first.json() == {
        "image_id": str(image),
        "fixed": FIXED,
        "ai": expected_ai,
        "ai_unavailable_reason": None,
        "model_name": "gemini-2.5-flash",
        "cached": False,
    }
    second = client.get(f"/images/{image}/suggestions", headers=bearer(alice)).json()
    assert (second["ai"], second["cached"]) == (expected_ai, True)
    assert len(gemini.requests(GENERATE)) == 1

    asked = gemini.requests(GENERATE)[0].json()
    assert asked["generationConfig"]["responseMimeType"] == "application/json"
    assert asked["generationConfig"]["responseSchema"]["properties"]["suggestions"]["type"] == (
        "ARRAY"
    )
    inline = asked["contents"][0]["parts"][0]["inlineData"]
    assert base64.urlsafe_b64decode(inline["data"]) == sample_image()
    assert _cached_rows(admin, alice) == [(image, expected_ai)]


def test_another_user_gets_404_and_causes_no_model_call(
    make_app: Callable[..., TestClient], gemini: StandIn, admin: Conn, alice: uuid.UUID,
    bob: uuid.UUID, image: uuid.UUID,
) -> None:  # fmt: skip
    client = make_app()
    foreign = client.get(f"/images/{image}/suggestions", headers=bearer(bob))
    missing = client.get(f"/images/{image.hex[::-1][:8]}/suggestions", headers=bearer(bob))
    assert (foreign.status_code, foreign.json()["code"]) == (404, "not_found")
    assert missing.status_code == 422
    assert gemini.requests(GENERATE) == []
    assert client.get(f"/images/{image}/suggestions", headers=bearer(alice)).status_code == 200
    assert _cached_rows(admin, bob) == []  # the cached answer is the owner's only
    assert len(_cached_rows(admin, alice)) == 1
    again = client.get(f"/images/{image}/suggestions", headers=bearer(bob))
    assert again.status_code == 404
    assert "Haare" not in again.text
    assert client.get(f"/images/{image}/suggestions").status_code == 401


def test_offline_there_are_no_ai_suggestions_and_the_reason_says_why(
    make_app: Callable[..., TestClient], gemini: StandIn, admin: Conn, alice: uuid.UUID,
    image: uuid.UUID,
) -> None:  # fmt: skip
    client = make_app(gemini_api_key=None)
    body = client.get(f"/images/{image}/suggestions", headers=bearer(alice)).json()
    assert (body["fixed"], body["ai"], body["ai_unavailable_reason"]) == (FIXED, [], "offline")
    assert body["model_name"] is None
    assert gemini.requests() == []
    assert _cached_rows(admin, alice) == []


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (gemini_error(500, "INTERNAL", "boom"), "model_error"),
        (gemini_error(429, "RESOURCE_EXHAUSTED", "slow down"), "model_error"),
        (gemini_text("lächeln, winken"), "invalid_output"),
        (gemini_text(json.dumps({"suggestions": ["lächeln", "x" * 41]})), "invalid_output"),
        (Reply(body={"candidates": []}), "invalid_output"),
    ],
)
def test_a_failing_model_is_an_empty_list_not_an_error_and_is_asked_again_later(
    make_app: Callable[..., TestClient], gemini: StandIn, admin: Conn, alice: uuid.UUID,
    image: uuid.UUID, reply: Reply, reason: str,
) -> None:  # fmt: skip
    client = make_app()
    gemini.script(reply)
    failed = client.get(f"/images/{image}/suggestions", headers=bearer(alice))
    assert failed.status_code == 200
    assert (failed.json()["ai"], failed.json()["ai_unavailable_reason"]) == ([], reason)
    assert _cached_rows(admin, alice) == []
    recovered = client.get(f"/images/{image}/suggestions", headers=bearer(alice)).json()
    assert recovered["ai"] == ["Haare zurückstreichen", "in die Ferne blicken"]
    assert len(gemini.requests(GENERATE)) == 2


def test_an_image_whose_bytes_are_gone_has_no_ai_suggestions(
    make_app: Callable[..., TestClient], gemini: StandIn, admin: Conn, tmp_path: Path,
    alice: uuid.UUID, image: uuid.UUID,
) -> None:  # fmt: skip
    for file in (tmp_path / ".vidprompt" / "storage").rglob("*.png"):
        file.unlink()
    body = make_app().get(f"/images/{image}/suggestions", headers=bearer(alice)).json()
    assert (body["ai"], body["ai_unavailable_reason"]) == ([], "image_unavailable")
    assert gemini.requests() == []


def test_deleting_the_image_deletes_its_cached_suggestions(
    make_app: Callable[..., TestClient], admin: Conn, alice: uuid.UUID, image: uuid.UUID
) -> None:
    client = make_app()
    assert client.get(f"/images/{image}/suggestions", headers=bearer(alice)).json()["ai"]
    assert client.delete(f"/images/{image}", headers=bearer(alice)).status_code == 204
    left = admin.execute("select count(*) from public.image_suggestions").fetchone()
    assert left == (0,)


def test_users_cannot_write_suggestions_themselves(
    admin: Conn, alice: uuid.UUID, image: uuid.UUID
) -> None:
    with (
        acting_as(admin, "authenticated", alice),
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        admin.execute(
            "insert into public.image_suggestions (image_id, user_id, suggestions,"
            " model_name) values (%s, %s, '{made up}', 'gemini-2.5-flash')",
            [image, alice],
        )


def test_an_image_naming_another_users_object_sends_nothing_of_it_to_the_model(
    make_app: Callable[..., TestClient], gemini: StandIn, admin: Conn, alice: uuid.UUID,
    bob: uuid.UUID, image: uuid.UUID,
) -> None:  # fmt: skip
    """Bob records an image whose storage path is Alice's object: her bytes stay hers."""
    client = make_app()
    borrowed = image_of(admin, bob, storage_path_of(admin, image))
    answer = client.get(f"/images/{borrowed}/suggestions", headers=bearer(bob))
    assert answer.status_code == 200, answer.text
    assert (answer.json()["ai"], answer.json()["ai_unavailable_reason"]) == (
        [],
        "image_unavailable",
    )
    assert gemini.requests(GENERATE) == []
    own = client.get(f"/images/{image}/suggestions", headers=bearer(alice)).json()
    assert own["ai_unavailable_reason"] is None
    assert len(gemini.requests(GENERATE)) == 1
