"""The fetcher against a real local HTTP server: redirects, robots.txt, limits, retries, caps."""

from __future__ import annotations

import threading
import time
from typing import TypedDict, Unpack

from bot.crawl import FetchFailure, FetchResult
from tests.crawl_fakes import local_fetcher
from tests.http_server import LocalServer, Route, Seen, html, redirect


class Limits(TypedDict, total=False):
    """The crawl settings these tests change (the rest keep `local_fetcher`'s)."""

    backoff: float
    retries: int
    read_timeout: float
    max_body_bytes: int
    per_host_limit: int
    global_limit: int


ROBOTS = "User-agent: *\nDisallow: /private\n\nUser-agent: gapbot\nDisallow: /no-gapbot\n"


def _fetch(server: LocalServer, path: str, **config: Unpack[Limits]) -> FetchResult:
    url = server.url(path)
    return local_fetcher(**config).fetch_all([url])[url]


def test_redirect_chain_is_recorded_hop_by_hop() -> None:
    routes = {"/a": redirect("/b", 301), "/b": redirect("http://127.0.0.1:{port}/c", 302), "/c": redirect("/d#x", 308)}
    routes["/d"] = Route(body=html("Done"))
    with LocalServer(routes) as server:
        routes_b = server.routes["/b"]
        assert isinstance(routes_b, Route)
        routes_b.headers["Location"] = server.url("/c")
        result = _fetch(server, "/a")
    assert result.fetched and result.status == 200
    assert result.final_url == server.url("/d")
    assert [(h.url, h.status, h.location) for h in result.hops] == [
        (server.url("/a"), 301, server.url("/b")),
        (server.url("/b"), 302, server.url("/c")),
        (server.url("/c"), 308, server.url("/d")),
    ]


def test_redirect_loop_is_detected() -> None:
    with LocalServer({"/x": redirect("/y"), "/y": redirect("/z"), "/z": redirect("/x")}) as server:
        result = _fetch(server, "/x")
        assert server.hits("/x") == 1
    assert result.failure is FetchFailure.REDIRECT_LOOP and not result.fetched
    assert len(result.hops) == 3 and result.status == 301
    assert "back to" in result.problem and result.final_url == server.url("/x")


def test_ten_redirects_are_followed_and_the_eleventh_is_not() -> None:
    routes: dict[str, Route] = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(11)}
    routes["/r11"] = Route(body=html("End"))
    routes["/r10"] = Route(body=html("End of ten"))
    with LocalServer(routes) as server:
        ten = _fetch(server, "/r0")
        server.routes["/r10"] = redirect("/r11")
        eleven = _fetch(server, "/r0")
    assert ten.fetched and len(ten.hops) == 10 and ten.final_url.endswith("/r10")
    assert eleven.failure is FetchFailure.TOO_MANY_REDIRECTS and len(eleven.hops) == 11


def test_robots_txt_is_honoured_and_read_once_per_host() -> None:
    routes = {
        "/robots.txt": Route(body=ROBOTS, content_type="text/plain"),
        "/open": Route(body=html("Open")),
        "/private/page": Route(body=html("Private")),
        "/no-gapbot": Route(body=html("Not for gapbot")),
    }
    with LocalServer(routes) as server:
        urls = [server.url(p) for p in ("/open", "/no-gapbot", "/private/page", "/open?again=1")]
        results = local_fetcher().fetch_all(urls)
        assert server.hits("/robots.txt") == 1
        assert server.hits("/no-gapbot") == 0
        # gapbot has its own group, so (as RFC 9309 says) the `*` group's /private rule is not ours.
        server.routes["/robots.txt"] = Route(body="User-agent: *\nDisallow: /private\n", content_type="text/plain")
        star = local_fetcher().fetch_all([urls[2]])[urls[2]]
        assert server.hits("/private/page") == 1
    assert results[urls[0]].status == 200 and results[urls[3]].status == 200 and results[urls[2]].status == 200
    for result in (results[urls[1]], star):
        assert result.failure is FetchFailure.ROBOTS and "robots.txt disallows" in result.detail


def test_robots_txt_errors_follow_rfc_9309() -> None:
    with LocalServer({"/robots.txt": Route(503), "/page": Route(body=html("P"))}) as server:
        down = _fetch(server, "/page")
        server.routes["/robots.txt"] = Route(404)
        missing = _fetch(server, "/page")
    assert down.failure is FetchFailure.ROBOTS and "503" in down.detail
    assert missing.status == 200


