"""Link types with their evidence; each expected type is written out by hand."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify_links
from bot.analysis.rules import parse_rules
from tests.linkrows import link, rules, table

TARGET = "https://rival.com/"


def classified(row: dict[str, object], team: tuple[tuple[str, str, str, str], ...] = ()) -> tuple[str, float, str]:
    result = classify_links(table(row), parse_rules(rules(*team)))
    return result.link_type.iloc[0], float(result.confidence.iloc[0]), result.evidence.iloc[0]


@pytest.mark.parametrize(
    ("row", "link_type", "evidence"),
    [
        (link("https://site.org/resources/", TARGET, title="Tools"), "Resource page", "URL '/resources/'"),
        (link("https://site.org/p", TARGET, title="Useful links"), "Resource page", "title 'Useful links'"),
        (
            link("https://site.org/a", TARGET, title="12 best invoicing apps"),
            "List / roundup",
            "title '12 best invoicing apps'",
        ),
        (link("https://site.org/guest-post-tips", TARGET), "Guest contribution", "URL 'guest-post'"),
        (link("https://site.org/a", TARGET, author="Guest author"), "Guest contribution", "author 'Guest author'"),
        (link("https://site.org/our-partners", TARGET), "Partnership / association", "URL '/our-partners'"),
        (link("https://forum.site.org/t/best-app/123", TARGET), "Forum / UGC", "URL '/t/best-app/123'"),
        (link("https://site.org/listing/rival", TARGET), "Directory", "URL '/listing/'"),
        (link("https://site.org/news/x", TARGET, anchor="Rival's survey"), "Digital PR", "URL '/news/'"),
        (link("https://site.org/x", TARGET, anchor="data from Rival"), "Digital PR", "anchor 'data from Rival'"),
        (link("https://site.org/2025/03/how-i-work", TARGET), "Editorial mention", "URL '/2025/03/'"),
        (
            link("https://site.org/a", TARGET, page_type="Article > Listicle"),
            "List / roundup",
            "page type 'Article > Listicle'",
        ),
        (link("https://site.org/a", TARGET, ugc=True), "Forum / UGC", "link marked UGC (user-generated)"),
        (link("https://site.org/a", TARGET, sponsored=True), "Partnership / association", "link marked sponsored"),
        (link("https://site.org/", TARGET), "Other", "no clear signal in URL, title or anchor"),
    ],
)
def test_link_type_and_evidence(row: dict[str, object], link_type: str, evidence: str) -> None:
    kind, confidence, said = classified(row)
    assert (kind, said) == (link_type, evidence)
    assert 0 < confidence <= 1


def test_a_dead_competitor_page_makes_a_broken_link_whatever_the_page_is() -> None:
    row = link("https://site.org/resources/", "https://rival.com/old-tool", target_status=404, title="Resources")
    assert classified(row)[:3:2] == ("Broken link", "competitor page answers HTTP 404 (dead page)")
    assert classified(link("https://site.org/resources/", TARGET, target_status=200))[0] == "Resource page"


def test_classify_rules_win_over_every_signal() -> None:
    row = link("https://site.org/resources/", "https://rival.com/old", target_status=410, ugc=True)
    kind, confidence, said = classified(row, (("URL contains", "site.org", "classify", "Digital PR"),))
    assert (kind, confidence, said) == ("Digital PR", 1.0, "Rules row 2: classify URL contains 'site.org'")


def test_outbound_links_shift_confidence_of_list_like_pages() -> None:
    many = classified(link("https://a.org/resources/", TARGET, external_links=80))[1]
    few = classified(link("https://a.org/resources/", TARGET, external_links=2))[1]
    plain = classified(link("https://a.org/resources/", TARGET))[1]
    assert few < plain < many


def test_url_and_title_only_ignores_tool_fields() -> None:
    rows = table(link("https://site.org/", TARGET, ugc=True, target_status=404, page_type="User content > Forum"))
    assert classify_links(rows, url_and_title_only=True).link_type.iloc[0] == "Other"
