"""Link types with their evidence: the certain rules (written out by hand) and the judge's part."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify_links
from bot.analysis.rules import parse_rules
from bot.judge.judge import PagesRead
from bot.judge.page_read import read_html
from tests.linkrows import link, rules, table
from tests.small_judge import small_judge

TARGET = "https://rival.com/"
JUDGE = small_judge()


def classified(
    row: dict[str, object], team: tuple[tuple[str, str, str, str], ...] = (), read: PagesRead | None = None
) -> tuple[str, float, str]:
    result = classify_links(table(row), parse_rules(rules(*team)), JUDGE, read or PagesRead({}, {}))
    return result.link_type.iloc[0], float(result.confidence.iloc[0]), result.evidence.iloc[0]


@pytest.mark.parametrize(
    ("row", "link_type", "evidence"),
    [
        (link("https://site.org/a", TARGET, author="Guest author"), "Guest contribution", "author 'Guest author'"),
        (
            link("https://site.org/a", TARGET, page_type="Article > Listicle"),
            "List / roundup",
            "page type 'Article > Listicle'",
        ),
        (
            link("https://site.org/a", TARGET, page_type="User content > Forum"),
            "Forum / UGC",
            "page type 'User content > Forum'",
        ),
        (link("https://site.org/a", TARGET, platform="phpBB"), "Forum / UGC", "platform 'phpBB'"),
        (link("https://site.org/a", TARGET, ugc=True), "Forum / UGC", "link marked UGC (user-generated)"),
        (link("https://site.org/a", TARGET, sponsored=True), "Partnership / association", "link marked sponsored"),
    ],
)
def test_the_tools_own_fields_are_rules(row: dict[str, object], link_type: str, evidence: str) -> None:
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
    many = classified(link("https://a.org/x", TARGET, page_type="Resources", external_links=80))[1]
    few = classified(link("https://a.org/x", TARGET, page_type="Resources", external_links=2))[1]
    plain = classified(link("https://a.org/x", TARGET, page_type="Resources"))[1]
    assert few < plain < many


def test_a_page_not_read_is_judged_by_url_and_title_and_says_why() -> None:
    url = "https://site.org/resources/invoicing"
    read = PagesRead({}, {url: "could not be read: name does not resolve"})
    kind, _, said = classified(link(url, TARGET, title="Useful resources"), read=read)
    assert kind == "Resource page"
    assert said.startswith("URL and title (page not read: could not be read: name does not resolve): ")


def test_a_page_read_is_judged_by_what_it_shows() -> None:
    url = "https://site.org/p/123"
    html = (
        "<html><head><title>Which invoicing app? - Forum</title></head><body><main><article>"
        "<p>Posted by jo on the forum. Reply. Replies: 4. Joined 2019. Which app do you use for invoices? "
        "I tried <a href='https://rival.com/'>Rival</a> and a spreadsheet before.</p></article></main></body></html>"
    )
    read = PagesRead({url: read_html(html, url)}, {})
    kind, _, said = classified(link(url, TARGET, title=""), read=read)
    assert (kind, said.split(":")[0]) == ("Forum / UGC", "page")


def test_markup_the_page_declares_settles_the_type() -> None:
    url = "https://answers.example.net/q/77"
    html = (
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "QAPage",'
        '"mainEntity": {"@type": "Question", "name": "Best invoicing tool?"}}</script></head>'
        "<body><p>Best invoicing tool? I like Rival.</p></body></html>"
    )
    read = PagesRead({url: read_html(html, url)}, {})
    kind, confidence, said = classified(link(url, TARGET, title="Best invoicing tool?"), read=read)
    assert (kind, confidence) == ("Forum / UGC", 0.9)
    assert said == "page: page declares a forum/Q&A post (QAPage, Question)"


def test_a_copy_of_another_site_is_noise_whatever_it_says() -> None:
    url = "https://mirror.example.net/post"
    html = (
        '<html><head><link rel="canonical" href="https://original-blog.com/post"><title>10 best apps</title>'
        "</head><body><p>The best apps.</p></body></html>"
    )
    result = classify_links(
        table(link(url, TARGET, title="10 best apps")), None, JUDGE, PagesRead({url: read_html(html, url)}, {})
    )
    assert (result.link_type.iloc[0], result.noise_reason.iloc[0]) == ("Noise", "Scraper / mirror")
    assert "original-blog.com" in result.evidence.iloc[0]


def test_below_the_type_threshold_the_type_is_other_and_unclear() -> None:
    unsure = small_judge(type_threshold=0.99)
    result = classify_links(table(link("https://k.com/blog/x", TARGET, title="A post")), None, unsure)
    assert result.link_type.iloc[0] == "Other"
    assert result.evidence.iloc[0].startswith("unclear from URL and title (closest: ")


def test_every_row_of_one_page_gets_the_same_verdict() -> None:
    rows = [
        link("https://q.info/site/rival.com", f"https://rival.com/{i}", title="rival.com website worth")
        for i in range(50)
    ]
    result = classify_links(table(*rows), None, JUDGE)
    assert set(result.link_type) == {"Noise"}
    assert set(result.noise_reason) == {"Spam / autogenerated"}
    assert result.evidence.nunique() == 1
