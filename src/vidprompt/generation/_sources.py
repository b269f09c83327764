"""Where a worker gets an image's bytes: local storage, or the first of several sources."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol

from vidprompt.generation._errors import ErrorCode, GenerationError
from vidprompt.generation._images import MAX_IMAGE_BYTES, checked_image, refuse_size

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vidprompt.generation._provider import ImageData

BUCKET = "generated_images"  # the app's bucket; objects are named "<user id>/..."
STORAGE_DIR = "storage"  # under the work folder's .vidprompt/


@dataclass(frozen=True)
class ImageRef:
    """An image as ``public.images`` locates it."""

    url: str
    storage_path: str
    bucket: str = BUCKET


class ImageSource(Protocol):
    async def fetch(self, image: ImageRef) -> ImageData:
        """The image's checked bytes, or :class:`GenerationError` (``image_*`` codes)."""
        ...


def unavailable(message: str, *, transient: bool = False) -> GenerationError:
    return GenerationError(ErrorCode.IMAGE_UNAVAILABLE, message, transient=transient)


class LocalStorage:
    """Storage objects as files: ``<root>/<bucket>/<object name>``.

    The embedded default's stand-in for Supabase Storage: a file here corresponds to a row of
    ``storage.objects`` with the same bucket and name (see :mod:`._objects`).
    """

    def __init__(self, root: Path, *, max_bytes: int = MAX_IMAGE_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path_of(self, bucket: str, name: str) -> Path:
        """The file of an object; names that would leave the bucket's folder are refused."""
        parts = PurePosixPath(name).parts
        if not parts or any(part in ("..", "/", "") for part in parts) or "\\" in name:
            raise unavailable(f"Invalid storage path {name!r}.")
        if not bucket or "/" in bucket or bucket in (".", ".."):
            raise unavailable(f"Invalid bucket {bucket!r}.")
        return self.root.joinpath(bucket, *parts)

    async def fetch(self, image: ImageRef) -> ImageData:
        path = self.path_of(image.bucket, image.storage_path)
        return await asyncio.to_thread(self._read, path)

    def _read(self, path: Path) -> ImageData:
        try:
            refuse_size(path.stat().st_size, self.max_bytes)
            content = path.read_bytes()
        except FileNotFoundError as exc:
            raise unavailable("The image is not in local storage.") from exc
        except OSError as exc:
            raise unavailable(f"The image could not be read: {exc.strerror}.") from exc
        return checked_image(content, limit=self.max_bytes)


class FirstFound:
    """Try sources in order; the next is asked only when an image is definitely not there."""

    def __init__(self, sources: Sequence[ImageSource]) -> None:
        self.sources = list(sources)

    async def fetch(self, image: ImageRef) -> ImageData:
        failure: GenerationError | None = None
        for source in self.sources:
            try:
                return await source.fetch(image)
            except GenerationError as exc:
                if exc.code is not ErrorCode.IMAGE_UNAVAILABLE or exc.transient:
                    raise
                failure = failure or exc
        raise failure or unavailable("No image source is configured.")
