"""``GET /images/{id}/variants`` pages with ``limit``/``after`` and keeps ``total`` and each
variant's ``position`` across pages (F13: 4000 drafts were one 9.8 MB answer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests._support import create_image, create_prompt
from tests.integration.api.conftest import bearer

if TYPE_CHECKING:
    import uuid

    from fastapi.testclient import TestClient

    from tests._support import Conn


def _drafts(admin: Conn, owner: uuid.UUID, image: uuid.UUID, count: int) -> list[str]:
    with admin.transaction():
        return [str(create_prompt(admin, owner, image, f"v{n}")) for n in range(count)]


def test_the_default_page_is_bounded_and_the_cursor_walks_the_rest(
    client: TestClient, admin: Conn, alice: uuid.UUID
) -> None:
    image = create_image(admin, alice)
    made = _drafts(admin, alice, image, 130)
    first = client.get(f"/images/{image}/variants", headers=bearer(alice))
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["total"], len(body["items"])) == (130, 50)
    seen = [(v["id"], v["position"], v["total"]) for v in body["items"]]
    while body["next_cursor"] is not None:
        body = client.get(
            f"/images/{image}/variants",
            params={"after": body["next_cursor"], "limit": 50},
            headers=bearer(alice),
        ).json()
        seen += [(v["id"], v["position"], v["total"]) for v in body["items"]]
    assert seen == [(variant, n, 130) for n, variant in enumerate(made, start=1)]


@pytest.mark.parametrize("limit", [0, 201, "many"])
def test_a_page_size_out_of_bounds_is_invalid_input(
    client: TestClient, admin: Conn, alice: uuid.UUID, limit: int | str
) -> None:
    image = create_image(admin, alice)
    response = client.get(
        f"/images/{image}/variants", params={"limit": limit}, headers=bearer(alice)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_the_largest_page_holds_200(client: TestClient, admin: Conn, alice: uuid.UUID) -> None:
    image = create_image(admin, alice)
    _drafts(admin, alice, image, 201)
    response = client.get(f"/images/{image}/variants", params={"limit": 200}, headers=bearer(alice))
    body = response.json()
    assert (len(body["items"]), body["total"], body["items"][-1]["position"]) == (200, 201, 200)
    assert body["next_cursor"] is not None


def test_another_user_gets_404_with_or_without_the_owner_s_cursor(
    client: TestClient, admin: Conn, alice: uuid.UUID, bob: uuid.UUID
) -> None:
    image = create_image(admin, alice)
    _drafts(admin, alice, image, 3)
    mine = client.get(f"/images/{image}/variants?limit=1", headers=bearer(alice)).json()
    assert mine["total"] == 3
    for params in ({}, {"after": mine["next_cursor"]}):
        theirs = client.get(f"/images/{image}/variants", params=params, headers=bearer(bob))
        assert theirs.status_code == 404
        assert theirs.json()["code"] == "not_found"


def test_a_forged_cursor_is_invalid_input(
    client: TestClient, admin: Conn, alice: uuid.UUID
) -> None:
    image = create_image(admin, alice)
    response = client.get(
        f"/images/{image}/variants", params={"after": "bm90LWEtY3Vyc29y"}, headers=bearer(alice)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "after"
