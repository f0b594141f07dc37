from __future__ import annotations

import pytest

from bot.urls import domain_of, host_display, registrable_domain, url_key


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.example.com/a", "example.com"),
        ("http://blog.shop.example.co.uk/x?y=1", "example.co.uk"),
        ("example.org", "example.org"),
        ("https://a.blogspot.com/", "a.blogspot.com"),  # private PSL section
        ("https://www.münzkasse.com/x", "xn--mnzkasse-65a.com"),
        ("https://xn--mnzkasse-65a.com/x", "xn--mnzkasse-65a.com"),
        ("HTTPS://WWW.EXAMPLE.COM:443/", "example.com"),
        ("https://192.168.0.1/page", ""),
        ("mailto:someone@example.com", ""),
        ("not a url", ""),
        ("", ""),
    ],
)
def test_registrable_domain(url: str, domain: str) -> None:
    assert domain_of(url) == domain


def test_unicode_display_of_punycode_keys() -> None:
    assert host_display(registrable_domain("www.münzkasse.com")) == "münzkasse.com"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.example.com/page?utm_source=x&id=3#top", "http://example.com/page?id=3"),
        ("https://example.com:443", "example.com/"),
        ("https://example.com/?gclid=abc", "https://example.com/"),
        ("https://münzkasse.com/a", "https://xn--mnzkasse-65a.com/a"),
    ],
)
def test_same_page_same_key(a: str, b: str) -> None:
    assert url_key(a) == url_key(b) != ""


def test_different_pages_differ() -> None:
    assert url_key("https://example.com/a") != url_key("https://example.com/b")
    assert url_key("https://example.com:8080/a") != url_key("https://example.com/a")
