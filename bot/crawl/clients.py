"""One small HTTP client per origin, with the least recently used idle ones closed.

httpcore's connection pool scans every connection for every waiting request, so one pool shared
by a crawl over many hosts costs connections × requests on each event (most of the run time at a
few hundred requests a second). Small pools per origin keep that scan tiny; closing idle
clients beyond `keep_open` bounds the sockets a crawl over thousands of hosts holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx


class HostClients:
    def __init__(self, make: Callable[[], httpx.AsyncClient], keep_open: int) -> None:
        self._make = make
        self.keep_open = keep_open
        self._open: dict[str, httpx.AsyncClient] = {}  # in least recently used order
        self._busy: Counter[str] = Counter()
        self.created = 0

    @asynccontextmanager
    async def client(self, origin: str) -> AsyncIterator[httpx.AsyncClient]:
        client = self._open.pop(origin, None)
        if client is None:
            client = self._make()
            self.created += 1
        self._open[origin] = client
        self._busy[origin] += 1
        try:
            yield client
        finally:
            self._busy[origin] -= 1
            await self._trim()

    async def _trim(self) -> None:
        excess = len(self._open) - self.keep_open
        idle = [o for o in self._open if not self._busy[o]][: max(0, excess)]
        closing = [self._open.pop(o) for o in idle]  # taken out before any await
        for client in closing:
            await client.aclose()

    async def aclose(self) -> None:
        closing = list(self._open.values())
        self._open.clear()
        for client in closing:
            await client.aclose()
