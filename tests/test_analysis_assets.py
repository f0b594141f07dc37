"""Why competitors earned their links, and asset gaps; expected answers written by hand."""

from __future__ import annotations

import pandas as pd

from bot.analysis.assets import asset_gaps_tab, asset_types, competitor_assets
from tests.linkrows import competitors, link, table, targets


def test_asset_type_from_url_then_anchors() -> None:
    urls = pd.Series(
        [
            "https://rival.com/",
            "https://rival.com/es/",
            "https://rival.com/tools/vat-calculator",
            "https://rival.com/invoice-template",
            "https://rival.com/research/late-payments-2025",
            "https://rival.com/glossary/net-30",
            "https://rival.com/rival-vs-ledgerly",
            "https://rival.com/pricing",
            "https://rival.com/blog/tips",
            "https://rival.com/p/123",
        ]
    )
    anchors = pd.Series([""] * 9 + ["free invoice template"])
    kinds, said = asset_types(urls, anchors)
    assert kinds.tolist() == [
        "Homepage", "Homepage", "Tool / calculator", "Template", "Data study", "Glossary", "Comparison",
        "Product page", "Guide / tutorial", "Template",
    ]  # fmt: skip
    assert said.iloc[9] == "anchors 'free invoice template'"


def test_asset_gaps_are_unmatched_assets_ranked_by_gap_domains() -> None:
    rivals = competitors(("rival.com", "Direct SERP competitor", "tax"))
    evidence = table(
        link("https://a.org/x", "https://rival.com/research/survey", authority=50.0),
        link("https://b.org/x", "https://rival.com/research/survey", authority=40.0),
        link("https://c.org/x", "https://rival.com/tools/vat-calculator"),
        link("https://d.org/x", "https://rival.com/"),
    )
    evidence["prospect"] = evidence["source_domain"]
    assets = competitor_assets(evidence, rivals)
    ours = targets(("https://ours.io/vat", "tax", "vat", "Tool / calculator"))
    gaps = asset_gaps_tab(assets, ours)
    # The calculator is matched by our VAT tool (same type and topic); the home page never is a gap.
    assert gaps[["Competitor page", "Asset type", "Gap domains", "Examples"]].values.tolist() == [
        ["https://rival.com/research/survey", "Data study", 2, "a.org, b.org"]
    ]
    other_topic = targets(("https://ours.io/vat", "invoicing", "vat", "Tool / calculator"))
    assert len(asset_gaps_tab(assets, other_topic)) == 2
