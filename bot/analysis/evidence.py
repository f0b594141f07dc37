"""The `Links` tab: the cleaned page-level evidence behind each prospect, bounded per prospect.

The same link reported by several tools or exports becomes one row listing its sources.
"""

from __future__ import annotations

import pandas as pd

from bot.urls import host_display

from .frames import flag, text

LINKS_PER_PROSPECT = 5  # keeps the tab within the sheet's cell limit on large markets


def links_tab(evidence: pd.DataFrame, limit: int = LINKS_PER_PROSPECT) -> pd.DataFrame:
    """One row per (prospect, linking page, competitor page), strongest first, at most `limit` each."""
    columns = [
        "Domain", "Linking page", "Page title", "Anchor", "Competitor", "Competitor page", "Follow",
        "Authority", "Sources", "First seen", "Last seen", "Link type", "Topic",
    ]  # fmt: skip
    if evidence.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "prospect": evidence["prospect"],
            "source_key": text(evidence, "source_key").where(
                text(evidence, "source_key") != "", text(evidence, "source_url")
            ),
            "target_key": text(evidence, "target_key").where(
                text(evidence, "target_key") != "", text(evidence, "target_url")
            ),
            "source_url": text(evidence, "source_url"),
            "title": text(evidence, "title"),
            "anchor": text(evidence, "anchor"),
            "target_url": text(evidence, "target_url"),
            "target_domain": text(evidence, "target_domain"),
            "followed": ~flag(evidence, "nofollow"),
            "authority": evidence["authority"].astype("Float64"),
            "source": text(evidence, "export").where(text(evidence, "export") != "", text(evidence, "tool")),
            "first_seen": text(evidence, "first_seen").str[:10],
            "last_seen": text(evidence, "last_seen").str[:10],
            "link_type": text(evidence, "link_type"),
            "topic": text(evidence, "topic"),
        }
    )
    keys = ["prospect", "source_key", "target_key"]
    frame = frame.sort_values("authority", ascending=False, na_position="last", kind="stable")
    strongest = frame.drop_duplicates(keys).groupby("prospect", sort=False).head(limit)[keys]
    frame = frame.merge(strongest, on=keys, how="inner")
    for column in ("title", "anchor", "first_seen", "last_seen"):
        frame[column] = frame[column].replace("", None)
    grouped = frame.groupby(keys, sort=False)
    merged = grouped.agg(
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
    merged["sources"] = _sources(frame, keys).reindex(merged.index).fillna("")
    merged = merged.fillna({"title": "", "anchor": "", "first_seen": "", "last_seen": ""}).reset_index()
    merged = merged.sort_values(["prospect", "authority"], ascending=[True, False], na_position="last", kind="stable")
    merged = merged.groupby("prospect", sort=False).head(limit)
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


def _sources(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The tools/exports reporting each link, joined; built per distinct source, not per row."""
    present = frame[frame["source"] != ""]
    out: pd.Series | None = None
    for name in sorted(present["source"].unique()):
        has = present[present["source"] == name].groupby(keys, sort=False).size().index
        flag_series = pd.Series(name, index=has)
        out = flag_series if out is None else out.add(", " + flag_series, fill_value="").str.lstrip(", ")
    return out if out is not None else pd.Series(dtype=object)
