"""What every vendor connector shares: credentials from the environment, one HTTP client with
retries, the run's budget, and the shape of a pulled report.

Credentials are read here and nowhere else, and never end up in a message: errors name the
environment variable to fix and the call's path, never the URL (Semrush and Majestic put the
key in the query string).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pandas as pd

from bot.errors import ConfigError, GapbotError

#: HTTP statuses worth asking again: rate limits and the server's own trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: A Retry-After longer than this is not waited for within a run: the call counts as failed.
LONGEST_WAIT = 120.0


class VendorError(GapbotError):
    """A vendor's API refused or failed a call; its Imports line says which and why."""


class CredentialsError(ConfigError):
    """The vendor refused the credentials: one line naming the variable to fix."""


@dataclass(frozen=True)
class Vendor:
    """A vendor as Settings › Data source names it: where its API lives and what it charges in."""

    name: str
    default_url: str
    credential_env: tuple[str, ...]
    unit: str  # the vendor's own unit, as `API budget per run` is written in

    @property
    def url_env(self) -> str:
        return f"GAPBOT_{self.name.upper()}_URL"

    def base_url(self, env: Mapping[str, str]) -> str:
        return (env.get(self.url_env, "").strip() or self.default_url).rstrip("/")

    def credentials(self, env: Mapping[str, str]) -> tuple[str, ...]:
        values = tuple(env.get(name, "").strip() for name in self.credential_env)
        missing = [name for name, value in zip(self.credential_env, values, strict=True) if not value]
        if missing:
            raise ConfigError(
                f"Settings › Data source is {self.name}, but {' and '.join(missing)} is not set",
                fix=f"set {' and '.join(missing)} in the environment or .env, or set Data source to exports",
            )
        return values

    def bad_credentials(self, status: int | None = None) -> CredentialsError:
        names = " and ".join(self.credential_env)
        return CredentialsError(
            f"{self.name} refused the credentials" + (f" (HTTP {status})" if status else ""),
            fix=f"check {names} (the key may be wrong, expired or without API access)",
        )


def amount(units: float) -> str:
    """Units as people read them: 4,400,000 API units, not 4.4e+06; $0.04021, not $0.0402100."""
    return f"{units:,.0f}" if abs(units) >= 100 else f"{units:.5g}"


@dataclass
class Budget:
    """The run's ceiling in the vendor's units: every call is estimated before it is made, and a
    call the rest of the budget cannot pay for is not made."""

    ceiling: float
    spent: float = 0.0
    unread: list[str] = field(default_factory=list)

    @property
    def left(self) -> float:
        return max(0.0, self.ceiling - self.spent)

    def rows_affordable(self, per_request: float, per_row: float, wanted: int) -> int:
        """How many of `wanted` rows one more request can ask for (0: not even one)."""
        if per_request + per_row > self.left:
            return 0
        if per_row <= 0:
            return wanted
        return min(wanted, int((self.left - per_request) / per_row))

    def spend(self, units: float) -> None:
        self.spent += units


#: One connector call: the client, the site, the budget; returns what it pulled.
PullCall = Callable[["VendorHttp", str, Budget], "Pulled"]
#: One call for several competitors at once: the client, the competitors, our domains (left out of
#: the answer), the budget; returns one report per competitor, as `PullCall` would have.
JointCall = Callable[["VendorHttp", list[str], list[str], Budget], "list[Pulled]"]


@dataclass(frozen=True)
class Joint:
    """A vendor call that pulls one report for several competitors in one go, for less."""

    replaces: str  # the report (a key of `Connector.calls`) it pulls for competitors
    pull: JointCall
    fewest: int = 2  # competitors from which one joint call costs less than one call each


@dataclass(frozen=True)
class Connector:
    vendor: Vendor
    calls: Mapping[str, PullCall]  # report name -> how to pull it
    joint: Joint | None = None


BUDGET_REACHED = "API budget per run reached"


@dataclass
class Pulled:
    """One report pulled for one site: rows under the vendor's own export headers, so it goes
    through the same ingest as a file the team exported."""

    vendor: str
    call: str
    site: str
    frame: pd.DataFrame
    units: float = 0.0
    requests: int = 0
    unknown: set[str] = field(default_factory=set)  # fields the vendor sent that gapbot does not know
    unread: str = ""  # what the budget left unread
    via: str = ""  # how it was pulled, when not by the report's own call

    @property
    def name(self) -> str:
        return f"{self.vendor} API › {self.call} › {self.site}"

    @property
    def stopped_by_budget(self) -> bool:
        """Whether the run's budget, not the report's end or the vendor's cap, stopped the read."""
        return self.unread.startswith(BUDGET_REACHED)


def export_frame(
    items: list[dict[str, Any]], headers: Mapping[str, str], known: frozenset[str]
) -> tuple[pd.DataFrame, set[str]]:
    """Vendor items as a frame under export headers (`headers`: vendor field -> header), and the
    fields the vendor sent that are neither mapped nor known to be of no use."""
    seen: set[str] = set()
    for item in items:
        seen.update(item)
    columns = {header: [_cell(item.get(name)) for item in items] for name, header in headers.items()}
    return pd.DataFrame(columns, columns=list(headers.values()), dtype=object), seen - set(headers) - known


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):  # flags such as DataForSEO's attributes: ["nofollow", "ugc"]
        return ", ".join(map(str, value))
    return str(value)


