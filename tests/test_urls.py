from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domains import LISTED, WILDCARD_PARENTS, domains_where_known, registrable_domains
from bot.urls import (
    domain_in_text,
    domain_of,
    host_display,
    host_key,
    host_keys_of,
    ip_literals,
    is_ip_literal,
    registrable_domain,
    split_host,
    url_key,
    url_keys,
)


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


# -- vectorised keys agree with the scalar functions ------------------------------------------------

URL_SAMPLES = [
    "https://www.Example.com/a?b=1#frag",
    "http://example.com",
    "HTTP://EXAMPLE.COM:80/x",
    "https://example.com:8443/x?utm_source=a&id=2",
    "https://münzkasse.com/ä",
    "https://xn--mnzkasse-65a.com/",
    "http://192.168.0.1/page",
    "http://[::1]/x",
    "mailto:someone@example.com",
    "javascript:void(0)",
    '=HYPERLINK("http://evil.example")',
    "example.org/path?q=%20x+y",
    "//cdn.example.net/lib.js",
    "https://user:pw@example.com/",
    "https://example.com./trailing-dot",
    "https://www./",
    " https://example.com/space ",
    "https://example.com/p?gclid=1",
    "https://example.com/p?x=1&UTM_medium=2",
    "https://a.blogspot.com/?",
    "https://münzkasse.com/a\u00a0b",
    "https://straße.de/x",
    "http://ПРИМЕР.рф/путь",
    "https://example.com/\u3000",
    "https://example.com/a\x7fb",
    "https://exa\uff0fmple.com/x",
    "https://\uff45\uff58\uff41mple.com/",
    "https://例え.テスト/ページ",
    "https://exa%41mple.com/a",
    "https://münz\\x.de/",
    "https://www.www.münz.de/",
    "bücher.de",
    "http://a.com:0080/y",
    "http://a.com:99999/",
    "http://a.com:/x?gclid=2",
    "https://münz.de:8443/",
    "\u3000/0",
    "",
]
URL_PARTS = st.one_of(
    st.sampled_from(URL_SAMPLES),
    st.builds(
        lambda scheme, host, path, query, frag: f"{scheme}{host}{path}{query}{frag}",
        st.sampled_from(["http://", "https://", "HTTPS://", "", "ftp://", "//"]),
        st.from_regex(r"(www\.)?[a-zA-Z0-9_-]{1,8}(\.[a-z]{2,3}){1,2}\.?(:\d{1,5})?", fullmatch=True),
        st.from_regex(r"(/[a-zA-Z0-9%._~ -]{0,8}){0,3}", fullmatch=True),
        st.from_regex(r"(\?([a-z_]{1,8}=[a-z0-9%+]{0,4}&?){0,3})?", fullmatch=True),
        st.sampled_from(["", "#top", "#"]),
    ),
    # queries, fragments, escapes and white space after a plain or Unicode host
    st.builds(
        lambda scheme, host, rest: f"{scheme}{host}{rest}",
        st.sampled_from(["http://", "https://", "https://www."]),
        st.sampled_from(["a.com", "b.co.uk", "münz.de", "x.blogspot.com", "A.B.C.d.com."]),
        st.text(alphabet="/?#&=%+ab_utm.\u00a0\u3000é:", max_size=14),
    ),
    # queries with and without tracking parameters, in the forms urlencode writes back and others
    st.builds(
        lambda host, parts, fragment: f"https://{host}/p?{'&'.join(parts)}{fragment}",
        st.sampled_from(["a.com", "www.b.co.uk", "münz.de"]),
        st.lists(
            st.sampled_from(
                [
                    "utm_source=x",
                    "UTM_Medium=",
                    "gclid=1",
                    "Fbclid",
                    "_ga=2",
                    "page=2",
                    "a",
                    "",
                    "a=b=c",
                    "q=x,y",
                    "x=%41",
                    "y=a+b",
                    "id=7~z",
                    "s_cid=9",
                    "utm_=",
                    "ref=gclid",
                    "é=1",
                    "p=/x",
                ]
            ),
            max_size=5,
        ),
        st.sampled_from(["", "#top", "#a&utm_x=1"]),
    ),
    st.text(max_size=30),
)


def test_vectorised_keys_of_every_sample_equal_scalar_keys() -> None:
    column = pa.array(URL_SAMPLES * 3, pa.large_string())  # repeated: some keyed once per distinct value
    keys, hosts = url_keys(column)
    assert keys.to_pylist() == [url_key(u) for u in URL_SAMPLES * 3]
    assert hosts.to_pylist() == [host_key(split_host(u)) for u in URL_SAMPLES * 3]


