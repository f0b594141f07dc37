"""Built-in scores and the Why, on hand-built prospects (learning is in test_learning_model)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from bot.analysis.score import ScoreContext, score_prospects

CONTEXT = ScoreContext(("invoice template", "late payment"), frozenset({"en"}), date(2026, 11, 20), (0.4, 0.35, 0.25))


def prospects(**overrides: Sequence[object]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(next(iter(overrides.values()))) if overrides else 1
    base = {
        "Link type": ["Resource page"] * n,
        "Overlap": [1] * n,
        "Follow": ["Yes"] * n,
        "Authority": [50.0] * n,
        "Target page": ["https://ours.io/invoice-template"] * n,
        "Competitors linked": ["rival.com"] * n,
        "Topic": ["invoicing"] * n,
    }
    features = {
        "text": ["Free invoice template resources"] * n,
        "language": ["en"] * n,
        "first_seen": ["2024-01-01"] * n,
        "last_seen": ["2026-11-01"] * n,
        "lost": [False] * n,
        "traffic": [float("nan")] * n,
        "direct": [True] * n,
        "target_fit": [1.0] * n,
        "type_evidence": ["URL '/resources/'"] * n,
        "asset_gap": [""] * n,
    }
    for key, values in overrides.items():
        (base if key in base else features)[key] = values
    return pd.DataFrame(base), pd.DataFrame(features)


def test_overlap_of_two_or_more_scores_higher() -> None:
    rows, features = prospects(Overlap=[1, 2, 3])
    scores = score_prospects(rows, features, CONTEXT)
    # Resource page 70 + 10 per extra competitor + 5 (seen lately) + 5 (links kept for over a year)
    assert scores["Feasibility"].tolist() == [80.0, 90.0, 100.0]
    assert scores["Priority"].is_monotonic_increasing
    assert scores["Why"].iloc[1].startswith("2 competitors link here; Resource page (URL '/resources/')")


def test_relevance_value_and_why_words() -> None:
    rows, features = prospects(
        Follow=["Yes", "No"], Authority=[50.0, None], text=["Free invoice template resources", "Gardening tips"]
    )
    scores = score_prospects(rows, features, CONTEXT)
    # 20 + 40 keyword + 15 language + 15 direct competitor + 10 target fit; the second has no keyword
    assert scores["Relevance"].tolist() == [100.0, 60.0]
    # 0.6 × authority (25 when unknown) + 25 followed + 15 × 0.3 unknown traffic
    assert scores["Value"].tolist() == [59.5, 19.5]
    assert "mentions 'invoice template'" in scores["Why"].iloc[0]
    assert "no keyword of ours on the page" in scores["Why"].iloc[1]
    assert "authority unknown, nofollow" in scores["Why"].iloc[1]


def test_lost_links_and_asset_gaps_show_in_why() -> None:
    rows, features = prospects(lost=[True], asset_gap=["Data study"])
    scores = score_prospects(rows, features, CONTEXT)
    assert scores["Feasibility"].iloc[0] == 60.0  # 70 + 5 + 5 - 20 lost
    assert "they won it with a Data study we lack" in scores["Why"].iloc[0]
    assert "link already lost" in scores["Why"].iloc[0]


def test_direct_serp_competitors_count_more_than_aspirational_peers() -> None:
    rows, features = prospects(direct=[True, False])
    relevance = score_prospects(rows, features, CONTEXT)["Relevance"].tolist()
    assert relevance == [100.0, 92.5]  # 15 × 1 for a direct SERP competitor, 15 × 0.5 for peers only
