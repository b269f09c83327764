"""Text that is not Unicode (a lone surrogate) anywhere in a JSON body is a 422, never a 500.

JSON may spell a lone surrogate (``"\\ud800"``); Python decodes it into a str that cannot be
encoded as UTF-8, so it must be refused before it reaches the driver or the response (F8).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests._support import create_image, create_prompt
from tests.integration.api.conftest import bearer

if TYPE_CHECKING:
    import uuid

    from fastapi.testclient import TestClient

    from tests._support import Conn

LONE = "\ud800"
IMAGE = {"url": "https://cdn.example.test/a.png", "storage_path": "a.png"}


def _raw(body: dict[str, Any]) -> bytes:
    """The body as a client would send it: the surrogate as a JSON escape, pure ASCII."""
    return json.dumps(body, ensure_ascii=True).encode()


def _send(client: TestClient, method: str, path: str, body: dict[str, Any], user: uuid.UUID) -> Any:
    headers = bearer(user) | {"Content-Type": "application/json"}
    return client.request(method, path, content=_raw(body), headers=headers)


def _refused(response: Any) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_input"
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "body",
    [
        IMAGE | {"metadata": {"caption": LONE}},
        IMAGE | {"metadata": {LONE: "key"}},
        IMAGE | {"metadata": {"tags": ["ok", {"deep": f"a{LONE}b"}]}},
        IMAGE | {"url": f"https://cdn.example.test/{LONE}.png"},
        IMAGE | {"storage_path": f"{LONE}.png"},
        IMAGE | {"type": LONE},
        IMAGE | {LONE: 1},
    ],
    ids=["metadata-value", "metadata-key", "metadata-nested", "url", "path", "type", "field"],
)
def test_a_lone_surrogate_in_an_image_is_invalid_input(
    client: TestClient, alice: uuid.UUID, body: dict[str, Any]
) -> None:
    _refused(_send(client, "POST", "/images", body, alice))


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "draft", "prompt_text": f"She smiles {LONE}"},
        {"kind": "draft", "prompt_text": "x", "user_instruction": LONE},
        {"kind": "generation", "user_instruction": f"winken {LONE}"},
        {"kind": "draft", "prompt_text": "x", LONE: "extra"},
    ],
    ids=["prompt", "draft-instruction", "generation-instruction", "field"],
)
def test_a_lone_surrogate_in_a_variant_is_invalid_input(
    client: TestClient, admin: Conn, alice: uuid.UUID, body: dict[str, Any]
) -> None:
    image = create_image(admin, alice)
    _refused(_send(client, "POST", f"/images/{image}/variants", body, alice))
    assert admin.execute("select count(*) from public.video_prompts").fetchone() == (0,)


@pytest.mark.parametrize(
    "body", [{"prompt_text": LONE}, {"user_instruction": LONE}], ids=["prompt", "instruction"]
)
def test_a_lone_surrogate_in_an_edit_is_invalid_input(
    client: TestClient, admin: Conn, alice: uuid.UUID, body: dict[str, Any]
) -> None:
    variant = create_prompt(admin, alice, create_image(admin, alice), "Before.")
    _refused(_send(client, "PATCH", f"/variants/{variant}", body, alice))
    row = admin.execute("select prompt_text from public.video_prompts where id = %s", [variant])
    assert row.fetchone() == ("Before.",)


def test_refusals_cost_no_connection_and_valid_text_still_works(
    client: TestClient, alice: uuid.UUID
) -> None:
    for _ in range(10):
        _refused(_send(client, "POST", "/images", IMAGE | {"metadata": {"c": LONE}}, alice))
    stats = client.app.state.store.database.stats()  # type: ignore[attr-defined]
    assert stats.get("returns_bad", 0) == 0
    assert stats.get("connections_lost", 0) == 0
    created = _send(client, "POST", "/images", IMAGE | {"metadata": {"c": "Grüße 👋"}}, alice)
    assert created.status_code == 201, created.text
    assert created.json()["metadata"] == {"c": "Grüße 👋"}
