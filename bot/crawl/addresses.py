"""Which IP addresses the crawler may connect to (the SSRF guard).

A sheet is edited by many people and URLs come from third-party exports, so a URL must never
make gapbot reach the machine it runs on, the cloud metadata service or the internal network.
"""

from __future__ import annotations

import ipaddress

from bot.errors import GapbotError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# NAT64 (RFC 6052) embeds an IPv4 address in the last 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class BlockedAddressError(GapbotError):
    """A host resolved to an address the crawler must not reach."""


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_reason(address: IPAddress) -> str:
    """Why the crawler must not connect to `address`; "" when it is a public unicast address."""
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = refusal_reason(inner)
        if reason:
            return f"{reason} (inside IPv6 {address})"
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return ""  # a mapped address is its IPv4 address
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("not globally routable", not address.is_global),
    )
    return next((name for name, hit in checks if hit), "")


def check_addresses(host: str, addresses: list[str], allow_private: bool) -> list[str]:
    """The addresses to connect to, or `BlockedAddressError` if any of them is off limits.

    One refused address refuses the whole name: a name that mixes public and private answers
    is exactly what a rebinding attack looks like.
    """
    if not addresses:
        raise BlockedAddressError(f"{host!r} resolved to no address", where=host)
    if allow_private:
        return addresses
    for text in addresses:
        reason = refusal_reason(ipaddress.ip_address(text.split("%", 1)[0]))
        if reason:
            raise BlockedAddressError(
                f"refused to connect to {host!r}: it resolves to {text}, a {reason} address",
                where=host,
                fix="gapbot only crawls public addresses; set `Allow private addresses` to yes only for tests",
            )
    return addresses