def json_object(content: bytes) -> dict[str, Any]:
    """A JSON answer's object; what is not one (a proxy's HTML page) is an object saying so, so the
    vendor's error check reports it rather than a parser's exception."""
    try:
        body = json.loads(content) if content else {}
    except ValueError:
        return {"error": "the answer was not JSON"}
    return body if isinstance(body, dict) else {"error": "the answer was not a JSON object"}


def flatten(item: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted fields (Moz: `source.page`); lists stay values."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


Sleep = Callable[[float], None]


class VendorHttp:
    """One vendor's HTTP client: base URL from the environment, retries with backoff and jitter,
    HTTP 429 honouring Retry-After, refused credentials as one clear error."""

    def __init__(
        self,
        vendor: Vendor,
        env: Mapping[str, str] | None = None,
        *,
        retries: int = 4,
        backoff: float = 0.5,
        timeout: float = 60.0,
        sleep: Sleep = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.vendor = vendor
        self.env = os.environ if env is None else env
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.client = httpx.Client(
            base_url=vendor.base_url(self.env),
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": "gapbot (backlink gap analysis)"},
        )

    def close(self) -> None:
        self.client.close()

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The vendor's answer to one call; raises `CredentialsError` or `VendorError` (by path only)."""
        for attempt in range(self.retries + 1):
            try:
                response = self.client.request(method, path, **kwargs)
            except httpx.TransportError as exc:  # the message may hold the URL, and so a key
                if attempt == self.retries:
                    raise VendorError(
                        f"{self.vendor.name} could not be reached ({type(exc).__name__})",
                        where=f"{self.vendor.name} {path}",
                        fix=f"check the network, or {self.vendor.url_env} if it is set",
                    ) from None
                self.sleep(self._backoff(attempt))
                continue
            if response.status_code in (401, 403):
                raise self.vendor.bad_credentials(response.status_code)
            if response.status_code not in RETRY_STATUSES:
                return response
            wait = self._retry_after(response) if response.status_code == 429 else self._backoff(attempt)
            if attempt == self.retries or wait > LONGEST_WAIT:
                break
            self.sleep(wait)
        raise VendorError(
            f"{self.vendor.name} answered HTTP {response.status_code} after {attempt + 1} tries",
            where=f"{self.vendor.name} {path}",
            fix="try again later; the vendor is rate limiting or failing",
        )

    def _backoff(self, attempt: int) -> float:
        return self.backoff * (2**attempt) * (0.5 + random.random() / 2)  # jitter, not a secret

    def _retry_after(self, response: httpx.Response) -> float:
        text = response.headers.get("Retry-After", "").strip()
        try:
            return max(0.0, float(text))
        except ValueError:
            return self._backoff(0)


@dataclass
class Page:
    """One answer of a paged call: its items, what it cost, and where the next page starts (None: last)."""

    items: list[dict[str, Any]]
    units: float
    next: object = None
    total: int | None = None  # rows the vendor holds for the call, when it says


#: Fetches one page: at most `limit` rows, from `cursor` (None: the first page).
Fetch = Callable[[int, object], Page]


@dataclass(frozen=True)
class Pricing:
    """A call's price in the vendor's units, to estimate it before making it."""

    per_request: float
    per_row: float
    page_size: int


@dataclass
class Read:
    """The rows of every page of one call that the budget paid for."""

    items: list[dict[str, Any]]
    units: float
    requests: int
    unread: str  # what the budget left unread ("" when nothing)


def read_pages(call: str, site: str, budget: Budget, pricing: Pricing, fetch: Fetch) -> Read:
    """Every page of one call within the budget."""
    items: list[dict[str, Any]] = []
    cursor: object = None
    units, requests, total, unread = 0.0, 0, None, ""
    while True:
        rows = budget.rows_affordable(pricing.per_request, pricing.per_row, pricing.page_size)
        if rows == 0:
            break
        page = fetch(rows, cursor)
        requests += 1
        units += page.units
        budget.spend(page.units)
        items.extend(page.items)
        total = page.total if page.total is not None else total
        if len(page.items) < rows or (page.total is not None and len(items) >= page.total):
            break
        if page.next is None:
            # A call that is not paged, asked for fewer rows than usual because of the budget and
            # answered in full, may hold more: that is the budget's doing, not the report's end.
            if rows < pricing.page_size:
                rows = 0
            break
        cursor = page.next
    if rows == 0:
        of = f" of {total:,}" if total else ""
        read = f"{len(items):,}{of} rows of {call} of {site} read, the rest left unread"
        unread = f"{BUDGET_REACHED}: {read if requests else f'{call} of {site} not read'}"
        budget.unread.append(unread)
    return Read(items, units, requests, unread)


def pull_pages(
    vendor: Vendor,
    call: str,
    site: str,
    budget: Budget,
    pricing: Pricing,
    fetch: Fetch,
    headers: Mapping[str, str],
    known: frozenset[str],
) -> Pulled:
    """Every page of one call within the budget, as one export frame."""
    read = read_pages(call, site, budget, pricing, fetch)
    frame, unknown = export_frame(read.items, headers, known)
    return Pulled(vendor.name, call, site, frame, read.units, read.requests, unknown, read.unread)


def note_cap(pulled: Pulled, cap: int, why: str) -> Pulled:
    """A call the vendor does not page reads at most `cap` rows: a report that full says, in
    Imports, that the rest was left unread rather than pass for the whole report."""
    if pulled.requests and len(pulled.frame) >= cap:
        pulled.unread = f"{why}; further {pulled.call} of {pulled.site} not read"
    return pulled
