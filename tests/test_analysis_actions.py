"""Target pages, suggested actions and batches on hand-built prospects."""

from __future__ import annotations

import pandas as pd

from bot.analysis.actions import choose_targets, suggest_actions
from bot.analysis.batches import batch_prospects
from tests.linkrows import targets

OURS = targets(
    ("https://ours.io/invoice-template", "invoicing", "invoice template", "Template"),
    ("https://ours.io/tools/vat", "tax", "vat calculator", "Tool / calculator"),
    ("https://ours.io/", "invoicing", "invoicing software", "Homepage"),
)


def test_target_page_by_asset_type_keywords_and_topic_else_home_page() -> None:
    texts = pd.Series(["VAT resources", "Free invoice template list", "Cooking blog", "Cooking blog"])
    assets = pd.Series(["Tool / calculator", "Guide / tutorial", "Glossary", "Glossary"])
    topics = pd.Series(["tax", "invoicing", "", ""])
    pages, fit = choose_targets(texts, assets, topics, OURS, frozenset({"ours.io"}))
    assert pages.tolist() == [
        "https://ours.io/tools/vat",  # same asset type + topic (+ the word "vat")
        "https://ours.io/invoice-template",  # keyword on the page + topic
        "https://ours.io/",  # nothing fits: our home page
        "https://ours.io/",
    ]
    assert fit.tolist()[2:] == [0.0, 0.0]
    no_home = OURS[OURS["asset_type"] != "Homepage"]
    assert choose_targets(texts[2:3], assets[2:3], topics[2:3], no_home, frozenset({"ours.io"}))[0].tolist() == [
        "https://ours.io/"
    ]


def test_suggested_actions() -> None:
    types = pd.Series(
        [
            "Resource page", "Broken link", "Guest contribution", "Digital PR", "List / roundup", "Directory",
            "Forum / UGC", "Partnership / association", "Resource page", "Editorial mention",
        ]
    )  # fmt: skip
    gaps = pd.Series([""] * 8 + ["Data study", ""])
    texts = pd.Series([""] * 9 + ["Sponsored: our partner BillHive"])
    assert suggest_actions(types, gaps, texts).tolist() == [
        "Offer resource update",
        "Broken link replacement",
        "Propose guest post",
        "Add to PR list",
        "Pitch existing page",
        "Pitch existing page",
        "Informational only",
        "Informational only",
        "Create better page first",  # won with an asset we lack
        "Informational only",  # sponsorship-like wording
    ]


def test_batches_group_by_type_angle_and_target_in_sized_chunks() -> None:
    rows = pd.DataFrame(
        {
            "Domain": [f"d{i}.org" for i in range(7)],
            "Priority": [90, 80, 70, 60, 50, 40, 30],
            "Link type": ["Resource page"] * 5 + ["Directory", "Forum / UGC"],
            "Suggested action": ["Offer resource update"] * 4
            + ["Offer resource update", "Pitch existing page", "Informational only"],
            "Target page": ["https://ours.io/invoice-template"] * 5 + ["https://ours.io/", "https://ours.io/"],
            "Status": ["New", "Active", "New", "New", "Gone", "New", "New"],
        }
    )
    tab, names = batch_prospects(rows, batch_size=2)
    assert tab[["Batch", "Prospects", "Domains"]].values.tolist() == [
        ["Resource page → /invoice-template #1", 2, "d0.org, d1.org"],
        ["Resource page → /invoice-template #2", 2, "d2.org, d3.org"],
        ["Directory → home page #1", 1, "d5.org"],
    ]
    assert names.tolist() == [
        "Resource page → /invoice-template #1",
        "Resource page → /invoice-template #1",
        "Resource page → /invoice-template #2",
        "Resource page → /invoice-template #2",
        "",  # gone
        "Directory → home page #1",
        "",  # informational only
    ]
    assert tab["Pitch angle"].iloc[0] == "Suggest adding /invoice-template to their resource list"
