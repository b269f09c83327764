"""One error shape everywhere (RFC 9457, stable codes), request ids, body limits and CORS."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests._support import create_image, create_prompt
from tests.integration.api.conftest import ORIGIN, bearer
from vidprompt.api._logging import JsonFormatter, JsonLines

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from fastapi.testclient import TestClient
    from httpx2 import Response

    from tests._support import Conn


def _problem(response: Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:vidprompt:problem:{code}"
    assert body["title"]
    assert body["detail"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


@pytest.fixture
def image(admin: Conn, alice: uuid.UUID) -> uuid.UUID:
    return create_image(admin, alice)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "draft", "prompt_text": "x" * 2001}, "prompt_text"),
        ({"kind": "draft", "prompt_text": "x", "camera_style": "static"}, "camera_style"),
        ({"kind": "generation", "film_effects": ["noir", "soft", "dreamy", "dramatic"]},
         "film_effects"),
        ({"kind": "generation", "film_effects": ["sepia"]}, "film_effects.0"),
        ({"kind": "generation", "user_instruction": "y" * 501}, "user_instruction"),
        ({"kind": "draft", "prompt_text": "x", "colour": "red"}, "colour"),
        ({"kind": "video"}, "kind"),
        ({"prompt_text": "x"}, "kind"),
    ],
)  # fmt: skip
def test_invalid_input_names_the_field(
    client: TestClient, alice: uuid.UUID, image: uuid.UUID, body: dict[str, Any], field: str
) -> None:
    response = client.post(f"/images/{image}/variants", json=body, headers=bearer(alice))
    problem = _problem(response, 422, "invalid_input")
    fields = [error["field"] for error in problem["errors"]]
    assert any(f == field or f.endswith(f".{field}") for f in fields), fields


def test_a_vocabulary_rule_is_a_422_naming_the_field(
    client: TestClient, alice: uuid.UUID, image: uuid.UUID, admin: Conn
) -> None:
    """Rules beyond types and lengths (duplicates, NUL characters) are the request model's
    too, as the store's variant inputs define them; nothing is written."""
    twice = {"kind": "draft", "prompt_text": "x", "film_effects": ["noir", "noir"]}
    response = client.post(f"/images/{image}/variants", json=twice, headers=bearer(alice))
    problem = _problem(response, 422, "invalid_input")
    assert problem["errors"][0]["field"] == "draft.film_effects"
    assert "twice" in problem["errors"][0]["message"]
    nul = {"kind": "draft", "prompt_text": "a\u0000b"}
    response = client.post(f"/images/{image}/variants", json=nul, headers=bearer(alice))
    assert _problem(response, 422, "invalid_input")["errors"][0]["field"] == "draft.prompt_text"
    count = admin.execute("select count(*) from public.video_prompts where image_id = %s", [image])
    assert count.fetchone() == (0,)


def test_a_malformed_id_in_the_path_is_a_422_naming_it(
    client: TestClient, alice: uuid.UUID
) -> None:
    problem = _problem(
        client.get("/images/not-a-uuid", headers=bearer(alice)), 422, "invalid_input"
    )
    assert problem["errors"][0]["field"] == "image_id"


def test_malformed_json_is_a_422(client: TestClient, alice: uuid.UUID) -> None:
    response = client.post(
        "/images",
        content=b'{"url": ',
        headers=bearer(alice) | {"Content-Type": "application/json"},
    )
    _problem(response, 422, "invalid_input")


def test_null_is_refused_for_fields_that_cannot_be_empty(
    client: TestClient, admin: Conn, alice: uuid.UUID, image: uuid.UUID
) -> None:
    variant = create_prompt(admin, alice, image)
    for field in ("prompt_text", "camera_style", "film_effects"):
        response = client.patch(f"/variants/{variant}", json={field: None}, headers=bearer(alice))
        assert _problem(response, 422, "invalid_input")["errors"][0]["field"] == field
    cleared = client.patch(
        f"/variants/{variant}", json={"user_instruction": None}, headers=bearer(alice)
    )
    assert cleared.status_code == 200


