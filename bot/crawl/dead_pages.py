"""Competitor pages that died: broken link replacement opportunities.

The fetch step checks the competitor pages gap domains link to, most-linked first and capped per
run, skipping pages checked recently so that successive runs work through the whole list. A page
is dead when it answers 404 or 410, or when it redirects to a homepage. `apply_dead_pages` then
turns the prospects that link to a dead page into `Broken link` prospects; it is pure and is what
the analysis calls after building prospects.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pandas as pd

from bot.urls import url_key

from .result import FetchResult

DEAD_STATUSES = frozenset({404, 410})
BROKEN_LINK = "Broken link"
BROKEN_LINK_ACTION = "Broken link replacement"
#: Columns of the frame the fetch step produces (the `Competitor pages` tab).
DEAD_PAGE_COLUMNS = ("Competitor page", "Dead", "Dead because", "Status", "Final URL", "Gap domains", "Checked at")


def _is_homepage(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def dead_because(result: FetchResult) -> str:
    """Why the page counts as dead ("" if it is alive or could not be checked)."""
    if result.fetched and result.status in DEAD_STATUSES:
        return f"answers {result.status}"
    if result.fetched and result.hops and _is_homepage(result.final_url) and not _is_homepage(result.url):
        return f"redirects to the homepage {result.final_url}"
    return ""


def pages_to_check(
    links: pd.DataFrame, checked: pd.DataFrame, now: datetime, limit: int, recheck_after: timedelta
) -> pd.DataFrame:
    """Competitor pages linked from gap domains: `Competitor page`, `Gap domains`, most first.

    `links` has `Domain` (the prospect key) and `Competitor page`; `checked` is the previous
    `Competitor pages` frame (its `Checked at` decides what was checked recently).
    """
    pages = links.loc[links["Competitor page"].astype(str).str.strip() != "", ["Domain", "Competitor page"]].copy()
    pages["key"] = pages["Competitor page"].map(url_key)
    pages = pages[pages["key"] != ""]
    counted = (
        pages.groupby("key")
        .agg(page=("Competitor page", "first"), domains=("Domain", "nunique"))
        .reset_index()
        .sort_values(["domains", "page"], ascending=[False, True])
    )
    if not checked.empty:
        when = pd.to_datetime(checked["Checked at"], errors="coerce")
        recent = checked.loc[when >= pd.Timestamp(now.replace(tzinfo=None) - recheck_after), "Competitor page"]
        counted = counted[~counted["key"].isin({url_key(str(p)) for p in recent})]
    top = counted.head(limit)
    return pd.DataFrame({"Competitor page": top["page"].tolist(), "Gap domains": top["domains"].astype(int).tolist()})


def dead_page_rows(pages: pd.DataFrame, results: dict[str, FetchResult], now: datetime) -> pd.DataFrame:
    """One `Competitor pages` row per checked page; pages that gave no answer stay undecided."""
    rows = []
    for page, domains in zip(pages["Competitor page"], pages["Gap domains"], strict=True):
        result = results[page]
        reason = dead_because(result)
        alive = not reason and result.fetched and (result.status or 0) < 400
        unknown = "" if reason or alive else f"not checked: {result.problem or f'answers {result.status}'}"
        rows.append(
            {
                "Competitor page": page,
                "Dead": "Yes" if reason else "No" if alive else "",
                "Dead because": reason or unknown,
                "Status": result.status if result.status is not None else "",
                "Final URL": result.final_url,
                "Gap domains": domains,
                "Checked at": f"{now:%Y-%m-%d %H:%M}",
            }
        )
    return pd.DataFrame(rows, columns=list(DEAD_PAGE_COLUMNS))


def apply_dead_pages(prospects: pd.DataFrame, links: pd.DataFrame, dead_pages: pd.DataFrame) -> pd.DataFrame:
    """Prospects linking to a dead competitor page become `Broken link` / `Broken link replacement`.

    `prospects` needs `Domain`, `Link type`, `Why`, `Suggested action` (and may have
    `Competitor page`); `links` maps prospects to every competitor page they link to (`Domain`,
    `Competitor page`; may be empty); `dead_pages` is the `Competitor pages` frame. `Why` names the
    dead page and why it is dead. Other prospects are returned unchanged.
    """
    out = prospects.copy()
    if dead_pages.empty:
        return out
    dead = dead_pages[dead_pages["Dead"].astype(str).str.strip().str.casefold() == "yes"]
    reason_by_key = {
        url_key(str(p)): (str(p), str(r)) for p, r in zip(dead["Competitor page"], dead["Dead because"], strict=True)
    }
    if not reason_by_key:
        return out
    pairs = [(str(d), str(p)) for d, p in zip(links.get("Domain", []), links.get("Competitor page", []), strict=True)]
    if "Competitor page" in out.columns:
        pairs += [(str(d), str(p)) for d, p in zip(out["Domain"], out["Competitor page"], strict=True)]
    dead_for: dict[str, tuple[str, str]] = {}
    for domain, page in pairs:
        hit = reason_by_key.get(url_key(page))
        if hit and domain not in dead_for:
            dead_for[domain] = hit
    for index, domain in out["Domain"].astype(str).items():
        if domain not in dead_for:
            continue
        page, reason = dead_for[domain]
        why = str(out.at[index, "Why"]).strip()
        out.at[index, "Link type"] = BROKEN_LINK
        out.at[index, "Suggested action"] = BROKEN_LINK_ACTION
        if page not in why:  # applying twice must not say it twice
            out.at[index, "Why"] = (
                f"Links to a dead competitor page {page} ({reason}): offer ours instead. {why}".strip()
            )
    return out
