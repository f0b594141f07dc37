"""Controllable name resolution and network routing for crawler tests (never real DNS)."""

from __future__ import annotations

import typing
from collections.abc import Mapping

from httpcore import SOCKET_OPTION, AnyIOBackend, AsyncNetworkBackend, AsyncNetworkStream

from bot.crawl import CrawlConfig, Fetcher, StaticResolver

#: A public address that the test network routes to the local server.
PUBLIC_IP = "93.184.216.34"


class RoutedNetwork(AsyncNetworkBackend):
    """Connects like the real network, but sends connections for `PUBLIC_IP` to 127.0.0.1.

    Records every address the crawler asked to connect to, so tests can see it only ever
    connects to addresses it has checked.
    """

    def __init__(self) -> None:
        self.inner = AnyIOBackend()
        self.connected: list[str] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        self.connected.append(host)
        address = "127.0.0.1" if host == PUBLIC_IP else host
        return await self.inner.connect_tcp(address, port, timeout=timeout, socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def local_fetcher(
    names: Mapping[str, list[str] | str] | None = None, allow_private: bool = True, **config: typing.Any
) -> Fetcher:
    """A fetcher for the local test server: fast retries, a controllable resolver."""
    settings = {"contact_url": "https://team.example/gapbot", "backoff": 0.01, **config}
    return Fetcher(CrawlConfig(allow_private=allow_private, **settings), StaticResolver(names or {}), RoutedNetwork())
