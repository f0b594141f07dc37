"""What every job is given: adapters built once at start-up, and a clock."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.crawl import FetcherFactory, default_fetcher
from bot.notify import ConsoleNotifier, Notifier
from bot.stores import Store

T = TypeVar("T")


def _no_progress(items: Iterable[T], label: str) -> Iterable[T]:
    return items


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class JobContext:
    store: Store
    clock: Callable[[], datetime] = _utc_now
    #: Wraps a long iterable to show progress (the CLI passes a progress bar).
    progress: Callable[[Iterable[Any], str], Iterable[Any]] = _no_progress
    run_id: str = field(default_factory=lambda: "")
    #: Builds the crawler for the sheet's Settings (system DNS, public addresses only unless allowed).
    fetcher: FetcherFactory = default_fetcher
    #: Where digests and alerts go; the CLI builds it once from the environment and Settings.
    notifier: Notifier = field(default_factory=ConsoleNotifier)
    #: `analyze --topic NAME`: analyse one topic's competitors and targets only.
    topic: str = ""
    #: Seconds the run spent in each of its phases (read, ingest, analysis, write, notify), for its log
    #: line; shared by the copies of the context a run makes.
    phases: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.run_id:
            self.run_id = f"{self.clock():%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Count the time spent inside towards `name`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - started


@dataclass(frozen=True)
class JobResult:
    job: str
    summary: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


#: A job: given the context, does its work and says what it did.
Job = Callable[[JobContext], JobResult]
