"""`gapbot verify-links` against a real local server: found, rel, indexability, missing, lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.crawl import Fetcher, StaticResolver, config_from_settings
from bot.crawl.won_links import LOST_NOTE_PREFIX, linking_url
from bot.settings import Settings
from bot.stores import MemoryStore
from jobs.context import JobContext, JobResult
from jobs.table import JOBS
from sheets_schema.state_keys import LOST_LINKS_KEY
from sheets_schema.tabs import PROSPECTS, WON_LINKS
from tests.http_server import LocalServer, Route, html

DAY1 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _post(links: str, head: str = "") -> Route:
    other = '<a href="https://elsewhere.example/x">elsewhere</a>'
    return Route(body=html("A post", head, f"<article><p>Text {other} and {links}</p></article>"))


FOLLOWED = '<a href="https://ours.example/guide">Best  widget\n guide</a>'


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as s:
        s.routes.update(
            {
                "/robots.txt": Route(404),
                "/post-followed": _post(FOLLOWED),
                "/post-nofollow": _post('<a rel="nofollow UGC" href="https://www.ours.example/">ours</a>'),
                "/post-sponsored": _post(
                    '<a rel="sponsored" href="http://blog.ours.example/p">ad</a>',
                    '<meta name="robots" content="noindex">',
                ),
                "/post-removed": _post(FOLLOWED),
                "/post-down": _post(FOLLOWED),
                "/post-gone": _post(FOLLOWED),
            }
        )
        yield s


def _store(server: LocalServer) -> MemoryStore:
    u = server.url
    rows = [
        {"Domain": "p1.org", "Outcome": "Published / linked", "Won link URL": u("/post-followed"),
         "Best linking page": u("/post-removed")},
        {"Domain": "p2.org", "Outcome": "published / linked", "Notes": f"Live here: {u('/post-nofollow')}."},
        {"Domain": "p3.org", "Outcome": "Published / linked", "Best linking page": u("/post-sponsored")},
        {"Domain": "p4.org", "Outcome": "Published / linked", "Best linking page": u("/post-removed")},
        {"Domain": "p5.org", "Outcome": "Published / linked", "Best linking page": u("/post-down")},
        {"Domain": "p6.org", "Outcome": "Published / linked", "Best linking page": u("/post-gone")},
        {"Domain": "p7.org", "Outcome": "Sent", "Best linking page": u("/post-followed")},
        {"Domain": "p8.org", "Outcome": "Published / linked"},
    ]  # fmt: skip
    return MemoryStore(
        {
            "Settings": [
                ["Setting", "Value"],
                ["Our domains", "ours.example"],
                ["Allow private addresses", "yes"],
            ],
            PROSPECTS.name: [PROSPECTS.names, *[[r.get(c, "") for c in PROSPECTS.names] for r in rows]],
        }
    )


def _factory(settings: Settings) -> Fetcher:
    return Fetcher(config_from_settings(settings, backoff=0.01, retries=1), StaticResolver({}))


def _run(store: MemoryStore, day: int) -> JobResult:
    now = DAY1 + timedelta(days=day)
    return JOBS["verify-links"](JobContext(store=store, clock=lambda: now, fetcher=_factory))


def _won(store: MemoryStore) -> dict[str, dict[str, str]]:
    frame = store.read_tab(WON_LINKS.name)
    assert frame is not None and list(frame.columns) == WON_LINKS.names
    return {r["Domain"]: r for r in frame.to_dict("records")}


def _verified(store: MemoryStore) -> dict[str, str]:
    frame = store.read_tab(PROSPECTS.name)
    assert frame is not None
    return dict(zip(frame["Domain"], frame["Link verified"], strict=True))


def test_won_links_are_verified_with_every_field(server: LocalServer) -> None:
    store = _store(server)
    result = _run(store, 0)
    won = _won(store)
    assert set(won) == {"p1.org", "p2.org", "p3.org", "p4.org", "p5.org", "p6.org"}
    assert won["p1.org"] == {
        "Domain": "p1.org",
        "Result": "Verified",
        "Linking page": server.url("/post-followed"),
        "Link to": "https://ours.example/guide",
        "Anchor": "Best widget guide",
        "Rel": "followed",
        "Page status": "200",
        "Indexable": "Yes",
        "Missing checks": "0",
        "Detail": "2 links on the page",
        "Checked at": "2026-11-23 08:00",
    }
    assert (won["p2.org"]["Linking page"], won["p2.org"]["Rel"], won["p2.org"]["Link to"]) == (
        server.url("/post-nofollow"), "nofollow, ugc", "https://www.ours.example/")  # fmt: skip
    assert (won["p3.org"]["Rel"], won["p3.org"]["Indexable"], won["p3.org"]["Anchor"]) == ("sponsored", "No", "ad")
    verified = _verified(store)
    assert verified["p1.org"] == "Verified 2026-11-23: followed"
    assert verified["p2.org"] == "Verified 2026-11-23: nofollow, ugc"
    assert verified["p7.org"] == "" and verified["p8.org"] == ""
    assert result.counts["links verified"] == 6 and result.counts["links lost now"] == 0
    assert "Prospects: p8.org is marked won but has no linking page to check" in result.notes
    history = store.read_tab("History")
    assert history is not None
    assert sorted(history.loc[history["Column"] == "Link verified", "Key"]) == [f"p{i}.org" for i in range(1, 7)]
    assert server.hits("/post-followed") == 1  # p7 is not won: not fetched for it


def test_a_link_missing_twice_is_lost_and_an_unreachable_page_never_is(server: LocalServer) -> None:
    store = _store(server)
    _run(store, 0)
    server.routes["/post-removed"] = _post("<a href='https://someone-else.example/'>them</a>")
    server.routes["/post-down"] = Route(503, "down")
    server.routes["/post-gone"] = Route(404, html("Gone"))

    second = _run(store, 1)
    won = _won(store)
    assert (won["p4.org"]["Result"], won["p4.org"]["Missing checks"]) == ("Missing", "1")
    assert won["p4.org"]["Detail"] == "no link to ours.example on the page"
    assert (won["p5.org"]["Result"], won["p5.org"]["Missing checks"], won["p5.org"]["Page status"]) == (
        "Could not check", "0", "503")  # fmt: skip
    assert (won["p6.org"]["Result"], won["p6.org"]["Detail"]) == ("Missing", "the page answers 404")
    assert second.counts["links lost now"] == 0
    assert _verified(store)["p4.org"] == "Missing 2026-11-24: missing on 1 check(s) in a row"

    third = _run(store, 2)
    won = _won(store)
    assert won["p4.org"]["Result"] == "Lost" and won["p6.org"]["Result"] == "Lost"
    assert won["p5.org"]["Result"] == "Could not check"
    assert third.counts["links lost now"] == 2
    lost_notes = [n for n in third.notes if n.startswith(LOST_NOTE_PREFIX)]
    assert lost_notes == [
        f"{LOST_NOTE_PREFIX}p4.org — {server.url('/post-removed')} (no link to ours.example on the page)",
        f"{LOST_NOTE_PREFIX}p6.org — {server.url('/post-gone')} (the page answers 404)",
    ]
    assert [x["domain"] for x in json.loads(store.read_state()[LOST_LINKS_KEY])] == ["p4.org", "p6.org"]

    fourth = _run(store, 3)  # still lost: reported once, not again
    assert fourth.counts["links lost now"] == 0 and fourth.counts["links lost"] == 2
    assert json.loads(store.read_state()[LOST_LINKS_KEY]) == []

    server.routes["/post-removed"] = _post(FOLLOWED)  # put back: verified again
    _run(store, 4)
    assert _won(store)["p4.org"]["Result"] == "Verified"


def test_a_link_never_seen_is_not_found_rather_than_lost(server: LocalServer) -> None:
    server.routes["/post-removed"] = _post("")
    store = _store(server)
    for day in range(3):
        result = _run(store, day)
    assert _won(store)["p4.org"]["Result"] == "Not found"
    assert result.counts["links lost now"] == 0


def test_where_the_won_link_is_looked_for() -> None:
    assert (
        linking_url(" https://a.example/p ", "see https://b.example/q", "https://c.example/") == "https://a.example/p"
    )
    assert (
        linking_url("", "Published (https://b.example/q?x=1), thanks", "https://c.example/")
        == "https://b.example/q?x=1"
    )
    assert linking_url("", "no link yet", "https://c.example/") == "https://c.example/"