def test_user_agent_names_gapbot_and_the_contact_url() -> None:
    with LocalServer({"/": Route(body=html("Hi"))}) as server:
        _fetch(server, "/")
        agents = {s.headers["user-agent"] for s in server.seen}
    assert len(agents) == 1
    agent = agents.pop()
    assert "gapbot/" in agent and "https://team.example/gapbot" in agent


def test_5xx_is_retried_with_backoff_then_succeeds() -> None:
    calls: list[float] = []

    def flaky(seen: Seen) -> Route:
        calls.append(time.monotonic())
        return Route(503, "busy") if len(calls) < 3 else Route(body=html("Back"))

    with LocalServer({"/flaky": flaky}) as server:
        result = _fetch(server, "/flaky", backoff=0.05)
    assert result.status == 200 and result.attempts == 3
    assert calls[1] - calls[0] >= 0.02 and calls[2] - calls[1] >= 0.04  # growing, jittered waits


def test_retries_are_bounded() -> None:
    with LocalServer({"/down": Route(500, "down")}) as server:
        result = _fetch(server, "/down", retries=2)
        assert server.hits("/down") == 3
    assert result.fetched and result.status == 500 and result.attempts == 3


def test_connection_errors_are_retried_then_reported() -> None:
    with LocalServer() as server:
        port = server.port
    url = f"http://127.0.0.1:{port}/"
    result = local_fetcher(retries=1, respect_robots=False).fetch_all([url])[url]
    assert result.failure is FetchFailure.CONNECTION and result.status is None


def test_slow_response_times_out() -> None:
    with LocalServer({"/slow": Route(body=html("Late"), delay=1.0), "/robots.txt": Route(404)}) as server:
        started = time.monotonic()
        result = _fetch(server, "/slow", read_timeout=0.2, retries=0)
    assert result.failure is FetchFailure.TIMEOUT
    assert time.monotonic() - started < 0.9


def test_response_time_is_measured() -> None:
    with LocalServer({"/lag": Route(body=html("Lag"), delay=0.15)}) as server:
        result = _fetch(server, "/lag")
    assert result.response_ms is not None and 140 <= result.response_ms < 1000


def test_huge_body_is_cut_at_the_cap_without_reading_it_all() -> None:
    with LocalServer({"/huge": Route(huge=200_000_000)}) as server:
        started = time.monotonic()
        result = _fetch(server, "/huge", max_body_bytes=100_000)
    assert result.status == 200 and result.truncated
    assert len(result.text) == 100_000
    assert time.monotonic() - started < 5


def test_non_html_is_not_decoded() -> None:
    with LocalServer({"/file.pdf": Route(body=b"%PDF-1.7 \x00\xff", content_type="application/pdf")}) as server:
        result = _fetch(server, "/file.pdf")
    assert result.status == 200 and result.content_type == "application/pdf"
    assert not result.is_html and result.text == ""


def test_charset_comes_from_header_or_meta() -> None:
    body = '<html><head><meta charset="iso-8859-1"><title>Café</title></head></html>'.encode("latin-1")
    with LocalServer({"/meta": Route(body=body, content_type="text/html")}) as server:
        result = _fetch(server, "/meta")
    assert "Café" in result.text


def test_invalid_urls_are_reported_not_raised() -> None:
    fetcher = local_fetcher()
    results = fetcher.fetch_all(["ftp://example.com/x", "http:///nohost", "mailto:a@b.c"])
    assert {r.failure for r in results.values()} == {FetchFailure.INVALID_URL}


def _concurrency(server_delay: float, urls: int, **limits: Unpack[Limits]) -> int:
    lock = threading.Lock()
    now = [0]
    peak = [0]

    def tracked(seen: Seen) -> Route:
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(server_delay)
        with lock:
            now[0] -= 1
        return Route(body=html("x"))

    with LocalServer({"/robots.txt": Route(404)}) as server:
        for i in range(urls):
            server.routes[f"/p{i}"] = tracked
        names = {f"h{i}.example": "127.0.0.1" for i in range(4)}
        local_fetcher(names, **limits).fetch_all([server.url(f"/p{i}", host=f"h{i % 4}.example") for i in range(urls)])
    return peak[0]


def test_per_host_concurrency_is_limited() -> None:
    # 4 hosts, 3 at a time each: at most 12 at once, though 24 are asked for.
    assert 4 <= _concurrency(0.05, 24, per_host_limit=3, global_limit=100) <= 12


def test_global_concurrency_is_limited() -> None:
    assert _concurrency(0.05, 24, per_host_limit=10, global_limit=5) <= 5
