"""Every route as each caller: the owner can; another user gets 404, exactly as for a row that
does not exist; an anonymous caller is told to sign in. A refused call changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests._support import create_image, create_prompt
from tests.integration.api.conftest import bearer

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi.testclient import TestClient
    from httpx2 import Response

    from tests._support import Conn


@dataclass(frozen=True)
class Alices:
    user: uuid.UUID
    image: uuid.UUID
    variant: uuid.UUID


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {image} and {variant} are filled in
    owner_status: int
    body: dict[str, Any] | None = None

    def call(self, client: TestClient, ids: Alices, headers: dict[str, str]) -> Response:
        path = self.path.format(image=ids.image, variant=ids.variant)
        return client.request(self.method, path, json=self.body, headers=headers)


ROUTES = [
    Route("GET", "/images/{image}", 200),
    Route("DELETE", "/images/{image}", 204),
    Route("GET", "/images/{image}/variants", 200),
    Route("POST", "/images/{image}/variants", 201, {"kind": "draft", "prompt_text": "Hi."}),
    Route(
        "POST", "/images/{image}/variants", 202, {"kind": "generation", "film_effects": ["noir"]}
    ),
    Route("GET", "/variants/{variant}", 200),
    Route("PATCH", "/variants/{variant}", 200, {"prompt_text": "Changed."}),
    Route("POST", "/variants/{variant}/primary", 200),
    Route("DELETE", "/variants/{variant}", 204),
]
IDS = [f"{r.method} {r.path} {(r.body or {}).get('kind', '')}".strip() for r in ROUTES]


@pytest.fixture
def alices(admin: Conn, alice: uuid.UUID) -> Alices:
    image = create_image(admin, alice)
    return Alices(alice, image, create_prompt(admin, alice, image, "Alice's prompt."))


def _snapshot(admin: Conn, user: uuid.UUID) -> Callable[[], list[tuple[Any, ...]]]:
    def rows() -> list[tuple[Any, ...]]:
        return admin.execute(
            "select 'image', id::text, url from public.images where user_id = %(u)s"
            " union all select 'variant', id::text,"
            "   concat_ws('|', prompt_text, is_primary, status, updated_at)"
            " from public.video_prompts where user_id = %(u)s"
            " union all select 'job', variant_id::text, state"
            " from public.generation_jobs where user_id = %(u)s order by 1, 2",
            {"u": user},
        ).fetchall()

    return rows


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_the_owner_can(client: TestClient, alices: Alices, route: Route) -> None:
    response = route.call(client, alices, bearer(alices.user))
    assert response.status_code == route.owner_status, response.text


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_another_user_gets_not_found_and_changes_nothing(
    client: TestClient, admin: Conn, alices: Alices, bob: uuid.UUID, route: Route
) -> None:
    before = _snapshot(admin, alices.user)()
    response = route.call(client, alices, bearer(bob))
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
    assert _snapshot(admin, alices.user)() == before
    assert admin.execute(
        "select count(*) from public.video_prompts where user_id = %s", [bob]
    ).fetchone() == (0,)


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_another_user_s_row_looks_exactly_like_a_missing_one(
    client: TestClient, alices: Alices, bob: uuid.UUID, route: Route
) -> None:
    missing = Alices(alices.user, uuid.uuid4(), uuid.uuid4())
    foreign = route.call(client, alices, bearer(bob)).json()
    absent = route.call(client, missing, bearer(bob)).json()
    for body in (foreign, absent):
        del body["instance"], body["request_id"]
    assert foreign == absent


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_an_anonymous_caller_is_told_to_sign_in_and_changes_nothing(
    client: TestClient, admin: Conn, alices: Alices, route: Route
) -> None:
    before = _snapshot(admin, alices.user)()
    response = route.call(client, alices, {})
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "PGRST302"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _snapshot(admin, alices.user)() == before


def test_lists_show_each_user_only_their_own(
    client: TestClient, alices: Alices, bob: uuid.UUID
) -> None:
    own = client.get("/images", headers=bearer(alices.user)).json()["items"]
    assert [image["id"] for image in own] == [str(alices.image)]
    assert client.get("/images", headers=bearer(bob)).json()["items"] == []
    assert client.get("/images").status_code == 401


def test_an_image_cannot_be_filed_in_another_user_s_collection(
    client: TestClient, admin: Conn, alices: Alices, bob: uuid.UUID
) -> None:
    row = admin.execute(
        "insert into public.collections (user_id, name) values (%s, 'Portraits') returning id",
        [alices.user],
    ).fetchone()
    assert row is not None
    body = {"url": "https://cdn.example.test/x.png", "storage_path": "x.png"}
    body["collection_id"] = str(row[0])
    refused = client.post("/images", json=body, headers=bearer(bob))
    assert refused.status_code == 404, refused.text
    assert client.post("/images", json=body, headers=bearer(alices.user)).status_code == 201


def test_a_token_cannot_choose_a_stronger_role(client: TestClient, alices: Alices) -> None:
    """A token with role service_role (signed by the project's secret) still acts as no one:
    this API only ever runs as the caller's own user."""
    response = client.get(
        f"/images/{alices.image}", headers=bearer(alices.user, role="service_role")
    )
    assert response.status_code == 401
    assert response.json()["code"] == "PGRST303"
