"""Image sources: local storage files, http(s) URLs and Supabase Storage (stand-in servers)."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest

from tests.integration.generation._standins import Reply, StandIn
from vidprompt.generation import (
    NOT_IN_STORAGE,
    ErrorCode,
    FirstFound,
    GenerationError,
    HttpSource,
    ImageData,
    ImageRef,
    ImageSource,
    LocalStorage,
    SupabaseStorage,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

USER = "6f1c2b9e-0000-4000-8000-000000000001"


def _fetch(source: ImageSource, image: ImageRef) -> ImageData:
    return asyncio.run(source.fetch(image))


def _refusal(source: ImageSource, image: ImageRef) -> GenerationError:
    with pytest.raises(GenerationError) as caught:
        _fetch(source, image)
    return caught.value


@pytest.fixture
def server() -> Iterator[StandIn]:
    with StandIn() as standin:
        yield standin


def _png_reply(png: bytes, **headers: str) -> Reply:
    return Reply(body=png, headers={"Content-Type": "image/png"} | headers)


def _dripping(png: bytes, drip_s: float) -> Reply:
    return Reply(body=png, headers={"Content-Type": "image/png"}, drip_s=drip_s)


def _until(predicate: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# --- local storage -----------------------------------------------------------------


def test_local_storage_reads_bucket_and_object_name(tmp_path: Path, png: bytes) -> None:
    file = tmp_path / "generated_images" / USER / "portrait.png"
    file.parent.mkdir(parents=True)
    file.write_bytes(png)

    image = _fetch(LocalStorage(tmp_path), ImageRef("", f"{USER}/portrait.png"))

    assert image == ImageData(png, "image/png")


@pytest.mark.parametrize("name", ["../secret.png", f"{USER}/../../x.png", "/etc/passwd", ""])
def test_local_storage_refuses_names_that_leave_the_bucket(tmp_path: Path, name: str) -> None:
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    error = _refusal(LocalStorage(tmp_path / "storage"), ImageRef("", name))
    assert error.code is ErrorCode.IMAGE_UNAVAILABLE


def test_local_storage_missing_too_large_and_not_an_image(tmp_path: Path, png: bytes) -> None:
    storage = LocalStorage(tmp_path, max_bytes=len(png) - 1)
    folder = tmp_path / "generated_images" / USER
    folder.mkdir(parents=True)
    (folder / "big.png").write_bytes(png)
    (folder / "page.png").write_bytes(b"<html>not an image</html>")

    assert _refusal(storage, ImageRef("", f"{USER}/none.png")).code is ErrorCode.IMAGE_UNAVAILABLE
    assert _refusal(storage, ImageRef("", f"{USER}/big.png")).code is ErrorCode.IMAGE_TOO_LARGE
    unsupported = _refusal(storage, ImageRef("", f"{USER}/page.png"))
    assert unsupported.code is ErrorCode.IMAGE_UNSUPPORTED


# --- http(s) URLs ------------------------------------------------------------------


def test_http_source_downloads_an_image(server: StandIn, png: bytes) -> None:
    server.script(_png_reply(png))
    image = _fetch(HttpSource(allow_private_hosts=True), ImageRef(f"{server.url}/i.png", "x"))
    assert image == ImageData(png, "image/png")


def test_http_source_follows_redirects(server: StandIn, png: bytes) -> None:
    server.script(Reply(302, b"", {"Location": "/moved.png"}), _png_reply(png))
    image = _fetch(HttpSource(allow_private_hosts=True), ImageRef(f"{server.url}/i.png", "x"))
    assert image.content == png
    assert [seen.path for seen in server.requests()] == ["/i.png", "/moved.png"]


def test_http_source_refuses_private_hosts_by_default(server: StandIn, png: bytes) -> None:
    server.script(_png_reply(png))
    error = _refusal(HttpSource(), ImageRef(f"{server.url}/i.png", "x"))
    assert error.code is ErrorCode.IMAGE_UNAVAILABLE
    assert "private" in error.message
    assert server.requests() == []  # refused before connecting


@pytest.mark.parametrize(
    ("reply", "code", "transient"),
    [
        (
            Reply(404, b"missing", {"Content-Type": "text/plain"}),
            ErrorCode.IMAGE_UNAVAILABLE,
            False,
        ),
        (Reply(403, b"no", {"Content-Type": "text/plain"}), ErrorCode.IMAGE_UNAVAILABLE, False),
        (Reply(503, b"busy", {"Content-Type": "text/plain"}), ErrorCode.IMAGE_UNAVAILABLE, True),
        (
            Reply(200, b"<html></html>", {"Content-Type": "text/html"}),
            ErrorCode.IMAGE_UNSUPPORTED,
            False,
        ),
        (Reply(200, b"GIF89a", {"Content-Type": "image/gif"}), ErrorCode.IMAGE_UNSUPPORTED, False),
        # Declared as PNG, but the bytes are not an image.
        (
            Reply(200, b"<html></html>", {"Content-Type": "image/png"}),
            ErrorCode.IMAGE_UNSUPPORTED,
            False,
        ),
    ],
)
def test_http_source_failures(
    server: StandIn, reply: Reply, code: ErrorCode, transient: bool
) -> None:
    server.script(reply)
    error = _refusal(HttpSource(allow_private_hosts=True), ImageRef(f"{server.url}/i", "x"))
    assert (error.code, error.transient) == (code, transient)


def test_http_source_size_limit(server: StandIn, png: bytes) -> None:
    server.script(_png_reply(png))
    source = HttpSource(allow_private_hosts=True, max_bytes=len(png) - 1)
    assert _refusal(source, ImageRef(f"{server.url}/i", "x")).code is ErrorCode.IMAGE_TOO_LARGE


def test_http_source_timeout_is_transient(server: StandIn, png: bytes) -> None:
    server.script(Reply(body=png, headers={"Content-Type": "image/png"}, delay_s=2))
    source = HttpSource(allow_private_hosts=True, timeout_s=0.2)
    error = _refusal(source, ImageRef(f"{server.url}/i", "x"))
    assert (error.code, error.transient) == (ErrorCode.IMAGE_UNAVAILABLE, True)


def test_http_source_needs_an_http_url() -> None:
    error = _refusal(HttpSource(), ImageRef("file:///etc/passwd", "x"))
    assert error.code is ErrorCode.IMAGE_UNAVAILABLE


# --- Supabase Storage --------------------------------------------------------------


def test_supabase_storage_downloads_with_the_service_key(server: StandIn, png: bytes) -> None:
    server.script(_png_reply(png))
    storage = SupabaseStorage(server.url + "/", "service-key-xyz")

    image = _fetch(storage, ImageRef("https://ignored.example/x.png", f"{USER}/mein bild.png"))

    assert image.content == png
    [seen] = server.requests()
    assert seen.method == "GET"
    assert seen.path == f"/storage/v1/object/generated_images/{USER}/mein%20bild.png"
    assert seen.headers["Authorization"] == "Bearer service-key-xyz"
    assert seen.headers["apikey"] == "service-key-xyz"


def test_supabase_storage_missing_object(server: StandIn) -> None:
    # Supabase Storage answers a missing object with 400 and "not_found" in the body.
    server.script(
        Reply(400, {"statusCode": "404", "error": "not_found", "message": "Object not found"})
    )
    error = _refusal(SupabaseStorage(server.url, "k"), ImageRef("", f"{USER}/gone.png"))
    assert (error.code, error.transient) == (ErrorCode.IMAGE_UNAVAILABLE, False)


def test_first_found_falls_back_to_the_url(tmp_path: Path, server: StandIn, png: bytes) -> None:
    server.script(_png_reply(png))
    source = FirstFound([LocalStorage(tmp_path), HttpSource(allow_private_hosts=True)])
    image = _fetch(source, ImageRef(f"{server.url}/i.png", f"{USER}/not-local.png"))
    assert image.content == png


def test_first_found_does_not_hide_a_transient_failure(tmp_path: Path, server: StandIn) -> None:
    server.script(Reply(503, b"busy", {"Content-Type": "text/plain"}))
    source = FirstFound([HttpSource(allow_private_hosts=True), LocalStorage(tmp_path)])
    error = _refusal(source, ImageRef(f"{server.url}/i.png", f"{USER}/x.png"))
    assert error.transient


# --- hostile fields: escapes, redirects, slow servers, private addresses in disguise ---------


@pytest.mark.parametrize(
    "name",
    [
        f"{USER}/../../../../auth/v1/admin/users",
        f"{USER}/%2e%2e/%2e%2e/other_bucket/x.png",
        f"{USER}/..%2F..%2Frest/v1/profiles",
        f"{USER}\\..\\x.png",
        "/generated_images/x.png",
    ],
)
def test_supabase_storage_sends_nothing_for_a_name_that_climbs_out(
    server: StandIn, name: str
) -> None:
    error = _refusal(SupabaseStorage(server.url, "service-key"), ImageRef("", name))
    assert (error.code, error.transient) == (ErrorCode.IMAGE_UNAVAILABLE, False)
    assert server.requests() == []


def test_supabase_storage_encodes_each_segment(server: StandIn, png: bytes) -> None:
    server.script(_png_reply(png))
    storage = SupabaseStorage(server.url, "service-key")
    _fetch(storage, ImageRef("", f"{USER}/a b/c#d?e=f.png"))
    [seen] = server.requests()
    assert seen.path == f"/storage/v1/object/generated_images/{USER}/a%20b/c%23d%3Fe%3Df.png"


def test_supabase_storage_follows_no_redirect(server: StandIn, png: bytes) -> None:
    with StandIn(_png_reply(png)) as elsewhere:
        server.script(Reply(302, b"", {"Location": f"{elsewhere.url}/x.png"}))
        error = _refusal(SupabaseStorage(server.url, "service-key"), ImageRef("", f"{USER}/i.png"))
        assert "redirect" in error.message
        assert elsewhere.requests() == []  # the service key went nowhere else


def test_a_missing_object_reads_the_same_from_every_storage(
    tmp_path: Path, server: StandIn
) -> None:
    server.script(Reply(400, {"statusCode": "404", "error": "not_found"}))
    remote = _refusal(SupabaseStorage(server.url, "k"), ImageRef("", f"{USER}/gone.png"))
    local = _refusal(LocalStorage(tmp_path), ImageRef("", f"{USER}/gone.png"))
    assert remote.message == local.message == NOT_IN_STORAGE


def test_http_source_has_one_deadline_for_a_dripping_download(server: StandIn, png: bytes) -> None:
    server.script(_dripping(png * 20, 0.05))
    source = HttpSource(allow_private_hosts=True, deadline_s=0.5)
    error = _refusal(source, ImageRef(f"{server.url}/slow.png", "x"))
    assert (error.code, error.transient) == (ErrorCode.IMAGE_UNAVAILABLE, True)
    assert "longer than 0.5 s" in error.message
    _until(lambda: server.requests()[0].disconnected)  # the worker hung up on the server


def test_http_source_checks_the_size_cap_while_streaming(server: StandIn, png: bytes) -> None:
    server.script(Reply(body=png * 4, headers={"Content-Type": "image/png"}, drip_s=0.001,
                        drip_bytes=512))  # fmt: skip
    source = HttpSource(allow_private_hosts=True, max_bytes=len(png) * 2)
    assert _refusal(source, ImageRef(f"{server.url}/big", "x")).code is ErrorCode.IMAGE_TOO_LARGE


@pytest.mark.parametrize("host", ["[::ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]"])
def test_http_source_refuses_loopback_written_as_ipv6(server: StandIn, host: str) -> None:
    port = server.url.rsplit(":", 1)[1]
    error = _refusal(HttpSource(), ImageRef(f"http://{host}:{port}/i.png", "x"))
    assert "private" in error.message
    assert server.requests() == []
