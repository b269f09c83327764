"""Image bytes over HTTP: any http(s) URL, and Supabase Storage with the service key."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin, urlsplit

import httpx

from vidprompt.generation._errors import ErrorCode, GenerationError
from vidprompt.generation._images import (
    MAX_IMAGE_BYTES,
    checked_image,
    media_type,
    refuse_declared_type,
    refuse_size,
)
from vidprompt.generation._sources import unavailable

if TYPE_CHECKING:
    from vidprompt.generation._provider import ImageData
    from vidprompt.generation._sources import ImageRef

_MAX_REDIRECTS = 3


class HttpSource:
    """Downloads ``images.url`` when it is http(s): bounded time, bounded size, image types only.

    The URL comes from user data, so by default hosts that resolve to loopback, private,
    link-local or reserved addresses are refused (the server must not become a proxy into
    its own network); every redirect is checked again. ``allow_private_hosts`` lifts this
    for development setups that serve images from the local network.
    """

    def __init__(
        self,
        *,
        timeout_s: float = 15.0,
        max_bytes: int = MAX_IMAGE_BYTES,
        allow_private_hosts: bool = False,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.allow_private_hosts = allow_private_hosts

    async def fetch(self, image: ImageRef) -> ImageData:
        url = image.url
        if urlsplit(url).scheme not in ("http", "https"):
            raise unavailable("The image has no http(s) URL.")
        async with httpx.AsyncClient(timeout=self.timeout_s, follow_redirects=False) as client:
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
    """Reads objects through the Storage API of a Supabase project, as ``service_role``."""

    def __init__(
        self,
        supabase_url: str,
        service_key: str,
        *,
        timeout_s: float = 15.0,
        max_bytes: int = MAX_IMAGE_BYTES,
    ) -> None:
        self.base = supabase_url.rstrip("/") + "/storage/v1/object/"
        self._headers = {"Authorization": f"Bearer {service_key}", "apikey": service_key}
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes

    async def fetch(self, image: ImageRef) -> ImageData:
        url = self.base + quote(f"{image.bucket}/{image.storage_path}", safe="/")
        async with httpx.AsyncClient(timeout=self.timeout_s, follow_redirects=True) as client:
            response = await download(client, url, self._headers, self.max_bytes)
        if isinstance(response, str):
            raise unavailable("Supabase Storage answered with an unexpected redirect.")
        return response


async def download(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], max_bytes: int
) -> ImageData | str:
    """The checked image at ``url``, or the URL a redirect points to."""
    try:
        async with client.stream("GET", url, headers=headers) as response:
            if response.is_redirect and "location" in response.headers:
                return urljoin(url, response.headers["location"])
            _refuse_status(response.status_code)
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


def _refuse_status(status: int) -> None:
    if status < 300:
        return
    # Supabase Storage reports a missing object as 400 (with "not_found" in its body).
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
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise GenerationError(
                ErrorCode.IMAGE_UNAVAILABLE,
                f"The image's host {host!r} is a private or local address; refused.",
            )
