"""The crawler: a polite, SSRF-guarded async fetcher and what gapbot reads from pages."""

from __future__ import annotations

from collections.abc import Callable

from bot.settings import Settings

from .addresses import BlockedAddressError, refusal_reason
from .config import CrawlConfig, config_from_settings
from .fetcher import Fetcher
from .resolver import Resolver, StaticResolver, SystemResolver
from .result import FetchFailure, FetchResult, Hop

#: What jobs are given: builds the fetcher for this sheet's Settings (contact URL, private switch).
FetcherFactory = Callable[[Settings], Fetcher]


def default_fetcher(settings: Settings) -> Fetcher:
    return Fetcher(config_from_settings(settings))


__all__ = [
    "BlockedAddressError",
    "CrawlConfig",
    "FetchFailure",
    "FetchResult",
    "Fetcher",
    "FetcherFactory",
    "Hop",
    "Resolver",
    "StaticResolver",
    "SystemResolver",
    "config_from_settings",
    "default_fetcher",
    "refusal_reason",
]
