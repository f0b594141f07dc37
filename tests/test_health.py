"""`gapbot health` against a real local server: every Target health field, migrations, dead pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pandas as pd
import pytest

from bot.crawl import Fetcher, StaticResolver, config_from_settings
from bot.settings import Settings
from bot.stores import MemoryStore
from jobs.context import JobContext, JobResult
from jobs.table import JOBS
from sheets_schema.state_keys import TARGET_CHANGES_KEY, TARGET_FINGERPRINTS_KEY
from sheets_schema.tabs import COMPETITOR_PAGES, LINKS, PROSPECTS, TARGET_HEALTH
from tests.http_server import LocalServer, Route, html, redirect

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
ROBOTS = "User-agent: Googlebot\nDisallow: /search-blocked\n\nUser-agent: *\nDisallow: /all-blocked\n"


def _page(server: LocalServer, title: str, canonical: str | None = None, head: str = "") -> Route:
    link = f'<link rel="canonical" href="{server.url(canonical)}">' if canonical else ""
    return Route(body=html(title, link + head, "<p>Our page</p>"))


def _routes(server: LocalServer) -> dict[str, Route]:
    return {
        "/robots.txt": Route(body=ROBOTS, content_type="text/plain"),
        "/ok": _page(server, "Guide to widgets", "/ok"),
        "/moved": redirect("/ok"),
        "/chain": redirect("/chain2", 301),
        "/chain2": redirect("/ok", 302),
        "/loop": redirect("/loop2"),
        "/loop2": redirect("/loop"),
        "/canon-other": _page(server, "Duplicate", "/ok"),
        "/canon-header": Route(
            body=html("Header canonical"), headers={"Link": f'<{server.url("/canon-header")}>; rel="canonical"'}
        ),
        "/canon-disagree": Route(
            body=html("Both", f'<link rel="canonical" href="{server.url("/canon-disagree")}">'),
            headers={"Link": f'<{server.url("/ok")}>; rel="canonical"'},
        ),
        "/noindex-meta": _page(server, "Hidden", "/noindex-meta", '<meta name="robots" content="noindex, follow">'),
        "/noindex-header": Route(
            body=html("Hidden too", f'<link rel="canonical" href="{server.url("/noindex-header")}">'),
            headers={"X-Robots-Tag": "noindex"},
        ),
        "/search-blocked": _page(server, "Blocked for search", "/search-blocked"),
        "/all-blocked": _page(server, "Blocked for all", "/all-blocked"),
        "/gone": Route(404, html("Not here")),
        "/slow": Route(body=html("Slow"), delay=1.0),
        "/huge": Route(huge=5_000_000),
        "/doc.pdf": Route(body=b"%PDF-1.7", content_type="application/pdf"),
        "/broken": Route(
            body=f"<html><head><title>Broken <b>page</title><link rel=canonical href={server.url('/broken')}>"
            '<body><div><p>unclosed <a href="/x">link'
        ),
    }


def _store(server: LocalServer, allow_private: str = "yes", targets: list[str] | None = None) -> MemoryStore:
    paths = targets or ["/ok", "/moved", "/chain", "/loop", "/canon-other", "/canon-header", "/canon-disagree",
                        "/noindex-meta", "/noindex-header", "/search-blocked", "/all-blocked", "/gone", "/slow",
                        "/huge", "/doc.pdf", "/broken"]  # fmt: skip
    return MemoryStore(
        {
            "Settings": [
                ["Setting", "Value"],
                ["Our domains", "ours.example"],
                ["Allow private addresses", allow_private],
                ["Contact URL", "https://ours.example/bot"],
            ],
            "Targets": [
                ["Target URL", "Topic", "Active"],
                *[[server.url(p), "widgets", "Yes"] for p in paths],
                [server.url("/inactive"), "widgets", "No"],
            ],
        }
    )


def _factory(settings: Settings) -> Fetcher:
    config = config_from_settings(settings, backoff=0.01, read_timeout=0.4, max_body_bytes=200_000)
    return Fetcher(config, StaticResolver({}))


def _run(store: MemoryStore, job: str = "health", now: datetime = NOW) -> JobResult:
    return JOBS[job](JobContext(store=store, clock=lambda: now, fetcher=_factory))


def _rows(store: MemoryStore) -> dict[str, dict[str, str]]:
    frame = store.read_tab(TARGET_HEALTH.name)
    assert frame is not None and list(frame.columns) == TARGET_HEALTH.names
    return {row["Target URL"]: row for row in frame.to_dict("records")}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as s:
        s.routes.update(_routes(s))
        yield s


def test_every_target_health_field(server: LocalServer) -> None:
    store = _store(server)
    result = _run(store)
    rows = _rows(store)
    u = server.url
    assert set(rows) == {u(p) for p in ["/ok", "/moved", "/chain", "/loop", "/canon-other", "/canon-header",
                                        "/canon-disagree", "/noindex-meta", "/noindex-header", "/search-blocked",
                                        "/all-blocked", "/gone", "/slow", "/huge", "/doc.pdf", "/broken"]}  # fmt: skip

    ok = rows[u("/ok")]
    assert {k: v for k, v in ok.items() if k != "Response ms"} == {
        "Target URL": u("/ok"),
        "Verdict": "OK",
        "Reasons": "",
        "Status": "200",
        "Final URL": u("/ok"),
        "Redirect hops": "0",
        "Canonical": u("/ok"),
        "Self-canonical": "Yes",
        "Indexable": "Yes",
        "Title": "Guide to widgets",
        "Checked at": "2026-11-23 09:30",
    }
    assert 0 <= int(ok["Response ms"]) < 1000

    moved = rows[u("/moved")]
    assert (moved["Verdict"], moved["Status"], moved["Final URL"], moved["Redirect hops"]) == (
        "Check",
        "200",
        u("/ok"),
        "1",
    )
    assert moved["Reasons"] == f"redirects to {u('/ok')}: pitch that URL instead"
    assert moved["Self-canonical"] == "Yes" and moved["Title"] == "Guide to widgets"

    chain = rows[u("/chain")]
    assert (chain["Verdict"], chain["Redirect hops"], chain["Final URL"]) == ("Fix first", "2", u("/ok"))
    assert chain["Reasons"] == f"redirect chain of 2 hops to {u('/ok')}"

    loop = rows[u("/loop")]
    assert (loop["Verdict"], loop["Status"], loop["Redirect hops"]) == ("Fix first", "301", "2")
    assert loop["Reasons"].startswith("could not be fetched: redirect loop")
    assert loop["Self-canonical"] == "" and loop["Indexable"] == "" and loop["Title"] == ""

    other = rows[u("/canon-other")]
    assert (other["Verdict"], other["Canonical"], other["Self-canonical"]) == ("Fix first", u("/ok"), "No")
    assert other["Reasons"] == f"canonical points elsewhere: {u('/ok')}"

    header = rows[u("/canon-header")]
    assert (header["Verdict"], header["Canonical"], header["Self-canonical"]) == ("OK", u("/canon-header"), "Yes")

    disagree = rows[u("/canon-disagree")]
    assert (disagree["Verdict"], disagree["Canonical"], disagree["Self-canonical"]) == (
        "Check",
        u("/canon-disagree"),
        "Yes",
    )
    assert "canonical tag" in disagree["Reasons"] and "disagree" in disagree["Reasons"]

    for path, where in (("/noindex-meta", "meta robots"), ("/noindex-header", "X-Robots-Tag header")):
        row = rows[u(path)]
        assert (row["Verdict"], row["Indexable"], row["Status"]) == ("Fix first", "No", "200")
        assert row["Reasons"] == f"noindex in {where}"

    search = rows[u("/search-blocked")]
    assert (search["Verdict"], search["Indexable"], search["Reasons"]) == (
        "Fix first", "No", "robots.txt blocks search engines")  # fmt: skip
    blocked = rows[u("/all-blocked")]
    assert (blocked["Verdict"], blocked["Status"], blocked["Indexable"], blocked["Response ms"]) == (
        "Fix first",
        "",
        "",
        "",
    )
    assert blocked["Reasons"].startswith("robots.txt blocks crawlers")
    assert server.hits("/all-blocked") == 0

    gone = rows[u("/gone")]
    assert (gone["Verdict"], gone["Status"], gone["Reasons"], gone["Indexable"]) == (
        "Fix first",
        "404",
        "answers 404",
        "No",
    )

    slow = rows[u("/slow")]
    assert (slow["Verdict"], slow["Status"]) == ("Could not check", "")  # a timeout says nothing of the page
    assert slow["Reasons"].startswith("could not be checked: timed out")

    huge = rows[u("/huge")]
    assert (huge["Verdict"], huge["Status"], huge["Title"]) == ("Check", "200", "")
    assert "larger than the size limit" in huge["Reasons"] and "no title" in huge["Reasons"]

    pdf = rows[u("/doc.pdf")]
    assert (pdf["Verdict"], pdf["Reasons"], pdf["Self-canonical"], pdf["Indexable"]) == (
        "Check", "not an HTML page (application/pdf)", "", "Yes")  # fmt: skip

    broken = rows[u("/broken")]
    assert (broken["Verdict"], broken["Self-canonical"]) == ("OK", "Yes") and broken["Title"].startswith("Broken")

    assert result.counts["targets checked"] == 16
    assert result.counts["targets fix first"] == sum(r["Verdict"] == "Fix first" for r in rows.values())
    assert f"fix first: {u('/gone')}" in result.notes


def test_without_the_private_switch_the_local_server_is_refused(server: LocalServer) -> None:
    store = _store(server, allow_private="no", targets=["/ok"])
    _run(store)
    row = _rows(store)[server.url("/ok")]
    assert row["Verdict"] == "Fix first" and "blocked address" in row["Reasons"] and "loopback" in row["Reasons"]
    assert server.seen == []


@pytest.mark.slow
def test_a_migration_is_detected_and_recorded(server: LocalServer) -> None:
    store = _store(server, targets=["/ok", "/canon-other", "/slow"])
    _run(store)
    first = json.loads(store.read_state()[TARGET_FINGERPRINTS_KEY])
    assert first[server.url("/ok")] == {"status": 200, "final_url": server.url("/ok"), "canonical": server.url("/ok")}
    assert server.url("/slow") not in first  # never answered: no fingerprint

    server.routes["/ok"] = redirect("/new-home")
    server.routes["/new-home"] = _page(server, "New home", "/new-home")
    server.routes["/slow"] = Route(body=html("Slow"), delay=1.0)
    result = _run(store, now=datetime(2026, 11, 30, 9, 30, tzinfo=UTC))

    assert result.counts["targets changed"] == 1
    changes = json.loads(store.read_state()[TARGET_CHANGES_KEY])
    assert [c["target"] for c in changes] == [server.url("/ok")]
    assert f"final url {server.url('/ok')} → {server.url('/new-home')}" in changes[0]["evidence"]
    assert any(n.startswith(f"target page changed: {server.url('/ok')}") for n in result.notes)
    history = store.read_tab("History")
    assert history is not None
    logged = history[history["Column"] == "Target page changed"]
    assert logged["Key"].tolist() == [server.url("/ok")]


def _team_types(store: MemoryStore, tab: str, columns: list[str], rows: list[dict[str, str]]) -> None:
    """The team fills a whole tab: header, then one row per dict."""
    for i, row in enumerate([columns, *[[r.get(c, "") for c in columns] for r in rows]], start=1):
        for j, value in enumerate(row, start=1):
            store.edit(tab, i, j, value)


def test_dead_competitor_pages_turn_prospects_into_broken_link_prospects(server: LocalServer) -> None:
    u = server.url
    server.routes.update(
        {
            "/rival/dead": Route(404, html("Gone")),
            "/rival/removed": Route(410, html("Removed")),
            "/rival/old-tool": redirect("/"),
            "/": Route(body=html("Rival home")),
            "/rival/alive": Route(body=html("Alive")),
            "/rival/busy": Route(503, "busy"),
        }
    )
    store = _store(server, targets=["/ok"])
    links = [
        ("a.org", "/rival/dead"), ("b.org", "/rival/dead"), ("c.org", "/rival/alive"),
        ("d.org", "/rival/old-tool"), ("e.org", "/rival/removed"), ("f.org", "/rival/busy"),
    ]  # fmt: skip
    _team_types(store, LINKS.name, LINKS.names, [{"Domain": d, "Competitor page": u(p)} for d, p in links])
    prospects = [
        {
            "Domain": d,
            "Link type": "Resource page",
            "Why": "Links to 2 rivals",
            "Suggested action": "Pitch existing page",
            "Competitor page": u(p),
            "Next action": "Pitch existing page",
            "Owner": "Ana",
        }
        for d, p in links
    ]
    _team_types(store, PROSPECTS.name, PROSPECTS.names, prospects)

    result = _run(store)

    pages = store.read_tab(COMPETITOR_PAGES.name)
    assert pages is not None
    by_page = {r["Competitor page"]: r for r in pages.to_dict("records")}
    assert pages["Competitor page"].iloc[0] == u("/rival/dead")  # most-linked first
    assert (by_page[u("/rival/dead")]["Dead"], by_page[u("/rival/dead")]["Dead because"]) == ("Yes", "answers 404")
    assert by_page[u("/rival/dead")]["Gap domains"] == "2"
    assert by_page[u("/rival/removed")]["Dead because"] == "answers 410"
    assert by_page[u("/rival/old-tool")]["Dead because"] == f"redirects to the homepage {u('/')}"
    assert (by_page[u("/rival/alive")]["Dead"], by_page[u("/rival/alive")]["Status"]) == ("No", "200")
    assert by_page[u("/rival/busy")]["Dead"] == "" and "503" in by_page[u("/rival/busy")]["Dead because"]
    assert result.counts["dead competitor pages"] == 3 and result.counts["broken link prospects"] == 4

    after = store.read_tab(PROSPECTS.name)
    assert after is not None
    rows = {r["Domain"]: r for r in after.to_dict("records")}
    for domain in ("a.org", "b.org", "d.org", "e.org"):
        assert (rows[domain]["Link type"], rows[domain]["Suggested action"]) == (
            "Broken link",
            "Broken link replacement",
        )
        assert "dead competitor page" in rows[domain]["Why"] and rows[domain]["Why"].endswith("Links to 2 rivals")
        assert (rows[domain]["Next action"], rows[domain]["Owner"]) == ("Pitch existing page", "Ana")  # team cells kept
    assert u("/rival/dead") in rows["a.org"]["Why"] and "answers 404" in rows["a.org"]["Why"]
    for domain in ("c.org", "f.org"):
        assert (rows[domain]["Link type"], rows[domain]["Why"]) == ("Resource page", "Links to 2 rivals")

    hits = server.hits("/rival/dead")
    _run(store)  # checked recently: not fetched again, prospects not flagged twice
    assert server.hits("/rival/dead") == hits
    again = store.read_tab(PROSPECTS.name)
    assert again is not None and again["Why"].tolist() == after["Why"].tolist()
    assert isinstance(pd.Timestamp(pages["Checked at"].iloc[0]), pd.Timestamp)


def test_prospects_pitching_a_fix_first_target_are_flagged(server: LocalServer) -> None:
    u = server.url
    store = _store(server, targets=["/ok", "/gone", "/noindex-meta"])
    batches = [("B-ok", "/ok"), ("B-gone", "/gone"), ("B-noindex", "/noindex-meta")]
    _team_types(store, "Batches", ["Batch", "Target page"], [{"Batch": b, "Target page": u(p)} for b, p in batches])
    prospects = [
        {"Domain": f"{b}.org", "Batch": b, "Why": "Links to 2 rivals", "Suggested action": "Pitch existing page"}
        for b in ("B-ok", "B-gone", "B-noindex")
    ]
    _team_types(store, PROSPECTS.name, PROSPECTS.names, prospects)

    result = _run(store)
    after = store.read_tab(PROSPECTS.name)
    assert after is not None
    rows = {r["Domain"]: r for r in after.to_dict("records")}
    assert (rows["B-ok.org"]["Why"], rows["B-ok.org"]["Suggested action"]) == (
        "Links to 2 rivals",
        "Pitch existing page",
    )
    assert rows["B-gone.org"]["Why"] == "[Fix target page first: answers 404] Links to 2 rivals"
    assert rows["B-gone.org"]["Suggested action"] == "Create better page first"
    assert rows["B-noindex.org"]["Why"] == "[Fix target page first: noindex in meta robots] Links to 2 rivals"
    assert rows["B-noindex.org"]["Suggested action"] == "Pitch existing page"
    assert result.counts["prospects waiting on a target fix"] == 2

    server.routes["/gone"] = _page(server, "Back", "/gone")  # fixed: the flag goes away on the next check
    _run(store)
    again = store.read_tab(PROSPECTS.name)
    assert again is not None
    assert dict(zip(again["Domain"], again["Why"], strict=True))["B-gone.org"] == "Links to 2 rivals"
