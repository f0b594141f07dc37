"""Gap and overlap on hand-built links, through the analysis; each expected answer is written out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.analysis.gap import giant_publishers
from bot.analysis.pipeline import AnalysisInputs, AnalysisOutput, analyze_links
from tests.linkrows import competitors, link, rules, settings, table, targets

RIVALS = competitors(("rival.com",), ("other.co.uk",), ("gone.net", "Direct SERP competitor", "", "No"))


def find_gap(links: pd.DataFrame, minimum_overlap: int = 1, review_level: str = "domain") -> AnalysisOutput:
    """The analysis of `links` against RIVALS, for our site ours.io."""
    inputs = AnalysisInputs(
        links=links,
        competitors=RIVALS,
        targets=targets(("https://ours.io/", "", "invoicing", "Homepage")),
        rules=rules(),
        serp=pd.DataFrame(columns=["Keyword", "Position", "URL"]),
        settings=settings(our_domains="ours.io", minimum_overlap=str(minimum_overlap), review_level=review_level),
    )
    return analyze_links(inputs, date(2026, 11, 20))


def test_a_domain_linking_to_a_subdomain_of_ours_is_not_a_prospect_and_is_counted() -> None:
    links = table(
        link("https://blog.example.org/a", "https://rival.com/"),
        link("https://www.example.org/b", "https://help.ours.io/start"),  # our domain via a subdomain
        link("https://fresh.org/x", "https://rival.com/"),
    )
    gap = find_gap(links)
    assert list(gap.prospects["Domain"]) == ["fresh.org"]
    assert gap.counts["domains already linking to us"] == 1


def test_the_same_domain_in_several_tools_is_one_prospect_with_distinct_overlap() -> None:
    links = table(
        link("https://www.site.org/list", "https://rival.com/", tool="Ahrefs", authority=40.0),
        link("https://site.org/list", "https://www.rival.com/", tool="Semrush", authority=38.0),
        link("https://site.org/other", "https://other.co.uk/p", tool="Semrush", authority=38.0),
    )
    gap = find_gap(links)
    assert gap.prospects[["Domain", "Overlap", "Competitors linked"]].values.tolist() == [
        ["site.org", 2, "other.co.uk, rival.com"]
    ]
    assert gap.prospects["Best linking page"].iloc[0] == "https://www.site.org/list"  # highest authority


def test_minimum_overlap_and_inactive_competitors() -> None:
    links = table(
        link("https://one.org/", "https://rival.com/"),
        link("https://two.org/", "https://rival.com/"),
        link("https://two.org/", "https://other.co.uk/"),
        link("https://only-gone.org/", "https://gone.net/"),
    )
    assert list(find_gap(links, minimum_overlap=2).prospects["Domain"]) == ["two.org"]
    assert set(find_gap(links).prospects["Domain"]) == {"one.org", "two.org"}


def test_page_level_review_keys_prospects_by_linking_page() -> None:
    links = table(link("https://site.org/a", "https://rival.com/"), link("https://site.org/b", "https://rival.com/"))
    keys = set(find_gap(links, review_level="page").prospects["Domain"])
    assert keys == {"site.org/a", "site.org/b"}


def test_a_competitor_with_far_more_referring_domains_is_flagged_as_giant() -> None:
    rows = [link(f"https://s{i}.org/", "https://rival.com/") for i in range(600)]
    rows += [link(f"https://t{i}.org/", "https://other.co.uk/") for i in range(20)]
    giants = giant_publishers(table(*rows), RIVALS)
    # rival.com: 600 referring domains; the median of the other active competitors is 20 (other.co.uk)
    assert giants.values.tolist() == [["rival.com", "rival.com", 600, 30.0]]
