"""Where a worker gets an image's bytes: local storage, or the first of several sources."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from vidprompt.errors import ErrorCode, GenerationError, InvalidObjectName
from vidprompt.storage._images import MAX_IMAGE_BYTES, checked_image, refuse_size
from vidprompt.storage._locations import check_bucket, check_object_name

if TYPE_CHECKING:
    import uuid
    from collections.abc import Sequence
    from pathlib import Path

    from vidprompt.storage._images import ImageData

BUCKET = "generated_images"  # the app's bucket; objects are named "<user id>/..."
STORAGE_DIR = "storage"  # under the work folder's .vidprompt/
# One message for an object that is not there and one its owner may not read, so a failed
# variant never tells a user whether someone else's object exists.
NOT_IN_STORAGE = "The image is not in storage."


@dataclass(frozen=True)
class ImageRef:
    """An image as ``public.images`` locates it, and whose it is (``images.user_id``)."""

    url: str
    storage_path: str
    bucket: str = BUCKET
    owner: uuid.UUID | None = None


class ImageSource(Protocol):
    async def fetch(self, image: ImageRef) -> ImageData:
        """The image's checked bytes, or :class:`GenerationError` (``image_*`` codes)."""
        ...


def unavailable(message: str, *, transient: bool = False) -> GenerationError:
    return GenerationError(ErrorCode.IMAGE_UNAVAILABLE, message, transient=transient)


def checked_location(bucket: str, name: str) -> tuple[str, str]:
    """The bucket and object name if neither can leave its place; else ``image_unavailable``."""
    try:
        return check_bucket(bucket), check_object_name(name)
    except InvalidObjectName as exc:
        raise unavailable(f"The image's storage path is not valid: it {exc}.") from None


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
        bucket, name = checked_location(bucket, name)
        return self.root.joinpath(bucket, *name.split("/"))

    async def fetch(self, image: ImageRef) -> ImageData:
        path = self.path_of(image.bucket, image.storage_path)
        return await asyncio.to_thread(self._read, path)

    def _read(self, path: Path) -> ImageData:
        try:
            refuse_size(path.stat().st_size, self.max_bytes)
            content = path.read_bytes()
        except FileNotFoundError as exc:
            raise unavailable(NOT_IN_STORAGE) from exc
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
