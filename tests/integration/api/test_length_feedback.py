"""Length feedback through the API: every variant in every response carries its word count
and the app's rating, at the bands' edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.integration.api.conftest import bearer

if TYPE_CHECKING:
    import uuid

    from fastapi.testclient import TestClient

EDGES = [
    (49, "short"),
    (50, "optimal"),
    (150, "optimal"),
    (151, "long"),
    (200, "long"),
    (201, "too_long"),
]


def _text(words: int) -> str:
    # Mixed whitespace and punctuation: words are runs of non-whitespace, as the app counts.
    return "\n".join(f"w{n % 10}," if n % 7 else f"  w{n % 10}\t" for n in range(words))


def _image(client: TestClient, headers: dict[str, str]) -> str:
    body = {"url": "https://cdn.example.test/a.png", "storage_path": "a.png"}
    created = client.post("/images", json=body, headers=headers)
    assert created.status_code == 201, created.text
    image_id: str = created.json()["id"]
    return image_id


@pytest.mark.parametrize(("words", "feedback"), EDGES)
def test_every_variant_response_rates_the_prompt_length(
    client: TestClient, alice: uuid.UUID, words: int, feedback: str
) -> None:
    me = bearer(alice)
    image_id = _image(client, me)
    draft = {"kind": "draft", "prompt_text": _text(words)}
    created = client.post(f"/images/{image_id}/variants", json=draft, headers=me)
    assert created.status_code == 201, created.text
    variant_id = created.json()["id"]
    responses = [
        created.json(),
        client.get(f"/variants/{variant_id}", headers=me).json(),
        client.get(f"/images/{image_id}/variants", headers=me).json()["items"][0],
        client.post(f"/variants/{variant_id}/primary", headers=me).json(),
    ]
    for variant in responses:
        assert (variant["word_count"], variant["length_feedback"]) == (words, feedback)


def test_an_edit_is_rated_again_and_an_empty_pending_variant_is_short(
    client: TestClient, alice: uuid.UUID
) -> None:
    me = bearer(alice)
    image_id = _image(client, me)
    draft = {"kind": "draft", "prompt_text": _text(120)}
    variant_id = client.post(f"/images/{image_id}/variants", json=draft, headers=me).json()["id"]
    edited = client.patch(f"/variants/{variant_id}", json={"prompt_text": _text(230)}, headers=me)
    assert (edited.json()["word_count"], edited.json()["length_feedback"]) == (230, "too_long")
    pending = client.post(f"/images/{image_id}/variants", json={"kind": "generation"}, headers=me)
    assert pending.status_code == 202, pending.text
    assert (pending.json()["word_count"], pending.json()["length_feedback"]) == (0, "short")


def test_the_openapi_document_names_the_ratings(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["VariantPublic"]
    assert schema["properties"]["length_feedback"]["enum"] == [
        "short",
        "optimal",
        "long",
        "too_long",
    ]
    assert {"word_count", "length_feedback"} <= set(schema["required"])
