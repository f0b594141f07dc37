"""An httpx transport that connects only to addresses the SSRF guard has just checked.

The guard sits in the network backend, where httpcore opens each TCP connection: the host is
resolved once through our `Resolver`, every address is checked, and the socket is opened to the
checked address itself. No second lookup happens between check and connect, so a name that
re-resolves to a private address (DNS rebinding) cannot slip through, and every connection —
first request, each redirect hop, robots.txt — passes the same check. TLS still verifies the
certificate against the host name, because httpcore passes the name, not the address, as SNI.
"""

from __future__ import annotations

import ssl
import typing

import httpcore
import httpx
from httpcore import SOCKET_OPTION, AnyIOBackend, AsyncNetworkBackend, AsyncNetworkStream

from .addresses import check_addresses
from .resolver import Resolver


class GuardedNetworkBackend(AsyncNetworkBackend):
    def __init__(self, resolver: Resolver, allow_private: bool, inner: AsyncNetworkBackend | None = None) -> None:
        self.resolver = resolver
        self.allow_private = allow_private
        self.inner = inner or AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        addresses = check_addresses(host, await self.resolver.resolve(host, port), self.allow_private)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("the crawler does not use unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """`httpx.AsyncHTTPTransport` whose connection pool uses `GuardedNetworkBackend`.

    Proxies from the environment are never used: a proxy would make the connection (and the
    address check) go to the proxy instead of the page's host.
    """

    def __init__(
        self,
        resolver: Resolver,
        allow_private: bool,
        limits: httpx.Limits,
        network: AsyncNetworkBackend | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        tls = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify, trust_env=False)
        super().__init__(verify=tls, trust_env=False, limits=limits)
        # httpx builds its httpcore pool without a way to pass a network backend; rebuild it with one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(resolver, allow_private, network),
        )