def test_unknown_routes_and_methods_are_problems_too(client: TestClient) -> None:
    _problem(client.get("/nowhere"), 404, "not_found")
    _problem(client.put("/vocabulary"), 405, "method_not_allowed")
    wrong_method = client.delete("/images")
    _problem(wrong_method, 405, "method_not_allowed")
    assert wrong_method.headers["Allow"] == "GET, POST"
    assert client.put(f"/images/{uuid.uuid4()}").headers["Allow"] == "GET, DELETE"


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    make_client: Callable[..., TestClient], alice: uuid.UUID
) -> None:
    client = make_client(max_body_bytes=2048)
    big = {"url": "https://cdn.example.test/" + "x" * 4096, "storage_path": "p"}
    _problem(client.post("/images", json=big, headers=bearer(alice)), 413, "body_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it arrives
        yield json.dumps(big).encode()[:1500]
        yield json.dumps(big).encode()[1500:]

    response = client.post(
        "/images", content=chunks(), headers=bearer(alice) | {"Content-Type": "application/json"}
    )
    _problem(response, 413, "body_too_large")
    small = {"url": "https://cdn.example.test/a.png", "storage_path": "p"}
    assert client.post("/images", json=small, headers=bearer(alice)).status_code == 201


def test_request_ids_are_kept_or_made_and_returned(client: TestClient) -> None:
    given = client.get("/health", headers={"X-Request-ID": "frontend-42"})
    assert given.headers["X-Request-ID"] == "frontend-42"
    made = client.get("/health", headers={"X-Request-ID": "bad id\r\nx"})
    assert made.headers["X-Request-ID"] != "bad id\r\nx"
    made_ids = {client.get("/health").headers["X-Request-ID"] for _ in range(50)}
    made_ids.add(made.headers["X-Request-ID"])
    assert len(made_ids) == 51  # a new id each time
    assert all(re.fullmatch("[0-9a-f]{32}", made_id) for made_id in made_ids)


def test_access_logs_are_json_with_the_request_id(
    client: TestClient, alice: uuid.UUID, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="vidprompt.api"):
        client.get("/images", headers=bearer(alice) | {"X-Request-ID": "trace-7"})
    record = next(r for r in caplog.records if r.getMessage() == "request")
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/images"
    assert line["status"] == 200
    assert line["user_id"] == str(alice)
    assert isinstance(line["duration_ms"], float)


def test_an_unexpected_error_is_a_bare_500_without_internals(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()

    def explode() -> None:
        raise RuntimeError("select secret from internals")

    client.app.add_api_route("/explode", explode)  # type: ignore[attr-defined]
    response = client.get("/explode")
    problem = _problem(response, 500, "internal_error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert problem["detail"] == "Something went wrong on our side."


@pytest.mark.parametrize("route", ["fastapi", "fast_lane"])
def test_an_unexpected_error_is_logged_once_with_its_traceback_and_request_id(
    make_client: Callable[..., TestClient],
    alice: uuid.UUID,
    image: uuid.UUID,
    route: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client()

    async def explode(*_: object, **__: object) -> None:
        raise RuntimeError("select secret from internals")

    async def explode_route() -> None:
        await explode()

    if route == "fastapi":  # behind FastAPI's own error layer
        client.app.add_api_route("/explode", explode_route)  # type: ignore[attr-defined]
        path = "/explode"
    else:  # a plain listing, which the fast lane takes, outside that layer
        store = client.app.state.store  # type: ignore[attr-defined]
        monkeypatch.setattr(store, "page_variant_rows", explode)
        path = f"/images/{image}/variants"
    stream = io.StringIO()
    logger = logging.getLogger("vidprompt.api")
    logger.addHandler(handler := JsonLines(stream))  # formats as it emits, as `serve` does
    try:
        with caplog.at_level(logging.INFO, logger="vidprompt.api"):
            response = client.get(path, headers=bearer(alice) | {"X-Request-ID": "trace-500"})
    finally:
        logger.removeHandler(handler)
    problem = _problem(response, 500, "internal_error")
    assert problem["request_id"] == "trace-500"
    assert "secret" not in response.text
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    errors = [line for line in lines if line["message"] == "unexpected error"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "trace-500"
    assert "RuntimeError: select secret from internals" in errors[0]["error"]
    access = [line for line in lines if line["message"] == "request"]
    assert [(line["path"], line["status"]) for line in access] == [(path, 500)]


def test_the_quota_of_unfinished_generations_is_a_429(
    make_client: Callable[..., TestClient], alice: uuid.UUID, image: uuid.UUID
) -> None:
    client = make_client(max_unfinished_jobs_per_user=1)
    request = {"kind": "generation", "camera_style": "zoom_in"}
    first = client.post(f"/images/{image}/variants", json=request, headers=bearer(alice))
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "pending"
    assert first.headers["Location"] == f"/variants/{first.json()['id']}"
    second = client.post(f"/images/{image}/variants", json=request, headers=bearer(alice))
    _problem(second, 429, "quota_exceeded")
    assert second.headers["Retry-After"]


def test_editing_a_pending_variant_is_a_409(
    client: TestClient, alice: uuid.UUID, image: uuid.UUID
) -> None:
    pending = client.post(
        f"/images/{image}/variants", json={"kind": "generation"}, headers=bearer(alice)
    ).json()
    response = client.patch(
        f"/variants/{pending['id']}", json={"prompt_text": "mine"}, headers=bearer(alice)
    )
    _problem(response, 409, "conflict")


def test_readiness_follows_the_database(
    client: TestClient, make_client: Callable[..., TestClient]
) -> None:
    assert client.get("/ready").json() == {"status": "ok"}
    # Nothing listens there: a request waits out the pool's timeout, kept short here.
    down = make_client(
        database_url="postgresql://authenticator@127.0.0.1:9/none", pool_timeout_ms=500
    )
    assert down.get("/health").status_code == 200
    _problem(down.get("/ready"), 503, "database_unavailable")
    _problem(down.get("/images", headers=bearer(uuid.uuid4())), 503, "database_unavailable")


def test_cors_allows_the_app_s_origin_only(client: TestClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    allowed = client.options("/images", headers=preflight | {"Origin": ORIGIN})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    other = client.options("/images", headers=preflight | {"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    simple = client.get("/vocabulary", headers={"Origin": ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ORIGIN
    assert "X-Request-ID" in simple.headers["access-control-expose-headers"]


def test_the_vocabulary_has_the_keys_and_german_labels(client: TestClient) -> None:
    vocabulary = client.get("/vocabulary").json()
    cameras = {term["key"]: term["label"] for term in vocabulary["camera_styles"]}
    assert cameras["statisch"] == "Statisch"
    assert "static" not in cameras
    assert vocabulary["default_camera_style"] == "statisch"
    effects = {term["key"]: term["label"] for term in vocabulary["film_effects"]}
    assert effects["dreamy"] == "Verträumt"
    assert vocabulary["max_film_effects"] == 3


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "/images/{image_id}/variants" in document["paths"]
    problem = document["paths"]["/variants/{variant_id}"]["get"]["responses"]["404"]
    assert "application/problem+json" in problem["content"]
    assert "SupabaseAccessToken" in document["components"]["securitySchemes"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "url: '/openapi.json'" in docs.text  # the page shows the document served above
