"""URL keys, host keys and registrable domains against outside truth: the Public Suffix List's own
test cases (shipped with `publicsuffixlist`), and the IDNA examples of UTS 46 and the WHATWG URL
standard. The column functions are checked against the same cases, and one IDN site written two
ways goes through ingest and the analysis as one site."""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files

import idna
import pandas as pd
import pyarrow as pa
import pytest

from bot.analysis.pipeline import AnalysisInputs, analyze_links
from bot.domains import registrable_domains
from bot.ingest import merge_link_tables, read_export_bytes
from bot.urls import PSL, host_display, host_key, host_keys_of, registrable_domain, url_key, url_keys
from tests.linkrows import competitors, rules, settings, targets


def _psl_cases() -> list[tuple[str, str | None]]:
    """checkPublicSuffix(input, expected) lines of the list's own test file, as the package ships it."""
    text = files("publicsuffixlist").joinpath("test_psl.txt").read_text("utf-8")
    found = re.findall(r"^checkPublicSuffix\('([^']+)', (null|'[^']+')\);", text, re.MULTILINE)
    return [(host, None if expected == "null" else expected.strip("'")) for host, expected in found]


PSL_CASES = _psl_cases()


def test_the_package_ships_the_lists_test_cases() -> None:
    assert len(PSL_CASES) > 50


def _expected_key(expected: str | None) -> str:
    """gapbot keys domains in punycode, and "" where the list gives none."""
    return idna.encode(expected, uts46=True).decode("ascii") if expected else ""


# gapbot drops a leading "www." before asking the list (a site's www host is the site), so for
# `www.ck`, an exception rule, it asks about `ck`: the list's answer for the host itself is
# checked through the public API instead.
WWW_EXCEPTIONS = {
    host for host, expected in PSL_CASES if host.startswith("www.") and (expected or "").startswith("www.")
}


@pytest.mark.parametrize(("host", "expected"), PSL_CASES)
def test_registrable_domains_follow_the_lists_test_cases(host: str, expected: str | None) -> None:
    if host in WWW_EXCEPTIONS:
        assert PSL.privatesuffix(host) == expected
        assert registrable_domain(host) == _expected_key(PSL.privatesuffix(host.removeprefix("www.")))
        return
    assert registrable_domain(host) == _expected_key(expected)


def test_registrable_domains_of_a_column_follow_the_lists_test_cases() -> None:
    hosts = [h for h, _ in PSL_CASES if h not in WWW_EXCEPTIONS]
    expected = [_expected_key(e) for h, e in PSL_CASES if h not in WWW_EXCEPTIONS]
    assert registrable_domains(pa.array(hosts * 2, pa.large_string())).to_pylist() == expected * 2
    keys = host_keys_of(pa.array(hosts, pa.large_string()))
    assert registrable_domains(keys).to_pylist() == expected


# UTS 46 (non-transitional, as the WHATWG URL standard and browsers process hosts) and the
# standard's own examples
@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("straße.de", "xn--strae-oqa.de"),
        ("xn--strae-oqa.de", "xn--strae-oqa.de"),
        ("STRASSE.de", "strasse.de"),  # a different name: ß is not ss
        ("faß.de", "xn--fa-hia.de"),
        ("faß.ExAmPlE", "xn--fa-hia.example"),
        ("ＥＸＡＭＰＬＥ.com", "example.com"),
        ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
        ("www.例え.テスト", "xn--r8jz45g.xn--zckzah"),
        ("ПРИМЕР.рф", "xn--e1afmkfd.xn--p1ai"),
        ("münchen.de.", "xn--mnchen-3ya.de"),
        ("xn--abc-ä.com", ""),  # a Unicode label after the ACE prefix is no host name
    ],
)
def test_host_keys_are_uts46(host: str, key: str) -> None:
    assert host_key(host) == key
    assert host_keys_of(pa.array([host, "example.org"], pa.large_string())).to_pylist() == [key, "example.org"]


def test_display_forms_are_the_unicode_names() -> None:
    assert host_display("xn--strae-oqa.de") == "straße.de"
    assert host_display("xn--r8jz45g.xn--zckzah") == "例え.テスト"
    assert host_display("example.com") == "example.com"


SPELLINGS = ["https://straße.de/preise", "https://xn--strae-oqa.de/preise", "https://WWW.Straße.de/preise#x"]


def test_both_spellings_of_an_idn_are_one_key_and_one_domain() -> None:
    assert {url_key(u) for u in SPELLINGS} == {"xn--strae-oqa.de/preise"}
    assert {registrable_domain(host_key(h)) for h in ("straße.de", "xn--strae-oqa.de")} == {"xn--strae-oqa.de"}
    keys, hosts = url_keys(pa.array(SPELLINGS * 2, pa.large_string()))
    assert set(keys.to_pylist()) == {"xn--strae-oqa.de/preise"} and set(hosts.to_pylist()) == {"xn--strae-oqa.de"}
    assert set(registrable_domains(hosts).to_pylist()) == {"xn--strae-oqa.de"}


def _export(rows: list[tuple[str, str]]) -> bytes:
    lines = ["Source URL,Target URL,Anchor", *(f"{source},{target},invoicing" for source, target in rows)]
    return "\n".join(lines).encode("utf-8")


def test_a_site_written_two_ways_that_links_to_us_is_not_a_prospect() -> None:
    """The competitor's export names the linking site in Unicode, ours in punycode (as most tools
    write it): one site, which already links to us."""
    theirs, _ = read_export_bytes(
        "rival.com-backlinks.csv",
        _export([("https://straße.de/preise", "https://rival.com/"), ("https://hub.org/tools", "https://rival.com/")]),
    )
    ours, _ = read_export_bytes(
        "ours.io-backlinks.csv", _export([("https://xn--strae-oqa.de/links", "https://ours.io/")])
    )
    inputs = AnalysisInputs(
        links=merge_link_tables([theirs, ours]),
        competitors=competitors(("rival.com",)),
        targets=targets(("https://ours.io/", "", "invoicing", "Homepage")),
        rules=rules(),
        serp=pd.DataFrame(columns=["Keyword", "Position", "URL"]),
        settings=settings(our_domains="ours.io"),
    )
    prospects = analyze_links(inputs, date(2026, 11, 20)).prospects
    assert prospects["Domain"].tolist() == ["hub.org"]
