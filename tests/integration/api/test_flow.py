"""The flow the app's frontend goes through, over HTTP with a real token."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.integration.api._flow import frontend_flow
from tests.integration.api.conftest import bearer

if TYPE_CHECKING:
    import uuid

    from fastapi.testclient import TestClient


def test_a_frontend_session_from_image_to_deletion(client: TestClient, alice: uuid.UUID) -> None:
    frontend_flow(client, bearer(alice))


def test_a_created_resource_says_where_it_is(client: TestClient, alice: uuid.UUID) -> None:
    image = {"url": "https://cdn.example.test/a.png", "storage_path": "a.png"}
    created = client.post("/images", json=image, headers=bearer(alice))
    location = created.headers["Location"]
    assert location == f"/images/{created.json()['id']}"
    assert client.get(location, headers=bearer(alice)).json() == created.json()
    draft = client.post(
        f"{location}/variants", json={"kind": "draft", "prompt_text": "x"}, headers=bearer(alice)
    )
    assert client.get(draft.headers["Location"], headers=bearer(alice)).json() == draft.json()
