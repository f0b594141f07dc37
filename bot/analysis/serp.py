"""Competitor suggestions from the optional `SERP` tab (keyword, position, URL)."""

from __future__ import annotations

import pandas as pd

from bot.urls import domain_of, host_display

# Sites that rank for almost anything: worth knowing, rarely a true search competitor.
GIANT_PUBLISHERS = frozenset(
    {
        "wikipedia.org", "youtube.com", "amazon.com", "reddit.com", "quora.com", "facebook.com", "linkedin.com",
        "forbes.com", "nytimes.com", "medium.com", "pinterest.com", "instagram.com", "x.com", "twitter.com",
        "investopedia.com", "nerdwallet.com", "bbc.co.uk", "theguardian.com", "cnbc.com", "businessinsider.com",
        "indeed.com", "glassdoor.com", "tripadvisor.com", "yelp.com", "apple.com", "google.com", "microsoft.com",
    }
)  # fmt: skip
GIANT_SHARE = 0.6  # ranking for this share of all keywords (of at least GIANT_MIN_KEYWORDS) marks a giant
GIANT_MIN_KEYWORDS = 5
MIN_KEYWORDS = 2


def competitor_suggestions(serp: pd.DataFrame, competitors: pd.DataFrame, our_domains: frozenset[str]) -> pd.DataFrame:
    """Domains ranking for at least two of our keywords that are not ours or already competitors."""
    columns = ["Domain", "Keywords", "Best position", "Examples", "Giant publisher"]
    rows = serp[(serp["URL"].astype(str).str.strip() != "") & (serp["Keyword"].astype(str).str.strip() != "")]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "domain": rows["URL"].map(domain_of),
            "keyword": rows["Keyword"].astype(str).str.strip(),
            "position": pd.to_numeric(rows["Position"], errors="coerce"),
            "url": rows["URL"].astype(str).str.strip(),
        }
    )
    known = set(competitors["domain"]) | set(our_domains)
    frame = frame[(frame["domain"] != "") & ~frame["domain"].isin(known)]
    all_keywords = max(1, rows["Keyword"].astype(str).str.strip().nunique())
    frame = frame.sort_values(["domain", "position"], na_position="last", kind="stable")
    grouped = frame.groupby("domain", sort=False)
    summary = grouped.agg(keywords=("keyword", "nunique"), best=("position", "min"))
    summary["examples"] = grouped.apply(
        lambda g: "; ".join(
            f"{k} (#{int(p) if p == p else '?'}: {u})"
            for k, p, u in g[["keyword", "position", "url"]].head(3).to_numpy()
        ),
        include_groups=False,
    )
    summary = summary[summary["keywords"] >= MIN_KEYWORDS].reset_index()
    broad = (all_keywords >= GIANT_MIN_KEYWORDS) & (summary["keywords"] / all_keywords >= GIANT_SHARE)
    giant = summary["domain"].isin(GIANT_PUBLISHERS) | broad
    out = pd.DataFrame(
        {
            "Domain": summary["domain"].map(host_display),
            "Keywords": summary["keywords"].astype(int),
            "Best position": summary["best"].astype("Int64"),
            "Examples": summary["examples"],
            "Giant publisher": giant.map({True: "Yes", False: ""}),
        },
        columns=columns,
    )
    return out.sort_values(
        ["Keywords", "Best position", "Domain"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
