"""Page context: link type evidence and upkeep from the top prospects' linking pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx

from bot.crawl import Fetcher, FetchResult, StaticResolver, config_from_settings
from bot.crawl.page_context import page_context
from bot.settings import Settings
from bot.stores import MemoryStore
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import PAGE_CONTEXT, PROSPECTS
from tests.http_server import LocalServer, Route, html

TODAY = date(2026, 11, 23)


def _links(n: int, inside: str = "li") -> str:
    return "".join(f'<{inside}><a href="https://site{i}.example/">Site {i}</a></{inside}>' for i in range(n))


def _result(body: str, url: str = "https://blog.example/resources") -> FetchResult:
    return FetchResult(url, url, 200, headers=httpx.Headers({"content-type": "text/html"}), text=body)


def test_resource_page_with_dates() -> None:
    body = html(
        "Useful resources for widget makers",
        '<meta property="article:modified_time" content="2026-03-02T10:00:00Z">',
        f"<ul>{_links(12)}</ul><a href='/about'>About</a><p>Last updated: March 9, 2026</p>",
    )
    context = page_context(_result(body), TODAY)
    assert (context.outbound_links, context.outbound_domains, context.link_type) == (12, 12, "Resource page")
    assert context.last_updated == date(2026, 3, 9)
    assert context.maintained(TODAY) is True
    assert context.signals == ('"resources" page with 12 linked sites', "latest date shown 2026-03-09")


def test_guest_posts_roundups_and_stale_pages() -> None:
    guest = page_context(_result(html("Blog", body="<p>Want to write for us? Read our guidelines.</p>")), TODAY)
    assert guest.link_type == "Guest contribution" and guest.last_updated is None and guest.maintained(TODAY) is None
    roundup = page_context(
        _result(html("The 7 best widget tools", body=_links(5, "p") + "<footer>© 2019 Blog</footer>")), TODAY
    )
    assert roundup.link_type == "List / roundup"
    assert roundup.last_updated == date(2019, 12, 31) and roundup.maintained(TODAY) is False
    plain = page_context(_result(html("A story", body="<p>No links here</p>"), "https://news.example/story"), TODAY)
    assert (plain.link_type, plain.signals, plain.outbound_links) == ("", (), 0)


def test_the_job_reads_the_top_prospects_pages() -> None:
    routes = {
        "/robots.txt": Route(404),
        "/resources": Route(body=html("Resources", body=f"<ul>{_links(20)}</ul><time datetime='2025-12-01'>")),
        "/gone": Route(404, html("Gone")),
    }
    with LocalServer(routes) as server:
        rows = [
            {"Domain": "a.org", "Priority": "90", "Best linking page": server.url("/resources"), "Status": "Active"},
            {"Domain": "b.org", "Priority": "80", "Best linking page": server.url("/gone"), "Status": "New"},
            {"Domain": "c.org", "Priority": "99", "Best linking page": server.url("/resources"), "Status": "Gone"},
        ]
        store = MemoryStore(
            {
                "Settings": [["Setting", "Value"], ["Allow private addresses", "yes"]],
                PROSPECTS.name: [PROSPECTS.names, *[[r.get(c, "") for c in PROSPECTS.names] for r in rows]],
            }
        )

        def factory(settings: Settings) -> Fetcher:
            return Fetcher(config_from_settings(settings, backoff=0.01), StaticResolver({}))

        now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        result = JOBS["page-context"](JobContext(store=store, clock=lambda: now, fetcher=factory))
    frame = store.read_tab(PAGE_CONTEXT.name)
    assert frame is not None
    got = {r["Domain"]: r for r in frame.to_dict("records")}
    assert set(got) == {"a.org", "b.org"}  # gone prospects are skipped
    assert got["a.org"] == {
        "Domain": "a.org",
        "Linking page": server.url("/resources"),
        "Status": "200",
        "Link type signal": "Resource page",
        "Signals": '"Resources" page with 20 linked sites; latest date shown 2025-12-01',
        "Outbound links": "20",
        "Outbound domains": "20",
        "Last updated": "2025-12-01",
        "Maintained": "Yes",
        "Checked at": "2026-11-23 10:00",
    }
    assert (got["b.org"]["Status"], got["b.org"]["Signals"]) == ("404", "not read: answers 404")
    assert (result.counts["pages read"], result.counts["pages not read"]) == (1, 1)
