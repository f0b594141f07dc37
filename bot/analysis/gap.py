"""The gap: referring domains (or pages) that link to competitors but not to us."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bot.urls import host_display


@dataclass(frozen=True)
class GapResult:
    prospects: pd.DataFrame  # one row per prospect key, columns named as in the Prospects tab
    evidence: pd.DataFrame  # the competitor links behind the prospects (link-table rows + "prospect")
    linking_to_us: int  # referring domains that already link to one of our domains


def prospect_keys(links: pd.DataFrame, review_level: str) -> pd.Series:
    """A prospect's identity: registrable domain, or the normalised linking URL in page mode."""
    domains = links["source_domain"].map(host_display)
    if review_level != "page":
        return domains
    pages = links["source_key"].fillna("")
    return pages.where(pages != "", domains)


def find_gap(
    links: pd.DataFrame,
    competitors: pd.DataFrame,
    our_domains: frozenset[str],
    minimum_overlap: int = 1,
    review_level: str = "domain",
) -> GapResult:
    """Prospects: sources linking to at least `minimum_overlap` active competitors and never to us.

    A source "links to us" when any of its links points to a registrable domain in
    `our_domains`, whichever subdomain it points to and whichever tool reported it.
    """
    active = competitors.loc[competitors["active"], ["domain", "display"]]
    names = dict(zip(active["domain"], active["display"], strict=True))
    to_us = links["target_domain"].isin(our_domains)
    linking_us = set(links.loc[to_us, "source_domain"])

    evidence = links[links["target_domain"].isin(names) & ~links["source_domain"].isin(linking_us)].copy()
    evidence = evidence[~evidence["source_domain"].isin(our_domains)]
    evidence["prospect"] = prospect_keys(evidence, review_level)

    by_prospect = evidence.groupby("prospect", sort=False)["target_domain"]
    overlap = by_prospect.nunique()
    keep = overlap[overlap >= max(1, minimum_overlap)].index
    evidence = evidence[evidence["prospect"].isin(keep)]

    competitors_linked = (
        evidence.drop_duplicates(["prospect", "target_domain"])
        .assign(name=lambda f: f["target_domain"].map(names))
        .sort_values("name")
        .groupby("prospect", sort=False)["name"]
        .agg(", ".join)
    )
    best = best_links(evidence).set_index("prospect")
    prospects = pd.DataFrame(
        {
            "Domain": keep,
            "Competitors linked": competitors_linked.reindex(keep).to_numpy(),
            "Overlap": overlap.reindex(keep).to_numpy(),
            "Best linking page": best["source_url"].reindex(keep).fillna("").to_numpy(),
            "Page title": best["title"].reindex(keep).fillna("").to_numpy(),
            "Anchor": best["anchor"].reindex(keep).fillna("").to_numpy(),
            "Competitor page": best["target_url"].reindex(keep).fillna("").to_numpy(),
            "Follow": best["nofollow"].reindex(keep).map({True: "No", False: "Yes"}).fillna("").to_numpy(),
            "Authority": best["authority"].reindex(keep).to_numpy(),
        }
    )
    prospects = prospects.sort_values(["Overlap", "Domain"], ascending=[False, True], kind="stable")
    return GapResult(prospects.reset_index(drop=True), evidence.reset_index(drop=True), len(linking_us))


def best_links(evidence: pd.DataFrame) -> pd.DataFrame:
    """The strongest page-level link of each prospect: highest authority, followed, then by URL."""
    pages = evidence[evidence["source_url"].fillna("") != ""]
    ranked = pages.assign(
        _auth=pages["authority"].fillna(-1.0),
        _nofollow=pages["nofollow"].fillna(False).astype(bool),
    ).sort_values(["prospect", "_auth", "_nofollow", "source_url"], ascending=[True, False, True, True])
    return ranked.drop_duplicates("prospect").drop(columns=["_auth", "_nofollow"])
