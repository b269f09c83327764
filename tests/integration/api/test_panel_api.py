"""What the reference panel needs from the API: its page, its sign-in, an image's bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.api._signing import SECRET
from tests.integration.api._storage import image_of, storage_path_of, stored_image
from tests.integration.api.conftest import bearer
from vidprompt.api import create_app
from vidprompt.api._local_sign_in import LocalSignIn, is_loopback
from vidprompt.generation import sample_image

if TYPE_CHECKING:
    import uuid
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests._support import Conn
    from vidprompt.config import Settings


@pytest.fixture
def make_app(api_settings: Settings, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(local_sign_in: LocalSignIn | None = None, **changes: Any) -> TestClient:
        settings = api_settings.model_copy(update=changes)
        app = create_app(settings, workdir=tmp_path, local_sign_in=local_sign_in)
        client = TestClient(app, base_url="http://127.0.0.1")  # a browser on this machine
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def test_the_page_and_its_files_are_served_without_a_token(
    make_app: Callable[..., TestClient],
) -> None:
    client = make_app()
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="de">' in page.text
    for name, kind in (("panel.js", "javascript"), ("panel.css", "text/css")):
        served = client.get(f"/static/{name}")
        assert (served.status_code, kind in served.headers["content-type"]) == (200, True)
    # Nothing from elsewhere: no CDN, every file is the package's own.
    assert not any(f'{attr}="http' in page.text for attr in ("src", "href"))


def test_local_sign_in_issues_a_working_token_only_where_it_is_offered(
    make_app: Callable[..., TestClient], schema_url: str, admin: Conn
) -> None:
    sign_in = LocalSignIn(schema_url, SECRET)
    offered = make_app(sign_in)
    assert offered.get("/panel/config").json()["sign_in"] == "local"
    session = offered.post(
        "/panel/local-session", json={"email": "Ada@Example.test", "key": sign_in.key}
    )
    assert session.status_code == 200, session.text
    me = {"Authorization": f"Bearer {session.json()['access_token']}"}
    assert offered.get("/images", headers=me).status_code == 200
    again = offered.post(
        "/panel/local-session", json={"email": "ada@example.test", "key": sign_in.key}
    ).json()
    users = admin.execute("select count(*) from auth.users where email = 'ada@example.test'")
    assert users.fetchone() == (1,)
    assert again["access_token"] != session.json()["access_token"]
    refused = offered.post(
        "/panel/local-session", json={"email": "not an address", "key": sign_in.key}
    )
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "email")

    elsewhere = make_app()
    assert elsewhere.get("/panel/config").json()["sign_in"] == "none"
    missing = elsewhere.post("/panel/local-session", json={"email": "eve@example.test"})
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    users = admin.execute("select count(*) from auth.users where email = 'eve@example.test'")
    assert users.fetchone() == (0,)


def test_on_a_project_the_panel_signs_in_with_supabase_auth(
    make_app: Callable[..., TestClient],
) -> None:
    client = make_app(supabase_url="https://abc.supabase.co", supabase_anon_key="anon")
    assert client.get("/panel/config").json() == {
        "sign_in": "supabase",
        "supabase_url": "https://abc.supabase.co",
        "supabase_anon_key": "anon",
    }


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),  # noqa: S104 - the case under test
        ("::", False),
        ("192.168.1.20", False),
        ("example.test", False),
    ],
)
def test_only_a_loopback_address_counts_as_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_an_images_file_is_its_owners_only(
    make_app: Callable[..., TestClient], admin: Conn, tmp_path: Path, alice: uuid.UUID,
    bob: uuid.UUID,
) -> None:  # fmt: skip
    client = make_app()
    image = stored_image(admin, tmp_path, alice, sample_image())
    mine = client.get(f"/images/{image}/file", headers=bearer(alice))
    assert (mine.status_code, mine.headers["content-type"]) == (200, "image/png")
    assert mine.content == sample_image()
    assert mine.headers["x-content-type-options"] == "nosniff"
    foreign = client.get(f"/images/{image}/file", headers=bearer(bob))
    assert (foreign.status_code, foreign.json()["code"]) == (404, "not_found")
    assert client.get(f"/images/{image}/file").status_code == 401


def test_an_image_naming_another_users_object_does_not_serve_its_bytes(
    make_app: Callable[..., TestClient], admin: Conn, tmp_path: Path, alice: uuid.UUID,
    bob: uuid.UUID,
) -> None:  # fmt: skip
    """Bob records an image whose storage path is Alice's object: he gets a 404, she her file."""
    client = make_app()
    image = stored_image(admin, tmp_path, alice, sample_image())
    borrowed = image_of(admin, bob, storage_path_of(admin, image))
    stolen = client.get(f"/images/{borrowed}/file", headers=bearer(bob))
    assert (stolen.status_code, stolen.json()["code"]) == (404, "not_found")
    assert sample_image() not in stolen.content
    assert client.get(f"/images/{image}/file", headers=bearer(alice)).content == sample_image()


@pytest.mark.parametrize("key", [None, "", "guessed", "x" * 32])
def test_local_sign_in_needs_the_key_the_server_printed(
    make_app: Callable[..., TestClient], schema_url: str, admin: Conn, key: str | None
) -> None:
    """Another user of the machine reaches the loopback port too: without the key, nothing."""
    sign_in = LocalSignIn(schema_url, SECRET)
    client = make_app(sign_in)
    body = {"email": "alice@example.test"} | ({} if key is None else {"key": key})
    refused = client.post("/panel/local-session", json=body)
    assert (refused.status_code, refused.json()["code"]) == (401, "PGRST302")
    assert "access_token" not in refused.text
    users = admin.execute("select count(*) from auth.users where email = 'alice@example.test'")
    assert users.fetchone() == (0,)
    signed = client.post("/panel/local-session", json=body | {"key": sign_in.key})
    assert signed.status_code == 200


@pytest.mark.parametrize(
    "email", ["a\u0000b@example.test", "a" * 300 + "@example.test"], ids=["nul", "too-long"]
)
def test_local_sign_in_refuses_an_email_the_users_table_cannot_hold(
    make_app: Callable[..., TestClient], schema_url: str, admin: Conn, email: str
) -> None:
    """A NUL or more than auth.users.email's 255 characters: 422 naming the field, no user."""
    sign_in = LocalSignIn(schema_url, SECRET)
    client = make_app(sign_in)
    refused = client.post("/panel/local-session", json={"email": email, "key": sign_in.key})
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_input")
    assert "email" in refused.text
    assert admin.execute("select count(*) from auth.users").fetchone() == (0,)


@pytest.mark.parametrize("host", ["rebind.attacker.example", "example.com:8000", "10.0.0.1"])
def test_local_sign_in_refuses_a_host_name_that_is_not_this_machine(
    make_app: Callable[..., TestClient], schema_url: str, admin: Conn, host: str
) -> None:
    """DNS rebinding: a page whose name now resolves to 127.0.0.1 is not a local browser."""
    sign_in = LocalSignIn(schema_url, SECRET)
    client = make_app(sign_in)
    body = {"email": "mallory@example.test", "key": sign_in.key}
    rebound = client.post("/panel/local-session", json=body, headers={"Host": host})
    assert (rebound.status_code, rebound.json()["code"]) == (404, "not_found")
    users = admin.execute("select count(*) from auth.users where email = 'mallory@example.test'")
    assert users.fetchone() == (0,)
    assert client.post("/panel/local-session", json=body).status_code == 200
