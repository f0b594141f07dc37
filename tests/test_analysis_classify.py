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


@pytest.mark.parametrize(
    ("url", "title", "link_type", "evidence"),
    [
        (
            "https://dailyinsurancenews.com/flood-cover-rises-across-the-state",
            "Flood cover rises across the state",
            "Digital PR",
            "host 'dailyinsurancenews.com' (news site)",
        ),
        (
            "https://paper.ad/societat/city-invests-in-the-spa",
            "City invests in the spa",
            "Digital PR",
            "URL '/societat/'",
        ),
        (
            "https://tv.com/home/headlines/best-and-worst-counties-for-drivers",
            "Best and worst counties for drivers",
            "Digital PR",
            "URL '/headlines/'",
        ),
        (
            "https://site.org/a",
            "Spa group reports 12% growth",
            "Digital PR",
            "title 'Spa group reports 12% growth' (company figures)",
        ),
        (
            "https://site.org/a",
            "Encuesta: los autónomos cobran tarde",
            "Digital PR",
            "title 'Encuesta: los autónomos cobran tarde'",
        ),
        (
            "https://uni.edu/services/student-partners/",
            "Discounts",
            "Partnership / association",
            "URL '/student-partners/'",
        ),
        ("https://brand.com/stockists/", "Find us", "Partnership / association", "URL '/stockists/'"),
        (
            "https://club.org/p",
            "Member benefits",
            "Partnership / association",
            "title 'Member benefits' (partner page)",
        ),
        (
            "https://club.org/p",
            "Nuestros socios",
            "Partnership / association",
            "title 'Nuestros socios' (partner page)",
        ),
        (
            "https://find.co/leeds/dentists/12",
            "Dentists in Leeds",
            "Directory",
            "title 'Dentists in Leeds' (businesses in a place)",
        ),
        ("https://globe.com/map/old-town-spa/", "Old Town Spa", "Directory", "URL '/map/'"),
        ("https://nav.cn/", "全球旅行导航", "Directory", "title '全球旅行导航'"),
        ("https://shop.fr/produit/huile-de-corps-mandarine-douce/", "Huile", "Other", "URL '/produit/'"),
        ("https://tool.com/checklist/audit-checklist/", "Audit checklist", "Other", "URL '/checklist/'"),
        (
            "https://broker.com/car-insurance/",
            "Get an instant car insurance quote",
            "Other",
            "title 'Get an instant car insurance quote' (product or booking page)",
        ),
        (
            "https://hotels.com/leeds",
            "Hotels in Leeds | Best price guaranteed",
            "Other",
            "title 'Hotels in Leeds | Best price guaranteed' (product or booking page)",
        ),
        (
            "https://site.org/a",
            "Gift ideas for runners",
            "List / roundup",
            "title 'Gift ideas for runners' (gift guide)",
        ),
        (
            "https://blog.org/2026/03/",
            "5 March 2026 - Notes",
            "Editorial mention",
            "title '5 March 2026 - Notes' (dated post)",
        ),
    ],
)
def test_link_type_from_url_and_title(url: str, title: str, link_type: str, evidence: str) -> None:
    result = classify_links(table(link(url, TARGET, title=title)), url_and_title_only=True)
    assert (result.link_type.iloc[0], result.evidence.iloc[0]) == (link_type, evidence)


@pytest.mark.parametrize(
    ("url", "title", "not_type"),
    [
        # A site whose name ends in "Partners" is not a partner page.
        (
            "https://acmeinsurancepartners.com/a",
            "Rates rise again - Acme Insurance Partners",
            "Partnership / association",
        ),
        # "finds" alone is not a study.
        ("https://podcast.fm/episode-12", "Episode 12: Speed finds a way", "Digital PR"),
        # A numbered title that is a date is not a list.
        ("https://blog.org/p", "12 octubre 2025 - Diario", "List / roundup"),
        # Buying as a topic is not a shop.
        ("https://site.org/why-men-buy-cover", "Reasons men buy life insurance", "Other"),
        # An editorial section beats the listing wording of its title.
        ("https://tv.com/explora/balnearios-en-andorra", "Balnearios en Andorra", "Directory"),
    ],
)
def test_wording_that_looks_like_a_type_but_is_not(url: str, title: str, not_type: str) -> None:
    result = classify_links(table(link(url, TARGET, title=title)), url_and_title_only=True)
    assert result.link_type.iloc[0] != not_type
