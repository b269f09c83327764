"""The fast lane of the busiest reads answers exactly as the FastAPI routes behind it.

Each request goes to the app as it is and to the same app without its fast lanes; both must
give the same status, body and problem, whoever asks and however odd the request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Match

from tests._support import create_image, create_prompt
from tests.integration.api._signing import claims, hs256
from tests.integration.api.conftest import ORIGIN, bearer
from vidprompt.api import create_app
from vidprompt.api._fast_lane import FastLanes
from vidprompt.api.routes import variants

if TYPE_CHECKING:
    import uuid
    from collections.abc import Iterator, Mapping

    from httpx2 import Response

    from tests._support import Conn
    from vidprompt.config import Settings


@pytest.fixture
def clients(api_settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    """The app with its fast lanes, and the same app with only its FastAPI routes."""
    fast, full = create_app(api_settings), create_app(api_settings)
    lanes: object = FastLanes
    full.edge[:] = [m for m in full.edge if m.cls is not lanes]
    assert len(full.edge) < len(fast.edge)
    with TestClient(fast) as with_lanes, TestClient(full) as without:
        yield with_lanes, without


def _answer(response: Response) -> tuple[int, str | None, Any]:
    body = response.json() if response.content else None
    if isinstance(body, dict) and "request_id" in body:
        body.pop("request_id")  # differs per request by design
    return response.status_code, response.headers.get("content-type"), body


def _same(
    clients: tuple[TestClient, TestClient],
    path: str,
    headers: Mapping[str, str] | Mapping[bytes, bytes],
) -> tuple[int, str | None, Any]:
    fast, full = (_answer(client.get(path, headers=headers)) for client in clients)
    assert fast == full, path
    return fast


@pytest.fixture
def image(admin: Conn, alice: uuid.UUID) -> uuid.UUID:
    made = create_image(admin, alice)
    with admin.transaction():
        for number in range(3):
            create_prompt(admin, alice, made, f"v{number}")
    return made


QUERIES = [
    "",
    "?limit=2",
    "?limit=200",
    "?limit=0",
    "?limit=201",
    "?limit=02",
    "?limit=+2",
    "?limit=2&limit=3",
    "?limit=",
    "?limit=%32",
    "?limit=%FF",
    "?after=",
    "?after=bm90LWEtY3Vyc29y",
    "?after=" + "x" * 201,
    "?other=1",
    "?limit=2&other=1",
    "?limit",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_page_of_variants_is_the_same_answer_either_way(
    clients: tuple[TestClient, TestClient], image: uuid.UUID, alice: uuid.UUID, query: str
) -> None:
    _same(clients, f"/images/{image}/variants{query}", bearer(alice))


def test_the_next_page_is_the_same_either_way(
    clients: tuple[TestClient, TestClient], image: uuid.UUID, alice: uuid.UUID
) -> None:
    status, _, first = _same(clients, f"/images/{image}/variants?limit=2", bearer(alice))
    assert (status, first["total"], len(first["items"])) == (200, 3, 2)
    _, _, rest = _same(
        clients, f"/images/{image}/variants?limit=2&after={first['next_cursor']}", bearer(alice)
    )
    assert [v["position"] for v in rest["items"]] == [3]


def test_a_get_with_a_body_over_the_limit_is_the_same_413_either_way(
    clients: tuple[TestClient, TestClient],
    image: uuid.UUID,
    alice: uuid.UUID,
    api_settings: Settings,
) -> None:
    body = b"x" * (api_settings.max_body_bytes + 1)
    answers = [
        client.request("GET", f"/images/{image}/variants", content=body, headers=bearer(alice))
        for client in clients
    ]
    assert [answer.status_code for answer in answers] == [413, 413]
    assert _answer(answers[0]) == _answer(answers[1])


def test_a_claimed_request_keeps_its_request_id_and_its_access_line(
    clients: tuple[TestClient, TestClient],
    image: uuid.UUID,
    alice: uuid.UUID,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fast, _ = clients
    path = f"/images/{image}/variants"
    with caplog.at_level(logging.INFO, logger="vidprompt.api"):
        response = fast.get(path, headers=bearer(alice) | {"X-Request-ID": "lane-7"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "lane-7"
    logged = [vars(r) for r in caplog.records if r.getMessage() == "request"]
    assert [(e["path"], e["status"], e["user_id"]) for e in logged] == [(path, 200, str(alice))]


def _whole(response: Response) -> tuple[int, dict[str, str], bytes]:
    """Status, every header but the date, and the body (a problem's request id aside)."""
    headers = {k: v for k, v in response.headers.items() if k != "date"}
    body = response.content if b"request_id" not in response.content else b"(has an id)"
    return response.status_code, headers, body


@pytest.mark.parametrize("who", ["owner", "other", "none", "bad", "expired", "lowercase"])
@pytest.mark.parametrize("which", ["list", "get", "missing"])
def test_the_whole_answer_with_cors_and_a_request_id_is_the_same_either_way(
    clients: tuple[TestClient, TestClient],
    image: uuid.UUID,
    alice: uuid.UUID,
    bob: uuid.UUID,
    who: str,
    which: str,
) -> None:
    _, full = clients
    variant = full.get(f"/images/{image}/variants", headers=bearer(alice)).json()["items"][0]
    path = {
        "list": f"/images/{image}/variants?limit=1",
        "get": f"/variants/{variant['id']}",
        "missing": "/variants/00000000-0000-0000-0000-000000000000",
    }[which]
    token = bearer(alice)["Authorization"].removeprefix("Bearer ")
    headers = {
        "owner": bearer(alice),
        "other": bearer(bob),
        "none": {},
        "bad": {"Authorization": "Bearer x.y.z"},
        "expired": {"Authorization": f"Bearer {hs256(claims(alice, exp=1))}"},
        "lowercase": {"Authorization": f"bearer {token}"},
    }[who] | {"Origin": ORIGIN, "X-Request-ID": "rid-1"}
    answers = [client.get(path, headers=headers) for client in clients]
    assert [a.headers["x-request-id"] for a in answers] == ["rid-1", "rid-1"]
    assert answers[0].headers["access-control-allow-origin"] == ORIGIN
    assert _whole(answers[0]) == _whole(answers[1])


def test_the_owner_reads_and_another_user_gets_404_either_way(
    clients: tuple[TestClient, TestClient], image: uuid.UUID, alice: uuid.UUID, bob: uuid.UUID
) -> None:
    listed = _same(clients, f"/images/{image}/variants", bearer(alice))
    assert listed[0] == 200
    variant = listed[2]["items"][0]["id"]
    assert _same(clients, f"/variants/{variant}", bearer(alice))[0] == 200
    for path in (f"/images/{image}/variants", f"/variants/{variant}"):
        assert _same(clients, path, bearer(bob))[2]["code"] == "not_found"
        # Upper-case hex digits name the same uuid.
        shouting = path.replace(path.split("/")[2], path.split("/")[2].upper())
        assert _same(clients, shouting, bearer(alice))[0] == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer a b"},
        {b"Authorization": "Bearer eyJ\u00e9".encode("latin-1")},
    ],
)
def test_a_missing_or_bad_token_is_the_same_401_either_way(
    clients: tuple[TestClient, TestClient],
    image: uuid.UUID,
    headers: Mapping[str, str] | Mapping[bytes, bytes],
) -> None:
    status, content_type, problem = _same(clients, f"/images/{image}/variants", headers)
    assert (status, content_type) == (401, "application/problem+json")
    assert problem["code"].startswith("PGRST")


