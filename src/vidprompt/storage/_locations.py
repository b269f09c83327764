"""Where an image may be read from: object names that cannot escape their bucket, URLs built
from them, and addresses on the public internet only.

``images.storage_path`` is written by users. A name is accepted only as plain segments
separated by ``/``: no empty, ``.`` or ``..`` segment (also not percent-encoded), no
backslash, no leading ``/``, no control character. The API checks it when an image is
recorded and the worker again before it reads the object (rows can be written through the
Data API too). URLs to Supabase Storage are built segment by segment, each percent-encoded,
so nothing in a name can become a path separator, a query or a fragment.

Whether an address is public: ``ipaddress.is_global`` alone misses IPv6 forms that carry an
IPv4 address a host may route to: IPv4-compatible ``::a.b.c.d``, IPv4-mapped
``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16`` and Teredo ``2001::/32``. For
those the embedded IPv4 decides.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from urllib.parse import quote, unquote

from vidprompt.errors import InvalidObjectName

MAX_NAME_CHARS = 1024  # Supabase Storage's limit for an object name


def check_object_name(name: str) -> str:
    """``name`` if it is a safe object name; else :class:`InvalidObjectName` saying why."""
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidObjectName(f"must have 1 to {MAX_NAME_CHARS} characters")
    if name.startswith("/"):
        raise InvalidObjectName("must not start with '/'")
    for segment in name.split("/"):
        _check_segment(segment)
    return name


def check_bucket(bucket: str) -> str:
    """``bucket`` if it is one safe segment (no ``/``)."""
    if "/" in bucket:
        raise InvalidObjectName("a bucket name must not contain '/'")
    _check_segment(bucket)
    return bucket


def object_url_path(bucket: str, name: str) -> str:
    """``<bucket>/<name>`` for a URL: checked, and every segment percent-encoded."""
    segments = [check_bucket(bucket), *check_object_name(name).split("/")]
    return "/".join(quote(segment, safe="") for segment in segments)


def _check_segment(segment: str) -> None:
    decoded = _fully_unquoted(segment)
    if decoded in ("", ".", ".."):
        raise InvalidObjectName("must not have an empty, '.' or '..' segment")
    if "\\" in decoded or "/" in decoded:
        raise InvalidObjectName("must not contain a backslash or an encoded '/'")
    if any(unicodedata.category(char).startswith("C") for char in decoded):
        raise InvalidObjectName("must not contain control characters")


def _fully_unquoted(text: str) -> str:
    """Percent-decoding repeated until nothing changes, so ``%252e`` counts as ``.`` too."""
    for _ in range(5):
        try:
            decoded = unquote(text, errors="strict") if "%" in text else text
        except UnicodeDecodeError:
            raise InvalidObjectName("is not valid percent-encoded UTF-8") from None
        if decoded == text:
            return text
        text = decoded
    raise InvalidObjectName("is percent-encoded too many times")


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215, never global
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(text: str) -> bool:
    """True only for a global unicast address whose every embedded IPv4 is global too."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return all(_is_global(part) for part in _addresses_in(address))


def _addresses_in(address: Address) -> list[Address]:
    """The address and every IPv4 address embedded in it."""
    if isinstance(address, ipaddress.IPv4Address):
        return [address]
    if address in _LOCAL_NAT64:
        return [ipaddress.IPv4Address(0)]  # refused whatever it embeds
    embedded: list[Address] = []
    if address.ipv4_mapped is not None:
        embedded.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        embedded.append(address.sixtofour)
    if address.teredo is not None:
        embedded.extend(address.teredo)
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return embedded or [address]


def _is_global(address: Address) -> bool:
    return address.is_global and not address.is_multicast
