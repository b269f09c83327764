"""Image bytes over HTTP: any http(s) URL, and Supabase Storage with the service key."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import httpx

from vidprompt.errors import ErrorCode, GenerationError
from vidprompt.storage._images import (
    MAX_IMAGE_BYTES,
    checked_image,
    media_type,
    refuse_declared_type,
    refuse_size,
)
from vidprompt.storage._locations import is_public_address, object_url_path
from vidprompt.storage._sources import NOT_IN_STORAGE, checked_location, unavailable

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from vidprompt.storage._images import ImageData
    from vidprompt.storage._sources import ImageRef

_MAX_REDIRECTS = 3
READ_TIMEOUT_S = 15.0  # per read; the whole download has its own deadline
DOWNLOAD_DEADLINE_S = 20.0


class HttpSource:
    """Downloads ``images.url`` when it is http(s): bounded time, bounded size, image types only.

    The URL comes from user data, so by default hosts that resolve to loopback, private,
    link-local or reserved addresses are refused (the server must not become a proxy into
    its own network), also when written as IPv4 inside IPv6; every redirect is checked
    again. ``allow_private_hosts`` lifts this for development setups that serve images from
    the local network. ``deadline_s`` bounds the whole download (redirects included), so a
    server dripping bytes cannot hold a worker slot.
    """

    def __init__(
        self,
        *,
        timeout_s: float = READ_TIMEOUT_S,
        deadline_s: float = DOWNLOAD_DEADLINE_S,
        max_bytes: int = MAX_IMAGE_BYTES,
        allow_private_hosts: bool = False,
    ) -> None:
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        self.max_bytes = max_bytes
        self.allow_private_hosts = allow_private_hosts

    async def fetch(self, image: ImageRef) -> ImageData:
        url = image.url
        if urlsplit(url).scheme not in ("http", "https"):
            raise unavailable("The image has no http(s) URL.")
        async with _deadline(self.deadline_s), _client(self.timeout_s) as client:
            for _ in range(_MAX_REDIRECTS + 1):
                if not self.allow_private_hosts:
                    await _refuse_private_host(url)
                response = await download(client, url, {}, self.max_bytes)
                if isinstance(response, str):
                    url = response
                    continue
                return response
        raise unavailable("The image URL redirects too often.")


class SupabaseStorage:
    """Reads objects through the Storage API of a Supabase project, as ``service_role``.

    The URL is built from the checked bucket and name, one percent-encoded segment at a
    time, so it can only ever name an object. Redirects are not followed: the service key
    must never travel to another address.
    """

    def __init__(
        self,
        supabase_url: str,
        service_key: str,
        *,
        timeout_s: float = READ_TIMEOUT_S,
        deadline_s: float = DOWNLOAD_DEADLINE_S,
        max_bytes: int = MAX_IMAGE_BYTES,
    ) -> None:
        self.base = supabase_url.rstrip("/") + "/storage/v1/object/"
        self._headers = {"Authorization": f"Bearer {service_key}", "apikey": service_key}
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        self.max_bytes = max_bytes

    def url_of(self, image: ImageRef) -> str:
        bucket, name = checked_location(image.bucket, image.storage_path)
        return self.base + object_url_path(bucket, name)

    async def fetch(self, image: ImageRef) -> ImageData:
        url = self.url_of(image)
        async with _deadline(self.deadline_s), _client(self.timeout_s) as client:
            response = await download(client, url, self._headers, self.max_bytes, storage=True)
        if isinstance(response, str):
            raise unavailable("Supabase Storage answered with an unexpected redirect.")
        return response


def _client(timeout_s: float) -> httpx.AsyncClient:
    # trust_env off: no proxy or .netrc credentials from the environment join these requests.
    return httpx.AsyncClient(timeout=timeout_s, follow_redirects=False, trust_env=False)


@contextlib.asynccontextmanager
async def _deadline(seconds: float) -> AsyncIterator[None]:
    """The whole download within ``seconds``; past it, a transient ``image_unavailable``."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise unavailable(
            f"Loading the image took longer than {seconds:g} s.", transient=True
        ) from None


async def download(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    max_bytes: int,
    *,
    storage: bool = False,
) -> ImageData | str:
    """The checked image at ``url``, or the URL a redirect points to.

    ``storage``: the server is Supabase Storage, whose "no such object" is a 400 or 404.
    """
    try:
        async with client.stream("GET", url, headers=headers) as response:
            if response.is_redirect and "location" in response.headers:
                return urljoin(url, response.headers["location"])
            _refuse_status(response.status_code, storage=storage)
            declared = media_type(response.headers.get("content-type"))
            refuse_declared_type(declared)
            if "content-length" in response.headers:
                refuse_size(int(response.headers["content-length"]), max_bytes)
            content = bytearray()
            async for chunk in response.aiter_bytes():
                content += chunk
                refuse_size(len(content), max_bytes)
    except httpx.TimeoutException as exc:
        raise unavailable("Loading the image timed out.", transient=True) from exc
    except httpx.HTTPError as exc:
        raise unavailable(
            f"Loading the image failed: {type(exc).__name__}.", transient=True
        ) from exc
    return checked_image(bytes(content), declared, limit=max_bytes)


def _refuse_status(status: int, *, storage: bool) -> None:
    if status < 300:
        return
    # Supabase Storage reports a missing object as 400 (with "not_found" in its body); a
    # missing object reads the same from every storage source.
    if storage and status in (400, 404):
        raise unavailable(NOT_IN_STORAGE)
    transient = status in (408, 429) or status >= 500
    if status in (401, 403):
        raise unavailable(f"Access to the image was refused (HTTP {status}).")
    raise unavailable(f"Loading the image failed with HTTP {status}.", transient=transient)


async def _refuse_private_host(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except OSError as exc:
        raise unavailable(f"The image's host {host!r} cannot be resolved.", transient=True) from exc
    for info in infos:
        if not is_public_address(str(info[4][0])):
            raise GenerationError(
                ErrorCode.IMAGE_UNAVAILABLE,
                f"The image's host {host!r} is a private or local address; refused.",
            )
