"""Uploading an image: ``POST /images`` with multipart form data.

Locally the bytes land in the work folder's storage with a ``storage.objects`` row owned by
the user; on a Supabase project they go to Storage (a stand-in here) with the user's own
token. The object's path is always the server's choice, under the caller's folder.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.api.conftest import bearer
from tests.integration.generation._standins import Reply, StandIn
from vidprompt.api import create_app
from vidprompt.generation import BUCKET, local_storage, sample_image

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests._support import Conn
    from vidprompt.config import Settings

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture
def make_app(api_settings: Settings, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        client = TestClient(create_app(api_settings.model_copy(update=changes), workdir=tmp_path))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def _upload(
    client: TestClient,
    headers: dict[str, str],
    content: bytes,
    *,
    filename: str = "photo.png",
    declared: str = "image/png",
    **fields: str,
) -> Any:
    return client.post(
        "/images", files={"file": (filename, content, declared)}, data=fields, headers=headers
    )


def _objects(admin: Conn) -> list[tuple[Any, ...]]:
    return admin.execute(
        "select bucket_id, name, owner from storage.objects order by created_at"
    ).fetchall()


def _images(admin: Conn) -> list[tuple[Any, ...]]:
    return admin.execute("select user_id, storage_path, type from public.images").fetchall()


def _files(workdir: Path) -> list[Path]:
    return sorted(path for path in (workdir / ".vidprompt").rglob("*") if path.is_file())


def test_an_upload_is_stored_in_the_callers_folder_as_the_caller(
    make_app: Callable[..., TestClient], admin: Conn, tmp_path: Path, alice: uuid.UUID,
    bob: uuid.UUID,
) -> None:  # fmt: skip
    client = make_app()
    me = bearer(alice)
    # Whatever the client names, the path is the server's: no way into bob's folder.
    created = _upload(
        client, me, sample_image(), filename=f"../{bob}/x.png", storage_path=f"{bob}/x.png"
    )
    assert created.status_code == 201, created.text
    image = created.json()
    assert created.headers["Location"] == f"/images/{image['id']}"
    name = image["storage_path"]
    folder, _, file = name.partition("/")
    assert folder == str(alice)
    assert file.endswith(".png")
    uuid.UUID(file.removesuffix(".png"))
    assert (image["type"], image["user_id"]) == ("source", str(alice))
    assert local_storage(tmp_path).path_of(BUCKET, name).read_bytes() == sample_image()
    assert _objects(admin) == [(BUCKET, name, alice)]
    assert [i["id"] for i in client.get("/images", headers=me).json()["items"]] == [image["id"]]
    assert client.get(f"/images/{image['id']}", headers=bearer(bob)).status_code == 404

    for content, extension in ((JPEG, "jpg"), (WEBP, "webp")):
        other = _upload(client, bearer(bob), content, filename="a.png", declared="image/png")
        assert other.status_code == 201, other.text
        assert other.json()["storage_path"].startswith(f"{bob}/")
        assert other.json()["storage_path"].endswith(f".{extension}")
    assert {(owner, name.split("/")[0]) for _, name, owner in _objects(admin)} == {
        (alice, str(alice)),
        (bob, str(bob)),
    }


@pytest.mark.parametrize(
    "content",
    [
        b"not an image at all",
        b"GIF89a" + b"\x00" * 64,
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"",
    ],
)
def test_a_file_that_is_not_a_png_jpeg_or_webp_is_refused_whatever_it_claims(
    make_app: Callable[..., TestClient], admin: Conn, tmp_path: Path, alice: uuid.UUID,
    content: bytes,
) -> None:  # fmt: skip
    refused = _upload(make_app(), bearer(alice), content, filename="a.png", declared="image/png")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "invalid_input"
    assert [error["field"] for error in refused.json()["errors"]] == ["file"]
    assert (_objects(admin), _images(admin), _files(tmp_path)) == ([], [], [])


def test_a_file_over_the_upload_limit_is_refused(
    make_app: Callable[..., TestClient], admin: Conn, tmp_path: Path, alice: uuid.UUID
) -> None:
    client = make_app(upload_max_bytes=len(sample_image()) + 16)
    big = sample_image() + b"\x00" * 17
    refused = _upload(client, bearer(alice), big)
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "body_too_large"
    far_too_big = _upload(client, bearer(alice), big + b"\x00" * 128 * 1024)
    assert (far_too_big.status_code, far_too_big.json()["code"]) == (413, "body_too_large")
    assert (_objects(admin), _images(admin), _files(tmp_path)) == ([], [], [])
    assert _upload(client, bearer(alice), sample_image()).status_code == 201


def test_json_bodies_keep_their_own_limit_and_keep_working(
    make_app: Callable[..., TestClient], alice: uuid.UUID
) -> None:
    client = make_app()
    body = {"url": "https://cdn.example.test/a.png", "storage_path": "a.png"}
    assert client.post("/images", json=body, headers=bearer(alice)).status_code == 201
    padded = body | {"metadata": {"pad": "x" * 70_000}}
    too_big = client.post("/images", json=padded, headers=bearer(alice))
    assert (too_big.status_code, too_big.json()["code"]) == (413, "body_too_large")


def test_an_upload_needs_a_signed_in_user_and_their_own_collection(
    make_app: Callable[..., TestClient], admin: Conn, tmp_path: Path, alice: uuid.UUID,
    bob: uuid.UUID,
) -> None:  # fmt: skip
    client = make_app()
    anonymous = client.post("/images", files={"file": ("a.png", sample_image(), "image/png")})
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "PGRST302")
    row = admin.execute(
        "insert into public.collections (user_id, name) values (%s, 'bobs') returning id", [bob]
    ).fetchone()
    assert row is not None
    foreign = _upload(client, bearer(alice), sample_image(), collection_id=str(row[0]))
    assert foreign.status_code == 404
    for invalid in ("", "not-a-uuid"):
        refused = _upload(client, bearer(alice), sample_image(), collection_id=invalid)
        assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "collection_id")
    assert (_objects(admin), _images(admin), _files(tmp_path)) == ([], [], [])
    mine = _upload(client, bearer(bob), sample_image(), collection_id=str(row[0]))
    assert (mine.status_code, mine.json()["collection_id"]) == (201, str(row[0]))


@pytest.fixture
def storage() -> Iterator[StandIn]:
    """A stand-in Supabase Storage that takes every upload (as the real one answers)."""
    with StandIn(Reply(body={"Key": "generated_images/x", "Id": str(uuid.uuid4())})) as standin:
        yield standin


def test_on_a_project_the_upload_goes_to_supabase_storage_with_the_users_token(
    make_app: Callable[..., TestClient], storage: StandIn, admin: Conn, tmp_path: Path,
    alice: uuid.UUID,
) -> None:  # fmt: skip
    client = make_app(supabase_url=storage.url, supabase_anon_key="anon-key")
    me = bearer(alice)
    created = _upload(client, me, sample_image())
    assert created.status_code == 201, created.text
    name = created.json()["storage_path"]
    assert name.startswith(f"{alice}/")
    [seen] = storage.requests()
    assert (seen.method, seen.path) == ("POST", f"/storage/v1/object/{BUCKET}/{name}")
    assert seen.headers["Authorization"] == me["Authorization"]
    assert seen.headers["apikey"] == "anon-key"
    assert seen.headers["Content-Type"] == "image/png"
    assert seen.body == sample_image()
    assert created.json()["url"] == f"{storage.url}/storage/v1/object/authenticated/{BUCKET}/{name}"
    assert _files(tmp_path) == []
    assert _objects(admin) == []  # the project's Storage keeps its own rows


def test_when_the_projects_storage_policies_refuse_nothing_is_recorded(
    make_app: Callable[..., TestClient], storage: StandIn, admin: Conn, alice: uuid.UUID
) -> None:
    client = make_app(supabase_url=storage.url, supabase_anon_key="anon-key")
    refusal = {"statusCode": "403", "error": "Unauthorized", "message": "new row violates"}
    storage.script(Reply(400, refusal))
    refused = _upload(client, bearer(alice), sample_image())
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    storage.script(Reply(503, {"message": "down"}))
    down = _upload(client, bearer(alice), sample_image())
    assert (down.status_code, down.json()["code"]) == (503, "database_unavailable")
    assert _images(admin) == []


def test_without_the_anon_key_uploads_to_a_project_are_refused_in_one_line(
    make_app: Callable[..., TestClient], storage: StandIn, alice: uuid.UUID
) -> None:
    client = make_app(supabase_url=storage.url, supabase_anon_key=None)
    refused = _upload(client, bearer(alice), sample_image())
    assert refused.status_code == 503
    assert "SUPABASE_ANON_KEY" in refused.json()["detail"]
    assert storage.requests() == []
