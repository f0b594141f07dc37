"""The polite, guarded fetcher: robots.txt, concurrency limits, retries, redirects by hand.

`Fetcher` is built once (it holds the configuration, the resolver and the robots.txt cache);
each `fetch_all` call opens one `CrawlSession` with its own HTTP clients and limits, runs the
fetches concurrently and closes it again, so jobs stay synchronous.
"""

from __future__ import annotations

import asyncio
import functools
import random
import re
import ssl
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from urllib.parse import urldefrag, urljoin

import httpx
from httpcore import AsyncNetworkBackend

from .addresses import BlockedAddressError
from .clients import HostClients
from .config import ROBOTS_AGENT, CrawlConfig
from .resolver import ResolveError, Resolver, SystemResolver
from .result import FetchFailure, FetchResult, Hop
from .robots import SEARCH_AGENT, RobotsRules, rules_from_fetch
from .transport import GuardedTransport


class _Failed(Exception):
    def __init__(self, failure: FetchFailure, detail: str) -> None:
        super().__init__(detail)
        self.failure = failure
        self.detail = detail


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError)
# Everything that ends one URL's fetch without ending the run; anything else is a bug and propagates.
FETCH_ERRORS = (_Failed, BlockedAddressError, ResolveError, httpx.HTTPError, httpx.InvalidURL)
TEXT_TYPES = ("text/", "application/xhtml+xml", "application/xml", "application/json")
ROBOTS_REDIRECTS = 5
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_body(body: bytes, content_type: str) -> str:
    """An HTML or text body as text: the charset the server declared, else the page's meta tag, else UTF-8."""
    declared = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    charset = declared.group(1) if declared else ""
    if not charset:
        found = _META_CHARSET.search(body[:4096])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _is_text(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "").lower()
    return not kind or kind.startswith(TEXT_TYPES)


def _failure_of(exc: Exception) -> _Failed:
    if isinstance(exc, _Failed):
        return exc
    if isinstance(exc, BlockedAddressError):
        return _Failed(FetchFailure.BLOCKED_ADDRESS, exc.what)
    if isinstance(exc, ResolveError):
        return _Failed(FetchFailure.DNS, str(exc))
    if isinstance(exc, httpx.TimeoutException):
        return _Failed(FetchFailure.TIMEOUT, type(exc).__name__)
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return _Failed(FetchFailure.INVALID_URL, str(exc))
    if isinstance(exc, httpx.RemoteProtocolError | httpx.DecodingError):
        return _Failed(FetchFailure.PROTOCOL, str(exc) or type(exc).__name__)
    return _Failed(FetchFailure.CONNECTION, str(exc) or type(exc).__name__)


def with_scheme(url: str) -> str:
    """A URL the team typed, made fetchable: `example.com/x` becomes `https://example.com/x`."""
    text = url.strip()
    return text if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text) else "https://" + text.lstrip("/")


def _checked_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise _Failed(FetchFailure.INVALID_URL, str(exc)) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise _Failed(FetchFailure.INVALID_URL, f"{url!r} is not an http(s) URL")
    return parsed


