"""Checking image bytes before they go to a provider: size and real format."""

from __future__ import annotations

from dataclasses import dataclass

from vidprompt.errors import ErrorCode, GenerationError

MAX_IMAGE_BYTES = 10 * 1024 * 1024  # well under Gemini's 20 MB limit for a whole request

# Formats Gemini accepts inline; declared types outside this set are refused before download.
SUPPORTED_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"})
# Servers that do not know better label files like this; the bytes then decide.
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})


@dataclass(frozen=True)
class ImageData:
    """An image's bytes as a provider receives them."""

    content: bytes
    mime_type: str


def sniff_type(content: bytes) -> str | None:
    """The image type the bytes' signature shows, if it is one we accept."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:8] == b"ftyp" and content[8:12] in (b"heic", b"heix", b"heim", b"heis"):
        return "image/heic"
    if content[4:8] == b"ftyp" and content[8:12] in (b"mif1", b"msf1", b"heif"):
        return "image/heif"
    return None


def media_type(header: str | None) -> str:
    """``image/png`` from ``image/png; charset=binary``, lower-cased."""
    return (header or "").split(";", 1)[0].strip().lower()


def refuse_declared_type(declared: str) -> None:
    """Refuse a declared type we cannot use, before reading the body."""
    if declared not in SUPPORTED_TYPES and declared not in _UNTYPED:
        raise GenerationError(
            ErrorCode.IMAGE_UNSUPPORTED,
            f"The image is of type {declared!r}; supported are PNG, JPEG, WebP and HEIC/HEIF.",
        )


def refuse_size(size: int, limit: int) -> None:
    if size > limit:
        raise GenerationError(
            ErrorCode.IMAGE_TOO_LARGE,
            f"The image has {size} bytes; at most {limit} can be sent to the AI provider.",
        )


def checked_image(content: bytes, declared: str = "", *, limit: int = MAX_IMAGE_BYTES) -> ImageData:
    """The bytes as :class:`ImageData`, typed by their signature, or the reason they are refused."""
    refuse_declared_type(declared)
    refuse_size(len(content), limit)
    sniffed = sniff_type(content)
    if sniffed is None:
        raise GenerationError(
            ErrorCode.IMAGE_UNSUPPORTED,
            "The file is not a PNG, JPEG, WebP or HEIC/HEIF image.",
        )
    return ImageData(content, sniffed)
