"""The whole pure analysis on a hand-built market, and SERP competitor suggestions."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.analysis.pipeline import AnalysisInputs, AnalysisOutput, analyze_links
from bot.analysis.serp import competitor_suggestions
from tests.linkrows import competitors, link, rules, settings, table, targets

RIVALS = competitors(("rival.com", "Direct SERP competitor", "invoicing"), ("peer.com", "Aspirational peer", "tax"))
OURS = targets(
    ("https://ours.io/invoice-template", "invoicing", "invoice template", "Template"),
    ("https://ours.io/", "", "invoicing", "Homepage"),
)
SERP = pd.DataFrame(columns=["Keyword", "Position", "URL"])


def run(links: pd.DataFrame, team_rules: pd.DataFrame | None = None, **values: str) -> AnalysisOutput:
    inputs = AnalysisInputs(
        links=links,
        competitors=RIVALS,
        targets=OURS,
        rules=team_rules if team_rules is not None else rules(),
        serp=SERP,
        settings=settings(our_domains="ours.io", **values),
    )
    return analyze_links(inputs, date(2026, 11, 20))


def test_every_prospect_row_is_complete_and_sorted() -> None:
    links = table(
        link("https://hub.org/resources/invoicing", "https://rival.com/invoice-template", title="Invoicing resources"),
        link("https://hub.org/resources/invoicing", "https://peer.com/", title="Invoicing resources"),
        link("https://blog.net/2025/01/my-stack", "https://rival.com/", title="My invoicing stack"),
        link("https://deadlinks.org/tools", "https://rival.com/old-calculator", target_status=404, title="Tools"),
        link("https://promo.com/rival-coupons", "https://rival.com/pricing"),
        link("https://likes.org/x", "https://ours.io/"),
        link("https://likes.org/y", "https://rival.com/"),
    )
    out = run(links)
    prospects = out.prospects
    assert prospects["Domain"].tolist()[0] == "hub.org"  # two competitors, a resource page
    assert set(prospects["Domain"]) == {"hub.org", "blog.net", "deadlinks.org"}
    for column in (
        "Link type",
        "Why",
        "Relevance",
        "Feasibility",
        "Value",
        "Suggested action",
        "Next action",
        "Status",
    ):
        assert (prospects[column].astype(str) != "").all(), column
    assert prospects["Priority"].is_monotonic_decreasing
    by_domain = prospects.set_index("Domain")
    assert by_domain.loc["deadlinks.org", "Link type"] == "Broken link"
    assert by_domain.loc["deadlinks.org", "Suggested action"] == "Create better page first"  # a calculator we lack
    assert by_domain.loc["hub.org", "Suggested action"] == "Offer resource update"
    assert by_domain.loc["hub.org", "Target page"] == "https://ours.io/invoice-template"
    assert out.noise[["Domain", "Reason"]].values.tolist() == [["promo.com", "Coupon / deals"]]
    assert out.counts["domains already linking to us"] == 1
    assert out.asset_gaps["Competitor page"].tolist() == ["https://rival.com/old-calculator"]
    dash = out.dashboard
    assert dash[(dash["Section"] == "Link type") & (dash["Item"] == "Broken link")]["Count"].tolist() == [1]


def test_links_tab_is_bounded_per_prospect_and_merges_tools() -> None:
    many = [link(f"https://big.org/p{i}", "https://rival.com/", authority=float(i), export="a.csv") for i in range(8)]
    twice = link("https://big.org/p7", "https://rival.com/", authority=7.0, export="b.csv")
    out = run(table(*many, twice))
    links = out.links
    assert len(links) == 5
    assert links["Linking page"].tolist()[0] == "https://big.org/p7"
    assert links["Sources"].tolist()[0] == "a.csv, b.csv"


def test_minimum_overlap_setting_filters_prospects() -> None:
    links = table(
        link("https://one.org/a", "https://rival.com/"),
        link("https://two.org/a", "https://rival.com/"),
        link("https://two.org/b", "https://peer.com/"),
    )
    assert run(links, minimum_overlap="2").prospects["Domain"].tolist() == ["two.org"]


def test_rule_problems_are_reported_and_other_rules_still_apply() -> None:
    links = table(link("https://one.org/a", "https://rival.com/"), link("https://two.org/a", "https://rival.com/"))
    out = run(links, rules(("domain", "one.org", "block", ""), ("regex", "x", "block", "")))
    assert out.prospects["Domain"].tolist() == ["two.org"]
    assert out.notes[0].startswith("Rules row 3, column Match: 'regex' is not one of")


def test_competitor_suggestions_from_serp() -> None:
    serp = pd.DataFrame(
        {
            "Keyword": ["a", "a", "b", "b", "c", "c"],
            "Position": ["1", "2", "3", "1", "2", "4"],
            "URL": [
                "https://www.newrival.com/x",
                "https://rival.com/",
                "https://newrival.com/y",
                "https://en.wikipedia.org/wiki/Invoice",
                "https://ours.io/",
                "https://en.wikipedia.org/wiki/VAT",
            ],
        }
    )
    out = competitor_suggestions(serp, RIVALS, frozenset({"ours.io"}))
    # rival.com is already a competitor and ours.io is us; ties in keywords and best rank go by name
    assert out.values.tolist() == [
        ["newrival.com", 2, 1, "a (#1: https://www.newrival.com/x); b (#3: https://newrival.com/y)", ""],
        [
            "wikipedia.org",
            2,
            1,
            "b (#1: https://en.wikipedia.org/wiki/Invoice); c (#4: https://en.wikipedia.org/wiki/VAT)",
            "Yes",
        ],
    ]


def test_no_links_gives_empty_tabs_not_errors() -> None:
    out = run(table())
    assert out.prospects.empty and out.noise.empty and out.links.empty and out.batches.empty
    assert out.counts["prospects"] == 0
