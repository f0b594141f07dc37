"""`analyze` reads the gap candidates' linking pages: within the budget, through the page cache,
and offline without concluding anything from a page it could not read."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from bot.crawl import Fetcher, StaticResolver, config_from_settings
from bot.crawl.page_cache import PageCache, default_cache_path
from bot.settings import Settings
from bot.stores import MemoryStore, Store
from jobs.context import JobContext, JobResult
from jobs.table import JOBS
from sheets_schema.tabs import COMPETITORS, NOISE, PROSPECTS, SETTINGS, TARGETS
from tests.http_server import LocalServer, Route, html

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
HEADER = ["Source url", "Source title", "Target url", "Anchor", "Domain rating"]
QA_PAGE = html(
    "Which invoicing tool do you use?",
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "QAPage",'
    '"mainEntity": {"@type": "Question", "name": "Which invoicing tool?"}}</script>',
    "<p>Which invoicing tool do you use? I tried <a href='https://rival.com/'>Rival</a>.</p>",
)


def market(urls: list[tuple[str, str]], pages_per_run: int) -> MemoryStore:
    return MemoryStore(
        {
            SETTINGS.name: [
                SETTINGS.names,
                ["Our domains", "ours.io", ""],
                ["Allow private addresses", "yes", ""],
                ["Pages read per run", str(pages_per_run), ""],
            ],
            COMPETITORS.name: [COMPETITORS.names, ["rival.com", "Direct SERP competitor", "", "Yes", ""]],
            TARGETS.name: [TARGETS.names, ["https://ours.io/", "", "invoicing", "Homepage", "Yes"]],
            "Raw: links": [HEADER, *[[u, t, "https://rival.com/", "Rival", str(90 - i)] for i, (u, t) in
                                     enumerate(urls)]],
        }
    )  # fmt: skip


def analyze(store: Store, fetcher: object | None = None) -> JobResult:
    ctx = JobContext(store=store, clock=lambda: NOW, run_id="run")
    if fetcher is not None:
        ctx.fetcher = fetcher  # type: ignore[assignment]
    return JOBS["analyze"](ctx)


def prospects(store: Store) -> dict[str, dict[str, str]]:
    frame = store.read_tab(PROSPECTS.name)
    assert frame is not None
    return {r["Domain"]: r for r in frame.to_dict("records")}


def test_analyze_reads_pages_most_valuable_first_within_the_budget_and_keeps_them() -> None:
    names = [f"site{i}.com" for i in range(3)]
    routes = {"/robots.txt": Route(404), **{f"/q{i}": Route(body=QA_PAGE) for i in range(3)}}
    with LocalServer(routes) as server:
        port = server.url("/").split(":")[2].split("/")[0]
        urls = [(f"http://{name}:{port}/q{i}", "A question") for i, name in enumerate(names)]
        store = market(urls, pages_per_run=2)

        def factory(settings: Settings) -> Fetcher:
            return Fetcher(
                config_from_settings(settings, backoff=0.01), StaticResolver(dict.fromkeys(names, "127.0.0.1"))
            )

        first = analyze(store, factory)
        assert [server.hits(f"/q{i}") for i in range(3)] == [1, 1, 0]  # highest authority first
        assert (first.counts["pages fetched"], first.counts["pages from cache"]) == (2, 0)
        assert any("1 linking page(s) not read yet: over this run's budget of 2" in n for n in first.notes)
        rows = prospects(store)
        assert rows["site0.com"]["Link type"] == "Forum / UGC"
        assert rows["site0.com"]["Type evidence"].startswith("page: page declares a forum/Q&A post")
        assert "page not read: not read yet" in rows["site2.com"]["Type evidence"]

        second = analyze(store, factory)
        assert [server.hits(f"/q{i}") for i in range(3)] == [1, 1, 1]  # the cached two are not fetched again
        assert (second.counts["pages fetched"], second.counts["pages from cache"]) == (1, 2)
        assert prospects(store)["site2.com"]["Type evidence"].startswith("page: ")


def test_a_page_in_the_cache_by_the_documented_schema_is_judged_with_no_network(tmp_path: Path) -> None:
    url = "https://answers.example.org/q/77"
    path = default_cache_path("memory")
    assert path == Path(os.environ["GAPBOT_PAGE_CACHE"])  # the tests' own file (see conftest)
    with sqlite3.connect(path) as db:  # as another tool would fill it, by the README's schema
        db.execute(
            "CREATE TABLE pages(url TEXT PRIMARY KEY, fetched_at TEXT, status INTEGER, final_url TEXT, "
            "content_type TEXT, body BLOB)"
        )
        db.execute(
            "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?)",
            (url, "2026-11-20T08:00:00+00:00", 200, url, "text/html; charset=utf-8", QA_PAGE.encode()),
        )
    store = market([(url, "")], pages_per_run=2000)
    result = analyze(store)  # the tests' resolver knows no name: nothing can be fetched
    assert (result.counts["pages from cache"], result.counts["pages fetched"]) == (1, 0)
    row = prospects(store)["example.org"]
    assert row["Link type"] == "Forum / UGC"
    assert row["Type evidence"].startswith("page: ")


def test_a_stale_cached_page_is_fetched_again(tmp_path: Path) -> None:
    cache = PageCache(tmp_path / "pages.sqlite")
    with sqlite3.connect(tmp_path / "pages.sqlite") as db:
        db.execute("INSERT INTO pages VALUES ('a', '2026-09-01T00:00:00Z', 200, 'a', 'text/html', x'3c68746d6c3e')")
        db.execute("INSERT INTO pages VALUES ('b', '2026-11-20T00:00:00Z', 200, 'b', 'text/html', x'3c68746d6c3e')")
    assert set(cache.fresh(["a", "b", "c"], max_age_days=30, now=NOW)) == {"b"}
    assert set(cache.fresh(["a", "b"], max_age_days=90, now=NOW)) == {"a", "b"}
    cache.close()


def test_offline_the_run_finishes_on_url_and_title_and_concludes_nothing_from_failures() -> None:
    urls = [
        ("https://blog-one.com/2025/05/how-i-invoice", "How I invoice my clients"),
        ("https://resources-two.org/links", "Useful links for freelancers"),
        ("https://forum-three.net/thread/42", "Which invoicing app? - Forum"),
    ]
    offline = market(urls, pages_per_run=2000)
    result = analyze(offline)  # every name fails to resolve
    assert result.counts["pages fetched"] == 3
    assert any("3 linking page(s) could not be read (name does not resolve: 3)" in n for n in result.notes)
    unread = market(urls, pages_per_run=0)
    analyze(unread)
    for store in (offline, unread):
        assert store.read_tab(NOISE.name) is None or store.read_tab(NOISE.name).empty  # type: ignore[union-attr]
    got = {d: (r["Link type"], r["Status"]) for d, r in prospects(offline).items()}
    assert got == {d: (r["Link type"], r["Status"]) for d, r in prospects(unread).items()}
    assert set(got) == {"blog-one.com", "resources-two.org", "forum-three.net"}
    assert all(t != "Broken link" for t, _ in got.values())
    evidence = pd.Series([r["Type evidence"] for r in prospects(offline).values()])
    assert evidence.str.contains(r"\(page not read: could not be read: name does not resolve").all()
