"""The whole analysis as one pure function: inputs and links in, output tabs out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from bot.settings import Settings

from .gap import find_gap


@dataclass(frozen=True)
class AnalysisOutput:
    prospects: pd.DataFrame  # Prospects tab rows (gapbot columns + initial team values)
    counts: dict[str, int]


def analyze_links(
    links: pd.DataFrame,
    competitors: pd.DataFrame,
    settings: Settings,
    existing: pd.DataFrame,
    today: date,
) -> AnalysisOutput:
    """Prospects for this run.

    `existing` is the current Prospects tab (key and first-seen columns are used) so that a
    prospect keeps its first-seen date and is `New` only on the run that first finds it.
    """
    gap = find_gap(
        links,
        competitors,
        settings.our_domains,
        minimum_overlap=settings.minimum_overlap,
        review_level=settings.review_level,
    )
    prospects = gap.prospects
    first_seen = _first_seen(existing)
    known = prospects["Domain"].isin(first_seen.index)
    prospects["Status"] = known.map({True: "Active", False: "New"})
    prospects["First seen"] = prospects["Domain"].map(first_seen).where(known, today.isoformat())
    prospects["Last seen"] = today.isoformat()
    counts = {
        "links read": len(links),
        "prospects": len(prospects),
        "new prospects": int((~known).sum()),
        "domains already linking to us": gap.linking_to_us,
    }
    return AnalysisOutput(prospects, counts)


def _first_seen(existing: pd.DataFrame) -> pd.Series:
    if existing.empty or "Domain" not in existing.columns:
        return pd.Series(dtype=object)
    rows = existing[existing["Domain"].astype(str).str.strip() != ""]
    seen = rows["First seen"] if "First seen" in rows.columns else pd.Series("", index=rows.index)
    return pd.Series(seen.to_numpy(), index=rows["Domain"].str.strip().to_numpy()).groupby(level=0).first()