@settings(max_examples=150, deadline=None)
@given(st.lists(URL_PARTS, min_size=1, max_size=12))
def test_vectorised_keys_equal_scalar_keys(urls: list[str]) -> None:
    keys, hosts = url_keys(pa.array(urls, pa.string()))
    assert keys.to_pylist() == [url_key(u) for u in urls]
    assert hosts.to_pylist() == [host_key(split_host(u)) for u in urls]
    assert host_keys_of(pa.array(urls, pa.string())).to_pylist() == hosts.to_pylist()


def test_vectorised_keys_on_repeated_values() -> None:
    urls = ["https://www.example.com/a?utm_source=x"] * 5 + ["https://b.example.org/"] * 3 + [None]
    keys, hosts = url_keys(pa.array(urls, pa.string()))
    assert keys.to_pylist() == ["example.com/a"] * 5 + ["b.example.org/"] * 3 + [""]
    assert hosts.to_pylist() == ["example.com"] * 5 + ["b.example.org"] * 3 + [""]


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("www.caldea.com-backlinks-subdomains.csv", "caldea.com"),
        ("http___www.johnmurch.com_-Latest links-2020-07-15.csv", "johnmurch.com"),
        ("Raw: paypilot.co.uk Ahrefs", "paypilot.co.uk"),
        ("old-resources-page.org-backlinks.csv", "old-resources-page.org"),
        ("münzkasse.com export", "xn--mnzkasse-65a.com"),
        ("backlinks.csv", ""),
        ("Raw: Ahrefs", ""),
    ],
)
def test_domain_named_in_a_file_or_tab_name(text: str, domain: str) -> None:
    assert domain_in_text(text) == domain


def test_private_suffix_section_and_ip_hosts() -> None:
    assert registrable_domain("a.blogspot.com") != registrable_domain("b.blogspot.com")
    assert registrable_domain("news.craftaccounting.co.uk") == "craftaccounting.co.uk"
    assert is_ip_literal("203.0.113.9") and is_ip_literal("[2001:db8::1]")
    assert not is_ip_literal("example.com") and not is_ip_literal("")


PSL_SUFFIXES = ["com", "co.uk", "blogspot.com", "kobe.jp", "city.kobe.jp", "ck", "www.ck", "s3.amazonaws.com",
                "xn--p1ai", "unknowntld", "github.io", "pvt.k12.ma.us", "bd", "com.bd", "uk"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda labels, suffix: ".".join([*labels, suffix]),
            st.lists(st.sampled_from(["www", "a", "b-c", "x_y", "city", "123", "WWW", ""]), max_size=4),
            st.sampled_from(PSL_SUFFIXES),
        )
        | st.text(max_size=12),
        min_size=1,
        max_size=10,
    )
)
def test_vectorised_registrable_domains_equal_scalar(hosts: list[str]) -> None:
    expected = [registrable_domain(h) for h in hosts]
    assert registrable_domains(pa.array(hosts, pa.string())).to_pylist() == expected
    chunked = pa.chunked_array([hosts[:3], hosts[3:]], pa.string())
    assert registrable_domains(chunked, distinct=True).to_pylist() == expected
    # for callers that drop hosts without a domain: the same domains where there is one
    domains, none = domains_where_known(pa.array(hosts, pa.large_string()))
    assert none.tolist() == [not d for d in expected]
    assert [d for d, n in zip(domains.to_pylist(), none, strict=True) if not n] == [d for d in expected if d]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.from_regex(r"\[?[0-9a-f:.]{0,18}\]?", fullmatch=True)
        | st.sampled_from(["1.2.3.4", "01.2.3.4", "256.1.1.1", "::1", "[2001:db8::1]", "a.com", "1.2.3"]),
        max_size=12,
    )
)
def test_ip_literals_of_a_column_equal_is_ip_literal(hosts: list[str]) -> None:
    assert ip_literals(pa.array(hosts, pa.string())).tolist() == [is_ip_literal(h) for h in hosts]


def test_registrable_domains_around_every_name_the_list_has_a_rule_for() -> None:
    """Hosts named by a rule (suffixes, wildcard parents, exceptions), one and two labels under
    each, and under each wildcard: the column function, which asks the list about parents, gives
    what the scalar function gives asking about each host."""
    names = LISTED.to_pylist() + WILDCARD_PARENTS.to_pylist()
    hosts = [h for n in names for h in (n, f"a.{n}", f"b.a.{n}", f"www.{n}", f"x-1.{n}")]
    expected = [registrable_domain(h) for h in hosts]
    column = pa.array(hosts, pa.large_string())
    assert registrable_domains(column).to_pylist() == expected
    assert registrable_domains(column, distinct=True).to_pylist() == expected
