"""The `Dashboard` tab: the counts a team looks at first."""

from __future__ import annotations

import pandas as pd


def dashboard(
    prospects: pd.DataFrame, noise: pd.DataFrame, totals: dict[str, int], giants: pd.DataFrame
) -> pd.DataFrame:
    """Rows of (Section, Item, Count): totals, then prospects by link type, action, competitor and topic,
    noise by reason, and competitors flagged as giant publishers."""
    rows: list[tuple[str, str, int]] = [("Totals", name, int(count)) for name, count in totals.items()]
    live = prospects[prospects["Status"].astype(str) != "Gone"] if "Status" in prospects.columns else prospects
    for section, column in (("Link type", "Link type"), ("Suggested action", "Suggested action")):
        rows += [(section, str(k), int(v)) for k, v in live[column].value_counts().items()]
    for section, column in (("Competitor", "Competitors linked"), ("Topic", "Topic")):
        names = live[column].astype(str).str.split(r"\s*,\s*", regex=True).explode()
        rows += [(section, str(k), int(v)) for k, v in names[names != ""].value_counts().items()]
    rows += [("Noise reason", str(k), int(v)) for k, v in noise["Reason"].value_counts().items()]
    rows += [
        ("Giant publisher (competitor)", f"{d} ({r}× the others' median)", int(n))
        for d, r, n in giants[["display", "ratio", "referring_domains"]].itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=["Section", "Item", "Count"])
