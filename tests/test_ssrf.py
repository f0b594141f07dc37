"""The crawler refuses private, loopback, link-local and other internal addresses by default."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from bot.crawl import CrawlConfig, Fetcher, FetchFailure, SystemResolver, refusal_reason
from tests.crawl_fakes import PUBLIC_IP, RoutedNetwork, local_fetcher
from tests.http_server import LocalServer, Route, html, redirect

REFUSED = {
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "::1": "loopback",
    "10.1.2.3": "private",
    "172.16.0.5": "private",
    "172.31.255.254": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "link-local",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "::ffff:127.0.0.1": "loopback",
    "::ffff:10.0.0.1": "private",
    "::ffff:169.254.169.254": "link-local",
    "64:ff9b::a9fe:a9fe": "link-local",
    "2002:7f00:1::": "loopback",
    "fe80::1": "link-local",
    "fc00::1": "private",
    "224.0.0.1": "multicast",
    "ff02::1": "multicast",
    "100.64.0.1": "not globally routable",
    "240.0.0.1": "reserved",
}


@pytest.mark.parametrize(("address", "reason"), sorted(REFUSED.items()))
def test_internal_addresses_are_refused_with_their_reason(address: str, reason: str) -> None:
    assert reason in refusal_reason(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", [PUBLIC_IP, "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == ""


@pytest.fixture
def server() -> Iterator[LocalServer]:
    routes = {
        "/": Route(body=html("Public page")),
        "/secret": Route(body=html("Internal admin")),
        "/to-private-name": redirect("/secret"),
    }
    with LocalServer(routes) as s:
        yield s


def _connected(fetcher: Fetcher) -> list[str]:
    """The addresses the fetcher's test network was asked to connect to."""
    network = fetcher.network
    assert isinstance(network, RoutedNetwork)
    return network.connected


def _refused(server: LocalServer, url: str, names: dict[str, list[str] | str] | None = None) -> str:
    fetcher = local_fetcher(names, allow_private=False)
    result = fetcher.fetch_all([url])[url]
    assert result.failure is FetchFailure.BLOCKED_ADDRESS, result
    assert result.status is None
    assert _connected(fetcher) == []
    assert server.seen == []
    return result.detail


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "[::1]", "0.0.0.0", "[::ffff:127.0.0.1]", "10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254"],
)
def test_address_literals_are_refused_before_connecting(server: LocalServer, host: str) -> None:
    detail = _refused(server, f"http://{host}:{server.port}/")
    assert "refused to connect" in detail


@pytest.mark.parametrize(
    "answer", ["127.0.0.1", "10.20.30.40", "172.16.5.4", "192.168.10.10", "169.254.169.254", "::1", "::ffff:10.1.1.1"]
)
def test_names_resolving_to_internal_addresses_are_refused(server: LocalServer, answer: str) -> None:
    detail = _refused(server, f"http://intranet.example:{server.port}/", {"intranet.example": answer})
    assert "intranet.example" in detail and answer in detail


def test_a_name_with_one_private_answer_among_public_ones_is_refused(server: LocalServer) -> None:
    _refused(server, f"http://mixed.example:{server.port}/", {"mixed.example": [PUBLIC_IP, "192.168.1.20"]})


def test_redirect_from_a_public_host_to_a_private_one_is_refused(server: LocalServer) -> None:
    server.routes["/go"] = redirect(f"http://internal.example:{server.port}/secret", 302)
    server.routes["/go-literal"] = redirect(f"http://127.0.0.1:{server.port}/secret", 302)
    names = {"public.example": PUBLIC_IP, "internal.example": "10.0.0.7"}
    fetcher = local_fetcher(names, allow_private=False)
    results = fetcher.fetch_all(
        [f"http://public.example:{server.port}/go", f"http://public.example:{server.port}/go-literal"]
    )
    for result in results.values():
        assert result.failure is FetchFailure.BLOCKED_ADDRESS
        assert [h.status for h in result.hops] == [302]
        assert result.final_url.endswith("/secret")
    assert server.hits("/secret") == 0
    assert server.hits("/go") == 1 and server.hits("/go-literal") == 1
    assert set(_connected(fetcher)) == {PUBLIC_IP}


class RebindingResolver:
    """Answers a public address once, then a private one: a DNS-rebinding attacker."""

    def __init__(self) -> None:
        self.answers = 0

    async def resolve(self, host: str, port: int) -> list[str]:
        self.answers += 1
        return [PUBLIC_IP] if self.answers == 1 else ["127.0.0.1"]


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(server: LocalServer) -> None:
    fetcher = local_fetcher(allow_private=False)
    fetcher.resolver = RebindingResolver()
    network = fetcher.network
    assert isinstance(network, RoutedNetwork)
    result = fetcher.fetch_all([f"http://rebind.example:{server.port}/"])[f"http://rebind.example:{server.port}/"]
    # robots.txt and the page share one kept-alive connection: one lookup, one checked address.
    assert result.status == 200
    assert network.connected == [PUBLIC_IP]
    assert fetcher.resolver.answers == 1


def test_the_switch_allows_private_addresses_for_tests(server: LocalServer) -> None:
    fetcher = local_fetcher(allow_private=True)
    result = fetcher.fetch_all([server.url("/")])[server.url("/")]
    assert result.status == 200 and "Public page" in result.text


@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.1", "017700000001", "[::ffff:7f00:1]"])
def test_odd_spellings_of_loopback_are_refused(host: str) -> None:
    # The system resolver parses numeric hosts itself (inet_aton rules), without asking DNS.
    url = f"http://{host}:9/"
    result = Fetcher(CrawlConfig(), SystemResolver()).fetch_all([url])[url]
    assert result.failure is FetchFailure.BLOCKED_ADDRESS and "loopback" in result.detail
