"""Whether an address is on the public internet, including IPv4 written inside IPv6.

``ipaddress.is_global`` alone misses IPv6 forms that carry an IPv4 address a host may route
to: IPv4-compatible ``::a.b.c.d``, IPv4-mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``,
6to4 ``2002::/16`` and Teredo ``2001::/32``. For those the embedded IPv4 decides.
"""

from __future__ import annotations

import ipaddress

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
