"""The `Links` tab: the cleaned page-level evidence behind each prospect, bounded per prospect.

The same link reported by several tools or exports becomes one row listing its sources.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.urls import host_display

from .frames import flag, joined_labels, text

LINKS_PER_PROSPECT = 5  # keeps the tab within the sheet's cell limit on large markets


def links_tab(evidence: pd.DataFrame, limit: int = LINKS_PER_PROSPECT) -> pd.DataFrame:
    """One row per (prospect, linking page, competitor page), strongest first, at most `limit` each."""
    columns = [
        "Domain", "Linking page", "Page title", "Anchor", "Competitor", "Competitor page", "Follow",
        "Authority", "Sources", "First seen", "Last seen", "Link type", "Topic",
    ]  # fmt: skip
    if evidence.empty:
        return pd.DataFrame(columns=columns)
    # Integer codes: the same link (prospect, linking page, competitor page) from several exports
    # is one pair; keep each prospect's `limit` strongest pairs, then merge only their rows.
    prospect, _ = pd.factorize(evidence["prospect"])
    source, _ = pd.factorize(_key_or_url(evidence, "source"))
    target, targets = pd.factorize(_key_or_url(evidence, "target"))
    page_pair, page_pairs = pd.factorize(source.astype(np.int64) * max(1, len(targets)) + target)
    pair = prospect.astype(np.int64) * max(1, len(page_pairs)) + page_pair
    strength = pd.to_numeric(evidence["authority"], errors="coerce").astype(float).fillna(-1.0).to_numpy()
    order = np.lexsort((-strength, prospect))
    firsts = pd.Series(pair[order]).drop_duplicates()
    ranked_prospects = pd.Series(prospect[order][firsts.index.to_numpy()])
    kept_pairs = firsts[ranked_prospects.groupby(ranked_prospects).cumcount().to_numpy() < limit].to_numpy()
    chosen = order[np.isin(pair[order], kept_pairs)]
    needed = ["prospect", "source_url", "title", "anchor", "target_url", "target_domain", "nofollow", "export", "tool"]
    needed += ["first_seen", "last_seen", "link_type", "topic"]
    picked = evidence[[c for c in needed if c in evidence.columns]].iloc[chosen]
    rows = pd.DataFrame(
        {
            "_pair": pair[chosen],
            "prospect": picked["prospect"].to_numpy(),
            "source_url": text(picked, "source_url").to_numpy(),
            "title": text(picked, "title").replace("", None).to_numpy(),
            "anchor": text(picked, "anchor").replace("", None).to_numpy(),
            "target_url": text(picked, "target_url").to_numpy(),
            "target_domain": text(picked, "target_domain").to_numpy(),
            "followed": (~flag(picked, "nofollow")).to_numpy(),
            "authority": np.where(strength[chosen] >= 0, strength[chosen], np.nan),
            "source": text(picked, "export").where(text(picked, "export") != "", text(picked, "tool")).to_numpy(),
            "first_seen": _dates(picked, "first_seen").to_numpy(),
            "last_seen": _dates(picked, "last_seen").to_numpy(),
            "link_type": text(picked, "link_type").to_numpy(),
            "topic": text(picked, "topic").to_numpy(),
        }
    )
    grouped = rows.groupby("_pair", sort=False)
    merged = grouped.agg(
        prospect=("prospect", "first"),
        source_url=("source_url", "first"),
        title=("title", "first"),
        anchor=("anchor", "first"),
        target_url=("target_url", "first"),
        target_domain=("target_domain", "first"),
        followed=("followed", "any"),
        authority=("authority", "max"),
        first_seen=("first_seen", "min"),
        last_seen=("last_seen", "max"),
        link_type=("link_type", "first"),
        topic=("topic", "first"),
    )
    merged["sources"] = joined_labels(grouped.ngroup().to_numpy(), len(merged), rows["source"])
    for column in ("first_seen", "last_seen"):
        merged[column] = merged[column].dt.strftime("%Y-%m-%d").fillna("")
    # Rows came in prospect order, strongest first, and groups keep that order.
    merged = merged.fillna({"title": "", "anchor": ""}).reset_index(drop=True)
    return pd.DataFrame(
        {
            "Domain": merged["prospect"],
            "Linking page": merged["source_url"],
            "Page title": merged["title"],
            "Anchor": merged["anchor"],
            "Competitor": merged["target_domain"].map(host_display),
            "Competitor page": merged["target_url"],
            "Follow": merged["followed"].map({True: "Yes", False: "No"}),
            "Authority": merged["authority"],
            "Sources": merged["sources"],
            "First seen": merged["first_seen"],
            "Last seen": merged["last_seen"],
            "Link type": merged["link_type"],
            "Topic": merged["topic"],
        },
        columns=columns,
    ).reset_index(drop=True)


def _key_or_url(evidence: pd.DataFrame, side: str) -> pd.Series:
    """The normalised key of a link's `side` ("source"/"target"), or its URL when no key was made."""
    key = evidence[f"{side}_key"]
    return key.where(key.fillna("") != "", evidence[f"{side}_url"])


def _dates(evidence: pd.DataFrame, column: str) -> pd.Series:
    """ISO dates (time of day dropped) as datetimes, so that min/max run vectorised."""
    return pd.to_datetime(text(evidence, column).str[:10], format="%Y-%m-%d", errors="coerce")
