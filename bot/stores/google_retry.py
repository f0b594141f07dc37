"""Every Google API request goes through here: a timeout, bounded retries with backoff, clear errors.

gspread's own `BackOffHTTPClient` is not used: in gspread 6.2.1 its stop condition never
triggers, so a quota error that does not clear retries forever.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import RefreshError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from bot.errors import StoreError

from .google_auth import key_source

T = TypeVar("T")

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Drive answers 403 (not 429) when a rate limit is hit; these reasons mean "try again later".
DRIVE_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "sharingRateLimitExceeded"})


@dataclass(frozen=True)
class GoogleRetryPolicy:
    """Tries, waits and timeouts of every Google API request (Slack calls have `SlackRetryPolicy`)."""

    tries: int = 6
    first_wait: float = 1.0  # seconds before the second try
    max_wait: float = 32.0
    timeout: tuple[float, float] = (10.0, 120.0)  # (connect, read) seconds for every request

    def wait(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Full jitter: a random wait up to first_wait * 2**attempt, capped."""
        return rand() * min(self.max_wait, self.first_wait * 2**attempt)


# A 403 with these reasons is a switched-off API or a refused permission: waiting changes nothing.
NOT_RATE_REASONS = frozenset({"accessNotConfigured", "SERVICE_DISABLED", "PERMISSION_DENIED", "forbidden"})


def api_disabled(exc: Exception) -> bool:
    """Whether Google refused because the API is not enabled for the project the key belongs to."""
    if not isinstance(exc, APIError) or exc.response.status_code != 403:
        return False
    reasons = {str(e.get("reason", "")) for e in exc.error.get("errors") or [] if isinstance(e, Mapping)}
    reasons |= {str(d.get("reason", "")) for d in exc.error.get("details") or [] if isinstance(d, Mapping)}
    return bool(reasons & {"accessNotConfigured", "SERVICE_DISABLED"})


def is_retryable(exc: Exception) -> bool:
    if isinstance(exc, requests.exceptions.Timeout | requests.exceptions.ConnectionError):
        return True
    if isinstance(exc, APIError):
        status = exc.response.status_code
        if status in RETRY_STATUSES:
            return True
        if status == 403:
            errors = [e for e in exc.error.get("errors") or [] if isinstance(e, Mapping)]
            if api_disabled(exc) or any(e.get("reason") in NOT_RATE_REASONS for e in errors):
                return False
            return any(e.get("domain") == "usageLimits" or e.get("reason") in DRIVE_RATE_REASONS for e in errors)
    return False


def describe(method: str, url: str) -> str:
    """`GET values:batchGet` — the call, without ids or query strings (they can hold sheet ids)."""
    path = unquote(urlsplit(url).path)
    for marker in ("/values", ":batchUpdate"):
        if marker in path:
            return f"{method.upper()} spreadsheets{path[path.index(marker) :]}"
    if "/drive/" in path:
        return f"{method.upper()} drive files" + ("" if path.rstrip("/").endswith("files") else "/{id}")
    return f"{method.upper()} spreadsheets/{{id}}"


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with a timeout on every request and bounded exponential backoff."""

    def __init__(
        self,
        auth: Credentials,
        session: requests.Session | None = None,
        policy: GoogleRetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(auth, session)
        self.policy = policy or GoogleRetryPolicy()
        self.timeout = self.policy.timeout
        self.sleep = sleep
        self.retries = 0
        self._blind_retries = True

    def request(
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        for attempt in range(self.policy.tries):
            try:
                return super().request(method, endpoint, params, data, json, files, headers)
            except RefreshError as exc:
                reason = str(exc.args[0] if exc.args else exc).split(":", 1)[0]
                raise StoreError(
                    f"Google refused gapbot's service-account key ({reason})",
                    where=key_source(),
                    fix="the key was probably deleted, revoked or disabled: create a new key for the service "
                    "account in the Google Cloud console and put it there",
                ) from None
            except (APIError, requests.exceptions.RequestException) as exc:
                if not is_retryable(exc) or not self._blind_retries:
                    raise
                if attempt + 1 == self.policy.tries:
                    raise self.gave_up(exc, describe(method, endpoint)) from exc
                self.retries += 1
                self.sleep(self.policy.wait(attempt))
        raise AssertionError("unreachable")

    def send_checked(self, send: Callable[[], T], landed: Callable[[], bool], where: str) -> T | None:
        """Send a write whose blind repeat could add data twice (an append, an added rule).

        A 5xx or a timeout can come after Google applied the write: before sending it again,
        `landed` re-reads the sheet and says whether it is already there (None is returned then).
        `send` may look at what `landed` found, to send only what is still missing.
        """
        for attempt in range(self.policy.tries):
            try:
                with self._one_try():
                    return send()
            except (APIError, requests.exceptions.RequestException) as exc:
                if not is_retryable(exc):
                    raise
                if attempt + 1 == self.policy.tries:
                    raise self.gave_up(exc, where) from exc
            self.retries += 1
            self.sleep(self.policy.wait(attempt))
            if landed():
                return None
        raise AssertionError("unreachable")

    @contextmanager
    def _one_try(self) -> Iterator[None]:
        self._blind_retries = False
        try:
            yield
        finally:
            self._blind_retries = True

    def gave_up(self, exc: Exception, where: str) -> StoreError:
        return StoreError(
            f"Google kept failing: {short(exc)} (tried {self.policy.tries} times)",
            where=where,
            fix="Google may be down or the quota used up; wait a few minutes and run again",
        )


def short(exc: Exception) -> str:
    if isinstance(exc, APIError):
        return f"{exc.code} {exc.error.get('message', '')}".strip()
    return type(exc).__name__