class CrawlSession:
    """HTTP clients with the global and per-host limits; lives inside one event loop."""

    def __init__(self, fetcher: Fetcher, clients: HostClients) -> None:
        self.fetcher = fetcher
        self.config = fetcher.config
        self.clients = clients
        self.slots = asyncio.Semaphore(self.config.global_limit)
        self.host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.config.per_host_limit)
        )
        self.robots_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def fetch(self, url: str) -> FetchResult:
        try:
            return await asyncio.wait_for(self._follow(url, self.config.max_redirects), self.config.total_timeout)
        except TimeoutError:
            return FetchResult(url, url, failure=FetchFailure.TIMEOUT, detail=f"over {self.config.total_timeout:g} s")

    async def _follow(self, url: str, max_redirects: int, robots: bool = True, body_limit: int = 0) -> FetchResult:
        hops: list[Hop] = []
        seen: set[str] = set()
        current = urldefrag(url.strip())[0]
        status: int | None = None
        attempts = 0
        while True:
            try:
                parsed = _checked_url(current)
                if robots and self.config.respect_robots:
                    await self._check_robots(parsed)
                seen.add(current)
                response, body, truncated, took, tries = await self._request(
                    parsed, body_limit or self.config.max_body_bytes
                )
            except FETCH_ERRORS as exc:
                failed = _failure_of(exc)
                return FetchResult(
                    url, current, status, tuple(hops), failure=failed.failure, detail=failed.detail, attempts=attempts
                )
            status = response.status_code
            attempts += tries
            location = response.headers.get("location", "")
            if status in REDIRECT_STATUSES and location:
                target = urldefrag(urljoin(current, location.strip()))[0]
                hops.append(Hop(current, status, target))
                failure = (
                    FetchFailure.REDIRECT_LOOP
                    if target in seen
                    else FetchFailure.TOO_MANY_REDIRECTS
                    if len(hops) > max_redirects
                    else None
                )
                if failure:
                    return FetchResult(
                        url,
                        target,
                        status,
                        tuple(hops),
                        response.headers,
                        failure=failure,
                        attempts=attempts,
                        detail=f"after {len(hops)} redirect(s), back to {target}"
                        if failure is FetchFailure.REDIRECT_LOOP
                        else f"more than {max_redirects}",
                    )
                current = target
                continue
            text = decode_body(body, response.headers.get("content-type", ""))
            return FetchResult(
                url, current, status, tuple(hops), response.headers, text, body, truncated, took, attempts=attempts
            )

    async def _request(self, url: httpx.URL, limit: int) -> tuple[httpx.Response, bytes, bool, int, int]:
        """One URL with bounded retries: the response, its body, whether it was cut, ms, attempts."""
        config = self.config
        for attempt in range(config.retries + 1):
            try:
                origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
                async with self.slots, self.host_slots[url.host], self.clients.client(origin) as client:
                    started = time.perf_counter()
                    response = await client.send(client.build_request("GET", url), stream=True)
                    took = round((time.perf_counter() - started) * 1000)
                    try:
                        body, truncated = await _read_capped(response, limit) if _is_text(response) else (b"", False)
                    finally:
                        await response.aclose()
            except RETRY_ERRORS:
                if attempt == config.retries:
                    raise
            else:
                if response.status_code < 500 or attempt == config.retries:
                    return response, body, truncated, took, attempt + 1
            await asyncio.sleep(min(config.max_backoff, config.backoff * 2**attempt) * random.uniform(0.5, 1.0))
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _check_robots(self, url: httpx.URL) -> None:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        rules = self.fetcher.robots_cache.get(origin)
        if rules is None:
            async with self.robots_locks[origin]:
                rules = self.fetcher.robots_cache.get(origin)
                if rules is None:
                    rules = await self._fetch_robots(origin)
                    self.fetcher.robots_cache[origin] = rules
        if isinstance(rules, _Failed):
            about_host = rules.failure in (FetchFailure.BLOCKED_ADDRESS, FetchFailure.DNS)  # so about the page too
            raise _Failed(
                rules.failure, rules.detail if about_host else f"{rules.detail} (while reading {origin}/robots.txt)"
            )
        if not rules.allows(ROBOTS_AGENT, str(url)):
            raise _Failed(
                FetchFailure.ROBOTS, rules.disallow_all_because or f"{origin}/robots.txt disallows {url.path}"
            )

    async def _fetch_robots(self, origin: str) -> RobotsRules | _Failed:
        result = await self._follow(
            f"{origin}/robots.txt", ROBOTS_REDIRECTS, robots=False, body_limit=self.config.max_robots_bytes
        )
        if result.failure in (FetchFailure.REDIRECT_LOOP, FetchFailure.TOO_MANY_REDIRECTS):
            return RobotsRules(allow_all=True)  # RFC 9309: an unreachable-by-redirects robots.txt is "unavailable"
        if not result.fetched:
            assert result.failure is not None
            return _Failed(result.failure, result.detail)
        return rules_from_fetch(result)


async def _read_capped(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """The body up to `limit` bytes (after decompression); stops reading once it is exceeded."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle is slow: one verifying TLS context serves every client."""
    return httpx.create_ssl_context(trust_env=False)


class Fetcher:
    def __init__(
        self, config: CrawlConfig, resolver: Resolver | None = None, network: AsyncNetworkBackend | None = None
    ) -> None:
        """`resolver` turns names into addresses (the system's by default); `network` opens the
        connections to checked addresses (httpcore's own backend by default)."""
        self.config = config
        self.resolver: Resolver = resolver or SystemResolver()
        self.network = network
        #: robots.txt rules per origin (scheme://host:port), kept for this fetcher's lifetime.
        self.robots_cache: dict[str, RobotsRules | _Failed] = {}

    def search_engines_allowed(self, url: str) -> bool | None:
        """Whether robots.txt (as read during the fetches) lets search engines crawl `url`; None if unknown."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            return None
        rules = self.robots_cache.get(f"{parsed.scheme}://{parsed.netloc.decode('ascii')}")
        return rules.allows(SEARCH_AGENT, url) if isinstance(rules, RobotsRules) else None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[CrawlSession]:
        config = self.config
        per_host = httpx.Limits(max_connections=config.per_host_limit, max_keepalive_connections=config.per_host_limit)
        timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
        headers = {"User-Agent": config.user_agent, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
        tls = _tls_context()

        def make() -> httpx.AsyncClient:
            transport = GuardedTransport(self.resolver, config.allow_private, per_host, self.network, tls)
            return httpx.AsyncClient(
                transport=transport, timeout=timeout, headers=headers, follow_redirects=False, trust_env=False
            )

        clients = HostClients(make, keep_open=config.global_limit)
        try:
            yield CrawlSession(self, clients)
        finally:
            await clients.aclose()

    async def fetch_many(self, urls: Iterable[str]) -> dict[str, FetchResult]:
        unique = list(dict.fromkeys(u for u in urls if u))
        async with self.session() as session:
            results = await asyncio.gather(*(session.fetch(u) for u in unique))
        return dict(zip(unique, results, strict=True))

    def fetch_all(self, urls: Iterable[str]) -> dict[str, FetchResult]:
        """Fetch every URL (duplicates once), concurrently within the limits; keyed by the URL given."""
        return asyncio.run(self.fetch_many(urls))
