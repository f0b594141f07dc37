"""Read the gap candidates' linking pages for the judge: from the page cache when fresh, else
through the polite crawler, up to the run's budget.

A page that could not be fetched is *unknown*: it gets a line saying why, and the judge falls
back to its URL and title. Nothing is concluded from a failure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.judge.judge import PagesRead
from bot.judge.page_read import PageRead, read_html

from .fetcher import Fetcher, with_scheme
from .page_cache import PageCache
from .result import FetchResult


@dataclass(frozen=True)
class PagesReport:
    read: PagesRead
    from_cache: int
    fetched: int
    #: Why fetches found no page, by reason (e.g. "name does not resolve": 12).
    failures: Counter[str]
    over_budget: int

    def notes(self, budget: int) -> list[str]:
        lines = []
        if self.failures:
            why = ", ".join(f"{reason}: {n}" for reason, n in self.failures.most_common(3))
            lines.append(
                f"{sum(self.failures.values())} linking page(s) could not be read ({why}); they are judged by URL "
                "and title this run and tried again next run"
            )
        if self.over_budget and budget:
            lines.append(
                f"{self.over_budget} linking page(s) not read yet: over this run's budget of {budget} "
                "(Settings › Pages read per run); the next runs read them, most valuable first"
            )
        return lines


def read_linking_pages(
    urls: Sequence[str], fetcher: Fetcher | None, cache: PageCache, *, budget: int, max_age_days: int, now: datetime
) -> PagesReport:
    """`urls` in the order to read them (most valuable first); `fetcher` None reads the cache only."""
    cached = cache.fresh(urls, max_age_days, now)
    missing = [u for u in dict.fromkeys(urls) if u not in cached]
    chosen = missing[:budget] if fetcher is not None else []
    results: dict[str, FetchResult] = {}
    if chosen and fetcher is not None:
        fetched = fetcher.fetch_all(with_scheme(u) for u in chosen)
        results = {u: fetched[with_scheme(u)] for u in chosen}
        cache.keep(results, now)
    pages: dict[str, PageRead] = {}
    not_read: dict[str, str] = {}
    failures: Counter[str] = Counter()
    for url, page in cached.items():
        _read_into(pages, not_read, url, page.status, page.is_html, page.final_url, page.html)
    for url, result in results.items():
        if not result.fetched or (result.status or 0) >= 500:
            why = result.failure.value if result.failure else f"HTTP {result.status}"
            failures[why] += 1
            not_read[url] = f"could not be read: {result.problem or why}"
            continue
        _read_into(pages, not_read, url, result.status or 0, result.is_html, result.final_url, result.text)
    over = missing[len(chosen) :]
    for url in over:
        not_read[url] = "not read yet (over this run's page budget)"
    return PagesReport(PagesRead(pages, not_read), len(cached), len(results), failures, len(over))


def _read_into(
    pages: dict[str, PageRead],
    not_read: dict[str, str],
    url: str,
    status: int,
    is_html: bool,
    final_url: str,
    html: str,
) -> None:
    if status >= 400:
        not_read[url] = f"the page answers HTTP {status}"
    elif not is_html:
        not_read[url] = "not an HTML page"
    else:
        pages[url] = read_html(html, final_url)