def test_a_lowercase_scheme_and_a_token_of_another_role_either_way(
    clients: tuple[TestClient, TestClient], image: uuid.UUID, alice: uuid.UUID
) -> None:
    token = bearer(alice)["Authorization"].removeprefix("Bearer ")
    lowercase = {"Authorization": f"bearer {token}"}
    assert _same(clients, f"/images/{image}/variants", lowercase)[0] == 200
    service = hs256(claims(alice, role="service_role"))
    refused = _same(clients, f"/images/{image}/variants", {"Authorization": f"Bearer {service}"})
    assert refused[0] == 401


@pytest.mark.parametrize(
    "path",
    [
        "/images/not-a-uuid/variants",
        "/images/00000000-0000-0000-0000-000000000000/variants",
        "/images/{image}/variants/",
        "/variants/{image}x",
        "/images/{{{image}}}/variants",
    ],
)
def test_odd_paths_are_the_same_answer_either_way(
    clients: tuple[TestClient, TestClient], image: uuid.UUID, alice: uuid.UUID, path: str
) -> None:
    _same(clients, path.format(image=image), bearer(alice))


_TOKEN = (b"authorization", b"Bearer abc.def.ghi")


@pytest.mark.parametrize(
    ("query", "headers", "claimed"),
    [
        (b"", [(b"authorization", b"Bearer abc.def.ghi")], True),
        (b"limit=2&after=abc", [(b"authorization", b"Bearer abc.def.ghi")], True),
        (b"limit=02", [(b"authorization", b"Bearer abc.def.ghi")], False),
        (b"", [(b"authorization", b"bearer abc.def.ghi")], False),
        (b"", [], False),
        (b"", [_TOKEN, (b"content-length", b"0")], True),
        (b"", [_TOKEN, (b"content-length", b"5")], False),
        (b"", [_TOKEN, (b"transfer-encoding", b"chunked")], False),
    ],
)
def test_the_lane_claims_only_plain_requests(
    query: bytes, headers: list[tuple[bytes, bytes]], claimed: bool
) -> None:
    """The comparisons above cover both paths: plain requests take the lane, others do not."""
    lane = next(r for r in variants.FAST_LANES if r.path == "/images/{image_id}/variants")
    request = {
        "type": "http",
        "method": "GET",
        "path": "/images/0b6f1f0e-3c1a-4a8e-9a34-1d2c3b4a5f60/variants",
        "query_string": query,
        "headers": headers,
    }
    assert (lane.matches(request)[0] is Match.FULL) is claimed
