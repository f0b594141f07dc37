"""The pure parts of the crawler: page signals, verdict rules, fingerprints, dead-page selection."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx
import pandas as pd

from bot.crawl import FetchResult, Hop
from bot.crawl.dead_pages import apply_dead_pages, dead_because, pages_to_check
from bot.crawl.fingerprints import changed_fingerprints, merged_fingerprints
from bot.crawl.page import header_canonical, header_robots, parse_html
from bot.crawl.target_health import assess, fix_first_targets, flag_prospects

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_page_signals_from_messy_html() -> None:
    page = parse_html(
        """<html><head><base href="https://cdn.example/base/"><TITLE>  Two
        words </TITLE><link rel="alternate canonical" href="../canon"><meta name="GoogleBot" content="NoIndex">
        <meta name="description" content="noindex is not a robots directive here"></head>
        <body><a href="rel/a#frag" rel="NoFollow">A <i>link</i></a><a href="mailto:x@y.z">mail</a>
        <a href="//other.example/b">b</a><a href="javascript:void(0)">js</a><p>unclosed""",
        "https://site.example/page",
    )
    assert page.title == "Two words"
    assert page.canonical == "https://cdn.example/canon"
    assert page.robots == frozenset({"noindex"})
    assert [(link.url, link.anchor, link.rel) for link in page.links] == [
        ("https://cdn.example/base/rel/a", "A link", frozenset({"nofollow"})),
        ("https://other.example/b", "b", frozenset()),
    ]


def test_header_signals() -> None:
    headers = httpx.Headers(
        [
            ("Link", '<https://a.example/style.css>; rel="preload", </canon?x=1>; rel="canonical"'),
            ("X-Robots-Tag", "otherbot: noindex"),
            ("X-Robots-Tag", "googlebot: nofollow"),
            ("X-Robots-Tag", "max-snippet: 20, NOARCHIVE"),
        ]
    )
    assert header_canonical(headers, "https://b.example/p") == "https://b.example/canon?x=1"
    assert header_robots(headers) == frozenset({"nofollow", "max-snippet: 20", "noarchive"})
    assert header_canonical(httpx.Headers({"Link": '<https://a.example/x>; rel="next"'}), "https://b.example/") == ""


def _ok_result(**changes: object) -> FetchResult:
    base = {
        "url": "https://ours.example/guide",
        "final_url": "https://ours.example/guide",
        "status": 200,
        "headers": httpx.Headers({"content-type": "text/html"}),
        "text": '<title>Guide</title><link rel="canonical" href="http://ours.example/guide">',
        "response_ms": 120,
    }
    return FetchResult(**{**base, **changes})  # type: ignore[arg-type]


def test_slow_pages_and_http_canonicals_are_worth_a_check() -> None:
    row = assess("https://ours.example/guide", _ok_result(response_ms=4200), True, NOW)
    assert row["Verdict"] == "Check"
    assert row["Reasons"] == "canonical uses http:// while the page is served over https://; slow: 4200 ms"
    assert row["Self-canonical"] == "Yes"


def test_fix_first_targets_and_flagging_prospects() -> None:
    health = pd.DataFrame(
        {
            "Target URL": ["https://ours.example/a", "https://ours.example/b", "https://ours.example/c"],
            "Verdict": ["Fix first", "fix first", "OK"],
            "Status": ["404", "200", "200"],
            "Reasons": ["answers 404", "noindex in meta robots", ""],
        }
    )
    unhealthy = fix_first_targets(health)
    assert set(unhealthy) == {"ours.example/a", "ours.example/b"}
    assert unhealthy["ours.example/a"].page_missing and not unhealthy["ours.example/b"].page_missing
    prospects = pd.DataFrame(
        {
            "Domain": ["x.org", "y.org", "z.org"],
            "Why": ["Links to 3 rivals", "Links to 2 rivals", "Links to 1 rival"],
            "Suggested action": ["Pitch existing page"] * 3,
            "Target page": ["http://www.ours.example/a", "ours.example/b", "https://ours.example/c"],
        }
    )
    flagged = flag_prospects(prospects, unhealthy, "Target page")
    assert flagged["Why"].tolist() == [
        "[Fix target page first: answers 404] Links to 3 rivals",
        "[Fix target page first: noindex in meta robots] Links to 2 rivals",
        "Links to 1 rival",
    ]
    assert flagged["Suggested action"].tolist() == [
        "Create better page first",
        "Pitch existing page",
        "Pitch existing page",
    ]
    assert prospects["Why"].iloc[0] == "Links to 3 rivals"  # input untouched
    assert flag_prospects(flagged, unhealthy, "Target page").equals(flagged)  # never stacks
    healed = flag_prospects(flagged, {}, "Target page")
    assert healed["Why"].tolist() == prospects["Why"].tolist()


def test_fingerprint_changes_carry_evidence() -> None:
    before = {
        "https://ours.example/a": {
            "status": 200,
            "final_url": "https://ours.example/a",
            "canonical": "https://ours.example/a",
        },
        "https://ours.example/b": {"status": 200, "final_url": "https://ours.example/b", "canonical": ""},
        "https://ours.example/gone-from-targets": {"status": 200, "final_url": "x", "canonical": ""},
    }
    rows: list[Mapping[str, object]] = [
        {
            "Target URL": "https://ours.example/a",
            "Status": 301,
            "Final URL": "https://ours.example/new",
            "Canonical": "",
        },
        {"Target URL": "https://ours.example/b", "Status": "", "Final URL": "https://ours.example/b", "Canonical": ""},
        {"Target URL": "https://ours.example/new-target", "Status": 200, "Final URL": "n", "Canonical": ""},
    ]
    after = merged_fingerprints(before, rows)
    assert after["https://ours.example/b"] == before["https://ours.example/b"]  # no answer: kept
    changes = changed_fingerprints(before, after)
    assert [c.target for c in changes] == ["https://ours.example/a"]
    assert changes[0].evidence == (
        "status 200 → 301; final url https://ours.example/a → https://ours.example/new; "
        "canonical https://ours.example/a → (none)"
    )
    assert changed_fingerprints(after, after) == []


def test_dead_page_rules() -> None:
    page = "https://rival.example/tools/calc"
    assert dead_because(FetchResult(page, page, 404)) == "answers 404"
    assert dead_because(FetchResult(page, page, 410)) == "answers 410"
    home = FetchResult(page, "https://rival.example/", 200, (Hop(page, 301, "https://rival.example/"),))
    assert dead_because(home) == "redirects to the homepage https://rival.example/"
    moved = FetchResult(page, "https://rival.example/calc", 200, (Hop(page, 301, "https://rival.example/calc"),))
    assert dead_because(moved) == ""
    assert dead_because(FetchResult(page, page, 503)) == ""
    assert dead_because(FetchResult("https://rival.example/", "https://rival.example/", 200)) == ""


def test_pages_to_check_most_linked_first_capped_and_skipping_recent_checks() -> None:
    links = pd.DataFrame(
        {
            "Domain": ["a.org", "b.org", "c.org", "a.org", "a.org", "d.org", "e.org", ""],
            "Competitor page": [
                "https://r.example/one", "http://www.r.example/one", "https://r.example/one",
                "https://r.example/two", "https://r.example/two?utm_source=x", "https://r.example/two",
                "https://r.example/three", "",
            ],
        }
    )  # fmt: skip
    checked = pd.DataFrame({"Competitor page": ["https://r.example/two"], "Checked at": ["2026-11-20 10:00"]})
    none = pd.DataFrame({"Competitor page": [], "Checked at": []})
    top = pages_to_check(links, none, NOW, 2, timedelta(days=7))
    assert top.to_dict("list") == {
        "Competitor page": ["https://r.example/one", "https://r.example/two"],
        "Gap domains": [3, 2],
    }
    fresh = pages_to_check(links, checked, NOW, 5, timedelta(days=7))
    assert fresh["Competitor page"].tolist() == ["https://r.example/one", "https://r.example/three"]
    later = pages_to_check(links, checked, NOW + timedelta(days=8), 5, timedelta(days=7))
    assert len(later) == 3


def test_apply_dead_pages_is_idempotent() -> None:
    prospects = pd.DataFrame(
        {
            "Domain": ["a.org", "b.org"],
            "Link type": ["Resource page", "Editorial mention"],
            "Why": ["Links to 2 rivals", "Links to 1 rival"],
            "Suggested action": ["Offer resource update", "Pitch existing page"],
        }
    )
    links = pd.DataFrame(
        {
            "Domain": ["a.org", "a.org", "b.org"],
            "Competitor page": ["https://r.example/ok", "https://r.example/dead", "https://r.example/ok"],
        }
    )
    dead = pd.DataFrame(
        {
            "Competitor page": ["https://r.example/dead", "https://r.example/ok"],
            "Dead": ["Yes", "No"],
            "Dead because": ["answers 410", ""],
        }
    )
    once = apply_dead_pages(prospects, links, dead)
    assert once["Link type"].tolist() == ["Broken link", "Editorial mention"]
    assert once["Suggested action"].tolist() == ["Broken link replacement", "Pitch existing page"]
    assert once["Why"].iloc[0] == (
        "Links to a dead competitor page https://r.example/dead (answers 410): offer ours instead. Links to 2 rivals"
    )
    assert apply_dead_pages(once, links, dead).equals(once)
