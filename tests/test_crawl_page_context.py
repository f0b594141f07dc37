"""Page context: link type evidence and upkeep from the top prospects' linking pages."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, date, datetime

import httpx

from bot.crawl import Fetcher, FetchResult, StaticResolver, config_from_settings
from bot.crawl.page_context import page_context
from bot.settings import Settings
from bot.stores import MemoryStore
from jobs.context import JobContext, JobResult
from jobs.table import JOBS
from sheets_schema.tabs import PAGE_CONTEXT, PROSPECTS
from tests.backends import Backend
from tests.http_server import Handler, LocalServer, Route, Seen, html

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
        "Result": "Read",
        "Detail": "",
        "Status": "200",
        "Link type signal": "Resource page",
        "Signals": '"Resources" page with 20 linked sites; latest date shown 2025-12-01',
        "Outbound links": "20",
        "Outbound domains": "20",
        "Last updated": "2025-12-01",
        "Maintained": "Yes",
        "Checked at": "2026-11-23 10:00",
    }
    assert (got["b.org"]["Status"], got["b.org"]["Result"], got["b.org"]["Detail"]) == (
        "404",
        "Not readable",
        "answers 404",
    )
    assert (result.counts["pages read"], result.counts["pages not readable"]) == (1, 1)


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_page_context(backend: Backend, day: int) -> JobResult:
    def factory(settings: Settings) -> Fetcher:
        config = config_from_settings(settings, backoff=0.01, retries=0, read_timeout=0.3, total_timeout=2.0)
        return Fetcher(config, StaticResolver({}))  # no name resolves: a DNS failure

    now = datetime(2026, 11, day, 10, 0, tzinfo=UTC)
    return JOBS["page-context"](JobContext(store=backend.store, clock=lambda: now, fetcher=factory))


def test_a_page_that_cannot_be_fetched_is_could_not_check_and_keeps_its_last_reading(backend: Backend) -> None:
    outage = threading.Event()

    def resources(seen: Seen) -> Route:
        page = html("Resources", body=f"<ul>{_links(20)}</ul><time datetime='2025-12-01'>")
        return Route(503, "down for maintenance") if outage.is_set() else Route(body=page)

    routes: dict[str, Route | Handler] = {
        "/robots.txt": Route(404),
        "/resources": resources,
        "/slow": Route(body=html("Slow"), delay=1.0),
    }
    with LocalServer(routes) as server:
        pages = {
            "a.org": server.url("/resources"),
            "b.org": "https://no-such-host.example/links",
            "c.org": server.url("/slow"),
            "d.org": f"http://127.0.0.1:{closed_port()}/links",
        }
        prospects = [{"Domain": k, "Priority": str(90 - i), "Best linking page": p, "Status": "Active"}
                     for i, (k, p) in enumerate(pages.items())]  # fmt: skip
        backend.team_tabs(
            {
                "Settings": [["Setting", "Value"], ["Allow private addresses", "yes"]],
                PROSPECTS.name: [PROSPECTS.names, *[[r.get(c, "") for c in PROSPECTS.names] for r in prospects]],
            }
        )
        first = run_page_context(backend, 23)
        read = backend.store.read_tab(PAGE_CONTEXT.name)
        outage.set()
        second = run_page_context(backend, 24)
    assert (first.counts["pages read"], first.counts["pages could not check"]) == (1, 3)
    assert (second.counts["pages read"], second.counts["pages could not check"]) == (0, 4)
    assert "4 could not be checked" in second.summary
    frame = backend.store.read_tab(PAGE_CONTEXT.name)
    assert read is not None and frame is not None
    before = {r["Domain"]: r for r in read.to_dict("records")}
    after = {r["Domain"]: r for r in frame.to_dict("records")}
    assert {k: r["Result"] for k, r in after.items()} == dict.fromkeys(pages, "Could not check")
    # The page read on the first run keeps that reading: nothing blanked, nothing judged worse.
    kept = {c: v for c, v in after["a.org"].items() if c not in ("Result", "Detail")}
    assert kept == {c: v for c, v in before["a.org"].items() if c not in ("Result", "Detail")}
    assert (kept["Link type signal"], kept["Maintained"], kept["Checked at"]) == (
        "Resource page",
        "Yes",
        "2026-11-23 10:00",
    )
    assert after["a.org"]["Detail"] == (
        "could not be checked 2026-11-24 10:00 (answers 503); tried again next run; "
        "the other cells are from the last time it answered"
    )
    assert "name does not resolve" in after["b.org"]["Detail"]
    assert "timed out" in after["c.org"]["Detail"]
    assert "connection failed" in after["d.org"]["Detail"]
    for key in ("b.org", "c.org", "d.org"):  # never read: blank, not "No"
        assert after[key]["Linking page"] == pages[key]
        assert (after[key]["Maintained"], after[key]["Link type signal"], after[key]["Checked at"]) == ("", "", "")
