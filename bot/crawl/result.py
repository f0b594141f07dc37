"""What one fetch produced: the redirect chain, the final answer, or why there is none."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import httpx


class FetchFailure(StrEnum):
    BLOCKED_ADDRESS = "blocked address"
    DNS = "name does not resolve"
    CONNECTION = "connection failed"
    TIMEOUT = "timed out"
    PROTOCOL = "broken HTTP response"
    INVALID_URL = "invalid URL"
    ROBOTS = "disallowed by robots.txt"
    REDIRECT_LOOP = "redirect loop"
    TOO_MANY_REDIRECTS = "too many redirects"


#: Failures that say nothing about the page (the network, DNS, the server's bad moment).
UNKNOWN_FAILURES = frozenset({FetchFailure.DNS, FetchFailure.CONNECTION, FetchFailure.TIMEOUT, FetchFailure.PROTOCOL})


@dataclass(frozen=True)
class Hop:
    """One redirect: `url` answered `status` pointing at `location` (absolute)."""

    url: str
    status: int
    location: str


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    #: Status of the last response received (a 3xx when a redirect chain was cut); None if none came.
    status: int | None = None
    hops: tuple[Hop, ...] = ()
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    #: The decoded body of a text/HTML answer ("" for other types); cut at the size cap.
    text: str = ""
    #: The bytes received for a text/HTML answer (what `text` was decoded from).
    body: bytes = b""
    truncated: bool = False
    #: Time from sending the last request to its response headers.
    response_ms: int | None = None
    failure: FetchFailure | None = None
    detail: str = ""
    attempts: int = 0

    @property
    def fetched(self) -> bool:
        """A final (non-redirect) answer arrived."""
        return self.failure is None and self.status is not None

    @property
    def unknown(self) -> bool:
        """The fetch says nothing about the page: no network, DNS, a timeout, a broken answer or a 5xx.

        Such a page is "Could not check" and tried again next run, never judged from this fetch.
        """
        return self.failure in UNKNOWN_FAILURES or (self.fetched and (self.status or 0) >= 500)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml") or (
            not self.content_type and self.text.lstrip()[:200].lower().startswith(("<!doctype html", "<html"))
        )

    @property
    def problem(self) -> str:
        """One line saying why there is no final answer ("" when there is one)."""
        if self.failure is None:
            return ""
        return f"{self.failure.value}: {self.detail}" if self.detail else self.failure.value
