"""The gap: referring domains (or pages) that link to competitors but not to us."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.urls import host_display

from .frames import distinct_per_group, flag, joined_labels, text, unique_values

GIANT_RATIO = 5.0  # referring domains versus the median of the other competitors
GIANT_MINIMUM = 500  # and at least this many referring domains


@dataclass(frozen=True)
class GapLinks:
    evidence: pd.DataFrame  # link-table rows to active competitors from sources that never link to us
    linking_to_us: frozenset[str]  # referring domains that already link to one of our domains


def prospect_keys(links: pd.DataFrame, review_level: str) -> pd.Series:
    """A prospect's identity: registrable domain, or the normalised linking URL in page mode."""
    distinct, codes = unique_values(links["source_domain"])
    domains = pd.Series(distinct.map(host_display).to_numpy(dtype=object)[codes], index=links.index)
    if review_level != "page":
        return domains
    pages = links["source_key"].fillna("")
    return pages.where(pages != "", domains)


def gap_links(
    links: pd.DataFrame, competitors: pd.DataFrame, our_domains: frozenset[str], review_level: str
) -> GapLinks:
    """Links to active competitors from sources that never link to us (any subdomain of ours, any tool)."""
    active = set(competitors.loc[competitors["active"], "domain"])
    linking_us = frozenset(links.loc[links["target_domain"].isin(our_domains), "source_domain"].dropna())
    keep = (
        links["target_domain"].isin(active)
        & ~links["source_domain"].isin(linking_us)
        & ~links["source_domain"].isin(our_domains)
        & ~links["source_domain"].isin(active)
    )
    evidence = links[keep.fillna(False)].copy()
    evidence["prospect"] = prospect_keys(evidence, review_level)
    return GapLinks(evidence, linking_us)


def with_minimum_overlap(evidence: pd.DataFrame, minimum_overlap: int) -> pd.DataFrame:
    """Only the evidence of prospects linking to at least `minimum_overlap` competitors."""
    if minimum_overlap <= 1:
        return evidence
    return evidence[distinct_per_group(evidence["prospect"], evidence["target_domain"]) >= minimum_overlap]


def summarise_prospects(
    evidence: pd.DataFrame, competitors: pd.DataFrame, best: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per prospect: competitors, overlap and its best link, named as in the Prospects tab.

    `best` holds each prospect's best link (from `best_links`); by default the highest authority.
    """
    names = dict(zip(competitors["domain"], competitors["display"], strict=True))
    keys = pd.Index(evidence["prospect"].unique())
    by_prospect = evidence.groupby("prospect", sort=False)
    overlap = by_prospect["target_domain"].nunique()
    codes = pd.Index(keys).get_indexer(evidence["prospect"])
    competitors_linked = joined_labels(codes, len(keys), evidence["target_domain"].map(names).fillna(""))
    best = (best if best is not None else best_links(evidence)).set_index("prospect").reindex(keys)
    followed = best["nofollow"].astype("boolean")
    return pd.DataFrame(
        {
            "Domain": keys,
            "Competitors linked": competitors_linked,
            "Overlap": overlap.reindex(keys).to_numpy(),
            "Best linking page": text(best, "source_url").to_numpy(),
            "Page title": text(best, "title").to_numpy(),
            "Anchor": text(best, "anchor").to_numpy(),
            "Competitor page": text(best, "target_url").to_numpy(),
            "Follow": followed.map({True: "No", False: "Yes"}).astype(object).fillna("Yes").to_numpy(),
            "Authority": best["authority"].astype("Float64").to_numpy(),
        }
    ).reset_index(drop=True)


def best_links(evidence: pd.DataFrame, rank: str = "authority") -> pd.DataFrame:
    """The strongest link of each prospect: highest `rank`, page-level, followed, then by URL.

    Sorted with numpy on integer codes: a million links take a fraction of a second.
    """
    if evidence.empty:
        return evidence.iloc[0:0]
    codes, _ = pd.factorize(evidence["prospect"])
    score = pd.to_numeric(evidence[rank], errors="coerce").fillna(-1.0).to_numpy(dtype=float)
    urls = text(evidence, "source_url")
    url_order, _ = pd.factorize(urls, sort=True)
    no_page = (urls == "").to_numpy(dtype=bool)
    order = np.lexsort((url_order, flag(evidence, "nofollow").to_numpy(), -score, no_page, codes))
    sorted_codes = codes[order]
    first = order[np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]]
    return evidence.iloc[first]


def giant_publishers(links: pd.DataFrame, competitors: pd.DataFrame) -> pd.DataFrame:
    """Competitors with far more referring domains than the others: likely giant publishers.

    Columns: domain, display, referring_domains, ratio (to the median of the other competitors).
    """
    active = competitors.loc[competitors["active"], ["domain", "display"]]
    linked = links[links["target_domain"].isin(active["domain"])]
    sources, _ = pd.factorize(linked["source_domain"])
    counts = (
        pd.DataFrame({"target": linked["target_domain"].to_numpy(), "source": sources})
        .drop_duplicates()
        .groupby("target")
        .size()
        .reindex(active["domain"], fill_value=0)
    )
    rows = []
    for domain, count in counts.items():
        others = counts.drop(domain)
        median = float(others.median()) if len(others) else 0.0
        ratio = count / median if median else 0.0
        if len(others) and count >= GIANT_MINIMUM and ratio >= GIANT_RATIO:
            rows.append((domain, host_display(str(domain)), int(count), round(ratio, 1)))
    return pd.DataFrame(rows, columns=["domain", "display", "referring_domains", "ratio"])
