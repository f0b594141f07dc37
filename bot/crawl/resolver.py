"""Name resolution behind a small interface, so tests control it and never touch real DNS."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Mapping
from typing import Protocol


class ResolveError(OSError):
    """The name does not resolve."""


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[str]:
        """IP addresses of `host` as text, in the order to try them."""
        ...


def ip_literal(host: str) -> str | None:
    """`host` itself when it is an IP address (IPv6 with or without brackets)."""
    text = host.strip("[]")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


class SystemResolver:
    """The operating system's resolver (getaddrinfo), run off the event loop."""

    async def resolve(self, host: str, port: int) -> list[str]:
        literal = ip_literal(host)
        if literal:
            return [literal]
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise ResolveError(f"{host!r} does not resolve: {exc.strerror}") from exc
        # getaddrinfo also normalises odd spellings such as 2130706433 or 0x7f.1 to dotted form.
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


class StaticResolver:
    """Resolves from a fixed table (names are matched case-insensitively); unknown names fail."""

    def __init__(self, table: Mapping[str, list[str] | str]) -> None:
        self.table = {k.lower().rstrip("."): [v] if isinstance(v, str) else list(v) for k, v in table.items()}
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        literal = ip_literal(host)
        if literal:
            return [literal]
        try:
            return list(self.table[host.lower().rstrip(".")])
        except KeyError:
            raise ResolveError(f"{host!r} does not resolve") from None
